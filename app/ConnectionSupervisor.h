#pragma once

#include "HttpRequestFramer.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTimer>

class ConnectionGuard;
class QSslSocket;
class QTcpServer;
class QTcpSocket;

// Watches every connection of one capture server: the connection cap, the timeouts (one sweep
// timer for all of them, not one timer per connection) and the refusals, which it reports through
// refused() so they can be counted. The listeners (GuardedTcpServer, GuardedSslServer) hand it
// each new connection before QHttpServer sees it, and it gives each one a ConnectionGuard.
//
// Lives in the capture server's thread, like everything it watches.
class ConnectionSupervisor final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectionSupervisor)

public:
    enum class Refusal
    {
        BodyTooLarge, // 413
        HeadTooLarge, // 431, 414
        TimedOut, // 408, or closed before sending anything
        ConnectionLimit, // 503 or closed: over the cap
        Malformed, // 400, 417, 501, 505
    };
    Q_ENUM(Refusal)

    struct Limits
    {
        HttpRequestFramer::Limits request;
        // A request must be complete this long after its first byte (else 408), and a connection
        // with nothing going on is closed after this long.
        int idleTimeoutMs = 30000;
        int maxConnections = 256;
    };

    // After its last answer, a connection's input is read and dropped for at most this long, so a
    // client still sending sees the answer rather than a reset; then it is closed.
    static constexpr int DrainTimeoutMs = 2000;
    // Connections over the cap are answered 503 while fewer than this many (or maxConnections,
    // if more) are closing; beyond that they are closed at once.
    static constexpr int MinClosingConnections = 64;
    // Descriptors kept out of the connection cap for everything else the process opens.
    static constexpr int ReservedDescriptors = 64;

    // wanted, or less when the descriptor limit cannot carry that many connections (each may
    // need a second descriptor while refused ones drain).
    static int descriptorBoundCap(int wanted);

    explicit ConnectionSupervisor(QObject *parent = nullptr);
    ~ConnectionSupervisor() override;

    // For connections accepted from now on. maxConnections is lowered to what the process's
    // descriptor limit (RLIMIT_NOFILE) can carry; limits() tells the cap in force.
    void setLimits(const Limits &limits);
    const Limits &limits() const { return m_limits; }
    // The QAbstractHttpServer whose readyRead handler is cut off a connection once it is refused.
    void setHttpServer(QObject *httpServer) { m_httpServer = httpServer; }
    QObject *httpServer() const { return m_httpServer; }

    // For GuardedTcpServer::incomingConnection(): a guarded socket (a child of server) to pass to
    // addPendingConnection() and then to handedOver(); nullptr when the connection was refused
    // (over the cap: answered 503 and closed, or closed at once when even that is too much).
    QTcpSocket *acceptPlain(qintptr descriptor, QTcpServer *server);
    void handedOver(QTcpSocket *socket);
    // For GuardedSslServer: whether a TLS connection may start (false: its descriptor is closed and
    // the refusal counted), then the QSslSocket QSslServer made for it.
    bool admit(qintptr descriptor);
    void adoptTls(QSslSocket *socket);

    int openConnections() const { return m_open; } // counted against the cap
    int closingConnections() const { return m_closing; } // answered for the last time, closing

    qint64 nowMs() const { return m_clock.elapsed(); }

    // For ConnectionGuard.
    void attach(ConnectionGuard *guard);
    void detach(ConnectionGuard *guard);
    void markClosing(ConnectionGuard *guard);
    void count(Refusal reason) { emit refused(reason); }

signals:
    void refused(ConnectionSupervisor::Refusal reason);

private:
    bool overCap();
    void sweep();

    Limits m_limits;
    QPointer<QObject> m_httpServer;
    QSet<ConnectionGuard *> m_guards;
    QSet<ConnectionGuard *> m_closingGuards;
    int m_open = 0;
    int m_closing = 0;
    QElapsedTimer m_clock;
    QTimer m_sweepTimer;
};
