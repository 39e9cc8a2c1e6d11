#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QtGlobal>
#include <deque>

// How one delivery relates to earlier ones with the same identity.
struct RetryInfo
{
    qint32 attempt = 1; // 1 for a first delivery, 2.. for retries
    qint64 retryOf = 0; // event id of the FIRST attempt when this is a retry, else 0
    qint32 gapSeconds = -1; // seconds since the PREVIOUS attempt, -1 for a first delivery
};

// Recognises re-sent deliveries. Thena re-sends a failed delivery with the same body up to five
// times (after about 10, 20, 30, 50 and 80 s); the newer platform asks receivers to deduplicate on
// eventId, whose retries need not be byte-identical. A delivery counts as a retry when its
// identity was last seen no longer than the window ago, so a slow chain of retries stays one chain
// while an identical body sent much later (a real new event) starts a new one.
//
// Not thread-safe: one tracker belongs to one capture server.
class RetryTracker
{
public:
    static constexpr qint64 DefaultWindowMs = 10 * 60 * 1000;

    explicit RetryTracker(qint64 windowMs = DefaultWindowMs);

    // Records a delivery and says whether it repeats an earlier one. dedupKey is the platform
    // eventId (empty for Thena's own shape, then the body identifies the event). Times are
    // expected to grow; an earlier time than the previous attempt counts as a gap of 0.
    RetryInfo observe(const QByteArray &body, const QString &dedupKey, qint64 eventId, qint64 receivedMs);

    qint64 windowMs() const { return m_windowMs; }
    // Takes effect for the next observe(); entries already older than the new window are pruned then.
    void setWindowMs(qint64 windowMs);

    // Number of identities remembered; bounded by what arrived within one window.
    qsizetype trackedCount() const { return m_entries.size(); }
    void clear();

private:
    struct Entry
    {
        qint64 firstId = 0;
        qint64 lastMs = 0;
        qint32 attempts = 0;
    };
    struct Seen
    {
        QByteArray key;
        qint64 ms = 0;
    };

    QByteArray identityKey(const QByteArray &body, const QString &dedupKey) const;
    void prune(qint64 nowMs);

    qint64 m_windowMs;
    size_t m_seeds[2] = {};
    QHash<QByteArray, Entry> m_entries;
    // Every observation in arrival order: pruning pops from the front instead of scanning the hash,
    // so each observe() costs amortised O(1) however many events are remembered.
    std::deque<Seen> m_seen;
};
