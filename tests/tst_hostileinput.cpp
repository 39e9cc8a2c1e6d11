// Hostile input and faults, over real loopback sockets: every row of the table in issue 7
// (limits, 100-continue, timeouts, the connection cap, Connection: close, HTTP/1.0, pipelining,
// chunked bodies, invalid bodies, wrong secrets), sent by a raw client that can say what no
// well-behaved HTTP library would.

#include "CaptureServer.h"
#include "CaptureService.h"
#include "RawHttpClient.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <memory>
#include <sys/resource.h>
#include <vector>

namespace {

constexpr int kWaitMs = 5000;
// Small limits keep the oversized requests of the tests small.
constexpr qint64 kMaxBody = 4096;
constexpr int kMaxHead = 2048;
constexpr int kMaxHeaderLines = 20;

using RawClient = RawHttpClient;
using Response = RawHttpResponse;

QByteArray post(const QByteArray &body, const QByteArray &extraHeaders = {}, const QByteArray &version = "HTTP/1.1")
{
    return "POST /hook " + version + "\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" + extraHeaders
        + "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

QByteArray chunked(const QList<QByteArray> &chunks)
{
    QByteArray out;
    for (const QByteArray &chunk : chunks)
        out += QByteArray::number(chunk.size(), 16) + "\r\n" + chunk + "\r\n";
    return out + "0\r\n\r\n";
}

QByteArray postChunked(const QList<QByteArray> &chunks)
{
    return "POST /chunked HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked(chunks);
}

QByteArray validBody(const char *tag)
{
    static int counter = 0;
    return QByteArrayLiteral(R"({"action":"UPDATE","request":{"requestId":")") + tag + '-'
        + QByteArray::number(++counter) + QByteArrayLiteral(R"(","status":"ASSIGNED"}})");
}

CaptureConfig testConfig()
{
    CaptureConfig config;
    config.address = QHostAddress(QHostAddress::LocalHost);
    config.port = 0;
    config.maxBodyBytes = kMaxBody;
    config.maxHeaderBytes = kMaxHead;
    config.maxHeaderLines = kMaxHeaderLines;
    config.idleTimeoutMs = 10000;
    config.maxConnections = 64;
    return config;
}

// A CaptureServer in this thread, and what it hands over.
struct Harness
{
    explicit Harness(const CaptureConfig &config = testConfig())
    {
        QObject::connect(&server, &CaptureServer::eventsCaptured, &server,
            [this](const QList<CapturedEvent> &batch) { events += batch; });
        listening = server.listen(config);
    }

    quint16 port() const { return server.port(); }
    CaptureStats stats()
    {
        server.flush();
        return server.stats();
    }
    QList<CapturedEvent> flushed()
    {
        server.flush();
        return events;
    }

    QList<CapturedEvent> events; // before the server, which hands over its last events as it goes
    CaptureServer server;
    bool listening = false;
};

using Counter = quint64 CaptureStats::*;

} // namespace

Q_DECLARE_METATYPE(Counter)

class TestHostileInput : public QObject
{
    Q_OBJECT

private slots:
    void refused_data();
    void refused();
    void refusedBeforeTheBodyArrives();
    void blindSenderSeesTheAnswer();
    void headWithinLimitsPasses();
    void expectContinue();
    void expectContinueOverLimit();
    void invalidBodiesAreKept_data();
    void invalidBodiesAreKept();
    void wrongSecret();
    void connectionClose();
    void http10_data();
    void http10();
    void pipelinedMixed();
    void chunkedTrickled();
    void slowloris();
    void trickledBodyTimesOut();
    void idleAfterRequestIsNotCounted();
    void connectionCap();
    void capFollowsDescriptorLimit();
    void refusalWaitsForOwedAnswers();
    void continueWaitsForOwedAnswers();
    void limitsFromServiceConfig();
};

void TestHostileInput::refused_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");
    QTest::addColumn<Counter>("counter");

    const QByteArray start = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    const QByteArray tooBig = QByteArray(kMaxBody + 1, 'x');

    QTest::newRow("content-length over the limit")
        << QByteArray(start + "Content-Length: " + QByteArray::number(kMaxBody + 1) + "\r\n\r\n" + tooBig) << 413
        << &CaptureStats::tooLarge;
    QTest::newRow("content-length beyond 64 bits")
        << QByteArray(start + "Content-Length: 99999999999999999999999\r\n\r\n") << 413 << &CaptureStats::tooLarge;
    QTest::newRow("one chunk over the limit")
        << QByteArray(start + "Transfer-Encoding: chunked\r\n\r\n" + QByteArray::number(kMaxBody + 1, 16) + "\r\n")
        << 413 << &CaptureStats::tooLarge;
    QTest::newRow("chunks adding up over the limit") << QByteArray(start + "Transfer-Encoding: chunked\r\n\r\n"
        + chunked({ QByteArray(kMaxBody / 2, 'a'), QByteArray(kMaxBody / 2, 'b'), QByteArray("c") }))
                                                     << 413 << &CaptureStats::tooLarge;
    QTest::newRow("head over the limit") << QByteArray(start + "X-Big: " + QByteArray(kMaxHead, 'h') + "\r\n\r\n")
                                         << 431 << &CaptureStats::headerTooLarge;
    QTest::newRow("unterminated head over the limit")
        << QByteArray(start + "X-Big: " + QByteArray(kMaxHead, 'h')) << 431 << &CaptureStats::headerTooLarge;
    QByteArray manyLines = start;
    for (int i = 0; i < kMaxHeaderLines; ++i)
        manyLines += "X-Line-" + QByteArray::number(i) + ": v\r\n";
    QTest::newRow("too many header lines") << QByteArray(manyLines + "\r\n") << 431 << &CaptureStats::headerTooLarge;
    QTest::newRow("request line over the limit")
        << QByteArray("GET /" + QByteArray(kMaxHead, 'p') + " HTTP/1.1\r\n\r\n") << 414
        << &CaptureStats::headerTooLarge;
    QTest::newRow("blank lines forever") << QByteArray(kMaxHead + 10, '\n') << 431 << &CaptureStats::headerTooLarge;

    QTest::newRow("content-length values disagree")
        << QByteArray(start + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}") << 400 << &CaptureStats::malformed;
    QTest::newRow("content-length with a sign")
        << QByteArray(start + "Content-Length: +2\r\n\r\n{}") << 400 << &CaptureStats::malformed;
    QTest::newRow("content-length as a list")
        << QByteArray(start + "Content-Length: 2, 2\r\n\r\n{}") << 400 << &CaptureStats::malformed;
    QTest::newRow("content-length and chunked")
        << QByteArray(start + "Content-Length: 7\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked({ "{}" })) << 400
        << &CaptureStats::malformed;
    QTest::newRow("chunked not last") << QByteArray(start + "Transfer-Encoding: chunked, gzip\r\n\r\n") << 400
                                      << &CaptureStats::malformed;
    QTest::newRow("unknown transfer coding")
        << QByteArray(start + "Transfer-Encoding: gzip, chunked\r\n\r\n") << 501 << &CaptureStats::malformed;
    QTest::newRow("chunk size not hex") << QByteArray(start + "Transfer-Encoding: chunked\r\n\r\nzz\r\n") << 400
                                        << &CaptureStats::malformed;
    QTest::newRow("chunk without CRLF") << QByteArray(start + "Transfer-Encoding: chunked\r\n\r\n2\r\n{}XX0\r\n\r\n")
                                        << 400 << &CaptureStats::malformed;
    QTest::newRow("chunked lines with bare LF")
        << QByteArray(start + "Transfer-Encoding: chunked\r\n\r\n2\n{}\n0\n\n") << 400 << &CaptureStats::malformed;
    QTest::newRow("chunked trailer") << QByteArray(
        start + "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\nX-Sum: 1\r\n\r\n")
                                     << 400 << &CaptureStats::malformed;
    QTest::newRow("not HTTP") << QByteArray("HELLO\r\n\r\n") << 400 << &CaptureStats::malformed;
    QTest::newRow("HTTP/0.9 request line") << QByteArray("GET /\r\n\r\n") << 400 << &CaptureStats::malformed;
    QTest::newRow("HTTP/2 in a request line")
        << QByteArray("GET / HTTP/2.0\r\nHost: x\r\n\r\n") << 505 << &CaptureStats::malformed;
    QTest::newRow("control character in the target")
        << QByteArray("GET /a\x01z HTTP/1.1\r\n\r\n") << 400 << &CaptureStats::malformed;
    QTest::newRow("folded header line") << QByteArray(start + "X-Folded: a\r\n b\r\n\r\n") << 400
                                        << &CaptureStats::malformed;
    QTest::newRow("space before the colon")
        << QByteArray(start + "Content-Length : 2\r\n\r\n{}") << 400 << &CaptureStats::malformed;
    QTest::newRow("header line without a colon")
        << QByteArray(start + "Just words\r\n\r\n") << 400 << &CaptureStats::malformed;
    QTest::newRow("NUL in a header value")
        << QByteArray(start + "X-Nul: a" + QByteArray(1, '\0') + "b\r\n\r\n") << 400 << &CaptureStats::malformed;
    QTest::newRow("unknown expectation") << QByteArray(start + "Expect: teapot\r\nContent-Length: 2\r\n\r\n{}") << 417
                                         << &CaptureStats::malformed;
}

void TestHostileInput::refused()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    QFETCH(Counter, counter);

    Harness harness;
    QVERIFY(harness.listening);
    RawClient client(harness.port());
    QVERIFY(client.waitConnected());
    client.send(request);

    const std::optional<Response> response = client.next();
    QVERIFY2(response, client.unread().constData());
    QCOMPARE(response->status, status);
    QCOMPARE(response->header("connection"), QByteArray("close"));
    QCOMPARE(response->json.value(QLatin1String("ok")), QJsonValue(false));
    QVERIFY(!response->json.value(QLatin1String("error")).toString().isEmpty());
    QVERIFY(client.waitClosedByServer());
    QVERIFY(client.unread().isEmpty()); // one answer, nothing after it

    const CaptureStats stats = harness.stats();
    QCOMPARE(stats.*counter, quint64(1));
    QCOMPARE(stats.tooLarge + stats.headerTooLarge + stats.malformed + stats.timedOut, quint64(1));
    QCOMPARE(stats.captured, quint64(0));
    QVERIFY(harness.flushed().isEmpty());
    // Its slot is free again.
    QTRY_COMPARE_WITH_TIMEOUT(harness.server.openConnections() + harness.server.closingConnections(), 0, kWaitMs);
}

void TestHostileInput::refusedBeforeTheBodyArrives()
{
    // A gigabyte announced, nothing of it sent: the answer cannot have waited for the body.
    Harness harness;
    RawClient client(harness.port());
    QVERIFY(client.waitConnected());
    client.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1073741824\r\n\r\n");
    const std::optional<Response> response = client.next();
    QVERIFY(response);
    QCOMPARE(response->status, 413);
    QVERIFY(response->json.value(QLatin1String("error")).toString().contains(QLatin1String("1073741824")));
    QVERIFY(client.waitClosedByServer());
    QCOMPARE(harness.stats().tooLarge, quint64(1));
}

void TestHostileInput::blindSenderSeesTheAnswer()
{
    // A client that sends its whole oversized body without listening must read a 413, not a
    // connection reset: the server drains what it sends after the answer.
    Harness harness;
    RawClient client(harness.port());
    QVERIFY(client.waitConnected());
    const QByteArray body(2 * 1024 * 1024, 'z');
    client.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
    const std::optional<Response> response = client.next();
    QVERIFY(response);
    QCOMPARE(response->status, 413);
    QVERIFY(client.waitClosedByServer());
    QVERIFY(harness.flushed().isEmpty());
}

void TestHostileInput::headWithinLimitsPasses()
{
    // Exactly at the limits is still fine: the last allowed header line, a body of exactly the limit.
    Harness harness;
    RawClient client(harness.port());
    QVERIFY(client.waitConnected());
    QByteArray headers;
    for (int i = 0; i < kMaxHeaderLines - 3; ++i) // + Host, Content-Type, Content-Length
        headers += "X-Line-" + QByteArray::number(i) + ": v\r\n";
    QByteArray body = validBody("at-limit");
    body.insert(body.size() - 2, ",\"pad\":\"" + QByteArray(kMaxBody - body.size() - 9, 'p') + '"');
    QCOMPARE(body.size(), kMaxBody);
    client.send(post(body, headers));
    const std::optional<Response> response = client.next();
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    QVERIFY(response->header("connection").isEmpty()); // stays open
    QVERIFY(client.isOpen());
    QTRY_COMPARE_WITH_TIMEOUT(harness.flushed().size(), 1, kWaitMs);
    QCOMPARE(harness.events.first().body, body);
}

void TestHostileInput::expectContinue()
{
    Harness harness;
    RawClient client(harness.port());
    QVERIFY(client.waitConnected());
    const QByteArray body = validBody("expect");
    client.send("POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: "
        + QByteArray::number(body.size()) + "\r\n\r\n");
    const std::optional<Response> interim = client.next();
    QVERIFY(interim);
    QCOMPARE(interim->status, 100);
    client.send(body);
    const std::optional<Response> response = client.next();
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(harness.flushed().size(), 1, kWaitMs);
    QCOMPARE(harness.events.first().body, body);

    // A client that sends its body without waiting gets no stray 100 after it.
    client.send("POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n{}");
    const std::optional<Response> second = client.next();
    QVERIFY(second);
    QCOMPARE(second->status, 200);
    QVERIFY(client.unread().isEmpty());
}

void TestHostileInput::expectContinueOverLimit()
{
    Harness harness;
    RawClient client(harness.port());
    QVERIFY(client.waitConnected());
    client.send("POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: "
        + QByteArray::number(kMaxBody * 10) + "\r\n\r\n");
    const std::optional<Response> response = client.next();
    QVERIFY(response);
    QCOMPARE(response->status, 413); // at once, and no 100 before it
    QVERIFY(client.waitClosedByServer());
}

void TestHostileInput::invalidBodiesAreKept_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("not json") << QByteArray("hello");
    QTest::newRow("truncated json") << QByteArray(R"({"action":"UPDATE","request":{)");
    QTest::newRow("an array") << QByteArray("[1,2,3]");
    QTest::newRow("bad utf-8") << QByteArray("{\"action\":\"UPDATE\",\"request\":{\"title\":\"\xff\xfe\xc0\"}}");
    QTest::newRow("nested too deep") << QByteArray(QByteArray(2000, '[') + QByteArray(2000, ']'));
    QTest::newRow("empty") << QByteArray();
}

void TestHostileInput::invalidBodiesAreKept()
{
    QFETCH(QByteArray, body);
    Harness harness;
    RawClient client(harness.port());
    QVERIFY(client.waitConnected());
    client.send(post(body));
    const std::optional<Response> response = client.next();
    QVERIFY(response);
    QCOMPARE(response->status, 400);
    QCOMPARE(response->json.value(QLatin1String("ok")), QJsonValue(false));
    QVERIFY(response->json.value(QLatin1String("id")).toInteger() > 0);
    QVERIFY(response->header("connection").isEmpty()); // a bad body is not a bad connection
    QTRY_COMPARE_WITH_TIMEOUT(harness.flushed().size(), 1, kWaitMs);
    const CapturedEvent &event = harness.events.first();
    QVERIFY(!event.row.valid);
    QCOMPARE(event.body, body); // byte for byte
    QVERIFY(!event.error.isEmpty());
    const CaptureStats stats = harness.stats();
    QCOMPARE(stats.invalid, quint64(1));
    QCOMPARE(stats.malformed, quint64(0));
}

void TestHostileInput::wrongSecret()
{
    CaptureConfig config = testConfig();
    config.secret = "s3cret-value";
    Harness harness(config);
    RawClient client(harness.port());
    QVERIFY(client.waitConnected());
    client.send(post(validBody("no-secret")));
    client.send(post(validBody("wrong-secret"), "Authorization: s3cret-valuX\r\n"));
    client.send(post(validBody("right-secret"), "Authorization: s3cret-value\r\n"));
    for (const int status : { 401, 401, 200 }) {
        const std::optional<Response> response = client.next();
        QVERIFY(response);
        QCOMPARE(response->status, status);
        QVERIFY(!response->body.contains("s3cret"));
    }
    QTRY_COMPARE_WITH_TIMEOUT(harness.flushed().size(), 1, kWaitMs);
    const CaptureStats stats = harness.stats();
    QCOMPARE(stats.rejected, quint64(2));
    QCOMPARE(stats.lastRejectedAddress, QStringLiteral("127.0.0.1"));
    QCOMPARE(stats.captured, quint64(1));
}

void TestHostileInput::connectionClose()
{
    Harness harness;
    RawClient client(harness.port());
    QVERIFY(client.waitConnected());
    // The request after the closing one is never read.
    client.send(post(validBody("close"), "Connection: close\r\n") + post(validBody("after-close")));
    const std::optional<Response> response = client.next();
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    QCOMPARE(response->header("connection"), QByteArray("close"));
    QVERIFY(client.waitClosedByServer());
    QVERIFY(client.unread().isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(harness.flushed().size(), 1, kWaitMs);
    QCOMPARE(harness.stats().malformed, quint64(0)); // closing is not a refusal
}

void TestHostileInput::http10_data()
{
    QTest::addColumn<QByteArray>("connectionHeader");
    QTest::addColumn<bool>("staysOpen");
    QTest::newRow("default closes") << QByteArray() << false;
    QTest::newRow("keep-alive") << QByteArray("Connection: keep-alive\r\n") << true;
    QTest::newRow("close") << QByteArray("Connection: close\r\n") << false;
}

void TestHostileInput::http10()
{
    QFETCH(QByteArray, connectionHeader);
    QFETCH(bool, staysOpen);
    Harness harness;
    RawClient client(harness.port());
    QVERIFY(client.waitConnected());
    client.send(post(validBody("http10"), connectionHeader, "HTTP/1.0"));
    const std::optional<Response> response = client.next();
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    QCOMPARE(response->header("connection"), staysOpen ? QByteArray("keep-alive") : QByteArray("close"));
    if (!staysOpen) {
        QVERIFY(client.waitClosedByServer());
        return;
    }
    client.send(post(validBody("http10-again"), connectionHeader, "HTTP/1.0"));
    const std::optional<Response> again = client.next();
    QVERIFY(again);
    QCOMPARE(again->status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(harness.flushed().size(), 2, kWaitMs);
}

void TestHostileInput::pipelinedMixed()
{
    Harness harness;
    RawClient client(harness.port());
    QVERIFY(client.waitConnected());
    const QByteArray first = validBody("pipe-length");
    const QByteArray second = validBody("pipe-chunked");
    const QByteArray third = validBody("pipe-last");
    // Four requests in one write: length-framed, chunked, a GET, and one that closes.
    client.send(post(first) + postChunked({ second.first(10), second.sliced(10) }) + "GET / HTTP/1.1\r\nHost: x\r\n\r\n"
        + post(third, "Connection: close\r\n"));
    QList<int> statuses;
    QList<qint64> ids;
    for (int i = 0; i < 4; ++i) {
        const std::optional<Response> response = client.next();
        QVERIFY(response);
        statuses.append(response->status);
        ids.append(response->json.value(QLatin1String("id")).toInteger(-1));
    }
    QCOMPARE(statuses, QList<int>({ 200, 200, 200, 200 }));
    QCOMPARE(ids.at(1), ids.at(0) + 1); // in request order
    QCOMPARE(ids.at(3), ids.at(1) + 1);
    QVERIFY(client.waitClosedByServer());
    QTRY_COMPARE_WITH_TIMEOUT(harness.flushed().size(), 3, kWaitMs);
    QCOMPARE(harness.events.at(0).body, first);
    QCOMPARE(harness.events.at(1).body, second); // de-chunked
    QCOMPARE(harness.events.at(1).row.path, QStringLiteral("/chunked"));
    QCOMPARE(harness.events.at(2).body, third);
}

void TestHostileInput::chunkedTrickled()
{
    // The same chunked request, cut at every awkward place: each piece arrives on its own.
    Harness harness;
    RawClient client(harness.port());
    QVERIFY(client.waitConnected());
    const QByteArray body = validBody("trickled-chunks");
    const QByteArray request = postChunked({ body.first(7), body.sliced(7, 20), body.sliced(27) });
    for (qsizetype i = 0; i < request.size(); i += 3) {
        client.send(request.mid(i, 3));
        QTest::qWait(1); // a separate readyRead each time
    }
    const std::optional<Response> response = client.next();
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(harness.flushed().size(), 1, kWaitMs);
    QCOMPARE(harness.events.first().body, body);
}

void TestHostileInput::slowloris()
{
    constexpr int kTricklers = 50;
    constexpr int kDeliveries = 30;
    CaptureConfig config = testConfig();
    config.idleTimeoutMs = 2500;
    Harness harness(config);

    // Fifty connections that each send their head a byte at a time and never finish it.
    std::vector<std::unique_ptr<RawClient>> tricklers;
    for (int i = 0; i < kTricklers; ++i) {
        tricklers.push_back(std::make_unique<RawClient>(harness.port()));
        QVERIFY(tricklers.back()->waitConnected());
    }
    const QByteArray head = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + QByteArray(4000, 's');
    qsizetype sent = 0;
    QTimer trickle;
    QObject::connect(&trickle, &QTimer::timeout, &trickle, [&] {
        for (const auto &client : tricklers) {
            if (client->isOpen())
                client->send(head.mid(sent, 1));
        }
        ++sent;
    });
    trickle.start(50);
    QTRY_VERIFY_WITH_TIMEOUT(sent >= 3, kWaitMs); // they are all under way

    // Meanwhile a normal client delivers, on one connection and on new ones.
    RawClient normal(harness.port());
    QVERIFY(normal.waitConnected());
    qint64 slowestMs = 0;
    for (int i = 0; i < kDeliveries; ++i) {
        QElapsedTimer clock;
        clock.start();
        std::unique_ptr<RawClient> fresh;
        RawClient *client = &normal;
        if (i % 3 == 2) {
            fresh = std::make_unique<RawClient>(harness.port());
            QVERIFY(fresh->waitConnected());
            client = fresh.get();
        }
        client->send(post(validBody("among-slowloris")));
        const std::optional<Response> response = client->next();
        QVERIFY(response);
        QCOMPARE(response->status, 200);
        slowestMs = std::max(slowestMs, clock.elapsed());
    }
    // Answered while every trickler was still connected: nobody waited for them to time out.
    for (const auto &client : tricklers)
        QVERIFY(client->isOpen());
    qInfo("slowest of %d deliveries among %d trickling connections: %lld ms", kDeliveries, kTricklers, slowestMs);

    // Then each trickler gets 408 and is closed; the normal connection, idle since, is closed too.
    for (const auto &client : tricklers) {
        const std::optional<Response> response = client->next(config.idleTimeoutMs * 3);
        QVERIFY(response);
        QCOMPARE(response->status, 408);
        QVERIFY(client->waitClosedByServer());
    }
    trickle.stop();
    QVERIFY(normal.waitClosedByServer(config.idleTimeoutMs * 3));
    const CaptureStats stats = harness.stats();
    QCOMPARE(stats.timedOut, quint64(kTricklers)); // the idle normal connection is not counted
    QCOMPARE(stats.captured, quint64(kDeliveries));
}

void TestHostileInput::trickledBodyTimesOut()
{
    CaptureConfig config = testConfig();
    config.idleTimeoutMs = 400;
    Harness harness(config);
    RawClient silent(harness.port()); // connects and never says a word
    RawClient slowBody(harness.port());
    QVERIFY(silent.waitConnected());
    QVERIFY(slowBody.waitConnected());
    slowBody.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{");
    QTimer trickle;
    QObject::connect(&trickle, &QTimer::timeout, &trickle, [&] {
        if (slowBody.isOpen())
            slowBody.send(" ");
    });
    trickle.start(50);
    const std::optional<Response> response = slowBody.next();
    QVERIFY(response);
    QCOMPARE(response->status, 408);
    QVERIFY(slowBody.waitClosedByServer());
    QVERIFY(silent.waitClosedByServer());
    QVERIFY(silent.unread().isEmpty()); // closed without an answer: it asked nothing
    QCOMPARE(harness.stats().timedOut, quint64(2));
    QVERIFY(harness.flushed().isEmpty());
}

void TestHostileInput::idleAfterRequestIsNotCounted()
{
    CaptureConfig config = testConfig();
    config.idleTimeoutMs = 300;
    Harness harness(config);
    RawClient client(harness.port());
    QVERIFY(client.waitConnected());
    client.send(post(validBody("then-idle")));
    const std::optional<Response> response = client.next();
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    QVERIFY(client.waitClosedByServer());
    QCOMPARE(harness.stats().timedOut, quint64(0));
}

void TestHostileInput::connectionCap()
{
    constexpr int kCap = 4;
    constexpr int kExtra = 6;
    CaptureConfig config = testConfig();
    config.maxConnections = kCap;
    Harness harness(config);

    std::vector<std::unique_ptr<RawClient>> admitted;
    for (int i = 0; i < kCap; ++i) {
        admitted.push_back(std::make_unique<RawClient>(harness.port()));
        QVERIFY(admitted.back()->waitConnected());
        admitted.back()->send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        const std::optional<Response> response = admitted.back()->next();
        QVERIFY(response);
        QCOMPARE(response->status, 200);
    }
    QCOMPARE(harness.server.openConnections(), kCap);

    // The flood: each extra connection is answered 503 and closed at once.
    std::vector<std::unique_ptr<RawClient>> extra;
    for (int i = 0; i < kExtra; ++i)
        extra.push_back(std::make_unique<RawClient>(harness.port()));
    for (const auto &client : extra) {
        const std::optional<Response> response = client->next();
        QVERIFY(response);
        QCOMPARE(response->status, 503);
        QCOMPARE(response->header("retry-after"), QByteArray("1"));
        QVERIFY(client->waitClosedByServer());
    }
    QCOMPARE(harness.stats().refusedConnections, quint64(kExtra));

    // The admitted ones were never disturbed.
    for (const auto &client : admitted) {
        client->send(post(validBody("admitted")));
        const std::optional<Response> response = client->next();
        QVERIFY(response);
        QCOMPARE(response->status, 200);
    }

    // A slot given back is a slot for someone new.
    admitted.front()->close();
    QTRY_COMPARE_WITH_TIMEOUT(harness.server.openConnections(), kCap - 1, kWaitMs);
    RawClient late(harness.port());
    QVERIFY(late.waitConnected());
    late.send(post(validBody("late")));
    const std::optional<Response> response = late.next();
    QVERIFY(response);
    QCOMPARE(response->status, 200);
    QCOMPARE(harness.stats().refusedConnections, quint64(kExtra));
}

void TestHostileInput::capFollowsDescriptorLimit()
{
    // A cap the process cannot carry would end in EMFILE: accept() failing instead of refusals.
    rlimit saved {};
    QCOMPARE(getrlimit(RLIMIT_NOFILE, &saved), 0);
    const auto restore = qScopeGuard([&saved] { setrlimit(RLIMIT_NOFILE, &saved); });
    rlimit lowered = saved;
    lowered.rlim_cur = 264;
    QCOMPARE(setrlimit(RLIMIT_NOFILE, &lowered), 0);
    QCOMPARE(ConnectionSupervisor::descriptorBoundCap(256), (264 - ConnectionSupervisor::ReservedDescriptors) / 2);
    QCOMPARE(ConnectionSupervisor::descriptorBoundCap(20), 20);
}

void TestHostileInput::refusalWaitsForOwedAnswers()
{
    // With a capture file a 200 waits for its commit; a refusal of the request pipelined after it
    // must not overtake it.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    CaptureConfig config = testConfig();
    config.storePath = dir.filePath(QStringLiteral("capture.sqlite"));
    CaptureService service;
    CaptureStats stats;
    QObject::connect(&service, &CaptureService::statsChanged, &service, [&stats](const CaptureStats &s) { stats = s; });
    service.start(config);
    QTRY_VERIFY_WITH_TIMEOUT(service.isListening(), kWaitMs);
    QVERIFY(!service.storePath().isEmpty());
    service.holdStoreCommitsForTesting(true);

    RawClient client(quint16(service.url().port()));
    QVERIFY(client.waitConnected());
    client.send(post(validBody("owed"))
        + "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " + QByteArray::number(kMaxBody + 1) + "\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(service.storeBacklogForTesting(), 1, kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(stats.tooLarge, quint64(1), kWaitMs); // refused already...
    QVERIFY(client.unread().isEmpty()); // ...but nothing written before the 200 it waits behind

    service.holdStoreCommitsForTesting(false);
    const std::optional<Response> first = client.next();
    QVERIFY(first);
    QCOMPARE(first->status, 200);
    const std::optional<Response> second = client.next();
    QVERIFY(second);
    QCOMPARE(second->status, 413);
    QVERIFY(client.waitClosedByServer());
    service.stop();
}

void TestHostileInput::continueWaitsForOwedAnswers()
{
    // An interim 100 Continue must not overtake the 200 owed to the request before it either.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    CaptureConfig config = testConfig();
    config.storePath = dir.filePath(QStringLiteral("capture.sqlite"));
    CaptureService service;
    service.start(config);
    QTRY_VERIFY_WITH_TIMEOUT(service.isListening(), kWaitMs);
    service.holdStoreCommitsForTesting(true);

    RawClient client(quint16(service.url().port()));
    QVERIFY(client.waitConnected());
    const QByteArray second = validBody("after-continue");
    client.send(post(validBody("before-continue"))
        + "POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
          "Content-Length: "
        + QByteArray::number(second.size()) + "\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(service.storeBacklogForTesting(), 1, kWaitMs);
    QVERIFY(!client.next(200)); // neither the 200 (held) nor the 100 (behind it)

    service.holdStoreCommitsForTesting(false);
    const std::optional<Response> first = client.next();
    QVERIFY(first);
    QCOMPARE(first->status, 200);
    const std::optional<Response> interim = client.next();
    QVERIFY(interim);
    QCOMPARE(interim->status, 100);
    client.send(second);
    const std::optional<Response> last = client.next();
    QVERIFY(last);
    QCOMPARE(last->status, 200);
    QVERIFY(client.unread().isEmpty());
    service.stop();
}

void TestHostileInput::limitsFromServiceConfig()
{
    // The limits travel from CaptureConfig through the service to the worker thread's server.
    CaptureConfig config = testConfig();
    config.maxBodyBytes = 10;
    CaptureService service;
    QSignalSpy statsSpy(&service, &CaptureService::statsChanged);
    service.start(config);
    QTRY_VERIFY_WITH_TIMEOUT(service.isListening(), kWaitMs);
    RawClient client(quint16(service.url().port()));
    QVERIFY(client.waitConnected());
    client.send(post("{\"eleven\":1}"));
    const std::optional<Response> response = client.next();
    QVERIFY(response);
    QCOMPARE(response->status, 413);
    QTRY_VERIFY_WITH_TIMEOUT(!statsSpy.isEmpty() && statsSpy.last().at(0).value<CaptureStats>().tooLarge == 1, kWaitMs);
    service.stop();
}

QTEST_GUILESS_MAIN(TestHostileInput)
#include "tst_hostileinput.moc"
