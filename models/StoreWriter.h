#pragma once

#include "CapturedEvent.h"
#include "EventStore.h"

#include <QMutex>
#include <QObject>

class QTimer;

// The one writer of a capture file (or this receiver's writer into a team's PostgreSQL database),
// living in a thread of its own. Events queued from any thread are committed in groups:
// everything that arrived while the previous commit ran goes into the next transaction, so
// durability (synchronous=FULL, or a PostgreSQL commit) does not cap throughput at one flush per
// event.
//
// A lost PostgreSQL connection is reported (connectionLost(), a sentence for the status bar) and
// retried with backoff, 0.5 s doubling up to 10 s; meanwhile every group fails at once with
// commitFailed(), so its deliveries are answered 503 and Thena sends them again: nothing that
// was acknowledged is lost, and nothing waits for a server that is not there.
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

    // Writer thread only. location: a file path or a postgresql:// URL (see StoreLocation). On
    // failure the reason is in the result and the store is untouched. *maxId is the id the
    // numbering continues after: the file's highest id, or for PostgreSQL the id before this
    // writer's own block (EventStore::claimIdRange), so receivers sharing a database never
    // collide. Events with ids outside that block are refused (commitFailed).
    bool open(const QString &location, QString *error, qint64 *maxId);
    StoreLocation location() const { return m_store.location(); }
    EventStore::IdRange idRange() const { return m_ids; }
    // False while a lost PostgreSQL connection is being retried.
    bool isConnected() const { return !m_reconnecting; }
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
    // throughId: every id up to it is gone (SQLite), or 0 when the removed ids are no such prefix
    // (PostgreSQL, where ids come in blocks per receiver).
    void retentionApplied(qint64 removed, qint64 throughId);
    // PostgreSQL: the connection is gone (emitted again after each failed attempt, with the next
    // try's delay), and back. Sentences for the status bar and the headless log.
    void connectionLost(const QString &message);
    void connectionRestored(const QString &message);

private:
    // Called with m_mutex held; true when the caller must schedule drain().
    bool claimDrain();
    void scheduleDrain();
    void drain();
    void applyRetention();
    // Commits one group, reconnecting once at once if the connection turns out to be gone (the
    // server restarted while we were idle); false when it still cannot.
    bool commitGroup(const QList<CapturedEvent> &group);
    void startReconnecting(const QString &reason);
    void tryReconnect();

    EventStore m_store;
    EventStore::IdRange m_ids;
    bool m_reconnecting = false;
    int m_reconnectDelayMs = 0;
    int m_reconnectAttempts = 0;
    QString m_lostReason;
    QTimer *m_reconnectTimer = nullptr;
    mutable QMutex m_mutex;
    QList<CapturedEvent> m_pending; // guarded by m_mutex
    bool m_drainScheduled = false; // guarded by m_mutex
    bool m_hold = false; // guarded by m_mutex
    Retention m_retention;
    QTimer *m_retentionTimer = nullptr;
    qint64 m_committedSinceRetention = 0;
};
