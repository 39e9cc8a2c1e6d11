#include "EventRowStore.h"

#include <algorithm>

namespace {
template <typename T> void keepOnly(ChunkedColumn<T> &values, const std::vector<quint8> &keep)
{
    size_t out = 0;
    for (size_t i = 0; i < values.size(); ++i) {
        if (keep[i])
            values[out++] = values[i];
    }
    values.truncate(out);
}

const QString &textOf(const EventRow &row, size_t field)
{
    switch (static_cast<EventRowStore::Text>(field)) {
    case EventRowStore::Text::RequestId:
        return row.requestId;
    case EventRowStore::Text::Title:
        return row.title;
    case EventRowStore::Text::Status:
        return row.status;
    case EventRowStore::Text::Urgency:
        return row.urgency;
    case EventRowStore::Text::Sentiment:
        return row.sentiment;
    case EventRowStore::Text::Customer:
        return row.customer;
    case EventRowStore::Text::Team:
        return row.team;
    case EventRowStore::Text::Assignee:
        return row.assignee;
    case EventRowStore::Text::Channel:
        return row.channel;
    case EventRowStore::Text::Path:
        return row.path;
    case EventRowStore::Text::EventType:
        return row.eventType;
    }
    Q_UNREACHABLE();
}
} // namespace

EventRowStore::EventRowStore()
{
    m_tagStart.push_back(0);
}

void EventRowStore::appendNumbers(const EventRow &row)
{
    const int index = size();
    if (!m_id.empty() && row.id <= m_id.back())
        m_idsAscending = false;
    m_id.push_back(row.id);
    m_receivedMs.push_back(row.receivedMs);
    m_toFirstResponseMs.push_back(row.toFirstResponseMs);
    m_toAssignmentMs.push_back(row.toAssignmentMs);
    m_toCloseMs.push_back(row.toCloseMs);
    m_attempt.push_back(row.attempt);
    m_retryGapSeconds.push_back(row.retryGapSeconds);
    m_replies.push_back(row.replies);
    m_sizeBytes.push_back(row.sizeBytes);
    m_kind.push_back(static_cast<quint8>(row.kind));
    m_flags.push_back(static_cast<quint8>((row.valid ? ValidFlag : 0) | (row.escalated ? EscalatedFlag : 0)));
    if (row.retryOf != 0)
        m_retryOf.insert(index, row.retryOf);
    if (m_indexOfIdValid)
        m_indexOfId.insert(row.id, index);
}

void EventRowStore::appendTexts(const EventRow &row, size_t firstField, size_t lastField)
{
    for (size_t f = firstField; f < lastField; ++f)
        m_text[f].push_back(m_pools[f].intern(textOf(row, f)));
}

void EventRowStore::appendTags(const EventRow &row)
{
    for (const QString &tag : row.tags)
        m_tagIds.push_back(m_tagPool.intern(tag));
    m_tagStart.push_back(static_cast<quint32>(m_tagIds.size()));
}

void EventRowStore::append(const EventRow &row)
{
    appendTexts(row, 0, static_cast<size_t>(TextCount));
    appendTags(row);
    appendNumbers(row);
}

void EventRowStore::append(const QList<EventRow> &rows)
{
    const auto count = static_cast<size_t>(rows.size());
    // Interning is most of an append: per column, a batch lookup (RowStringPool) for all rows.
    const auto internColumns = [this, &rows, count](size_t firstField, size_t lastField) {
        std::vector<const QString *> values(count);
        std::vector<quint32> ids(count);
        for (size_t f = firstField; f < lastField; ++f) {
            for (size_t i = 0; i < count; ++i)
                values[i] = &textOf(rows[static_cast<qsizetype>(i)], f);
            m_pools[f].intern(values.data(), count, ids.data());
            for (const quint32 id : ids)
                m_text[f].push_back(id);
        }
    };
    const auto internTags = [this, &rows] {
        std::vector<const QString *> values;
        for (const EventRow &row : rows) {
            for (const QString &tag : row.tags)
                values.push_back(&tag);
        }
        const size_t first = m_tagIds.size();
        m_tagIds.resize(first + values.size());
        m_tagPool.intern(values.data(), values.size(), m_tagIds.data() + first);
        quint32 end = static_cast<quint32>(first);
        for (const EventRow &row : rows) {
            end += static_cast<quint32>(row.tags.size());
            m_tagStart.push_back(end);
        }
    };
    // One thread: a second one halves this only on an idle machine; on a busy one (two cores
    // shared with builds) waiting for it to be scheduled cost several times the work itself.
    internColumns(0, static_cast<size_t>(TextCount));
    internTags();
    for (const EventRow &row : rows)
        appendNumbers(row);
}

EventRow EventRowStore::row(int i) const
{
    EventRow row;
    row.id = id(i);
    row.receivedMs = receivedMs(i);
    row.kind = kind(i);
    row.valid = valid(i);
    row.attempt = attempt(i);
    row.retryOf = retryOf(i);
    row.retryGapSeconds = retryGapSeconds(i);
    row.replies = replies(i);
    row.sizeBytes = sizeBytes(i);
    row.toFirstResponseMs = toFirstResponseMs(i);
    row.toAssignmentMs = toAssignmentMs(i);
    row.toCloseMs = toCloseMs(i);
    row.escalated = escalated(i);
    row.requestId = text(Text::RequestId, i);
    row.title = text(Text::Title, i);
    row.status = text(Text::Status, i);
    row.urgency = text(Text::Urgency, i);
    row.sentiment = text(Text::Sentiment, i);
    row.customer = text(Text::Customer, i);
    row.team = text(Text::Team, i);
    row.assignee = text(Text::Assignee, i);
    row.channel = text(Text::Channel, i);
    row.tags = tags(i);
    row.path = text(Text::Path, i);
    row.eventType = text(Text::EventType, i);
    return row;
}

void EventRowStore::clear()
{
    *this = EventRowStore();
}

int EventRowStore::remove(const QSet<qint64> &ids)
{
    std::vector<quint8> keep(m_id.size(), 1);
    int removed = 0;
    for (size_t i = 0; i < m_id.size(); ++i) {
        if (ids.contains(m_id[i])) {
            keep[i] = 0;
            ++removed;
        }
    }
    if (removed == 0)
        return 0;

    QHash<int, qint64> retryOf;
    ChunkedColumn<quint32> tagStart;
    tagStart.push_back(0);
    std::vector<quint32> tagIds;
    int out = 0;
    for (size_t i = 0; i < m_id.size(); ++i) {
        if (!keep[i])
            continue;
        const int index = static_cast<int>(i);
        if (const auto it = m_retryOf.constFind(index); it != m_retryOf.cend())
            retryOf.insert(out, *it);
        tagIds.insert(tagIds.end(), tagsBegin(index), tagsEnd(index));
        tagStart.push_back(static_cast<quint32>(tagIds.size()));
        ++out;
    }
    m_retryOf = std::move(retryOf);
    m_tagStart = std::move(tagStart);
    m_tagIds = std::move(tagIds);
    keepOnly(m_id, keep);
    keepOnly(m_receivedMs, keep);
    keepOnly(m_toFirstResponseMs, keep);
    keepOnly(m_toAssignmentMs, keep);
    keepOnly(m_toCloseMs, keep);
    keepOnly(m_attempt, keep);
    keepOnly(m_retryGapSeconds, keep);
    keepOnly(m_replies, keep);
    keepOnly(m_sizeBytes, keep);
    keepOnly(m_kind, keep);
    keepOnly(m_flags, keep);
    for (auto &column : m_text)
        keepOnly(column, keep);
    // The pools keep values no row uses any more: harmless, and a deletion is rare.
    m_idsAscending = true;
    for (size_t i = 1; i < m_id.size() && m_idsAscending; ++i)
        m_idsAscending = m_id[i - 1] < m_id[i];
    m_indexOfId.clear();
    m_indexOfIdValid = false;
    return removed;
}

qint64 EventRowStore::retryOf(int i) const
{
    return m_retryOf.value(i, 0);
}

QStringList EventRowStore::tags(int i) const
{
    QStringList list;
    list.reserve(tagCount(i));
    for (const quint32 *tag = tagsBegin(i); tag != tagsEnd(i); ++tag)
        list.append(m_tagPool.text(*tag));
    return list;
}

QString EventRowStore::tagsText(int i, QStringView separator) const
{
    QString text;
    for (const quint32 *tag = tagsBegin(i); tag != tagsEnd(i); ++tag) {
        if (tag != tagsBegin(i))
            text += separator;
        text += m_tagPool.text(*tag);
    }
    return text;
}

QString EventRowStore::kindText(int i) const
{
    if (kind(i) == EventKind::Platform && textId(Text::EventType, i) != RowStringPool::EmptyId)
        return text(Text::EventType, i);
    return eventKindName(kind(i));
}

int EventRowStore::indexOfId(qint64 id) const
{
    if (m_idsAscending) {
        size_t low = 0;
        size_t high = m_id.size();
        while (low < high) {
            const size_t middle = low + (high - low) / 2;
            if (m_id[middle] < id)
                low = middle + 1;
            else
                high = middle;
        }
        return low < m_id.size() && m_id[low] == id ? static_cast<int>(low) : -1;
    }
    if (!m_indexOfIdValid)
        rebuildIdIndex();
    return m_indexOfId.value(id, -1);
}

void EventRowStore::rebuildIdIndex() const
{
    m_indexOfId.clear();
    m_indexOfId.reserve(static_cast<qsizetype>(m_id.size()));
    // Inserted in order, so a repeated id finds its last row, as the old QHash-based model did.
    for (size_t i = 0; i < m_id.size(); ++i)
        m_indexOfId.insert(m_id[i], static_cast<int>(i));
    m_indexOfIdValid = true;
}
