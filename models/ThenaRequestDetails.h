#pragma once

#include "EventKind.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

// Everything the detail panes show about one body, for both payload shapes, extracted once
// per selection. Plain values only: no JSON objects are kept (they cost far more memory than
// the fields, and every field here has already been read leniently). Text that Thena sends as
// HTML is already plain text here (see HtmlText). Fields a shape does not have stay empty.
struct ThenaRequestDetails
{
    struct Person
    {
        QString name;
        QString email;
        QString id;

        bool isEmpty() const { return name.isEmpty() && email.isEmpty() && id.isEmpty(); }
        // "name <email>", or whichever part exists; the id only when nothing else does.
        QString display() const;
    };

    struct Link
    {
        QString label;
        QString url; // always an http or https URL
    };

    struct Time
    {
        QString raw; // as sent; a number is shown in its JSON form
        QDateTime utc; // invalid when the raw text is no time we know

        bool isPresent() const { return !raw.isEmpty(); }
    };

    struct Activity
    {
        QString id;
        QString userName;
        QString userId;
        QString text; // plain text
        Time ts;
    };

    struct Escalation
    {
        QString reason;
        QString message; // plain text
        QString businessImpact;
        Person escalatedBy; // id holds the Slack id
        Time ts;
    };

    // One {name, value} entry of configuredFieldValues, under its field.
    struct FieldValue
    {
        QString field;
        QString name;
        QString value;
    };

    struct CrmAccount
    {
        QString name;
        QString crmId;
    };

    struct Actor
    {
        QString id;
        QString type;
        QString email;

        bool isEmpty() const { return id.isEmpty() && type.isEmpty() && email.isEmpty(); }
    };

    static ThenaRequestDetails fromBody(const QByteArray &body);

    EventKind kind = EventKind::Invalid;
    bool valid = false;
    QString error;
    qint64 errorOffset = -1;

    QString eventType; // as in EventRow: the action, "ESCALATE", or the platform eventType
    QString action; // the raw `action`, empty when the payload has none
    QString requestId;
    QString title; // AI title, else title
    QString status;
    QString urgency;
    QString sentiment;
    QString description; // plain text
    QString customer;
    QString team;
    QString teamId;
    QString channelName;
    QString channelId;
    int replyCount = -1;

    Person requestor;
    Person sender;
    Person assignedTo;
    Person assignedBy;
    Person closedBy;

    QList<Link> links;

    Time createdAt;
    Time updatedAt;
    Time closedOn;
    Time firstResponseAt;
    Time lastReplyByCustomer;
    Time lastReplyByVendor;

    QList<FieldValue> configuredFields;
    QList<CrmAccount> crmAccounts;
    QList<Activity> activity; // in payload order
    QString escalationType;
    QList<Escalation> escalations;

    QString aiTitle;
    QString aiSummary;
    QString aiSentiment;
    QString aiUrgency;
    QStringList aiTags;
    QStringList tags; // the row's tags: AI tags for requests, ticket tags for platform events
    QString feedbacks; // plain text

    // Platform envelope only.
    QString eventId;
    QString orgId;
    Actor actor;
    Time timestamp;
};
