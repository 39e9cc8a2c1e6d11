#include "SettingsDialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

namespace {
// Whitespace around a pasted address is not worth refusing.
QHostAddress parseAddress(const QString &text, bool *ok)
{
    QHostAddress address;
    *ok = address.setAddress(text.trimmed());
    return *ok ? address : QHostAddress();
}

QLabel *makeNote(const QString &objectName, const QString &styleSheet, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setTextFormat(Qt::PlainText); // it quotes what the user typed
    label->setWordWrap(true);
    label->setStyleSheet(styleSheet);
    label->hide();
    return label;
}
} // namespace

SettingsDialog::SettingsDialog(QWidget *parent)
    : QDialog(parent)
    , m_address(new QLineEdit(this))
    , m_addressProblem(makeNote(QStringLiteral("addressProblem"), QStringLiteral("QLabel { color: #b71c1c; }"), this))
    , m_exposureWarning(makeNote(QStringLiteral("exposureWarning"),
          QStringLiteral("QLabel { background: #fff4e5; color: #663c00; border: 1px solid #ffcc80;"
                         " border-radius: 4px; padding: 4px; }"),
          this))
    , m_port(new QSpinBox(this))
    , m_secret(new QLineEdit(this))
    , m_showSecret(new QToolButton(this))
    , m_rememberSecret(new QCheckBox(QStringLiteral("Remember the secret on this computer"), this))
    , m_keepEvents(new QSpinBox(this))
    , m_keepDays(new QSpinBox(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(QStringLiteral("Capture Settings"));

    m_address->setObjectName(QStringLiteral("address"));
    m_address->setPlaceholderText(QStringLiteral("127.0.0.1"));
    m_address->setToolTip(QStringLiteral("The IP address to listen on: 127.0.0.1 or ::1 for this computer only, "
                                         "0.0.0.0 for every network interface"));
    m_exposureWarning->setText(QStringLiteral("Other machines on your network can reach the inspector."));

    m_port->setObjectName(QStringLiteral("port"));
    m_port->setRange(0, 65535);
    m_port->setSpecialValueText(QStringLiteral("Any free port")); // shown for 0
    m_port->setToolTip(QStringLiteral("0 picks any free port"));

    m_secret->setObjectName(QStringLiteral("secret"));
    m_secret->setEchoMode(QLineEdit::Password);
    m_secret->setPlaceholderText(QStringLiteral("None: every delivery is accepted"));
    m_secret->setToolTip(QStringLiteral("The value Thena sends in the authorization header"));
    m_showSecret->setObjectName(QStringLiteral("showSecret"));
    m_showSecret->setCheckable(true);
    m_showSecret->setText(QStringLiteral("Show"));
    connect(m_showSecret, &QToolButton::toggled, this, &SettingsDialog::setSecretVisible);

    m_rememberSecret->setObjectName(QStringLiteral("rememberSecret"));
    m_rememberSecret->setToolTip(
        QStringLiteral("Off: the secret is kept for this session only and asked for again next time"));

    auto *secretRow = new QHBoxLayout;
    secretRow->addWidget(m_secret, 1);
    secretRow->addWidget(m_showSecret);

    auto *form = new QFormLayout;
    form->addRow(QStringLiteral("Listen &address:"), m_address);
    form->addRow(QString(), m_addressProblem);
    form->addRow(QString(), m_exposureWarning);
    form->addRow(QStringLiteral("&Port:"), m_port);
    // A row holding a layout gets no buddy by itself, and the mnemonic would show as "&".
    auto *secretLabel = new QLabel(QStringLiteral("&Secret:"), this);
    secretLabel->setBuddy(m_secret);
    form->addRow(secretLabel, secretRow);
    form->addRow(QString(), m_rememberSecret);

    // Retention: what the capture file keeps. 0 means no limit, shown as words, not a number.
    m_keepEvents->setObjectName(QStringLiteral("keepEvents"));
    m_keepEvents->setRange(0, 100000000);
    m_keepEvents->setSingleStep(10000);
    m_keepEvents->setSpecialValueText(QStringLiteral("No limit"));
    m_keepEvents->setSuffix(QStringLiteral(" events"));
    m_keepEvents->setToolTip(QStringLiteral("The oldest events are removed first"));
    m_keepDays->setObjectName(QStringLiteral("keepDays"));
    m_keepDays->setRange(0, 3650);
    m_keepDays->setSpecialValueText(QStringLiteral("No limit"));
    m_keepDays->setSuffix(QStringLiteral(" days"));
    form->addRow(QStringLiteral("Keep at &most:"), m_keepEvents);
    form->addRow(QStringLiteral("Keep for at most:"), m_keepDays);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addStretch();
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_address, &QLineEdit::textChanged, this, &SettingsDialog::updateValidation);

    setConfig(CaptureConfig(), false);
}

SettingsDialog::~SettingsDialog() = default;

void SettingsDialog::setConfig(const CaptureConfig &config, bool rememberSecret)
{
    m_address->setText(config.address.isNull() ? QString() : config.address.toString());
    m_port->setValue(config.port);
    m_secret->setText(QString::fromUtf8(config.secret));
    m_rememberSecret->setChecked(rememberSecret);
    m_showSecret->setChecked(false);
    m_keepEvents->setValue(int(std::min<qint64>(config.retainEvents, m_keepEvents->maximum())));
    m_keepDays->setValue(int(std::min<qint64>(config.retainDays, m_keepDays->maximum())));
    updateValidation();
}

CaptureConfig SettingsDialog::config() const
{
    CaptureConfig config;
    bool ok = false;
    config.address = parseAddress(m_address->text(), &ok);
    config.port = quint16(m_port->value());
    config.secret = m_secret->text().toUtf8();
    config.retainEvents = m_keepEvents->value();
    config.retainDays = m_keepDays->value();
    return config;
}

bool SettingsDialog::rememberSecret() const
{
    return m_rememberSecret->isChecked();
}

void SettingsDialog::updateValidation()
{
    const QString text = m_address->text().trimmed();
    bool ok = false;
    const QHostAddress address = parseAddress(text, &ok);

    QString problem;
    if (text.isEmpty())
        problem = QStringLiteral("Enter the IP address to listen on, for example 127.0.0.1.");
    else if (!ok)
        problem = QStringLiteral("\"%1\" is not an IP address. Use one like 127.0.0.1 or ::1.").arg(text);
    m_addressProblem->setText(problem);
    m_addressProblem->setVisible(!ok);
    m_exposureWarning->setVisible(ok && !address.isLoopback());

    QPushButton *okButton = m_buttons->button(QDialogButtonBox::Ok);
    okButton->setEnabled(ok);
    okButton->setToolTip(problem);
}

void SettingsDialog::setSecretVisible(bool visible)
{
    m_secret->setEchoMode(visible ? QLineEdit::Normal : QLineEdit::Password);
    m_showSecret->setText(visible ? QStringLiteral("Hide") : QStringLiteral("Show"));
}
