#pragma once

#include "CapturedEvent.h"
#include "EventKind.h"
#include "FilterQuery.h"
#include "InsightsSnapshot.h"

#include <QAtomicInteger>
#include <QObject>
#include <QSet>
#include <QThread>

// Runs an EventAggregator on a thread of its own, so neither parsing bodies for request times
// nor re-aggregating every row after a filter edit ever runs on the GUI thread. Owned and fed
// from the GUI thread; every call returns at once (the work is queued, in order). Results come
// back as snapshotReady(), at most every SnapshotIntervalMs however fast batches arrive.
//
// Request times: appendEvents() parses them from the bodies it is given; appendRows() has no
// bodies, so with a capture file set (setStorePath) the engine reads those rows' bodies from the
// file in the background, newest first, in small steps between other work.
class InsightsEngine final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(InsightsEngine)

public:
    // About ten redraws a second: live enough to watch, cheap enough at any delivery rate.
    static constexpr int SnapshotIntervalMs = 100;
    // Bodies read from the capture file per step before queued work gets its turn.
    static constexpr int TimesPerStep = 200;

    explicit InsightsEngine(QObject *parent = nullptr);
    ~InsightsEngine() override;

    // Live deliveries: rows now, request times from their bodies on the engine's thread.
    void appendEvents(const QList<CapturedEvent> &events);
    // Rows without bodies (history read from a capture file).
    void appendRows(const QList<EventRow> &rows);
    // The capture file to read missing bodies from; empty for none (memory mode).
    void setStorePath(const QString &path);
    void setFilter(const FilterQuery &query);
    void setKindVisible(EventKind kind, bool visible);
    void addRejections(const QList<qint64> &receivedMs);
    void removeIds(const QSet<qint64> &ids);
    void clear();

    // The last snapshot delivered by snapshotReady().
    const InsightsSnapshot &snapshot() const { return m_latest; }
    // Blocks until everything queued so far is aggregated and answers the snapshot at that point
    // (without waiting for bodies still to be read from the capture file). For tests and benches.
    InsightsSnapshot snapshotNow();
    // Rows whose bodies are still to be read from the capture file.
    int pendingTimeLoads() const { return m_pendingTimeLoads.loadRelaxed(); }

signals:
    void snapshotReady(const InsightsSnapshot &snapshot);

private:
    class Worker;

    void deliver(const InsightsSnapshot &snapshot);

    QThread m_thread;
    Worker *m_worker;
    InsightsSnapshot m_latest;
    QAtomicInteger<int> m_pendingTimeLoads = 0;
};
