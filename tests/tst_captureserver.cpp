#include "CaptureServer.h"
#include "CaptureService.h"
#include "EventStore.h"
#include "RetryTracker.h"
#include "StoreWriter.h"
#include "ThenaPayloadParser.h"

#include <QDir>
#include <QFile>
#include <QFileDevice>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <algorithm>
#include <memory>

namespace {

constexpr int kWaitMs = 10000;

struct HttpResult
{
    int status = 0;
    QByteArray body;
    QJsonObject json;
    QByteArray contentType;
    QByteArray allow;
};

QByteArray readSample(const QString &name)
{
    QFile file(QStringLiteral(THENA_SAMPLES_DIR "/") + name);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}

// Collects what a service hands over, as the GUI would.
class Recorder
{
public:
    explicit Recorder(CaptureService *service)
    {
        QObject::connect(service, &CaptureService::eventsCaptured, service, [this](const QList<CapturedEvent> &batch) {
            batches.append(batch.size());
            events.append(batch);
        });
        QObject::connect(service, &CaptureService::statsChanged, service, [this](const CaptureStats &s) { stats = s; });
    }

    const CapturedEvent *find(qint64 id) const
    {
        const auto it = std::find_if(
            events.cbegin(), events.cend(), [id](const CapturedEvent &event) { return event.row.id == id; });
        return it == events.cend() ? nullptr : &*it;
    }
    bool has(qint64 id) const { return find(id) != nullptr; }

    QList<CapturedEvent> events;
    QList<qsizetype> batches; // size of each batch, in arrival order
    CaptureStats stats;
};

CaptureConfig loopback(quint16 port = 0, const QByteArray &secret = {})
{
    CaptureConfig config;
    config.address = QHostAddress(QHostAddress::LocalHost);
    config.port = port;
    config.secret = secret;
    return config;
}

quint16 freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

QByteArray uniqueBody(const char *tag)
{
    static int counter = 0;
    return QByteArrayLiteral(R"({"action":"UPDATE","request":{"requestId":")") + tag + '-'
        + QByteArray::number(++counter) + QByteArrayLiteral(R"(","status":"ASSIGNED"}})");
}

// Splits one HTTP/1.1 response with a Content-Length off the front of `buffer`.
bool takeResponse(QByteArray &buffer, QByteArray &head, QByteArray &body)
{
    const qsizetype headEnd = buffer.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return false;
    head = buffer.left(headEnd);
    qsizetype length = 0;
    const QList<QByteArray> lines = head.split('\n');
    for (const QByteArray &line : lines) {
        if (line.toLower().startsWith("content-length:"))
            length = line.mid(15).trimmed().toLongLong();
    }
    if (buffer.size() < headEnd + 4 + length)
        return false;
    body = buffer.mid(headEnd + 4, length);
    buffer.remove(0, headEnd + 4 + length);
    return true;
}

QByteArray rawRequest(const QByteArray &verb, const QByteArray &path, const QByteArray &body = {})
{
    return verb + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
        + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

struct RawResponse
{
    int status = 0;
    QByteArray head;
    QByteArray body;
    QJsonObject json;
};

// Reads responses off a raw connection until `count` have arrived (or the wait ends).
QList<RawResponse> readResponses(QTcpSocket &socket, QByteArray &buffer, qsizetype count)
{
    QList<RawResponse> responses;
    // The caller compares the count: a timeout shows there as a wrong size.
    (void)QTest::qWaitFor(
        [&] {
            buffer += socket.readAll();
            RawResponse response;
            while (responses.size() < count && takeResponse(buffer, response.head, response.body)) {
                response.status = response.head.mid(9, 3).toInt();
                response.json = QJsonDocument::fromJson(response.body).object();
                responses.append(response);
            }
            return responses.size() >= count;
        },
        kWaitMs);
    return responses;
}

// A valid delivery big enough to need fresh pages in the capture file.
QByteArray bigBody(const char *tag)
{
    QJsonObject object = QJsonDocument::fromJson(readSample(QStringLiteral("request-updated.json"))).object();
    QJsonObject request = object.value(QLatin1String("request")).toObject();
    static int counter = 0;
    request.insert(QLatin1String("requestId"), QString(QString::fromLatin1(tag) + QString::number(++counter)));
    request.insert(QLatin1String("description"), QString(20000, QLatin1Char('x')));
    object.insert(QLatin1String("request"), request);
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

CaptureConfig stored(const QString &path, const QByteArray &secret = {})
{
    CaptureConfig config = loopback(0, secret);
    config.storePath = path;
    return config;
}

QByteArray fileBytes(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// A CaptureServer's writer in a thread of its own, as CaptureWorker sets it up, for tests that run
// the server itself in the test thread: they decide when its event loop runs, and see each
// transaction the writer commits.
class DirectStore
{
public:
    DirectStore()
        : m_writer(new StoreWriter)
    {
        m_writer->moveToThread(&m_thread);
        QObject::connect(&m_thread, &QThread::finished, m_writer, &QObject::deleteLater);
        m_thread.start();
    }
    ~DirectStore()
    {
        m_thread.quit();
        m_thread.wait();
    }
    Q_DISABLE_COPY_MOVE(DirectStore)

    // context: an object of the test thread, where the sizes are recorded.
    bool open(const QString &path, QObject *context)
    {
        bool opened = false;
        QMetaObject::invokeMethod(
            m_writer, [&] { opened = m_writer->open(path, nullptr, nullptr); }, Qt::BlockingQueuedConnection);
        QObject::connect(m_writer, &StoreWriter::committed, context,
            [this](const QList<CapturedEvent> &events) { groups.append(events.size()); });
        return opened;
    }
    StoreWriter *writer() const { return m_writer; }

    QList<qsizetype> groups; // the size of each committed transaction, in order

private:
    QThread m_thread;
    StoreWriter *m_writer;
};

} // namespace

class TestCaptureServer : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void postSample_data();
    void postSample();
    void invalidBody_data();
    void invalidBody();
    void runtimeSecret();
    void secretFromConfigIsCaseInsensitiveHeader();
    void methodNotAllowed_data();
    void methodNotAllowed();
    void getStatus();
    void getElsewhereIs404();
    void sameBodyTwiceIsRetry();
    void platformEventIdRepeatedIsRetry();
    void manyPostsArriveBatched();
    void setNextEventId();
    void pipelinedKeepAlive();
    void portInUseFails();
    void restartOnAnotherPort();
    void stopThenDestroy();

    // With a capture file.
    void storeAnswersAfterCommit_data();
    void storeAnswersAfterCommit();
    void storeAnswersAndRowsFollowArrivalOrder();
    void storeNeverKeepsRejected();
    void storeRestartContinuesIds();
    void storeRetentionFromConfig();
    void storeOpenFailureKeepsMemory_data();
    void storeOpenFailureKeepsMemory();
    void storeCommitFailureIs503();
    void storePipelinedAnswersInOrder();
    void storeClientGoneBeforeCommit();
    void storeStopAnswersPending();
    void storeRemoveEvents();
    void storeGroupsWhatArrivesTogether();
    void storeSlowCommitsArePaced();
    void importEvents_data();
    void importEvents();

private:
    // Starts `service` on a store and waits for it to listen; false when the store did not open.
    bool startStored(CaptureService &service, const CaptureConfig &config, qint64 *maxId = nullptr);
    HttpResult send(const QByteArray &verb, const QString &path, const QByteArray &body = {},
        const QList<QPair<QByteArray, QByteArray>> &headers = {}, const QUrl &base = {});
    // Posts and returns the id the server gave, -1 when the answer has none.
    qint64 postForId(const QByteArray &body, int expectedStatus = 200, const QUrl &base = {});

    QNetworkAccessManager m_nam;
    std::unique_ptr<CaptureService> m_service;
    std::unique_ptr<Recorder> m_recorder;
    QUrl m_base;
};

HttpResult TestCaptureServer::send(const QByteArray &verb, const QString &path, const QByteArray &body,
    const QList<QPair<QByteArray, QByteArray>> &headers, const QUrl &base)
{
    QNetworkRequest request((base.isEmpty() ? m_base : base).resolved(QUrl(path)));
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    for (const auto &header : headers)
        request.setRawHeader(header.first, header.second);

    std::unique_ptr<QNetworkReply> reply;
    if (verb == "HEAD")
        reply.reset(m_nam.head(request));
    else
        reply.reset(m_nam.sendCustomRequest(request, verb, body));
    QNetworkReply *raw = reply.get();
    if (!QTest::qWaitFor([raw] { return raw->isFinished(); }, kWaitMs))
        return {};

    HttpResult result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    result.json = QJsonDocument::fromJson(result.body).object();
    result.contentType = reply->rawHeader("Content-Type");
    result.allow = reply->rawHeader("Allow");
    return result;
}

qint64 TestCaptureServer::postForId(const QByteArray &body, int expectedStatus, const QUrl &base)
{
    const HttpResult result = send("POST", QStringLiteral("/hook"), body, {}, base);
    if (result.status != expectedStatus)
        return -1;
    return result.json.value(QLatin1String("id")).toInteger(-1);
}

void TestCaptureServer::initTestCase()
{
    m_service = std::make_unique<CaptureService>();
    m_recorder = std::make_unique<Recorder>(m_service.get());
    QSignalSpy listening(m_service.get(), &CaptureService::listening);
    m_service->start(loopback());
    QTRY_VERIFY_WITH_TIMEOUT(m_service->isListening(), kWaitMs);
    QCOMPARE(listening.count(), 1);
    m_base = m_service->url();
    QCOMPARE(m_base, listening.at(0).at(0).toUrl());
    QCOMPARE(m_base.host(), QStringLiteral("127.0.0.1"));
    QVERIFY(m_base.port() > 0);
    QCOMPARE(m_base.path(), QStringLiteral("/"));
}

void TestCaptureServer::cleanupTestCase()
{
    m_service.reset();
    m_recorder.reset();
}

void TestCaptureServer::postSample_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<EventKind>("kind");

    QTest::newRow("created") << QStringLiteral("request-created.json") << EventKind::Created;
    QTest::newRow("updated") << QStringLiteral("request-updated.json") << EventKind::Updated;
    QTest::newRow("escalated") << QStringLiteral("request-escalated.json") << EventKind::Escalated;
    QTest::newRow("platform") << QStringLiteral("platform-ticket-created.json") << EventKind::Platform;
}

void TestCaptureServer::postSample()
{
    QFETCH(QString, file);
    QFETCH(EventKind, kind);

    const QByteArray body = readSample(file);
    QVERIFY(!body.isEmpty());
    EventRow expected;
    QVERIFY(ThenaPayloadParser::parse(body, expected).valid);
    QCOMPARE(expected.kind, kind);

    const qint64 before = QDateTime::currentMSecsSinceEpoch();
    const HttpResult result
        = send("POST", QStringLiteral("/hooks/thena?x=1"), body, { { "X-Thena-Test", "sample-" + file.toLatin1() } });
    const qint64 after = QDateTime::currentMSecsSinceEpoch();
    QCOMPARE(result.status, 200);
    QCOMPARE(result.contentType, QByteArrayLiteral("application/json"));
    QCOMPARE(result.json.value(QLatin1String("ok")), QJsonValue(true));
    const qint64 id = result.json.value(QLatin1String("id")).toInteger(-1);
    QVERIFY(id > 0);

    QTRY_VERIFY_WITH_TIMEOUT(m_recorder->has(id), kWaitMs);
    const CapturedEvent &event = *m_recorder->find(id);
    QCOMPARE(event.row.id, id);
    QCOMPARE(event.row.path, QStringLiteral("/hooks/thena?x=1"));
    QCOMPARE(event.method, QStringLiteral("POST"));
    QCOMPARE(event.remoteAddress, QStringLiteral("127.0.0.1"));
    QCOMPARE(event.body, body);
    QCOMPARE(event.row.sizeBytes, qint32(body.size()));
    QVERIFY(event.row.receivedMs >= before && event.row.receivedMs <= after);
    QVERIFY(event.row.valid);
    QVERIFY(event.error.isEmpty());
    QCOMPARE(event.row.kind, kind);
    QCOMPARE(event.row.requestId, expected.requestId);
    QCOMPARE(event.row.title, expected.title);
    QCOMPARE(event.row.eventType, expected.eventType);
    QCOMPARE(event.row.attempt, 1);
    QCOMPARE(event.row.retryOf, qint64(0));

    const auto custom = std::find_if(event.headers.cbegin(), event.headers.cend(),
        [](const auto &header) { return header.first.compare("x-thena-test", Qt::CaseInsensitive) == 0; });
    QVERIFY(custom != event.headers.cend());
    QCOMPARE(custom->second, "sample-" + file.toLatin1());
}

void TestCaptureServer::invalidBody_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("syntaxError");

    QTest::newRow("not json") << QByteArrayLiteral("{\"action\": \"CREATE\",, }") << true;
    QTest::newRow("truncated") << QByteArrayLiteral("{\"action\": \"UPD") << true;
    QTest::newRow("empty") << QByteArray() << false;
    QTest::newRow("array") << QByteArrayLiteral("[{\"action\":\"CREATE\"}]") << false;
    QTest::newRow("string") << QByteArrayLiteral("\"hello\"") << false;
}

void TestCaptureServer::invalidBody()
{
    QFETCH(QByteArray, body);
    QFETCH(bool, syntaxError);

    const quint64 invalidBefore = m_recorder->stats.invalid;
    const HttpResult result = send("POST", QStringLiteral("/bad"), body);
    QCOMPARE(result.status, 400);
    QCOMPARE(result.contentType, QByteArrayLiteral("application/json"));
    QCOMPARE(result.json.value(QLatin1String("ok")), QJsonValue(false));
    const QString error = result.json.value(QLatin1String("error")).toString();
    QVERIFY(!error.isEmpty());
    QVERIFY(result.json.contains(QLatin1String("offset")));
    const qint64 offset = result.json.value(QLatin1String("offset")).toInteger(-2);
    if (syntaxError)
        QVERIFY2(offset >= 0, qPrintable(QString::number(offset)));
    const qint64 id = result.json.value(QLatin1String("id")).toInteger(-1);
    QVERIFY(id > 0);

    // Captured anyway, flagged, with the exact bytes and the same explanation.
    QTRY_VERIFY_WITH_TIMEOUT(m_recorder->has(id), kWaitMs);
    const CapturedEvent &event = *m_recorder->find(id);
    QVERIFY(!event.row.valid);
    QCOMPARE(event.row.kind, EventKind::Invalid);
    QCOMPARE(event.body, body);
    QCOMPARE(event.row.sizeBytes, qint32(body.size()));
    QCOMPARE(event.error, error);
    QCOMPARE(event.errorOffset, offset);
    // Stats leave before the batch they describe.
    QCOMPARE(m_recorder->stats.invalid, invalidBefore + 1);
}

void TestCaptureServer::runtimeSecret()
{
    const QByteArray secret = QByteArrayLiteral("s3cret-value");
    m_service->setSecret(secret);
    // Also on failure, so the other tests still find an open server.
    const auto reopen = qScopeGuard([this] { m_service->setSecret({}); });
    const quint64 rejectedBefore = m_recorder->stats.rejected;
    const qint64 lastId = postForId(uniqueBody("before-secret"));
    QVERIFY(lastId == -1 || lastId > 0); // races the queued setSecret; either answer is fine here

    // Once a missing header is refused, the secret is in force.
    QTRY_COMPARE_WITH_TIMEOUT(send("POST", QStringLiteral("/hook"), uniqueBody("probe")).status, 401, kWaitMs);

    const qint64 before = QDateTime::currentMSecsSinceEpoch();
    const QByteArray missingBody = uniqueBody("missing");
    const HttpResult missing = send("POST", QStringLiteral("/hook"), missingBody);
    QCOMPARE(missing.status, 401);
    QCOMPARE(missing.contentType, QByteArrayLiteral("application/json"));
    QCOMPARE(missing.json.value(QLatin1String("ok")), QJsonValue(false));
    QVERIFY(!missing.json.value(QLatin1String("error")).toString().isEmpty());
    QVERIFY(!missing.json.contains(QLatin1String("id")));

    const QByteArray wrongBody = uniqueBody("wrong");
    const QList<QByteArray> wrongValues
        = { "s3cret-valuX", "s3cret-valu", "s3cret", "S3CRET-VALUE", "s3cret-value-and-more" };
    for (const QByteArray &wrong : wrongValues) {
        const HttpResult result = send("POST", QStringLiteral("/hook"), wrongBody, { { "Authorization", wrong } });
        QCOMPARE(result.status, 401);
        QCOMPARE(result.json.value(QLatin1String("ok")), QJsonValue(false));
    }

    const QByteArray rightBody = uniqueBody("right");
    const HttpResult right = send("POST", QStringLiteral("/hook"), rightBody, { { "authorization", secret } });
    QCOMPARE(right.status, 200);
    const qint64 rightId = right.json.value(QLatin1String("id")).toInteger(-1);
    QVERIFY(rightId > 0);

    // Events leave in order, so once the accepted one is here a kept rejected one would be too.
    QTRY_VERIFY_WITH_TIMEOUT(m_recorder->has(rightId), kWaitMs);
    for (const CapturedEvent &event : std::as_const(m_recorder->events)) {
        QVERIFY(event.body != missingBody);
        QVERIFY(event.body != wrongBody);
    }
    QTRY_VERIFY_WITH_TIMEOUT(
        m_recorder->stats.rejected >= rejectedBefore + 1 + 1 + quint64(wrongValues.size()), kWaitMs);
    QCOMPARE(m_recorder->stats.lastRejectedAddress, QStringLiteral("127.0.0.1"));
    QVERIFY(m_recorder->stats.lastRejectedMs >= before);
    QVERIFY(m_recorder->stats.lastRejectedMs <= QDateTime::currentMSecsSinceEpoch());

    // Cleared at run time: anyone is let in again.
    m_service->setSecret({});
    QTRY_COMPARE_WITH_TIMEOUT(send("POST", QStringLiteral("/hook"), uniqueBody("open-again")).status, 200, kWaitMs);
}

void TestCaptureServer::secretFromConfigIsCaseInsensitiveHeader()
{
    CaptureService service;
    Recorder recorder(&service);
    service.start(loopback(0, QByteArrayLiteral("Bearer abc")));
    QTRY_VERIFY_WITH_TIMEOUT(service.isListening(), kWaitMs);
    const QUrl base = service.url();

    QCOMPARE(send("POST", QStringLiteral("/"), uniqueBody("cfg-none"), {}, base).status, 401);
    QCOMPARE(
        send("POST", QStringLiteral("/"), uniqueBody("cfg-wrong"), { { "AUTHORIZATION", "Bearer abd" } }, base).status,
        401);
    const HttpResult right
        = send("POST", QStringLiteral("/"), uniqueBody("cfg-right"), { { "AUTHORIZATION", "Bearer abc" } }, base);
    QCOMPARE(right.status, 200);
    QCOMPARE(right.json.value(QLatin1String("id")).toInteger(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(recorder.events.size(), 1, kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(recorder.stats.rejected, quint64(2), kWaitMs);
    QCOMPARE(recorder.stats.captured, quint64(1));
}

void TestCaptureServer::methodNotAllowed_data()
{
    QTest::addColumn<QByteArray>("verb");
    QTest::addColumn<QString>("path");

    QTest::newRow("PUT /hook") << QByteArrayLiteral("PUT") << QStringLiteral("/hook");
    QTest::newRow("DELETE /") << QByteArrayLiteral("DELETE") << QStringLiteral("/");
    QTest::newRow("PATCH /hook") << QByteArrayLiteral("PATCH") << QStringLiteral("/hook");
    QTest::newRow("OPTIONS /") << QByteArrayLiteral("OPTIONS") << QStringLiteral("/");
    QTest::newRow("HEAD /") << QByteArrayLiteral("HEAD") << QStringLiteral("/");
}

void TestCaptureServer::methodNotAllowed()
{
    QFETCH(QByteArray, verb);
    QFETCH(QString, path);

    const qint64 idBefore = postForId(uniqueBody("before-405"));
    QVERIFY(idBefore > 0);

    const HttpResult result = send(verb, path, uniqueBody("not-a-post"));
    QCOMPARE(result.status, 405);
    QCOMPARE(result.allow, QByteArrayLiteral("GET, POST"));
    if (verb != "HEAD") {
        QCOMPARE(result.contentType, QByteArrayLiteral("application/json"));
        QCOMPARE(result.json.value(QLatin1String("ok")), QJsonValue(false));
        QVERIFY(result.json.value(QLatin1String("error")).toString().contains(QString::fromLatin1(verb)));
    }

    // Nothing was captured: the next delivery gets the very next id.
    QCOMPARE(postForId(uniqueBody("after-405")), idBefore + 1);
}

void TestCaptureServer::getStatus()
{
    const qint64 id = postForId(uniqueBody("status"));
    QVERIFY(id > 0);
    // Batches arrive in order, so once this one is here every earlier capture is too.
    QTRY_VERIFY_WITH_TIMEOUT(m_recorder->has(id), kWaitMs);

    for (const QString &path : { QStringLiteral("/"), QStringLiteral("/?verbose=1") }) {
        const HttpResult result = send("GET", path);
        QCOMPARE(result.status, 200);
        QCOMPARE(result.contentType, QByteArrayLiteral("application/json"));
        QCOMPARE(result.json.value(QLatin1String("name")).toString(), QStringLiteral("Thena Inspector"));
        QCOMPARE(result.json.value(QLatin1String("version")).toString(), QStringLiteral(THENA_INSPECTOR_VERSION));
        QCOMPARE(result.json.value(QLatin1String("events")).toInteger(), qint64(m_recorder->events.size()));
        QCOMPARE(result.json.value(QLatin1String("listening")).toString(), m_base.toString());
    }
}

void TestCaptureServer::getElsewhereIs404()
{
    const HttpResult result = send("GET", QStringLiteral("/other"));
    QCOMPARE(result.status, 404);
    QCOMPARE(result.contentType, QByteArrayLiteral("application/json"));
    QCOMPARE(result.json.value(QLatin1String("ok")), QJsonValue(false));
    QVERIFY(result.json.value(QLatin1String("error")).toString().contains(QLatin1String("/other")));
}

void TestCaptureServer::sameBodyTwiceIsRetry()
{
    const QByteArray body = uniqueBody("retry");
    const qint64 first = postForId(body);
    const qint64 second = postForId(body);
    QVERIFY(first > 0);
    QCOMPARE(second, first + 1);

    QTRY_VERIFY_WITH_TIMEOUT(m_recorder->has(second), kWaitMs);
    const CapturedEvent &a = *m_recorder->find(first);
    QCOMPARE(a.row.attempt, 1);
    QCOMPARE(a.row.retryOf, qint64(0));
    QCOMPARE(a.row.retryGapSeconds, -1);
    const CapturedEvent &b = *m_recorder->find(second);
    QCOMPARE(b.row.attempt, 2);
    QCOMPARE(b.row.retryOf, first);
    QVERIFY(b.row.retryGapSeconds >= 0);
}

void TestCaptureServer::platformEventIdRepeatedIsRetry()
{
    QJsonObject platform = QJsonDocument::fromJson(readSample(QStringLiteral("platform-ticket-created.json"))).object();
    QVERIFY(!platform.isEmpty());
    platform.insert(QLatin1String("eventId"), QStringLiteral("EVT-RETRY-TEST-1"));
    platform.insert(QLatin1String("timestamp"), QStringLiteral("2026-11-30T14:02:11.512Z"));
    const QByteArray firstBody = QJsonDocument(platform).toJson(QJsonDocument::Compact);
    platform.insert(QLatin1String("timestamp"), QStringLiteral("2026-11-30T14:02:21.512Z"));
    const QByteArray secondBody = QJsonDocument(platform).toJson(QJsonDocument::Compact);
    QVERIFY(firstBody != secondBody);

    const qint64 first = postForId(firstBody);
    const qint64 second = postForId(secondBody);
    QVERIFY(first > 0);
    QVERIFY(second > first);
    QTRY_VERIFY_WITH_TIMEOUT(m_recorder->has(second), kWaitMs);
    QCOMPARE(m_recorder->find(first)->row.attempt, 1);
    QCOMPARE(m_recorder->find(second)->row.kind, EventKind::Platform);
    QCOMPARE(m_recorder->find(second)->row.attempt, 2);
    QCOMPARE(m_recorder->find(second)->row.retryOf, first);
}

void TestCaptureServer::manyPostsArriveBatched()
{
    constexpr int count = 300;
    const qsizetype batchesBefore = m_recorder->batches.size();
    const qsizetype eventsBefore = m_recorder->events.size();

    std::vector<std::unique_ptr<QNetworkReply>> replies;
    replies.reserve(count);
    for (int i = 0; i < count; ++i) {
        QNetworkRequest request(m_base.resolved(QUrl(QStringLiteral("/load"))));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        replies.emplace_back(m_nam.post(request, uniqueBody("load")));
    }
    QTRY_VERIFY_WITH_TIMEOUT(
        std::all_of(replies.cbegin(), replies.cend(), [](const auto &r) { return r->isFinished(); }), kWaitMs);

    QList<qint64> ids;
    for (const auto &reply : replies) {
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        ids.append(QJsonDocument::fromJson(reply->readAll()).object().value(QLatin1String("id")).toInteger(-1));
    }
    std::sort(ids.begin(), ids.end());
    QVERIFY(std::adjacent_find(ids.cbegin(), ids.cend()) == ids.cend()); // unique
    QCOMPARE(ids.last() - ids.first(), qint64(count - 1)); // consecutive

    QTRY_COMPARE_WITH_TIMEOUT(m_recorder->events.size(), eventsBefore + count, kWaitMs);
    for (qsizetype i = eventsBefore; i < m_recorder->events.size(); ++i)
        QCOMPARE(m_recorder->events.at(i).row.id, ids.first() + (i - eventsBefore)); // handed over in id order
    const qsizetype batches = m_recorder->batches.size() - batchesBefore;
    QVERIFY2(batches < count, qPrintable(QStringLiteral("%1 batches for %2 events").arg(batches).arg(count)));
}

void TestCaptureServer::setNextEventId()
{
    m_service->setNextEventId(5000);
    const qint64 id = postForId(uniqueBody("renumbered"));
    QCOMPARE(id, qint64(5000));
    QCOMPARE(postForId(uniqueBody("renumbered-next")), qint64(5001));
    QTRY_VERIFY_WITH_TIMEOUT(m_recorder->has(5001), kWaitMs);
}

void TestCaptureServer::pipelinedKeepAlive()
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, quint16(m_base.port()));
    QVERIFY(socket.waitForConnected(kWaitMs));

    const QByteArray body1 = uniqueBody("pipe-1");
    const QByteArray body2 = uniqueBody("pipe-2");
    const auto request = [](const QByteArray &path, const QByteArray &body) -> QByteArray {
        return "POST " + path
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Zulu: z\r\nContent-Type: application/json\r\n"
              "Authorization-Hint: none\r\nX-Alpha: a\r\nContent-Length: "
            + QByteArray::number(body.size()) + "\r\n\r\n" + body;
    };
    // Both requests in one write: the second is already buffered while the first is answered.
    socket.write(request("/pipe/1?a=b", body1) + request("/pipe/2", body2));

    QByteArray received;
    QList<QPair<QByteArray, QByteArray>> responses;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            received += socket.readAll();
            QByteArray head;
            QByteArray content;
            while (takeResponse(received, head, content))
                responses.append({ head, content });
            return responses.size() >= 2;
        }(),
        kWaitMs);
    QCOMPARE(responses.size(), 2);
    QVERIFY(socket.state() == QAbstractSocket::ConnectedState);

    QList<qint64> ids;
    for (const auto &response : std::as_const(responses)) {
        QVERIFY2(response.first.startsWith("HTTP/1.1 200"), response.first.constData());
        const QJsonObject json = QJsonDocument::fromJson(response.second).object();
        QCOMPARE(json.value(QLatin1String("ok")), QJsonValue(true));
        ids.append(json.value(QLatin1String("id")).toInteger(-1));
    }
    QCOMPARE(ids.at(1), ids.at(0) + 1); // answered in request order

    QTRY_VERIFY_WITH_TIMEOUT(m_recorder->has(ids.at(1)), kWaitMs);
    const CapturedEvent &first = *m_recorder->find(ids.at(0));
    QCOMPARE(first.body, body1);
    QCOMPARE(first.row.path, QStringLiteral("/pipe/1?a=b"));
    const HttpHeaders expectedHeaders = {
        { "Host", "127.0.0.1" },
        { "X-Zulu", "z" },
        { "Content-Type", "application/json" },
        { "Authorization-Hint", "none" },
        { "X-Alpha", "a" },
        { "Content-Length", QByteArray::number(body1.size()) },
    };
    QCOMPARE(first.headers, expectedHeaders); // all of them, in the order sent
    QCOMPARE(m_recorder->find(ids.at(1))->body, body2);
    QCOMPARE(m_recorder->find(ids.at(1))->row.path, QStringLiteral("/pipe/2"));
}

void TestCaptureServer::portInUseFails()
{
    QTcpServer occupant;
    QVERIFY(occupant.listen(QHostAddress::LocalHost, 0));
    const quint16 port = occupant.serverPort();

    CaptureService service;
    QSignalSpy listening(&service, &CaptureService::listening);
    QSignalSpy failed(&service, &CaptureService::failed);
    service.start(loopback(port));
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, kWaitMs);
    const QString message = failed.at(0).at(0).toString();
    QVERIFY2(message.contains(QStringLiteral("127.0.0.1:%1").arg(port)), qPrintable(message));
    QVERIFY2(message.startsWith(QLatin1String("Cannot listen on")), qPrintable(message));
    QVERIFY2(message.size() > QStringLiteral("Cannot listen on 127.0.0.1:%1: ").arg(port).size(), qPrintable(message));
    QCOMPARE(listening.count(), 0);
    QVERIFY(!service.isListening());
    QVERIFY(service.url().isEmpty());

    // A failed start leaves the service usable.
    service.start(loopback(0));
    QTRY_COMPARE_WITH_TIMEOUT(listening.count(), 1, kWaitMs);
    QCOMPARE(failed.count(), 1);
}

void TestCaptureServer::restartOnAnotherPort()
{
    CaptureService service;
    Recorder recorder(&service);
    QSignalSpy listening(&service, &CaptureService::listening);
    service.start(loopback(0));
    QTRY_COMPARE_WITH_TIMEOUT(listening.count(), 1, kWaitMs);
    const QUrl firstUrl = service.url();
    QCOMPARE(send("POST", QStringLiteral("/a"), uniqueBody("restart-1"), {}, firstUrl).status, 200);

    const quint16 newPort = freePort();
    QVERIFY(newPort != 0);
    QVERIFY(newPort != firstUrl.port());
    service.restart(loopback(newPort));
    QVERIFY(!service.isListening()); // asynchronous: not yet
    QTRY_COMPARE_WITH_TIMEOUT(listening.count(), 2, kWaitMs);
    QVERIFY(service.isListening());
    QCOMPARE(service.url().port(), int(newPort));
    QCOMPARE(listening.at(1).at(0).toUrl(), service.url());

    // The old port is closed; numbering continues on the new one.
    QTcpSocket probe;
    probe.connectToHost(QHostAddress::LocalHost, quint16(firstUrl.port()));
    QVERIFY(!probe.waitForConnected(kWaitMs));
    const HttpResult second = send("POST", QStringLiteral("/b"), uniqueBody("restart-2"), {}, service.url());
    QCOMPARE(second.status, 200);
    QCOMPARE(second.json.value(QLatin1String("id")).toInteger(), 2);
    QTRY_COMPARE_WITH_TIMEOUT(recorder.events.size(), 2, kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(recorder.stats.captured, quint64(2), kWaitMs);
}

void TestCaptureServer::stopThenDestroy()
{
    auto service = std::make_unique<CaptureService>();
    Recorder recorder(service.get());
    service->start(loopback(0));
    QTRY_VERIFY_WITH_TIMEOUT(service->isListening(), kWaitMs);
    const QUrl url = service->url();
    const HttpResult result = send("POST", QStringLiteral("/last"), uniqueBody("last"), {}, url);
    QCOMPARE(result.status, 200);

    service->stop();
    QVERIFY(!service->isListening());
    QVERIFY(service->url().isEmpty());
    // Accepted before the stop, so handed over even though the batch timer never fired.
    QTRY_COMPARE_WITH_TIMEOUT(recorder.events.size(), 1, kWaitMs);
    service->stop();
    service.reset();

    // Destroying a running service stops it too.
    auto running = std::make_unique<CaptureService>();
    running->start(loopback(0));
    QTRY_VERIFY_WITH_TIMEOUT(running->isListening(), kWaitMs);
    running.reset();

    // And one that never started.
    CaptureService idle;
    idle.stop();
}

bool TestCaptureServer::startStored(CaptureService &service, const CaptureConfig &config, qint64 *maxId)
{
    QSignalSpy opened(&service, &CaptureService::storeOpened);
    QSignalSpy storeFailed(&service, &CaptureService::storeFailed);
    service.start(config);
    if (!QTest::qWaitFor([&] { return service.isListening(); }, kWaitMs))
        return false;
    // storeOpened() is queued before listening().
    if (opened.count() != 1 || storeFailed.count() != 0)
        return false;
    if (maxId)
        *maxId = opened.at(0).at(1).toLongLong();
    return opened.at(0).at(0).toString() == config.storePath && service.storePath() == config.storePath;
}

void TestCaptureServer::storeAnswersAfterCommit_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");

    QTest::newRow("valid sample") << readSample(QStringLiteral("request-escalated.json")) << 200;
    QTest::newRow("platform sample") << readSample(QStringLiteral("platform-ticket-created.json")) << 200;
    QTest::newRow("invalid json") << QByteArrayLiteral("{\"action\": \"CREATE\",, }") << 400;
    QTest::newRow("empty body") << QByteArray() << 400;
}

void TestCaptureServer::storeAnswersAfterCommit()
{
    QFETCH(QByteArray, body);
    QFETCH(int, status);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("capture/events.sqlite")); // the folder is made too
    CaptureService service;
    Recorder recorder(&service);
    qint64 maxId = -1;
    QVERIFY(startStored(service, stored(path), &maxId));
    QCOMPARE(maxId, qint64(0));

    service.holdStoreCommitsForTesting(true);
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, quint16(service.url().port()));
    QVERIFY(socket.waitForConnected(kWaitMs));
    socket.write(rawRequest("POST", "/stored", body));
    QTRY_COMPARE_WITH_TIMEOUT(service.storeBacklogForTesting(), qsizetype(1), kWaitMs);

    // Received but not on disk: no answer and nothing for the table, however long we wait.
    QTest::qWait(3 * CaptureServer::FlushIntervalMs);
    QCOMPARE(socket.bytesAvailable(), qint64(0));
    QVERIFY(recorder.events.isEmpty());
    QCOMPARE(recorder.stats.captured, quint64(0));

    service.holdStoreCommitsForTesting(false);
    QByteArray buffer;
    const QList<RawResponse> responses = readResponses(socket, buffer, 1);
    QCOMPARE(responses.size(), 1);
    QCOMPARE(responses.at(0).status, status);
    QCOMPARE(responses.at(0).json.value(QLatin1String("ok")), QJsonValue(status == 200));
    const qint64 id = responses.at(0).json.value(QLatin1String("id")).toInteger(-1);
    QCOMPARE(id, qint64(1));

    // A second connection to the file sees the committed row.
    EventStore reader;
    QVERIFY2(reader.open(path), qPrintable(reader.errorString()));
    const std::optional<CapturedEvent> saved = reader.loadEvent(id);
    QVERIFY(saved.has_value());
    QCOMPARE(saved->body, body);
    QCOMPARE(saved->row.valid, status == 200);
    QCOMPARE(saved->row.path, QStringLiteral("/stored"));
    QCOMPARE(saved->method, QStringLiteral("POST"));
    QCOMPARE(saved->remoteAddress, QStringLiteral("127.0.0.1"));
    if (status == 400)
        QCOMPARE(saved->error, responses.at(0).json.value(QLatin1String("error")).toString());

    QTRY_VERIFY_WITH_TIMEOUT(recorder.has(id), kWaitMs);
    QCOMPARE(recorder.find(id)->body, body);
    QCOMPARE(recorder.stats.captured, quint64(1));
    QCOMPARE(recorder.stats.invalid, quint64(status == 200 ? 0 : 1));
    QCOMPARE(recorder.stats.storeFailures, quint64(0));
    QCOMPARE(recorder.stats.commits, quint64(1));
}

void TestCaptureServer::storeAnswersAndRowsFollowArrivalOrder()
{
    // Pipelined deliveries with a store: every answer, stored row and retry must be what parsing
    // them one by one in arrival order gives, invalid bodies and retries among them.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("events.sqlite"));
    CaptureService service;
    Recorder recorder(&service);
    QVERIFY(startStored(service, stored(path)));

    constexpr int kRequests = 41;
    QList<QByteArray> bodies;
    QByteArray wire;
    for (int i = 0; i < kRequests; ++i) {
        QByteArray body;
        if (i % 10 == 3)
            body = QByteArrayLiteral("{\"action\": \"CREATE\",, }"); // invalid
        else if (i % 10 == 7)
            body = bodies.at(i - 5); // a retry of an earlier valid body
        else if (i == 20)
            body = readSample(QStringLiteral("request-created.json"));
        else
            body = uniqueBody("pass");
        bodies.append(body);
        wire += rawRequest("POST", "/pass", body);
    }
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, quint16(service.url().port()));
    QVERIFY(socket.waitForConnected(kWaitMs));
    socket.write(wire);

    QByteArray buffer;
    const QList<RawResponse> responses = readResponses(socket, buffer, kRequests);
    QCOMPARE(responses.size(), kRequests);

    RetryTracker expectedRetries;
    EventStore reader;
    QVERIFY2(reader.open(path), qPrintable(reader.errorString()));
    for (int i = 0; i < kRequests; ++i) {
        const qint64 id = i + 1;
        EventRow expected;
        const ParseOutcome outcome = ThenaPayloadParser::parse(bodies.at(i), expected);
        QCOMPARE(responses.at(i).status, outcome.valid ? 200 : 400);
        QCOMPARE(responses.at(i).json.value(QLatin1String("id")).toInteger(), id);
        const std::optional<CapturedEvent> saved = reader.loadEvent(id);
        QVERIFY(saved.has_value());
        QCOMPARE(saved->body, bodies.at(i));
        QCOMPARE(saved->row.valid, outcome.valid);
        QCOMPARE(saved->row.kind, outcome.valid ? expected.kind : EventKind::Invalid);
        QCOMPARE(saved->row.requestId, expected.requestId);
        QCOMPARE(saved->row.title, expected.title);
        QCOMPARE(saved->row.toCloseMs, expected.toCloseMs);
        QCOMPARE(saved->error, outcome.error);
        if (!outcome.valid)
            QCOMPARE(responses.at(i).json.value(QLatin1String("error")).toString(), outcome.error);
        const RetryInfo retry = expectedRetries.observe(bodies.at(i), outcome.dedupKey, id, saved->row.receivedMs);
        QCOMPARE(saved->row.attempt, retry.attempt);
        QCOMPARE(saved->row.retryOf, retry.retryOf);
    }
    QTRY_COMPARE_WITH_TIMEOUT(recorder.stats.captured, quint64(kRequests), kWaitMs);
    QCOMPARE(recorder.stats.invalid, quint64(4));
    // The parser's reading of the times travels with the event to the window.
    QTRY_VERIFY_WITH_TIMEOUT(recorder.has(21), kWaitMs);
    QVERIFY(recorder.find(21)->requestTimes.has_value());
    QVERIFY(*recorder.find(21)->requestTimes == RequestTimes::fromBody(bodies.at(20)));
}

void TestCaptureServer::storeNeverKeepsRejected()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("events.sqlite"));
    CaptureService service;
    Recorder recorder(&service);
    QVERIFY(startStored(service, stored(path, QByteArrayLiteral("let-me-in"))));
    const QUrl base = service.url();

    QCOMPARE(send("POST", QStringLiteral("/"), uniqueBody("no-auth"), {}, base).status, 401);
    QCOMPARE(
        send("POST", QStringLiteral("/"), uniqueBody("bad-auth"), { { "Authorization", "nope" } }, base).status, 401);
    const HttpResult right
        = send("POST", QStringLiteral("/"), uniqueBody("auth"), { { "Authorization", "let-me-in" } }, base);
    QCOMPARE(right.status, 200);
    QCOMPARE(right.json.value(QLatin1String("id")).toInteger(), 1);

    EventStore reader;
    QVERIFY(reader.open(path));
    QCOMPARE(reader.count(), qint64(1));
    QTRY_COMPARE_WITH_TIMEOUT(recorder.events.size(), 1, kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(recorder.stats.rejected, quint64(2), kWaitMs);
    QCOMPARE(recorder.stats.captured, quint64(1));
}

void TestCaptureServer::storeRestartContinuesIds()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("events.sqlite"));
    {
        CaptureService first;
        QVERIFY(startStored(first, stored(path)));
        for (qint64 expected = 1; expected <= 3; ++expected)
            QCOMPARE(postForId(uniqueBody("first-run"), 200, first.url()), expected);
    }

    // A new process (a new service) continues after the stored maxId.
    CaptureService second;
    Recorder recorder(&second);
    qint64 maxId = 0;
    QVERIFY(startStored(second, stored(path), &maxId));
    QCOMPARE(maxId, qint64(3));
    QCOMPARE(postForId(uniqueBody("second-run"), 200, second.url()), qint64(4));

    // So does a restart of the same service (new settings), and setNextEventId cannot go back.
    second.restart(stored(path));
    QTRY_VERIFY_WITH_TIMEOUT(second.isListening(), kWaitMs);
    QCOMPARE(second.storePath(), path);
    QCOMPARE(postForId(uniqueBody("restarted"), 200, second.url()), qint64(5));
    second.setNextEventId(2);
    QCOMPARE(postForId(uniqueBody("not-back"), 200, second.url()), qint64(6));

    QTRY_COMPARE_WITH_TIMEOUT(recorder.events.size(), 3, kWaitMs);
    EventStore reader;
    QVERIFY(reader.open(path));
    QCOMPARE(reader.count(), qint64(6));
    QCOMPARE(reader.maxId(), qint64(6));
}

void TestCaptureServer::storeRetentionFromConfig()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("events.sqlite"));
    {
        EventStore store;
        QVERIFY(store.open(path));
        QList<CapturedEvent> old;
        for (qint64 id = 1; id <= 5; ++id) {
            CapturedEvent event;
            event.row.id = id;
            event.row.receivedMs = QDateTime::currentMSecsSinceEpoch() - (6 - id) * 1000;
            event.body = uniqueBody("kept-or-not");
            old.append(event);
        }
        QVERIFY(store.insert(old));
    }

    CaptureConfig config = stored(path);
    config.retainEvents = 3;
    CaptureService service;
    qint64 maxId = 0;
    // Applied when the file opens, before anything is accepted.
    QVERIFY(startStored(service, config, &maxId));
    QCOMPARE(maxId, qint64(5));
    {
        EventStore reader;
        QVERIFY(reader.open(path));
        QCOMPARE(reader.count(), qint64(3));
        QVERIFY(!reader.loadEvent(2).has_value());
        QVERIFY(reader.loadEvent(3).has_value());
    }
    QCOMPARE(postForId(uniqueBody("newest"), 200, service.url()), qint64(6));
}

void TestCaptureServer::storeOpenFailureKeepsMemory_data()
{
    QTest::addColumn<QString>("kind");
    QTest::newRow("garbage") << QStringLiteral("garbage");
    QTest::newRow("foreign sqlite") << QStringLiteral("foreign");
    QTest::newRow("read-only capture") << QStringLiteral("read-only");
    QTest::newRow("a folder") << QStringLiteral("folder");
}

void TestCaptureServer::storeOpenFailureKeepsMemory()
{
    QFETCH(QString, kind);

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("events.sqlite"));
    if (kind == QLatin1String("garbage")) {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QByteArray garbage;
        for (int i = 0; i < 9000; ++i)
            garbage.append(char((i * 131 + 7) % 256));
        file.write(garbage);
    } else if (kind == QLatin1String("foreign")) {
        const QString name = QStringLiteral("tst-foreign");
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery query(db);
            QVERIFY(query.exec(QStringLiteral("CREATE TABLE notes (text TEXT)")));
            QVERIFY(query.exec(QStringLiteral("INSERT INTO notes VALUES ('mine')")));
            query.finish();
            db.close();
        }
        QSqlDatabase::removeDatabase(name);
    } else if (kind == QLatin1String("read-only")) {
        {
            EventStore store;
            QVERIFY(store.open(path));
            CapturedEvent event;
            event.row.id = 7;
            event.body = uniqueBody("old");
            QVERIFY(store.insert({ event }));
        }
        QVERIFY(QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::ReadGroup));
    } else {
        QVERIFY(QDir().mkpath(path));
    }
    const QByteArray before = fileBytes(path);
    const QFileInfo infoBefore(path);

    CaptureService service;
    Recorder recorder(&service);
    QSignalSpy opened(&service, &CaptureService::storeOpened);
    QSignalSpy storeFailed(&service, &CaptureService::storeFailed);
    QSignalSpy failed(&service, &CaptureService::failed);
    service.start(stored(path));
    QTRY_VERIFY_WITH_TIMEOUT(service.isListening(), kWaitMs);
    QCOMPARE(storeFailed.count(), 1);
    const QString message = storeFailed.at(0).at(0).toString();
    QVERIFY2(message.contains(path), qPrintable(message));
    QCOMPARE(opened.count(), 0);
    QCOMPARE(failed.count(), 0);
    QVERIFY(service.storePath().isEmpty());

    // In memory, answered at once as without a store.
    const qint64 id = postForId(uniqueBody("memory"), 200, service.url());
    QCOMPARE(id, qint64(1));
    QTRY_VERIFY_WITH_TIMEOUT(recorder.has(id), kWaitMs);
    service.stop();

    QCOMPARE(fileBytes(path), before);
    QCOMPARE(QFileInfo(path).isDir(), infoBefore.isDir());
    QCOMPARE(QFileInfo(path).lastModified(), infoBefore.lastModified());
    QVERIFY(!QFile::exists(path + QStringLiteral("-wal")));
    QVERIFY(!QFile::exists(path + QStringLiteral("-journal")));
}

void TestCaptureServer::storeCommitFailureIs503()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("events.sqlite"));
    CaptureService service;
    Recorder recorder(&service);
    QSignalSpy storeError(&service, &CaptureService::storeError);
    QVERIFY(startStored(service, stored(path)));
    const QUrl base = service.url();

    QCOMPARE(postForId(bigBody("before-full"), 200, base), qint64(1));

    // The disk is full: the file cannot grow past its current size.
    QVERIFY(service.setStoreMaxPageCountForTesting(1));
    const QByteArray lostBody = bigBody("full");
    const HttpResult full = send("POST", QStringLiteral("/full"), lostBody, {}, base);
    QCOMPARE(full.status, 503);
    QCOMPARE(full.contentType, QByteArrayLiteral("application/json"));
    QCOMPARE(full.json.value(QLatin1String("ok")), QJsonValue(false));
    const QString error = full.json.value(QLatin1String("error")).toString();
    QVERIFY2(error.startsWith(QLatin1String("Could not store the event: ")), qPrintable(error));
    QVERIFY2(error.contains(QLatin1String("full"), Qt::CaseInsensitive), qPrintable(error));
    QVERIFY(!full.json.contains(QLatin1String("id")));

    QTRY_COMPARE_WITH_TIMEOUT(storeError.count(), 1, kWaitMs);
    QVERIFY(error.endsWith(storeError.at(0).at(0).toString()));
    // Failing again within the throttle interval is counted but not signalled again at once.
    QCOMPARE(send("POST", QStringLiteral("/full"), bigBody("full-again"), {}, base).status, 503);
    QTRY_COMPARE_WITH_TIMEOUT(recorder.stats.storeFailures, quint64(2), kWaitMs);
    QVERIFY(recorder.stats.lastStoreError.contains(QLatin1String("full"), Qt::CaseInsensitive));
    QCOMPARE(storeError.count(), 1);

    // Space again: the next delivery is stored; the failed ones never reached the table.
    QVERIFY(service.setStoreMaxPageCountForTesting(1000000));
    const qint64 after = postForId(bigBody("after-full"), 200, base);
    QVERIFY(after > 1);
    QTRY_VERIFY_WITH_TIMEOUT(recorder.has(after), kWaitMs);
    QCOMPARE(recorder.events.size(), 2);
    for (const CapturedEvent &event : std::as_const(recorder.events))
        QVERIFY(event.body != lostBody);
    QCOMPARE(recorder.stats.captured, quint64(2));

    EventStore reader;
    QVERIFY(reader.open(path));
    QCOMPARE(reader.count(), qint64(2));
    QVERIFY(reader.loadEvent(1).has_value());
    QVERIFY(reader.loadEvent(after).has_value());
}

void TestCaptureServer::storePipelinedAnswersInOrder()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("events.sqlite"));
    CaptureService service;
    Recorder recorder(&service);
    QVERIFY(startStored(service, stored(path)));

    // Held, so the answers that need no commit really are behind ones that wait for it.
    service.holdStoreCommitsForTesting(true);
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, quint16(service.url().port()));
    QVERIFY(socket.waitForConnected(kWaitMs));
    const QByteArray first = uniqueBody("pipe-store-1");
    const QByteArray last = uniqueBody("pipe-store-3");
    socket.write(rawRequest("POST", "/one", first) + rawRequest("PUT", "/two", uniqueBody("put"))
        + rawRequest("GET", "/") + rawRequest("POST", "/three", QByteArrayLiteral("not json"))
        + rawRequest("POST", "/four", last));
    QTRY_COMPARE_WITH_TIMEOUT(service.storeBacklogForTesting(), qsizetype(3), kWaitMs);
    QCOMPARE(socket.bytesAvailable(), qint64(0));
    service.holdStoreCommitsForTesting(false);

    QByteArray buffer;
    const QList<RawResponse> responses = readResponses(socket, buffer, 5);
    QCOMPARE(responses.size(), 5);
    QCOMPARE(responses.at(0).status, 200);
    QCOMPARE(responses.at(0).json.value(QLatin1String("id")).toInteger(), 1);
    QCOMPARE(responses.at(1).status, 405);
    QCOMPARE(responses.at(2).status, 200);
    QCOMPARE(responses.at(2).json.value(QLatin1String("name")).toString(), QStringLiteral("Thena Inspector"));
    QCOMPARE(responses.at(3).status, 400);
    QCOMPARE(responses.at(3).json.value(QLatin1String("id")).toInteger(), 2);
    QCOMPARE(responses.at(4).status, 200);
    QCOMPARE(responses.at(4).json.value(QLatin1String("id")).toInteger(), 3);
    QVERIFY(buffer.isEmpty());
    QVERIFY(socket.state() == QAbstractSocket::ConnectedState);

    // The connection stays usable: an immediate answer with nothing waiting goes out at once.
    socket.write(rawRequest("GET", "/nowhere"));
    const QList<RawResponse> more = readResponses(socket, buffer, 1);
    QCOMPARE(more.size(), 1);
    QCOMPARE(more.at(0).status, 404);

    QTRY_COMPARE_WITH_TIMEOUT(recorder.events.size(), 3, kWaitMs);
    QCOMPARE(recorder.events.at(0).body, first);
    QCOMPARE(recorder.events.at(2).body, last);
}

void TestCaptureServer::storeClientGoneBeforeCommit()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("events.sqlite"));
    CaptureService service;
    Recorder recorder(&service);
    QVERIFY(startStored(service, stored(path)));

    service.holdStoreCommitsForTesting(true);
    const QByteArray body = uniqueBody("gone");
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, quint16(service.url().port()));
        QVERIFY(socket.waitForConnected(kWaitMs));
        socket.write(rawRequest("POST", "/gone", body) + rawRequest("GET", "/"));
        QTRY_COMPARE_WITH_TIMEOUT(service.storeBacklogForTesting(), qsizetype(1), kWaitMs);
        socket.abort();
    }
    // Let the server see the connection go before the commit comes back.
    QTest::qWait(2 * CaptureServer::FlushIntervalMs);
    service.holdStoreCommitsForTesting(false);

    // Committed, so shown, even though nobody is left to answer; the server carries on.
    QTRY_COMPARE_WITH_TIMEOUT(recorder.events.size(), 1, kWaitMs);
    QCOMPARE(recorder.events.at(0).body, body);
    QCOMPARE(postForId(uniqueBody("still-here"), 200, service.url()), qint64(2));
}

void TestCaptureServer::storeStopAnswersPending()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("events.sqlite"));
    CaptureService service;
    Recorder recorder(&service);
    QVERIFY(startStored(service, stored(path)));

    service.holdStoreCommitsForTesting(true);
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, quint16(service.url().port()));
    QVERIFY(socket.waitForConnected(kWaitMs));
    const QByteArray body = uniqueBody("at-stop");
    socket.write(rawRequest("POST", "/stop", body));
    QTRY_COMPARE_WITH_TIMEOUT(service.storeBacklogForTesting(), qsizetype(1), kWaitMs);

    // Stopping commits what was received, answers it, and hands it over before closing.
    service.stop();
    QVERIFY(service.storePath().isEmpty());
    QByteArray buffer;
    const QList<RawResponse> responses = readResponses(socket, buffer, 1);
    QCOMPARE(responses.size(), 1);
    QCOMPARE(responses.at(0).status, 200);
    QCOMPARE(responses.at(0).json.value(QLatin1String("id")).toInteger(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(recorder.events.size(), 1, kWaitMs);

    EventStore reader;
    QVERIFY(reader.open(path));
    QCOMPARE(reader.loadEvent(1)->body, body);
}

void TestCaptureServer::storeRemoveEvents()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("events.sqlite"));
    CaptureService service;
    Recorder recorder(&service);
    QVERIFY(startStored(service, stored(path)));
    const QUrl base = service.url();
    for (qint64 expected = 1; expected <= 4; ++expected)
        QCOMPARE(postForId(uniqueBody("doomed"), 200, base), expected);

    // Deletions queue behind the deliveries before them, so the next answer means they are done.
    service.removeEvents({ 2, 3 });
    QCOMPARE(postForId(uniqueBody("after-delete"), 200, base), qint64(5));
    {
        EventStore reader;
        QVERIFY(reader.open(path));
        QCOMPARE(reader.count(), qint64(3));
        QVERIFY(!reader.loadEvent(2).has_value());
        QVERIFY(!reader.loadEvent(3).has_value());
        QVERIFY(reader.loadEvent(4).has_value());
    }

    QTRY_VERIFY_WITH_TIMEOUT(recorder.has(5), kWaitMs);
    service.removeAllEvents();
    QCOMPARE(postForId(uniqueBody("after-clear"), 200, base), qint64(6));
    EventStore reader;
    QVERIFY(reader.open(path));
    QCOMPARE(reader.count(), qint64(1));
    QVERIFY(reader.loadEvent(6).has_value());
}

void TestCaptureServer::storeGroupsWhatArrivesTogether()
{
    // Deliveries that became readable together go to the writer together: one transaction, one
    // flush to disk, not a first one for the delivery that happened to be parsed first.
    QTemporaryDir dir;
    CaptureServer server;
    DirectStore store;
    QVERIFY(store.open(dir.filePath(QStringLiteral("events.sqlite")), &server));
    server.setStoreWriter(store.writer());
    QVERIFY2(server.listen(loopback()), qPrintable(server.errorString()));

    // The server runs in this thread: nothing is read until all eight have been sent.
    constexpr int kSenders = 8;
    std::vector<std::unique_ptr<QTcpSocket>> sockets;
    for (int i = 0; i < kSenders; ++i) {
        auto socket = std::make_unique<QTcpSocket>();
        socket->connectToHost(QHostAddress::LocalHost, server.port());
        QVERIFY(socket->waitForConnected(kWaitMs));
        socket->write(rawRequest("POST", "/together", uniqueBody("together")));
        QVERIFY(socket->waitForBytesWritten(kWaitMs));
        sockets.push_back(std::move(socket));
    }
    QList<qint64> ids;
    for (const auto &socket : sockets) {
        QByteArray buffer;
        const QList<RawResponse> responses = readResponses(*socket, buffer, 1);
        QCOMPARE(responses.size(), 1);
        QCOMPARE(responses.at(0).status, 200);
        ids.append(responses.at(0).json.value(QLatin1String("id")).toInteger());
    }
    std::sort(ids.begin(), ids.end());
    QCOMPARE(ids.constFirst(), qint64(1));
    QCOMPARE(ids.constLast(), qint64(kSenders));
    QCOMPARE(store.groups, QList<qsizetype> { kSenders });
    server.setStoreWriter(nullptr);
}

void TestCaptureServer::storeSlowCommitsArePaced()
{
    // After slow commits, a delivery that arrives while a transaction is in flight waits in the
    // server for its outcome (to share the next flush with the senders just answered), and a
    // hold never outlasts a few milliseconds: everything is still committed and answered.
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("events.sqlite"));
    CaptureServer server;
    DirectStore store;
    QVERIFY(store.open(path, &server));
    StoreWriter *writer = store.writer();
    server.setStoreWriter(writer);
    QVERIFY2(server.listen(loopback()), qPrintable(server.errorString()));

    QTcpSocket first;
    first.connectToHost(QHostAddress::LocalHost, server.port());
    QVERIFY(first.waitForConnected(kWaitMs));
    QTcpSocket second;
    second.connectToHost(QHostAddress::LocalHost, server.port());
    QVERIFY(second.waitForConnected(kWaitMs));
    QByteArray firstBuffer;
    QByteArray secondBuffer;

    // A commit that takes 30 ms, as on a disk that flushes slowly.
    writer->setHoldForTesting(true);
    first.write(rawRequest("POST", "/slow", uniqueBody("slow")));
    QTRY_COMPARE_WITH_TIMEOUT(writer->pendingCount(), qsizetype(1), kWaitMs);
    QTest::qWait(30);
    writer->setHoldForTesting(false);
    QCOMPARE(readResponses(first, firstBuffer, 1).size(), 1);

    // The next round: one delivery goes to the writer (held again, so it stays in flight)...
    writer->setHoldForTesting(true);
    first.write(rawRequest("POST", "/in-flight", uniqueBody("in-flight")));
    QTRY_COMPARE_WITH_TIMEOUT(writer->pendingCount(), qsizetype(1), kWaitMs);
    // ... and one arriving meanwhile waits in the server for that outcome.
    second.write(rawRequest("POST", "/held", uniqueBody("held")));
    QTRY_COMPARE_WITH_TIMEOUT(server.unhandedCount(), qsizetype(1), kWaitMs);
    QTest::qWait(3 * CaptureServer::FlushIntervalMs);
    QCOMPARE(server.unhandedCount(), qsizetype(1));
    QCOMPARE(writer->pendingCount(), qsizetype(1));

    writer->setHoldForTesting(false);
    const QList<RawResponse> inFlight = readResponses(first, firstBuffer, 1);
    QCOMPARE(inFlight.size(), 1);
    QCOMPARE(inFlight.at(0).status, 200);
    QCOMPARE(inFlight.at(0).json.value(QLatin1String("id")).toInteger(), 2);
    const QList<RawResponse> held = readResponses(second, secondBuffer, 1);
    QCOMPARE(held.size(), 1);
    QCOMPARE(held.at(0).status, 200);
    QCOMPARE(held.at(0).json.value(QLatin1String("id")).toInteger(), 3);
    QCOMPARE(server.unhandedCount(), qsizetype(0));
    QCOMPARE(store.groups, (QList<qsizetype> { 1, 1, 1 }));
    server.setStoreWriter(nullptr);

    EventStore reader;
    QVERIFY2(reader.open(path), qPrintable(reader.errorString()));
    QCOMPARE(reader.count(), qint64(3));
}

void TestCaptureServer::importEvents_data()
{
    QTest::addColumn<bool>("withStore");
    QTest::newRow("memory") << false;
    QTest::newRow("store") << true;
}

void TestCaptureServer::importEvents()
{
    QFETCH(bool, withStore);

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("events.sqlite"));
    CaptureService service;
    Recorder recorder(&service);
    if (withStore) {
        QVERIFY(startStored(service, stored(path)));
    } else {
        service.start(loopback());
        QTRY_VERIFY_WITH_TIMEOUT(service.isListening(), kWaitMs);
    }
    QCOMPARE(postForId(uniqueBody("live"), 200, service.url()), qint64(1));
    QTRY_COMPARE_WITH_TIMEOUT(recorder.events.size(), 1, kWaitMs);

    // As read from another capture: its own ids, a retry chain inside it and one pointing outside.
    QList<CapturedEvent> foreign;
    for (qint64 oldId : { 40, 41, 57 }) {
        CapturedEvent event;
        event.row.id = oldId;
        event.row.receivedMs = 1700000000000 + oldId;
        event.body = uniqueBody("imported");
        event.method = QStringLiteral("POST");
        foreign.append(event);
    }
    foreign[1].row.attempt = 2;
    foreign[1].row.retryOf = 40;
    foreign[2].row.attempt = 3;
    foreign[2].row.retryOf = 12;
    service.importEvents(foreign);

    QTRY_COMPARE_WITH_TIMEOUT(recorder.events.size(), 4, kWaitMs);
    const QList<qint64> newIds = { 2, 3, 4 };
    for (int i = 0; i < 3; ++i) {
        const CapturedEvent *event = recorder.find(newIds.at(i));
        QVERIFY(event);
        QCOMPARE(event->body, foreign.at(i).body);
        QCOMPARE(event->row.receivedMs, foreign.at(i).row.receivedMs);
        QCOMPARE(event->row.attempt, foreign.at(i).row.attempt);
    }
    QCOMPARE(recorder.find(3)->row.retryOf, qint64(2)); // followed to its new id
    QCOMPARE(recorder.find(4)->row.retryOf, qint64(0)); // 12 is not among them

    // Numbering goes on after them; imports are not deliveries.
    QCOMPARE(postForId(uniqueBody("live-again"), 200, service.url()), qint64(5));
    QTRY_COMPARE_WITH_TIMEOUT(recorder.events.size(), 5, kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(recorder.stats.captured, quint64(2), kWaitMs);

    if (withStore) {
        EventStore reader;
        QVERIFY(reader.open(path));
        QCOMPARE(reader.count(), qint64(5));
        QCOMPARE(reader.loadEvent(3)->body, foreign.at(1).body);
        QCOMPARE(reader.loadEvent(3)->row.retryOf, qint64(2));
    }
}

QTEST_GUILESS_MAIN(TestCaptureServer)
#include "tst_captureserver.moc"
