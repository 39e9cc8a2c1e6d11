// libFuzzer target: the whole request-to-row path. The input is what a client sends on one
// connection to a real CaptureServer in this process, over loopback: ConnectionGuard and
// HttpRequestFramer, QHttpServer's own parser, the secret check, ThenaPayloadParser and
// RetryTracker, down to the CapturedEvent handed to the GUI. A full server is practical here
// because everything runs in this one thread: the event loop is turned until both ends are idle.
//
// The input's hash picks the options (a secret or none) and where the bytes are cut into
// separate writes. Beyond the sanitizers: every answer on the wire must be well-formed HTTP with
// a status we send and nothing may follow an answer that closes the connection, every captured
// event must be consistent (ids increasing, valid iff no error), and once the client is gone no
// connection may be left behind on the server.

#include "CaptureServer.h"
#include "FuzzSupport.h"

#include <QAbstractEventDispatcher>
#include <QCoreApplication>
#include <QTcpSocket>
#include <cstddef>
#include <cstdint>
#include <limits>

using FuzzSupport::require;

namespace {

QCoreApplication *g_app = nullptr;
CaptureServer *g_server = nullptr;
QList<CapturedEvent> g_events;
qint64 g_lastId = 0;
const QByteArray kSecret = QByteArrayLiteral("fuzz-secret");

// Turns the event loop until nothing happens three times in a row: on loopback, bytes written
// are readable at once, so an idle loop means both ends have done all they will.
void settle()
{
    QAbstractEventDispatcher *dispatcher = QAbstractEventDispatcher::instance();
    int idleRounds = 0;
    for (int round = 0; round < 20000 && idleRounds < 3; ++round) {
        const bool busy = dispatcher->processEvents(QEventLoop::AllEvents);
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
        idleRounds = busy ? 0 : idleRounds + 1;
    }
}

bool knownStatus(int status)
{
    switch (status) {
    case 100:
    case 200:
    case 400:
    case 401:
    case 404:
    case 405:
    case 408:
    case 413:
    case 414:
    case 417:
    case 431:
    case 501:
    case 503:
    case 505:
        return true;
    default:
        return false;
    }
}

void checkAnswers(QByteArray received)
{
    bool closed = false; // an answer said Connection: close
    while (!received.isEmpty()) {
        require(!closed, "an answer after the one that closed the connection");
        const qsizetype headEnd = received.indexOf("\r\n\r\n");
        require(headEnd >= 0, "an answer without the end of its head");
        const QByteArray head = received.first(headEnd);
        require(head.startsWith("HTTP/1.1 ") && head.size() >= 12, "an answer without a status line");
        const int status = head.mid(9, 3).toInt();
        require(knownStatus(status), "an answer with a status we never send");
        qsizetype length = 0;
        if (status >= 200) {
            const qsizetype at = head.toLower().indexOf("\r\ncontent-length: ");
            require(at >= 0, "a final answer without Content-Length");
            bool ok = false;
            length = head.mid(at + 18).split('\r').first().toLongLong(&ok);
            require(ok && length >= 0, "an unreadable Content-Length");
        }
        require(received.size() >= headEnd + 4 + length, "an answer cut short");
        closed = head.toLower().contains("\r\nconnection: close");
        received.remove(0, headEnd + 4 + length);
    }
}

void checkEvents()
{
    g_server->flush();
    for (const CapturedEvent &event : std::as_const(g_events)) {
        require(event.row.id > g_lastId, "event ids do not increase");
        g_lastId = event.row.id;
        require(event.row.valid == event.error.isEmpty(), "an event valid with an error, or invalid without one");
        require((event.row.kind == EventKind::Invalid) == !event.row.valid, "kind and validity disagree");
        require(event.row.sizeBytes == std::min<qsizetype>(event.body.size(), std::numeric_limits<qint32>::max()),
            "size column differs from the body");
        require(event.row.attempt >= 1, "attempt below 1");
        require(!event.row.path.isEmpty(), "an event without a path");
    }
    g_events.clear();
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    // The plain Unix event dispatcher: its processEvents() says whether it did anything.
    qputenv("QT_NO_GLIB", "1");
    static int argc = 1;
    static char name[] = "fuzz_capture_server";
    static char *argv[] = { name, nullptr };
    g_app = new QCoreApplication(argc, argv);
    g_server = new CaptureServer;
    CaptureConfig config;
    config.address = QHostAddress(QHostAddress::LocalHost);
    config.port = 0;
    config.maxBodyBytes = 4096;
    config.maxHeaderBytes = 2048;
    config.maxHeaderLines = 32;
    config.idleTimeoutMs = 600000; // never within one input
    config.maxConnections = 8;
    require(g_server->listen(config), "cannot listen on loopback");
    QObject::connect(g_server, &CaptureServer::eventsCaptured, g_server,
        [](const QList<CapturedEvent> &batch) { g_events += batch; });
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    FuzzSupport::Choices choices(FuzzSupport::seedOf(data, size));
    g_server->setSecret(choices.flip() ? kSecret : QByteArray());

    QTcpSocket client;
    QByteArray received; // taken as it comes: what arrives just before the server closes stays
    QObject::connect(&client, &QIODevice::readyRead, &client, [&client, &received] { received += client.readAll(); });
    client.connectToHost(QHostAddress::LocalHost, g_server->port());
    settle();
    require(client.state() == QAbstractSocket::ConnectedState, "cannot connect on loopback");

    const QByteArray input(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    qsizetype offset = 0;
    while (offset < input.size()) {
        const qsizetype piece = std::min<qsizetype>(choices.between1And(512), input.size() - offset);
        client.write(input.constData() + offset, piece);
        client.flush();
        offset += piece;
        if (choices.between1And(3) == 1)
            settle(); // a separate read on the server's side
    }
    settle();
    received += client.readAll();
    checkAnswers(received);

    client.abort();
    settle();
    require(g_server->openConnections() == 0 && g_server->closingConnections() == 0,
        "a connection outlived its client on the server");
    checkEvents();
    return 0;
}
