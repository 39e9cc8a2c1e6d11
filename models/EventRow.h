#pragma once

#include "EventKind.h"

#include <QMetaType>
#include <QString>
#include <QStringList>

// One row of the event table: the columns extracted from a delivery, cheap to copy across
// threads. The body and headers are not here; they live in CapturedEvent and, once stored,
// on disk, so the table can hold many rows.
struct EventRow
{
    qint64 id = 0;
    qint64 receivedMs = 0; // UTC, milliseconds since the epoch
    EventKind kind = EventKind::Unknown;
    bool valid = true;
    qint32 attempt = 1; // 1 for a first delivery, 2.. for retries of the same body/eventId
    qint64 retryOf = 0; // id of the first attempt when this is a retry, else 0
    qint32 retryGapSeconds = -1; // seconds since the previous attempt, -1 for a first delivery
    qint32 replies = -1; // -1 when the payload has no reply count
    qint32 sizeBytes = 0;
    // Derived from this payload's own times (DerivedTimes::fromJson), -1 when it does not allow it.
    qint64 toFirstResponseMs = -1;
    qint64 toAssignmentMs = -1;
    qint64 toCloseMs = -1;
    bool escalated = false; // the payload carries an escalation
    QString requestId;
    QString title; // AI title, else title
    QString status;
    QString urgency;
    QString sentiment;
    QString customer;
    QString team;
    QString assignee;
    QString channel;
    QStringList tags;
    QString path; // the URL path the delivery was POSTed to
    QString eventType; // platform eventType ("ticket:created") or Thena action ("CREATE")
};

Q_DECLARE_METATYPE(EventRow)
