#include "RetryTracker.h"

#include <QRandomGenerator>
#include <QtEndian>
#include <algorithm>
#include <limits>

RetryTracker::RetryTracker(qint64 windowMs)
    : m_windowMs(std::max<qint64>(0, windowMs))
{
    // Non-zero seeds: Qt takes its hardware-assisted hash only for a seeded call.
    QRandomGenerator *random = QRandomGenerator::system();
    for (size_t &seed : m_seeds) {
        do
            seed = size_t(random->generate64());
        while (seed == 0);
    }
}

void RetryTracker::setWindowMs(qint64 windowMs)
{
    m_windowMs = std::max<qint64>(0, windowMs);
}

void RetryTracker::clear()
{
    m_entries.clear();
    m_seen.clear();
}

QByteArray RetryTracker::identityKey(const QByteArray &body, const QString &dedupKey) const
{
    // The prefixes keep an eventId from ever colliding with a body digest. A collision would
    // silently merge two different events into one retry chain, so the digest is two independent
    // 64-bit hashes under secret per-process seeds, plus the length: 128 bits nobody can aim at,
    // for a tenth of what SHA-1 costs on every delivery (the keys never leave this process).
    if (!dedupKey.isEmpty())
        return QByteArrayLiteral("id:") + dedupKey.toUtf8();
    quint64 digest[3] = { quint64(qHash(QByteArrayView(body), m_seeds[0])),
        quint64(qHash(QByteArrayView(body), m_seeds[1])), quint64(body.size()) };
    QByteArray key(2 + sizeof digest, Qt::Uninitialized);
    key[0] = 'h';
    key[1] = ':';
    for (size_t i = 0; i < std::size(digest); ++i)
        qToLittleEndian(digest[i], key.data() + 2 + i * sizeof(quint64));
    return key;
}

void RetryTracker::prune(qint64 nowMs)
{
    while (!m_seen.empty() && nowMs - m_seen.front().ms > m_windowMs) {
        const Seen &oldest = m_seen.front();
        const auto it = m_entries.constFind(oldest.key);
        // A later observation of the same identity keeps the entry alive; its own queue item
        // removes it once that one expires.
        if (it != m_entries.cend() && it->lastMs == oldest.ms)
            m_entries.erase(it);
        m_seen.pop_front();
    }
}

RetryInfo RetryTracker::observe(const QByteArray &body, const QString &dedupKey, qint64 eventId, qint64 receivedMs)
{
    prune(receivedMs);

    RetryInfo info;
    // An empty body carries no identity: two empty POSTs are not the same event.
    if (body.isEmpty() && dedupKey.isEmpty())
        return info;

    const QByteArray key = identityKey(body, dedupKey);
    qint64 lastMs = receivedMs;
    auto it = m_entries.find(key);
    if (it != m_entries.end() && receivedMs - it->lastMs <= m_windowMs) {
        const qint64 gapMs = std::max<qint64>(0, receivedMs - it->lastMs);
        it->attempts = it->attempts < std::numeric_limits<qint32>::max() ? it->attempts + 1 : it->attempts;
        info.attempt = it->attempts;
        info.retryOf = it->firstId;
        info.gapSeconds
            = static_cast<qint32>(std::min<qint64>((gapMs + 500) / 1000, std::numeric_limits<qint32>::max()));
        // Never move lastMs backwards: the queue entry that expires it must stay the newest one.
        it->lastMs = std::max(it->lastMs, receivedMs);
        lastMs = it->lastMs;
    } else {
        m_entries.insert(key, Entry { eventId, receivedMs, 1 });
    }
    m_seen.push_back(Seen { key, lastMs });
    return info;
}
