#pragma once

#include "CaptureConfig.h"
#include "CaptureStats.h"
#include "CapturedEvent.h"

#include <QList>
#include <QObject>
#include <QUrl>
#include <memory>

class CaptureServer;
class QThread;
class StoreWriter;

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
//
// With a capture file it also owns the store thread, where the one StoreWriter (and with it the
// one SQLite connection) lives. The worker waits for that thread, never the other way round, and
// the GUI thread waits only for the worker: no cycle, no deadlock.
class CaptureWorker final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CaptureWorker)

public:
    explicit CaptureWorker(QObject *parent = nullptr);
    ~CaptureWorker() override;

    // Each of these runs in the worker thread.

    // Opens config.storePath first (if set), then listens. A store that cannot be opened is
    // reported with storeFailed() and the server runs in memory; the file is left as it was.
    void start(const CaptureConfig &config, const CaptureResumePoint &resume);
    void setSecret(const QByteArray &secret);
    void setFailureDrill(const FailureDrill::Config &drill);
    void setNextEventId(qint64 id);
    // Waits for the store to commit what it was given, hands over what is pending, closes and
    // destroys the server and the store; says where to continue.
    CaptureResumePoint shutdown();
    // See CaptureServer::importEvents; without a server they are handed over in memory.
    void importEvents(const QList<CapturedEvent> &events);
    // Queued to the store writer, behind the events queued before.
    void removeEvents(const QList<qint64> &ids);
    void removeEventsThrough(qint64 lastId);

    bool setStoreMaxPageCountForTesting(qint64 pages);
    void holdStoreCommitsForTesting(bool hold);
    qsizetype storeBacklogForTesting() const;

signals:
    void listening(const QUrl &url);
    void failed(const QString &message);
    void eventsCaptured(const QList<CapturedEvent> &batch);
    void statsChanged(const CaptureStats &stats);
    void storeOpened(const QString &path, qint64 maxId);
    void storeFailed(const QString &message);
    void storeError(const QString &message);
    // A team database went away (connected false; deliveries are answered 503 meanwhile) or came
    // back. message is a sentence for a status bar or stderr.
    void storeConnectionChanged(bool connected, const QString &message);
    // Retention removed every event up to this id from the capture file.
    void retentionApplied(qint64 throughId);

private:
    bool openStore(const CaptureConfig &config, QString *error, qint64 *maxId);
    void closeStore();

    std::unique_ptr<CaptureServer> m_server;
    QThread *m_storeThread = nullptr;
    StoreWriter *m_writer = nullptr; // lives in m_storeThread, deleted when it finishes
    CaptureResumePoint m_resume;
};
