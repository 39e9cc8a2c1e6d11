#include "StoreReader.h"

#include "EventStore.h"

#include <QMetaObject>
#include <QSqlDriver>
#include <QTimer>
#include <QVariant>

namespace {
constexpr int kWatchIntervalMs = 1000;
// PostgreSQL notifies every commit; a catch-up query this often is only a safety net.
constexpr int kSafetyNetTicks = 15;
constexpr int kReconcileDelayMs = 2000;
constexpr int kFirstReconnectDelayMs = 500;
constexpr int kMaxReconnectDelayMs = 10000;
} // namespace

// Lives in the reader thread; its EventStore connection is opened and used only there.
class StoreReader::Worker final : public QObject
{
public:
    QAtomicInteger<qint64> latestEventRequest = 0;
    QAtomicInteger<quint64> generation = 0;

    void setPath(const QString &path, quint64 gen)
    {
        stopFollowing();
        if (m_reconnectTimer)
            m_reconnectTimer->stop();
        m_lost = false;
        m_store.reset();
        m_path = path;
        m_generation = gen;
    }

    void setPollInterval(int ms) { m_pollIntervalMs = ms; }

    bool ensureOpen(StoreReader *owner)
    {
        if (m_store) {
            if (!m_lost && m_store->isConnectionLost())
                connectionLost(owner, m_store->errorString());
            return !m_lost;
        }
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

    void follow(StoreReader *owner, quint64 gen)
    {
        if (gen != generation.loadRelaxed() || !ensureOpen(owner))
            return;
        m_following = true;
        m_position = 0;
        qint64 total = 0;
        for (;;) {
            if (gen != generation.loadRelaxed())
                return;
            qint64 last = m_position;
            const QList<EventRow> rows = m_store->loadArrivedAfter(m_position, PageSize, &last);
            if (rows.isEmpty())
                break; // done, or the connection broke: watching notices and catches up
            m_position = last;
            total += rows.size();
            emitIfCurrent(owner, [owner, rows] { emit owner->rowsLoaded(rows); });
        }
        emitIfCurrent(owner, [owner, total] { emit owner->historyLoaded(total); });
        startWatching(owner);
    }

    void loadEvent(StoreReader *owner, qint64 id, quint64 gen)
    {
        // Arrow keys held down queue many requests: answer only the one the user ends on.
        if (id != latestEventRequest.loadRelaxed() || gen != generation.loadRelaxed())
            return;
        if (!ensureOpen(owner)) {
            if (m_lost)
                emitNotConnected(owner, id);
            return;
        }
        std::optional<CapturedEvent> event = m_store->loadEvent(id);
        if (event) {
            emitIfCurrent(owner, [owner, e = std::move(*event)] { emit owner->eventLoaded(e); });
        } else if (m_store->isConnectionLost()) {
            connectionLost(owner, m_store->errorString());
            emitNotConnected(owner, id);
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

    void emitNotConnected(StoreReader *owner, qint64 id)
    {
        emitIfCurrent(owner, [owner, id, where = m_store->location().displayName()] {
            emit owner->eventMissing(
                id, QStringLiteral("Not connected to the team database %1; reconnecting.").arg(where));
        });
    }

    void startWatching(StoreReader *owner)
    {
        m_owner = owner;
        if (!m_tick) {
            m_tick = new QTimer(this);
            connect(m_tick, &QTimer::timeout, this, [this] { onTick(); });
        }
        m_ticks = 0;
        m_notified = m_store->subscribeToArrivals();
        if (m_notified) {
            QSqlDriver *driver = m_store->driver();
            connect(driver, &QSqlDriver::notification, this,
                [this](const QString &, QSqlDriver::NotificationSource, const QVariant &payload) {
                    if (payload.toString() == EventStore::RemovedPayload)
                        scheduleReconcile();
                    else
                        scheduleCatchUp();
                });
            // A closed connection makes no signal (Qt 6.4's driver only logs "QSocketNotifier:
            // Invalid socket" once): onTick() looks at it every second.
        }
        m_tick->start(m_notified ? kWatchIntervalMs : m_pollIntervalMs);
        // Whatever was committed between the last history page and the LISTEN.
        catchUp();
    }

    void stopFollowing()
    {
        m_following = false;
        m_notified = false;
        if (m_tick)
            m_tick->stop();
        if (m_reconcileTimer)
            m_reconcileTimer->stop();
    }

    void onTick()
    {
        if (!m_following || !m_store || m_lost)
            return;
        if (m_store->isConnectionLost()) {
            connectionLost(m_owner, m_store->errorString());
            return;
        }
        if (!m_notified || ++m_ticks % kSafetyNetTicks == 0)
            catchUp();
    }

    void scheduleCatchUp()
    {
        if (std::exchange(m_catchUpQueued, true))
            return;
        QMetaObject::invokeMethod(
            this,
            [this] {
                m_catchUpQueued = false;
                catchUp();
            },
            Qt::QueuedConnection);
    }

    // Reading every id is not cheap on a large capture, and retention on a busy receiver deletes
    // often: one reconciliation for all deletions within kReconcileDelayMs.
    void scheduleReconcile()
    {
        if (!m_reconcileTimer) {
            m_reconcileTimer = new QTimer(this);
            m_reconcileTimer->setSingleShot(true);
            m_reconcileTimer->setInterval(kReconcileDelayMs);
            connect(m_reconcileTimer, &QTimer::timeout, this, [this] { reconcile(); });
        }
        if (!m_reconcileTimer->isActive())
            m_reconcileTimer->start();
    }

    // Every row committed so far goes out first, so the window holds all it will compare.
    void reconcile()
    {
        catchUp();
        if (!m_following || !m_store || m_lost)
            return;
        std::optional<QList<qint64>> ids = m_store->loadIds();
        if (!ids) {
            if (m_store->isConnectionLost())
                connectionLost(m_owner, m_store->errorString());
            return;
        }
        emitIfCurrent(m_owner, [owner = m_owner, ids = std::move(*ids)] { emit owner->rowsRemaining(ids); });
    }

    void catchUp()
    {
        if (!m_following || !m_store || m_lost)
            return;
        if (m_store->isConnectionLost()) {
            connectionLost(m_owner, m_store->errorString());
            return;
        }
        for (;;) {
            qint64 last = m_position;
            const QList<EventRow> rows = m_store->loadArrivedAfter(m_position, PageSize, &last);
            if (rows.isEmpty())
                break;
            m_position = last;
            emitIfCurrent(m_owner, [owner = m_owner, rows] { emit owner->rowsArrived(rows); });
            if (rows.size() < PageSize)
                break;
        }
        if (m_store->isConnectionLost())
            connectionLost(m_owner, m_store->errorString());
    }

    void connectionLost(StoreReader *owner, const QString &detail)
    {
        m_owner = owner;
        m_lost = true;
        m_notified = false;
        m_reconnectDelayMs = kFirstReconnectDelayMs;
        m_reconnectAttempts = 0;
        // Closing drops the driver and its socket notifier, which would otherwise keep firing.
        m_store->close();
        if (m_tick)
            m_tick->stop();
        if (!m_reconnectTimer) {
            m_reconnectTimer = new QTimer(this);
            m_reconnectTimer->setSingleShot(true);
            connect(m_reconnectTimer, &QTimer::timeout, this, [this] { tryReconnect(); });
        }
        m_reconnectTimer->start(m_reconnectDelayMs);
        const QString message
            = QStringLiteral("Lost the connection to the team database %1 (%2); trying again in 0.5 s")
                  .arg(m_store->location().displayName(),
                      detail.trimmed().isEmpty() ? QStringLiteral("the server closed it") : detail);
        emitIfCurrent(owner, [owner, message] { emit owner->connectionLost(message); });
    }

    void tryReconnect()
    {
        if (!m_lost || !m_store)
            return;
        ++m_reconnectAttempts;
        StoreReader *owner = m_owner;
        if (m_store->reconnect()) {
            m_lost = false;
            const QString message
                = QStringLiteral("Connected to the team database %1 again").arg(m_store->location().displayName());
            emitIfCurrent(owner, [owner, message] { emit owner->connectionRestored(message); });
            if (m_following)
                startWatching(owner); // LISTEN again, then fetch what was missed
            return;
        }
        m_reconnectDelayMs = std::min(m_reconnectDelayMs * 2, kMaxReconnectDelayMs);
        m_reconnectTimer->start(m_reconnectDelayMs);
        const QString message = QStringLiteral("%1. Attempt %2 failed; trying again in %3 s")
                                    .arg(m_store->errorString())
                                    .arg(m_reconnectAttempts)
                                    .arg(m_reconnectDelayMs / 1000.0);
        emitIfCurrent(owner, [owner, message] { emit owner->connectionLost(message); });
    }

    std::unique_ptr<EventStore> m_store;
    QString m_path;
    quint64 m_generation = 0;
    StoreReader *m_owner = nullptr;
    bool m_following = false;
    bool m_notified = false; // the store notifies commits (PostgreSQL); else it is polled
    bool m_catchUpQueued = false;
    QTimer *m_reconcileTimer = nullptr;
    bool m_lost = false;
    qint64 m_position = 0; // arrival position of the last row handed over while following
    int m_ticks = 0;
    int m_pollIntervalMs = 1000;
    int m_reconnectDelayMs = kFirstReconnectDelayMs;
    int m_reconnectAttempts = 0;
    QTimer *m_tick = nullptr;
    QTimer *m_reconnectTimer = nullptr;
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

void StoreReader::follow()
{
    const quint64 gen = m_generation;
    QMetaObject::invokeMethod(
        m_worker, [this, gen] { m_worker->follow(this, gen); }, Qt::QueuedConnection);
}

void StoreReader::loadEvent(qint64 id)
{
    const quint64 gen = m_generation;
    m_worker->latestEventRequest.storeRelaxed(id);
    QMetaObject::invokeMethod(
        m_worker, [this, id, gen] { m_worker->loadEvent(this, id, gen); }, Qt::QueuedConnection);
}

void StoreReader::setPollIntervalForTesting(int ms)
{
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker, ms] { w->setPollInterval(ms); }, Qt::QueuedConnection);
}
