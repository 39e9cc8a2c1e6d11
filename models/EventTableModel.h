#pragma once

#include "EventRow.h"
#include "FilterQuery.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QSet>
#include <vector>

// Every captured row, and the subset the user sees: filtered by a FilterQuery and the kind
// toggles, optionally sorted. Filter and sort live here rather than in a QSortFilterProxyModel so
// a row's search text is computed once, appends go straight to their sorted place, and a filter
// edit becomes a few row removals/insertions (the view keeps its selection) instead of a
// re-filter of every row through the proxy's generic machinery.
class EventTableModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventTableModel)

public:
    enum Column
    {
        ReceivedColumn,
        KindColumn,
        RequestIdColumn,
        TitleColumn,
        StatusColumn,
        UrgencyColumn,
        SentimentColumn,
        CustomerColumn,
        TeamColumn,
        AssigneeColumn,
        ChannelColumn,
        TagsColumn,
        RepliesColumn,
        AttemptColumn,
        SizeColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    enum Role
    {
        RawValueRole = Qt::UserRole, // what sort() compares: qint64 ms, int, or case-folded string
        EventIdRole, // qint64 EventRow::id
        KindRole, // int of EventKind
        UrgencyRole, // case-folded urgency
    };
    Q_ENUM(Role)

    explicit EventTableModel(QObject *parent = nullptr);
    ~EventTableModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QHash<int, QByteArray> roleNames() const override;
    // column -1 restores arrival order. The view's selection survives (persistent indexes move).
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    // One batch: when unsorted, one rowsInserted for the rows that pass the filter; when sorted,
    // one per run of rows landing at the same place.
    void appendRows(const QList<EventRow> &rows);
    void clear();
    // Removes these ids from every row (not only the visible ones).
    void removeIds(const QSet<qint64> &ids);

    void setFilter(const FilterQuery &query);
    const FilterQuery &filter() const { return m_filter; }
    void setKindVisible(EventKind kind, bool visible);
    bool isKindVisible(EventKind kind) const;
    // "Hide retries": rows with attempt > 1 (Thena's re-sends of a body already shown) are left
    // out of the visible rows, as a filter would; they stay in allRows() and totalCount().
    void setRetriesHidden(bool hidden);
    bool retriesHidden() const { return m_retriesHidden; }

    int totalCount() const { return static_cast<int>(m_rows.size()); }
    // Every row, filtered or not, in arrival order (for "export all").
    QList<EventRow> allRows() const { return QList<EventRow>(m_rows.cbegin(), m_rows.cend()); }
    const EventRow &rowAt(int visibleRow) const;
    int visibleRowOfId(qint64 id) const; // -1 when unknown or filtered out
    int sortColumn() const { return m_sortColumn; }
    Qt::SortOrder sortOrder() const { return m_sortOrder; }

    // Stable machine names ("received", "kind", "request_id", ...) for CSV headers and settings.
    static QString columnName(Column column);
    // "812 B", "3.5 KB", "1.2 MB"
    static QString formatSize(qint64 bytes);
    // "1", or "3 (+30 s)" for a retry that came 30 s after the previous attempt
    static QString formatAttempt(const EventRow &row);

signals:
    // After any change of rowCount() or totalCount(), for a "showing N of M" label.
    void countsChanged(int visible, int total);

private:
    // Per-row values derived once on append, so filtering and sorting never allocate.
    struct RowCache
    {
        QString searchText; // FilterQuery::searchText()
        QString tagsText; // tags joined ", " as displayed
        qint64 requestNumber = 0;
        bool requestIsNumber = false;
    };

    bool accepts(int index) const;
    int compareColumn(int a, int b) const;
    bool lessThan(int a, int b) const; // in the current sort order, ties by id then arrival
    bool before(int a, int b) const; // lessThan(), or arrival order when unsorted
    std::vector<int> computeVisible() const;
    void applyVisible(std::vector<int> next);
    void refilter();
    void emitCounts();

    QVariant displayData(const EventRow &row, const RowCache &cache, int column) const;
    QVariant toolTipData(const EventRow &row, const RowCache &cache, int column) const;
    QVariant rawData(const EventRow &row, const RowCache &cache, int column) const;
    QVariant foregroundData(const EventRow &row, int column) const;
    QVariant backgroundData(const EventRow &row) const;
    QVariant fontData(const EventRow &row, int column) const;
    QVariant alignmentData(int column) const;

    std::vector<EventRow> m_rows; // arrival order
    std::vector<RowCache> m_cache; // parallel to m_rows
    std::vector<int> m_visible; // visible row -> index into m_rows
    QHash<qint64, int> m_indexOfId;
    mutable std::vector<int> m_visibleRowOfIndex; // index into m_rows -> visible row or -1, built lazily
    mutable bool m_visibleRowOfIndexValid = false;
    FilterQuery m_filter;
    quint8 m_hiddenKinds = 0; // bit n set when EventKind(n) is hidden
    bool m_retriesHidden = false;
    int m_sortColumn = -1;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
};
