#pragma once

#include <QPointer>
#include <QSslServer>

class ConnectionSupervisor;

// The HTTPS listener of CaptureServer. QSslServer makes a QSslSocket for each connection and
// hands it over once encrypted; the supervisor applies the cap before that and guards the socket
// from the start, so a client that never finishes its handshake is timed out like any other.
class GuardedSslServer final : public QSslServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GuardedSslServer)

public:
    explicit GuardedSslServer(ConnectionSupervisor *supervisor, QObject *parent = nullptr);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    QPointer<ConnectionSupervisor> m_supervisor;
};
