#include "StoreReader.h"

#include "EventStore.h"

#include <QMetaObject>

// Lives in the reader thread; its EventStore connection is opened and used only there.
class StoreReader::Worker final : public QObject
{
public:
    QAtomicInteger<qint64> latestEventRequest = 0;
    QAtomicInteger<quint64> generation = 0;

    void setPath(const QString &path, quint64 gen)
    {
        m_store.reset();
        m_path = path;
        m_generation = gen;
    }

    bool ensureOpen(StoreReader *owner)
    {
        if (m_store)
            return true;
        if (m_path.isEmpty())
            return false;
        auto store = std::make_unique<EventStore>();
        if (!store->open(m_path, EventStore::Mode::ReadOnly)) {
            emitIfCurrent(owner, [owner, message = store->errorString()] { emit owner->failed(message); });
            return false;
        }
        m_store = std::move(store);
        return true;
    }

    void loadHistory(StoreReader *owner, qint64 upToId, quint64 gen)
    {
        if (gen != generation.loadRelaxed() || !ensureOpen(owner))
            return;
        qint64 after = 0;
        qint64 total = 0;
        for (;;) {
            if (gen != generation.loadRelaxed())
                return; // another file was opened meanwhile
            QList<EventRow> rows = m_store->loadRowsAfter(after, PageSize);
            while (!rows.isEmpty() && rows.constLast().id > upToId)
                rows.removeLast();
            if (rows.isEmpty())
                break;
            after = rows.constLast().id;
            total += rows.size();
            emitIfCurrent(owner, [owner, rows] { emit owner->rowsLoaded(rows); });
            if (after >= upToId)
                break;
        }
        emitIfCurrent(owner, [owner, total] { emit owner->historyLoaded(total); });
    }

    void loadEvent(StoreReader *owner, qint64 id, quint64 gen)
    {
        // Arrow keys held down queue many requests: answer only the one the user ends on.
        if (id != latestEventRequest.loadRelaxed() || gen != generation.loadRelaxed())
            return;
        if (!ensureOpen(owner))
            return;
        std::optional<CapturedEvent> event = m_store->loadEvent(id);
        if (event) {
            emitIfCurrent(owner, [owner, e = std::move(*event)] { emit owner->eventLoaded(e); });
        } else {
            emitIfCurrent(owner, [owner, id] {
                emit owner->eventMissing(id, QStringLiteral("Event %1 is no longer in the capture.").arg(id));
            });
        }
    }

private:
    template <typename F> void emitIfCurrent(StoreReader *owner, F &&f)
    {
        // Queued to the owner's thread, checked there again so a result for an old file never lands.
        const quint64 gen = m_generation;
        QMetaObject::invokeMethod(
            owner,
            [owner, gen, f = std::forward<F>(f)] {
                if (gen == owner->m_generation)
                    f();
            },
            Qt::QueuedConnection);
    }

    std::unique_ptr<EventStore> m_store;
    QString m_path;
    quint64 m_generation = 0;
};

StoreReader::StoreReader(QObject *parent)
    : QObject(parent)
    , m_worker(new Worker)
{
    m_thread.setObjectName(QStringLiteral("thena-store-reader"));
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start();
}

StoreReader::~StoreReader()
{
    // The worker's EventStore must close in the thread that opened it.
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker] { w->setPath({}, 0); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

void StoreReader::setPath(const QString &path)
{
    m_path = path;
    const quint64 gen = ++m_generation;
    m_worker->generation.storeRelaxed(gen);
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker, path, gen] { w->setPath(path, gen); }, Qt::QueuedConnection);
}

void StoreReader::loadHistory(qint64 upToId)
{
    const quint64 gen = m_generation;
    QMetaObject::invokeMethod(
        m_worker, [this, upToId, gen] { m_worker->loadHistory(this, upToId, gen); }, Qt::QueuedConnection);
}

void StoreReader::loadEvent(qint64 id)
{
    const quint64 gen = m_generation;
    m_worker->latestEventRequest.storeRelaxed(id);
    QMetaObject::invokeMethod(
        m_worker, [this, id, gen] { m_worker->loadEvent(this, id, gen); }, Qt::QueuedConnection);
}
