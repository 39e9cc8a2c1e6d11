#include "ThenaRequestDetails.h"

#include "EventRow.h"
#include "HtmlText.h"
#include "ThenaPayloadParser.h"
#include "ThenaTime.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>

namespace {
using Details = ThenaRequestDetails;

QString text(const QJsonObject &object, const char *key)
{
    return ThenaPayloadParser::valueText(object.value(QLatin1String(key)));
}

QString firstText(const QJsonObject &object, std::initializer_list<const char *> keys)
{
    for (const char *key : keys) {
        QString value = text(object, key);
        if (!value.isEmpty())
            return value;
    }
    return {};
}

QString plain(const QJsonValue &value)
{
    return HtmlText::toPlainText(ThenaPayloadParser::valueText(value));
}

// People arrive as {name, email, id}, as {} when nobody, as null, or (seen in other Thena
// fields) as a bare string; a string with '@' is taken for an email address.
Details::Person person(const QJsonValue &value, const char *idKey = "id")
{
    Details::Person result;
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        result.name = text(object, "name");
        if (result.name.isEmpty()) {
            const QString first = text(object, "firstName");
            const QString last = text(object, "lastName");
            result.name = QString(first + QLatin1Char(' ') + last).trimmed();
        }
        result.email = text(object, "email");
        result.id = text(object, idKey);
    } else {
        const QString single = ThenaPayloadParser::valueText(value);
        if (single.contains(QLatin1Char('@')))
            result.email = single;
        else
            result.name = single;
    }
    return result;
}

Details::Time time(const QJsonValue &value)
{
    Details::Time result;
    result.raw = ThenaPayloadParser::valueText(value);
    if (!result.raw.isEmpty())
        result.utc = ThenaTime::parse(value);
    return result;
}

bool isWebUrl(const QString &raw, QUrl *url)
{
    // Tolerant like a browser address bar; the URL is re-encoded on output, so quotes and spaces
    // never reach an href unescaped.
    const QUrl parsed(raw, QUrl::TolerantMode);
    if (!parsed.isValid() || parsed.host().isEmpty())
        return false;
    const QString scheme = parsed.scheme();
    if (scheme != QLatin1String("http") && scheme != QLatin1String("https"))
        return false;
    *url = parsed;
    return true;
}

void addLink(QList<Details::Link> &links, const QString &label, const QJsonValue &value)
{
    const QString raw = ThenaPayloadParser::valueText(value);
    QUrl url;
    if (raw.isEmpty() || !isWebUrl(raw, &url))
        return;
    links.append({ label, url.toString(QUrl::FullyEncoded) });
}

void readConfiguredFields(Details &details, const QJsonValue &value)
{
    const QJsonObject fields = value.toObject();
    for (auto it = fields.begin(); it != fields.end(); ++it) {
        const QJsonValue entries = it.value();
        if (!entries.isArray()) {
            const QString single = ThenaPayloadParser::valueText(entries);
            if (!single.isEmpty())
                details.configuredFields.append({ it.key(), QString(), single });
            continue;
        }
        const QJsonArray array = entries.toArray();
        for (const QJsonValue &entry : array) {
            Details::FieldValue field { it.key(), QString(), QString() };
            if (entry.isObject()) {
                field.name = text(entry.toObject(), "name");
                field.value = text(entry.toObject(), "value");
            } else {
                field.value = ThenaPayloadParser::valueText(entry);
            }
            if (!field.name.isEmpty() || !field.value.isEmpty())
                details.configuredFields.append(field);
        }
    }
}

// Documented as an array of {name, crm_id}; the samples send one object.
void readCrm(Details &details, const QJsonValue &value)
{
    const QJsonArray array = value.isObject() ? QJsonArray { value } : value.toArray();
    for (const QJsonValue &entry : array) {
        const QJsonObject object = entry.toObject();
        Details::CrmAccount account { text(object, "name"), text(object, "crm_id") };
        if (!account.name.isEmpty() || !account.crmId.isEmpty())
            details.crmAccounts.append(account);
    }
}

void readActivity(Details &details, const QJsonValue &value)
{
    const QJsonArray array = value.toArray();
    for (const QJsonValue &entry : array) {
        if (!entry.isObject())
            continue;
        const QJsonObject object = entry.toObject();
        Details::Activity activity;
        activity.id = text(object, "id");
        const Details::Person user = person(object.value(QLatin1String("user")));
        activity.userName = user.name.isEmpty() ? user.email : user.name;
        activity.userId = user.id;
        activity.text = plain(object.value(QLatin1String("text")));
        activity.ts = time(object.value(QLatin1String("ts")));
        details.activity.append(activity);
    }
}

void readEscalations(Details &details, const QJsonObject &object)
{
    if (details.escalationType.isEmpty())
        details.escalationType = text(object, "escalation_type");
    const QJsonValue value = object.value(QLatin1String("escalation_details"));
    const QJsonArray array = value.isObject() ? QJsonArray { value } : value.toArray();
    for (const QJsonValue &entry : array) {
        if (!entry.isObject())
            continue;
        const QJsonObject item = entry.toObject();
        Details::Escalation escalation;
        escalation.reason = plain(item.value(QLatin1String("escalationReason")));
        escalation.message = plain(item.value(QLatin1String("escalationMessage")));
        escalation.businessImpact = plain(item.value(QLatin1String("escalationBusinessImpact")));
        // escalatedBy.profileImg is deliberately not read: the inspector never loads remote images.
        escalation.escalatedBy = person(item.value(QLatin1String("escalatedBy")), "slackId");
        escalation.ts = time(item.value(QLatin1String("escalationTs")));
        details.escalations.append(escalation);
    }
}

QStringList tagList(const QJsonValue &value)
{
    QStringList list;
    if (value.isString()) {
        if (!value.toString().trimmed().isEmpty())
            list.append(value.toString().trimmed());
        return list;
    }
    const QJsonArray array = value.toArray();
    for (const QJsonValue &item : array) {
        if (item.isString() && !item.toString().trimmed().isEmpty())
            list.append(item.toString().trimmed());
    }
    return list;
}

void readRequestShape(Details &details, const QJsonObject &root)
{
    const QJsonObject request = root.value(QLatin1String("request")).toObject();
    details.action = text(root, "action");
    details.description = plain(request.value(QLatin1String("description")));
    details.teamId = text(request, "team_id");
    details.channelName = text(request, "channelName");
    details.channelId = text(request, "channelId");

    details.requestor = person(request.value(QLatin1String("requestor")));
    details.sender = person(request.value(QLatin1String("sender")));
    details.assignedTo = person(request.value(QLatin1String("assignedTo")));
    details.assignedBy = person(request.value(QLatin1String("assignedBy")));
    details.closedBy = person(request.value(QLatin1String("closed_by")));

    addLink(details.links, QStringLiteral("Slack thread"), request.value(QLatin1String("permalink")));
    addLink(details.links, QStringLiteral("Thena request"), request.value(QLatin1String("requestLink")));
    addLink(details.links, QStringLiteral("Internal alert"),
        request.value(QLatin1String("internalAlert")).toObject().value(QLatin1String("permalink")));
    const QJsonArray external = request.value(QLatin1String("external_links")).toArray();
    for (const QJsonValue &entry : external) {
        const QJsonObject link = entry.toObject();
        QString label = firstText(link, { "title", "integration" });
        if (label.isEmpty())
            label = QStringLiteral("External link");
        addLink(details.links, label, link.value(QLatin1String("url")));
    }
    const QJsonArray merged = request.value(QLatin1String("merged_requests")).toArray();
    for (const QJsonValue &entry : merged) {
        const QJsonObject mergedRequest = entry.toObject();
        const QString title = firstText(mergedRequest, { "title", "request_id" });
        const QString prefix = title.isEmpty() ? QStringLiteral("Merged request") : QStringLiteral("Merged: ") + title;
        addLink(details.links, prefix + QStringLiteral(" (customer channel)"),
            mergedRequest.value(QLatin1String("customer_channel_permalink")));
        addLink(details.links, prefix + QStringLiteral(" (internal channel)"),
            mergedRequest.value(QLatin1String("internal_channel_permalink")));
    }

    details.createdAt = time(request.value(QLatin1String("createdAt")));
    details.updatedAt = time(request.value(QLatin1String("updatedAt")));
    details.closedOn = time(request.value(QLatin1String("closed_on")));
    details.firstResponseAt = time(request.value(QLatin1String("first_response_at")));
    details.lastReplyByCustomer = time(request.value(QLatin1String("last_reply_by_customer_ts")));
    details.lastReplyByVendor = time(request.value(QLatin1String("last_reply_by_vendor_ts")));

    readConfiguredFields(details, request.value(QLatin1String("configuredFieldValues")));
    readCrm(details, request.value(QLatin1String("crm_data")));
    readActivity(details, request.value(QLatin1String("activity")));
    readEscalations(details, request);
    readEscalations(details, root);

    details.aiTitle = text(request, "AI_requestTitle");
    details.aiSummary = plain(request.value(QLatin1String("AI_requestSummary")));
    details.aiSentiment = text(request, "AI_requestSentiment");
    details.aiUrgency = text(request, "AI_requestUrgency");
    details.aiTags = tagList(request.value(QLatin1String("AI_generatedTags")));
    details.feedbacks = plain(request.value(QLatin1String("feedbacks")));
}

void readPlatformShape(Details &details, const QJsonObject &root)
{
    details.eventId = text(root, "eventId");
    details.orgId = text(root, "orgId");
    details.timestamp = time(root.value(QLatin1String("timestamp")));
    const QJsonValue actorValue = root.value(QLatin1String("actor"));
    if (actorValue.isObject()) {
        const QJsonObject actor = actorValue.toObject();
        details.actor = { text(actor, "id"), text(actor, "type"), text(actor, "email") };
    } else {
        details.actor.id = ThenaPayloadParser::valueText(actorValue);
    }

    const QJsonObject payload = root.value(QLatin1String("payload")).toObject();
    const QJsonValue ticketValue = payload.value(QLatin1String("ticket"));
    const QJsonObject ticket = ticketValue.isObject() ? ticketValue.toObject() : payload;

    details.description = plain(ticket.value(QLatin1String("description")));
    details.teamId = text(ticket, "teamId");
    details.channelId = text(ticket, "channelId");
    details.channelName = text(ticket, "channelName");
    details.requestor = person(ticket.value(QLatin1String("requestor")));
    if (details.requestor.email.isEmpty())
        details.requestor.email = text(ticket, "requestorEmail");
    details.assignedTo = person(ticket.value(QLatin1String("assignedTo")));
    if (details.assignedTo.isEmpty())
        details.assignedTo = person(ticket.value(QLatin1String("assignedAgent")));
    if (details.assignedTo.email.isEmpty())
        details.assignedTo.email = firstText(ticket, { "assigneeEmail", "assignedAgentEmail" });
    details.createdAt = time(ticket.value(QLatin1String("createdAt")));
    details.updatedAt = time(ticket.value(QLatin1String("updatedAt")));
    details.closedOn = time(ticket.value(QLatin1String("closedAt")));
    addLink(details.links, QStringLiteral("Ticket"), ticket.value(QLatin1String("url")));
    addLink(details.links, QStringLiteral("Slack thread"), ticket.value(QLatin1String("permalink")));

    details.aiTitle = text(ticket, "aiGeneratedTitle");
    details.aiSummary = plain(ticket.value(QLatin1String("aiGeneratedSummary")));
    details.aiSentiment = text(ticket, "aiSentiment");
    details.aiTags = tagList(ticket.value(QLatin1String("aiGeneratedTags")));
}
} // namespace

QString ThenaRequestDetails::Person::display() const
{
    if (!name.isEmpty() && !email.isEmpty())
        return name + QStringLiteral(" <") + email + QLatin1Char('>');
    if (!name.isEmpty())
        return name;
    if (!email.isEmpty())
        return email;
    return id;
}

ThenaRequestDetails ThenaRequestDetails::fromBody(const QByteArray &body)
{
    ThenaRequestDetails details;
    EventRow row;
    // parseObject() is shared with the table, so the panes and the row never disagree; only a
    // body that is no object is parsed a second time, to get parse()'s error sentence.
    const QJsonDocument document = QJsonDocument::fromJson(body);
    if (!document.isObject()) {
        const ParseOutcome outcome = ThenaPayloadParser::parse(body, row);
        details.kind = EventKind::Invalid;
        details.valid = false;
        details.error = outcome.error;
        details.errorOffset = outcome.errorOffset;
        return details;
    }
    const QJsonObject root = document.object();
    ThenaPayloadParser::parseObject(root, row);
    details.kind = row.kind;
    details.valid = row.valid;
    details.eventType = row.eventType;
    details.requestId = row.requestId;
    details.title = row.title;
    details.status = row.status;
    details.urgency = row.urgency;
    details.sentiment = row.sentiment;
    details.customer = row.customer;
    details.team = row.team;
    details.replyCount = row.replies;
    details.tags = row.tags;

    if (row.kind == EventKind::Platform)
        readPlatformShape(details, root);
    else
        readRequestShape(details, root); // an unrelated object simply yields nothing here
    if (details.channelName.isEmpty())
        details.channelName = row.channel;
    return details;
}
