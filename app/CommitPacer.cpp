#include "CommitPacer.h"

#include <algorithm>

void CommitPacer::handedOver(qsizetype n, qint64 lastId, qint64 nowNs)
{
    if (n <= 0)
        return;
    m_inFlight += n;
    m_handOffs.emplace_back(lastId, nowNs);
}

void CommitPacer::resolved(qsizetype n, qint64 lastId, qsizetype waiting, qint64 nowNs)
{
    m_inFlight = std::max<qsizetype>(0, m_inFlight - n);
    // Outcomes come in id order; the oldest hand-over this outcome covers says how long it took
    // (a busy writer may have merged several hand-overs into one transaction).
    qint64 handedAtNs = -1;
    while (!m_handOffs.empty() && m_handOffs.front().first <= lastId) {
        if (handedAtNs < 0)
            handedAtNs = m_handOffs.front().second;
        m_handOffs.pop_front();
    }
    if (m_inFlight == 0)
        m_handOffs.clear(); // nothing can be outstanding: forget records an odd outcome left
    if (handedAtNs >= 0) {
        const qint64 sample = std::max<qint64>(0, nowNs - handedAtNs);
        // A running average over about eight commits: one slow checkpoint does not flip the mode.
        m_estimateNs = m_estimateNs < 0 ? sample : m_estimateNs + (sample - m_estimateNs) / 8;
        if (!m_pacing && m_estimateNs >= SlowCommitNs)
            m_pacing = true;
        else if (m_pacing && m_estimateNs < FastCommitNs)
            m_pacing = false;
    }
    if (m_inFlight == 0) {
        // Everyone just answered may send again, and those waiting are still here: that is the
        // round the next group should hold.
        m_target = n + waiting;
        m_deadlineNs = nowNs + std::min(MaxHoldNs, std::max<qint64>(0, m_estimateNs) / 2);
    }
}

bool CommitPacer::shouldHandOver(qsizetype waiting, qint64 nowNs) const
{
    if (waiting <= 0)
        return false;
    if (!m_pacing)
        return true;
    if (m_inFlight > 0)
        return false; // the next group forms while this one commits: one flush per round
    return waiting >= m_target || nowNs >= m_deadlineNs;
}
