#pragma once

#include "EventRow.h"
#include "RequestTimes.h"

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

// What parse() found out about a body beyond the row columns.
struct ParseOutcome
{
    bool valid = false;
    QString error; // a sentence for people, empty when valid
    qint64 errorOffset = -1; // byte offset of a JSON syntax error, -1 otherwise
    QString dedupKey; // platform eventId; empty for the request shape, whose retries repeat the body
    // The times the insights charts measure, read in the same pass: equal to
    // RequestTimes::fromBody() of the same body, which would parse it all again.
    RequestTimes times;
};

// Classifies a Thena webhook body and extracts the table columns. Called on the capture
// worker thread for every delivery, so it parses the JSON once and touches only the fields it
// needs. It never trusts the documented types: every field is read leniently (see the .cpp).
class ThenaPayloadParser
{
public:
    ThenaPayloadParser() = delete;

    // Fills kind, valid, requestId, title, status, urgency, sentiment, customer, team, assignee,
    // channel, tags, replies and eventType; leaves every other member of `row` alone.
    static ParseOutcome parse(const QByteArray &body, EventRow &row);

    // The same extraction for a body that is already parsed. ThenaRequestDetails uses it so the
    // detail panes and the table can never disagree about an event.
    static ParseOutcome parseObject(const QJsonObject &root, EventRow &row);

    // Any scalar as display text: strings trimmed, numbers without a spurious ".0"
    // (1234.0 -> "1234"), booleans as "true"/"false"; null, arrays and objects give "".
    static QString valueText(const QJsonValue &value);

    // Present: not null, not "", not [], not {} (Thena's ways of saying "none").
    static bool isPresent(const QJsonValue &value);

    // eventType shown for an escalation that arrives without an `action` (the documented sample).
    static QString escalationEventType() { return QStringLiteral("ESCALATE"); }
};
