#pragma once

#include "CapturedEvent.h"

#include <QHash>
#include <QSet>
#include <optional>

// The bodies and headers of events kept in memory only (--no-store, or when the capture file
// could not be opened). With a capture file, bodies stay on disk and StoreReader fetches them.
class EventArchive
{
public:
    void add(const QList<CapturedEvent> &events);
    std::optional<CapturedEvent> find(qint64 id) const;
    void remove(const QSet<qint64> &ids);
    void clear();
    // An implicitly shared copy: cheap now, and a later change here detaches instead of
    // disturbing a thread that reads the snapshot.
    QHash<qint64, CapturedEvent> snapshot() const { return m_events; }
    int size() const { return m_events.size(); }

private:
    QHash<qint64, CapturedEvent> m_events;
};
