#include "CommitPacer.h"

#include <QTest>

// The pacer's decisions, with made-up clocks: when commits are fast it never holds anything;
// when they are slow the next group forms while one commits, and fills up to the last round's
// size (or until half a commit has passed) before it goes to the writer.
class TestCommitPacer : public QObject
{
    Q_OBJECT

private:
    static constexpr qint64 kMs = 1000000;

    // One round: n events handed over at t, committed after commitNs, with `waiting` received
    // meanwhile. Returns the time of the outcome.
    static qint64 round(
        CommitPacer &pacer, qsizetype n, qint64 &lastId, qint64 t, qint64 commitNs, qsizetype waiting = 0)
    {
        lastId += n;
        pacer.handedOver(n, lastId, t);
        pacer.resolved(n, lastId, waiting, t + commitNs);
        return t + commitNs;
    }

private slots:
    void fastCommitsNeverHold()
    {
        CommitPacer pacer;
        qint64 id = 0;
        qint64 t = 0;
        for (int i = 0; i < 50; ++i)
            t = round(pacer, 16, id, t, kMs / 5) + kMs / 10;
        QVERIFY(!pacer.isPacing());
        QCOMPARE(pacer.inFlight(), 0);
        // Even with a group in flight and a single delivery waiting: straight to the writer.
        pacer.handedOver(8, id + 8, t);
        QVERIFY(pacer.shouldHandOver(1, t));
        QVERIFY(!pacer.shouldHandOver(0, t));
    }

    void slowCommitsFormOneGroupPerRound()
    {
        CommitPacer pacer;
        qint64 id = 0;
        qint64 t = 0;
        for (int i = 0; i < 5; ++i)
            t = round(pacer, 8, id, t, 4 * kMs, 8);
        QVERIFY(pacer.isPacing());
        QVERIFY(pacer.commitEstimateNs() >= CommitPacer::SlowCommitNs);

        // The last outcome answered 8 and 8 more were waiting: the round is 16.
        QVERIFY(!pacer.shouldHandOver(8, t));
        QVERIFY(!pacer.shouldHandOver(15, t + kMs / 2));
        QVERIFY(pacer.shouldHandOver(16, t + kMs / 2));

        // While a group commits, whatever arrives waits for its outcome, however many they are.
        pacer.handedOver(16, id + 16, t + kMs);
        QVERIFY(!pacer.shouldHandOver(1, t + kMs));
        QVERIFY(!pacer.shouldHandOver(100, t + 50 * kMs));
    }

    void holdEndsAtHalfACommitAtMost_data()
    {
        QTest::addColumn<qint64>("commitNs");
        QTest::addColumn<qint64>("expectedHoldNs");
        QTest::newRow("2 ms commits hold 1 ms") << 2 * kMs << 1 * kMs;
        QTest::newRow("4 ms commits hold 2 ms") << 4 * kMs << 2 * kMs;
        QTest::newRow("20 ms commits hold the maximum") << 20 * kMs << CommitPacer::MaxHoldNs;
    }

    void holdEndsAtHalfACommitAtMost()
    {
        QFETCH(qint64, commitNs);
        QFETCH(qint64, expectedHoldNs);
        CommitPacer pacer;
        qint64 id = 0;
        qint64 t = 0;
        for (int i = 0; i < 40; ++i)
            t = round(pacer, 16, id, t, commitNs) + kMs / 10;
        t = round(pacer, 16, id, t, commitNs);
        QVERIFY(pacer.isPacing());
        QCOMPARE(pacer.holdDeadlineNs(), t + expectedHoldNs);
        QVERIFY(!pacer.shouldHandOver(3, t + expectedHoldNs - 1));
        QVERIFY(pacer.shouldHandOver(3, t + expectedHoldNs));
    }

    void singleDeliveriesNeverWait()
    {
        // A quiet sender on a slow disk: one delivery per round, so a round of one is full.
        CommitPacer pacer;
        qint64 id = 0;
        qint64 t = 0;
        for (int i = 0; i < 10; ++i) {
            t = round(pacer, 1, id, t, 5 * kMs) + 100 * kMs;
            QVERIFY(pacer.shouldHandOver(1, t));
        }
        QVERIFY(pacer.isPacing());
    }

    void hysteresis()
    {
        CommitPacer pacer;
        qint64 id = 0;
        qint64 t = 0;
        for (int i = 0; i < 10; ++i)
            t = round(pacer, 16, id, t, 3 * kMs);
        QVERIFY(pacer.isPacing());
        // Between the two thresholds the mode stays as it is...
        for (int i = 0; i < 40; ++i)
            t = round(pacer, 16, id, t, (CommitPacer::SlowCommitNs + CommitPacer::FastCommitNs) / 2);
        QVERIFY(pacer.isPacing());
        // ... until commits are really fast again, and back.
        for (int i = 0; i < 40; ++i)
            t = round(pacer, 16, id, t, kMs / 4);
        QVERIFY(!pacer.isPacing());
        for (int i = 0; i < 40; ++i)
            t = round(pacer, 16, id, t, (CommitPacer::SlowCommitNs + CommitPacer::FastCommitNs) / 2);
        QVERIFY(!pacer.isPacing());
    }

    void oneOutcomeForSeveralHandOvers()
    {
        // A busy writer may commit two hand-overs in one transaction: the outcome covers both,
        // nothing stays in flight, and the time counts from the older hand-over.
        CommitPacer pacer;
        pacer.handedOver(4, 4, 0);
        pacer.handedOver(3, 7, kMs);
        QCOMPARE(pacer.inFlight(), 7);
        pacer.resolved(7, 7, 0, 2 * kMs);
        QCOMPARE(pacer.inFlight(), 0);
        QCOMPARE(pacer.commitEstimateNs(), 2 * kMs);
        // Outcomes that come in pieces (a failed part, then the rest) settle the count too.
        pacer.handedOver(5, 12, 3 * kMs);
        pacer.resolved(2, 12, 0, 4 * kMs);
        QCOMPARE(pacer.inFlight(), 3);
        pacer.resolved(3, 10, 0, 4 * kMs);
        QCOMPARE(pacer.inFlight(), 0);
    }
};

QTEST_APPLESS_MAIN(TestCommitPacer)
#include "tst_commitpacer.moc"
