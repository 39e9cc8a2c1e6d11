#include "ConnectionSupervisor.h"

#include "ConnectionGuard.h"

#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <algorithm>
#include <sys/resource.h>
#include <unistd.h>

ConnectionSupervisor::ConnectionSupervisor(QObject *parent)
    : QObject(parent)
{
    m_clock.start();
    connect(&m_sweepTimer, &QTimer::timeout, this, &ConnectionSupervisor::sweep);
    setLimits(Limits());
}

ConnectionSupervisor::~ConnectionSupervisor()
{
    // Guards outliving us (their sockets belong to a listener) must not call back.
    const QSet<ConnectionGuard *> guards = m_guards;
    for (ConnectionGuard *guard : guards)
        guard->forgetSupervisor();
}

int ConnectionSupervisor::descriptorBoundCap(int wanted)
{
    // Each admitted connection may later close while as many refused ones drain, and the process
    // needs descriptors of its own (the capture file, the listener, Qt's): past the limit accept()
    // fails with EMFILE and a flood would stop the server rather than be refused.
    rlimit limit {};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
        return wanted;
    const qint64 affordable = (static_cast<qint64>(limit.rlim_cur) - ReservedDescriptors) / 2;
    return static_cast<int>(std::clamp<qint64>(affordable, 1, wanted));
}

void ConnectionSupervisor::setLimits(const Limits &limits)
{
    m_limits = limits;
    m_limits.maxConnections = descriptorBoundCap(std::max(1, limits.maxConnections));
    // A quarter of the timeout keeps a timeout's lateness small without waking up for nothing.
    m_sweepTimer.setInterval(std::clamp(m_limits.idleTimeoutMs / 4, 10, 1000));
}

bool ConnectionSupervisor::overCap()
{
    if (m_open < m_limits.maxConnections)
        return false;
    count(Refusal::ConnectionLimit);
    return true;
}

QTcpSocket *ConnectionSupervisor::acceptPlain(qintptr descriptor, QTcpServer *server)
{
    const bool refuse = overCap();
    // Answering a refusal costs a socket for up to DrainTimeoutMs; past that many closing
    // connections, the descriptor is just closed.
    if (refuse && m_closing >= std::max(m_limits.maxConnections, MinClosingConnections)) {
        ::close(static_cast<int>(descriptor));
        return nullptr;
    }
    auto *socket = new QTcpSocket(server);
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        ::close(static_cast<int>(descriptor));
        return nullptr;
    }
    auto *guard = new ConnectionGuard(socket, this, false);
    if (refuse) {
        guard->refuseOverCap();
        return nullptr;
    }
    return socket;
}

void ConnectionSupervisor::handedOver(QTcpSocket *socket)
{
    if (ConnectionGuard *guard = ConnectionGuard::of(socket))
        guard->handedOver();
}

bool ConnectionSupervisor::admit(qintptr descriptor)
{
    if (!overCap())
        return true;
    // No 503 here: it would need a TLS handshake first, which is what a flood costs us.
    ::close(static_cast<int>(descriptor));
    return false;
}

void ConnectionSupervisor::adoptTls(QSslSocket *socket)
{
    new ConnectionGuard(socket, this, true);
}

void ConnectionSupervisor::attach(ConnectionGuard *guard)
{
    m_guards.insert(guard);
    ++m_open;
    if (!m_sweepTimer.isActive())
        m_sweepTimer.start();
}

void ConnectionSupervisor::detach(ConnectionGuard *guard)
{
    if (!m_guards.remove(guard))
        return;
    if (m_closingGuards.remove(guard))
        --m_closing;
    else
        --m_open;
}

void ConnectionSupervisor::markClosing(ConnectionGuard *guard)
{
    if (!m_guards.contains(guard) || m_closingGuards.contains(guard))
        return;
    m_closingGuards.insert(guard);
    --m_open;
    ++m_closing;
}

void ConnectionSupervisor::sweep()
{
    if (m_guards.isEmpty()) {
        m_sweepTimer.stop();
        return;
    }
    const qint64 now = nowMs();
    // A copy: a sweep may close connections (their guards go later, with their sockets).
    const QList<ConnectionGuard *> guards = m_guards.values();
    for (ConnectionGuard *guard : guards) {
        if (m_guards.contains(guard))
            guard->sweep(now);
    }
}
