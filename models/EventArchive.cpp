#include "EventArchive.h"

void EventArchive::add(const QList<CapturedEvent> &events)
{
    m_events.reserve(m_events.size() + events.size());
    for (const CapturedEvent &event : events)
        m_events.insert(event.row.id, event);
}

std::optional<CapturedEvent> EventArchive::find(qint64 id) const
{
    const auto it = m_events.constFind(id);
    if (it == m_events.constEnd())
        return std::nullopt;
    return *it;
}

void EventArchive::remove(const QSet<qint64> &ids)
{
    for (qint64 id : ids)
        m_events.remove(id);
}

void EventArchive::clear()
{
    m_events.clear();
}
