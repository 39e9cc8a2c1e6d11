#include "OverviewPane.h"

#include "PaneWidgets.h"
#include "ThenaRequestDetails.h"
#include "ThenaTime.h"

#include <QFormLayout>
#include <QLabel>
#include <QScrollArea>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace {
using Details = ThenaRequestDetails;
using namespace PaneWidgets;

void addPerson(QFormLayout *form, const QString &label, const QString &key, const Details::Person &person)
{
    QLabel *value = addRow(form, label, key, person.display());
    if (!person.id.isEmpty() && person.display() != person.id)
        value->setToolTip(plainToolTip(QStringLiteral("ID: ") + person.id));
}

void addTime(
    QFormLayout *form, const QString &label, const QString &key, const Details::Time &time, const QDateTime &now)
{
    QLabel *value = addRow(form, label, key, ThenaTime::describe(time.raw, time.utc, now));
    if (time.utc.isValid()) {
        value->setToolTip(plainToolTip(
            QStringLiteral("Sent as: ") + time.raw + QStringLiteral("\nUTC: ") + time.utc.toString(Qt::ISODateWithMs)));
    }
}

QString channelText(const Details &details)
{
    if (details.channelName.isEmpty())
        return details.channelId;
    if (details.channelId.isEmpty())
        return details.channelName;
    return details.channelName + QStringLiteral(" (") + details.channelId + QLatin1Char(')');
}

QString repliesText(int replies)
{
    return replies < 0 ? QString() : QString::number(replies);
}

void addLinks(QVBoxLayout *layout, const Details &details)
{
    if (details.links.isEmpty())
        return;
    QFormLayout *form = addSection(layout, QStringLiteral("Links"));
    for (const Details::Link &link : details.links)
        form->addRow(fieldLabel(link.label), linkLabel(link.url)); // link labels come from the payload: plain text
}

void addCustomFields(QVBoxLayout *layout, const Details &details)
{
    if (details.configuredFields.isEmpty() && details.crmAccounts.isEmpty())
        return;
    QFormLayout *form = addSection(layout, QStringLiteral("Custom fields and CRM"));
    for (const Details::FieldValue &field : details.configuredFields) {
        QString text = field.name;
        if (!field.value.isEmpty() && field.value != field.name)
            text = text.isEmpty() ? field.value : text + QStringLiteral(": ") + field.value;
        addRow(form, field.field, QStringLiteral("field"), text);
    }
    for (const Details::CrmAccount &account : details.crmAccounts) {
        QString text = account.name;
        if (!account.crmId.isEmpty())
            text += text.isEmpty() ? account.crmId : QStringLiteral(" (CRM ID ") + account.crmId + QLatin1Char(')');
        addRow(form, QStringLiteral("CRM account"), QStringLiteral("crm"), text);
    }
}

QWidget *newContent(QVBoxLayout **layout)
{
    auto *content = new QWidget;
    content->setObjectName(QStringLiteral("overviewContent"));
    *layout = contentLayout(content);
    (*layout)->setSpacing(4);
    return content;
}
} // namespace

OverviewPane::OverviewPane(QWidget *parent)
    : QWidget(parent)
    , m_pages(new QStackedWidget(this))
    , m_emptyLabel(emptyLabel(this))
    , m_scrollArea(scrollArea(QStringLiteral("overviewScrollArea"), this))
{
    stackPages(this, m_pages, m_emptyLabel, m_scrollArea);
    clearEvent();
}

OverviewPane::~OverviewPane() = default;

void OverviewPane::setEvent(const CapturedEvent &event)
{
    const Details details = Details::fromBody(event.body);
    if (!details.valid) {
        showMessage(invalidBodyMessage(QStringLiteral("there is no overview to show"), details, event));
        return;
    }
    QWidget *content = nullptr;
    if (details.kind == EventKind::Platform)
        content = buildPlatformContent(details);
    else if (details.kind == EventKind::Unknown && details.action.isEmpty() && details.requestId.isEmpty())
        content = buildUnknownContent(details);
    else
        content = buildRequestContent(details);
    m_scrollArea->setWidget(content); // deletes the previous content
    m_pages->setCurrentWidget(m_scrollArea);
}

void OverviewPane::clearEvent()
{
    showMessage(QStringLiteral("Select an event to see its overview."));
}

void OverviewPane::showMessage(const QString &text)
{
    m_emptyLabel->setText(text);
    m_pages->setCurrentWidget(m_emptyLabel);
    // Drop the old content so no stale payload text lingers in hidden widgets.
    delete m_scrollArea->takeWidget();
}

QWidget *OverviewPane::buildRequestContent(const ThenaRequestDetails &details)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QVBoxLayout *layout = nullptr;
    QWidget *content = newContent(&layout);

    QFormLayout *request = addSection(layout, QStringLiteral("Request"));
    addRow(request, QStringLiteral("Kind"), QStringLiteral("kind"), eventKindName(details.kind));
    addRow(request, QStringLiteral("Event type"), QStringLiteral("eventType"), details.eventType);
    addRow(request, QStringLiteral("Request ID"), QStringLiteral("requestId"), details.requestId);
    addRow(request, QStringLiteral("Title"), QStringLiteral("title"), details.title);
    addRow(request, QStringLiteral("Status"), QStringLiteral("status"), details.status);
    addRow(request, QStringLiteral("Urgency"), QStringLiteral("urgency"), details.urgency);
    addRow(request, QStringLiteral("Sentiment"), QStringLiteral("sentiment"), details.sentiment);
    addRow(request, QStringLiteral("Customer"), QStringLiteral("customer"), details.customer);
    addRow(request, QStringLiteral("Team"), QStringLiteral("team"), details.team);
    addRow(request, QStringLiteral("Channel"), QStringLiteral("channel"), channelText(details));
    addRow(request, QStringLiteral("Replies"), QStringLiteral("replies"), repliesText(details.replyCount));
    addRow(request, QStringLiteral("Description"), QStringLiteral("description"), details.description);
    if (!details.feedbacks.isEmpty())
        addRow(request, QStringLiteral("Feedback"), QStringLiteral("feedback"), details.feedbacks);

    QFormLayout *people = addSection(layout, QStringLiteral("People"));
    addPerson(people, QStringLiteral("Requestor"), QStringLiteral("requestor"), details.requestor);
    addPerson(people, QStringLiteral("Sender"), QStringLiteral("sender"), details.sender);
    addPerson(people, QStringLiteral("Assigned to"), QStringLiteral("assignedTo"), details.assignedTo);
    addPerson(people, QStringLiteral("Assigned by"), QStringLiteral("assignedBy"), details.assignedBy);
    addPerson(people, QStringLiteral("Closed by"), QStringLiteral("closedBy"), details.closedBy);

    QFormLayout *times = addSection(layout, QStringLiteral("Times"));
    addTime(times, QStringLiteral("Created"), QStringLiteral("createdAt"), details.createdAt, now);
    addTime(times, QStringLiteral("Updated"), QStringLiteral("updatedAt"), details.updatedAt, now);
    addTime(times, QStringLiteral("Closed"), QStringLiteral("closedOn"), details.closedOn, now);
    addTime(times, QStringLiteral("First response"), QStringLiteral("firstResponseAt"), details.firstResponseAt, now);
    addTime(times, QStringLiteral("Last customer reply"), QStringLiteral("lastReplyByCustomer"),
        details.lastReplyByCustomer, now);
    addTime(times, QStringLiteral("Last vendor reply"), QStringLiteral("lastReplyByVendor"), details.lastReplyByVendor,
        now);

    addLinks(layout, details);
    addCustomFields(layout, details);
    layout->addStretch(1);
    alignFieldLabels(content);
    return content;
}

QWidget *OverviewPane::buildPlatformContent(const ThenaRequestDetails &details)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QVBoxLayout *layout = nullptr;
    QWidget *content = newContent(&layout);

    QFormLayout *event = addSection(layout, QStringLiteral("Platform event"));
    addRow(event, QStringLiteral("Kind"), QStringLiteral("kind"), eventKindName(details.kind));
    addRow(event, QStringLiteral("Event type"), QStringLiteral("eventType"), details.eventType);
    addRow(event, QStringLiteral("Event ID"), QStringLiteral("eventId"), details.eventId);
    addRow(event, QStringLiteral("Organisation"), QStringLiteral("orgId"), details.orgId);
    QString actor = details.actor.email.isEmpty() ? details.actor.id : details.actor.email;
    QStringList actorNotes;
    if (!details.actor.type.isEmpty())
        actorNotes.append(details.actor.type);
    if (!details.actor.id.isEmpty() && details.actor.id != actor)
        actorNotes.append(details.actor.id);
    if (!actorNotes.isEmpty())
        actor += (actor.isEmpty() ? QString() : QStringLiteral(" ")) + QLatin1Char('(')
            + actorNotes.join(QStringLiteral(", ")) + QLatin1Char(')');
    addRow(event, QStringLiteral("Actor"), QStringLiteral("actor"), actor);
    addTime(event, QStringLiteral("Timestamp"), QStringLiteral("timestamp"), details.timestamp, now);

    QFormLayout *ticket = addSection(layout, QStringLiteral("Ticket"));
    addRow(ticket, QStringLiteral("Ticket ID"), QStringLiteral("requestId"), details.requestId);
    addRow(ticket, QStringLiteral("Title"), QStringLiteral("title"), details.title);
    addRow(ticket, QStringLiteral("Status"), QStringLiteral("status"), details.status);
    addRow(ticket, QStringLiteral("Priority"), QStringLiteral("urgency"), details.urgency);
    addRow(ticket, QStringLiteral("Customer"), QStringLiteral("customer"), details.customer);
    addRow(ticket, QStringLiteral("Team"), QStringLiteral("team"), details.team);
    addPerson(ticket, QStringLiteral("Assigned to"), QStringLiteral("assignedTo"), details.assignedTo);
    addRow(ticket, QStringLiteral("Tags"), QStringLiteral("tags"), details.tags.join(QStringLiteral(", ")));
    addRow(ticket, QStringLiteral("Description"), QStringLiteral("description"), details.description);
    if (details.createdAt.isPresent())
        addTime(ticket, QStringLiteral("Created"), QStringLiteral("createdAt"), details.createdAt, now);
    if (details.updatedAt.isPresent())
        addTime(ticket, QStringLiteral("Updated"), QStringLiteral("updatedAt"), details.updatedAt, now);

    addLinks(layout, details);
    layout->addStretch(1);
    alignFieldLabels(content);
    return content;
}

QWidget *OverviewPane::buildUnknownContent(const ThenaRequestDetails &details)
{
    QVBoxLayout *layout = nullptr;
    QWidget *content = newContent(&layout);
    QFormLayout *event = addSection(layout, QStringLiteral("Event"));
    addRow(event, QStringLiteral("Kind"), QStringLiteral("kind"), eventKindName(details.kind));
    layout->addSpacing(8);
    layout->addWidget(noteLabel(QStringLiteral("unknownNote"),
        QStringLiteral("This JSON object is neither a Thena request nor a platform event. "
                       "The JSON and Raw tabs show everything it contains.")));
    layout->addStretch(1);
    alignFieldLabels(content);
    return content;
}
