#include "CaptureService.h"

#include "CaptureServer.h"
#include "CaptureWorker.h"

#include <QThread>
#include <algorithm>

CaptureService::CaptureService(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<CapturedEvent>();
    qRegisterMetaType<QList<CapturedEvent>>();
    qRegisterMetaType<CaptureStats>();
    qRegisterMetaType<CaptureConfig>();
}

CaptureService::~CaptureService()
{
    stop();
}

void CaptureService::start(const CaptureConfig &config)
{
    stop();
    m_config = config;
    const quint64 run = ++m_run;

    m_thread = new QThread(this);
    m_thread->setObjectName(QStringLiteral("thena-capture"));
    m_worker = new CaptureWorker;
    m_worker->moveToThread(m_thread);
    // The documented way to delete an object in its own thread once that thread's loop is over.
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);

    connect(m_worker, &CaptureWorker::eventsCaptured, this, [this](const QList<CapturedEvent> &batch) {
        for (const CapturedEvent &event : batch)
            m_lastHandedOverId = std::max(m_lastHandedOverId, event.row.id);
        emit eventsCaptured(batch);
    });
    connect(m_worker, &CaptureWorker::statsChanged, this, &CaptureService::statsChanged);
    connect(m_worker, &CaptureWorker::listening, this, [this, run](const QUrl &url) {
        if (run != m_run)
            return;
        m_listening = true;
        m_url = url;
        emit listening(url);
    });
    connect(m_worker, &CaptureWorker::storeOpened, this, [this, run](const QString &path, qint64 maxId) {
        if (run != m_run)
            return;
        m_storePath = path;
        m_lastHandedOverId = std::max(m_lastHandedOverId, maxId);
        emit storeOpened(path, maxId);
    });
    connect(m_worker, &CaptureWorker::storeFailed, this, [this, run](const QString &message) {
        if (run != m_run)
            return;
        m_storePath.clear();
        emit storeFailed(message);
    });
    connect(m_worker, &CaptureWorker::storeError, this, [this, run](const QString &message) {
        if (run == m_run)
            emit storeError(message);
    });
    connect(
        m_worker, &CaptureWorker::storeConnectionChanged, this, [this, run](bool connected, const QString &message) {
            if (run == m_run)
                emit storeConnectionChanged(connected, message);
        });
    connect(m_worker, &CaptureWorker::retentionApplied, this, [this, run](qint64 throughId) {
        if (run == m_run)
            emit retentionApplied(throughId);
    });
    connect(m_worker, &CaptureWorker::failed, this, [this, run](const QString &message) {
        if (run != m_run)
            return;
        stop();
        emit failed(message);
    });

    m_thread->start();
    const CaptureResumePoint resume { m_nextEventId, m_stats };
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, config, resume] { worker->start(config, resume); }, Qt::QueuedConnection);
}

void CaptureService::stop()
{
    if (!m_thread)
        return;
    ++m_run;

    // Blocking, so the server is gone (port free, pending events emitted) when stop() returns and
    // the next run continues the numbering exactly. The worker never waits for this thread.
    CaptureResumePoint resume;
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker] { return worker->shutdown(); }, Qt::BlockingQueuedConnection, &resume);
    m_nextEventId = resume.nextEventId;
    m_stats = resume.stats;

    m_thread->quit();
    m_thread->wait();
    delete m_thread;
    m_thread = nullptr;
    m_worker = nullptr;
    m_listening = false;
    m_url.clear();
    m_storePath.clear();
}

void CaptureService::restart(const CaptureConfig &config)
{
    start(config);
}

void CaptureService::setSecret(const QByteArray &secret)
{
    m_config.secret = secret;
    if (m_worker)
        QMetaObject::invokeMethod(
            m_worker, [worker = m_worker, secret] { worker->setSecret(secret); }, Qt::QueuedConnection);
}

void CaptureService::setFailureDrill(const FailureDrill::Config &drill)
{
    m_config.drill = drill;
    if (m_worker)
        QMetaObject::invokeMethod(
            m_worker, [worker = m_worker, drill] { worker->setFailureDrill(drill); }, Qt::QueuedConnection);
}

void CaptureService::setNextEventId(qint64 id)
{
    m_nextEventId = id;
    if (m_worker)
        QMetaObject::invokeMethod(
            m_worker, [worker = m_worker, id] { worker->setNextEventId(id); }, Qt::QueuedConnection);
}

void CaptureService::importEvents(const QList<CapturedEvent> &events)
{
    if (events.isEmpty())
        return;
    if (m_worker) {
        QMetaObject::invokeMethod(
            m_worker, [worker = m_worker, events] { worker->importEvents(events); }, Qt::QueuedConnection);
        return;
    }
    // Not running: numbered here, and still handed over later, as when running.
    const QList<CapturedEvent> imported = CaptureServer::renumbered(events, m_nextEventId);
    QMetaObject::invokeMethod(
        this,
        [this, imported] {
            for (const CapturedEvent &event : imported)
                m_lastHandedOverId = std::max(m_lastHandedOverId, event.row.id);
            emit eventsCaptured(imported);
        },
        Qt::QueuedConnection);
}

void CaptureService::removeEvents(const QList<qint64> &ids)
{
    if (m_worker && !ids.isEmpty())
        QMetaObject::invokeMethod(
            m_worker, [worker = m_worker, ids] { worker->removeEvents(ids); }, Qt::QueuedConnection);
}

void CaptureService::removeAllEvents()
{
    // Only up to what the GUI has: a delivery committed meanwhile is still on its way to the
    // table, and must then be in the file too.
    if (m_worker)
        QMetaObject::invokeMethod(
            m_worker, [worker = m_worker, last = m_lastHandedOverId] { worker->removeEventsThrough(last); },
            Qt::QueuedConnection);
}

bool CaptureService::setStoreMaxPageCountForTesting(qint64 pages)
{
    bool done = false;
    if (m_worker)
        QMetaObject::invokeMethod(
            m_worker, [worker = m_worker, pages] { return worker->setStoreMaxPageCountForTesting(pages); },
            Qt::BlockingQueuedConnection, &done);
    return done;
}

void CaptureService::holdStoreCommitsForTesting(bool hold)
{
    if (m_worker)
        QMetaObject::invokeMethod(
            m_worker, [worker = m_worker, hold] { worker->holdStoreCommitsForTesting(hold); },
            Qt::BlockingQueuedConnection);
}

qsizetype CaptureService::storeBacklogForTesting() const
{
    qsizetype backlog = 0;
    if (m_worker)
        QMetaObject::invokeMethod(
            m_worker, [worker = m_worker] { return worker->storeBacklogForTesting(); }, Qt::BlockingQueuedConnection,
            &backlog);
    return backlog;
}
