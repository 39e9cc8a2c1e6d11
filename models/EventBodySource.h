#pragma once

#include "CapturedEvent.h"

#include <QString>
#include <optional>

// Where an export finds an event's body and headers by id. An exporter creates its source in its
// own thread through a factory, so a source may hold a per-thread resource (a SQLite connection).
class EventBodySource
{
public:
    EventBodySource() = default;
    virtual ~EventBodySource();
    EventBodySource(const EventBodySource &) = delete;
    EventBodySource &operator=(const EventBodySource &) = delete;

    // The whole event, or nullopt when it is gone or unreadable (errorString() says why).
    virtual std::optional<CapturedEvent> load(qint64 id) = 0;
    virtual QString errorString() const { return {}; }
};
