#pragma once

#include "CapturedEvent.h"

#include <QHash>
#include <optional>

// Where the detail panes find an event's body and headers by id. The table keeps only rows;
// this keeps the rest. In memory for now; the durable store replaces it with reads from disk.
class EventArchive
{
public:
    void add(const QList<CapturedEvent> &events);
    std::optional<CapturedEvent> find(qint64 id) const;
    void clear();
    int size() const { return m_events.size(); }

private:
    QHash<qint64, CapturedEvent> m_events;
};
