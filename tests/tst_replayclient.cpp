#include "CaptureService.h"
#include "ReplayClient.h"
#include "RetryChain.h"
#include "TestSupport.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <memory>

Q_DECLARE_METATYPE(ReplayClient::HeaderChoice)

namespace {
constexpr int kWaitMs = 10000;
const QByteArray kSecret = QByteArrayLiteral("replay-secret");

// A capture service and what it handed over, as a second inspector would see it.
struct Inspector
{
    Inspector()
    {
        QObject::connect(&service, &CaptureService::eventsCaptured, &service,
            [this](const QList<CapturedEvent> &batch) { events.append(batch); });
    }

    bool start(const QByteArray &secret)
    {
        QSignalSpy listening(&service, &CaptureService::listening);
        CaptureConfig config;
        config.port = 0;
        config.secret = secret;
        service.start(config);
        return listening.wait(kWaitMs);
    }

    CaptureService service;
    QList<CapturedEvent> events;
};

// A raw loopback server that answers every request with `response` (or never, when empty).
class RawServer : public QObject
{
public:
    explicit RawServer(QByteArray response)
        : m_response(std::move(response))
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                ++connections;
                connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
                    m_buffer += socket->readAll();
                    if (!m_response.isEmpty() && m_buffer.contains("\r\n\r\n"))
                        socket->write(m_response);
                });
            }
        });
    }

    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1/").arg(m_server.serverPort())); }
    int connections = 0;

private:
    QTcpServer m_server;
    QByteArray m_response;
    QByteArray m_buffer;
};

ReplayClient::Request replayOf(const CapturedEvent &event, const QUrl &url, int count,
    ReplayClient::HeaderChoice choice = ReplayClient::HeaderChoice::ContentTypeAndAuthorization)
{
    ReplayClient::Request request;
    request.url = url;
    request.body = event.body;
    request.headers = ReplayClient::chooseHeaders(event.headers, choice);
    request.count = count;
    return request;
}

QList<ReplayClient::Result> runToEnd(ReplayClient &client, const ReplayClient::Request &request)
{
    QSignalSpy finished(&client, &ReplayClient::finished);
    if (!client.start(request))
        return {};
    if (!finished.wait(kWaitMs))
        return {};
    return finished.first().first().value<QList<ReplayClient::Result>>();
}
} // namespace

class tst_ReplayClient : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void needsConfirmation_data();
    void needsConfirmation();
    void chooseHeaders_data();
    void chooseHeaders();
    void replayArrivesByteIdentical();
    void editedBodyAndAnswers();
    void refusesUnconfirmedHosts();
    void refusesBadRequests();
    void redirectsAreNotFollowed();
    void cancelStopsTheRun();
    void connectionRefused();
    void longAnswerIsTruncated();

private:
    CapturedEvent m_original; // captured by the first inspector from a real POST
};

void tst_ReplayClient::initTestCase()
{
    qRegisterMetaType<ReplayClient::Result>();
    qRegisterMetaType<QList<ReplayClient::Result>>();
    // The first inspector captures a sample the way Thena sends it.
    Inspector first;
    QVERIFY(first.start(kSecret));
    QNetworkAccessManager nam;
    QNetworkRequest request(first.service.url().resolved(QUrl(QStringLiteral("/thena/webhook"))));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("authorization", kSecret);
    request.setRawHeader("X-Thena-Trace", "trace-1");
    std::unique_ptr<QNetworkReply> reply(nam.post(request, TestSupport::sample("request-escalated.json")));
    QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), kWaitMs);
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    QTRY_COMPARE_WITH_TIMEOUT(first.events.size(), 1, kWaitMs);
    m_original = first.events.first();
    QCOMPARE(m_original.body, TestSupport::sample("request-escalated.json"));
}

void tst_ReplayClient::needsConfirmation_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<bool>("needed");
    QTest::newRow("127.0.0.1") << QStringLiteral("http://127.0.0.1:8080/") << false;
    QTest::newRow("127.8.9.10") << QStringLiteral("http://127.8.9.10/") << false;
    QTest::newRow("localhost") << QStringLiteral("http://localhost:9/x") << false;
    QTest::newRow("LOCALHOST") << QStringLiteral("https://LOCALHOST/") << false;
    QTest::newRow("::1") << QStringLiteral("http://[::1]:8080/") << false;
    QTest::newRow("lan") << QStringLiteral("http://192.168.1.5/") << true;
    QTest::newRow("any address") << QStringLiteral("http://0.0.0.0:8080/") << true;
    QTest::newRow("name") << QStringLiteral("https://hooks.example.com/thena") << true;
    QTest::newRow("localhost lookalike") << QStringLiteral("http://localhost.example.com/") << true;
    QTest::newRow("no host") << QStringLiteral("/relative") << true;
}

void tst_ReplayClient::needsConfirmation()
{
    QFETCH(QString, url);
    QFETCH(bool, needed);
    QCOMPARE(ReplayClient::needsConfirmation(QUrl(url)), needed);
}

void tst_ReplayClient::chooseHeaders_data()
{
    QTest::addColumn<ReplayClient::HeaderChoice>("choice");
    QTest::addColumn<QList<QByteArray>>("names");
    QTest::newRow("content type") << ReplayClient::HeaderChoice::ContentType << QList<QByteArray> { "Content-Type" };
    QTest::newRow("with authorization") << ReplayClient::HeaderChoice::ContentTypeAndAuthorization
                                        << QList<QByteArray> { "Content-Type", "authorization" };
    QTest::newRow("all") << ReplayClient::HeaderChoice::All
                         << QList<QByteArray> { "Content-Type", "authorization", "X-Thena-Trace", "User-Agent" };
}

void tst_ReplayClient::chooseHeaders()
{
    QFETCH(ReplayClient::HeaderChoice, choice);
    QFETCH(QList<QByteArray>, names);
    const HttpHeaders captured { { "Host", "127.0.0.1:8080" }, { "Content-Type", "application/json" },
        { "authorization", "x" }, { "Content-Length", "12" }, { "X-Thena-Trace", "t" }, { "Connection", "keep-alive" },
        { "User-Agent", "Thena" } };
    QList<QByteArray> chosen;
    for (const auto &header : ReplayClient::chooseHeaders(captured, choice))
        chosen.append(header.first);
    QCOMPARE(chosen, names);
}

void tst_ReplayClient::replayArrivesByteIdentical()
{
    // The second inspector checks the same secret: the chosen authorization header must get through.
    Inspector second;
    QVERIFY(second.start(kSecret));
    ReplayClient client;
    QSignalSpy attempts(&client, &ReplayClient::attemptFinished);
    const QUrl target = second.service.url().resolved(QUrl(QStringLiteral("/replayed")));
    const QList<ReplayClient::Result> results = runToEnd(client, replayOf(m_original, target, 3));
    QCOMPARE(results.size(), 3);
    QCOMPARE(attempts.size(), 3);
    QVERIFY(!client.isRunning());
    for (int i = 0; i < 3; ++i) {
        const ReplayClient::Result &result = results.at(i);
        QCOMPARE(result.attempt, i + 1);
        QCOMPARE(result.status, 200);
        QVERIFY(result.isSuccess());
        QVERIFY(result.error.isEmpty());
        QVERIFY(result.ms >= 0);
        QVERIFY(result.sentAtMs > 0);
        QCOMPARE(QJsonDocument::fromJson(result.body).object().value(QLatin1String("ok")).toBool(), true);
    }

    QTRY_COMPARE_WITH_TIMEOUT(second.events.size(), 3, kWaitMs);
    for (const CapturedEvent &arrived : std::as_const(second.events)) {
        QCOMPARE(arrived.body, m_original.body); // byte for byte
        QCOMPARE(arrived.row.path, QStringLiteral("/replayed"));
        QCOMPARE(arrived.row.kind, EventKind::Escalated);
        QCOMPARE(arrived.row.requestId, m_original.row.requestId);
    }
    // The second inspector sees one delivery and two retries of it.
    QList<EventRow> rows;
    for (const CapturedEvent &arrived : std::as_const(second.events))
        rows.append(arrived.row);
    const QList<RetryChain> chains = RetryChain::group(rows);
    QCOMPARE(chains.size(), 1);
    QCOMPARE(chains.first().size(), 3);
    QCOMPARE(QJsonDocument::fromJson(results.constLast().body).object().value(QLatin1String("id")).toInt(), 3);
}

void tst_ReplayClient::editedBodyAndAnswers()
{
    Inspector second;
    QVERIFY(second.start(kSecret));
    ReplayClient client;
    const QUrl target = second.service.url();

    // An edited, broken body: the answer is shown as an answer, not as an error of ours.
    ReplayClient::Request broken = replayOf(m_original, target, 1);
    broken.body = QByteArrayLiteral("{\"action\":");
    QList<ReplayClient::Result> results = runToEnd(client, broken);
    QCOMPARE(results.size(), 1);
    QCOMPARE(results.first().status, 400);
    QVERIFY(results.first().error.isEmpty());
    QVERIFY(results.first().body.contains("\"error\""));
    QTRY_COMPARE_WITH_TIMEOUT(second.events.size(), 1, kWaitMs);
    QCOMPARE(second.events.first().body, broken.body);

    // Without the authorization header the second inspector refuses it.
    results = runToEnd(client, replayOf(m_original, target, 1, ReplayClient::HeaderChoice::ContentType));
    QCOMPARE(results.size(), 1);
    QCOMPARE(results.first().status, 401);
    QVERIFY(!results.first().isSuccess());

    // Every header: the custom one arrives too.
    results = runToEnd(client, replayOf(m_original, target, 1, ReplayClient::HeaderChoice::All));
    QCOMPARE(results.first().status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(second.events.size(), 2, kWaitMs);
    bool traced = false;
    for (const auto &header : std::as_const(second.events.last().headers))
        traced
            = traced || (header.first.compare("x-thena-trace", Qt::CaseInsensitive) == 0 && header.second == "trace-1");
    QVERIFY(traced);
}

void tst_ReplayClient::refusesUnconfirmedHosts()
{
    ReplayClient client;
    QSignalSpy finished(&client, &ReplayClient::finished);
    // Refused before anything is sent: no traffic leaves the machine in this test.
    QVERIFY(!client.start(replayOf(m_original, QUrl(QStringLiteral("https://hooks.example.com/thena")), 1)));
    QVERIFY2(client.errorString().contains(QStringLiteral("needs confirmation")), qPrintable(client.errorString()));
    QVERIFY(!client.isRunning());
    QCOMPARE(finished.size(), 0);
    QVERIFY(!client.isHostConfirmed(QStringLiteral("hooks.example.com")));
    client.confirmHost(QStringLiteral("Hooks.Example.com"));
    QVERIFY(client.isHostConfirmed(QStringLiteral("hooks.example.COM")));
    QVERIFY(!client.isHostConfirmed(QStringLiteral("other.example.com")));
}

void tst_ReplayClient::refusesBadRequests()
{
    ReplayClient client;
    QVERIFY(!client.start(replayOf(m_original, QUrl(QStringLiteral("ftp://127.0.0.1/")), 1)));
    QVERIFY(client.errorString().contains(QStringLiteral("Not an http or https URL")));
    QVERIFY(!client.start(replayOf(m_original, QUrl(), 1)));
    QVERIFY(!client.start(replayOf(m_original, QUrl(QStringLiteral("http://127.0.0.1:9/")), 0)));
    QVERIFY(client.errorString().contains(QStringLiteral("from 1 to 100")));
    QVERIFY(
        !client.start(replayOf(m_original, QUrl(QStringLiteral("http://127.0.0.1:9/")), ReplayClient::MaxCount + 1)));

    RawServer silent { QByteArray() };
    QVERIFY(silent.listen());
    QVERIFY(client.start(replayOf(m_original, silent.url(), 1)));
    QVERIFY(!client.start(replayOf(m_original, silent.url(), 1)));
    QCOMPARE(client.errorString(), QStringLiteral("A replay is already running"));
    client.cancel();
    QTRY_VERIFY_WITH_TIMEOUT(!client.isRunning(), kWaitMs);
}

void tst_ReplayClient::redirectsAreNotFollowed()
{
    Inspector second;
    QVERIFY(second.start(kSecret));
    const QByteArray redirect = "HTTP/1.1 307 Temporary Redirect\r\nLocation: " + second.service.url().toEncoded()
        + "\r\nContent-Length: 0\r\n\r\n";
    RawServer redirector(redirect);
    QVERIFY(redirector.listen());
    ReplayClient client;
    QList<ReplayClient::Result> results = runToEnd(client, replayOf(m_original, redirector.url(), 1));
    QCOMPARE(results.size(), 1);
    QCOMPARE(results.first().status, 307);
    // One direct replay afterwards: had the redirect been followed, two events would be there.
    results = runToEnd(client, replayOf(m_original, second.service.url(), 1));
    QCOMPARE(results.first().status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(second.events.size(), 1, kWaitMs);
    QCOMPARE(QJsonDocument::fromJson(results.first().body).object().value(QLatin1String("id")).toInt(), 1);
}

void tst_ReplayClient::cancelStopsTheRun()
{
    RawServer silent { QByteArray() };
    QVERIFY(silent.listen());
    ReplayClient client;
    QSignalSpy finished(&client, &ReplayClient::finished);
    QVERIFY(client.start(replayOf(m_original, silent.url(), 5)));
    QTRY_COMPARE_WITH_TIMEOUT(silent.connections, 1, kWaitMs);
    client.cancel();
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kWaitMs);
    const QList<ReplayClient::Result> results = finished.first().first().value<QList<ReplayClient::Result>>();
    QCOMPARE(results.size(), 1);
    QCOMPARE(results.first().status, 0);
    QCOMPARE(results.first().error, QStringLiteral("Cancelled"));
    QCOMPARE(silent.connections, 1);
}

void tst_ReplayClient::connectionRefused()
{
    quint16 port = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        port = probe.serverPort();
    }
    ReplayClient client;
    const QList<ReplayClient::Result> results
        = runToEnd(client, replayOf(m_original, QUrl(QStringLiteral("http://127.0.0.1:%1/").arg(port)), 2));
    QCOMPARE(results.size(), 2); // every attempt is tried and reported
    for (const ReplayClient::Result &result : results) {
        QCOMPARE(result.status, 0);
        QVERIFY(!result.error.isEmpty());
    }
}

void tst_ReplayClient::longAnswerIsTruncated()
{
    const QByteArray big(ReplayClient::MaxResponseBytes + 5000, 'x');
    RawServer talker("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + QByteArray::number(big.size())
        + "\r\n\r\n" + big);
    QVERIFY(talker.listen());
    ReplayClient client;
    const QList<ReplayClient::Result> results = runToEnd(client, replayOf(m_original, talker.url(), 1));
    QCOMPARE(results.size(), 1);
    QCOMPARE(results.first().status, 200);
    QCOMPARE(results.first().body.size(), ReplayClient::MaxResponseBytes);
    QVERIFY(results.first().truncated);
}

QTEST_GUILESS_MAIN(tst_ReplayClient)
#include "tst_replayclient.moc"
