#include "MemoryBodySource.h"

MemoryBodySource::MemoryBodySource(QHash<qint64, CapturedEvent> events)
    : m_events(std::move(events))
{ }

std::optional<CapturedEvent> MemoryBodySource::load(qint64 id)
{
    const auto it = m_events.constFind(id);
    if (it == m_events.cend()) {
        m_error = QStringLiteral("event #%1 is no longer in memory").arg(id);
        return std::nullopt;
    }
    return *it;
}
