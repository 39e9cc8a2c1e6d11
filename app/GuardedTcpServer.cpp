#include "GuardedTcpServer.h"

#include "ConnectionSupervisor.h"

#include <QTcpSocket>

GuardedTcpServer::GuardedTcpServer(ConnectionSupervisor *supervisor, QObject *parent)
    : QTcpServer(parent)
    , m_supervisor(supervisor)
{ }

void GuardedTcpServer::incomingConnection(qintptr descriptor)
{
    if (!m_supervisor) {
        QTcpServer::incomingConnection(descriptor);
        return;
    }
    QTcpSocket *socket = m_supervisor->acceptPlain(descriptor, this);
    if (!socket)
        return; // refused
    // QHttpServer takes the socket and connects its readyRead handler in here, synchronously:
    // after the guard's, before the one the supervisor adds next.
    addPendingConnection(socket);
    m_supervisor->handedOver(socket);
}
