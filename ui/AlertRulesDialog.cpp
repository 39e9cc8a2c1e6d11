#include "AlertRulesDialog.h"

#include "FilterQuery.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QRegularExpression>
#include <QVBoxLayout>

namespace {
const QString kAny = QStringLiteral("Any");

QComboBox *makeValueCombo(const QString &objectName, const QStringList &values, QWidget *parent)
{
    // Editable: Thena's documented values are suggestions, not a closed list (platform events say
    // "HIGH", and fields gain values over time).
    auto *combo = new QComboBox(parent);
    combo->setObjectName(objectName);
    combo->setEditable(true);
    combo->setInsertPolicy(QComboBox::NoInsert);
    combo->addItem(kAny);
    combo->addItems(values);
    return combo;
}

QString comboValue(const QComboBox *combo)
{
    const QString text = combo->currentText().trimmed();
    return text.compare(kAny, Qt::CaseInsensitive) == 0 ? QString() : text;
}

void setComboValue(QComboBox *combo, const QString &value)
{
    combo->setCurrentText(value.trimmed().isEmpty() ? kAny : value.trimmed());
}

QStringList splitIds(const QString &text)
{
    static const QRegularExpression separators(QStringLiteral("[,;\\s]+"));
    return text.split(separators, Qt::SkipEmptyParts);
}

QString summaryText(const AlertRule &rule)
{
    if (!rule.hasConditions())
        return QStringLiteral("No conditions yet: this rule never fires.");
    const QString fires = QStringLiteral("Fires for events where %1.").arg(rule.describe());
    return rule.enabled ? fires : QStringLiteral("Off. ") + fires;
}

QString displayName(const AlertRule &rule)
{
    return rule.name.trimmed().isEmpty() ? QStringLiteral("(unnamed rule)") : rule.name.trimmed();
}
} // namespace

AlertRulesDialog::AlertRulesDialog(QWidget *parent)
    : QDialog(parent)
    , m_list(new QListWidget(this))
    , m_addButton(new QPushButton(QStringLiteral("&Add"), this))
    , m_removeButton(new QPushButton(QStringLiteral("&Remove"), this))
    , m_restoreButton(new QPushButton(QStringLiteral("Restore &Defaults"), this))
    , m_name(new QLineEdit(this))
    , m_kind(new QComboBox(this))
    , m_urgency(makeValueCombo(QStringLiteral("urgencyCombo"),
          { QStringLiteral("Low"), QStringLiteral("Medium"), QStringLiteral("High"), QStringLiteral("Urgent") }, this))
    , m_sentiment(makeValueCombo(QStringLiteral("sentimentCombo"),
          { QStringLiteral("Positive"), QStringLiteral("Neutral"), QStringLiteral("Negative") }, this))
    , m_requestIds(new QLineEdit(this))
    , m_query(new QLineEdit(this))
    , m_summary(new QLabel(this))
    , m_problem(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
    , m_editor(new QWidget(this))
{
    setWindowTitle(QStringLiteral("Alert Rules"));
    m_list->setObjectName(QStringLiteral("ruleList"));
    m_addButton->setObjectName(QStringLiteral("addRuleButton"));
    m_removeButton->setObjectName(QStringLiteral("removeRuleButton"));
    m_restoreButton->setObjectName(QStringLiteral("restoreDefaultsButton"));
    m_name->setObjectName(QStringLiteral("ruleName"));
    m_kind->setObjectName(QStringLiteral("kindCombo"));
    m_requestIds->setObjectName(QStringLiteral("requestIds"));
    m_query->setObjectName(QStringLiteral("ruleQuery"));
    m_summary->setObjectName(QStringLiteral("ruleSummary"));
    m_problem->setObjectName(QStringLiteral("ruleProblem"));

    m_kind->addItem(QStringLiteral("Any kind"));
    for (const EventKind kind : { EventKind::Created, EventKind::Updated, EventKind::Escalated, EventKind::Platform })
        m_kind->addItem(eventKindName(kind), static_cast<int>(kind));
    m_requestIds->setPlaceholderText(QStringLiteral("Any request; or ids such as 42, 1234"));
    m_query->setPlaceholderText(QStringLiteral("Optional, in the filter bar's syntax: team:billing -status:closed"));
    m_query->setClearButtonEnabled(true);

    auto *intro = new QLabel(QStringLiteral("A captured event that meets every condition of an enabled rule raises a "
                                            "desktop notification; clicking it selects the event. Retries of an "
                                            "event already seen do not alert again."),
        this);
    intro->setWordWrap(true);

    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::PlainText);
    m_problem->setWordWrap(true);
    m_problem->setTextFormat(Qt::PlainText); // it quotes what the user typed
    m_problem->setStyleSheet(QStringLiteral("QLabel { color: #b71c1c; }"));
    m_problem->hide();

    auto *form = new QFormLayout(m_editor);
    form->setContentsMargins(0, 0, 0, 0);
    form->addRow(QStringLiteral("&Name:"), m_name);
    form->addRow(QStringLiteral("&Kind:"), m_kind);
    form->addRow(QStringLiteral("&Urgency:"), m_urgency);
    form->addRow(QStringLiteral("&Sentiment:"), m_sentiment);
    form->addRow(QStringLiteral("Re&quest ids:"), m_requestIds);
    form->addRow(QStringLiteral("Also &matching:"), m_query);
    form->addRow(m_summary);

    auto *listButtons = new QHBoxLayout;
    listButtons->addWidget(m_addButton);
    listButtons->addWidget(m_removeButton);
    listButtons->addStretch(1);
    listButtons->addWidget(m_restoreButton);
    auto *left = new QVBoxLayout;
    left->addWidget(m_list, 1);
    left->addLayout(listButtons);

    auto *columns = new QHBoxLayout;
    columns->addLayout(left, 2);
    columns->addWidget(m_editor, 3, Qt::AlignTop);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(columns, 1);
    layout->addWidget(m_problem);
    layout->addWidget(m_buttons);
    resize(760, 380);

    connect(m_list, &QListWidget::currentRowChanged, this, &AlertRulesDialog::onCurrentRowChanged);
    connect(m_list, &QListWidget::itemChanged, this, &AlertRulesDialog::onItemChanged);
    connect(m_addButton, &QPushButton::clicked, this, &AlertRulesDialog::addRule);
    connect(m_removeButton, &QPushButton::clicked, this, &AlertRulesDialog::removeRule);
    connect(m_restoreButton, &QPushButton::clicked, this, &AlertRulesDialog::restoreDefaults);
    connect(m_name, &QLineEdit::textEdited, this, &AlertRulesDialog::storeEditors);
    connect(m_kind, &QComboBox::currentIndexChanged, this, &AlertRulesDialog::storeEditors);
    connect(m_urgency, &QComboBox::currentTextChanged, this, &AlertRulesDialog::storeEditors);
    connect(m_sentiment, &QComboBox::currentTextChanged, this, &AlertRulesDialog::storeEditors);
    connect(m_requestIds, &QLineEdit::textEdited, this, &AlertRulesDialog::storeEditors);
    connect(m_query, &QLineEdit::textChanged, this, &AlertRulesDialog::storeEditors);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    setRules(AlertRules::defaults());
}

AlertRulesDialog::~AlertRulesDialog() = default;

void AlertRulesDialog::setRules(const AlertRules &rules)
{
    m_rules = rules.rules();
    {
        const QSignalBlocker blocker(m_list);
        m_list->clear();
        for (int row = 0; row < m_rules.size(); ++row) {
            auto *item = new QListWidgetItem(m_list);
            item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable);
            refreshItem(row);
        }
    }
    setCurrentRule(m_rules.isEmpty() ? -1 : 0);
    loadEditors();
    updateValidation();
}

AlertRules AlertRulesDialog::rules() const
{
    return AlertRules(m_rules);
}

int AlertRulesDialog::currentRule() const
{
    return m_list->currentRow();
}

void AlertRulesDialog::setCurrentRule(int row)
{
    m_list->setCurrentRow(row);
}

QString AlertRulesDialog::problem() const
{
    return m_buttons->button(QDialogButtonBox::Ok)->isEnabled() ? QString() : m_problem->text();
}

void AlertRulesDialog::addRule()
{
    AlertRule rule;
    rule.id = AlertRules(m_rules).unusedRuleId();
    rule.name = QStringLiteral("New rule");
    m_rules.append(rule);
    {
        const QSignalBlocker blocker(m_list);
        auto *item = new QListWidgetItem(m_list);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable);
        refreshItem(static_cast<int>(m_rules.size()) - 1);
    }
    setCurrentRule(static_cast<int>(m_rules.size()) - 1);
    m_name->setFocus();
    m_name->selectAll();
    updateValidation();
}

void AlertRulesDialog::removeRule()
{
    const int row = currentRule();
    if (row < 0)
        return;
    m_rules.removeAt(row);
    {
        const QSignalBlocker blocker(m_list);
        delete m_list->takeItem(row);
    }
    setCurrentRule(qMin(row, static_cast<int>(m_rules.size()) - 1));
    loadEditors();
    updateValidation();
}

void AlertRulesDialog::restoreDefaults()
{
    // The watched requests are the user's data, not a setting: they survive a reset.
    AlertRules defaults = AlertRules::defaults();
    const QStringList watched = AlertRules(m_rules).watchedRequestIds();
    for (const QString &id : watched)
        defaults.setWatched(id, true);
    setRules(defaults);
}

void AlertRulesDialog::onCurrentRowChanged(int)
{
    loadEditors();
}

void AlertRulesDialog::onItemChanged(QListWidgetItem *item)
{
    const int row = m_list->row(item);
    if (row < 0 || row >= m_rules.size())
        return;
    m_rules[row].enabled = item->checkState() == Qt::Checked;
    if (row == currentRule())
        m_summary->setText(summaryText(m_rules.at(row)));
    updateValidation();
}

void AlertRulesDialog::loadEditors()
{
    const int row = currentRule();
    const bool valid = row >= 0 && row < m_rules.size();
    m_editor->setEnabled(valid);
    m_removeButton->setEnabled(valid);
    const AlertRule rule = valid ? m_rules.at(row) : AlertRule();
    m_loading = true;
    m_name->setText(rule.name);
    m_kind->setCurrentIndex(rule.kind ? m_kind->findData(static_cast<int>(*rule.kind)) : 0);
    setComboValue(m_urgency, rule.urgency);
    setComboValue(m_sentiment, rule.sentiment);
    m_requestIds->setText(rule.requestIds.join(QStringLiteral(", ")));
    m_query->setText(rule.query);
    m_loading = false;
    m_summary->setText(valid ? summaryText(rule) : QString());
}

void AlertRulesDialog::storeEditors()
{
    const int row = currentRule();
    if (m_loading || row < 0 || row >= m_rules.size())
        return;
    AlertRule &rule = m_rules[row];
    rule.name = m_name->text();
    const QVariant kind = m_kind->currentData();
    rule.kind = kind.isValid() ? std::optional<EventKind>(static_cast<EventKind>(kind.toInt())) : std::nullopt;
    rule.urgency = comboValue(m_urgency);
    rule.sentiment = comboValue(m_sentiment);
    rule.requestIds = splitIds(m_requestIds->text());
    rule.query = m_query->text().trimmed();
    refreshItem(row);
    m_summary->setText(summaryText(rule));
    updateValidation();
}

void AlertRulesDialog::refreshItem(int row)
{
    QListWidgetItem *item = m_list->item(row);
    if (!item)
        return;
    const AlertRule &rule = m_rules.at(row);
    const QSignalBlocker blocker(m_list);
    item->setText(displayName(rule));
    item->setCheckState(rule.enabled ? Qt::Checked : Qt::Unchecked);
    item->setToolTip(rule.describe());
}

void AlertRulesDialog::updateValidation()
{
    QString problem;
    for (const AlertRule &rule : std::as_const(m_rules)) {
        const FilterQuery query = FilterQuery::parse(rule.query);
        if (query.hasErrors()) {
            problem = QStringLiteral("%1: %2").arg(displayName(rule), query.errors().join(QStringLiteral("; ")));
            break;
        }
    }
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty());
}
