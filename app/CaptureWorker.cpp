#include "CaptureWorker.h"

#include "CaptureServer.h"

CaptureWorker::CaptureWorker(QObject *parent)
    : QObject(parent)
{ }

CaptureWorker::~CaptureWorker()
{
    shutdown();
}

void CaptureWorker::start(const CaptureConfig &config, const CaptureResumePoint &resume)
{
    shutdown();
    m_resume = resume;

    auto server = std::make_unique<CaptureServer>();
    server->setNextEventId(resume.nextEventId);
    server->setStats(resume.stats);
    connect(server.get(), &CaptureServer::eventsCaptured, this, &CaptureWorker::eventsCaptured);
    connect(server.get(), &CaptureServer::statsChanged, this, &CaptureWorker::statsChanged);
    if (!server->listen(config)) {
        emit failed(server->errorString());
        return;
    }
    m_server = std::move(server);
    emit listening(m_server->url());
}

void CaptureWorker::setSecret(const QByteArray &secret)
{
    if (m_server)
        m_server->setSecret(secret);
}

void CaptureWorker::setNextEventId(qint64 id)
{
    m_resume.nextEventId = id;
    if (m_server)
        m_server->setNextEventId(id);
}

CaptureResumePoint CaptureWorker::shutdown()
{
    if (m_server) {
        m_server->close();
        m_resume.nextEventId = m_server->nextEventId();
        m_resume.stats = m_server->stats();
        m_server.reset();
    }
    return m_resume;
}
