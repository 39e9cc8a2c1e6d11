#pragma once

#include "CaptureConfig.h"
#include "CaptureStats.h"
#include "CapturedEvent.h"

#include <QList>
#include <QObject>
#include <QUrl>

class CaptureWorker;
class QThread;

// The capture server as the GUI and the headless mode see it. Lives in the GUI thread; the
// server itself runs in a worker thread of its own, so parsing and answering deliveries never
// waits for painting, and the GUI receives events in batches. With a capture file, a third
// thread writes it: deliveries are answered, and handed to the GUI, only once committed.
class CaptureService final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CaptureService)

public:
    explicit CaptureService(QObject *parent = nullptr);
    ~CaptureService() override; // stops and joins the worker thread

    // Asynchronous: emits listening() or failed(). A running server is stopped first. With
    // config.storePath set, the store is opened before listening and storeOpened() or
    // storeFailed() comes first; after storeFailed() the server runs in memory.
    void start(const CaptureConfig &config);
    // Closes the server and ends the worker thread; pending events are still emitted (queued).
    // Safe to call when not running.
    void stop();
    // For changed settings; ids and counters continue where they were.
    void restart(const CaptureConfig &config);

    void setSecret(const QByteArray &secret);
    // Turns a failure drill on, changes or ends it (an inactive config), for the running server and
    // later starts; config().drill says what is in force. Counting starts afresh.
    void setFailureDrill(const FailureDrill::Config &drill);
    // The id the next delivery gets, e.g. to continue a stored session's numbering.
    void setNextEventId(qint64 id);

    // Adds events read from elsewhere (File > Import): they get new ids, go into the capture file
    // when there is one, and come back through eventsCaptured(). They are not counted as captured.
    void importEvents(const QList<CapturedEvent> &events);

    // Deletes events from the capture file (no-op in memory), asynchronously and in order with
    // the deliveries being committed. removeAllEvents() deletes what has been handed over through
    // eventsCaptured() or was in the file when it opened; later deliveries stay.
    void removeEvents(const QList<qint64> &ids);
    void removeAllEvents();

    bool isListening() const { return m_listening; }
    QUrl url() const { return m_url; } // empty unless listening
    CaptureConfig config() const { return m_config; }
    // The capture file deliveries are committed to; empty when events are kept in memory only
    // (no file configured, not opened yet, or it could not be opened).
    QString storePath() const { return m_storePath; }

    // Test hooks; each blocks until the worker has applied it, so it is in force for whatever the
    // caller sends next. A full disk: commits that need the file to grow past this many pages fail
    // (a smaller value than the file's size means its current size).
    bool setStoreMaxPageCountForTesting(qint64 pages);
    // While held, received deliveries wait before their transaction (and so before their answer).
    void holdStoreCommitsForTesting(bool hold);
    // Deliveries received and not yet taken into a transaction.
    qsizetype storeBacklogForTesting() const;

    // The counters as the last stop() left them (exact: taken from the stopped server).
    CaptureStats stoppedStats() const { return m_stats; }

signals:
    void listening(const QUrl &url);
    void failed(const QString &message);
    void eventsCaptured(const QList<CapturedEvent> &batch);
    void statsChanged(const CaptureStats &stats);
    void storeOpened(const QString &path, qint64 maxId);
    // The file is left untouched; this run keeps events in memory.
    void storeFailed(const QString &message);
    // Deliveries could not be committed and were answered 503 (Thena retries). Throttled.
    void storeError(const QString &message);
    // See CaptureWorker::storeConnectionChanged().
    void storeConnectionChanged(bool connected, const QString &message);
    // Retention removed every event up to this id from the capture file; the window drops them too.
    void retentionApplied(qint64 throughId);

private:
    QThread *m_thread = nullptr;
    CaptureWorker *m_worker = nullptr; // lives in m_thread, deleted when it finishes
    CaptureConfig m_config;
    qint64 m_nextEventId = 1;
    CaptureStats m_stats;
    // Tells this run's listening()/failed() from a stopped run's, still queued.
    quint64 m_run = 0;
    bool m_listening = false;
    QUrl m_url;
    QString m_storePath;
    qint64 m_lastHandedOverId = 0; // highest id the GUI has had, from the file or eventsCaptured()
};
