#include "PaneWidgets.h"

#include "CapturedEvent.h"
#include "ThenaRequestDetails.h"

#include <QFormLayout>
#include <QLabel>
#include <QScrollArea>
#include <QStackedWidget>
#include <QVBoxLayout>
#include <algorithm>

namespace PaneWidgets {

QString noValue()
{
    return QStringLiteral("\u2014");
}

void setMuted(QLabel *label, bool muted)
{
    label->setForegroundRole(muted ? QPalette::PlaceholderText : QPalette::WindowText);
    QFont font = label->font();
    font.setItalic(muted);
    label->setFont(font);
}

QLabel *emptyLabel(QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(QStringLiteral("emptyLabel"));
    label->setTextFormat(Qt::PlainText); // the message can quote a parse error, which quotes the body
    label->setAlignment(Qt::AlignCenter);
    label->setWordWrap(true);
    label->setMargin(24);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    setMuted(label);
    return label;
}

void stackPages(QWidget *pane, QStackedWidget *pages, QLabel *emptyLabel, QWidget *content)
{
    pages->addWidget(emptyLabel);
    pages->addWidget(content);
    auto *layout = new QVBoxLayout(pane);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(pages);
}

QScrollArea *scrollArea(const QString &objectName, QWidget *parent)
{
    auto *area = new QScrollArea(parent);
    area->setObjectName(objectName);
    area->setWidgetResizable(true);
    area->setFrameShape(QFrame::NoFrame);
    return area;
}

QVBoxLayout *contentLayout(QWidget *content)
{
    auto *layout = new QVBoxLayout(content);
    layout->setContentsMargins(ContentMargin, ContentMargin, ContentMargin, ContentMargin);
    return layout;
}

QString invalidBodyMessage(const QString &nothingToShow, const ThenaRequestDetails &details, const CapturedEvent &event)
{
    const QString &error = details.error.isEmpty() ? event.error : details.error;
    return QStringLiteral("The body is not a valid JSON object, so ") + nothingToShow + QStringLiteral(".\n\n") + error
        + QStringLiteral("\n\nThe Raw tab shows the body exactly as received.");
}

QFormLayout *form(int verticalSpacing)
{
    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->setRowWrapPolicy(QFormLayout::DontWrapRows);
    form->setLabelAlignment(Qt::AlignLeft | Qt::AlignTop);
    form->setHorizontalSpacing(16);
    form->setVerticalSpacing(verticalSpacing);
    return form;
}

QFormLayout *addSection(QVBoxLayout *layout, const QString &title)
{
    auto *header = new QLabel(title);
    header->setTextFormat(Qt::PlainText);
    header->setObjectName(QStringLiteral("sectionHeader"));
    QFont font = header->font();
    font.setBold(true);
    font.setPointSizeF(font.pointSizeF() * 1.15);
    header->setFont(font);
    if (layout->count() > 0)
        layout->addSpacing(12);
    layout->addWidget(header);

    QFormLayout *section = form();
    section->setContentsMargins(8, 4, 0, 0);
    layout->addLayout(section);
    return section;
}

QLabel *fieldLabel(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(QStringLiteral("fieldLabel"));
    label->setTextFormat(Qt::PlainText);
    label->setText(text);
    QFont font = label->font();
    font.setBold(true);
    label->setFont(font);
    return label;
}

QLabel *valueLabel(const QString &objectName, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setTextFormat(Qt::PlainText);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    return label;
}

void setValueText(QLabel *label, const QString &text)
{
    label->setText(text.isEmpty() ? noValue() : text);
    setMuted(label, text.isEmpty());
}

QLabel *addRow(QFormLayout *form, const QString &label, const QString &key, const QString &text)
{
    QLabel *value = valueLabel(key + QStringLiteral("Value"));
    setValueText(value, text);
    form->addRow(fieldLabel(label), value);
    return value;
}

void alignFieldLabels(QWidget *content)
{
    const QList<QLabel *> labels = content->findChildren<QLabel *>(QStringLiteral("fieldLabel"));
    int width = 0;
    for (const QLabel *label : labels)
        width = std::max(width, label->sizeHint().width());
    for (QLabel *label : labels)
        label->setMinimumWidth(width);
}

QLabel *noteLabel(const QString &objectName, const QString &text)
{
    auto *note = new QLabel;
    note->setObjectName(objectName);
    note->setTextFormat(Qt::PlainText);
    note->setWordWrap(true);
    note->setText(text);
    setMuted(note);
    return note;
}

QLabel *linkLabel(const QString &url)
{
    const QString escaped = url.toHtmlEscaped();
    auto *label = new QLabel;
    label->setObjectName(QStringLiteral("linkValue"));
    label->setTextFormat(Qt::RichText);
    label->setWordWrap(true);
    label->setText(QStringLiteral("<a href=\"") + escaped + QStringLiteral("\">") + escaped + QStringLiteral("</a>"));
    label->setTextInteractionFlags(Qt::TextBrowserInteraction);
    label->setOpenExternalLinks(true);
    return label;
}

QString plainToolTip(const QString &text)
{
    return QStringLiteral("<p style=\"white-space:pre-wrap\">") + text.toHtmlEscaped() + QStringLiteral("</p>");
}

} // namespace PaneWidgets
