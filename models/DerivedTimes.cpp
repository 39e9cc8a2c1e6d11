#include "DerivedTimes.h"

#include "DurationText.h"
#include "ThenaPayloadParser.h"
#include "ThenaTime.h"

#include <QJsonArray>

namespace {
DerivedTimes::Span span(const QDateTime &from, const QDateTime &to, const char *what)
{
    DerivedTimes::Span result;
    if (!from.isValid() || !to.isValid())
        return result;
    const qint64 ms = from.msecsTo(to);
    if (ms < 0) {
        result.problem = QStringLiteral("%1 is %2 before creation").arg(QLatin1String(what), DurationText::format(-ms));
        return result;
    }
    result.ms = ms;
    return result;
}

bool hasPerson(const ThenaRequestDetails::Person &person)
{
    return !person.isEmpty();
}

bool isEscalated(const ThenaRequestDetails &details)
{
    return details.kind == EventKind::Escalated || !details.escalations.isEmpty() || !details.escalationType.isEmpty();
}

bool isCreate(const ThenaRequestDetails &details)
{
    return details.kind == EventKind::Created
        || details.eventType.compare(QLatin1String("ticket:created"), Qt::CaseInsensitive) == 0;
}

} // namespace

QString DerivedTimes::Span::text() const
{
    if (!isKnown())
        return {};
    const QString duration = DurationText::format(ms);
    return upperBound ? QStringLiteral("at most ") + duration : duration;
}

void DerivedTimes::computeSpans()
{
    toFirstResponse = span(createdAt, firstResponseAt, "the first response");
    const bool assignmentBound = toAssignment.upperBound;
    toAssignment = span(createdAt, assignedAt, "the assignment");
    toAssignment.upperBound = assignmentBound && toAssignment.isKnown();
    toClose = span(createdAt, closedAt, "the close");
}

DerivedTimes DerivedTimes::fromDetails(const ThenaRequestDetails &details)
{
    DerivedTimes times;
    times.createdAt = details.createdAt.utc;
    times.firstResponseAt = details.firstResponseAt.utc;
    times.closedAt = details.closedOn.utc;
    if (isCreate(details) && hasPerson(details.assignedTo))
        times.assignedAt = times.createdAt;
    times.escalated = isEscalated(details);
    times.computeSpans();
    return times;
}

DerivedTimes DerivedTimes::fromJson(const QJsonObject &root)
{
    DerivedTimes times;
    const auto field = [](const QJsonObject &object, const char *key) { return object.value(QLatin1String(key)); };
    if (root.contains(QLatin1String("eventType")) && !root.contains(QLatin1String("request"))) {
        const QJsonObject payload = field(root, "payload").toObject();
        const QJsonValue ticketValue = field(payload, "ticket");
        const QJsonObject ticket = ticketValue.isObject() ? ticketValue.toObject() : payload;
        times.createdAt = ThenaTime::parse(field(ticket, "createdAt"));
        times.closedAt = ThenaTime::parse(field(ticket, "closedAt"));
        const bool created = ThenaPayloadParser::valueText(field(root, "eventType"))
                                 .compare(QLatin1String("ticket:created"), Qt::CaseInsensitive)
            == 0;
        if (created
            && (ThenaPayloadParser::isPresent(field(ticket, "assignedTo"))
                || ThenaPayloadParser::isPresent(field(ticket, "assignedAgent"))))
            times.assignedAt = times.createdAt;
    } else {
        const QJsonObject request = field(root, "request").toObject();
        times.createdAt = ThenaTime::parse(field(request, "createdAt"));
        times.firstResponseAt = ThenaTime::parse(field(request, "first_response_at"));
        times.closedAt = ThenaTime::parse(field(request, "closed_on"));
        const bool created
            = ThenaPayloadParser::valueText(field(root, "action")).compare(QLatin1String("CREATE"), Qt::CaseInsensitive)
            == 0;
        times.escalated = ThenaPayloadParser::isPresent(field(request, "escalation_type"))
            || ThenaPayloadParser::isPresent(field(request, "escalation_details"))
            || ThenaPayloadParser::isPresent(field(root, "escalation_type"))
            || ThenaPayloadParser::isPresent(field(root, "escalation_details"));
        if (created && !times.escalated && ThenaPayloadParser::isPresent(field(request, "assignedTo")))
            times.assignedAt = times.createdAt;
    }
    times.computeSpans();
    return times;
}

DerivedTimes DerivedTimes::fromHistory(const QList<ThenaRequestDetails> &history, const QList<qint64> &receivedMs)
{
    DerivedTimes times;
    bool sawUnassigned = false;
    for (qsizetype i = 0; i < history.size(); ++i) {
        const ThenaRequestDetails &details = history.at(i);
        if (!details.valid)
            continue;
        const QDateTime created = details.createdAt.utc;
        if (created.isValid() && (!times.createdAt.isValid() || created < times.createdAt))
            times.createdAt = created;
        // Thena keeps the first response time once set; a later payload only repeats it.
        if (!times.firstResponseAt.isValid())
            times.firstResponseAt = details.firstResponseAt.utc;
        // A reopened request closes again later: the latest close is the one that stands.
        if (details.closedOn.utc.isValid())
            times.closedAt = details.closedOn.utc;
        times.escalated = times.escalated || isEscalated(details);

        if (!times.assignedAt.isValid()) {
            if (!hasPerson(details.assignedTo)) {
                // Platform events often leave out whom a ticket is assigned to; only the request
                // shape (which always sends assignedTo) and a platform ticket:created (the whole
                // ticket) say "nobody".
                if (details.kind != EventKind::Platform || isCreate(details))
                    sawUnassigned = true;
                continue;
            }
            if (isCreate(details)) {
                times.assignedAt = details.createdAt.utc;
            } else {
                QDateTime at = details.updatedAt.utc;
                if (!at.isValid() && details.kind == EventKind::Platform)
                    at = details.timestamp.utc;
                if (!at.isValid() && i < receivedMs.size())
                    at = QDateTime::fromMSecsSinceEpoch(receivedMs.at(i), Qt::UTC);
                times.assignedAt = at;
                // Without an earlier event that had nobody assigned, the assignment may be older.
                times.toAssignment.upperBound = !sawUnassigned;
            }
        }
    }
    times.computeSpans();
    return times;
}
