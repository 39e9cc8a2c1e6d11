#include "EventStore.h"
#include "HeadlessInspector.h"

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

using FloodSupport::postRequest;
using FloodSupport::takeResponse;
using Inspector = HeadlessInspector;

std::vector<QByteArray> makeBodies(int count)
{
    return FloodSupport::variedBodies(QStringLiteral("crash"), count);
}

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
