#include "EventTableModel.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>
#include <QFont>
#include <algorithm>
#include <array>

namespace {
// Above this many separate row removals/insertions a reset is cheaper for the view than the
// signals, even though it loses the selection.
constexpr size_t kMaxIncrementalRanges = 256;

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

// A platform event's type ("ticket:created") says more than "Platform".
const QString &kindText(const EventRow &row)
{
    if (row.kind == EventKind::Platform && !row.eventType.isEmpty())
        return row.eventType;
    return kindName(row.kind);
}

template <typename T> int compareValues(T a, T b)
{
    return a < b ? -1 : (b < a ? 1 : 0);
}

int compareText(const QString &a, const QString &b)
{
    return QString::compare(a, b, Qt::CaseInsensitive);
}

bool isHighUrgency(const EventRow &row)
{
    return row.urgency.compare(QLatin1String("high"), Qt::CaseInsensitive) == 0;
}

// Groups ascending positions into [first, last] runs.
std::vector<std::pair<int, int>> toRanges(const std::vector<int> &positions)
{
    std::vector<std::pair<int, int>> ranges;
    for (int p : positions) {
        if (!ranges.empty() && ranges.back().second + 1 == p)
            ranges.back().second = p;
        else
            ranges.emplace_back(p, p);
    }
    return ranges;
}
} // namespace

EventTableModel::EventTableModel(QObject *parent)
    : QAbstractTableModel(parent)
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
    const int storage = m_visible[static_cast<size_t>(index.row())];
    const EventRow &row = m_rows[static_cast<size_t>(storage)];
    const RowCache &cache = m_cache[static_cast<size_t>(storage)];
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
        return displayData(row, cache, column);
    case Qt::ToolTipRole:
        return toolTipData(row, cache, column);
    case RawValueRole:
        return rawData(row, cache, column);
    case EventIdRole:
        return row.id;
    case KindRole:
        return static_cast<int>(row.kind);
    case UrgencyRole:
        return row.urgency.toCaseFolded();
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

QVariant EventTableModel::displayData(const EventRow &row, const RowCache &cache, int column) const
{
    switch (column) {
    case ReceivedColumn:
        return QDateTime::fromMSecsSinceEpoch(row.receivedMs, Qt::LocalTime)
            .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    case KindColumn:
        return kindText(row);
    case RequestIdColumn:
        return row.requestId;
    case TitleColumn:
        return row.title;
    case StatusColumn:
        return row.status;
    case UrgencyColumn:
        return row.urgency;
    case SentimentColumn:
        return row.sentiment;
    case CustomerColumn:
        return row.customer;
    case TeamColumn:
        return row.team;
    case AssigneeColumn:
        return row.assignee;
    case ChannelColumn:
        return row.channel;
    case TagsColumn:
        return cache.tagsText;
    case RepliesColumn:
        return row.replies < 0 ? QString() : QString::number(row.replies);
    case AttemptColumn:
        return formatAttempt(row);
    case SizeColumn:
        return formatSize(row.sizeBytes);
    default:
        return {};
    }
}

QVariant EventTableModel::toolTipData(const EventRow &row, const RowCache &cache, int column) const
{
    switch (column) {
    case ReceivedColumn:
        return QDateTime::fromMSecsSinceEpoch(row.receivedMs, Qt::LocalTime)
            .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
    case KindColumn:
        if (row.eventType.isEmpty())
            return kindName(row.kind);
        return QString(kindName(row.kind) % QStringLiteral(": ") % row.eventType);
    case TitleColumn:
        // The column is usually too narrow for a whole title.
        return row.title.isEmpty() ? QVariant() : QVariant(row.title);
    case TagsColumn:
        return cache.tagsText.isEmpty() ? QVariant() : QVariant(cache.tagsText);
    case AttemptColumn: {
        if (row.attempt <= 1)
            return QStringLiteral("First delivery");
        QString tip = QStringLiteral("Attempt %1").arg(row.attempt);
        if (row.retryOf != 0)
            tip += QStringLiteral(", retry of #%1").arg(row.retryOf);
        if (row.retryGapSeconds >= 0)
            tip += QStringLiteral(", %1 s after the previous attempt").arg(row.retryGapSeconds);
        return tip;
    }
    case SizeColumn:
        return QStringLiteral("%1 bytes").arg(row.sizeBytes);
    default:
        return {};
    }
}

QVariant EventTableModel::rawData(const EventRow &row, const RowCache &cache, int column) const
{
    switch (column) {
    case ReceivedColumn:
        return row.receivedMs;
    case KindColumn:
        return kindText(row).toCaseFolded();
    case RequestIdColumn:
        // Numeric ids sort as numbers ("42" before "1234") and before non-numeric ones.
        return cache.requestIsNumber ? QVariant(cache.requestNumber) : QVariant(row.requestId.toCaseFolded());
    case TitleColumn:
        return row.title.toCaseFolded();
    case StatusColumn:
        return row.status.toCaseFolded();
    case UrgencyColumn:
        return row.urgency.toCaseFolded();
    case SentimentColumn:
        return row.sentiment.toCaseFolded();
    case CustomerColumn:
        return row.customer.toCaseFolded();
    case TeamColumn:
        return row.team.toCaseFolded();
    case AssigneeColumn:
        return row.assignee.toCaseFolded();
    case ChannelColumn:
        return row.channel.toCaseFolded();
    case TagsColumn:
        return cache.tagsText.toCaseFolded();
    case RepliesColumn:
        return row.replies;
    case AttemptColumn:
        return row.attempt;
    case SizeColumn:
        return row.sizeBytes;
    default:
        return {};
    }
}

QVariant EventTableModel::foregroundData(const EventRow &row, int column) const
{
    if (column == UrgencyColumn && isHighUrgency(row))
        return QBrush(QColor(200, 0, 0));
    if (row.kind == EventKind::Invalid)
        return QBrush(QColor(128, 128, 128));
    // Keeps text readable on the light tint under a dark palette.
    if (row.kind == EventKind::Escalated)
        return QBrush(QColor(0, 0, 0));
    return {};
}

QVariant EventTableModel::backgroundData(const EventRow &row) const
{
    if (row.kind == EventKind::Escalated)
        return QBrush(QColor(255, 235, 235));
    return {};
}

QVariant EventTableModel::fontData(const EventRow &row, int column) const
{
    const bool italic = row.kind == EventKind::Invalid;
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
        return static_cast<int>(Qt::AlignRight | Qt::AlignVCenter);
    default:
        return {};
    }
}

QVariant EventTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 || section >= ColumnCount)
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

const EventRow &EventTableModel::rowAt(int visibleRow) const
{
    Q_ASSERT(visibleRow >= 0 && visibleRow < rowCount());
    return m_rows[static_cast<size_t>(m_visible[static_cast<size_t>(visibleRow)])];
}

int EventTableModel::visibleRowOfId(qint64 id) const
{
    const auto it = m_indexOfId.constFind(id);
    if (it == m_indexOfId.cend())
        return -1;
    if (!m_visibleRowOfIndexValid) {
        m_visibleRowOfIndex.assign(m_rows.size(), -1);
        for (size_t row = 0; row < m_visible.size(); ++row)
            m_visibleRowOfIndex[static_cast<size_t>(m_visible[row])] = static_cast<int>(row);
        m_visibleRowOfIndexValid = true;
    }
    return m_visibleRowOfIndex[static_cast<size_t>(*it)];
}

bool EventTableModel::accepts(int index) const
{
    const EventRow &row = m_rows[static_cast<size_t>(index)];
    if (m_hiddenKinds & (1u << static_cast<unsigned>(row.kind)))
        return false;
    if (m_retriesHidden && row.attempt > 1)
        return false;
    return m_filter.matches(row, m_cache[static_cast<size_t>(index)].searchText);
}

int EventTableModel::compareColumn(int a, int b) const
{
    const EventRow &ra = m_rows[static_cast<size_t>(a)];
    const EventRow &rb = m_rows[static_cast<size_t>(b)];
    switch (m_sortColumn) {
    case ReceivedColumn:
        return compareValues(ra.receivedMs, rb.receivedMs);
    case KindColumn:
        return compareText(kindText(ra), kindText(rb));
    case RequestIdColumn: {
        const RowCache &ca = m_cache[static_cast<size_t>(a)];
        const RowCache &cb = m_cache[static_cast<size_t>(b)];
        if (ca.requestIsNumber && cb.requestIsNumber)
            return compareValues(ca.requestNumber, cb.requestNumber);
        if (ca.requestIsNumber != cb.requestIsNumber)
            return ca.requestIsNumber ? -1 : 1;
        return compareText(ra.requestId, rb.requestId);
    }
    case TitleColumn:
        return compareText(ra.title, rb.title);
    case StatusColumn:
        return compareText(ra.status, rb.status);
    case UrgencyColumn:
        return compareText(ra.urgency, rb.urgency);
    case SentimentColumn:
        return compareText(ra.sentiment, rb.sentiment);
    case CustomerColumn:
        return compareText(ra.customer, rb.customer);
    case TeamColumn:
        return compareText(ra.team, rb.team);
    case AssigneeColumn:
        return compareText(ra.assignee, rb.assignee);
    case ChannelColumn:
        return compareText(ra.channel, rb.channel);
    case TagsColumn:
        return compareText(m_cache[static_cast<size_t>(a)].tagsText, m_cache[static_cast<size_t>(b)].tagsText);
    case RepliesColumn:
        return compareValues(ra.replies, rb.replies);
    case AttemptColumn:
        return compareValues(ra.attempt, rb.attempt);
    case SizeColumn:
        return compareValues(ra.sizeBytes, rb.sizeBytes);
    default:
        return 0;
    }
}

bool EventTableModel::lessThan(int a, int b) const
{
    int c = compareColumn(a, b);
    if (m_sortOrder == Qt::DescendingOrder)
        c = -c;
    if (c != 0)
        return c < 0;
    // Ties keep arrival order in both directions, like a stable sort of the arrival list.
    const qint64 ida = m_rows[static_cast<size_t>(a)].id;
    const qint64 idb = m_rows[static_cast<size_t>(b)].id;
    if (ida != idb)
        return ida < idb;
    return a < b;
}

bool EventTableModel::before(int a, int b) const
{
    return m_sortColumn < 0 ? a < b : lessThan(a, b);
}

std::vector<int> EventTableModel::computeVisible() const
{
    std::vector<int> visible;
    visible.reserve(m_rows.size());
    const int total = static_cast<int>(m_rows.size());
    for (int i = 0; i < total; ++i) {
        if (accepts(i))
            visible.push_back(i);
    }
    if (m_sortColumn >= 0)
        std::sort(visible.begin(), visible.end(), [this](int a, int b) { return lessThan(a, b); });
    return visible;
}

void EventTableModel::applyVisible(std::vector<int> next)
{
    // Old and new lists are in the same total order, so one merge finds what left and what came.
    std::vector<int> removed; // positions in the old list
    std::vector<int> inserted; // positions in the new list
    size_t i = 0;
    size_t j = 0;
    while (i < m_visible.size() || j < next.size()) {
        if (i < m_visible.size() && j < next.size() && m_visible[i] == next[j]) {
            ++i;
            ++j;
        } else if (j == next.size() || (i < m_visible.size() && before(m_visible[i], next[j]))) {
            removed.push_back(static_cast<int>(i++));
        } else {
            inserted.push_back(static_cast<int>(j++));
        }
    }
    if (removed.empty() && inserted.empty())
        return;

    m_visibleRowOfIndexValid = false;
    const auto removedRanges = toRanges(removed);
    const auto insertedRanges = toRanges(inserted);
    if (removedRanges.size() + insertedRanges.size() > kMaxIncrementalRanges) {
        beginResetModel();
        m_visible = std::move(next);
        endResetModel();
        return;
    }
    // Back to front, so earlier positions stay valid.
    for (auto it = removedRanges.crbegin(); it != removedRanges.crend(); ++it) {
        beginRemoveRows({}, it->first, it->second);
        m_visible.erase(m_visible.begin() + it->first, m_visible.begin() + it->second + 1);
        endRemoveRows();
    }
    // Front to back: once the earlier ones are in, new-list positions are current positions.
    for (const auto &[first, last] : insertedRanges) {
        beginInsertRows({}, first, last);
        m_visible.insert(m_visible.begin() + first, next.begin() + first, next.begin() + last + 1);
        endInsertRows();
    }
    Q_ASSERT(m_visible == next);
}

void EventTableModel::refilter()
{
    const int before = rowCount();
    applyVisible(computeVisible());
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
    std::vector<int> fresh;
    // No exact reserve here: growing to exactly size + n on every batch reallocates the whole
    // vector each time (quadratic over a long capture); push_back's geometric growth does not.
    for (const EventRow &row : rows) {
        const int index = static_cast<int>(m_rows.size());
        RowCache cache;
        cache.searchText = FilterQuery::searchText(row);
        cache.tagsText = row.tags.join(QStringLiteral(", "));
        cache.requestNumber = row.requestId.toLongLong(&cache.requestIsNumber);
        m_rows.push_back(row);
        m_cache.push_back(std::move(cache));
        m_indexOfId.insert(row.id, index);
        if (accepts(index))
            fresh.push_back(index);
    }
    // The lazy map is sized to m_rows; a rebuild is cheaper than patching it for a sorted insert.
    m_visibleRowOfIndexValid = false;

    if (fresh.empty()) {
        emitCounts();
        return;
    }
    if (m_sortColumn < 0) {
        const int first = rowCount();
        beginInsertRows({}, first, first + static_cast<int>(fresh.size()) - 1);
        m_visible.insert(m_visible.end(), fresh.begin(), fresh.end());
        endInsertRows();
        emitCounts();
        return;
    }

    const auto less = [this](int a, int b) { return lessThan(a, b); };
    std::sort(fresh.begin(), fresh.end(), less);
    // Count the runs first: past the limit, one merge and a reset beat many small inserts.
    std::vector<std::pair<int, size_t>> runs; // (position in the current list, number of fresh rows)
    {
        auto from = m_visible.cbegin();
        for (size_t k = 0; k < fresh.size(); ++k) {
            from = std::lower_bound(from, m_visible.cend(), fresh[k], less);
            const int pos = static_cast<int>(from - m_visible.cbegin());
            if (!runs.empty() && runs.back().first == pos)
                ++runs.back().second;
            else
                runs.emplace_back(pos, 1);
        }
    }
    if (runs.size() > kMaxIncrementalRanges) {
        beginResetModel();
        std::vector<int> merged;
        merged.reserve(m_visible.size() + fresh.size());
        std::merge(
            m_visible.cbegin(), m_visible.cend(), fresh.cbegin(), fresh.cend(), std::back_inserter(merged), less);
        m_visible = std::move(merged);
        endResetModel();
        emitCounts();
        return;
    }
    int offset = 0;
    size_t k = 0;
    for (const auto &[pos, count] : runs) {
        const int first = pos + offset;
        beginInsertRows({}, first, first + static_cast<int>(count) - 1);
        m_visible.insert(m_visible.begin() + first, fresh.begin() + static_cast<qsizetype>(k),
            fresh.begin() + static_cast<qsizetype>(k + count));
        endInsertRows();
        offset += static_cast<int>(count);
        k += count;
    }
    emitCounts();
}

void EventTableModel::clear()
{
    if (m_rows.empty())
        return;
    beginResetModel();
    m_rows.clear();
    m_cache.clear();
    m_visible.clear();
    m_indexOfId.clear();
    m_visibleRowOfIndex.clear();
    m_visibleRowOfIndexValid = false;
    endResetModel();
    emitCounts();
}

void EventTableModel::removeIds(const QSet<qint64> &ids)
{
    if (ids.isEmpty())
        return;
    // Deleting is a rare, deliberate act: a reset keeps the bookkeeping simple.
    beginResetModel();
    std::vector<EventRow> rows;
    std::vector<RowCache> cache;
    rows.reserve(m_rows.size());
    cache.reserve(m_cache.size());
    for (size_t i = 0; i < m_rows.size(); ++i) {
        if (ids.contains(m_rows[i].id))
            continue;
        rows.push_back(std::move(m_rows[i]));
        cache.push_back(std::move(m_cache[i]));
    }
    m_rows = std::move(rows);
    m_cache = std::move(cache);
    m_indexOfId.clear();
    for (size_t i = 0; i < m_rows.size(); ++i)
        m_indexOfId.insert(m_rows[i].id, static_cast<int>(i));
    m_visibleRowOfIndexValid = false;
    m_visible = computeVisible();
    endResetModel();
    emitCounts();
}

void EventTableModel::setFilter(const FilterQuery &query)
{
    if (query == m_filter) {
        // Keep the text and errors current even when the terms did not change.
        m_filter = query;
        return;
    }
    m_filter = query;
    refilter();
}

void EventTableModel::setKindVisible(EventKind kind, bool visible)
{
    const quint8 bit = static_cast<quint8>(1u << static_cast<unsigned>(kind));
    const quint8 hidden
        = visible ? static_cast<quint8>(m_hiddenKinds & ~bit) : static_cast<quint8>(m_hiddenKinds | bit);
    if (hidden == m_hiddenKinds)
        return;
    m_hiddenKinds = hidden;
    refilter();
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
    refilter();
}

void EventTableModel::sort(int column, Qt::SortOrder order)
{
    if (column < -1 || column >= ColumnCount)
        return;
    if (column == m_sortColumn && (column < 0 || order == m_sortOrder))
        return;

    emit layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    const QModelIndexList from = persistentIndexList();
    std::vector<int> storageOf; // for each persistent index, its row's index into m_rows
    storageOf.reserve(static_cast<size_t>(from.size()));
    for (const QModelIndex &index : from)
        storageOf.push_back(m_visible[static_cast<size_t>(index.row())]);

    m_sortColumn = column;
    m_sortOrder = order;
    if (m_sortColumn < 0)
        std::sort(m_visible.begin(), m_visible.end());
    else
        std::sort(m_visible.begin(), m_visible.end(), [this](int a, int b) { return lessThan(a, b); });

    std::vector<int> rowOf(m_rows.size(), -1);
    for (size_t row = 0; row < m_visible.size(); ++row)
        rowOf[static_cast<size_t>(m_visible[row])] = static_cast<int>(row);
    QModelIndexList to;
    to.reserve(from.size());
    for (qsizetype i = 0; i < from.size(); ++i)
        to.append(index(rowOf[static_cast<size_t>(storageOf[static_cast<size_t>(i)])], from.at(i).column()));
    changePersistentIndexList(from, to);
    m_visibleRowOfIndex = std::move(rowOf);
    m_visibleRowOfIndexValid = true;
    emit layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}
