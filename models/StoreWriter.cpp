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
} // namespace

StoreWriter::StoreWriter(QObject *parent)
    : QObject(parent)
{ }

StoreWriter::~StoreWriter() = default;

bool StoreWriter::open(const QString &path, QString *error, qint64 *maxId)
{
    if (!m_store.open(path)) {
        if (error)
            *error = m_store.errorString();
        return false;
    }
    if (maxId)
        *maxId = m_store.maxId();
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
        if (m_store.insert(group)) {
            emit committed(group);
            m_committedSinceRetention += group.size();
            if (m_committedSinceRetention >= kRetentionEvery)
                applyRetention();
        } else {
            emit commitFailed(group, m_store.errorString());
        }
    }
}

void StoreWriter::applyRetention()
{
    m_committedSinceRetention = 0;
    if (!m_store.isOpen() || (m_retention.maxEvents <= 0 && m_retention.maxAgeMs <= 0))
        return;
    const qint64 removed
        = m_store.applyRetention(m_retention.maxEvents, m_retention.maxAgeMs, QDateTime::currentMSecsSinceEpoch());
    if (removed > 0)
        emit retentionApplied(removed);
}
