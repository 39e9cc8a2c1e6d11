#include "FailureDrill.h"
#include "RetryChain.h"
#include "RetryTracker.h"
#include "TestSupport.h"
#include "ThenaPayloadParser.h"

#include <QAbstractHttpServer>
#include <QDateTime>
#include <QElapsedTimer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTcpServer>
#include <QTest>
#include <QTimer>
#include <memory>

Q_DECLARE_METATYPE(FailureDrill::Config)

namespace {
using Config = FailureDrill::Config;

Config config(int attempts, int status, int delayMs = 0, std::optional<EventKind> kind = std::nullopt)
{
    Config c;
    c.attempts = attempts;
    c.status = status;
    c.delayMs = delayMs;
    c.kind = kind;
    return c;
}

// A receiver that answers the way the capture server does once the drill is hooked in (the same
// steps as the hook handed to the lead): parse, track retries, ask the drill, answer with its
// status or after its delay, else 200. It keeps the rows so the test can group the retries.
class DrillReceiver final : public QAbstractHttpServer
{
public:
    explicit DrillReceiver(const Config &drillConfig)
        : m_drill(drillConfig)
    { }

    bool start()
    {
        auto *tcp = new QTcpServer(this);
        if (!tcp->listen(QHostAddress::LocalHost, 0))
            return false;
        bind(tcp);
        m_url = QUrl(QStringLiteral("http://127.0.0.1:%1/").arg(tcp->serverPort()));
        return true;
    }

    QUrl url() const { return m_url; }
    QList<EventRow> rows;

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override
    {
        EventRow row;
        const QByteArray body = request.body();
        const ParseOutcome outcome = ThenaPayloadParser::parse(body, row);
        row.id = ++m_lastId;
        row.receivedMs = QDateTime::currentMSecsSinceEpoch();
        const RetryInfo retry = m_retries.observe(body, outcome.dedupKey, row.id, row.receivedMs);
        row.attempt = retry.attempt;
        row.retryOf = retry.retryOf;
        row.retryGapSeconds = retry.gapSeconds;
        rows.append(row);

        const FailureDrill::Decision decision = m_drill.decide(FailureDrill::bodyKey(body, outcome.dedupKey), row.kind);
        const auto status = decision.status != 0 ? static_cast<QHttpServerResponder::StatusCode>(decision.status)
                                                 : QHttpServerResponder::StatusCode::Ok;
        const QByteArray json = decision.status != 0 ? QByteArrayLiteral("{\"ok\":false,\"drill\":true}")
                                                     : QByteArrayLiteral("{\"ok\":true}");
        auto responder = std::make_shared<QHttpServerResponder>(makeResponder(request, socket));
        QPointer<QTcpSocket> alive(socket);
        auto write = [responder, status, json, alive] {
            if (alive)
                responder->write(json, QByteArrayLiteral("application/json"), status);
        };
        if (decision.delayMs > 0)
            QTimer::singleShot(decision.delayMs, this, write);
        else
            write();
        return true;
    }

    void missingHandler(const QHttpServerRequest &, QTcpSocket *) override { }

private:
    FailureDrill m_drill;
    RetryTracker m_retries;
    qint64 m_lastId = 0;
    QUrl m_url;
};

struct Answer
{
    int status = 0;
    qint64 ms = 0;
};

Answer post(QNetworkAccessManager &nam, const QUrl &url, const QByteArray &body)
{
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    QElapsedTimer clock;
    clock.start();
    std::unique_ptr<QNetworkReply> reply(nam.post(request, body));
    QNetworkReply *raw = reply.get();
    if (!QTest::qWaitFor([raw] { return raw->isFinished(); }, 10000))
        return {};
    return { reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), clock.elapsed() };
}
} // namespace

class tst_FailureDrill : public QObject
{
    Q_OBJECT

private slots:
    void parse_data();
    void parse();
    void parseErrors_data();
    void parseErrors();
    void describe_data();
    void describe();
    void offByDefault();
    void firstAttemptsOfEachNewBody();
    void kindScope();
    void invalidBodiesAreNeverDrilled();
    void delayOnly();
    void windowForgetsOldBodies();
    void setConfigStartsAfresh();
    void bodyKeys();
    void pruningKeepsRecentBodies();
    void overHttpStatus();
    void overHttpDelay();
};

void tst_FailureDrill::parse_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<Config>("expected");
    QTest::addColumn<QString>("canonical");
    QTest::newRow("2:503") << QStringLiteral("2:503") << config(2, 503) << QStringLiteral("2:503");
    QTest::newRow("1:500") << QStringLiteral("1:500") << config(1, 500) << QStringLiteral("1:500");
    QTest::newRow("429 escalated") << QStringLiteral("1:429:escalated") << config(1, 429, 0, EventKind::Escalated)
                                   << QStringLiteral("1:429:escalated");
    QTest::newRow("kind any case") << QStringLiteral("3:500:UPDATED") << config(3, 500, 0, EventKind::Updated)
                                   << QStringLiteral("3:500:updated");
    QTest::newRow("all kinds") << QStringLiteral("2:503:all") << config(2, 503) << QStringLiteral("2:503");
    QTest::newRow("spaces") << QStringLiteral(" 2 : 503 ") << config(2, 503) << QStringLiteral("2:503");
    QTest::newRow("seconds") << QStringLiteral("3:30s") << config(3, 0, 30000) << QStringLiteral("3:30s");
    QTest::newRow("milliseconds") << QStringLiteral("1:1500ms") << config(1, 0, 1500) << QStringLiteral("1:1500ms");
    QTest::newRow("minutes") << QStringLiteral("1:2min:platform") << config(1, 0, 120000, EventKind::Platform)
                             << QStringLiteral("1:2min:platform");
    QTest::newRow("all six attempts") << QStringLiteral("6:503") << config(6, 503) << QStringLiteral("6:503");
}

void tst_FailureDrill::parse()
{
    QFETCH(QString, text);
    QFETCH(Config, expected);
    QFETCH(QString, canonical);
    QString error = QStringLiteral("stale");
    const std::optional<Config> parsed = FailureDrill::parse(text, &error);
    QVERIFY2(parsed.has_value(), qPrintable(error));
    QVERIFY(error.isEmpty());
    QCOMPARE(parsed->attempts, expected.attempts);
    QCOMPARE(parsed->status, expected.status);
    QCOMPARE(parsed->delayMs, expected.delayMs);
    QCOMPARE(parsed->kind, expected.kind);
    QVERIFY(parsed->isActive());
    QCOMPARE(FailureDrill::toText(*parsed), canonical);
    QCOMPARE(FailureDrill::parse(canonical), parsed);
}

void tst_FailureDrill::parseErrors_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("errorPart");
    QTest::newRow("empty") << QString() << QStringLiteral("expected N:STATUS");
    QTest::newRow("no answer") << QStringLiteral("2") << QStringLiteral("expected N:STATUS");
    QTest::newRow("too many parts") << QStringLiteral("2:503:updated:x") << QStringLiteral("expected N:STATUS");
    QTest::newRow("zero attempts") << QStringLiteral("0:503") << QStringLiteral("from 1 to 99");
    QTest::newRow("negative attempts") << QStringLiteral("-1:503") << QStringLiteral("from 1 to 99");
    QTest::newRow("huge attempts") << QStringLiteral("100:503") << QStringLiteral("from 1 to 99");
    QTest::newRow("words") << QStringLiteral("two:503") << QStringLiteral("from 1 to 99");
    QTest::newRow("success status") << QStringLiteral("2:200") << QStringLiteral("400 to 599");
    QTest::newRow("redirect") << QStringLiteral("2:302") << QStringLiteral("400 to 599");
    QTest::newRow("600") << QStringLiteral("2:600") << QStringLiteral("400 to 599");
    QTest::newRow("garbage answer") << QStringLiteral("2:abc") << QStringLiteral("neither a status nor a delay");
    QTest::newRow("zero delay") << QStringLiteral("2:0s") << QStringLiteral("neither a status nor a delay");
    QTest::newRow("long delay") << QStringLiteral("2:301s") << QStringLiteral("neither a status nor a delay");
    QTest::newRow("unknown kind") << QStringLiteral("2:503:deleted") << QStringLiteral("unknown kind");
    QTest::newRow("invalid kind") << QStringLiteral("2:503:invalid") << QStringLiteral("unknown kind");
    QTest::newRow("empty kind") << QStringLiteral("2:503:") << QStringLiteral("unknown kind");
}

void tst_FailureDrill::parseErrors()
{
    QFETCH(QString, text);
    QFETCH(QString, errorPart);
    QString error;
    QVERIFY(!FailureDrill::parse(text, &error).has_value());
    QVERIFY2(error.contains(errorPart), qPrintable(error));
    QVERIFY(!FailureDrill::parse(text).has_value()); // no error pointer: still safe
}

void tst_FailureDrill::describe_data()
{
    QTest::addColumn<Config>("drill");
    QTest::addColumn<QString>("sentence");
    QTest::newRow("off") << Config() << QStringLiteral("Failure drill off");
    QTest::newRow("no answer is off") << config(2, 0) << QStringLiteral("Failure drill off");
    QTest::newRow("2:503") << config(2, 503)
                           << QStringLiteral("Failure drill on: the first 2 attempts of each new body are answered "
                                             "503 (every event); the next attempt is accepted");
    QTest::newRow("1:429:escalated") << config(1, 429, 0, EventKind::Escalated)
                                     << QStringLiteral("Failure drill on: the first attempt of each new body is "
                                                       "answered 429 (escalated events only); the next attempt is "
                                                       "accepted");
    QTest::newRow("delay") << config(3, 0, 30000)
                           << QStringLiteral("Failure drill on: the first 3 attempts of each new body are held for "
                                             "30 s (every event); the next attempt is accepted");
    QTest::newRow("delay then status") << config(1, 500, 1500)
                                       << QStringLiteral("Failure drill on: the first attempt of each new body is held "
                                                         "for 1500 ms, then answered 500 (every event); the next "
                                                         "attempt is accepted");
}

void tst_FailureDrill::describe()
{
    QFETCH(Config, drill);
    QFETCH(QString, sentence);
    QCOMPARE(FailureDrill::describe(drill), sentence);
}

void tst_FailureDrill::offByDefault()
{
    FailureDrill drill;
    QVERIFY(!drill.isActive());
    QCOMPARE(FailureDrill::toText(drill.config()), QString());
    const FailureDrill::Decision decision = drill.decide("key", EventKind::Updated, 0);
    QVERIFY(!decision.isDrilled());
    QCOMPARE(decision.attempt, 0);
    QCOMPARE(drill.trackedCount(), 0);
}

void tst_FailureDrill::firstAttemptsOfEachNewBody()
{
    FailureDrill drill(config(2, 503));
    const QList<int> expectedA { 503, 503, 0, 0 };
    for (qsizetype i = 0; i < expectedA.size(); ++i) {
        const FailureDrill::Decision decision = drill.decide("A", EventKind::Updated, 1000 * i);
        QCOMPARE(decision.status, expectedA.at(i));
        QCOMPARE(decision.delayMs, 0);
        QCOMPARE(decision.attempt, static_cast<int>(i) + 1);
    }
    // Another body starts its own count, even interleaved.
    QCOMPARE(drill.decide("B", EventKind::Created, 5000).status, 503);
    QCOMPARE(drill.decide("A", EventKind::Updated, 5500).status, 0);
    QCOMPARE(drill.decide("B", EventKind::Created, 6000).status, 503);
    QCOMPARE(drill.decide("B", EventKind::Created, 7000).status, 0);
    QCOMPARE(drill.trackedCount(), 2);
}

void tst_FailureDrill::kindScope()
{
    FailureDrill drill(config(1, 500, 0, EventKind::Escalated));
    // Other kinds are neither drilled nor counted.
    const FailureDrill::Decision updated = drill.decide("U", EventKind::Updated, 0);
    QVERIFY(!updated.isDrilled());
    QCOMPARE(updated.attempt, 0);
    QCOMPARE(drill.trackedCount(), 0);
    QCOMPARE(drill.decide("E", EventKind::Escalated, 0).status, 500);
    QCOMPARE(drill.decide("E", EventKind::Escalated, 10000).status, 0);
}

void tst_FailureDrill::invalidBodiesAreNeverDrilled()
{
    FailureDrill drill(config(3, 503));
    QVERIFY(!drill.decide("bad", EventKind::Invalid, 0).isDrilled());
    QCOMPARE(drill.trackedCount(), 0);
    // Unknown JSON objects are valid deliveries and take part in a drill for every event.
    QCOMPARE(drill.decide("odd", EventKind::Unknown, 0).status, 503);
}

void tst_FailureDrill::delayOnly()
{
    FailureDrill drill(config(1, 0, 2500));
    const FailureDrill::Decision first = drill.decide("D", EventKind::Platform, 0);
    QVERIFY(first.isDrilled());
    QCOMPARE(first.status, 0);
    QCOMPARE(first.delayMs, 2500);
    QVERIFY(!drill.decide("D", EventKind::Platform, 10000).isDrilled());
}

void tst_FailureDrill::windowForgetsOldBodies()
{
    FailureDrill drill(config(1, 503), 60000);
    QCOMPARE(drill.decide("A", EventKind::Updated, 0).status, 503);
    QCOMPARE(drill.decide("A", EventKind::Updated, 60000).status, 0); // 60 s: still the same event
    // Silent for longer than the window since the last attempt: the same body is a new event again.
    const FailureDrill::Decision later = drill.decide("A", EventKind::Updated, 120001);
    QCOMPARE(later.status, 503);
    QCOMPARE(later.attempt, 1);
}

void tst_FailureDrill::setConfigStartsAfresh()
{
    FailureDrill drill(config(1, 503));
    QCOMPARE(drill.decide("A", EventKind::Updated, 0).status, 503);
    drill.setConfig(config(1, 429));
    QCOMPARE(drill.config().status, 429);
    QCOMPARE(drill.decide("A", EventKind::Updated, 1000).status, 429);
    drill.setConfig(Config());
    QVERIFY(!drill.isActive());
    QVERIFY(!drill.decide("A", EventKind::Updated, 2000).isDrilled());
}

void tst_FailureDrill::bodyKeys()
{
    const QByteArray body = TestSupport::sample("request-updated.json");
    QCOMPARE(FailureDrill::bodyKey(body, {}), FailureDrill::bodyKey(body, {}));
    QVERIFY(FailureDrill::bodyKey(body, {}) != FailureDrill::bodyKey(body + ' ', {}));
    // A platform eventId decides alone: different bytes, same event.
    QCOMPARE(FailureDrill::bodyKey("a", QStringLiteral("EVT1")), FailureDrill::bodyKey("b", QStringLiteral("EVT1")));
    QVERIFY(FailureDrill::bodyKey("a", QStringLiteral("EVT1")) != FailureDrill::bodyKey("a", QStringLiteral("EVT2")));
    // An eventId never collides with a body whose bytes happen to equal it.
    QVERIFY(FailureDrill::bodyKey("EVT1", {}) != FailureDrill::bodyKey("x", QStringLiteral("EVT1")));
    QCOMPARE(FailureDrill::bodyKey(QByteArray(100000, 'x'), {}).size(), 21);
}

void tst_FailureDrill::pruningKeepsRecentBodies()
{
    FailureDrill drill(config(1, 503), 1000);
    for (int i = 0; i < 3000; ++i)
        drill.decide(QByteArray::number(i), EventKind::Updated, i < 2000 ? 0 : 5000);
    // The 2000 old bodies were dropped along the way; the recent ones are still counted.
    QVERIFY2(drill.trackedCount() <= 1100, qPrintable(QString::number(drill.trackedCount())));
    QCOMPARE(drill.decide("2999", EventKind::Updated, 5001).status, 0);
}

void tst_FailureDrill::overHttpStatus()
{
    // --drill 2:503 as the issue describes it: the first two attempts of each new body get 503,
    // the third is accepted; the receiver groups the three deliveries into one chain.
    const std::optional<Config> drill = FailureDrill::parse(u"2:503");
    QVERIFY(drill);
    DrillReceiver receiver(*drill);
    QVERIFY(receiver.start());
    QNetworkAccessManager nam;
    const QByteArray body = TestSupport::sample("request-updated.json");
    const QByteArray other = TestSupport::sample("request-created.json");
    QCOMPARE(post(nam, receiver.url(), body).status, 503);
    QCOMPARE(post(nam, receiver.url(), other).status, 503);
    QCOMPARE(post(nam, receiver.url(), body).status, 503);
    QCOMPARE(post(nam, receiver.url(), body).status, 200);
    QCOMPARE(post(nam, receiver.url(), other).status, 503);
    QCOMPARE(post(nam, receiver.url(), other).status, 200);

    const QList<RetryChain> chains = RetryChain::group(receiver.rows);
    QCOMPARE(chains.size(), 2);
    QCOMPARE(chains.at(0).size(), 3);
    QCOMPARE(chains.at(1).size(), 3);
    QCOMPARE(chains.at(0).attempts().at(2).number, 3);
    QCOMPARE(chains.at(0).attempts().at(2).row.retryOf, chains.at(0).firstId());
}

void tst_FailureDrill::overHttpDelay()
{
    // A delay drill holds the answer (a sender with a shorter timeout sees no answer and retries).
    DrillReceiver receiver(config(1, 0, 300));
    QVERIFY(receiver.start());
    QNetworkAccessManager nam;
    const QByteArray body = TestSupport::sample("request-escalated.json");
    const Answer held = post(nam, receiver.url(), body);
    QCOMPARE(held.status, 200);
    QVERIFY2(held.ms >= 290, qPrintable(QString::number(held.ms)));
    QCOMPARE(post(nam, receiver.url(), body).status, 200);
    QCOMPARE(RetryChain::group(receiver.rows).first().size(), 2);
}

QTEST_GUILESS_MAIN(tst_FailureDrill)
#include "tst_failuredrill.moc"
