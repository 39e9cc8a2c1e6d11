#include "CaptureWorker.h"

#include "CaptureServer.h"
#include "StoreLocation.h"
#include "StoreWriter.h"

#include <QThread>
#include <algorithm>

namespace {
constexpr qint64 kDayMs = 24LL * 60 * 60 * 1000;
} // namespace

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

    qint64 nextEventId = resume.nextEventId;
    if (!config.storePath.isEmpty()) {
        QString error;
        qint64 maxId = 0;
        if (openStore(config, &error, &maxId)) {
            // A team database hands each receiver a block of ids and maxId is where ours starts:
            // an id carried over from another capture would fall outside it and be refused.
            nextEventId
                = StoreLocation::isPostgreSqlUrl(config.storePath) ? maxId + 1 : std::max(nextEventId, maxId + 1);
            connect(m_writer, &StoreWriter::connectionLost, this,
                [this](const QString &message) { emit storeConnectionChanged(false, message); });
            connect(m_writer, &StoreWriter::connectionRestored, this,
                [this](const QString &message) { emit storeConnectionChanged(true, message); });
            connect(m_writer, &StoreWriter::retentionApplied, this, [this](qint64, qint64 throughId) {
                if (throughId > 0)
                    emit retentionApplied(throughId);
            });
            emit storeOpened(config.storePath, maxId);
        } else {
            emit storeFailed(error);
            if (config.requireStore) {
                emit failed(error);
                return;
            }
        }
    }

    auto server = std::make_unique<CaptureServer>();
    server->setNextEventId(nextEventId);
    server->setStats(resume.stats);
    server->setStoreWriter(m_writer);
    connect(server.get(), &CaptureServer::eventsCaptured, this, &CaptureWorker::eventsCaptured);
    connect(server.get(), &CaptureServer::statsChanged, this, &CaptureWorker::statsChanged);
    connect(server.get(), &CaptureServer::storeError, this, &CaptureWorker::storeError);
    if (!server->listen(config)) {
        const QString message = server->errorString();
        server.reset();
        closeStore();
        emit failed(message);
        return;
    }
    m_server = std::move(server);
    emit listening(m_server->url());
}

bool CaptureWorker::openStore(const CaptureConfig &config, QString *error, qint64 *maxId)
{
    m_storeThread = new QThread;
    m_storeThread->setObjectName(QStringLiteral("thena-store"));
    m_writer = new StoreWriter;
    m_writer->moveToThread(m_storeThread);
    // Deleted in its own thread, where its SQLite connection was made.
    connect(m_storeThread, &QThread::finished, m_writer, &QObject::deleteLater);
    m_storeThread->start();

    StoreWriter::Retention retention;
    retention.maxEvents = std::max<qint64>(0, config.retainEvents);
    retention.maxAgeMs = std::max<qint64>(0, config.retainDays) * kDayMs;
    bool opened = false;
    // Blocking: nothing may be accepted before we know whether it can be stored. Only this
    // thread waits; the GUI thread does not.
    QMetaObject::invokeMethod(
        m_writer,
        [writer = m_writer, path = config.storePath, retention, error, maxId, &opened] {
            writer->setRetention(retention);
            opened = writer->open(path, error, maxId);
        },
        Qt::BlockingQueuedConnection);
    if (!opened)
        closeStore();
    return opened;
}

void CaptureWorker::closeStore()
{
    if (!m_storeThread)
        return;
    m_storeThread->quit();
    m_storeThread->wait();
    delete m_storeThread;
    m_storeThread = nullptr;
    m_writer = nullptr;
}

void CaptureWorker::setSecret(const QByteArray &secret)
{
    if (m_server)
        m_server->setSecret(secret);
}

void CaptureWorker::setFailureDrill(const FailureDrill::Config &drill)
{
    if (m_server)
        m_server->setFailureDrill(drill);
}

void CaptureWorker::setNextEventId(qint64 id)
{
    m_resume.nextEventId = id;
    if (m_server)
        m_server->setNextEventId(id);
}

CaptureResumePoint CaptureWorker::shutdown()
{
    // Whatever was accepted is committed and answered before the server goes, even in a test
    // that left the writer held.
    if (m_writer)
        m_writer->setHoldForTesting(false);
    if (m_server) {
        m_server->close();
        m_resume.nextEventId = m_server->nextEventId();
        m_resume.stats = m_server->stats();
        m_server.reset();
    }
    closeStore();
    return m_resume;
}

void CaptureWorker::importEvents(const QList<CapturedEvent> &events)
{
    if (m_server) {
        m_server->importEvents(events);
        return;
    }
    if (!events.isEmpty())
        emit eventsCaptured(CaptureServer::renumbered(events, m_resume.nextEventId));
}

void CaptureWorker::removeEvents(const QList<qint64> &ids)
{
    if (m_writer)
        QMetaObject::invokeMethod(
            m_writer, [writer = m_writer, ids] { writer->remove(ids); }, Qt::QueuedConnection);
}

void CaptureWorker::removeEventsThrough(qint64 lastId)
{
    if (m_writer)
        QMetaObject::invokeMethod(
            m_writer, [writer = m_writer, lastId] { writer->removeThrough(lastId); }, Qt::QueuedConnection);
}

bool CaptureWorker::setStoreMaxPageCountForTesting(qint64 pages)
{
    if (!m_writer)
        return false;
    bool done = false;
    QMetaObject::invokeMethod(
        m_writer, [writer = m_writer, pages, &done] { done = writer->setMaxPageCountForTesting(pages); },
        Qt::BlockingQueuedConnection);
    return done;
}

void CaptureWorker::holdStoreCommitsForTesting(bool hold)
{
    if (m_writer)
        m_writer->setHoldForTesting(hold);
}

qsizetype CaptureWorker::storeBacklogForTesting() const
{
    return (m_writer ? m_writer->pendingCount() : 0) + (m_server ? m_server->unhandedCount() : 0);
}
