// EventAggregator and RequestTimes: hand-computed aggregations on the samples and on generated
// request lifecycles, the table's filter rule, and incremental appends equal to one batch.

#include "EventAggregator.h"
#include "EventTableModel.h"
#include "InsightsTestData.h"
#include "RequestTimes.h"
#include "TestSupport.h"
#include "ThenaPayloadParser.h"
#include "ThenaRequestDetails.h"

#include <QAbstractItemModelTester>
#include <QDateTime>
#include <QTest>

using namespace InsightsTestData;

class TestEventAggregator : public QObject
{
    Q_OBJECT

private slots:
    void requestTimesAgreeWithDetails_data();
    void requestTimesAgreeWithDetails();
    void requestTimesOfUpdatedSample();
    void samplesHandComputed();
    void samplesTimeline();
    void emptyAggregator();
    void generatedLifecycles();
    void newestEventOfARequestCounts();
    void retriesAreNotNewEscalations();
    void rankingKeepsTopTen();
    void percentile_data();
    void percentile();
    void durationBins_data();
    void durationBins();
    void formatDuration_data();
    void formatDuration();
    void inconsistentTimesAreCountedApart();
    void followsTableFilter_data();
    void followsTableFilter();
    void filterBackAndForth();
    void incrementalEqualsBatch_data();
    void incrementalEqualsBatch();
    void lateTimesEqualEarlyTimes();
    void timelineBuckets_data();
    void timelineBuckets();
    void rejectionsOwnSeriesOnlyWithoutFilter();
    void removeIdsAndClear();
    void removeUnderFilterThenAppend();
    void duplicateIdsCountOnce();
};

void TestEventAggregator::requestTimesAgreeWithDetails_data()
{
    TestSupport::addSampleBodyRows();
}

void TestEventAggregator::requestTimesAgreeWithDetails()
{
    QFETCH(QByteArray, body);
    const ThenaRequestDetails details = ThenaRequestDetails::fromBody(body);
    const RequestTimes times = RequestTimes::fromBody(body);
    const auto ms = [](const ThenaRequestDetails::Time &t) { return t.utc.isValid() ? t.utc.toMSecsSinceEpoch() : 0; };
    QCOMPARE(times.createdAtMs, ms(details.createdAt));
    QCOMPARE(times.firstResponseAtMs, ms(details.firstResponseAt));
    QCOMPARE(times.closedAtMs, ms(details.closedOn));
}

void TestEventAggregator::requestTimesOfUpdatedSample()
{
    const RequestTimes times = RequestTimes::fromBody(TestSupport::sample("request-updated.json"));
    QCOMPARE(times.createdAtMs, 1692826261573LL); // 2023-08-23T21:31:01.573Z
    QCOMPARE(times.firstResponseAtMs, 1714988615667LL); // Slack ts 1714988615.667009
    QCOMPARE(times.closedAtMs, 1692827758034LL); // 2023-08-23T21:55:58.034Z
    QVERIFY(RequestTimes::fromBody(QByteArrayLiteral("{oops")).isEmpty());
    QVERIFY(RequestTimes::fromBody(QByteArrayLiteral("{\"request\":{\"createdAt\":\"loremipsum12\"}}")).isEmpty());
}

void TestEventAggregator::samplesHandComputed()
{
    const EventAggregator aggregator = aggregated(sampleEvents());
    const InsightsSnapshot s = aggregator.snapshot();
    QCOMPARE(s.totalEvents, 4);
    QCOMPARE(s.acceptedEvents, 4);
    QCOMPARE(s.acceptedRequests, 4); // 43, 42, 1234 and platform ticket 5512
    // High (created) and HIGH (platform priority) are one value, shown as first seen.
    QCOMPARE(s.urgency,
        (QList<Count> {
            { QStringLiteral("Low"), 1 }, { QStringLiteral("Medium"), 1 }, { QStringLiteral("High"), 2 } }));
    QCOMPARE(s.sentiment,
        (QList<Count> { { QStringLiteral("Negative"), 1 }, { QStringLiteral("Neutral"), 2 }, { QString(), 1 } }));
    QCOMPARE(s.escalations, 1);
    QCOMPARE(s.escalationsByTeam.top, (QList<Count> { { QStringLiteral("Lorem Ipsum Team"), 1 } }));
    QCOMPARE(s.escalationsByCustomer.top, (QList<Count> { { QStringLiteral("Lorem Ipsum Customer"), 1 } }));
    QCOMPARE(s.escalationsByTeam.otherValues, 0);

    // Only request-updated has a first response: 2024-05-06T09:43:35.667Z - 2023-08-23T21:31:01.573Z.
    // Created and escalated are awaiting one; the platform sample has no createdAt at all.
    QCOMPARE(s.firstResponse.samples, 1);
    QCOMPARE(s.firstResponse.pending, 2);
    QCOMPARE(s.firstResponse.medianMs, 22162354094LL);
    QCOMPARE(s.firstResponse.p90Ms, 22162354094LL);
    QCOMPARE(s.firstResponse.counts.at(InsightsSnapshot::durationBin(22162354094LL)), 1);
    QCOMPARE(InsightsSnapshot::durationBin(22162354094LL), 10); // "≥7d"
    // Closed after 24 min 56.461 s: the 15–30 min bin.
    QCOMPARE(s.timeToClose.samples, 1);
    QCOMPARE(s.timeToClose.pending, 2);
    QCOMPARE(s.timeToClose.medianMs, 1496461LL);
    QCOMPARE(s.timeToClose.counts, (QList<int> { 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0 }));
}

void TestEventAggregator::samplesTimeline()
{
    const InsightsSnapshot s = aggregated(sampleEvents()).snapshot();
    // Arrivals at 10:00:00, 10:00:30, 10:01:30, 10:02:30: three minutes, padded to MinBuckets with
    // the newest minute last.
    QCOMPARE(s.bucketMs, kMinute);
    QCOMPARE(s.bucketCount(), EventAggregator::MinBuckets);
    QCOMPARE(s.timelineStartMs, kBase + 2 * kMinute - (EventAggregator::MinBuckets - 1) * kMinute);
    const int last = s.bucketCount() - 1;
    QCOMPARE(s.timeline[InsightsSnapshot::CreatedSeries].at(last - 2), 1);
    QCOMPARE(s.timeline[InsightsSnapshot::UpdatedSeries].at(last - 2), 1);
    QCOMPARE(s.timeline[InsightsSnapshot::EscalatedSeries].at(last - 1), 1);
    QCOMPARE(s.timeline[InsightsSnapshot::PlatformSeries].at(last), 1);
    int total = 0;
    for (const QList<int> &series : s.timeline)
        total += sum(series);
    QCOMPARE(total, 4);
}

void TestEventAggregator::emptyAggregator()
{
    const InsightsSnapshot s = EventAggregator().snapshot();
    QVERIFY(s.isEmpty());
    QCOMPARE(s.bucketCount(), 0);
    QVERIFY(s.urgency.isEmpty());
    QCOMPARE(s.firstResponse.counts.size(), InsightsSnapshot::durationBinCount());
    QCOMPARE(s.firstResponse.medianMs, -1);
    QCOMPARE(s, EventAggregator().snapshot());
}

void TestEventAggregator::generatedLifecycles()
{
    const QList<Event> events = generatedEvents();
    const InsightsSnapshot s = aggregated(events).snapshot();
    QCOMPARE(s.totalEvents, events.size());
    // 40 requests, plus 4 invalid bodies (no request) and 3 unknown ones (a request each).
    QCOMPARE(s.acceptedRequests, 43);

    // First response of request r after (r + 1) * 3 min, r = 0..39: 3, 6, ..., 120 min.
    // median = (60 + 63) / 2 = 61.5 min; p90 rank 0.9 * 39 = 35.1 -> 108 + 0.1 * 3 = 108.3 min.
    QCOMPARE(s.firstResponse.samples, 40);
    // Every request's newest event carries its first response; the unknown bodies have no times.
    QCOMPARE(s.firstResponse.pending, 0);
    QCOMPARE(s.firstResponse.medianMs, qRound64(61.5 * kMinute));
    QCOMPARE(s.firstResponse.p90Ms, qRound64(108.3 * kMinute));
    // Bins: 0–5m {3}, 5–15m {6,9,12}, 15–30m {15..27: 5}, 30–60m {30..57: 10}, 1–2h {60..117: 20}, 2–4h {120}.
    QCOMPARE(s.firstResponse.counts, (QList<int> { 1, 3, 5, 10, 20, 1, 0, 0, 0, 0, 0 }));

    // Closed: even r, after (r + 1) h: 1, 3, ..., 39 h (20 requests); 20 still open.
    // median = (19 + 21) / 2 = 20 h; p90 rank 17.1 -> 35 + 0.1 * 2 = 35.2 h.
    QCOMPARE(s.timeToClose.samples, 20);
    QCOMPARE(s.timeToClose.pending, 20);
    QCOMPARE(s.timeToClose.medianMs, 20 * kHour);
    QCOMPARE(s.timeToClose.p90Ms, qRound64(35.2 * kHour));
    // 1–2h {1}, 2–4h {3}, 4–8h {5,7}, 8–24h {9..23: 8}, 1–2d {25..39: 8}.
    QCOMPARE(s.timeToClose.counts, (QList<int> { 0, 0, 0, 0, 1, 1, 2, 8, 8, 0, 0 }));

    // Urgency: each request's newest event has urgencies[(r + 1) % 5]; "High" and "HIGH" merge.
    // r + 1 = 1..40 -> index 1..4,0: Low 8, Medium 8, High 16 (indices 2 and 3), Urgent 8.
    QCOMPARE(s.urgency,
        (QList<Count> { { QStringLiteral("Low"), 8 }, { QStringLiteral("Medium"), 8 }, { QStringLiteral("High"), 16 },
            { QStringLiteral("Urgent"), 8 }, { QString(), 3 } }));
    // Sentiment r % 4: Negative, Neutral, Positive, "" -> 10 each, "" plus the 3 unknown bodies.
    QCOMPARE(s.sentiment,
        (QList<Count> { { QStringLiteral("Negative"), 10 }, { QStringLiteral("Neutral"), 10 },
            { QStringLiteral("Positive"), 10 }, { QString(), 13 } }));

    // Escalations: r % 3 == 0 -> 14 requests (0, 3, ..., 39); retries (r % 6 == 0) not again.
    QCOMPARE(s.escalations, 14);
    // Teams r % 4 over r = 0, 3, ..., 39: 0->EMEA, 3->"Team \"Q\"", 6->Billing, 9->US, ...
    // r % 12 in {0, 3, 6, 9} cycles: 14 values -> EMEA 4 (0,12,24,36), Q 4 (3,15,27,39), Billing 3, US 3.
    QCOMPARE(s.escalationsByTeam.top,
        (QList<Count> { { QStringLiteral("Support EMEA"), 4 }, { QStringLiteral("Team \"Q\""), 4 },
            { QStringLiteral("Billing"), 3 }, { QStringLiteral("Support US"), 3 } }));
    int customers = 0;
    for (const Count &c : s.escalationsByCustomer.top)
        customers += c.count;
    QCOMPARE(customers + s.escalationsByCustomer.otherCount, 14);
}

void TestEventAggregator::newestEventOfARequestCounts()
{
    Lifecycle l;
    l.requestId = "7";
    l.createdMs = kBase;
    l.urgency = "Low";
    const Event created = parsed(1, kBase, body(l, "\"CREATE\""));
    l.urgency = "High";
    l.firstResponseMs = kBase + 10 * kMinute;
    const Event updated = parsed(2, kBase + 10 * kMinute, body(l, "\"UPDATE\""));

    // Newer first, older second: the id decides, not the arrival order of the batch.
    for (const QList<Event> &order : { QList<Event> { created, updated }, QList<Event> { updated, created } }) {
        const InsightsSnapshot s = aggregated(order).snapshot();
        QCOMPARE(s.acceptedRequests, 1);
        QCOMPARE(s.urgency, (QList<Count> { { QStringLiteral("High"), 1 } }));
        QCOMPARE(s.firstResponse.samples, 1);
        QCOMPARE(s.firstResponse.pending, 0);
        QCOMPARE(s.firstResponse.medianMs, 10 * kMinute);
    }

    // A filter that hides the newest event: the older one speaks for the request.
    EventAggregator aggregator = aggregated({ created, updated });
    aggregator.setFilter(FilterQuery::parse(QStringLiteral("kind:created")));
    const InsightsSnapshot s = aggregator.snapshot();
    QCOMPARE(s.urgency, (QList<Count> { { QStringLiteral("Low"), 1 } }));
    QCOMPARE(s.firstResponse.samples, 0);
    QCOMPARE(s.firstResponse.pending, 1);
}

void TestEventAggregator::retriesAreNotNewEscalations()
{
    Lifecycle l;
    l.requestId = "9";
    l.createdMs = kBase;
    const QByteArray escalation = body(l, "\"UPDATE\"", true);
    QList<Event> events { parsed(1, kBase, escalation), parsed(2, kBase + 10000, escalation, 2),
        parsed(3, kBase + 30000, escalation, 3) };
    const InsightsSnapshot s = aggregated(events).snapshot();
    QCOMPARE(s.escalations, 1);
    QCOMPARE(s.escalationsByTeam.top, (QList<Count> { { QStringLiteral("Support EMEA"), 1 } }));
    // ...but every delivery is an event in the timeline.
    QCOMPARE(sum(s.timeline[InsightsSnapshot::EscalatedSeries]), 3);
}

void TestEventAggregator::rankingKeepsTopTen()
{
    QList<Event> events;
    qint64 id = 0;
    // Team k escalates k + 1 times, k = 0..13: the top ten are teams 13..4, the rest 0..3.
    for (int k = 0; k < 14; ++k) {
        for (int n = 0; n <= k; ++n) {
            Lifecycle l;
            l.requestId = QByteArray::number(k * 100 + n);
            l.createdMs = kBase;
            l.team = "T" + QByteArray::number(k).rightJustified(2, '0');
            ++id;
            events << parsed(id, kBase + id * 1000, body(l, "\"UPDATE\"", true));
        }
    }
    const InsightsSnapshot s = aggregated(events).snapshot();
    QCOMPARE(s.escalationsByTeam.top.size(), EventAggregator::TopCount);
    QCOMPARE(s.escalationsByTeam.top.first(), (Count { QStringLiteral("T13"), 14 }));
    QCOMPARE(s.escalationsByTeam.top.last(), (Count { QStringLiteral("T04"), 5 }));
    QCOMPARE(s.escalationsByTeam.otherValues, 4);
    QCOMPARE(s.escalationsByTeam.otherCount, 1 + 2 + 3 + 4);
}

void TestEventAggregator::percentile_data()
{
    QTest::addColumn<QList<qint64>>("values");
    QTest::addColumn<double>("p");
    QTest::addColumn<double>("expected");
    QTest::newRow("single") << QList<qint64> { 42 } << 0.9 << 42.0;
    QTest::newRow("median even") << QList<qint64> { 1, 2, 3, 4 } << 0.5 << 2.5;
    QTest::newRow("median odd") << QList<qint64> { 1, 2, 30 } << 0.5 << 2.0;
    QTest::newRow("p90 of 1..10") << QList<qint64> { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 } << 0.9 << 9.1;
    QTest::newRow("p0") << QList<qint64> { 5, 7 } << 0.0 << 5.0;
    QTest::newRow("p100") << QList<qint64> { 5, 7 } << 1.0 << 7.0;
}

void TestEventAggregator::percentile()
{
    QFETCH(QList<qint64>, values);
    QFETCH(double, p);
    QFETCH(double, expected);
    const std::vector<qint64> sorted(values.cbegin(), values.cend());
    QVERIFY(qAbs(EventAggregator::percentile(sorted, p) - expected) < 1e-9);
}

void TestEventAggregator::durationBins_data()
{
    QTest::addColumn<qint64>("ms");
    QTest::addColumn<int>("bin");
    QTest::addColumn<QString>("label");
    QTest::newRow("zero") << qint64(0) << 0 << QStringLiteral("0–5m");
    QTest::newRow("just under 5m") << 5 * kMinute - 1 << 0 << QStringLiteral("0–5m");
    QTest::newRow("5m") << 5 * kMinute << 1 << QStringLiteral("5–15m");
    QTest::newRow("59m") << 59 * kMinute << 3 << QStringLiteral("30–60m");
    QTest::newRow("1h") << kHour << 4 << QStringLiteral("1–2h");
    QTest::newRow("23h") << 23 * kHour << 7 << QStringLiteral("8–24h");
    QTest::newRow("1d") << kDay << 8 << QStringLiteral("1–2d");
    QTest::newRow("6d") << 6 * kDay << 9 << QStringLiteral("2–7d");
    QTest::newRow("a year") << 365 * kDay << 10 << QStringLiteral("≥7d");
}

void TestEventAggregator::durationBins()
{
    QFETCH(qint64, ms);
    QFETCH(int, bin);
    QFETCH(QString, label);
    QCOMPARE(InsightsSnapshot::durationBin(ms), bin);
    QCOMPARE(InsightsSnapshot::durationBinLabel(bin), label);
}

void TestEventAggregator::formatDuration_data()
{
    QTest::addColumn<qint64>("ms");
    QTest::addColumn<QString>("text");
    QTest::newRow("none") << qint64(-1) << QStringLiteral("–");
    QTest::newRow("seconds") << qint64(45 * 1000) << QStringLiteral("45 s");
    QTest::newRow("just over an hour") << qRound64(61.5 * kMinute) << QStringLiteral("1.0 h");
    QTest::newRow("42 min") << 42 * kMinute + 20 * 1000 << QStringLiteral("42 min");
    QTest::newRow("hours") << qint64(6.5 * kHour) << QStringLiteral("6.5 h");
    QTest::newRow("days") << qint64(256.5 * kDay) << QStringLiteral("256.5 d");
}

void TestEventAggregator::formatDuration()
{
    QFETCH(qint64, ms);
    QFETCH(QString, text);
    QCOMPARE(InsightsSnapshot::formatDuration(ms), text);
}

void TestEventAggregator::inconsistentTimesAreCountedApart()
{
    Lifecycle l;
    l.requestId = "5";
    l.createdMs = kBase;
    l.firstResponseMs = kBase - kMinute; // before creation: bad data, not a negative duration
    l.closedMs = kBase + 2 * kHour;
    const InsightsSnapshot s = aggregated({ parsed(1, kBase, body(l, "\"UPDATE\"")) }).snapshot();
    QCOMPARE(s.firstResponse.samples, 0);
    QCOMPARE(s.firstResponse.inconsistent, 1);
    QCOMPARE(s.timeToClose.samples, 1);
    QCOMPARE(s.timeToClose.medianMs, 2 * kHour);
}

void TestEventAggregator::followsTableFilter_data()
{
    QTest::addColumn<QString>("filter");
    QTest::addColumn<QList<int>>("hiddenKinds");
    QTest::newRow("everything") << QString() << QList<int>();
    QTest::newRow("urgency:high") << QStringLiteral("urgency:high") << QList<int>();
    QTest::newRow("team phrase") << QStringLiteral("team:\"Support EMEA\"") << QList<int>();
    QTest::newRow("free word") << QStringLiteral("customer") << QList<int>();
    QTest::newRow("negated kind") << QStringLiteral("-kind:updated") << QList<int>();
    QTest::newRow("updates hidden") << QString() << QList<int> { int(EventKind::Updated) };
    QTest::newRow("two toggles and a term")
        << QStringLiteral("sentiment:neg") << QList<int> { int(EventKind::Created), int(EventKind::Escalated) };
    QTest::newRow("nothing") << QStringLiteral("zzz-no-such-word") << QList<int>();
    QTest::newRow("invalid term ignored") << QStringLiteral("nosuchfield:x urgency:low") << QList<int>();
}

// The charts describe exactly the rows the table shows: the aggregate with a filter equals the
// aggregate of the rows EventTableModel leaves visible under the same filter and toggles.
void TestEventAggregator::followsTableFilter()
{
    QFETCH(QString, filter);
    QFETCH(QList<int>, hiddenKinds);
    const QList<Event> events = generatedEvents();
    const FilterQuery query = FilterQuery::parse(filter);

    EventTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.appendRows(rowsOf(events));
    model.setFilter(query);
    for (const int kind : hiddenKinds)
        model.setKindVisible(static_cast<EventKind>(kind), false);
    QHash<qint64, RequestTimes> timesById;
    for (const Event &e : events)
        timesById.insert(e.row.id, e.times);
    QList<EventRow> visible;
    QList<RequestTimes> visibleTimes;
    for (int r = 0; r < model.rowCount(); ++r) {
        visible.append(model.rowAt(r));
        visibleTimes.append(timesById.value(model.rowAt(r).id));
    }

    EventAggregator filtered = aggregated(events);
    filtered.setFilter(query);
    for (const int kind : hiddenKinds)
        filtered.setKindVisible(static_cast<EventKind>(kind), false);
    EventAggregator reference;
    reference.appendRows(visible, visibleTimes);

    InsightsSnapshot expected = reference.snapshot();
    InsightsSnapshot actual = filtered.snapshot();
    QCOMPARE(actual.acceptedEvents, model.rowCount());
    QCOMPARE(filtered.acceptedCount(), model.rowCount());
    QCOMPARE(actual.totalEvents, events.size());
    QCOMPARE(actual.rejectionsShown, query.isEmpty());
    // Everything else must be identical, but for spelling: a value is shown as first seen in
    // the whole capture ("High" even when the filter leaves only "HIGH" rows), so labels do not
    // change case as the filter changes.
    expected.totalEvents = actual.totalEvents;
    expected.rejectionsShown = actual.rejectionsShown;
    for (InsightsSnapshot *s : { &actual, &expected }) {
        for (QList<Count> *counts :
            { &s->urgency, &s->sentiment, &s->escalationsByTeam.top, &s->escalationsByCustomer.top }) {
            for (Count &c : *counts)
                c.value = c.value.toCaseFolded();
        }
    }
    QCOMPARE(actual, expected);
}

void TestEventAggregator::filterBackAndForth()
{
    const QList<Event> events = generatedEvents();
    EventAggregator aggregator = aggregated(events);
    const InsightsSnapshot before = aggregator.snapshot();
    QVERIFY(aggregator.setFilter(FilterQuery::parse(QStringLiteral("urgency:low"))));
    QVERIFY(aggregator.snapshot() != before);
    QVERIFY(!aggregator.setFilter(FilterQuery::parse(QStringLiteral("urgency:low  "))));
    QVERIFY(aggregator.setKindVisible(EventKind::Created, false));
    QVERIFY(!aggregator.setKindVisible(EventKind::Created, false));
    QVERIFY(aggregator.setFilter(FilterQuery()));
    QVERIFY(aggregator.setKindVisible(EventKind::Created, true));
    QCOMPARE(aggregator.snapshot(), before);
}

void TestEventAggregator::incrementalEqualsBatch_data()
{
    QTest::addColumn<int>("chunk");
    QTest::addColumn<QString>("filter");
    QTest::newRow("one by one") << 1 << QString();
    QTest::newRow("7 per batch") << 7 << QString();
    QTest::newRow("100 per batch") << 100 << QString();
    QTest::newRow("one by one, filtered") << 1 << QStringLiteral("team:support -urgency:low");
    QTest::newRow("13 per batch, filtered") << 13 << QStringLiteral("escalated");
}

void TestEventAggregator::incrementalEqualsBatch()
{
    QFETCH(int, chunk);
    QFETCH(QString, filter);
    const QList<Event> events = generatedEvents();
    const FilterQuery query = FilterQuery::parse(filter);

    EventAggregator batch;
    batch.setFilter(query);
    batch.appendRows(rowsOf(events), timesOf(events));

    EventAggregator incremental;
    incremental.setFilter(query);
    for (qsizetype i = 0; i < events.size(); i += chunk) {
        const QList<Event> part = events.mid(i, chunk);
        incremental.appendRows(rowsOf(part), timesOf(part));
    }
    QCOMPARE(incremental.snapshot(), batch.snapshot());
    QCOMPARE(incremental.snapshot(30), batch.snapshot(30));

    // And a filter set after the rows equals one set before them.
    EventAggregator late = aggregated(events);
    late.setFilter(query);
    QCOMPARE(late.snapshot(), batch.snapshot());
}

void TestEventAggregator::lateTimesEqualEarlyTimes()
{
    const QList<Event> events = generatedEvents();
    const EventAggregator early = aggregated(events);

    // History rows arrive without bodies; their times follow, newest first, as InsightsEngine does.
    EventAggregator late;
    late.setFilter(FilterQuery::parse(QStringLiteral("-urgency:medium")));
    late.appendRows(rowsOf(events));
    QCOMPARE(late.snapshot().firstResponse.samples, 0);
    for (qsizetype i = events.size() - 1; i >= 0; --i) {
        if (!events.at(i).times.isEmpty())
            QVERIFY(late.setTimes(events.at(i).row.id, events.at(i).times));
    }
    QVERIFY(!late.setTimes(999999, RequestTimes { kBase, 0, 0 }));
    late.setFilter(FilterQuery());
    QCOMPARE(late.snapshot(), early.snapshot());

    // Taking a row's times away again falls back to an older row of the request.
    EventAggregator fallback = aggregated(events);
    const Event &newest = events.at(1); // request 1000's update with the first response
    QVERIFY(!newest.times.isEmpty() && newest.times.firstResponseAtMs != 0);
    QVERIFY(fallback.setTimes(newest.row.id, RequestTimes()));
    QVERIFY(fallback.setTimes(events.at(2).row.id, RequestTimes())); // its escalation
    QVERIFY(fallback.setTimes(events.at(3).row.id, RequestTimes())); // the retry
    QVERIFY(fallback.setTimes(events.at(4).row.id, RequestTimes())); // the close
    const InsightsSnapshot s = fallback.snapshot();
    QCOMPARE(s.firstResponse.samples, 39);
    QCOMPARE(s.firstResponse.pending, 1);
}

void TestEventAggregator::timelineBuckets_data()
{
    QTest::addColumn<qint64>("span");
    QTest::addColumn<int>("maxBuckets");
    QTest::addColumn<qint64>("bucket");
    QTest::addColumn<int>("count");
    // Arrivals at kBase and kBase + span (kBase is on a whole hour, so on every bucket edge).
    QTest::newRow("2 minutes") << 2 * kMinute << 60 << kMinute << 10;
    QTest::newRow("59 minutes") << 59 * kMinute << 60 << kMinute << 60;
    QTest::newRow("60 minutes") << 60 * kMinute << 60 << 2 * kMinute << 31;
    QTest::newRow("3 hours") << 3 * kHour << 60 << 5 * kMinute << 37;
    QTest::newRow("3 hours in 20") << 3 * kHour << 20 << 10 * kMinute << 19;
    QTest::newRow("a day") << kDay << 60 << 30 * kMinute << 49;
    QTest::newRow("a week") << 7 * kDay << 60 << 180 * kMinute << 57;
    QTest::newRow("a month") << 30 * kDay << 60 << kDay << 31;
    QTest::newRow("a year") << 365 * kDay << 60 << 7 * kDay << 53;
}

void TestEventAggregator::timelineBuckets()
{
    QFETCH(qint64, span);
    QFETCH(int, maxBuckets);
    QFETCH(qint64, bucket);
    QFETCH(int, count);
    EventRow first;
    first.id = 1;
    first.kind = EventKind::Created;
    first.receivedMs = kBase;
    EventRow last = first;
    last.id = 2;
    last.kind = EventKind::Updated;
    last.receivedMs = kBase + span;
    EventAggregator aggregator;
    aggregator.appendRows({ first, last });
    const InsightsSnapshot s = aggregator.snapshot(maxBuckets);
    QCOMPARE(s.bucketMs, bucket);
    QCOMPARE(s.bucketCount(), count);
    QVERIFY(s.bucketCount() <= std::max(maxBuckets, int(EventAggregator::MinBuckets)));
    QCOMPARE(s.timeline[InsightsSnapshot::UpdatedSeries].last(), 1);
    QCOMPARE(sum(s.timeline[InsightsSnapshot::CreatedSeries]), 1);
    QVERIFY(s.timelineStartMs <= kBase);
    QVERIFY(s.timelineStartMs + s.bucketCount() * s.bucketMs > kBase + span);
}

void TestEventAggregator::rejectionsOwnSeriesOnlyWithoutFilter()
{
    EventAggregator aggregator = aggregated(sampleEvents());
    // Two refusals in the first minute, one three minutes after the last event.
    aggregator.addRejections({ kBase + 1000, kBase + 2000, kBase + 5 * kMinute });
    InsightsSnapshot s = aggregator.snapshot();
    QVERIFY(s.rejectionsShown);
    QCOMPARE(s.rejections, 3);
    QCOMPARE(s.timelineStartMs, kBase + 5 * kMinute - 9 * kMinute);
    const QList<int> &rejected = s.timeline[InsightsSnapshot::RejectedSeries];
    QCOMPARE(rejected.last(), 1);
    QCOMPARE(rejected.at(rejected.size() - 1 - 5), 2);
    QCOMPARE(sum(rejected), 3);
    QCOMPARE(s.acceptedEvents, 4); // rejections are no events

    // Kind toggles hide kinds, not rejections; a filter term can never accept a rejection.
    aggregator.setKindVisible(EventKind::Created, false);
    QCOMPARE(aggregator.snapshot().rejections, 3);
    aggregator.setFilter(FilterQuery::parse(QStringLiteral("urgency:low")));
    s = aggregator.snapshot();
    QVERIFY(!s.rejectionsShown);
    QCOMPARE(s.rejections, 0);
    QCOMPARE(sum(s.timeline[InsightsSnapshot::RejectedSeries]), 0);
    QCOMPARE(s.bucketCount(), EventAggregator::MinBuckets); // the span is the escalation's alone
    QCOMPARE(s.timeline[InsightsSnapshot::EscalatedSeries].last(), 1);
}

void TestEventAggregator::removeIdsAndClear()
{
    const QList<Event> events = generatedEvents();
    EventAggregator aggregator = aggregated(events);
    QSet<qint64> ids;
    QList<Event> kept;
    for (const Event &e : events) {
        if (e.row.id % 3 == 0)
            ids.insert(e.row.id);
        else
            kept.append(e);
    }
    aggregator.removeIds(ids);
    QCOMPARE(aggregator.rowCount(), kept.size());
    QCOMPARE(aggregator.snapshot(), aggregated(kept).snapshot());

    aggregator.addRejections({ kBase });
    aggregator.clear();
    QCOMPARE(aggregator.rowCount(), 0);
    QCOMPARE(aggregator.snapshot(), EventAggregator().snapshot());
}

void TestEventAggregator::removeUnderFilterThenAppend()
{
    // Rows, their texts (what the filter reads) and their aggregates must stay aligned through a
    // removal with a filter on, and through appends after it.
    const QList<Event> events = generatedEvents();
    const qsizetype half = events.size() / 2;
    const QList<Event> first = events.first(half);
    const QList<Event> second = events.sliced(half);
    const FilterQuery query = FilterQuery::parse(QStringLiteral("urgency:high -closed"));

    EventAggregator aggregator = aggregated(first);
    aggregator.setFilter(query);
    QSet<qint64> ids;
    QList<Event> kept;
    for (const Event &e : first) {
        if (e.row.id % 4 == 1)
            ids.insert(e.row.id);
        else
            kept.append(e);
    }
    aggregator.removeIds(ids);
    aggregator.appendRows(rowsOf(second), timesOf(second));
    kept += second;

    EventAggregator reference = aggregated(kept);
    reference.setFilter(query);
    QCOMPARE(aggregator.rowCount(), kept.size());
    QCOMPARE(aggregator.snapshot(), reference.snapshot());
    QVERIFY(aggregator.snapshot().acceptedEvents > 0);
    QVERIFY(aggregator.snapshot().acceptedEvents < kept.size());
    for (qint64 id : ids)
        QVERIFY(!aggregator.contains(id));
    QVERIFY(aggregator.contains(second.constLast().row.id));
}

void TestEventAggregator::duplicateIdsCountOnce()
{
    const QList<Event> events = sampleEvents();
    EventAggregator aggregator = aggregated(events);
    aggregator.appendRows(rowsOf(events), timesOf(events)); // history and live overlapping
    QCOMPARE(aggregator.rowCount(), 4);
    QCOMPARE(aggregator.snapshot(), aggregated(events).snapshot());
}

QTEST_GUILESS_MAIN(TestEventAggregator)
#include "tst_eventaggregator.moc"
