#include "RetryTracker.h"

#include <QTest>

namespace {
constexpr qint64 kMinute = 60 * 1000;
// Thena's documented retry schedule: first retry after ~10 s, then 20, 30, 50 and 80 s.
constexpr qint64 kThenaGapsSeconds[] = { 10, 20, 30, 50, 80 };
const qint64 kStart = 1'700'000'000'000; // an arbitrary UTC time in ms

QByteArray thenaBody(int n)
{
    return QByteArrayLiteral(R"({"action":"UPDATE","request":{"requestId":)") + QByteArray::number(n)
        + QByteArrayLiteral("}}");
}
} // namespace

class TestRetryTracker : public QObject
{
    Q_OBJECT

private slots:
    void firstDeliveryIsAttemptOne();
    void thenaChainOfSix();
    void windowIsMeasuredFromPreviousAttempt_data();
    void windowIsMeasuredFromPreviousAttempt();
    void sameBodyAfterWindowIsNewEvent();
    void differentBodiesAreDifferentEvents();
    void manyBodiesOfOneSizeNeverMerge();
    void eventIdDedupWithDifferingBodies();
    void eventIdAndBodyKeysDoNotMix();
    void emptyBodyIsNeverARetry();
    void gapIsRounded();
    void pruningKeepsMemoryBounded();
    void pruningKeepsLiveChains();
    void clearForgetsEverything();
};

void TestRetryTracker::firstDeliveryIsAttemptOne()
{
    RetryTracker tracker;
    const RetryInfo info = tracker.observe(thenaBody(1), {}, 7, kStart);
    QCOMPARE(info.attempt, 1);
    QCOMPARE(info.retryOf, 0);
    QCOMPARE(info.gapSeconds, -1);
    QCOMPARE(tracker.trackedCount(), 1);
}

void TestRetryTracker::thenaChainOfSix()
{
    RetryTracker tracker;
    const QByteArray body = thenaBody(42);
    qint64 t = kStart;
    qint64 id = 100;
    QCOMPARE(tracker.observe(body, {}, id, t).attempt, 1);
    const qint64 firstId = id;

    int expectedAttempt = 2;
    for (const qint64 gap : kThenaGapsSeconds) {
        t += gap * 1000;
        // Unrelated traffic between retries must not break the chain.
        QCOMPARE(tracker.observe(thenaBody(1000 + expectedAttempt), {}, ++id, t - 1).attempt, 1);
        const RetryInfo info = tracker.observe(body, {}, ++id, t);
        QCOMPARE(info.attempt, expectedAttempt);
        QCOMPARE(info.retryOf, firstId);
        QCOMPARE(info.gapSeconds, qint32(gap));
        ++expectedAttempt;
    }
    QCOMPARE(expectedAttempt, 7);
}

void TestRetryTracker::windowIsMeasuredFromPreviousAttempt_data()
{
    QTest::addColumn<qint64>("windowMs");
    QTest::addColumn<qint64>("gapMs");
    QTest::addColumn<bool>("isRetry");

    QTest::newRow("default, well inside") << RetryTracker::DefaultWindowMs << qint64(10'000) << true;
    QTest::newRow("default, exactly at the edge") << RetryTracker::DefaultWindowMs << 10 * kMinute << true;
    QTest::newRow("default, 1 ms past the edge") << RetryTracker::DefaultWindowMs << 10 * kMinute + 1 << false;
    QTest::newRow("short window, inside") << qint64(5'000) << qint64(5'000) << true;
    QTest::newRow("short window, outside") << qint64(5'000) << qint64(10'000) << false;
    QTest::newRow("zero window, same ms") << qint64(0) << qint64(0) << true;
}

void TestRetryTracker::windowIsMeasuredFromPreviousAttempt()
{
    QFETCH(qint64, windowMs);
    QFETCH(qint64, gapMs);
    QFETCH(bool, isRetry);

    RetryTracker tracker(windowMs);
    QCOMPARE(tracker.windowMs(), windowMs);
    const QByteArray body = thenaBody(5);
    tracker.observe(body, {}, 1, kStart);
    const RetryInfo info = tracker.observe(body, {}, 2, kStart + gapMs);
    QCOMPARE(info.attempt, isRetry ? 2 : 1);
    QCOMPARE(info.retryOf, isRetry ? 1 : 0);

    // A chain longer than the window survives as long as each step is inside it.
    RetryTracker chain(10 * kMinute);
    chain.observe(body, {}, 1, kStart);
    chain.observe(body, {}, 2, kStart + 9 * kMinute);
    const RetryInfo third = chain.observe(body, {}, 3, kStart + 18 * kMinute);
    QCOMPARE(third.attempt, 3);
    QCOMPARE(third.retryOf, 1);
    QCOMPARE(third.gapSeconds, 9 * 60);
}

void TestRetryTracker::sameBodyAfterWindowIsNewEvent()
{
    RetryTracker tracker;
    const QByteArray body = thenaBody(9);
    tracker.observe(body, {}, 1, kStart);
    QCOMPARE(tracker.observe(body, {}, 2, kStart + 20'000).attempt, 2);

    // Eleven minutes after the last attempt: a new event that starts its own chain.
    const qint64 later = kStart + 20'000 + 11 * kMinute;
    const RetryInfo fresh = tracker.observe(body, {}, 3, later);
    QCOMPARE(fresh.attempt, 1);
    QCOMPARE(fresh.retryOf, 0);
    QCOMPARE(fresh.gapSeconds, -1);

    const RetryInfo retryOfFresh = tracker.observe(body, {}, 4, later + 10'000);
    QCOMPARE(retryOfFresh.attempt, 2);
    QCOMPARE(retryOfFresh.retryOf, 3);
    QCOMPARE(retryOfFresh.gapSeconds, 10);
}

void TestRetryTracker::differentBodiesAreDifferentEvents()
{
    RetryTracker tracker;
    QCOMPARE(tracker.observe(thenaBody(1), {}, 1, kStart).attempt, 1);
    QCOMPARE(tracker.observe(thenaBody(2), {}, 2, kStart).attempt, 1);
    // One byte of difference (a trailing newline) is a different body.
    QCOMPARE(tracker.observe(thenaBody(1) + '\n', {}, 3, kStart).attempt, 1);
    QCOMPARE(tracker.observe(thenaBody(1), {}, 4, kStart + 1).retryOf, 1);
}

void TestRetryTracker::manyBodiesOfOneSizeNeverMerge()
{
    // The identity is a digest, not the body: thousands of bodies of one length that differ in a
    // single byte, each seen twice, make thousands of chains of exactly two.
    RetryTracker tracker;
    QByteArray body(3500, 'x');
    constexpr int kBodies = 5000;
    for (int round = 0; round < 2; ++round) {
        for (int i = 0; i < kBodies; ++i) {
            body[i % body.size()] = char('a' + i / body.size());
            const RetryInfo info = tracker.observe(body, {}, round * kBodies + i + 1, kStart + round);
            body[i % body.size()] = 'x';
            QCOMPARE(info.attempt, round + 1);
            QCOMPARE(info.retryOf, round == 0 ? qint64(0) : qint64(i + 1));
        }
    }
    QCOMPARE(tracker.trackedCount(), qsizetype(kBodies));
    // Two trackers (two runs) agree on what a retry is, whatever their secret seeds.
    RetryTracker other;
    QCOMPARE(other.observe(body, {}, 1, kStart).attempt, 1);
    QCOMPARE(other.observe(body, {}, 2, kStart).retryOf, qint64(1));
}

void TestRetryTracker::eventIdDedupWithDifferingBodies()
{
    RetryTracker tracker;
    const QString eventId = QStringLiteral("EVT01HZX8M3Q4R5S6T7V8W9XAB");
    const QByteArray first = R"({"eventId":"EVT01HZX8M3Q4R5S6T7V8W9XAB","timestamp":"2026-11-30T14:02:11Z"})";
    const QByteArray resent = R"({"eventId":"EVT01HZX8M3Q4R5S6T7V8W9XAB","timestamp":"2026-11-30T14:02:21Z"})";
    QVERIFY(first != resent);

    QCOMPARE(tracker.observe(first, eventId, 10, kStart).attempt, 1);
    const RetryInfo info = tracker.observe(resent, eventId, 11, kStart + 10'000);
    QCOMPARE(info.attempt, 2);
    QCOMPARE(info.retryOf, 10);
    QCOMPARE(info.gapSeconds, 10);

    // Another eventId with the first body's shape is another event.
    QCOMPARE(tracker.observe(first, QStringLiteral("EVT-OTHER"), 12, kStart + 11'000).attempt, 1);
}

void TestRetryTracker::eventIdAndBodyKeysDoNotMix()
{
    RetryTracker tracker;
    // A Thena-shaped body whose bytes happen to equal an eventId must not match it.
    tracker.observe(QByteArrayLiteral("abc"), QStringLiteral("abc"), 1, kStart);
    QCOMPARE(tracker.observe(QByteArrayLiteral("abc"), {}, 2, kStart).attempt, 1);
    QCOMPARE(tracker.trackedCount(), 2);
}

void TestRetryTracker::emptyBodyIsNeverARetry()
{
    RetryTracker tracker;
    QCOMPARE(tracker.observe({}, {}, 1, kStart).attempt, 1);
    QCOMPARE(tracker.observe({}, {}, 2, kStart + 1).attempt, 1);
    QCOMPARE(tracker.trackedCount(), 0);
}

void TestRetryTracker::gapIsRounded()
{
    RetryTracker tracker;
    const QByteArray body = thenaBody(3);
    tracker.observe(body, {}, 1, kStart);
    QCOMPARE(tracker.observe(body, {}, 2, kStart + 10'400).gapSeconds, 10);
    QCOMPARE(tracker.observe(body, {}, 3, kStart + 10'400 + 19'600).gapSeconds, 20);
    QCOMPARE(tracker.observe(body, {}, 4, kStart + 10'400 + 19'600 + 200).gapSeconds, 0);
    // A clock that steps backwards gives a gap of 0, never a negative one.
    const RetryInfo backwards = tracker.observe(body, {}, 5, kStart);
    QCOMPARE(backwards.attempt, 5);
    QCOMPARE(backwards.gapSeconds, 0);
}

void TestRetryTracker::pruningKeepsMemoryBounded()
{
    RetryTracker tracker(kMinute);
    // One unique body per second for an hour: only about one window's worth stays remembered.
    for (int i = 0; i < 3600; ++i) {
        tracker.observe(thenaBody(i), {}, i + 1, kStart + i * 1000);
        QVERIFY2(tracker.trackedCount() <= 61, qPrintable(QString::number(tracker.trackedCount())));
    }
    QCOMPARE(tracker.trackedCount(), 61);

    // Long after everything expired, one new delivery leaves only itself.
    tracker.observe(thenaBody(-1), QString(), 9999, kStart + 10 * 3600 * 1000);
    QCOMPARE(tracker.trackedCount(), 1);
}

void TestRetryTracker::pruningKeepsLiveChains()
{
    RetryTracker tracker(kMinute);
    const QByteArray live = thenaBody(1);
    tracker.observe(live, {}, 1, kStart);
    tracker.observe(thenaBody(2), {}, 2, kStart);
    tracker.observe(live, {}, 3, kStart + 50'000);
    // At +90 s the first observation of `live` expired, but its newer attempt has not.
    tracker.observe(thenaBody(3), {}, 4, kStart + 90'000);
    QCOMPARE(tracker.trackedCount(), 2); // live + body 3; body 2 pruned
    const RetryInfo info = tracker.observe(live, {}, 5, kStart + 100'000);
    QCOMPARE(info.attempt, 3);
    QCOMPARE(info.retryOf, 1);
    QCOMPARE(info.gapSeconds, 50);
}

void TestRetryTracker::clearForgetsEverything()
{
    RetryTracker tracker;
    tracker.observe(thenaBody(1), {}, 1, kStart);
    tracker.clear();
    QCOMPARE(tracker.trackedCount(), 0);
    QCOMPARE(tracker.observe(thenaBody(1), {}, 2, kStart + 1).attempt, 1);
}

QTEST_GUILESS_MAIN(TestRetryTracker)
#include "tst_retrytracker.moc"
