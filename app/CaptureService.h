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
// waits for painting, and the GUI receives events in batches.
class CaptureService final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CaptureService)

public:
    explicit CaptureService(QObject *parent = nullptr);
    ~CaptureService() override; // stops and joins the worker thread

    // Asynchronous: emits listening() or failed(). A running server is stopped first.
    void start(const CaptureConfig &config);
    // Closes the server and ends the worker thread; pending events are still emitted (queued).
    // Safe to call when not running.
    void stop();
    // For changed settings; ids and counters continue where they were.
    void restart(const CaptureConfig &config);

    void setSecret(const QByteArray &secret);
    // The id the next delivery gets, e.g. to continue a stored session's numbering.
    void setNextEventId(qint64 id);

    bool isListening() const { return m_listening; }
    QUrl url() const { return m_url; } // empty unless listening
    CaptureConfig config() const { return m_config; }

signals:
    void listening(const QUrl &url);
    void failed(const QString &message);
    void eventsCaptured(const QList<CapturedEvent> &batch);
    void statsChanged(const CaptureStats &stats);

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
};
