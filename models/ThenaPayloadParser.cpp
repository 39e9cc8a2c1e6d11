#include "ThenaPayloadParser.h"

#include "DerivedTimes.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QLatin1String>
#include <QLocale>
#include <cmath>
#include <limits>

// Field rules, request shape { "action", "request": {...} } (docs/thena-webhooks.md):
// - kind: Escalated when escalation_type or escalation_details is present and not empty
//   (in `request` or at the top level; this wins over `action`, because a manual escalation
//   may arrive as an UPDATE too); else CREATE -> Created, UPDATE -> Updated (any case); else Unknown.
//   null, "" and [] count as absent: an update that carries an empty escalation field is no escalation.
// - eventType: the action text; for an escalation without action, "ESCALATE".
// - customer: customer_name, else the CRM account name (crm_data object or first named array
//   entry), else the requestor's name or email, else the sender's. Thena fills customer_name for
//   customer channels; the fallbacks keep the column useful for internal helpdesk requests.
// - assignee: assignedTo.name, else assignedTo.email, else assignedTo itself when it is a string.
// - replies: replyCount as a whole non-negative number or numeric string, else -1.
// Platform envelope { "eventId", "eventType", ..., "payload": { "ticket": {...} } }:
// - fields come from payload.ticket, or from payload itself when it has no ticket object;
//   requestId ticketId else id, title aiGeneratedTitle else title, urgency priority,
//   team teamName else team.name, assignee assignedTo / assignedAgent / assigneeEmail,
//   customer requestorEmail / requestor / account name / customerEmail; every "object" field
//   may also be a plain string or an object with a `name`.
// Anything else that is a JSON object: kind Unknown, still valid.

namespace {
QString text(const QJsonObject &object, QLatin1String key)
{
    return ThenaPayloadParser::valueText(object.value(key));
}

// First non-empty text among `keys`.
QString firstText(const QJsonObject &object, std::initializer_list<const char *> keys)
{
    for (const char *key : keys) {
        QString value = text(object, QLatin1String(key));
        if (!value.isEmpty())
            return value;
    }
    return {};
}

// A person or named thing that may be an object with name/email, or already a string.
QString nameOrEmail(const QJsonValue &value)
{
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        return firstText(object, { "name", "email" });
    }
    return ThenaPayloadParser::valueText(value);
}

bool hasEscalation(const QJsonObject &object)
{
    return ThenaPayloadParser::isPresent(object.value(QLatin1String("escalation_type")))
        || ThenaPayloadParser::isPresent(object.value(QLatin1String("escalation_details")));
}

QStringList stringList(const QJsonValue &value)
{
    QStringList list;
    if (value.isString()) {
        const QString single = value.toString().trimmed();
        if (!single.isEmpty())
            list.append(single);
        return list;
    }
    const QJsonArray array = value.toArray();
    list.reserve(array.size());
    for (const QJsonValue &item : array) {
        // Platform tags may be {id, name} objects; bare strings are the documented form.
        const QString entry = item.isObject() ? text(item.toObject(), QLatin1String("name"))
                                              : (item.isString() ? item.toString().trimmed() : QString());
        if (!entry.isEmpty())
            list.append(entry);
    }
    return list;
}

qint32 replyCount(const QJsonValue &value)
{
    double number = -1;
    if (value.isDouble()) {
        number = value.toDouble();
    } else if (value.isString()) {
        bool ok = false;
        number = value.toString().trimmed().toDouble(&ok);
        if (!ok)
            return -1;
    }
    if (!std::isfinite(number) || number < 0 || number > std::numeric_limits<qint32>::max()
        || number != std::floor(number))
        return -1;
    return static_cast<qint32>(number);
}

QString crmName(const QJsonValue &crm)
{
    if (crm.isObject())
        return text(crm.toObject(), QLatin1String("name"));
    const QJsonArray array = crm.toArray();
    for (const QJsonValue &item : array) {
        const QString name = text(item.toObject(), QLatin1String("name"));
        if (!name.isEmpty())
            return name;
    }
    return {};
}

void clearRow(EventRow &row)
{
    row.requestId.clear();
    row.title.clear();
    row.status.clear();
    row.urgency.clear();
    row.sentiment.clear();
    row.customer.clear();
    row.team.clear();
    row.assignee.clear();
    row.channel.clear();
    row.tags.clear();
    row.replies = -1;
    row.eventType.clear();
    row.toFirstResponseMs = -1;
    row.toAssignmentMs = -1;
    row.toCloseMs = -1;
    row.escalated = false;
}

void fillRequestShape(const QJsonObject &root, EventRow &row)
{
    const QJsonObject request = root.value(QLatin1String("request")).toObject();
    const QString action = text(root, QLatin1String("action"));
    const bool escalated = hasEscalation(request) || hasEscalation(root);

    if (escalated)
        row.kind = EventKind::Escalated;
    else if (action.compare(QLatin1String("CREATE"), Qt::CaseInsensitive) == 0)
        row.kind = EventKind::Created;
    else if (action.compare(QLatin1String("UPDATE"), Qt::CaseInsensitive) == 0)
        row.kind = EventKind::Updated;
    else
        row.kind = EventKind::Unknown;
    row.eventType = action.isEmpty() && escalated ? ThenaPayloadParser::escalationEventType() : action;

    row.requestId = text(request, QLatin1String("requestId"));
    row.title = firstText(request, { "AI_requestTitle", "title" });
    row.status = nameOrEmail(request.value(QLatin1String("status")));
    row.urgency = text(request, QLatin1String("AI_requestUrgency"));
    row.sentiment = text(request, QLatin1String("AI_requestSentiment"));
    row.team = text(request, QLatin1String("team_name"));
    row.assignee = nameOrEmail(request.value(QLatin1String("assignedTo")));
    row.channel = text(request, QLatin1String("channelName"));
    row.tags = stringList(request.value(QLatin1String("AI_generatedTags")));
    row.replies = replyCount(request.value(QLatin1String("replyCount")));

    row.customer = text(request, QLatin1String("customer_name"));
    if (row.customer.isEmpty())
        row.customer = crmName(request.value(QLatin1String("crm_data")));
    if (row.customer.isEmpty())
        row.customer = nameOrEmail(request.value(QLatin1String("requestor")));
    if (row.customer.isEmpty())
        row.customer = nameOrEmail(request.value(QLatin1String("sender")));
}

void fillPlatformShape(const QJsonObject &root, EventRow &row)
{
    row.kind = EventKind::Platform;
    row.eventType = text(root, QLatin1String("eventType"));

    const QJsonObject payload = root.value(QLatin1String("payload")).toObject();
    const QJsonValue ticketValue = payload.value(QLatin1String("ticket"));
    const QJsonObject ticket = ticketValue.isObject() ? ticketValue.toObject() : payload;

    row.requestId = firstText(ticket, { "ticketId", "id" });
    row.title = firstText(ticket, { "aiGeneratedTitle", "title" });
    row.status = nameOrEmail(ticket.value(QLatin1String("status")));
    row.urgency = nameOrEmail(ticket.value(QLatin1String("priority")));
    row.sentiment = nameOrEmail(ticket.value(QLatin1String("sentiment")));
    row.team = text(ticket, QLatin1String("teamName"));
    if (row.team.isEmpty())
        row.team = nameOrEmail(ticket.value(QLatin1String("team")));
    row.assignee = nameOrEmail(ticket.value(QLatin1String("assignedTo")));
    if (row.assignee.isEmpty())
        row.assignee = nameOrEmail(ticket.value(QLatin1String("assignedAgent")));
    if (row.assignee.isEmpty())
        row.assignee = firstText(ticket, { "assigneeEmail", "assignedAgentEmail" });
    row.customer = text(ticket, QLatin1String("requestorEmail"));
    if (row.customer.isEmpty())
        row.customer = nameOrEmail(ticket.value(QLatin1String("requestor")));
    if (row.customer.isEmpty())
        row.customer = nameOrEmail(ticket.value(QLatin1String("account")));
    if (row.customer.isEmpty())
        row.customer = firstText(ticket, { "accountName", "customerEmail" });
    row.channel = firstText(ticket, { "channelName" });
    row.tags = stringList(ticket.value(QLatin1String("tags")));
    row.replies = replyCount(ticket.value(QLatin1String("commentCount")));
}

QString describeSyntaxError(QJsonParseError::ParseError error)
{
    switch (error) {
    case QJsonParseError::UnterminatedObject:
        return QStringLiteral("unterminated object");
    case QJsonParseError::MissingNameSeparator:
        return QStringLiteral("missing ':' after a member name");
    case QJsonParseError::UnterminatedArray:
        return QStringLiteral("unterminated array");
    case QJsonParseError::MissingValueSeparator:
        return QStringLiteral("missing ',' between values");
    case QJsonParseError::IllegalValue:
        return QStringLiteral("unexpected character");
    case QJsonParseError::TerminationByNumber:
        return QStringLiteral("body ends inside a number");
    case QJsonParseError::IllegalNumber:
        return QStringLiteral("invalid number");
    case QJsonParseError::IllegalEscapeSequence:
        return QStringLiteral("invalid escape sequence");
    case QJsonParseError::UnterminatedString:
        return QStringLiteral("unterminated string");
    case QJsonParseError::MissingObject:
        return QStringLiteral("missing member after ','");
    case QJsonParseError::GarbageAtEnd:
        return QStringLiteral("unexpected data after the end of the JSON value");
    default:
        return QStringLiteral("syntax error");
    }
}

QString jsonTypeName(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::String:
        return QStringLiteral("string");
    case QJsonValue::Double:
        return QStringLiteral("number");
    case QJsonValue::Bool:
        return QStringLiteral("boolean");
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Array:
        return QStringLiteral("array");
    default:
        return QStringLiteral("value");
    }
}

ParseOutcome invalid(EventRow &row, const QString &error, qint64 offset = -1)
{
    clearRow(row);
    row.kind = EventKind::Invalid;
    row.valid = false;
    ParseOutcome outcome;
    outcome.error = error;
    outcome.errorOffset = offset;
    return outcome;
}

ParseOutcome parseFailure(const QByteArray &body, const QJsonParseError &error, EventRow &row)
{
    // Qt reports a truncated body one byte past its end; clamp so the offset can always be
    // used to point into the body, and say "end" where that is what it means.
    const qint64 offset = qBound(qint64(0), qint64(error.offset), qint64(body.size()));
    const QString at = offset == body.size() ? QStringLiteral(" at the end of the body")
                                             : QStringLiteral(" at byte ") + QString::number(offset);
    switch (error.error) {
    case QJsonParseError::IllegalUTF8String:
        return invalid(row, QStringLiteral("Body is not valid UTF-8: invalid byte sequence in a string") + at, offset);
    case QJsonParseError::DeepNesting:
        return invalid(row,
            QStringLiteral("Body is nested too deeply (more than 1024 levels of arrays and objects)") + at, offset);
    case QJsonParseError::DocumentTooLarge:
        return invalid(row, QStringLiteral("Body is too large to parse as JSON"));
    case QJsonParseError::IllegalValue: {
        // Qt 6.4 refuses top-level scalars with this error; parse them wrapped (only on this
        // failure path) to tell "valid JSON, wrong type" apart from a real syntax error.
        QJsonParseError wrappedError;
        QByteArray wrappedBody;
        wrappedBody.reserve(body.size() + 2);
        wrappedBody.append('[').append(body).append(']');
        const QJsonDocument wrapped = QJsonDocument::fromJson(wrappedBody, &wrappedError);
        if (wrappedError.error == QJsonParseError::NoError && wrapped.array().size() == 1) {
            return invalid(row,
                QStringLiteral("Body is a JSON ") + jsonTypeName(wrapped.array().at(0))
                    + QStringLiteral(", expected an object"));
        }
        break;
    }
    default:
        break;
    }
    return invalid(row, QStringLiteral("Body is not valid JSON: ") + describeSyntaxError(error.error) + at, offset);
}

bool onlyWhitespace(const QByteArray &body)
{
    for (const char c : body) {
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            return false;
    }
    return true;
}
} // namespace

QString ThenaPayloadParser::valueText(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::String:
        return value.toString().trimmed();
    case QJsonValue::Double: {
        // Whole numbers print as integers, so an id sent as 1234 or 1234.0 reads like "1234".
        // toInteger() is exact for the 64-bit integers Qt keeps (ids beyond 2^53); two
        // defaults tell a real 0 apart from "not a whole qint64".
        const qint64 whole = value.toInteger(0);
        if (whole != 0 || value.toInteger(1) == 0)
            return QString::number(whole);
        return QString::number(value.toDouble(), 'g', QLocale::FloatingPointShortest);
    }
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    default:
        return {};
    }
}

ParseOutcome ThenaPayloadParser::parse(const QByteArray &body, EventRow &row)
{
    if (body.isEmpty())
        return invalid(row, QStringLiteral("Body is empty"));
    if (onlyWhitespace(body))
        return invalid(row, QStringLiteral("Body contains only whitespace"));

    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError)
        return parseFailure(body, error, row);
    if (document.isArray())
        return invalid(row, QStringLiteral("Body is a JSON array, expected an object"));
    if (!document.isObject())
        return invalid(row, QStringLiteral("Body is not a JSON object"));
    return parseObject(document.object(), row);
}

ParseOutcome ThenaPayloadParser::parseObject(const QJsonObject &root, EventRow &row)
{
    clearRow(row);
    row.valid = true;
    ParseOutcome outcome;
    outcome.valid = true;

    const bool requestShape
        = root.contains(QLatin1String("request")) || root.contains(QLatin1String("action")) || hasEscalation(root);
    if (requestShape) {
        fillRequestShape(root, row);
    } else if (root.contains(QLatin1String("eventType")) || root.contains(QLatin1String("eventId"))) {
        fillPlatformShape(root, row);
        outcome.dedupKey = text(root, QLatin1String("eventId"));
    } else {
        row.kind = EventKind::Unknown;
        return outcome;
    }
    const DerivedTimes times = DerivedTimes::fromJson(root);
    outcome.times = RequestTimes::fromDerived(times);
    row.toFirstResponseMs = times.toFirstResponse.ms;
    row.toAssignmentMs = times.toAssignment.ms;
    row.toCloseMs = times.toClose.ms;
    row.escalated = times.escalated || row.kind == EventKind::Escalated;
    return outcome;
}

bool ThenaPayloadParser::isPresent(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        return false;
    case QJsonValue::String:
        return !value.toString().trimmed().isEmpty();
    case QJsonValue::Array:
        return !value.toArray().isEmpty();
    case QJsonValue::Object:
        return !value.toObject().isEmpty();
    default:
        return true;
    }
}
