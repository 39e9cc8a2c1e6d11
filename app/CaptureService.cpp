#include "CaptureService.h"

#include "CaptureWorker.h"

#include <QThread>

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

    connect(m_worker, &CaptureWorker::eventsCaptured, this, &CaptureService::eventsCaptured);
    connect(m_worker, &CaptureWorker::statsChanged, this, &CaptureService::statsChanged);
    connect(m_worker, &CaptureWorker::listening, this, [this, run](const QUrl &url) {
        if (run != m_run)
            return;
        m_listening = true;
        m_url = url;
        emit listening(url);
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

void CaptureService::setNextEventId(qint64 id)
{
    m_nextEventId = id;
    if (m_worker)
        QMetaObject::invokeMethod(
            m_worker, [worker = m_worker, id] { worker->setNextEventId(id); }, Qt::QueuedConnection);
}
