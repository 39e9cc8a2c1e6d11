#include "ConnectionGuard.h"

#include "HttpWire.h"

#include <QSslSocket>
#include <QTcpSocket>
#include <sys/socket.h>

namespace {

using State = HttpRequestFramer::State;
using Refusal = ConnectionSupervisor::Refusal;

// While refused or closing, at most this much input is buffered between two reads that drop it.
constexpr qint64 kDrainBufferBytes = 64 * 1024;
// Under TLS there is no half-close to tell a client it may stop: a draining connection is closed
// once the client has been quiet this long.
constexpr qint64 kTlsQuietMs = 200;

Refusal refusalFor(int status)
{
    switch (status) {
    case 413:
        return Refusal::BodyTooLarge;
    case 414:
    case 431:
        return Refusal::HeadTooLarge;
    default:
        return Refusal::Malformed;
    }
}

} // namespace

ConnectionGuard::ConnectionGuard(QTcpSocket *socket, ConnectionSupervisor *supervisor, bool tls)
    : QObject(socket)
    , m_socket(socket)
    , m_supervisor(supervisor)
    , m_framer(supervisor->limits().request)
    , m_idleTimeoutMs(supervisor->limits().idleTimeoutMs)
    , m_mode(tls ? Mode::Handshaking : Mode::Open)
    , m_tls(tls)
{
    m_openedMs = m_idleSinceMs = supervisor->nowMs();
    // Connected before QHttpServer connects its own handler, so this one runs first, every time.
    connect(socket, &QIODevice::readyRead, this, &ConnectionGuard::onReadyRead);
    connect(socket, &QAbstractSocket::disconnected, this, &ConnectionGuard::onDisconnected);
    if (tls) {
        // QSslServer hands the socket over (and QHttpServer connects) in its own handler of
        // encrypted(), connected before this one.
        connect(static_cast<QSslSocket *>(socket), &QSslSocket::encrypted, this, &ConnectionGuard::onEncrypted);
    }
    supervisor->attach(this);
}

ConnectionGuard::~ConnectionGuard()
{
    if (m_supervisor)
        m_supervisor->detach(this);
}

ConnectionGuard *ConnectionGuard::of(const QObject *socket)
{
    return socket ? socket->findChild<ConnectionGuard *>(QString(), Qt::FindDirectChildrenOnly) : nullptr;
}

qint64 ConnectionGuard::now() const
{
    return m_supervisor ? m_supervisor->nowMs() : 0;
}

void ConnectionGuard::count(Refusal reason)
{
    if (m_supervisor)
        m_supervisor->count(reason);
}

void ConnectionGuard::handedOver()
{
    m_handedOver = true;
    // Connected after QHttpServer's handler: runs once it has read what it wanted.
    connect(m_socket, &QIODevice::readyRead, this, &ConnectionGuard::afterHttpServerRead);
}

void ConnectionGuard::onEncrypted()
{
    if (m_mode != Mode::Handshaking)
        return;
    m_mode = Mode::Open;
    m_idleSinceMs = now();
    handedOver();
}

void ConnectionGuard::onDisconnected()
{
    // QHttpServer deletes the sockets it was given; the others are ours.
    if (!m_handedOver)
        m_socket->deleteLater();
}

void ConnectionGuard::onReadyRead()
{
    if (m_mode == Mode::Handshaking)
        return; // handshake bytes, QSslServer's business
    if (m_mode != Mode::Open) {
        discardInput();
        return;
    }
    const qint64 available = m_socket->bytesAvailable();
    qint64 offset = 0;
    if (!m_socket->isTransactionStarted()) {
        // QHttpServer is between two requests: what is unread starts the next one.
        if (m_framer.hasStarted()) {
            m_framer.reset();
            m_requestDispatched = false;
            m_continueDone = false;
        }
    } else {
        offset = std::min(m_leftover, available);
    }
    m_leftover = available; // in case afterHttpServerRead() does not run
    if (available > offset)
        frame(offset, available - offset);
}

void ConnectionGuard::frame(qint64 offset, qint64 fresh)
{
    if (!m_framer.hasStarted())
        m_requestStartMs = now();
    QByteArray peeked; // copied only when the framer must look at the bytes
    qint64 done = 0;
    while (done < fresh
        && (m_framer.state() == State::AwaitingRequest || m_framer.state() == State::ReadingHead
            || m_framer.state() == State::ReadingBody)) {
        const qint64 skippable = m_framer.skippable();
        if (peeked.isNull() && skippable > 0) {
            // Body bytes: counted, never copied.
            done += m_framer.skip(std::min(skippable, fresh - done));
            continue;
        }
        if (peeked.isNull())
            peeked = m_socket->peek(offset + fresh);
        if (peeked.size() <= offset + done)
            break;
        const qsizetype used = m_framer.feed(QByteArrayView(peeked).sliced(offset + done));
        if (used == 0)
            break;
        done += used;
    }

    switch (m_framer.state()) {
    case State::Failed:
        refuse(m_framer.errorStatus(), m_framer.errorMessage(), refusalFor(m_framer.errorStatus()));
        return;
    case State::ReadingBody:
        if (m_framer.bodyBytes() > 0)
            m_continueDue = false; // the client did not wait for it
        if (m_framer.head().expectContinue && !m_continueDone && m_framer.bodyBytes() == 0) {
            m_continueDone = true;
            // An interim answer must not overtake the final answers owed to earlier requests.
            if (m_unanswered == 0)
                m_socket->write(HttpWire::continueResponse());
            else
                m_continueDue = true;
        }
        return;
    default:
        return;
    }
}

void ConnectionGuard::afterHttpServerRead()
{
    if (m_mode != Mode::Open)
        return;
    m_leftover = m_socket->bytesAvailable();
    if (m_framer.state() != State::Complete)
        return;
    if (!m_requestDispatched) {
        // The request ended by our count and QHttpServer is still reading it: it would take the
        // next request's bytes for this one's. Never expected; refused rather than guessed at.
        if (m_socket->isTransactionStarted() && m_socket->state() == QAbstractSocket::ConnectedState)
            refuse(400, QStringLiteral("The request could not be framed unambiguously"), Refusal::Malformed);
        return;
    }
    if (!m_framer.head().persistent()) {
        // Its answer closes the connection; requests sent after it are not read.
        m_mode = Mode::Closing;
        detachHttpServer();
        discardInput();
    }
}

void ConnectionGuard::requestDispatched()
{
    // A 100 Continue still owed is no longer wanted: the body came without it.
    m_continueDue = false;
    ++m_unanswered;
    m_requestDispatched = true;
    m_anyRequest = true;
}

bool ConnectionGuard::closeAfterAnswer() const
{
    return m_framer.headComplete() && !m_framer.head().persistent();
}

bool ConnectionGuard::keepAliveHeaderNeeded() const
{
    return m_framer.headComplete() && m_framer.head().minorVersion == 0 && m_framer.head().persistent();
}

void ConnectionGuard::answerWritten(bool close)
{
    if (m_unanswered > 0)
        --m_unanswered;
    m_idleSinceMs = now();
    if (m_mode == Mode::Draining)
        return;
    if (close) {
        m_peerMaySend = false;
        startDraining();
        return;
    }
    if (m_unanswered > 0)
        return;
    if (m_mode == Mode::Refusing) {
        writeFinal(m_pendingRefusal);
        return;
    }
    if (m_continueDue) {
        m_continueDue = false;
        m_socket->write(HttpWire::continueResponse());
    }
}

void ConnectionGuard::refuseOverCap()
{
    m_peerMaySend = true;
    const int cap = m_supervisor ? m_supervisor->limits().maxConnections : 0;
    writeFinal(HttpWire::refusal(503, QStringLiteral("Too many connections (at most %1); try again shortly").arg(cap),
        { { QByteArrayLiteral("Retry-After"), QByteArrayLiteral("1") } }));
}

void ConnectionGuard::refuse(int status, const QString &message, Refusal reason)
{
    if (m_mode != Mode::Open)
        return;
    count(reason);
    // A client refused before its request ended may still be sending it.
    m_peerMaySend = m_framer.state() != State::Complete;
    detachHttpServer();
    m_socket->setReadBufferSize(kDrainBufferBytes);
    discardInput();
    const QByteArray answer = HttpWire::refusal(status, message);
    if (m_unanswered > 0) {
        m_mode = Mode::Refusing;
        m_refusingSinceMs = now();
        m_pendingRefusal = answer;
        return;
    }
    writeFinal(answer);
}

void ConnectionGuard::writeFinal(const QByteArray &answer)
{
    m_socket->write(answer);
    m_pendingRefusal.clear(); // after: answer may be it
    startDraining();
}

void ConnectionGuard::startDraining()
{
    if (m_mode == Mode::Draining)
        return;
    m_mode = Mode::Draining;
    if (m_supervisor)
        m_supervisor->markClosing(this);
    m_drainDeadlineMs = now() + ConnectionSupervisor::DrainTimeoutMs;
    m_lastInputMs = now();
    detachHttpServer();
    m_socket->setReadBufferSize(kDrainBufferBytes);
    discardInput();
    if (m_tls) {
        // No half-close under TLS: a client that is done gets close_notify at once, one still
        // sending is read until it stops or the deadline.
        if (!m_peerMaySend)
            m_socket->disconnectFromHost();
        return;
    }
    m_socket->flush();
    if (m_socket->bytesToWrite() == 0) {
        shutdownWrite();
        return;
    }
    connect(m_socket, &QIODevice::bytesWritten, this, [this] {
        if (m_socket->bytesToWrite() == 0)
            shutdownWrite();
    });
}

void ConnectionGuard::shutdownWrite()
{
    if (m_writeShut || m_socket->state() != QAbstractSocket::ConnectedState)
        return;
    m_writeShut = true;
    // The client sees the answer and then the end of the stream, while we keep reading.
    ::shutdown(static_cast<int>(m_socket->socketDescriptor()), SHUT_WR);
}

void ConnectionGuard::closeNow()
{
    m_mode = Mode::Draining;
    if (m_supervisor)
        m_supervisor->markClosing(this);
    m_socket->abort();
    m_socket->deleteLater();
}

void ConnectionGuard::discardInput()
{
    if (m_socket->isTransactionStarted())
        m_socket->rollbackTransaction();
    if (m_socket->bytesAvailable() > 0) {
        m_lastInputMs = now();
        m_socket->skip(m_socket->bytesAvailable());
    }
}

void ConnectionGuard::detachHttpServer()
{
    if (m_httpServerDetached)
        return;
    m_httpServerDetached = true;
    if (m_supervisor && m_supervisor->httpServer())
        QObject::disconnect(m_socket, &QIODevice::readyRead, m_supervisor->httpServer(), nullptr);
}

void ConnectionGuard::sweep(qint64 nowMs)
{
    switch (m_mode) {
    case Mode::Handshaking:
        if (nowMs - m_openedMs >= m_idleTimeoutMs) {
            count(Refusal::TimedOut);
            closeNow();
        }
        return;
    case Mode::Open:
        if (m_framer.hasStarted() && !(m_framer.state() == State::Complete && m_requestDispatched)) {
            // A request under way: slow or stalled senders get the same deadline.
            if (nowMs - m_requestStartMs >= m_idleTimeoutMs)
                refuse(408, QStringLiteral("The request was not complete within %1 ms").arg(m_idleTimeoutMs),
                    Refusal::TimedOut);
        } else if (m_unanswered == 0 && nowMs - m_idleSinceMs >= m_idleTimeoutMs) {
            // Idle between requests. A connection that never sent one is counted.
            if (!m_anyRequest)
                count(Refusal::TimedOut);
            m_peerMaySend = false;
            startDraining();
        }
        return;
    case Mode::Refusing:
        // The answers it waits behind never came (the store is stuck): give up on the connection.
        if (nowMs - m_refusingSinceMs >= m_idleTimeoutMs)
            closeNow();
        return;
    case Mode::Closing:
        return; // its last answer is ours to write
    case Mode::Draining:
        if (nowMs >= m_drainDeadlineMs)
            closeNow();
        else if (m_tls && m_socket->state() == QAbstractSocket::ConnectedState && nowMs - m_lastInputMs >= kTlsQuietMs)
            m_socket->disconnectFromHost();
        return;
    }
}
