#pragma once

#include <QList>
#include <QMetaType>
#include <QString>
#include <array>

// The numbers behind every insights chart at one moment. A plain value: EventAggregator builds
// it (off the GUI thread, see InsightsEngine), InsightsDashboard draws it and copies it as CSV,
// and tests compare two of them with ==.
struct InsightsSnapshot
{
    // Stacks of the "events per minute" chart, bottom to top.
    enum TimelineSeries
    {
        CreatedSeries,
        UpdatedSeries,
        EscalatedSeries,
        PlatformSeries,
        OtherSeries, // unknown shapes and invalid bodies
        RejectedSeries, // deliveries refused with 401: no row, only a time
        TimelineSeriesCount
    };

    struct Count
    {
        QString value; // as first seen in a payload; empty for requests without one
        int count = 0;

        friend bool operator==(const Count &a, const Count &b) { return a.value == b.value && a.count == b.count; }
    };

    struct Ranking
    {
        QList<Count> top; // at most EventAggregator::TopCount, most first, ties by name
        int otherCount = 0; // the counts beyond the top, summed
        int otherValues = 0; // how many values that is

        friend bool operator==(const Ranking &a, const Ranking &b)
        {
            return a.top == b.top && a.otherCount == b.otherCount && a.otherValues == b.otherValues;
        }
    };

    // Durations binned at the edges of durationBinEdgesMs(); median and p90 from the exact values.
    struct Histogram
    {
        QList<int> counts; // one per bin, always durationBinCount() long
        int samples = 0; // requests measured
        int pending = 0; // requests with a creation time but no first response / not closed
        int inconsistent = 0; // end before creation: left out, counted so it is not silently lost
        qint64 medianMs = -1; // -1 without samples
        qint64 p90Ms = -1;

        friend bool operator==(const Histogram &a, const Histogram &b)
        {
            return a.counts == b.counts && a.samples == b.samples && a.pending == b.pending
                && a.inconsistent == b.inconsistent && a.medianMs == b.medianMs && a.p90Ms == b.p90Ms;
        }
    };

    // Events over time: bucket i covers [timelineStartMs + i * bucketMs, + bucketMs). Every series
    // has the same length; empty when nothing has arrived.
    qint64 timelineStartMs = 0;
    qint64 bucketMs = 60000;
    std::array<QList<int>, TimelineSeriesCount> timeline;
    // Rejections carry no fields, so no filter term can accept them: they are drawn only while
    // the filter is empty.
    bool rejectionsShown = true;

    QList<Count> urgency; // per request: the newest accepted event's value, in urgency order
    QList<Count> sentiment; // the same, negative to positive
    Ranking escalationsByTeam; // escalation events, retries not counted again
    Ranking escalationsByCustomer;
    Histogram firstResponse; // createdAt -> first_response_at, per request
    Histogram timeToClose; // createdAt -> closed_on, per request

    int totalEvents = 0; // every row the aggregator holds
    int acceptedEvents = 0; // rows the filter and kind toggles accept
    int acceptedRequests = 0; // distinct requests among them
    int escalations = 0; // accepted escalation events, first attempts only
    int rejections = 0; // rejections in the timeline (0 when not shown)

    int bucketCount() const { return static_cast<int>(timeline[CreatedSeries].size()); }
    bool isEmpty() const { return totalEvents == 0 && rejections == 0; }

    // Lower edges of the duration bins (the last bin is open-ended): 0, 5 min, 15 min, 30 min,
    // 1 h, 2 h, 4 h, 8 h, 1 d, 2 d, 7 d. Human steps, so a lead reads "most within the hour".
    static const QList<qint64> &durationBinEdgesMs();
    static int durationBinCount() { return static_cast<int>(durationBinEdgesMs().size()); }
    static int durationBin(qint64 ms);
    // "0–5m", "5–15m", ..., "≥7d"
    static QString durationBinLabel(int bin);
    // "45 s", "42 min", "6.5 h", "3.2 d"
    static QString formatDuration(qint64 ms);
    static QString timelineSeriesName(TimelineSeries series);

    friend bool operator==(const InsightsSnapshot &a, const InsightsSnapshot &b)
    {
        return a.timelineStartMs == b.timelineStartMs && a.bucketMs == b.bucketMs && a.timeline == b.timeline
            && a.rejectionsShown == b.rejectionsShown && a.urgency == b.urgency && a.sentiment == b.sentiment
            && a.escalationsByTeam == b.escalationsByTeam && a.escalationsByCustomer == b.escalationsByCustomer
            && a.firstResponse == b.firstResponse && a.timeToClose == b.timeToClose && a.totalEvents == b.totalEvents
            && a.acceptedEvents == b.acceptedEvents && a.acceptedRequests == b.acceptedRequests
            && a.escalations == b.escalations && a.rejections == b.rejections;
    }
    friend bool operator!=(const InsightsSnapshot &a, const InsightsSnapshot &b) { return !(a == b); }
};

Q_DECLARE_METATYPE(InsightsSnapshot)
