#pragma once

#include <QPointer>
#include <QTcpServer>

class ConnectionSupervisor;

// The plain-HTTP listener of CaptureServer: every accepted connection goes through the
// supervisor (cap, ConnectionGuard) before it is handed to QHttpServer with addPendingConnection().
class GuardedTcpServer final : public QTcpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GuardedTcpServer)

public:
    explicit GuardedTcpServer(ConnectionSupervisor *supervisor, QObject *parent = nullptr);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    QPointer<ConnectionSupervisor> m_supervisor;
};
