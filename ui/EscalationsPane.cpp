#include "EscalationsPane.h"

#include "ThenaRequestDetails.h"
#include "ThenaTime.h"

#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QScrollArea>
#include <QStackedWidget>
#include <QVBoxLayout>
#include <algorithm>

namespace {
using Details = ThenaRequestDetails;

void setMuted(QLabel *label)
{
    label->setForegroundRole(QPalette::PlaceholderText);
    QFont font = label->font();
    font.setItalic(true);
    label->setFont(font);
}

// Payload text: plain text only, selectable, a muted dash when empty.
QLabel *valueLabel(const QString &key, const QString &text)
{
    auto *label = new QLabel;
    label->setObjectName(key + QStringLiteral("Value"));
    label->setTextFormat(Qt::PlainText);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    label->setText(text.isEmpty() ? QStringLiteral("\u2014") : text);
    if (text.isEmpty())
        setMuted(label);
    return label;
}

QLabel *fieldLabel(const QString &text)
{
    auto *label = new QLabel(text);
    label->setTextFormat(Qt::PlainText);
    label->setObjectName(QStringLiteral("fieldLabel"));
    QFont font = label->font();
    font.setBold(true);
    label->setFont(font);
    return label;
}

// Each section is its own form; one label width for all keeps the values in a single column.
void alignFieldLabels(QWidget *content)
{
    const QList<QLabel *> labels = content->findChildren<QLabel *>(QStringLiteral("fieldLabel"));
    int width = 0;
    for (const QLabel *label : labels)
        width = std::max(width, label->sizeHint().width());
    for (QLabel *label : labels)
        label->setMinimumWidth(width);
}

QFormLayout *newForm()
{
    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->setRowWrapPolicy(QFormLayout::DontWrapRows);
    form->setLabelAlignment(Qt::AlignLeft | Qt::AlignTop);
    form->setHorizontalSpacing(16);
    form->setVerticalSpacing(6);
    return form;
}

void addRow(QFormLayout *form, const QString &label, const QString &key, const QString &value)
{
    form->addRow(fieldLabel(label), valueLabel(key, value));
}

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
    , m_emptyLabel(new QLabel(this))
    , m_scrollArea(new QScrollArea(this))
{
    m_emptyLabel->setObjectName(QStringLiteral("emptyLabel"));
    m_emptyLabel->setTextFormat(Qt::PlainText);
    m_emptyLabel->setAlignment(Qt::AlignCenter);
    m_emptyLabel->setWordWrap(true);
    m_emptyLabel->setMargin(24);
    m_emptyLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    setMuted(m_emptyLabel);

    m_scrollArea->setObjectName(QStringLiteral("escalationsScrollArea"));
    m_scrollArea->setWidgetResizable(true);
    m_scrollArea->setFrameShape(QFrame::NoFrame);

    m_pages->addWidget(m_emptyLabel);
    m_pages->addWidget(m_scrollArea);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_pages);
    clearEvent();
}

EscalationsPane::~EscalationsPane() = default;

void EscalationsPane::setEvent(const CapturedEvent &event)
{
    const Details details = Details::fromBody(event.body);
    if (!details.valid) {
        const QString error = details.error.isEmpty() ? event.error : details.error;
        showMessage(QStringLiteral("The body is not a valid JSON object, so there are no escalations to show.\n\n")
            + error + QStringLiteral("\n\nThe Raw tab shows the body exactly as received."));
        return;
    }
    if (details.escalationType.isEmpty() && details.escalations.isEmpty()) {
        showMessage(QStringLiteral("This event has no escalations."));
        return;
    }

    const QDateTime now = QDateTime::currentDateTimeUtc();
    auto *content = new QWidget;
    content->setObjectName(QStringLiteral("escalationsContent"));
    auto *layout = new QVBoxLayout(content);
    layout->setContentsMargins(12, 12, 12, 12);
    layout->setSpacing(12);

    QFormLayout *summary = newForm();
    addRow(summary, QStringLiteral("Escalation type"), QStringLiteral("escalationType"), details.escalationType);
    addRow(summary, QStringLiteral("Escalations"), QStringLiteral("escalationCount"),
        QString::number(details.escalations.size()));
    layout->addLayout(summary);

    if (details.escalations.isEmpty()) {
        auto *note = new QLabel(QStringLiteral("The payload has no escalation details."));
        note->setObjectName(QStringLiteral("noDetailsNote"));
        note->setTextFormat(Qt::PlainText);
        setMuted(note);
        layout->addWidget(note);
    }
    const auto count = details.escalations.size();
    for (qsizetype i = 0; i < count; ++i) {
        const Details::Escalation &escalation = details.escalations.at(i);
        // QGroupBox titles are always plain text; ours carries no payload text anyway.
        auto *box = new QGroupBox(
            count == 1 ? QStringLiteral("Escalation") : QStringLiteral("Escalation %1 of %2").arg(i + 1).arg(count));
        box->setObjectName(QStringLiteral("escalationBox"));
        QFormLayout *form = newForm();
        addRow(form, QStringLiteral("Reason"), QStringLiteral("reason"), escalation.reason);
        addRow(form, QStringLiteral("Message"), QStringLiteral("message"), escalation.message);
        addRow(form, QStringLiteral("Business impact"), QStringLiteral("businessImpact"), escalation.businessImpact);
        addRow(form, QStringLiteral("Escalated by"), QStringLiteral("escalatedBy"), personText(escalation.escalatedBy));
        addRow(form, QStringLiteral("When"), QStringLiteral("when"),
            ThenaTime::describe(escalation.ts.raw, escalation.ts.utc, now));
        box->setLayout(form);
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
