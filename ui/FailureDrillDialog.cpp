#include "FailureDrillDialog.h"

#include "RetryChain.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace {
// The combo's items: every event, then each kind a delivery can have (an invalid body is never drilled).
const EventKind kKinds[]
    = { EventKind::Created, EventKind::Updated, EventKind::Escalated, EventKind::Platform, EventKind::Unknown };

int statusOf(const QComboBox *combo)
{
    bool ok = false;
    const int status = combo->currentText().trimmed().toInt(&ok);
    return ok ? status : 0;
}
} // namespace

FailureDrillDialog::FailureDrillDialog(const FailureDrill::Config &current, QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("failureDrillDialog"));
    setWindowTitle(QStringLiteral("Failure drill"));

    auto *intro = new QLabel(QStringLiteral("Answer the first attempts of each new delivery with an error, or late, "
                                            "to watch how the sender retries. Every delivery is still captured."),
        this);
    intro->setWordWrap(true);

    m_enabled = new QCheckBox(QStringLiteral("Run a failure drill"), this);
    m_enabled->setObjectName(QStringLiteral("drillEnabled"));
    m_attempts = new QSpinBox(this);
    m_attempts->setObjectName(QStringLiteral("drillAttempts"));
    m_attempts->setRange(1, FailureDrill::MaxAttempts);
    m_attempts->setValue(2);

    m_byStatus = new QRadioButton(QStringLiteral("Answer with status"), this);
    m_byStatus->setObjectName(QStringLiteral("drillByStatus"));
    m_byStatus->setChecked(true);
    m_status = new QComboBox(this);
    m_status->setObjectName(QStringLiteral("drillStatus"));
    m_status->setEditable(true);
    for (const int status : FailureDrill::SuggestedStatuses)
        m_status->addItem(QString::number(status));
    m_status->setCurrentIndex(1); // 503: what a receiver answers when it is briefly unavailable
    m_byDelay = new QRadioButton(QStringLiteral("Hold the answer for"), this);
    m_byDelay->setObjectName(QStringLiteral("drillByDelay"));
    m_delay = new QSpinBox(this);
    m_delay->setObjectName(QStringLiteral("drillDelay"));
    m_delay->setRange(1, FailureDrill::MaxDelayMs);
    m_delay->setSingleStep(1000);
    m_delay->setValue(30000);
    m_delay->setSuffix(QStringLiteral(" ms"));

    m_kind = new QComboBox(this);
    m_kind->setObjectName(QStringLiteral("drillKind"));
    m_kind->addItem(QStringLiteral("Every event"), -1);
    for (const EventKind kind : kKinds)
        m_kind->addItem(eventKindName(kind) + QStringLiteral(" events only"), static_cast<int>(kind));

    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("drillSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::PlainText);
    QFont bold = m_summary->font();
    bold.setBold(true);
    m_summary->setFont(bold);
    m_scheduleNote = new QLabel(this);
    m_scheduleNote->setObjectName(QStringLiteral("drillNote"));
    m_scheduleNote->setWordWrap(true);
    m_scheduleNote->setTextFormat(Qt::PlainText);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *answer = new QGridLayout;
    answer->addWidget(m_byStatus, 0, 0);
    answer->addWidget(m_status, 0, 1);
    answer->addWidget(m_byDelay, 1, 0);
    answer->addWidget(m_delay, 1, 1);
    auto *form = new QFormLayout;
    form->addRow(QStringLiteral("First attempts of each new body"), m_attempts);
    form->addRow(QStringLiteral("Answer"), answer);
    form->addRow(QStringLiteral("Events"), m_kind);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_enabled);
    layout->addLayout(form);
    layout->addWidget(m_summary);
    layout->addWidget(m_scheduleNote);
    layout->addStretch(1);
    layout->addWidget(m_buttons);

    connect(m_enabled, &QCheckBox::toggled, this, &FailureDrillDialog::update);
    connect(m_attempts, &QSpinBox::valueChanged, this, &FailureDrillDialog::update);
    connect(m_byStatus, &QRadioButton::toggled, this, &FailureDrillDialog::update);
    connect(m_status, &QComboBox::currentTextChanged, this, &FailureDrillDialog::update);
    connect(m_delay, &QSpinBox::valueChanged, this, &FailureDrillDialog::update);
    connect(m_kind, &QComboBox::currentIndexChanged, this, &FailureDrillDialog::update);

    setConfig(current);
}

FailureDrillDialog::~FailureDrillDialog() = default;

FailureDrill::Config FailureDrillDialog::config() const
{
    FailureDrill::Config config;
    if (!m_enabled->isChecked() || !isAcceptable())
        return config;
    config.attempts = m_attempts->value();
    if (m_byStatus->isChecked())
        config.status = statusOf(m_status);
    else
        config.delayMs = m_delay->value();
    const int kind = m_kind->currentData().toInt();
    if (kind >= 0)
        config.kind = static_cast<EventKind>(kind);
    return config;
}

void FailureDrillDialog::setConfig(const FailureDrill::Config &config)
{
    m_enabled->setChecked(config.isActive());
    if (config.isActive()) {
        m_attempts->setValue(config.attempts);
        m_byStatus->setChecked(config.status != 0);
        m_byDelay->setChecked(config.status == 0);
        if (config.status != 0)
            m_status->setCurrentText(QString::number(config.status));
        if (config.delayMs > 0)
            m_delay->setValue(config.delayMs);
        m_kind->setCurrentIndex(config.kind ? m_kind->findData(static_cast<int>(*config.kind)) : 0);
    }
    update();
}

QString FailureDrillDialog::summaryText() const
{
    return m_summary->text();
}

bool FailureDrillDialog::isAcceptable() const
{
    if (!m_enabled->isChecked() || !m_byStatus->isChecked())
        return true;
    const int status = statusOf(m_status);
    return status >= 400 && status <= 599;
}

void FailureDrillDialog::update()
{
    const bool on = m_enabled->isChecked();
    for (QWidget *widget :
        std::initializer_list<QWidget *> { m_attempts, m_byStatus, m_byDelay, m_status, m_delay, m_kind })
        widget->setEnabled(on);
    m_status->setEnabled(on && m_byStatus->isChecked());
    m_delay->setEnabled(on && m_byDelay->isChecked());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(isAcceptable());

    if (!isAcceptable()) {
        m_summary->setText(QStringLiteral("The status must be an error status, 400 to 599."));
    } else {
        m_summary->setText(FailureDrill::describe(config()));
    }
    QString note = QStringLiteral("Off by default and never saved: closing the program ends the drill.");
    if (on && m_attempts->value() >= RetryChain::MaxAttempts)
        note += QStringLiteral(" Thena makes %1 attempts at most: with %2 failed attempts it gives up on every "
                               "event, which is then lost for this receiver.")
                    .arg(RetryChain::MaxAttempts)
                    .arg(m_attempts->value());
    m_scheduleNote->setText(note);
}
