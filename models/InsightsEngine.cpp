#include "InsightsEngine.h"

#include "EventAggregator.h"
#include "RequestTimes.h"
#include "StoreBodySource.h"

#include <QElapsedTimer>
#include <QMetaObject>
#include <QTimer>
#include <memory>
#include <vector>

// Lives in the engine's thread: the aggregator, the capture file connection and both timers are
// created, used and destroyed there only.
class InsightsEngine::Worker final : public QObject
{
public:
    explicit Worker(InsightsEngine *owner)
        : m_owner(owner)
    { }

    // Called in the worker thread once it runs (timers must belong to it).
    void start()
    {
        m_snapshotTimer = new QTimer(this);
        m_snapshotTimer->setSingleShot(true);
        connect(m_snapshotTimer, &QTimer::timeout, this, [this] { emitSnapshot(); });
        m_loadTimer = new QTimer(this);
        m_loadTimer->setSingleShot(true);
        m_loadTimer->setInterval(0);
        connect(m_loadTimer, &QTimer::timeout, this, [this] { loadSomeTimes(); });
        m_sinceEmit.start();
    }

    void appendEvents(const QList<CapturedEvent> &events)
    {
        QList<EventRow> rows;
        QList<RequestTimes> times;
        rows.reserve(events.size());
        times.reserve(events.size());
        for (const CapturedEvent &event : events) {
            rows.append(event.row);
            if (!hasRequestTimes(event.row))
                times.append(RequestTimes());
            else
                times.append(event.requestTimes ? *event.requestTimes : RequestTimes::fromBody(event.body));
        }
        m_aggregator.appendRows(rows, times);
        touch();
    }

    void appendRows(const QList<EventRow> &rows)
    {
        m_aggregator.appendRows(rows);
        if (!m_storePath.isEmpty()) {
            for (const EventRow &row : rows) {
                if (hasRequestTimes(row))
                    m_needTimes.push_back(row.id); // popped from the back: newest first
            }
            publishPending();
            if (!m_needTimes.empty())
                m_loadTimer->start();
        }
        touch();
    }

    void setStorePath(const QString &path)
    {
        if (path == m_storePath)
            return;
        m_storePath = path;
        m_source.reset(); // closes the old file in this thread, as Qt SQL requires
        m_needTimes.clear();
        publishPending();
    }

    void setFilter(const FilterQuery &query)
    {
        // Applied when the next snapshot is due: a burst of keystrokes re-aggregates once.
        m_pendingFilter = query;
        m_filterPending = true;
        touch();
    }

    void setKindVisible(EventKind kind, bool visible)
    {
        m_aggregator.setKindVisible(kind, visible);
        touch();
    }

    void addRejections(const QList<qint64> &receivedMs)
    {
        m_aggregator.addRejections(receivedMs);
        touch();
    }

    void removeIds(const QSet<qint64> &ids)
    {
        m_aggregator.removeIds(ids);
        touch();
    }

    void clear()
    {
        m_aggregator.clear();
        m_needTimes.clear();
        publishPending();
        touch();
    }

    InsightsSnapshot snapshotNow()
    {
        applyPendingFilter();
        return m_aggregator.snapshot();
    }

    void stop()
    {
        m_snapshotTimer->stop();
        m_loadTimer->stop();
        m_source.reset();
    }

private:
    static bool hasRequestTimes(const EventRow &row)
    {
        switch (row.kind) {
        case EventKind::Created:
        case EventKind::Updated:
        case EventKind::Escalated:
        case EventKind::Platform:
            return row.valid;
        case EventKind::Unknown:
        case EventKind::Invalid:
            break;
        }
        return false;
    }

    void publishPending() { m_owner->m_pendingTimeLoads.storeRelaxed(static_cast<int>(m_needTimes.size())); }

    void applyPendingFilter()
    {
        if (!m_filterPending)
            return;
        m_filterPending = false;
        m_aggregator.setFilter(m_pendingFilter);
    }

    // Something changed: a snapshot goes out now if none went out for a while, else when the
    // interval is up, so a flood of batches costs the GUI one redraw per interval.
    void touch()
    {
        if (m_snapshotTimer->isActive())
            return;
        const qint64 wait = qMax<qint64>(0, SnapshotIntervalMs - m_sinceEmit.elapsed());
        m_snapshotTimer->start(static_cast<int>(wait));
    }

    void emitSnapshot()
    {
        applyPendingFilter();
        const InsightsSnapshot snapshot = m_aggregator.snapshot();
        m_sinceEmit.restart();
        InsightsEngine *owner = m_owner;
        QMetaObject::invokeMethod(
            owner, [owner, snapshot] { owner->deliver(snapshot); }, Qt::QueuedConnection);
    }

    void loadSomeTimes()
    {
        if (!m_source && !m_storePath.isEmpty())
            m_source = std::make_unique<StoreBodySource>(m_storePath);
        bool changed = false;
        for (int n = 0; n < TimesPerStep && !m_needTimes.empty() && m_source; ++n) {
            const qint64 id = m_needTimes.back();
            m_needTimes.pop_back();
            if (!m_aggregator.contains(id) || m_aggregator.hasTimes(id))
                continue;
            const std::optional<CapturedEvent> event = m_source->load(id);
            if (!event)
                continue; // deleted meanwhile, or unreadable: the row simply has no times
            const RequestTimes times = RequestTimes::fromBody(event->body);
            if (!times.isEmpty()) {
                m_aggregator.setTimes(id, times);
                changed = true;
            }
        }
        publishPending();
        if (changed)
            touch();
        if (!m_needTimes.empty())
            m_loadTimer->start();
    }

    InsightsEngine *m_owner;
    EventAggregator m_aggregator;
    FilterQuery m_pendingFilter;
    bool m_filterPending = false;
    QString m_storePath;
    std::unique_ptr<EventBodySource> m_source;
    std::vector<qint64> m_needTimes;
    QTimer *m_snapshotTimer = nullptr;
    QTimer *m_loadTimer = nullptr;
    QElapsedTimer m_sinceEmit;
};

InsightsEngine::InsightsEngine(QObject *parent)
    : QObject(parent)
    , m_worker(new Worker(this))
{
    m_thread.setObjectName(QStringLiteral("thena-insights"));
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start();
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker] { w->start(); }, Qt::QueuedConnection);
}

InsightsEngine::~InsightsEngine()
{
    // The capture file connection and the timers must go in the thread that made them.
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker] { w->stop(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

void InsightsEngine::appendEvents(const QList<CapturedEvent> &events)
{
    if (events.isEmpty())
        return;
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker, events] { w->appendEvents(events); }, Qt::QueuedConnection);
}

void InsightsEngine::appendRows(const QList<EventRow> &rows)
{
    if (rows.isEmpty())
        return;
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker, rows] { w->appendRows(rows); }, Qt::QueuedConnection);
}

void InsightsEngine::setStorePath(const QString &path)
{
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker, path] { w->setStorePath(path); }, Qt::QueuedConnection);
}

void InsightsEngine::setFilter(const FilterQuery &query)
{
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker, query] { w->setFilter(query); }, Qt::QueuedConnection);
}

void InsightsEngine::setKindVisible(EventKind kind, bool visible)
{
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker, kind, visible] { w->setKindVisible(kind, visible); }, Qt::QueuedConnection);
}

void InsightsEngine::addRejections(const QList<qint64> &receivedMs)
{
    if (receivedMs.isEmpty())
        return;
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker, receivedMs] { w->addRejections(receivedMs); }, Qt::QueuedConnection);
}

void InsightsEngine::removeIds(const QSet<qint64> &ids)
{
    if (ids.isEmpty())
        return;
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker, ids] { w->removeIds(ids); }, Qt::QueuedConnection);
}

void InsightsEngine::clear()
{
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker] { w->clear(); }, Qt::QueuedConnection);
}

InsightsSnapshot InsightsEngine::snapshotNow()
{
    InsightsSnapshot result;
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker, &result] { result = w->snapshotNow(); }, Qt::BlockingQueuedConnection);
    return result;
}

void InsightsEngine::deliver(const InsightsSnapshot &snapshot)
{
    m_latest = snapshot;
    emit snapshotReady(snapshot);
}
