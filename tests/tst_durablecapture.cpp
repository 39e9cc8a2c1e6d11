#include "EventStore.h"

#include <QFile>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <deque>
#include <memory>
#include <vector>

// The promise behind "answered 200 only after the commit": kill -9 the real executable in the
// middle of a flood, and every delivery the client saw acknowledged must be in the file, byte for
// byte.

namespace {

constexpr int kWaitMs = 10000;
constexpr int kDeliveries = 3000;
constexpr int kKillAfterAcks = 1000;
// Enough requests in flight that the server is busy when it dies: with 1024, a server that
// answered before committing lost acknowledged events in 15 of 15 runs (with 128, in none).
constexpr int kConnections = 16;
constexpr int kWindow = 64; // pipelined requests in flight per connection

QByteArray readSample(const QString &name)
{
    QFile file(QStringLiteral(THENA_SAMPLES_DIR "/") + name);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// The shared samples in turn, each with an identity of its own so no two bodies are alike.
std::vector<QByteArray> makeBodies(int count)
{
    const QStringList names = { QStringLiteral("request-created.json"), QStringLiteral("request-updated.json"),
        QStringLiteral("request-escalated.json"), QStringLiteral("platform-ticket-created.json") };
    QList<QJsonObject> samples;
    for (const QString &name : names)
        samples.append(QJsonDocument::fromJson(readSample(name)).object());

    std::vector<QByteArray> bodies;
    bodies.reserve(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i) {
        QJsonObject object = samples.at(i % samples.size());
        const QString identity = QStringLiteral("crash-%1").arg(i);
        if (object.contains(QLatin1String("eventId"))) {
            object.insert(QLatin1String("eventId"), identity);
            QJsonObject payload = object.value(QLatin1String("payload")).toObject();
            QJsonObject ticket = payload.value(QLatin1String("ticket")).toObject();
            ticket.insert(QLatin1String("ticketId"), identity); // shown as the request id
            payload.insert(QLatin1String("ticket"), ticket);
            object.insert(QLatin1String("payload"), payload);
        } else {
            QJsonObject request = object.value(QLatin1String("request")).toObject();
            request.insert(QLatin1String("requestId"), identity);
            object.insert(QLatin1String("request"), request);
        }
        // Indented for half of them: the file must keep the bytes, not an equivalent JSON.
        bodies.push_back(QJsonDocument(object).toJson(i % 2 ? QJsonDocument::Compact : QJsonDocument::Indented));
    }
    return bodies;
}

QByteArray postRequest(const QByteArray &body)
{
    return QByteArrayLiteral("POST /hooks/thena HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                             "Content-Length: ")
        + QByteArray::number(body.size()) + QByteArrayLiteral("\r\n\r\n") + body;
}

// Splits one response with a Content-Length off the front of `buffer`.
bool takeResponse(QByteArray &buffer, int &status, QByteArray &body)
{
    const qsizetype headEnd = buffer.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return false;
    const QByteArray head = buffer.left(headEnd);
    qsizetype length = 0;
    const QList<QByteArray> lines = head.split('\n');
    for (const QByteArray &line : lines) {
        if (line.toLower().startsWith("content-length:"))
            length = line.mid(15).trimmed().toLongLong();
    }
    if (buffer.size() < headEnd + 4 + length)
        return false;
    status = head.mid(9, 3).toInt();
    body = buffer.mid(headEnd + 4, length);
    buffer.remove(0, headEnd + 4 + length);
    return true;
}

// The executable in headless mode, on a free port, storing into `storePath`.
class Inspector
{
public:
    bool start(const QString &storePath)
    {
        m_process.setProgram(QStringLiteral(THENA_INSPECTOR_BIN));
        m_process.setArguments({ QStringLiteral("--headless"), QStringLiteral("--listen"),
            QStringLiteral("127.0.0.1:0"), QStringLiteral("--store"), storePath });
        // Nobody reads the event lines: a full pipe must not slow the child down.
        m_process.setStandardOutputFile(QProcess::nullDevice());
        m_process.start();
        if (!m_process.waitForStarted(kWaitMs))
            return false;
        const bool up = QTest::qWaitFor(
            [this] {
                m_stderr += m_process.readAllStandardError();
                const qsizetype at = m_stderr.indexOf("listening on ");
                return (at >= 0 && m_stderr.indexOf('\n', at) > 0) || m_process.state() == QProcess::NotRunning;
            },
            kWaitMs);
        if (!up || m_process.state() == QProcess::NotRunning)
            return false;
        const qsizetype from = m_stderr.indexOf("listening on ") + 13;
        m_url = QUrl(QString::fromUtf8(m_stderr.mid(from, m_stderr.indexOf('\n', from) - from)));
        return m_url.port() > 0;
    }

    QProcess &process() { return m_process; }
    QUrl url() const { return m_url; }
    QByteArray standardError()
    {
        m_stderr += m_process.readAllStandardError();
        return m_stderr;
    }

private:
    QProcess m_process;
    QByteArray m_stderr;
    QUrl m_url;
};

// A keep-alive connection that keeps up to kWindow requests in flight and matches each answer
// to its request by order.
struct FloodConnection
{
    std::unique_ptr<QTcpSocket> socket;
    QByteArray buffer;
    std::deque<int> inFlight; // body indexes, oldest first
};

} // namespace

class TestDurableCapture : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void killedMidFloodLosesNothingAcknowledged();
    void secondRunContinuesIds();

private:
    QTemporaryDir m_dir;
    QString m_storePath;
    std::vector<QByteArray> m_bodies;
    qint64 m_maxIdAfterCrash = 0;
    qint64 m_countAfterCrash = 0;
};

void TestDurableCapture::initTestCase()
{
    QVERIFY(QFile::exists(QStringLiteral(THENA_INSPECTOR_BIN)));
    QVERIFY(m_dir.isValid());
    m_storePath = m_dir.filePath(QStringLiteral("events.sqlite"));
    m_bodies = makeBodies(kDeliveries);
    QVERIFY(!m_bodies.front().isEmpty());
}

void TestDurableCapture::killedMidFloodLosesNothingAcknowledged()
{
    Inspector inspector;
    QVERIFY2(inspector.start(m_storePath), inspector.standardError().constData());
    const quint16 port = quint16(inspector.url().port());

    QHash<qint64, int> acknowledged; // id the server gave -> body index
    int otherAnswers = 0;
    int nextBody = 0;
    bool killed = false;
    int sentAtKill = 0;
    std::vector<FloodConnection> connections(kConnections);

    const auto refill = [&](FloodConnection &connection) {
        QByteArray out;
        // Going on after the kill keeps requests in flight at the moment the process dies.
        while (connection.socket->state() == QAbstractSocket::ConnectedState
            && connection.inFlight.size() < size_t(kWindow) && nextBody < kDeliveries) {
            connection.inFlight.push_back(nextBody);
            out += postRequest(m_bodies.at(size_t(nextBody++)));
        }
        if (!out.isEmpty())
            connection.socket->write(out);
    };
    const auto receive = [&](FloodConnection &connection) {
        connection.buffer += connection.socket->readAll();
        int status = 0;
        QByteArray body;
        while (!connection.inFlight.empty() && takeResponse(connection.buffer, status, body)) {
            const int index = connection.inFlight.front();
            connection.inFlight.pop_front();
            const QJsonObject json = QJsonDocument::fromJson(body).object();
            if (status == 200 && json.value(QLatin1String("ok")).toBool()) {
                const qint64 id = json.value(QLatin1String("id")).toInteger(-1);
                if (id <= 0 || acknowledged.contains(id))
                    ++otherAnswers; // would be a bug: an id given twice or none
                else
                    acknowledged.insert(id, index);
            } else {
                ++otherAnswers;
            }
        }
        if (!killed && acknowledged.size() >= kKillAfterAcks) {
            killed = true;
            sentAtKill = nextBody;
            inspector.process().kill(); // SIGKILL: no shutdown code runs
        }
        refill(connection);
    };

    for (FloodConnection &connection : connections) {
        connection.socket = std::make_unique<QTcpSocket>();
        QTcpSocket *socket = connection.socket.get();
        QObject::connect(socket, &QTcpSocket::readyRead, socket, [&receive, &connection] { receive(connection); });
        socket->connectToHost(QHostAddress::LocalHost, port);
    }
    for (FloodConnection &connection : connections) {
        QVERIFY(connection.socket->waitForConnected(kWaitMs));
        refill(connection);
    }

    QVERIFY(QTest::qWaitFor([&] { return killed; }, kWaitMs));
    QVERIFY(inspector.process().waitForFinished(kWaitMs));
    QCOMPARE(inspector.process().exitStatus(), QProcess::CrashExit);
    // Answers already on their way when the process died still count: read them all.
    QVERIFY(QTest::qWaitFor(
        [&] {
            return std::all_of(connections.cbegin(), connections.cend(),
                [](const FloodConnection &c) { return c.socket->state() == QAbstractSocket::UnconnectedState; });
        },
        kWaitMs));
    for (FloodConnection &connection : connections)
        receive(connection);

    QCOMPARE(otherAnswers, 0);
    QVERIFY(acknowledged.size() >= kKillAfterAcks);
    QVERIFY2(sentAtKill < kDeliveries, "the flood ended before the kill");

    EventStore store;
    QVERIFY2(store.open(m_storePath), qPrintable(store.errorString()));
    int missing = 0;
    int different = 0;
    for (auto it = acknowledged.cbegin(); it != acknowledged.cend(); ++it) {
        const std::optional<CapturedEvent> event = store.loadEvent(it.key());
        if (!event)
            ++missing;
        else if (event->body != m_bodies.at(size_t(it.value())))
            ++different;
    }
    QCOMPARE(missing, 0);
    QCOMPARE(different, 0);

    // Nor is anything in the file damaged: every stored event is one that was sent, unchanged.
    const QList<EventRow> rows = store.loadRowsAfter(0, kDeliveries + 1);
    for (const EventRow &row : rows) {
        const int index = row.requestId.startsWith(QLatin1String("crash-")) ? row.requestId.mid(6).toInt() : -1;
        QVERIFY2(index >= 0 && index < kDeliveries, qPrintable(row.requestId));
        QCOMPARE(store.loadEvent(row.id)->body, m_bodies.at(size_t(index)));
    }
    m_countAfterCrash = store.count();
    m_maxIdAfterCrash = store.maxId();
    QVERIFY(m_countAfterCrash >= acknowledged.size());
    QVERIFY(m_countAfterCrash <= nextBody);
    qInfo("SIGKILL after %d requests sent; %d sent in all, %lld acknowledged, %lld in the file", sentAtKill, nextBody,
        qint64(acknowledged.size()), m_countAfterCrash);
}

void TestDurableCapture::secondRunContinuesIds()
{
    QVERIFY2(m_maxIdAfterCrash > 0, "needs the file the crash test left");

    Inspector inspector;
    QVERIFY2(inspector.start(m_storePath), inspector.standardError().constData());
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, quint16(inspector.url().port()));
    QVERIFY(socket.waitForConnected(kWaitMs));
    const QByteArray body = readSample(QStringLiteral("request-escalated.json"));
    socket.write(postRequest(body));

    QByteArray buffer;
    int status = 0;
    QByteArray answer;
    QVERIFY(QTest::qWaitFor(
        [&] {
            buffer += socket.readAll();
            return takeResponse(buffer, status, answer);
        },
        kWaitMs));
    QCOMPARE(status, 200);
    const qint64 id = QJsonDocument::fromJson(answer).object().value(QLatin1String("id")).toInteger(-1);
    QCOMPARE(id, m_maxIdAfterCrash + 1);

    // A clean stop this time.
    inspector.process().terminate();
    QVERIFY(inspector.process().waitForFinished(kWaitMs));
    QCOMPARE(inspector.process().exitStatus(), QProcess::NormalExit);
    QCOMPARE(inspector.process().exitCode(), 0);

    EventStore store;
    QVERIFY2(store.open(m_storePath), qPrintable(store.errorString()));
    QCOMPARE(store.count(), m_countAfterCrash + 1);
    const std::optional<CapturedEvent> event = store.loadEvent(id);
    QVERIFY(event.has_value());
    QCOMPARE(event->body, body);
}

QTEST_GUILESS_MAIN(TestDurableCapture)
#include "tst_durablecapture.moc"
