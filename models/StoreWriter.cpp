#include "StoreWriter.h"

#include <QDateTime>
#include <QMetaObject>

namespace {
// Retention runs after this many committed events, so it costs nothing per event.
constexpr qint64 kRetentionEvery = 1000;
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
    return true;
}

void StoreWriter::setRetention(const Retention &retention)
{
    m_retention = retention;
    applyRetention();
}

void StoreWriter::enqueue(const QList<CapturedEvent> &events)
{
    if (events.isEmpty())
        return;
    bool schedule = false;
    {
        QMutexLocker lock(&m_mutex);
        m_pending += events;
        schedule = !std::exchange(m_drainScheduled, true);
    }
    if (schedule)
        QMetaObject::invokeMethod(this, &StoreWriter::drain, Qt::QueuedConnection);
}

void StoreWriter::drain()
{
    for (;;) {
        QList<CapturedEvent> group;
        {
            QMutexLocker lock(&m_mutex);
            group = std::exchange(m_pending, {});
            if (group.isEmpty()) {
                m_drainScheduled = false;
                return;
            }
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
