#include "AiPane.h"

#include "ThenaRequestDetails.h"

#include <QFormLayout>
#include <QLabel>
#include <QScrollArea>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace {
QLabel *valueLabel(const QString &objectName, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setTextFormat(Qt::PlainText);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    return label;
}

QLabel *fieldLabel(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setTextFormat(Qt::PlainText);
    QFont font = label->font();
    font.setBold(true);
    label->setFont(font);
    return label;
}

void setMuted(QLabel *label, bool muted)
{
    label->setForegroundRole(muted ? QPalette::PlaceholderText : QPalette::WindowText);
    QFont font = label->font();
    font.setItalic(muted);
    label->setFont(font);
}
} // namespace

AiPane::AiPane(QWidget *parent)
    : QWidget(parent)
    , m_pages(new QStackedWidget(this))
    , m_emptyLabel(new QLabel(this))
    , m_fields(new QWidget(this))
    , m_title(valueLabel(QStringLiteral("aiTitleValue"), m_fields))
    , m_summary(valueLabel(QStringLiteral("aiSummaryValue"), m_fields))
    , m_sentiment(valueLabel(QStringLiteral("aiSentimentValue"), m_fields))
    , m_urgency(valueLabel(QStringLiteral("aiUrgencyValue"), m_fields))
    , m_tags(new QLabel(m_fields))
{
    m_emptyLabel->setObjectName(QStringLiteral("emptyLabel"));
    m_emptyLabel->setTextFormat(Qt::PlainText);
    m_emptyLabel->setAlignment(Qt::AlignCenter);
    m_emptyLabel->setWordWrap(true);
    m_emptyLabel->setMargin(24);
    m_emptyLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    setMuted(m_emptyLabel, true);

    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.15);
    m_title->setFont(titleFont);

    // Rich text only to draw chips; every tag is escaped before it goes in.
    m_tags->setObjectName(QStringLiteral("aiTagsValue"));
    m_tags->setTextFormat(Qt::RichText);
    m_tags->setWordWrap(true);
    m_tags->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->setRowWrapPolicy(QFormLayout::DontWrapRows);
    form->setLabelAlignment(Qt::AlignLeft | Qt::AlignTop);
    form->setHorizontalSpacing(16);
    form->setVerticalSpacing(10);
    form->addRow(fieldLabel(QStringLiteral("Title"), m_fields), m_title);
    form->addRow(fieldLabel(QStringLiteral("Summary"), m_fields), m_summary);
    form->addRow(fieldLabel(QStringLiteral("Sentiment"), m_fields), m_sentiment);
    form->addRow(fieldLabel(QStringLiteral("Urgency"), m_fields), m_urgency);
    form->addRow(fieldLabel(QStringLiteral("Tags"), m_fields), m_tags);

    auto *fieldsLayout = new QVBoxLayout(m_fields);
    fieldsLayout->setContentsMargins(12, 12, 12, 12);
    fieldsLayout->addLayout(form);
    fieldsLayout->addStretch(1);

    auto *scrollArea = new QScrollArea(this);
    scrollArea->setObjectName(QStringLiteral("aiScrollArea"));
    scrollArea->setWidgetResizable(true);
    scrollArea->setFrameShape(QFrame::NoFrame);
    scrollArea->setWidget(m_fields);

    m_pages->addWidget(m_emptyLabel);
    m_pages->addWidget(scrollArea);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_pages);
    clearEvent();
}

AiPane::~AiPane() = default;

void AiPane::setEvent(const CapturedEvent &event)
{
    const ThenaRequestDetails details = ThenaRequestDetails::fromBody(event.body);
    if (!details.valid) {
        const QString error = details.error.isEmpty() ? event.error : details.error;
        showMessage(QStringLiteral("The body is not a valid JSON object, so there are no AI fields to show.\n\n")
            + error + QStringLiteral("\n\nThe Raw tab shows the body exactly as received."));
        return;
    }
    if (details.aiTitle.isEmpty() && details.aiSummary.isEmpty() && details.aiSentiment.isEmpty()
        && details.aiUrgency.isEmpty() && details.aiTags.isEmpty()) {
        showMessage(QStringLiteral("This event has no AI fields."));
        return;
    }
    setValue(m_title, details.aiTitle);
    setValue(m_summary, details.aiSummary);
    setValue(m_sentiment, details.aiSentiment);
    setValue(m_urgency, details.aiUrgency);
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

void AiPane::setValue(QLabel *label, const QString &text)
{
    label->setText(text.isEmpty() ? QStringLiteral("\u2014") : text);
    setMuted(label, text.isEmpty());
}

void AiPane::setTags(const QStringList &tags)
{
    if (tags.isEmpty()) {
        m_tags->setText(QStringLiteral("\u2014"));
        setMuted(m_tags, true);
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
