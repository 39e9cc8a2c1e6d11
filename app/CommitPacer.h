#pragma once

#include <QtGlobal>
#include <deque>
#include <utility>

// Decides when the deliveries a CaptureServer has received go to the store writer, so that a
// slow disk costs as few flushes as possible.
//
// A delivery is answered only after its transaction committed, so every webhook sender waits for
// a commit before it sends again. With N senders the groups can never hold more than N events,
// and when each commit waits long for the disk (a flush of 4 ms is common on a busy virtual
// machine) the N senders tend to split into two groups that commit one after the other: two
// flushes per round. Holding the next group until the senders just answered have sent again
// makes that one flush per round, at the price of the time they take to come back.
//
// That price is only worth paying when a commit takes longer than the senders need to come back:
// with a fast disk the pacer stands aside and every pass of the server's event loop hands over
// what it received. The choice follows a running estimate of how long commits take, with
// hysteresis. Deliveries that arrive one at a time never wait: a hold ends as soon as the group
// is as large as the last round, and never lasts more than half a commit (MaxHoldNs at most).
//
// Pure bookkeeping: times are passed in (nanoseconds on any monotonic clock), nothing is
// scheduled here.
class CommitPacer
{
public:
    static constexpr qint64 SlowCommitNs = 1500000; // holding starts when commits take this long
    static constexpr qint64 FastCommitNs = 1000000; // and stops when they are back below this
    static constexpr qint64 MaxHoldNs = 3000000;

    // n events, the highest of them lastId, were given to the writer at nowNs.
    void handedOver(qsizetype n, qint64 lastId, qint64 nowNs);
    // The writer's outcome (committed or failed) for n events, the highest lastId, arrived at
    // nowNs; waiting events were received meanwhile and not handed over yet.
    void resolved(qsizetype n, qint64 lastId, qsizetype waiting, qint64 nowNs);
    // Whether the waiting events should go to the writer now. When not, they wait for the
    // outcome of what is in flight, or until holdDeadlineNs().
    bool shouldHandOver(qsizetype waiting, qint64 nowNs) const;
    // When a hold with nothing in flight ends at the latest.
    qint64 holdDeadlineNs() const { return m_deadlineNs; }

    bool isPacing() const { return m_pacing; }
    qint64 commitEstimateNs() const { return m_estimateNs; }
    qsizetype inFlight() const { return m_inFlight; }

private:
    std::deque<std::pair<qint64, qint64>> m_handOffs; // (highest id, time), oldest first
    qsizetype m_inFlight = 0;
    qint64 m_estimateNs = -1; // running average of hand-over to outcome; -1 before the first
    bool m_pacing = false;
    qsizetype m_target = 0; // the size of the last round: hold until the group is this large
    qint64 m_deadlineNs = 0;
};
