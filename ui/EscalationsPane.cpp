#include "EscalationsPane.h"

#include "PaneWidgets.h"
#include "ThenaRequestDetails.h"
#include "ThenaTime.h"

#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QScrollArea>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace {
using Details = ThenaRequestDetails;
using namespace PaneWidgets;

QString personText(const Details::Person &person)
{
    if (person.name.isEmpty() || person.id.isEmpty())
        return person.display();
    return person.display() + QStringLiteral(" (Slack ID ") + person.id + QLatin1Char(')');
}
} // namespace

EscalationsPane::EscalationsPane(QWidget *parent)
    : QWidget(parent)
    , m_pages(new QStackedWidget(this))
    , m_emptyLabel(emptyLabel(this))
    , m_scrollArea(scrollArea(QStringLiteral("escalationsScrollArea"), this))
{
    stackPages(this, m_pages, m_emptyLabel, m_scrollArea);
    clearEvent();
}

EscalationsPane::~EscalationsPane() = default;

void EscalationsPane::setEvent(const CapturedEvent &event)
{
    const Details details = Details::fromBody(event.body);
    if (!details.valid) {
        showMessage(invalidBodyMessage(QStringLiteral("there are no escalations to show"), details, event));
        return;
    }
    if (details.escalationType.isEmpty() && details.escalations.isEmpty()) {
        showMessage(QStringLiteral("This event has no escalations."));
        return;
    }

    const QDateTime now = QDateTime::currentDateTimeUtc();
    auto *content = new QWidget;
    content->setObjectName(QStringLiteral("escalationsContent"));
    QVBoxLayout *layout = contentLayout(content);
    layout->setSpacing(12);

    QFormLayout *summary = form();
    addRow(summary, QStringLiteral("Escalation type"), QStringLiteral("escalationType"), details.escalationType);
    addRow(summary, QStringLiteral("Escalations"), QStringLiteral("escalationCount"),
        QString::number(details.escalations.size()));
    layout->addLayout(summary);

    if (details.escalations.isEmpty()) {
        layout->addWidget(
            noteLabel(QStringLiteral("noDetailsNote"), QStringLiteral("The payload has no escalation details.")));
    }
    const auto count = details.escalations.size();
    for (qsizetype i = 0; i < count; ++i) {
        const Details::Escalation &escalation = details.escalations.at(i);
        // QGroupBox titles are always plain text; ours carries no payload text anyway.
        auto *box = new QGroupBox(
            count == 1 ? QStringLiteral("Escalation") : QStringLiteral("Escalation %1 of %2").arg(i + 1).arg(count));
        box->setObjectName(QStringLiteral("escalationBox"));
        QFormLayout *rows = form();
        addRow(rows, QStringLiteral("Reason"), QStringLiteral("reason"), escalation.reason);
        addRow(rows, QStringLiteral("Message"), QStringLiteral("message"), escalation.message);
        addRow(rows, QStringLiteral("Business impact"), QStringLiteral("businessImpact"), escalation.businessImpact);
        addRow(rows, QStringLiteral("Escalated by"), QStringLiteral("escalatedBy"), personText(escalation.escalatedBy));
        addRow(rows, QStringLiteral("When"), QStringLiteral("when"),
            ThenaTime::describe(escalation.ts.raw, escalation.ts.utc, now));
        box->setLayout(rows);
        layout->addWidget(box);
    }
    layout->addStretch(1);
    alignFieldLabels(content);
    m_scrollArea->setWidget(content); // deletes the previous content
    m_pages->setCurrentWidget(m_scrollArea);
}

void EscalationsPane::clearEvent()
{
    showMessage(QStringLiteral("Select an event to see its escalations."));
}

void EscalationsPane::showMessage(const QString &text)
{
    m_emptyLabel->setText(text);
    m_pages->setCurrentWidget(m_emptyLabel);
    delete m_scrollArea->takeWidget();
}
