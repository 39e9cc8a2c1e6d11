#pragma once

#include "EventBodySource.h"

#include <memory>

class EventStore;

// Reads events from a capture file. The file is opened read-only on the first load(), so the
// SQLite connection belongs to the thread that loads (Qt SQL allows a connection in one thread
// only), not to the thread that created the source.
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
