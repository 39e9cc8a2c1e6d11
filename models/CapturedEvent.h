#pragma once

#include "EventRow.h"
#include "RequestTimes.h"

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QPair>
#include <optional>

using HttpHeaders = QList<QPair<QByteArray, QByteArray>>;

// Everything known about one delivery: the table row plus what the detail panes need.
struct CapturedEvent
{
    EventRow row;
    QByteArray body; // exactly as received
    HttpHeaders headers; // as received, in order; the authorization value is masked only on display
    QString method;
    QString remoteAddress;
    QString error; // why the body is invalid, empty when valid
    qint64 errorOffset = -1; // byte offset of a JSON parse error, -1 when not applicable
    // Set by the capture server, which parsed the body anyway; unset for an event read back from a
    // file, whose consumers parse the body themselves when they need these.
    std::optional<RequestTimes> requestTimes;
};

Q_DECLARE_METATYPE(CapturedEvent)
