#pragma once

#include "EventRow.h"
#include "FilterQuery.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QSet>
#include <memory>
#include <vector>

class EventRowStore;
class FilterIndex;
class SortKeys;

// Every captured row, and the subset the user sees: filtered by a FilterQuery and the kind
// toggles, optionally sorted. Built for a million rows:
// - rows live in an EventRowStore (one array per column, repeated strings interned), about 165
//   bytes each instead of a parsed EventRow's 1.7 KB;
// - a FilterIndex evaluates each term once per distinct value, then per row by table lookups, on
//   two threads; typing one more character re-checks only the rows shown;
// - SortKeys gives each row a 64-bit key for the sort column, sorted by radix;
// - the visible rows are one array of row indices. A change that moves few ranges is announced
//   as row removals/insertions; a larger one (a filter edit, a batch landing in hundreds of
//   sorted places) as one layoutChanged with the persistent indexes moved, never a reset, so the
//   view keeps its selection and current row (see appendRows() for the hint a batch uses).
// It is still a plain QAbstractTableModel and passes QAbstractItemModelTester.
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
        // Derived from each payload's own times (EventRow::toFirstResponseMs...), unknown when
        // the payload does not give them; appended here so saved header layouts keep their columns.
        FirstResponseColumn,
        AssignmentColumn,
        CloseColumn,
        EscalatedColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    enum Role
    {
        // What sort() orders by: qint64 ms, int, bool, or case-folded string; a duration the
        // payload does not give is an invalid QVariant (sorted last).
        RawValueRole = Qt::UserRole,
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
    // column -1 restores arrival order. Ties keep arrival order in both directions. The view's
    // selection survives (persistent indexes move).
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    // One batch: when unsorted, one rowsInserted for the rows that pass the filter; when sorted,
    // one per run of rows landing at the same place, or one layoutChanged when they are many.
    void appendRows(const QList<EventRow> &rows);
    void clear();
    // Removes these ids from every row (not only the visible ones).
    void removeIds(const QSet<qint64> &ids);
    // The ids of every row (filtered or not) up to and including lastId, in arrival order.
    QList<qint64> idsThrough(qint64 lastId) const;

    void setFilter(const FilterQuery &query);
    const FilterQuery &filter() const { return m_filter; }
    void setKindVisible(EventKind kind, bool visible);
    bool isKindVisible(EventKind kind) const;
    // "Hide retries": rows with attempt > 1 (Thena's re-sends of a body already shown) are left
    // out of the visible rows, as a filter would; they stay in allRows() and totalCount().
    void setRetriesHidden(bool hidden);
    bool retriesHidden() const { return m_retriesHidden; }

    int totalCount() const;
    // Every row, filtered or not, in arrival order (for "export all"). Builds each EventRow.
    QList<EventRow> allRows() const;
    // The row shown at visibleRow, built from the store (a value, no longer a reference).
    EventRow rowAt(int visibleRow) const;
    // rowAt(visibleRow).id without building the row.
    qint64 idAt(int visibleRow) const;
    int visibleRowOfId(qint64 id) const; // -1 when unknown or filtered out
    int sortColumn() const { return m_sortColumn; }
    Qt::SortOrder sortOrder() const { return m_sortOrder; }

    // Stable machine names ("received", "kind", "request_id", ...) for CSV headers and settings.
    static QString columnName(Column column);
    // "812 B", "3.5 KB", "1.2 MB"
    static QString formatSize(qint64 bytes);
    // "1", or "3 (+30 s)" for a retry that came 30 s after the previous attempt
    static QString formatAttempt(const EventRow &row);
    // "12 min", "2 h 5 min" (DurationText); empty when unknown (negative)
    static QString formatDuration(qint64 ms);
    // "Yes", or empty
    static QString formatEscalated(bool escalated);

signals:
    // After any change of rowCount() or totalCount(), for a "showing N of M" label.
    void countsChanged(int visible, int total);

private:
    bool rowLess(quint32 a, quint32 b) const; // the visible order: sort key, then arrival
    int findVisible(quint32 row) const; // its position in m_visible, or -1
    // For rows not in m_visible: the position each would take (lower bound in the visible order).
    std::vector<size_t> insertionPoints(const std::vector<quint32> &rows) const;
    void computeKeys(int from);
    void sortVisible(std::vector<quint32> &rows) const;
    void applyVisible(std::vector<quint32> next);
    void replaceVisible(std::vector<quint32> next);
    void refilter(bool narrowing);
    bool persistentRowsAreFew() const;
    void emitCounts();

    QVariant displayData(int row, int column) const;
    QVariant toolTipData(int row, int column) const;
    QVariant rawData(int row, int column) const;
    QVariant foregroundData(int row, int column) const;
    QVariant backgroundData(int row) const;
    QVariant fontData(int row, int column) const;
    QVariant alignmentData(int column) const;
    bool isHighUrgency(int row) const;

    std::unique_ptr<EventRowStore> m_store;
    std::unique_ptr<FilterIndex> m_index;
    std::unique_ptr<SortKeys> m_sortKeys;
    std::vector<quint32> m_visible; // visible row -> row index in m_store
    std::vector<quint64> m_keys; // row index in m_store -> sort key, while sorted
    FilterQuery m_filter;
    quint8 m_hiddenKinds = 0; // bit n set when EventKind(n) is hidden
    bool m_retriesHidden = false;
    int m_sortColumn = -1;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
};
