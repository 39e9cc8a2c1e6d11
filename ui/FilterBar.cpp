#include "FilterBar.h"

#include <QAction>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QToolButton>

FilterBar::FilterBar(QWidget *parent)
    : QWidget(parent)
    , m_edit(new QLineEdit(this))
    , m_errorLabel(new QLabel(this))
    , m_countLabel(new QLabel(this))
    , m_createdButton(new QToolButton(this))
    , m_updatedButton(new QToolButton(this))
    , m_escalatedButton(new QToolButton(this))
    , m_hideRetriesButton(new QToolButton(this))
    , m_followButton(new QToolButton(this))
{
    m_edit->setObjectName(QStringLiteral("filterEdit"));
    m_edit->setClearButtonEnabled(true);
    m_edit->setPlaceholderText(QStringLiteral(
        "Filter (Ctrl+F): words, status:closed, urgency:high, team:\"EMEA\", -kind:updated, request:42"));
    m_edit->setToolTip(QStringLiteral(
        "Free words match any column. field:value matches one field: kind, request (id), status, urgency, "
        "sentiment, customer, team, assignee, channel, tag, title, path, type.\n"
        "-term excludes, \"quoted words\" match as a phrase, and all terms must match."));

    m_errorLabel->setObjectName(QStringLiteral("filterError"));
    m_errorLabel->setStyleSheet(QStringLiteral("color: #b3261e;"));
    m_errorLabel->setTextFormat(Qt::PlainText);
    m_errorLabel->hide();
    m_countLabel->setObjectName(QStringLiteral("filterCount"));
    m_countLabel->setTextFormat(Qt::PlainText);

    const auto setUpToggle = [this](QToolButton *button, EventKind kind, const QString &tip) {
        button->setText(eventKindName(kind));
        button->setObjectName(eventKindName(kind).toLower() + QStringLiteral("Toggle"));
        button->setCheckable(true);
        button->setChecked(true);
        button->setToolTip(tip);
        button->setAutoRaise(true);
        connect(button, &QToolButton::toggled, this, [this, kind](bool on) { emit kindToggled(kind, on); });
    };
    setUpToggle(m_createdButton, EventKind::Created, QStringLiteral("Show Request Created events"));
    setUpToggle(m_updatedButton, EventKind::Updated, QStringLiteral("Show Request Updated events"));
    setUpToggle(m_escalatedButton, EventKind::Escalated, QStringLiteral("Show Request Escalated events"));

    m_hideRetriesButton->setObjectName(QStringLiteral("hideRetriesToggle"));
    m_hideRetriesButton->setText(QStringLiteral("Hide retries"));
    m_hideRetriesButton->setCheckable(true);
    m_hideRetriesButton->setAutoRaise(true);
    m_hideRetriesButton->setToolTip(QStringLiteral("Show only the first delivery of each retried body"));
    connect(m_hideRetriesButton, &QToolButton::toggled, this, &FilterBar::retriesHiddenToggled);

    m_followButton->setObjectName(QStringLiteral("followButton"));
    m_followButton->hide();
    connect(m_followButton, &QToolButton::clicked, this, [this] {
        const QString id = followableRequestId();
        if (!id.isEmpty())
            emit followRequested(id);
    });
    connect(m_edit, &QLineEdit::returnPressed, m_followButton, [this] {
        const QString id = followableRequestId();
        if (!id.isEmpty())
            emit followRequested(id);
    });

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 4, 6, 4);
    layout->addWidget(m_edit, 1);
    layout->addWidget(m_followButton);
    layout->addWidget(m_errorLabel);
    layout->addSpacing(8);
    layout->addWidget(m_createdButton);
    layout->addWidget(m_updatedButton);
    layout->addWidget(m_escalatedButton);
    layout->addWidget(m_hideRetriesButton);
    layout->addSpacing(8);
    layout->addWidget(m_countLabel);

    connect(m_edit, &QLineEdit::textChanged, this, &FilterBar::applyText);
}

QString FilterBar::text() const
{
    return m_edit->text();
}

void FilterBar::setText(const QString &text)
{
    m_edit->setText(text);
}

void FilterBar::focusFilter()
{
    m_edit->setFocus(Qt::ShortcutFocusReason);
    m_edit->selectAll();
}

void FilterBar::setCounts(int visible, int total)
{
    m_countLabel->setText(visible == total ? QStringLiteral("%1 events").arg(total)
                                           : QStringLiteral("%1 of %2 events").arg(visible).arg(total));
}

QToolButton *FilterBar::kindButton(EventKind kind) const
{
    switch (kind) {
    case EventKind::Created:
        return m_createdButton;
    case EventKind::Updated:
        return m_updatedButton;
    case EventKind::Escalated:
        return m_escalatedButton;
    default:
        return nullptr;
    }
}

QString FilterBar::errorText() const
{
    return m_errorLabel->isHidden() ? QString() : m_errorLabel->text();
}

void FilterBar::applyText()
{
    const FilterQuery query = FilterQuery::parse(m_edit->text());
    if (query.hasErrors()) {
        m_errorLabel->setText(query.errors().join(QStringLiteral("; ")));
        m_errorLabel->show();
    } else {
        m_errorLabel->clear();
        m_errorLabel->hide();
    }
    const QString followable = followableRequestId();
    m_followButton->setText(QStringLiteral("Follow request %1").arg(followable));
    m_followButton->setToolTip(QStringLiteral("Open the lifecycle of request %1 (Enter)").arg(followable));
    m_followButton->setVisible(!followable.isEmpty());
    emit filterChanged(query);
}

QString FilterBar::requestIdOfFilter(const QString &text)
{
    static const QRegularExpression pattern(
        QStringLiteral("^\\s*(?:request|id):\"?([^\"\\s]+)\"?\\s*$"), QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch match = pattern.match(text);
    return match.hasMatch() ? match.captured(1) : QString();
}

QString FilterBar::followableRequestId() const
{
    return requestIdOfFilter(m_edit->text());
}
