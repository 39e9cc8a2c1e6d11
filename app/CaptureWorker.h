#pragma once

#include "CaptureConfig.h"
#include "CaptureStats.h"
#include "CapturedEvent.h"

#include <QList>
#include <QObject>
#include <QUrl>
#include <memory>

class CaptureServer;

// Where a new capture server carries on from the previous one: ids keep growing and counters do
// not fall back to zero when the settings change.
struct CaptureResumePoint
{
    qint64 nextEventId = 1;
    CaptureStats stats;
};

// CaptureService's agent inside the worker thread. It is moved to the thread and reached only
// through queued calls, so the CaptureServer it owns is created, used and destroyed in that
// thread, and calls made in order from the GUI thread arrive in that order.
class CaptureWorker final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CaptureWorker)

public:
    explicit CaptureWorker(QObject *parent = nullptr);
    ~CaptureWorker() override;

    // Each of these runs in the worker thread.
    void start(const CaptureConfig &config, const CaptureResumePoint &resume);
    void setSecret(const QByteArray &secret);
    void setNextEventId(qint64 id);
    // Hands over what is pending, closes and destroys the server; says where to continue.
    CaptureResumePoint shutdown();

signals:
    void listening(const QUrl &url);
    void failed(const QString &message);
    void eventsCaptured(const QList<CapturedEvent> &batch);
    void statsChanged(const CaptureStats &stats);

private:
    std::unique_ptr<CaptureServer> m_server;
    CaptureResumePoint m_resume;
};
