#include "StoreBodySource.h"

#include "EventStore.h"

StoreBodySource::StoreBodySource(QString path)
    : m_path(std::move(path))
{ }

StoreBodySource::~StoreBodySource() = default;

std::optional<CapturedEvent> StoreBodySource::load(qint64 id)
{
    if (m_openFailed)
        return std::nullopt;
    if (!m_store) {
        auto store = std::make_unique<EventStore>();
        if (!store->open(m_path, EventStore::Mode::ReadOnly)) {
            m_error = store->errorString();
            m_openFailed = true;
            return std::nullopt;
        }
        m_store = std::move(store);
    }
    std::optional<CapturedEvent> event = m_store->loadEvent(id);
    if (!event && m_store->isConnectionLost()) {
        // Once per load: a new connection, the same question.
        if (m_store->reconnect())
            event = m_store->loadEvent(id);
        if (!event && !m_store->isOpen()) {
            m_error = m_store->errorString();
            m_store.reset(); // the next load() opens it again
            return event;
        }
    }
    if (!event)
        m_error = QStringLiteral("event #%1 is not in the capture %2").arg(id).arg(m_path);
    return event;
}
