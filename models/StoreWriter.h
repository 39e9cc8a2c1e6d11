#pragma once

#include "CapturedEvent.h"
#include "EventStore.h"

#include <QMutex>
#include <QObject>

class QTimer;

// The one writer of a capture file, living in a thread of its own. Events queued from any thread
// are committed in groups: everything that arrived while the previous commit ran goes into the
// next transaction, so durability (synchronous=FULL) does not cap throughput at one fsync per event.
class StoreWriter final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StoreWriter)

public:
    struct Retention
    {
        qint64 maxEvents = 0; // 0 = no limit
        qint64 maxAgeMs = 0; // 0 = no limit
    };

    explicit StoreWriter(QObject *parent = nullptr);
    ~StoreWriter() override;

    // Writer thread only. On failure the reason is in the result and the file is untouched.
    bool open(const QString &path, QString *error, qint64 *maxId);
    void setRetention(const Retention &retention);
    // Deletes these events (the user deleted them from the table). False, with a warning, on error.
    bool remove(const QList<qint64> &ids);
    // Deletes every event with an id up to lastId; later ones (committed but not yet shown) stay.
    bool removeThrough(qint64 lastId);
    // Simulates a full disk (see EventStore::setMaxPageCountForTesting).
    bool setMaxPageCountForTesting(qint64 pages);

    // Any thread. Events are committed in the order they were queued.
    void enqueue(const QList<CapturedEvent> &events);
    void enqueue(const CapturedEvent &event);
    // Events queued and not yet taken into a transaction.
    qsizetype pendingCount() const;
    // While held, queued events wait instead of being committed, so a test can look at the state
    // between "received" and "on disk".
    void setHoldForTesting(bool hold);

signals:
    // Emitted in the writer thread, in commit order.
    void committed(const QList<CapturedEvent> &events);
    void commitFailed(const QList<CapturedEvent> &events, const QString &error);
    void retentionApplied(qint64 removed);

private:
    // Called with m_mutex held; true when the caller must schedule drain().
    bool claimDrain();
    void scheduleDrain();
    void drain();
    void applyRetention();

    EventStore m_store;
    mutable QMutex m_mutex;
    QList<CapturedEvent> m_pending; // guarded by m_mutex
    bool m_drainScheduled = false; // guarded by m_mutex
    bool m_hold = false; // guarded by m_mutex
    Retention m_retention;
    QTimer *m_retentionTimer = nullptr;
    qint64 m_committedSinceRetention = 0;
};
