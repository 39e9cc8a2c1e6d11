#include "GuardedSslServer.h"

#include "ConnectionSupervisor.h"

#include <QSslSocket>

GuardedSslServer::GuardedSslServer(ConnectionSupervisor *supervisor, QObject *parent)
    : QSslServer(parent)
    , m_supervisor(supervisor)
{ }

void GuardedSslServer::incomingConnection(qintptr descriptor)
{
    if (m_supervisor && !m_supervisor->admit(descriptor))
        return;
    QSslServer::incomingConnection(descriptor);
    if (!m_supervisor)
        return;
    // QSslServer does not return the socket it made: it is its newest child with this descriptor.
    const QList<QSslSocket *> sockets = findChildren<QSslSocket *>(QString(), Qt::FindDirectChildrenOnly);
    for (auto it = sockets.crbegin(); it != sockets.crend(); ++it) {
        if ((*it)->socketDescriptor() == descriptor) {
            m_supervisor->adoptTls(*it);
            return;
        }
    }
}
