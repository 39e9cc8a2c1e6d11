#include "EventTableModel.h"

#include "DurationText.h"
#include "EventRowStore.h"
#include "FilterIndex.h"
#include "SortKeys.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>
#include <QFont>
#include <algorithm>
#include <array>
#include <cstring>
#include <limits>

namespace {
using Text = EventRowStore::Text;

// Up to this many separate row removals/insertions are announced one by one. Each one costs the
// view a pass over all its rows (QHeaderView moves its per-row sections), so beyond a handful a
// single layoutChanged is cheaper; it keeps the selection all the same (persistent indexes).
constexpr size_t kMaxIncrementalRanges = 8;

const QString &kindName(EventKind kind)
{
    static const std::array<QString, EventKindCount> names = [] {
        std::array<QString, EventKindCount> result;
        for (int k = 0; k < EventKindCount; ++k)
            result[static_cast<size_t>(k)] = eventKindName(static_cast<EventKind>(k));
        return result;
    }();
    return names[static_cast<size_t>(kind)];
}

// A bit per store row.
class RowBits
{
public:
    explicit RowBits(size_t rows)
        : m_words((rows + 63) / 64, 0)
    { }
    void set(quint32 row) { m_words[row / 64] |= quint64(1) << (row % 64); }
    bool test(quint32 row) const { return (m_words[row / 64] >> (row % 64)) & 1u; }

private:
    std::vector<quint64> m_words;
};
} // namespace

EventTableModel::EventTableModel(QObject *parent)
    : QAbstractTableModel(parent)
    , m_store(std::make_unique<EventRowStore>())
    , m_index(std::make_unique<FilterIndex>(*m_store))
    , m_sortKeys(std::make_unique<SortKeys>(*m_store))
{ }

EventTableModel::~EventTableModel() = default;

int EventTableModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid())
        return 0;
    return static_cast<int>(m_visible.size());
}

int EventTableModel::columnCount(const QModelIndex &parent) const
{
    if (parent.isValid())
        return 0;
    return ColumnCount;
}

int EventTableModel::totalCount() const
{
    return m_store->size();
}

Qt::ItemFlags EventTableModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
}

QHash<int, QByteArray> EventTableModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(RawValueRole, QByteArrayLiteral("rawValue"));
    names.insert(EventIdRole, QByteArrayLiteral("eventId"));
    names.insert(KindRole, QByteArrayLiteral("kind"));
    names.insert(UrgencyRole, QByteArrayLiteral("urgency"));
    return names;
}

QVariant EventTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto row = static_cast<int>(m_visible[static_cast<size_t>(index.row())]);
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
        return displayData(row, column);
    case Qt::ToolTipRole:
        return toolTipData(row, column);
    case RawValueRole:
        return rawData(row, column);
    case EventIdRole:
        return m_store->id(row);
    case KindRole:
        return static_cast<int>(m_store->kind(row));
    case UrgencyRole:
        return m_store->pool(Text::Urgency).folded(m_store->textId(Text::Urgency, row)).toString();
    case Qt::ForegroundRole:
        return foregroundData(row, column);
    case Qt::BackgroundRole:
        return backgroundData(row);
    case Qt::FontRole:
        return fontData(row, column);
    case Qt::TextAlignmentRole:
        return alignmentData(column);
    default:
        return {};
    }
}

QVariant EventTableModel::displayData(int row, int column) const
{
    const EventRowStore &s = *m_store;
    switch (column) {
    case ReceivedColumn:
        return QDateTime::fromMSecsSinceEpoch(s.receivedMs(row), Qt::LocalTime)
            .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    case KindColumn:
        return s.kindText(row);
    case RequestIdColumn:
        return s.text(Text::RequestId, row);
    case TitleColumn:
        return s.text(Text::Title, row);
    case StatusColumn:
        return s.text(Text::Status, row);
    case UrgencyColumn:
        return s.text(Text::Urgency, row);
    case SentimentColumn:
        return s.text(Text::Sentiment, row);
    case CustomerColumn:
        return s.text(Text::Customer, row);
    case TeamColumn:
        return s.text(Text::Team, row);
    case AssigneeColumn:
        return s.text(Text::Assignee, row);
    case ChannelColumn:
        return s.text(Text::Channel, row);
    case TagsColumn:
        return s.tagsText(row, u", ");
    case RepliesColumn:
        return s.replies(row) < 0 ? QString() : QString::number(s.replies(row));
    case AttemptColumn:
        if (s.attempt(row) > 1 && s.retryGapSeconds(row) >= 0)
            return QStringLiteral("%1 (+%2 s)").arg(s.attempt(row)).arg(s.retryGapSeconds(row));
        return QString::number(s.attempt(row));
    case SizeColumn:
        return formatSize(s.sizeBytes(row));
    case FirstResponseColumn:
        return formatDuration(s.toFirstResponseMs(row));
    case AssignmentColumn:
        return formatDuration(s.toAssignmentMs(row));
    case CloseColumn:
        return formatDuration(s.toCloseMs(row));
    case EscalatedColumn:
        return formatEscalated(s.escalated(row));
    default:
        return {};
    }
}

QVariant EventTableModel::toolTipData(int row, int column) const
{
    const EventRowStore &s = *m_store;
    const auto since = [](qint64 ms, const char *what) -> QVariant {
        if (ms < 0)
            return {};
        return QStringLiteral("%1 %2 after the request was created").arg(QLatin1String(what), DurationText::format(ms));
    };
    switch (column) {
    case ReceivedColumn:
        return QDateTime::fromMSecsSinceEpoch(s.receivedMs(row), Qt::LocalTime)
            .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
    case KindColumn: {
        const QString &type = s.text(Text::EventType, row);
        if (type.isEmpty())
            return kindName(s.kind(row));
        return QString(kindName(s.kind(row)) + QStringLiteral(": ") + type);
    }
    case TitleColumn: {
        // The column is usually too narrow for a whole title.
        const QString &title = s.text(Text::Title, row);
        return title.isEmpty() ? QVariant() : QVariant(title);
    }
    case TagsColumn: {
        const QString tags = s.tagsText(row, u", ");
        return tags.isEmpty() ? QVariant() : QVariant(tags);
    }
    case AttemptColumn: {
        if (s.attempt(row) <= 1)
            return QStringLiteral("First delivery");
        QString tip = QStringLiteral("Attempt %1").arg(s.attempt(row));
        if (s.retryOf(row) != 0)
            tip += QStringLiteral(", retry of #%1").arg(s.retryOf(row));
        if (s.retryGapSeconds(row) >= 0)
            tip += QStringLiteral(", %1 s after the previous attempt").arg(s.retryGapSeconds(row));
        return tip;
    }
    case SizeColumn:
        return QStringLiteral("%1 bytes").arg(s.sizeBytes(row));
    case FirstResponseColumn:
        return since(s.toFirstResponseMs(row), "First response");
    case AssignmentColumn:
        return since(s.toAssignmentMs(row), "Assigned");
    case CloseColumn:
        return since(s.toCloseMs(row), "Closed");
    case EscalatedColumn:
        return s.escalated(row) ? QVariant(QStringLiteral("This event carries an escalation")) : QVariant();
    default:
        return {};
    }
}

QVariant EventTableModel::rawData(int row, int column) const
{
    const EventRowStore &s = *m_store;
    const auto folded = [&s, row](Text field) { return s.pool(field).folded(s.textId(field, row)).toString(); };
    const auto duration = [](qint64 ms) { return ms < 0 ? QVariant() : QVariant(ms); };
    switch (column) {
    case ReceivedColumn:
        return s.receivedMs(row);
    case KindColumn:
        return s.kindText(row).toCaseFolded();
    case RequestIdColumn: {
        // Numeric ids sort as numbers ("42" before "1234") and before non-numeric ones.
        bool isNumber = false;
        const qint64 number = s.text(Text::RequestId, row).toLongLong(&isNumber);
        return isNumber ? QVariant(number) : QVariant(folded(Text::RequestId));
    }
    case TitleColumn:
        return folded(Text::Title);
    case StatusColumn:
        return folded(Text::Status);
    case UrgencyColumn:
        return folded(Text::Urgency);
    case SentimentColumn:
        return folded(Text::Sentiment);
    case CustomerColumn:
        return folded(Text::Customer);
    case TeamColumn:
        return folded(Text::Team);
    case AssigneeColumn:
        return folded(Text::Assignee);
    case ChannelColumn:
        return folded(Text::Channel);
    case TagsColumn:
        return s.tagsText(row, u", ").toCaseFolded();
    case RepliesColumn:
        return s.replies(row);
    case AttemptColumn:
        return s.attempt(row);
    case SizeColumn:
        return s.sizeBytes(row);
    case FirstResponseColumn:
        return duration(s.toFirstResponseMs(row));
    case AssignmentColumn:
        return duration(s.toAssignmentMs(row));
    case CloseColumn:
        return duration(s.toCloseMs(row));
    case EscalatedColumn:
        return s.escalated(row);
    default:
        return {};
    }
}

bool EventTableModel::isHighUrgency(int row) const
{
    return m_store->text(Text::Urgency, row).compare(QLatin1String("high"), Qt::CaseInsensitive) == 0;
}

QVariant EventTableModel::foregroundData(int row, int column) const
{
    if (column == UrgencyColumn && isHighUrgency(row))
        return QBrush(QColor(200, 0, 0));
    const EventKind kind = m_store->kind(row);
    if (kind == EventKind::Invalid)
        return QBrush(QColor(128, 128, 128));
    // Keeps text readable on the light tint under a dark palette.
    if (kind == EventKind::Escalated)
        return QBrush(QColor(0, 0, 0));
    return {};
}

QVariant EventTableModel::backgroundData(int row) const
{
    if (m_store->kind(row) == EventKind::Escalated)
        return QBrush(QColor(255, 235, 235));
    return {};
}

QVariant EventTableModel::fontData(int row, int column) const
{
    const bool italic = m_store->kind(row) == EventKind::Invalid;
    const bool bold = column == UrgencyColumn && isHighUrgency(row);
    if (!italic && !bold)
        return {};
    QFont font;
    font.setItalic(italic);
    font.setBold(bold);
    return font;
}

QVariant EventTableModel::alignmentData(int column) const
{
    switch (column) {
    case RepliesColumn:
    case SizeColumn:
    case FirstResponseColumn:
    case AssignmentColumn:
    case CloseColumn:
        return static_cast<int>(Qt::AlignRight | Qt::AlignVCenter);
    default:
        return {};
    }
}

QVariant EventTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return {};
    if (role == Qt::ToolTipRole) {
        switch (static_cast<Column>(section)) {
        case FirstResponseColumn:
            return QStringLiteral("Time from the request's creation to its first response, as this event's payload "
                                  "gives it");
        case AssignmentColumn:
            return QStringLiteral("Time from the request's creation to its assignment, when this event shows it");
        case CloseColumn:
            return QStringLiteral("Time from the request's creation to its close, as this event's payload gives it");
        case EscalatedColumn:
            return QStringLiteral("Whether this event's payload carries an escalation");
        default:
            return {};
        }
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (static_cast<Column>(section)) {
    case ReceivedColumn:
        return QStringLiteral("Received");
    case KindColumn:
        return QStringLiteral("Kind");
    case RequestIdColumn:
        return QStringLiteral("Request");
    case TitleColumn:
        return QStringLiteral("Title");
    case StatusColumn:
        return QStringLiteral("Status");
    case UrgencyColumn:
        return QStringLiteral("Urgency");
    case SentimentColumn:
        return QStringLiteral("Sentiment");
    case CustomerColumn:
        return QStringLiteral("Customer");
    case TeamColumn:
        return QStringLiteral("Team");
    case AssigneeColumn:
        return QStringLiteral("Assignee");
    case ChannelColumn:
        return QStringLiteral("Channel");
    case TagsColumn:
        return QStringLiteral("Tags");
    case RepliesColumn:
        return QStringLiteral("Replies");
    case AttemptColumn:
        return QStringLiteral("Attempt");
    case SizeColumn:
        return QStringLiteral("Size");
    case FirstResponseColumn:
        return QStringLiteral("First response");
    case AssignmentColumn:
        return QStringLiteral("Assigned after");
    case CloseColumn:
        return QStringLiteral("Time to close");
    case EscalatedColumn:
        return QStringLiteral("Escalated");
    case ColumnCount:
        break;
    }
    return {};
}

QString EventTableModel::columnName(Column column)
{
    switch (column) {
    case ReceivedColumn:
        return QStringLiteral("received");
    case KindColumn:
        return QStringLiteral("kind");
    case RequestIdColumn:
        return QStringLiteral("request_id");
    case TitleColumn:
        return QStringLiteral("title");
    case StatusColumn:
        return QStringLiteral("status");
    case UrgencyColumn:
        return QStringLiteral("urgency");
    case SentimentColumn:
        return QStringLiteral("sentiment");
    case CustomerColumn:
        return QStringLiteral("customer");
    case TeamColumn:
        return QStringLiteral("team");
    case AssigneeColumn:
        return QStringLiteral("assignee");
    case ChannelColumn:
        return QStringLiteral("channel");
    case TagsColumn:
        return QStringLiteral("tags");
    case RepliesColumn:
        return QStringLiteral("replies");
    case AttemptColumn:
        return QStringLiteral("attempt");
    case SizeColumn:
        return QStringLiteral("size");
    case FirstResponseColumn:
        return QStringLiteral("first_response_ms");
    case AssignmentColumn:
        return QStringLiteral("assignment_ms");
    case CloseColumn:
        return QStringLiteral("close_ms");
    case EscalatedColumn:
        return QStringLiteral("escalated");
    case ColumnCount:
        break;
    }
    return {};
}

QString EventTableModel::formatSize(qint64 bytes)
{
    constexpr qint64 KiB = 1024;
    constexpr qint64 MiB = 1024 * KiB;
    if (bytes < KiB)
        return QStringLiteral("%1 B").arg(bytes);
    if (bytes < MiB)
        return QStringLiteral("%1 KB").arg(static_cast<double>(bytes) / KiB, 0, 'f', 1);
    return QStringLiteral("%1 MB").arg(static_cast<double>(bytes) / MiB, 0, 'f', 1);
}

QString EventTableModel::formatAttempt(const EventRow &row)
{
    if (row.attempt > 1 && row.retryGapSeconds >= 0)
        return QStringLiteral("%1 (+%2 s)").arg(row.attempt).arg(row.retryGapSeconds);
    return QString::number(row.attempt);
}

QString EventTableModel::formatDuration(qint64 ms)
{
    return ms < 0 ? QString() : DurationText::format(ms);
}

QString EventTableModel::formatEscalated(bool escalated)
{
    return escalated ? QStringLiteral("Yes") : QString();
}

EventRow EventTableModel::rowAt(int visibleRow) const
{
    Q_ASSERT(visibleRow >= 0 && visibleRow < rowCount());
    return m_store->row(static_cast<int>(m_visible[static_cast<size_t>(visibleRow)]));
}

qint64 EventTableModel::idAt(int visibleRow) const
{
    Q_ASSERT(visibleRow >= 0 && visibleRow < rowCount());
    return m_store->id(static_cast<int>(m_visible[static_cast<size_t>(visibleRow)]));
}

QList<EventRow> EventTableModel::allRows() const
{
    QList<EventRow> rows;
    rows.reserve(m_store->size());
    for (int i = 0; i < m_store->size(); ++i)
        rows.append(m_store->row(i));
    return rows;
}

bool EventTableModel::rowLess(quint32 a, quint32 b) const
{
    if (m_sortColumn < 0)
        return a < b;
    if (m_keys[a] != m_keys[b])
        return m_keys[a] < m_keys[b];
    if (!m_sortKeys->keysAreExact()) {
        const int c = m_sortKeys->compareBeyondKey(static_cast<int>(a), static_cast<int>(b));
        if (c != 0)
            return c < 0;
    }
    return a < b;
}

std::vector<size_t> EventTableModel::insertionPoints(const std::vector<quint32> &rows) const
{
    // One binary search per row, all advanced a level at a time: every probe of a level is
    // requested from memory before any is compared, so a thousand searches through a million rows
    // wait for their cache misses together rather than one after another.
    const size_t count = rows.size();
    std::vector<size_t> low(count, 0);
    std::vector<size_t> length(count, m_visible.size());
    bool searching = !m_visible.empty();
    while (searching) {
        for (size_t i = 0; i < count; ++i) {
            if (length[i] > 0)
                __builtin_prefetch(&m_visible[low[i] + length[i] / 2]);
        }
        if (m_sortColumn >= 0) {
            for (size_t i = 0; i < count; ++i) {
                if (length[i] > 0)
                    __builtin_prefetch(&m_keys[m_visible[low[i] + length[i] / 2]]);
            }
        }
        searching = false;
        for (size_t i = 0; i < count; ++i) {
            if (length[i] == 0)
                continue;
            const size_t half = length[i] / 2;
            if (rowLess(m_visible[low[i] + half], rows[i])) {
                low[i] += half + 1;
                length[i] -= half + 1;
            } else {
                length[i] = half;
            }
            searching = searching || length[i] > 0;
        }
    }
    return low;
}

int EventTableModel::findVisible(quint32 row) const
{
    const auto it = std::lower_bound(
        m_visible.cbegin(), m_visible.cend(), row, [this](quint32 a, quint32 b) { return rowLess(a, b); });
    return it != m_visible.cend() && *it == row ? static_cast<int>(it - m_visible.cbegin()) : -1;
}

int EventTableModel::visibleRowOfId(qint64 id) const
{
    const int row = m_store->indexOfId(id);
    return row < 0 ? -1 : findVisible(static_cast<quint32>(row));
}

void EventTableModel::computeKeys(int from)
{
    m_keys.resize(static_cast<size_t>(m_store->size()));
    for (int row = from; row < m_store->size(); ++row)
        m_keys[static_cast<size_t>(row)] = m_sortKeys->key(row);
}

void EventTableModel::sortVisible(std::vector<quint32> &rows) const
{
    if (m_sortColumn < 0) {
        // Arrival order of distinct row indices: a bit per row, read back in order.
        RowBits present(static_cast<size_t>(m_store->size()));
        for (const quint32 row : rows)
            present.set(row);
        size_t out = 0;
        for (quint32 row = 0; out < rows.size(); ++row) {
            if (present.test(row))
                rows[out++] = row;
        }
        return;
    }
    if (m_sortKeys->keysAreExact()) {
        m_sortKeys->sortRows(rows, m_keys);
        return;
    }
    m_sortKeys->sortRows(rows, m_keys, [this](quint32 a, quint32 b) {
        return m_sortKeys->compareBeyondKey(static_cast<int>(a), static_cast<int>(b));
    });
}

// Swaps in a new visible list in the same order as the old one as one layout change: persistent
// indexes follow their rows (or become invalid when their row left).
void EventTableModel::replaceVisible(std::vector<quint32> next)
{
    emit layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    const QModelIndexList from = persistentIndexList();
    std::vector<quint32> rows;
    rows.reserve(static_cast<size_t>(from.size()));
    for (const QModelIndex &index : from)
        rows.push_back(m_visible[static_cast<size_t>(index.row())]);
    m_visible = std::move(next);
    QModelIndexList to;
    to.reserve(from.size());
    for (qsizetype i = 0; i < from.size(); ++i) {
        const int row = findVisible(rows[static_cast<size_t>(i)]);
        to.append(row < 0 ? QModelIndex() : index(row, from.at(i).column()));
    }
    changePersistentIndexList(from, to);
    emit layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

void EventTableModel::applyVisible(std::vector<quint32> next)
{
    // Both lists are in the visible order: the runs that left the old list and the runs that came
    // in the new one, found with a bit per row rather than by comparing rows. Past a few runs the
    // answer is a layout change, so counting stops there.
    const auto changedRuns
        = [](const std::vector<quint32> &list, const RowBits &keep, std::vector<std::pair<int, int>> &runs) {
              for (size_t i = 0; i < list.size(); ++i) {
                  if (keep.test(list[i]))
                      continue;
                  const int position = static_cast<int>(i);
                  if (!runs.empty() && runs.back().second + 1 == position) {
                      runs.back().second = position;
                      continue;
                  }
                  if (runs.size() == kMaxIncrementalRanges)
                      return false;
                  runs.emplace_back(position, position);
              }
              return true;
          };
    const auto rows = static_cast<size_t>(m_store->size());
    std::vector<std::pair<int, int>> removed; // runs of positions in the old list
    std::vector<std::pair<int, int>> inserted; // runs of positions in the new list
    bool few = true;
    {
        RowBits inNext(rows);
        for (const quint32 row : next)
            inNext.set(row);
        few = changedRuns(m_visible, inNext, removed);
    }
    size_t removedCount = 0;
    for (const auto &[first, last] : removed)
        removedCount += static_cast<size_t>(last - first + 1);
    if (few && next.size() != m_visible.size() - removedCount) {
        RowBits inOld(rows);
        for (const quint32 row : m_visible)
            inOld.set(row);
        few = changedRuns(next, inOld, inserted) && removed.size() + inserted.size() <= kMaxIncrementalRanges;
    }
    if (!few) {
        replaceVisible(std::move(next));
        return;
    }
    if (removed.empty() && inserted.empty())
        return;
    // Back to front, so earlier positions stay valid.
    for (auto it = removed.crbegin(); it != removed.crend(); ++it) {
        beginRemoveRows({}, it->first, it->second);
        m_visible.erase(m_visible.begin() + it->first, m_visible.begin() + it->second + 1);
        endRemoveRows();
    }
    // Front to back: once the earlier ones are in, new-list positions are current positions.
    for (const auto &[first, last] : inserted) {
        beginInsertRows({}, first, last);
        m_visible.insert(m_visible.begin() + first, next.begin() + first, next.begin() + last + 1);
        endInsertRows();
    }
    Q_ASSERT(m_visible == next);
}

void EventTableModel::refilter(bool narrowing)
{
    const int before = rowCount();
    m_index->setRule(m_filter, m_hiddenKinds, m_retriesHidden);
    std::vector<quint32> next;
    if (narrowing) {
        // Only the rows shown can still pass, and they are already in order.
        next = m_index->matchAmong(m_visible);
    } else {
        next = m_index->matchAll();
        sortVisible(next);
    }
    applyVisible(std::move(next));
    if (rowCount() != before)
        emitCounts();
}

void EventTableModel::emitCounts()
{
    emit countsChanged(rowCount(), totalCount());
}

void EventTableModel::appendRows(const QList<EventRow> &rows)
{
    if (rows.isEmpty())
        return;
    const int first = m_store->size();
    m_store->append(rows);
    m_index->update();
    if (m_sortColumn >= 0)
        computeKeys(m_sortKeys->update() ? 0 : first);

    std::vector<quint32> fresh;
    for (int row = first; row < m_store->size(); ++row) {
        if (m_index->accepts(row))
            fresh.push_back(static_cast<quint32>(row));
    }
    if (fresh.empty()) {
        emitCounts();
        return;
    }
    if (m_sortColumn < 0) {
        const int at = rowCount();
        beginInsertRows({}, at, at + static_cast<int>(fresh.size()) - 1);
        m_visible.insert(m_visible.end(), fresh.begin(), fresh.end());
        endInsertRows();
        emitCounts();
        return;
    }

    sortVisible(fresh);
    // Where each new row goes: before the old row at that position.
    const std::vector<size_t> position = insertionPoints(fresh);
    size_t runs = 0;
    for (size_t k = 0; k < fresh.size(); ++k) {
        if (k == 0 || position[k] != position[k - 1])
            ++runs;
    }
    if (runs <= kMaxIncrementalRanges) {
        size_t k = 0;
        while (k < fresh.size()) {
            size_t end = k;
            while (end < fresh.size() && position[end] == position[k])
                ++end;
            const int at = static_cast<int>(position[k] + k); // earlier runs are in already
            beginInsertRows({}, at, at + static_cast<int>(end - k) - 1);
            m_visible.insert(m_visible.begin() + at, fresh.begin() + static_cast<qsizetype>(k),
                fresh.begin() + static_cast<qsizetype>(end));
            endInsertRows();
            k = end;
        }
        emitCounts();
        return;
    }

    // Hundreds of places: one layout change. QHeaderView answers a VerticalSortHint layout change
    // with a pass over every row's section (about 4 ms at a million rows, twice the budget for a
    // batch) but skips it under HorizontalSortHint. So when the views' selection is small, the new
    // rows are first announced at the end (the header appends their sections, which is cheap),
    // then moved into place by a layout change that leaves every row's section as it was (rows
    // are uniform: no view of this model hides or resizes single rows), hinted as such.
    // QItemSelectionModel keeps one persistent index per selected cell under that hint instead of
    // one per row, which is why a large selection takes the plain VerticalSortHint path instead.
    const size_t oldSize = m_visible.size();
    const bool appendFirst = persistentRowsAreFew();
    if (appendFirst) {
        beginInsertRows({}, static_cast<int>(oldSize), static_cast<int>(oldSize + fresh.size()) - 1);
        m_visible.insert(m_visible.end(), fresh.cbegin(), fresh.cend());
        endInsertRows();
    }
    const auto hint = appendFirst ? QAbstractItemModel::HorizontalSortHint : QAbstractItemModel::VerticalSortHint;
    emit layoutAboutToBeChanged({}, hint);
    const QModelIndexList from = persistentIndexList();
    // Merged in place from the back: each old row moves once.
    m_visible.resize(oldSize + fresh.size());
    size_t oldEnd = oldSize;
    for (size_t k = fresh.size(); k-- > 0;) {
        const size_t p = position[k];
        std::memmove(m_visible.data() + p + k + 1, m_visible.data() + p, (oldEnd - p) * sizeof(quint32));
        m_visible[p + k] = fresh[k];
        oldEnd = p;
    }
    QModelIndexList to;
    to.reserve(from.size());
    for (const QModelIndex &index : from) {
        const auto row = static_cast<size_t>(index.row());
        size_t moved;
        if (row >= oldSize) {
            // One of the new rows, announced at the end.
            const size_t k = row - oldSize;
            moved = position[k] + k;
        } else {
            // An old row moves down by the number of new rows placed before it.
            moved = row
                + static_cast<size_t>(std::upper_bound(position.cbegin(), position.cend(), row) - position.cbegin());
        }
        to.append(this->index(static_cast<int>(moved), index.column()));
    }
    changePersistentIndexList(from, to);
    emit layoutChanged({}, hint);
    emitCounts();
}

bool EventTableModel::persistentRowsAreFew() const
{
    // A view's selection is a list of ranges, each held by persistent indexes at its corners: when
    // every persistent index is within a few rows, so is every selected cell.
    constexpr int kFewRows = 64;
    const QModelIndexList indexes = persistentIndexList();
    if (indexes.size() > kFewRows)
        return false;
    int low = std::numeric_limits<int>::max();
    int high = -1;
    for (const QModelIndex &index : indexes) {
        low = std::min(low, index.row());
        high = std::max(high, index.row());
    }
    return high < 0 || high - low < kFewRows;
}

void EventTableModel::clear()
{
    if (m_store->size() == 0)
        return;
    beginResetModel();
    m_store->clear();
    m_visible.clear();
    m_keys.clear();
    // The pools started over: the filter's tables and the sort labels with them.
    m_index->setRule(m_filter, m_hiddenKinds, m_retriesHidden);
    if (m_sortColumn >= 0)
        m_sortKeys->setColumn(m_sortColumn, m_sortOrder);
    endResetModel();
    emitCounts();
}

void EventTableModel::removeIds(const QSet<qint64> &ids)
{
    if (ids.isEmpty())
        return;
    // Deleting is a rare, deliberate act: a reset keeps the bookkeeping simple.
    beginResetModel();
    m_store->remove(ids);
    m_index->setRule(m_filter, m_hiddenKinds, m_retriesHidden);
    m_visible = m_index->matchAll();
    if (m_sortColumn >= 0) {
        m_sortKeys->setColumn(m_sortColumn, m_sortOrder);
        m_keys.clear();
        computeKeys(0);
        sortVisible(m_visible);
    }
    endResetModel();
    emitCounts();
}

QList<qint64> EventTableModel::idsThrough(qint64 lastId) const
{
    QList<qint64> ids;
    for (int i = 0; i < m_store->size(); ++i) {
        const qint64 id = m_store->id(i);
        if (id <= lastId)
            ids.append(id);
    }
    return ids;
}

void EventTableModel::setFilter(const FilterQuery &query)
{
    if (query == m_filter) {
        // Keep the text and errors current even when the terms did not change.
        m_filter = query;
        return;
    }
    const bool narrowing = query.narrows(m_filter);
    m_filter = query;
    refilter(narrowing);
}

void EventTableModel::setKindVisible(EventKind kind, bool visible)
{
    const quint8 bit = static_cast<quint8>(1u << static_cast<unsigned>(kind));
    const quint8 hidden
        = visible ? static_cast<quint8>(m_hiddenKinds & ~bit) : static_cast<quint8>(m_hiddenKinds | bit);
    if (hidden == m_hiddenKinds)
        return;
    m_hiddenKinds = hidden;
    refilter(!visible);
}

bool EventTableModel::isKindVisible(EventKind kind) const
{
    return (m_hiddenKinds & (1u << static_cast<unsigned>(kind))) == 0;
}

void EventTableModel::setRetriesHidden(bool hidden)
{
    if (hidden == m_retriesHidden)
        return;
    m_retriesHidden = hidden;
    refilter(hidden);
}

void EventTableModel::sort(int column, Qt::SortOrder order)
{
    if (column < -1 || column >= ColumnCount)
        return;
    if (column == m_sortColumn && (column < 0 || order == m_sortOrder))
        return;

    emit layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    const QModelIndexList from = persistentIndexList();
    std::vector<quint32> rows; // for each persistent index, its row in the store
    rows.reserve(static_cast<size_t>(from.size()));
    for (const QModelIndex &index : from)
        rows.push_back(m_visible[static_cast<size_t>(index.row())]);

    m_sortColumn = column;
    m_sortOrder = order;
    if (m_sortColumn < 0) {
        m_keys.clear();
        m_keys.shrink_to_fit();
    } else {
        m_sortKeys->setColumn(column, order);
        computeKeys(0);
    }
    sortVisible(m_visible);

    QModelIndexList to;
    to.reserve(from.size());
    for (qsizetype i = 0; i < from.size(); ++i)
        to.append(index(findVisible(rows[static_cast<size_t>(i)]), from.at(i).column()));
    changePersistentIndexList(from, to);
    emit layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}
