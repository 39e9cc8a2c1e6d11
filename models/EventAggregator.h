#pragma once

#include "ChunkedColumn.h"
#include "EventRow.h"
#include "EventRowStore.h"
#include "FilterIndex.h"
#include "FilterQuery.h"
#include "InsightsSnapshot.h"
#include "RequestTimes.h"

#include <QHash>
#include <QList>
#include <QSet>
#include <QString>
#include <array>
#include <limits>
#include <map>
#include <memory>
#include <vector>

// The aggregations behind the insights charts, over exactly the rows a FilterQuery and the kind
// toggles accept (the same rule as EventTableModel, so the charts describe what the table shows).
// Pure and synchronous: no threads, no widgets. Appending rows costs O(rows appended); changing
// the filter re-aggregates every row; snapshot() costs O(buckets + distinct values + requests).
//
// What is counted:
// - events over time: every accepted row by arrival minute, stacked by kind; rejected
//   deliveries (times only) as their own series while the filter is empty;
// - urgency and sentiment: per request, the value of its newest accepted event, so a request
//   updated ten times counts once;
// - escalations by team and by customer: accepted escalation events, retries not counted again;
// - time to first response and to close: per request, from the newest accepted event that
//   carries request times (RequestTimes, given with the row or later through setTimes()).
// Invalid bodies count in the timeline only: they have no request, urgency or team.
//
// The rows themselves live in an EventRowStore, filtered by a FilterIndex: the same compact
// columns and the same matching as the table (about 160 bytes a row instead of a kilobyte and a
// half for EventRow copies and their search texts).
class EventAggregator
{
public:
    static constexpr int TopCount = 10;
    static constexpr int DefaultMaxBuckets = 60;
    // A capture of two minutes still gets a readable axis; the newest bucket stays at the right.
    static constexpr int MinBuckets = 10;

    EventAggregator();
    ~EventAggregator();
    EventAggregator(EventAggregator &&) noexcept;
    EventAggregator &operator=(EventAggregator &&) noexcept;

    // Each returns true when it changed what is accepted (and re-aggregated), false otherwise.
    bool setFilter(const FilterQuery &query);
    bool setKindVisible(EventKind kind, bool visible);
    const FilterQuery &filter() const { return m_filter; }
    bool isKindVisible(EventKind kind) const;

    // One batch. `times` is either empty or parallel to `rows` (an empty RequestTimes where a
    // row's times are unknown). Rows arrive in any order; ids must be unique.
    void appendRows(const QList<EventRow> &rows, const QList<RequestTimes> &times = {});
    // Times that became known after the row (bodies read later). False for an unknown id.
    bool setTimes(qint64 id, const RequestTimes &times);
    // Deliveries refused with 401, at these UTC milliseconds.
    void addRejections(const QList<qint64> &receivedMs);
    void removeIds(const QSet<qint64> &ids);
    void clear();

    InsightsSnapshot snapshot(int maxBuckets = DefaultMaxBuckets) const;

    int rowCount() const { return static_cast<int>(m_rows.size()); }
    int acceptedCount() const { return m_acceptedCount; }
    bool contains(qint64 id) const { return m_store->indexOfId(id) >= 0; }
    bool hasTimes(qint64 id) const;

    // Linear interpolation between closest ranks (numpy's default): the median of 1, 2, 3, 4 is
    // 2.5, the p90 of 1..10 is 9.1. `sorted` ascending and not empty.
    static double percentile(const std::vector<qint64> &sorted, double p);

private:
    // Distinct values of one field, numbered on first sight, so rows carry small ints and a
    // re-aggregation never hashes a string. Values equal but for case share a group, shown in the
    // spelling seen first ("High" and "HIGH" are one slice).
    class ValueTable
    {
    public:
        int intern(const QString &value); // the value's group
        int groupCount() const { return static_cast<int>(m_labels.size()); }
        const QString &label(int group) const { return m_labels.at(group); }
        void clear();

    private:
        QHash<QString, int> m_groupOfValue;
        QHash<QString, int> m_groupOfFolded;
        QStringList m_labels;
    };

    // What the aggregates need of one row beyond m_store's columns (same index).
    struct Entry
    {
        RequestTimes times;
        int request = -1; // index into m_requests; -1 for invalid rows, which have no request
        int urgency = -1; // groups in the value tables
        int sentiment = -1;
        int team = -1;
        int customer = -1;
        bool accepted = false;
    };

    struct RequestState
    {
        int newest = -1; // index of the newest accepted row, whose urgency and sentiment count
        int newestWithTimes = -1; // index of the newest accepted row with request times
    };

    bool accepts(int index) const { return m_filterIndex->accepts(index); }
    // Numbers the request of the row at index and groups its values (entry.request and the
    // value groups), through the store's ids of its texts: no string is hashed twice.
    void internAt(int index);
    int requestAt(int index);
    int groupAt(ValueTable &table, std::vector<int> &groupOfText, EventRowStore::Text field, int index);
    void add(int index);
    void reaggregate();
    // Forgets every id index and interned value; the rows themselves stay.
    void clearIndexes();
    void resetAggregates();
    static void increment(std::vector<int> &counts, int group);
    static QList<InsightsSnapshot::Count> ordered(
        const ValueTable &table, const std::vector<int> &counts, const QStringList &knownOrder);
    static InsightsSnapshot::Ranking ranking(const ValueTable &table, const std::vector<int> &counts);
    static InsightsSnapshot::Histogram histogram(std::vector<qint64> &values, int pending, int inconsistent);
    static int timelineSeriesOf(EventKind kind);

    ChunkedColumn<Entry> m_rows; // arrival order; in blocks, so growing never copies or doubles
    std::unique_ptr<EventRowStore> m_store; // the same rows, same order: texts for the filter
    std::unique_ptr<FilterIndex> m_filterIndex; // over m_store
    qint64 m_maxId = std::numeric_limits<qint64>::min(); // the highest id ever appended
    // The store's id of a requestId text -> index into m_requests, -1 while unseen; platform
    // tickets and request-shape requests are numbered independently.
    std::vector<int> m_requestOfText;
    std::vector<int> m_ticketOfText;
    // The store's id of a text -> its group in the value table, -1 while unseen.
    std::vector<int> m_urgencyOfText;
    std::vector<int> m_sentimentOfText;
    std::vector<int> m_teamOfText;
    std::vector<int> m_customerOfText;
    int m_requestCount = 0;
    ValueTable m_urgencies;
    ValueTable m_sentiments;
    ValueTable m_teams;
    ValueTable m_customers;
    FilterQuery m_filter;
    quint8 m_hiddenKinds = 0; // bit n set when EventKind(n) is hidden

    // Aggregates over accepted rows.
    int m_acceptedCount = 0;
    int m_acceptedRequests = 0;
    int m_escalations = 0;
    std::map<qint64, std::array<int, InsightsSnapshot::RejectedSeries>> m_minutes; // minute -> count per kind series
    std::vector<RequestState> m_requests;
    std::vector<int> m_urgencyCounts; // by group
    std::vector<int> m_sentimentCounts;
    std::vector<int> m_teamEscalations;
    std::vector<int> m_customerEscalations;

    // Rejections are not rows: the filter never touches them.
    std::map<qint64, int> m_rejectedMinutes;
    int m_rejectedTotal = 0;
};
