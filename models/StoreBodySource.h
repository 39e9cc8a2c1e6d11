#pragma once

#include "EventBodySource.h"

#include <memory>

class EventStore;

// Reads events from a capture: a file, or a team's PostgreSQL database (path is what
// StoreLocation parses). The store is opened read-only on the first load(), so the connection
// belongs to the thread that loads (Qt SQL allows a connection in one thread only), not to the
// thread that created the source. A PostgreSQL connection lost during a long export is opened
// again once before a load gives up.
class StoreBodySource final : public EventBodySource
{
public:
    explicit StoreBodySource(QString path);
    ~StoreBodySource() override;

    std::optional<CapturedEvent> load(qint64 id) override;
    QString errorString() const override { return m_error; }

private:
    QString m_path;
    std::unique_ptr<EventStore> m_store;
    bool m_openFailed = false;
    QString m_error;
};
