#include "StoreWriter.h"

#include <QDateTime>
#include <QMetaObject>
#include <QTimer>
#include <limits>
#include <utility>

namespace {
// Retention runs after this many committed events, so it costs nothing per event.
constexpr qint64 kRetentionEvery = 1000;
constexpr int kRetentionIntervalMs = 10 * 60 * 1000;
constexpr int kFirstReconnectDelayMs = 500;
constexpr int kMaxReconnectDelayMs = 10000;

QString secondsText(int ms)
{
    return ms < 1000 ? QStringLiteral("%1 s").arg(ms / 1000.0, 0, 'f', 1) : QStringLiteral("%1 s").arg(ms / 1000);
}
} // namespace

StoreWriter::StoreWriter(QObject *parent)
    : QObject(parent)
{ }

StoreWriter::~StoreWriter() = default;

bool StoreWriter::open(const QString &location, QString *error, qint64 *maxId)
{
    m_reconnecting = false;
    if (m_reconnectTimer)
        m_reconnectTimer->stop();
    std::optional<EventStore::IdRange> ids;
    if (m_store.open(location))
        ids = m_store.claimIdRange();
    if (!ids) {
        if (error)
            *error = m_store.errorString();
        m_store.close();
        return false;
    }
    m_ids = *ids;
    if (maxId)
        *maxId = m_ids.first - 1;
    applyRetention();
    // Age-based retention must also run while nothing arrives.
    if (!m_retentionTimer) {
        m_retentionTimer = new QTimer(this);
        m_retentionTimer->setInterval(kRetentionIntervalMs);
        connect(m_retentionTimer, &QTimer::timeout, this, &StoreWriter::applyRetention);
    }
    m_retentionTimer->start();
    return true;
}

void StoreWriter::setRetention(const Retention &retention)
{
    m_retention = retention;
    applyRetention();
}

bool StoreWriter::remove(const QList<qint64> &ids)
{
    if (ids.isEmpty())
        return true;
    if (m_store.remove(ids))
        return true;
    qWarning("thena-inspector: %s", qPrintable(m_store.errorString()));
    return false;
}

bool StoreWriter::removeThrough(qint64 lastId)
{
    const bool ok = m_store.removeThrough(lastId);
    if (!ok)
        qWarning("thena-inspector: %s", qPrintable(m_store.errorString()));
    return ok;
}

bool StoreWriter::setMaxPageCountForTesting(qint64 pages)
{
    return m_store.setMaxPageCountForTesting(pages);
}

bool StoreWriter::claimDrain()
{
    return !m_hold && !m_pending.isEmpty() && !std::exchange(m_drainScheduled, true);
}

void StoreWriter::scheduleDrain()
{
    QMetaObject::invokeMethod(this, &StoreWriter::drain, Qt::QueuedConnection);
}

void StoreWriter::enqueue(const QList<CapturedEvent> &events)
{
    if (events.isEmpty())
        return;
    bool schedule = false;
    {
        QMutexLocker lock(&m_mutex);
        m_pending += events;
        schedule = claimDrain();
    }
    if (schedule)
        scheduleDrain();
}

void StoreWriter::enqueue(const CapturedEvent &event)
{
    bool schedule = false;
    {
        QMutexLocker lock(&m_mutex);
        m_pending.append(event);
        schedule = claimDrain();
    }
    if (schedule)
        scheduleDrain();
}

qsizetype StoreWriter::pendingCount() const
{
    QMutexLocker lock(&m_mutex);
    return m_pending.size();
}

void StoreWriter::setHoldForTesting(bool hold)
{
    bool schedule = false;
    {
        QMutexLocker lock(&m_mutex);
        m_hold = hold;
        schedule = claimDrain();
    }
    if (schedule)
        scheduleDrain();
}

void StoreWriter::drain()
{
    for (;;) {
        QList<CapturedEvent> group;
        {
            QMutexLocker lock(&m_mutex);
            if (m_hold || m_pending.isEmpty()) {
                m_drainScheduled = false;
                return;
            }
            group = std::exchange(m_pending, {});
        }
        // Another receiver numbers from the next block: an id past ours must never be written.
        QList<CapturedEvent> outside;
        for (qsizetype i = group.size() - 1; i >= 0; --i) {
            if (!m_ids.contains(group.at(i).row.id))
                outside.prepend(group.takeAt(i));
        }
        if (!outside.isEmpty())
            emit commitFailed(outside,
                QStringLiteral("event id %1 is outside this receiver's ids (%2 to %3); restart the receiver")
                    .arg(outside.constFirst().row.id)
                    .arg(m_ids.first)
                    .arg(m_ids.last));
        if (group.isEmpty())
            continue;
        if (m_reconnecting) {
            emit commitFailed(group, m_lostReason);
            continue;
        }
        if (commitGroup(group)) {
            emit committed(group);
            m_committedSinceRetention += group.size();
            if (m_committedSinceRetention >= kRetentionEvery)
                applyRetention();
        } else {
            emit commitFailed(group, m_reconnecting ? m_lostReason : m_store.errorString());
        }
    }
}

bool StoreWriter::commitGroup(const QList<CapturedEvent> &group)
{
    if (m_store.insert(group))
        return true;
    if (!m_store.isConnectionLost())
        return false;
    // Often the server only restarted while we were idle: one fresh connection, one more try.
    // Nothing of this group was committed unless the connection broke during COMMIT itself: the
    // ids are this writer's alone, so finding them all means that COMMIT went through.
    const QString reason = m_store.errorString();
    if (m_store.reconnect()) {
        QList<qint64> ids;
        ids.reserve(group.size());
        for (const CapturedEvent &event : group)
            ids.append(event.row.id);
        const qint64 stored = m_store.countIds(ids);
        if (stored == ids.size() || (stored == 0 && m_store.insert(group)))
            return true;
    }
    if (m_store.isOpen())
        return false; // connected, but the commit failed for another reason
    startReconnecting(reason);
    return false;
}

void StoreWriter::startReconnecting(const QString &reason)
{
    m_store.close();
    m_reconnecting = true;
    m_reconnectAttempts = 0;
    m_reconnectDelayMs = kFirstReconnectDelayMs;
    m_lostReason = QStringLiteral("%1; reconnecting").arg(reason);
    if (!m_reconnectTimer) {
        m_reconnectTimer = new QTimer(this);
        m_reconnectTimer->setSingleShot(true);
        connect(m_reconnectTimer, &QTimer::timeout, this, &StoreWriter::tryReconnect);
    }
    m_reconnectTimer->start(m_reconnectDelayMs);
    emit connectionLost(QStringLiteral("%1. Trying again in %2; deliveries are answered 503 until it is back.")
                            .arg(reason, secondsText(m_reconnectDelayMs)));
}

void StoreWriter::tryReconnect()
{
    if (!m_reconnecting)
        return;
    ++m_reconnectAttempts;
    if (m_store.reconnect()) {
        m_reconnecting = false;
        emit connectionRestored(
            QStringLiteral("Connected to the team database %1 again").arg(m_store.location().displayName()));
        bool schedule = false;
        {
            QMutexLocker lock(&m_mutex);
            schedule = claimDrain();
        }
        if (schedule)
            scheduleDrain();
        return;
    }
    const QString reason = m_store.errorString();
    m_lostReason = QStringLiteral("%1; reconnecting").arg(reason);
    m_reconnectDelayMs = std::min(m_reconnectDelayMs * 2, kMaxReconnectDelayMs);
    m_reconnectTimer->start(m_reconnectDelayMs);
    emit connectionLost(QStringLiteral("%1. Attempt %2 failed; trying again in %3; deliveries are answered 503 until "
                                       "it is back.")
                            .arg(reason)
                            .arg(m_reconnectAttempts)
                            .arg(secondsText(m_reconnectDelayMs)));
}

void StoreWriter::applyRetention()
{
    m_committedSinceRetention = 0;
    if (!m_store.isOpen() || (m_retention.maxEvents <= 0 && m_retention.maxAgeMs <= 0))
        return;
    qint64 throughId = 0;
    const qint64 removed = m_store.applyRetention(
        m_retention.maxEvents, m_retention.maxAgeMs, QDateTime::currentMSecsSinceEpoch(), &throughId);
    if (removed > 0)
        emit retentionApplied(removed, throughId);
}
