#pragma once

#include "ConnectionSupervisor.h"
#include "HttpRequestFramer.h"

#include <QByteArray>
#include <QObject>
#include <QPointer>

class QTcpSocket;

// Stands in front of QHttpServer on one connection. Its readyRead handler is connected before
// QHttpServer's, so it sees every byte first: it frames each request (HttpRequestFramer) and
// refuses what QHttpServer must not read (413 before the body is buffered, 431, 400, ...),
// answers Expect: 100-continue, keeps the time limits (with ConnectionSupervisor's sweep) and
// closes the connection as HTTP says (Connection: close, HTTP/1.0). A child of its socket, so it
// lives exactly as long as the connection.
//
// A refusal cuts QHttpServer's readyRead handler off the socket, drops what is buffered, writes
// the answer with Connection: close once the answers owed before it are written, half-closes
// and reads (dropping it) whatever the client still sends until it closes or DrainTimeoutMs
// passes: a client closed on while still sending would get a reset instead of the answer.
//
// QHttpServer reads a request inside startTransaction() ... commitTransaction(): between two
// requests no transaction is open and the unread bytes start the next request; inside one, the
// bytes it has read are hidden, so the guard remembers how many it left unread (a second
// handler, connected after QHttpServer's) to find the new ones.
class ConnectionGuard final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectionGuard)

public:
    enum class Mode
    {
        Handshaking, // TLS, not encrypted yet: QHttpServer does not have it yet
        Open,
        Refusing, // refused, the refusal waits behind answers owed earlier
        Closing, // the last request (Connection: close) is being answered
        Draining, // last answer written: dropping input until the client closes
    };

    // Attaches itself to supervisor, as a child of socket.
    ConnectionGuard(QTcpSocket *socket, ConnectionSupervisor *supervisor, bool tls);
    ~ConnectionGuard() override;

    static ConnectionGuard *of(const QObject *socket);

    // For CaptureServer, while QHttpServer hands it a request from this connection: whether the
    // answer must close the connection, and whether it must say keep-alive (HTTP/1.0).
    void requestDispatched();
    bool closeAfterAnswer() const;
    bool keepAliveHeaderNeeded() const;
    // After each answer CaptureServer wrote on this connection, in request order; close when the
    // answer closed the connection.
    void answerWritten(bool close);

    // For ConnectionSupervisor.
    void handedOver();
    void refuseOverCap();
    void sweep(qint64 nowMs);
    void forgetSupervisor() { m_supervisor = nullptr; }

    Mode mode() const { return m_mode; }
    QTcpSocket *socket() const { return m_socket; }

private:
    void onReadyRead();
    void afterHttpServerRead();
    void onEncrypted();
    void onDisconnected();
    void frame(qint64 offset, qint64 fresh);
    void refuse(int status, const QString &message, ConnectionSupervisor::Refusal reason);
    void writeFinal(const QByteArray &answer);
    void startDraining();
    void shutdownWrite();
    void closeNow();
    void discardInput();
    void detachHttpServer();
    void count(ConnectionSupervisor::Refusal reason);
    qint64 now() const;

    QTcpSocket *m_socket;
    QPointer<ConnectionSupervisor> m_supervisor;
    HttpRequestFramer m_framer;
    int m_idleTimeoutMs = 30000;
    Mode m_mode = Mode::Open;
    bool m_tls = false;
    bool m_handedOver = false;
    bool m_httpServerDetached = false;
    bool m_writeShut = false;
    bool m_requestDispatched = false; // the framed request has reached CaptureServer
    bool m_anyRequest = false; // a request has reached CaptureServer on this connection
    bool m_continueDone = false; // Expect: 100-continue answered (or due) for the current request
    bool m_continueDue = false; // 100 Continue waits for the answers owed before it
    bool m_peerMaySend = false; // refused mid-request: the client may still be sending
    int m_unanswered = 0; // requests dispatched and not answered yet
    qint64 m_leftover = 0; // bytes QHttpServer left unread inside its transaction
    qint64 m_openedMs = 0;
    qint64 m_idleSinceMs = 0;
    qint64 m_requestStartMs = 0;
    qint64 m_refusingSinceMs = 0;
    qint64 m_drainDeadlineMs = 0;
    qint64 m_lastInputMs = 0; // when input was last dropped while draining
    QByteArray m_pendingRefusal;
};
