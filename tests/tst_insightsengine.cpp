// InsightsEngine: the aggregator on its own thread. Live batches with bodies, filter changes,
// history rows whose request times are read back from a real capture file, clear and delete.

#include "EventStore.h"
#include "InsightsEngine.h"
#include "InsightsTestData.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace InsightsTestData;

class TestInsightsEngine : public QObject
{
    Q_OBJECT

private slots:
    void liveBatchesBecomeSnapshots();
    void snapshotNowFollowsQueuedFilter();
    void kindTogglesAndRejections();
    void historyTimesReadFromCaptureFile();
    void historyWithoutCaptureFileHasNoTimes();
    void clearAndRemove();
    void destroyedWhileReadingHistory();
};

void TestInsightsEngine::liveBatchesBecomeSnapshots()
{
    const QList<Event> events = generatedEvents();
    InsightsEngine engine;
    QSignalSpy spy(&engine, &InsightsEngine::snapshotReady);
    // Three batches, as the capture server flushes them.
    const QList<CapturedEvent> captured = capturedEvents(events);
    engine.appendEvents(captured.mid(0, 10));
    engine.appendEvents(captured.mid(10, 50));
    engine.appendEvents(captured.mid(60));
    const InsightsSnapshot expected = aggregated(events).snapshot();
    QTRY_COMPARE(engine.snapshot(), expected);
    QVERIFY(spy.size() >= 1);
    QCOMPARE(spy.last().first().value<InsightsSnapshot>(), expected);
    // The times came from the bodies, on the engine's thread.
    QCOMPARE(engine.snapshot().firstResponse.samples, 40);
}

void TestInsightsEngine::snapshotNowFollowsQueuedFilter()
{
    InsightsEngine engine;
    engine.appendEvents(capturedEvents(sampleEvents()));
    engine.setFilter(FilterQuery::parse(QStringLiteral("urgency:high")));
    const InsightsSnapshot s = engine.snapshotNow();
    QCOMPARE(s.totalEvents, 4);
    QCOMPARE(s.acceptedEvents, 2); // request-created (High) and the platform ticket (HIGH)
    QCOMPARE(s.urgency, (QList<Count> { { QStringLiteral("High"), 2 } }));
    // The signal follows with the same numbers.
    QTRY_COMPARE(engine.snapshot(), s);

    // A burst of edits ends where the last one says.
    engine.setFilter(FilterQuery::parse(QStringLiteral("urgency:l")));
    engine.setFilter(FilterQuery::parse(QStringLiteral("urgency:lo")));
    engine.setFilter(FilterQuery::parse(QStringLiteral("urgency:medium")));
    QCOMPARE(engine.snapshotNow().acceptedEvents, 1);
    QTRY_COMPARE(engine.snapshot().acceptedEvents, 1);
}

void TestInsightsEngine::kindTogglesAndRejections()
{
    InsightsEngine engine;
    engine.appendEvents(capturedEvents(sampleEvents()));
    engine.addRejections({ kBase + 1000, kBase + 2000 });
    engine.setKindVisible(EventKind::Created, false);
    engine.setKindVisible(EventKind::Escalated, false);
    const InsightsSnapshot s = engine.snapshotNow();
    QCOMPARE(s.acceptedEvents, 2);
    QCOMPARE(s.rejections, 2);
    QCOMPARE(sum(s.timeline[InsightsSnapshot::RejectedSeries]), 2);
    QCOMPARE(sum(s.timeline[InsightsSnapshot::CreatedSeries]), 0);
}

void TestInsightsEngine::historyTimesReadFromCaptureFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QList<Event> events = generatedEvents();
    const QString path = dir.filePath(QStringLiteral("capture.sqlite"));
    {
        EventStore store;
        QVERIFY2(store.open(path), qPrintable(store.errorString()));
        QVERIFY(store.insert(capturedEvents(events)));
    }

    // The window's history load: rows only, no bodies.
    InsightsEngine engine;
    engine.setStorePath(path);
    engine.appendRows(rowsOf(events).mid(0, 60));
    engine.appendRows(rowsOf(events).mid(60));
    const InsightsSnapshot expected = aggregated(events).snapshot();
    QTRY_COMPARE(engine.pendingTimeLoads(), 0);
    QTRY_COMPARE(engine.snapshot(), expected);
    QCOMPARE(engine.snapshot().timeToClose.samples, 20);

    // A live event after the history brings its own body; nothing more is read from the file.
    Lifecycle l;
    l.requestId = "77";
    l.createdMs = kBase;
    l.firstResponseMs = kBase + 2 * kMinute;
    const Event live = parsed(events.size() + 1, kBase + 3 * kMinute, body(l, "\"UPDATE\""));
    engine.appendEvents(capturedEvents({ live }));
    QCOMPARE(engine.pendingTimeLoads(), 0);
    QTRY_COMPARE(engine.snapshot().firstResponse.samples, 41);
}

void TestInsightsEngine::historyWithoutCaptureFileHasNoTimes()
{
    InsightsEngine engine;
    const QList<Event> events = generatedEvents();
    engine.appendRows(rowsOf(events));
    const InsightsSnapshot s = engine.snapshotNow();
    QCOMPARE(engine.pendingTimeLoads(), 0);
    QCOMPARE(s.totalEvents, events.size());
    QCOMPARE(s.firstResponse.samples, 0);
    QCOMPARE(s.urgency, aggregated(events).snapshot().urgency);
}

void TestInsightsEngine::clearAndRemove()
{
    InsightsEngine engine;
    const QList<Event> events = sampleEvents();
    engine.appendEvents(capturedEvents(events));
    engine.removeIds({ 1, 2 });
    QCOMPARE(engine.snapshotNow(), aggregated(events.mid(2)).snapshot());
    engine.addRejections({ kBase });
    engine.clear();
    QCOMPARE(engine.snapshotNow(), EventAggregator().snapshot());
    QTRY_VERIFY(engine.snapshot().isEmpty());
}

void TestInsightsEngine::destroyedWhileReadingHistory()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("big.sqlite"));
    QList<Event> events;
    for (int round = 0; round < 20; ++round) {
        QList<Event> more = generatedEvents();
        for (Event &e : more)
            e.row.id += round * 1000;
        events += more;
    }
    {
        EventStore store;
        QVERIFY(store.open(path));
        QVERIFY(store.insert(capturedEvents(events)));
    }
    auto engine = std::make_unique<InsightsEngine>();
    engine->setStorePath(path);
    engine->appendRows(rowsOf(events));
    engine->snapshotNow(); // the rows are in; their bodies are still to be read
    QVERIFY(engine->pendingTimeLoads() > 0);
    // The capture file connection closes in the engine's thread, and the file is free again.
    engine.reset();
    EventStore store;
    QVERIFY2(store.open(path), qPrintable(store.errorString()));
    QCOMPARE(store.count(), qint64(events.size()));
}

QTEST_GUILESS_MAIN(TestInsightsEngine)
#include "tst_insightsengine.moc"
