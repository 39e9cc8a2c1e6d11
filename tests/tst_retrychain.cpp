#include "RetryChain.h"
#include "TestSupport.h"
#include "ThenaPayloadParser.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

namespace {
constexpr qint64 kStart = 1709280000000; // 2024-03-01T08:00:00Z

EventRow row(qint64 id, qint64 offsetMs, int attempt = 1, qint64 retryOf = 0)
{
    EventRow r;
    r.id = id;
    r.receivedMs = kStart + offsetMs;
    r.attempt = attempt;
    r.retryOf = retryOf;
    r.requestId = QStringLiteral("42");
    return r;
}

// One chain from attempts given as cumulative offsets in seconds.
QList<EventRow> chainRows(const QList<int> &offsetsSeconds, qint64 firstId = 100)
{
    QList<EventRow> rows;
    for (qsizetype i = 0; i < offsetsSeconds.size(); ++i) {
        rows.append(
            row(firstId + i, qint64(offsetsSeconds.at(i)) * 1000, static_cast<int>(i) + 1, i == 0 ? 0 : firstId));
    }
    return rows;
}

CapturedEvent captured(const QByteArray &body, qint64 id, qint64 offsetMs)
{
    CapturedEvent event;
    event.body = body;
    ThenaPayloadParser::parse(body, event.row);
    event.row.id = id;
    event.row.receivedMs = kStart + offsetMs;
    return event;
}
} // namespace

class tst_RetryChain : public QObject
{
    Q_OBJECT

private slots:
    void expectedGaps_data();
    void expectedGaps();
    void thenaScheduleIsAsExpected();
    void verdicts_data();
    void verdicts();
    void groupsByRetryLink();
    void missingFirstAttempt();
    void missingMiddleAttempt();
    void beyondSchedule();
    void duplicateAttemptNumbers();
    void summaries_data();
    void summaries();
    void groupByBodySamples();
    void groupByBodyPlatformEventId();
    void groupByBodyWindow();
    void emptyInput();
};

void tst_RetryChain::expectedGaps_data()
{
    QTest::addColumn<int>("from");
    QTest::addColumn<int>("to");
    QTest::addColumn<qint64>("expected");
    QTest::newRow("1->2") << 1 << 2 << qint64(10000);
    QTest::newRow("2->3") << 2 << 3 << qint64(20000);
    QTest::newRow("3->4") << 3 << 4 << qint64(30000);
    QTest::newRow("4->5") << 4 << 5 << qint64(50000);
    QTest::newRow("5->6") << 5 << 6 << qint64(80000);
    QTest::newRow("2->4 skips one") << 2 << 4 << qint64(50000);
    QTest::newRow("1->6 whole schedule") << 1 << 6 << qint64(190000);
    QTest::newRow("6->7 beyond") << 6 << 7 << qint64(-1);
    QTest::newRow("same") << 3 << 3 << qint64(-1);
    QTest::newRow("backwards") << 4 << 3 << qint64(-1);
    QTest::newRow("zero") << 0 << 1 << qint64(-1);
}

void tst_RetryChain::expectedGaps()
{
    QFETCH(int, from);
    QFETCH(int, to);
    QFETCH(qint64, expected);
    QCOMPARE(RetryChain::expectedGapMs(from, to), expected);
}

void tst_RetryChain::thenaScheduleIsAsExpected()
{
    // Thena's own schedule: 10, 20, 30, 50 and 80 s after the previous attempt.
    const QList<RetryChain> chains = RetryChain::group(chainRows({ 0, 10, 30, 60, 110, 190 }));
    QCOMPARE(chains.size(), 1);
    const RetryChain &chain = chains.first();
    QCOMPARE(chain.size(), 6);
    QCOMPARE(chain.firstId(), qint64(100));
    QVERIFY(chain.isRetried());
    QVERIFY(chain.isExhausted());
    QCOMPARE(chain.countOf(RetryChain::Verdict::AsExpected), 5);
    QCOMPARE(chain.attempts().at(0).verdict, RetryChain::Verdict::First);
    QCOMPARE(chain.attempts().at(0).text, QStringLiteral("attempt 1, first delivery"));
    QCOMPARE(chain.attempts().at(2).text, QStringLiteral("attempt 3, 20 s after attempt 2, as expected"));
    QCOMPARE(chain.attempts().at(3).text, QStringLiteral("attempt 4, 30 s after attempt 3, as expected"));
    QCOMPARE(chain.attempts().at(5).text, QStringLiteral("attempt 6, 1 min 20 s after attempt 5, as expected"));
    QCOMPARE(chain.attempts().at(5).gapMs, qint64(80000));
    QCOMPARE(chain.attempts().at(5).expectedGapMs, qint64(80000));
    QCOMPARE(chain.spanMs(), qint64(190000));
    QCOMPARE(chain.summary(),
        QStringLiteral("6 attempts over 3 min 10 s, all gaps as expected; Thena retries no more after attempt 6"));
}

void tst_RetryChain::verdicts_data()
{
    QTest::addColumn<int>("gapMs");
    QTest::addColumn<int>("attempt"); // the later attempt; the earlier is attempt - 1
    QTest::addColumn<RetryChain::Verdict>("verdict");
    QTest::addColumn<QString>("text");
    using V = RetryChain::Verdict;
    QTest::newRow("exact") << 30000 << 4 << V::AsExpected
                           << QStringLiteral("attempt 4, 30 s after attempt 3, as expected");
    QTest::newRow("within 5 s") << 14900 << 2 << V::AsExpected
                                << QStringLiteral("attempt 2, 14 s after attempt 1, as expected");
    QTest::newRow("just late") << 15001 << 2 << V::Late
                               << QStringLiteral(
                                      "attempt 2, 15 s after attempt 1, expected about 10 s: arrived 5 s late");
    QTest::newRow("four min late")
        << 270000 << 4 << V::Late
        << QStringLiteral("attempt 4, 4 min 30 s after attempt 3, expected about 30 s: arrived 4 min late");
    QTest::newRow("early") << 1000 << 2 << V::Early
                           << QStringLiteral("attempt 2, 1 s after attempt 1, expected about 10 s: arrived 9 s early");
    QTest::newRow("quarter tolerance on 80 s")
        << 99000 << 6 << V::AsExpected << QStringLiteral("attempt 6, 1 min 39 s after attempt 5, as expected");
    QTest::newRow("past quarter on 80 s")
        << 101000 << 6 << V::Late
        << QStringLiteral("attempt 6, 1 min 41 s after attempt 5, expected about 1 min 20 s: arrived 21 s late");
}

void tst_RetryChain::verdicts()
{
    QFETCH(int, gapMs);
    QFETCH(int, attempt);
    QFETCH(RetryChain::Verdict, verdict);
    QFETCH(QString, text);
    const QList<EventRow> rows { row(1, 0, attempt - 1, attempt - 1 > 1 ? 99 : 0), row(2, gapMs, attempt, 99) };
    // The earlier attempt is the first captured one; its link key decides the chain.
    QList<EventRow> linked = rows;
    linked[0].retryOf = 0;
    linked[0].id = 99;
    const QList<RetryChain> chains = RetryChain::group(linked);
    QCOMPARE(chains.size(), 1);
    const RetryChain::Attempt &later = chains.first().attempts().at(1);
    QCOMPARE(later.verdict, verdict);
    QCOMPARE(later.text, text);
    QCOMPARE(RetryChain::judge(gapMs, RetryChain::expectedGapMs(attempt - 1, attempt)), verdict);
}

void tst_RetryChain::groupsByRetryLink()
{
    // Two chains interleaved, plus a lone delivery; rows arrive out of order.
    QList<EventRow> rows { row(1, 0), row(2, 1000), row(3, 10000, 2, 1), row(4, 11000, 2, 2), row(5, 12000),
        row(6, 30000, 3, 1) };
    std::reverse(rows.begin(), rows.end());
    const QList<RetryChain> chains = RetryChain::group(rows);
    QCOMPARE(chains.size(), 3);
    // Chains come in the order of their first row as given (here reversed: 6 belongs to chain 1).
    QCOMPARE(chains.at(0).firstId(), qint64(1));
    QCOMPARE(chains.at(1).firstId(), qint64(5));
    QCOMPARE(chains.at(2).firstId(), qint64(2));
    QCOMPARE(chains.at(0).size(), 3);
    QCOMPARE(chains.at(0).attempts().at(0).row.id, qint64(1));
    QCOMPARE(chains.at(0).attempts().at(1).row.id, qint64(3));
    QCOMPARE(chains.at(0).attempts().at(2).row.id, qint64(6));
    QCOMPARE(chains.at(0).attempts().at(2).text, QStringLiteral("attempt 3, 20 s after attempt 2, as expected"));
    QVERIFY(!chains.at(1).isRetried());
    QCOMPARE(chains.at(1).summary(), QStringLiteral("1 attempt"));
    QCOMPARE(chains.at(2).attempts().at(1).text, QStringLiteral("attempt 2, 10 s after attempt 1, as expected"));
}

void tst_RetryChain::missingFirstAttempt()
{
    // Attempt 1 was deleted (retention); the chain starts at attempt 2 and still judges attempt 3.
    const QList<RetryChain> chains = RetryChain::group({ row(11, 10000, 2, 10), row(12, 30000, 3, 10) });
    QCOMPARE(chains.size(), 1);
    QCOMPARE(chains.first().firstId(), qint64(10));
    QCOMPARE(chains.first().attempts().at(0).number, 2);
    QCOMPARE(chains.first().attempts().at(0).verdict, RetryChain::Verdict::First);
    QCOMPARE(chains.first().attempts().at(0).text, QStringLiteral("attempt 2"));
    QCOMPARE(chains.first().attempts().at(1).verdict, RetryChain::Verdict::AsExpected);
}

void tst_RetryChain::missingMiddleAttempt()
{
    // Attempt 3 never reached us: attempt 4 is measured from attempt 2 against 20 + 30 s.
    const QList<RetryChain> chains = RetryChain::group({ row(1, 0), row(2, 10000, 2, 1), row(4, 60000, 4, 1) });
    const RetryChain::Attempt &fourth = chains.first().attempts().at(2);
    QCOMPARE(fourth.previousNumber, 2);
    QCOMPARE(fourth.expectedGapMs, qint64(50000));
    QCOMPARE(fourth.verdict, RetryChain::Verdict::AsExpected);
    QCOMPARE(fourth.text, QStringLiteral("attempt 4, 50 s after attempt 2 (attempt 3 not captured), as expected"));

    const QList<RetryChain> wider = RetryChain::group({ row(1, 0), row(5, 110000, 5, 1) });
    QCOMPARE(wider.first().attempts().at(1).text,
        QStringLiteral("attempt 5, 1 min 50 s after attempt 1 (attempts 2-4 not captured), as expected"));
}

void tst_RetryChain::beyondSchedule()
{
    QList<EventRow> rows = chainRows({ 0, 10, 30, 60, 110, 190, 300 });
    const RetryChain chain = RetryChain::group(rows).first();
    QCOMPARE(chain.size(), 7);
    QCOMPARE(chain.attempts().at(6).verdict, RetryChain::Verdict::BeyondSchedule);
    QCOMPARE(
        chain.attempts().at(6).text, QStringLiteral("attempt 7, 1 min 50 s after attempt 6: beyond Thena's 5 retries"));
    QVERIFY(chain.summary().contains(QStringLiteral("attempt 7 is beyond Thena's schedule")));
}

void tst_RetryChain::duplicateAttemptNumbers()
{
    // Two captures merged may both say "attempt 2"; the later counts as attempt 3.
    const RetryChain chain = RetryChain::group({ row(1, 0), row(2, 10000, 2, 1), row(3, 30000, 2, 1) }).first();
    QCOMPARE(chain.attempts().at(1).number, 2);
    QCOMPARE(chain.attempts().at(2).number, 3);
    QCOMPARE(chain.attempts().at(2).verdict, RetryChain::Verdict::AsExpected);
}

void tst_RetryChain::summaries_data()
{
    QTest::addColumn<QList<int>>("offsets");
    QTest::addColumn<QString>("summary");
    QTest::newRow("two on time") << QList<int> { 0, 10 }
                                 << QStringLiteral("2 attempts over 10 s, all gaps as expected");
    QTest::newRow("one late") << QList<int> { 0, 10, 280 }
                              << QStringLiteral("3 attempts over 4 min 40 s: attempt 3 arrived 4 min 10 s late");
    QTest::newRow("late and early") << QList<int> { 0, 60, 61 }
                                    << QStringLiteral(
                                           "3 attempts over 1 min 1 s: attempt 2 arrived 50 s late; attempt 3 "
                                           "arrived 19 s early");
}

void tst_RetryChain::summaries()
{
    QFETCH(QList<int>, offsets);
    QFETCH(QString, summary);
    QCOMPARE(RetryChain::group(chainRows(offsets)).first().summary(), summary);
}

void tst_RetryChain::groupByBodySamples()
{
    // Rows without links (say, imported): the bodies decide. Thena's gaps for the updated sample,
    // a created sample in between, and the updated sample again much later (a new event).
    const QByteArray updated = TestSupport::sample("request-updated.json");
    const QByteArray created = TestSupport::sample("request-created.json");
    const QList<CapturedEvent> events { captured(updated, 1, 0), captured(created, 2, 5000),
        captured(updated, 3, 10000), captured(updated, 4, 30000), captured(updated, 5, 30000 + 11 * 60 * 1000) };
    const QList<RetryChain> chains = RetryChain::groupByBody(events);
    QCOMPARE(chains.size(), 3);
    QCOMPARE(chains.at(0).size(), 3);
    QCOMPARE(chains.at(0).attempts().at(2).row.id, qint64(4));
    QCOMPARE(chains.at(0).attempts().at(2).row.retryOf, qint64(1));
    QCOMPARE(chains.at(0).attempts().at(2).text, QStringLiteral("attempt 3, 20 s after attempt 2, as expected"));
    QCOMPARE(chains.at(1).firstId(), qint64(2));
    QCOMPARE(chains.at(2).firstId(), qint64(5));
    QVERIFY(!chains.at(2).isRetried());
}

void tst_RetryChain::groupByBodyPlatformEventId()
{
    // Platform retries share the eventId; the body may differ (a new timestamp).
    const QByteArray first = TestSupport::sample("platform-ticket-created.json");
    QJsonObject object = QJsonDocument::fromJson(first).object();
    object.insert(QStringLiteral("timestamp"), QStringLiteral("2026-11-30T14:02:21.512Z"));
    const QByteArray retry = QJsonDocument(object).toJson(QJsonDocument::Compact);
    QVERIFY(retry != first);
    const QList<RetryChain> chains = RetryChain::groupByBody({ captured(first, 1, 0), captured(retry, 2, 10000) });
    QCOMPARE(chains.size(), 1);
    QCOMPARE(chains.first().attempts().at(1).verdict, RetryChain::Verdict::AsExpected);
}

void tst_RetryChain::groupByBodyWindow()
{
    const QByteArray body = TestSupport::sample("request-escalated.json");
    // A one-minute window: a gap of 80 s starts a new chain.
    const QList<RetryChain> chains = RetryChain::groupByBody({ captured(body, 1, 0), captured(body, 2, 80000) }, 60000);
    QCOMPARE(chains.size(), 2);
}

void tst_RetryChain::emptyInput()
{
    QVERIFY(RetryChain::group({}).isEmpty());
    QVERIFY(RetryChain::groupByBody({}).isEmpty());
    const RetryChain none;
    QCOMPARE(none.size(), 0);
    QVERIFY(!none.isRetried());
    QVERIFY(!none.isExhausted());
    QCOMPARE(none.summary(), QString());
    QCOMPARE(none.spanMs(), qint64(0));
}

QTEST_GUILESS_MAIN(tst_RetryChain)
#include "tst_retrychain.moc"
