#include "AiPane.h"

#include "PaneWidgets.h"
#include "ThenaRequestDetails.h"

#include <QFormLayout>
#include <QLabel>
#include <QScrollArea>
#include <QStackedWidget>
#include <QVBoxLayout>

using namespace PaneWidgets;

AiPane::AiPane(QWidget *parent)
    : QWidget(parent)
    , m_pages(new QStackedWidget(this))
    , m_emptyLabel(emptyLabel(this))
    , m_fields(new QWidget(this))
    , m_title(valueLabel(QStringLiteral("aiTitleValue"), m_fields))
    , m_summary(valueLabel(QStringLiteral("aiSummaryValue"), m_fields))
    , m_sentiment(valueLabel(QStringLiteral("aiSentimentValue"), m_fields))
    , m_urgency(valueLabel(QStringLiteral("aiUrgencyValue"), m_fields))
    , m_tags(new QLabel(m_fields))
{
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.15);
    m_title->setFont(titleFont);

    // Rich text only to draw chips; every tag is escaped before it goes in.
    m_tags->setObjectName(QStringLiteral("aiTagsValue"));
    m_tags->setTextFormat(Qt::RichText);
    m_tags->setWordWrap(true);
    m_tags->setTextInteractionFlags(Qt::TextSelectableByMouse);

    QFormLayout *rows = form(10);
    rows->addRow(fieldLabel(QStringLiteral("Title"), m_fields), m_title);
    rows->addRow(fieldLabel(QStringLiteral("Summary"), m_fields), m_summary);
    rows->addRow(fieldLabel(QStringLiteral("Sentiment"), m_fields), m_sentiment);
    rows->addRow(fieldLabel(QStringLiteral("Urgency"), m_fields), m_urgency);
    rows->addRow(fieldLabel(QStringLiteral("Tags"), m_fields), m_tags);

    QVBoxLayout *fieldsLayout = contentLayout(m_fields);
    fieldsLayout->addLayout(rows);
    fieldsLayout->addStretch(1);

    QScrollArea *fieldsArea = scrollArea(QStringLiteral("aiScrollArea"), this);
    fieldsArea->setWidget(m_fields);
    stackPages(this, m_pages, m_emptyLabel, fieldsArea);
    clearEvent();
}

AiPane::~AiPane() = default;

void AiPane::setEvent(const CapturedEvent &event)
{
    const ThenaRequestDetails details = ThenaRequestDetails::fromBody(event.body);
    if (!details.valid) {
        showMessage(invalidBodyMessage(QStringLiteral("there are no AI fields to show"), details, event));
        return;
    }
    if (details.aiTitle.isEmpty() && details.aiSummary.isEmpty() && details.aiSentiment.isEmpty()
        && details.aiUrgency.isEmpty() && details.aiTags.isEmpty()) {
        showMessage(QStringLiteral("This event has no AI fields."));
        return;
    }
    setValueText(m_title, details.aiTitle);
    setValueText(m_summary, details.aiSummary);
    setValueText(m_sentiment, details.aiSentiment);
    setValueText(m_urgency, details.aiUrgency);
    setTags(details.aiTags);
    m_pages->setCurrentIndex(1);
}

void AiPane::clearEvent()
{
    showMessage(QStringLiteral("Select an event to see its AI fields."));
}

void AiPane::showMessage(const QString &text)
{
    for (QLabel *label : { m_title, m_summary, m_sentiment, m_urgency, m_tags })
        label->clear();
    m_emptyLabel->setText(text);
    m_pages->setCurrentWidget(m_emptyLabel);
}

void AiPane::setTags(const QStringList &tags)
{
    if (tags.isEmpty()) {
        setValueText(m_tags, QString());
        return;
    }
    setMuted(m_tags, false);
    const QPalette palette = m_tags->palette();
    const QString chipStyle
        = QStringLiteral("background-color:%1; color:%2;")
              .arg(palette.color(QPalette::Midlight).name(), palette.color(QPalette::ButtonText).name());
    QStringList chips;
    chips.reserve(tags.size());
    for (const QString &tag : tags) {
        chips.append(QStringLiteral("<span style=\"") + chipStyle + QStringLiteral("\">&nbsp;") + tag.toHtmlEscaped()
            + QStringLiteral("&nbsp;</span>"));
    }
    m_tags->setText(chips.join(QStringLiteral(" &nbsp;")));
}
