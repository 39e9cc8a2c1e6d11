#pragma once

#include "EventBodySource.h"

#include <QHash>

// Events held in memory (the window's archive when there is no capture file). The hash is a
// snapshot: QHash is implicitly shared, so copying it on the GUI thread is cheap, and the GUI's
// later changes detach its own copy instead of touching the one an export thread is reading.
class MemoryBodySource final : public EventBodySource
{
public:
    explicit MemoryBodySource(QHash<qint64, CapturedEvent> events);

    std::optional<CapturedEvent> load(qint64 id) override;
    QString errorString() const override { return m_error; }

private:
    const QHash<qint64, CapturedEvent> m_events; // const: reads never detach
    QString m_error;
};
