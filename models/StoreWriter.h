#pragma once

#include "CapturedEvent.h"
#include "EventStore.h"

#include <QMutex>
#include <QObject>

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

    // Any thread.
    void enqueue(const QList<CapturedEvent> &events);

signals:
    // Emitted in the writer thread, in commit order.
    void committed(const QList<CapturedEvent> &events);
    void commitFailed(const QList<CapturedEvent> &events, const QString &error);
    void retentionApplied(qint64 removed);

private:
    void drain();
    void applyRetention();

    EventStore m_store;
    QMutex m_mutex;
    QList<CapturedEvent> m_pending;
    bool m_drainScheduled = false;
    Retention m_retention;
    qint64 m_committedSinceRetention = 0;
};
