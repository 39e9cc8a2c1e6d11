#include "SettingsDialog.h"

#include "TlsCredentials.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSslConfiguration>
#include <QToolButton>
#include <QVBoxLayout>
#include <limits>

namespace {
constexpr qint64 kUnitBytes[] = { 1, 1024, 1024 * 1024 };
// The command line's range for --idle-timeout and --max-connections, so both ways agree.
constexpr int kMaxIdleSeconds = 3600;
constexpr int kMaxConnections = 100000;

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

const QString kProblemStyle = QStringLiteral("QLabel { color: #b71c1c; }");

// A file field with its Browse button, as one form row.
QHBoxLayout *fileRow(QLineEdit *field, QPushButton *browse)
{
    auto *row = new QHBoxLayout;
    row->addWidget(field, 1);
    row->addWidget(browse);
    return row;
}

QLabel *buddyLabel(const QString &text, QWidget *buddy, QWidget *parent)
{
    // A row holding a layout gets no buddy by itself, and the mnemonic would show as "&".
    auto *label = new QLabel(text, parent);
    label->setBuddy(buddy);
    return label;
}
} // namespace

SettingsDialog::SettingsDialog(QWidget *parent)
    : QDialog(parent)
    , m_address(new QLineEdit(this))
    , m_addressProblem(makeNote(QStringLiteral("addressProblem"), kProblemStyle, this))
    , m_exposureWarning(makeNote(QStringLiteral("exposureWarning"),
          QStringLiteral("QLabel { background: #fff4e5; color: #663c00; border: 1px solid #ffcc80;"
                         " border-radius: 4px; padding: 4px; }"),
          this))
    , m_port(new QSpinBox(this))
    , m_secret(new QLineEdit(this))
    , m_showSecret(new QToolButton(this))
    , m_rememberSecret(new QCheckBox(QStringLiteral("Remember the secret on this computer"), this))
    , m_certFile(new QLineEdit(this))
    , m_browseCert(new QPushButton(QStringLiteral("Browse…"), this))
    , m_keyFile(new QLineEdit(this))
    , m_browseKey(new QPushButton(QStringLiteral("Browse…"), this))
    , m_tlsProblem(makeNote(QStringLiteral("tlsProblem"), kProblemStyle, this))
    , m_maxBody(new QSpinBox(this))
    , m_maxBodyUnit(new QComboBox(this))
    , m_idleTimeout(new QSpinBox(this))
    , m_maxConnections(new QSpinBox(this))
    , m_keepEvents(new QSpinBox(this))
    , m_keepDays(new QSpinBox(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(QStringLiteral("Capture Settings"));

    // ---- Listening
    m_address->setObjectName(QStringLiteral("address"));
    m_address->setPlaceholderText(QStringLiteral("127.0.0.1"));
    m_address->setToolTip(QStringLiteral("The IP address to listen on: 127.0.0.1 or ::1 for this computer only, "
                                         "0.0.0.0 for every network interface"));

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

    auto *listening = new QGroupBox(QStringLiteral("Listening"), this);
    auto *listeningForm = new QFormLayout(listening);
    listeningForm->addRow(QStringLiteral("Listen &address:"), m_address);
    listeningForm->addRow(QString(), m_addressProblem);
    listeningForm->addRow(QString(), m_exposureWarning);
    listeningForm->addRow(QStringLiteral("&Port:"), m_port);
    listeningForm->addRow(buddyLabel(QStringLiteral("&Secret:"), m_secret, listening), secretRow);
    listeningForm->addRow(QString(), m_rememberSecret);

    // ---- HTTPS
    m_certFile->setObjectName(QStringLiteral("certFile"));
    m_certFile->setPlaceholderText(QStringLiteral("None: plain HTTP"));
    m_certFile->setToolTip(QStringLiteral("The server certificate, PEM or DER, the chain after it"));
    m_keyFile->setObjectName(QStringLiteral("keyFile"));
    m_keyFile->setPlaceholderText(QStringLiteral("None: plain HTTP"));
    m_keyFile->setToolTip(QStringLiteral("The certificate's private key, PEM or DER, without a passphrase"));
    m_browseCert->setObjectName(QStringLiteral("browseCertFile"));
    m_browseKey->setObjectName(QStringLiteral("browseKeyFile"));
    connect(m_browseCert, &QPushButton::clicked, this,
        [this] { browseFor(m_certFile, QStringLiteral("Choose the TLS Certificate")); });
    connect(m_browseKey, &QPushButton::clicked, this,
        [this] { browseFor(m_keyFile, QStringLiteral("Choose the TLS Private Key")); });
    for (QLineEdit *field : { m_certFile, m_keyFile }) {
        // The problem shown is about the files as they were when OK was pressed.
        connect(field, &QLineEdit::textChanged, this, [this] {
            m_tlsProblem->clear();
            m_tlsProblem->hide();
            updateValidation();
        });
    }

    auto *https = new QGroupBox(QStringLiteral("HTTPS"), this);
    auto *httpsForm = new QFormLayout(https);
    auto *httpsNote = new QLabel(QStringLiteral("With both files the inspector serves HTTPS only. "
                                                "Leave both empty for plain HTTP."),
        https);
    httpsNote->setWordWrap(true);
    httpsForm->addRow(httpsNote);
    httpsForm->addRow(
        buddyLabel(QStringLiteral("&Certificate:"), m_certFile, https), fileRow(m_certFile, m_browseCert));
    httpsForm->addRow(buddyLabel(QStringLiteral("Private &key:"), m_keyFile, https), fileRow(m_keyFile, m_browseKey));
    httpsForm->addRow(QString(), m_tlsProblem);

    // ---- Limits against broken or hostile clients
    m_maxBody->setObjectName(QStringLiteral("maxBody"));
    m_maxBody->setRange(1, std::numeric_limits<int>::max());
    m_maxBody->setToolTip(QStringLiteral("Larger bodies are answered 413 before they are read"));
    m_maxBodyUnit->setObjectName(QStringLiteral("maxBodyUnit"));
    m_maxBodyUnit->addItems({ QStringLiteral("bytes"), QStringLiteral("KiB"), QStringLiteral("MiB") });
    auto *maxBodyRow = new QHBoxLayout;
    maxBodyRow->addWidget(m_maxBody, 1);
    maxBodyRow->addWidget(m_maxBodyUnit);

    m_idleTimeout->setObjectName(QStringLiteral("idleTimeout"));
    m_idleTimeout->setRange(1, kMaxIdleSeconds);
    m_idleTimeout->setSuffix(QStringLiteral(" s"));
    m_idleTimeout->setToolTip(QStringLiteral("A request must be complete this long after its first byte (else 408); "
                                             "an idle connection is closed after it"));
    m_maxConnections->setObjectName(QStringLiteral("maxConnections"));
    m_maxConnections->setRange(1, kMaxConnections);
    m_maxConnections->setToolTip(QStringLiteral("More simultaneous connections are refused with 503"));

    auto *limits = new QGroupBox(QStringLiteral("Limits"), this);
    auto *limitsForm = new QFormLayout(limits);
    limitsForm->addRow(buddyLabel(QStringLiteral("Largest &body:"), m_maxBody, limits), maxBodyRow);
    limitsForm->addRow(QStringLiteral("&Idle timeout:"), m_idleTimeout);
    limitsForm->addRow(QStringLiteral("Co&nnections at once:"), m_maxConnections);

    // ---- Retention: what the capture file keeps. 0 means no limit, shown as words, not a number.
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
    auto *retention = new QGroupBox(QStringLiteral("Retention"), this);
    auto *retentionForm = new QFormLayout(retention);
    retentionForm->addRow(QStringLiteral("Keep at &most:"), m_keepEvents);
    retentionForm->addRow(QStringLiteral("Keep for at most:"), m_keepDays);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(listening);
    layout->addWidget(https);
    layout->addWidget(limits);
    layout->addWidget(retention);
    layout->addStretch();
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_address, &QLineEdit::textChanged, this, &SettingsDialog::updateValidation);

    // Wide enough that a file path or an error fits on a line or two.
    setMinimumWidth(520);
    setConfig(CaptureConfig(), false);
}

SettingsDialog::~SettingsDialog() = default;

void SettingsDialog::fitHeight()
{
    // Qt does not apply height-for-width to a top-level window: when a wrapped note appears or
    // grows, the dialog would keep its height and cut the note off. Grow it to what the layout needs.
    QLayout *layout = this->layout();
    if (!layout || !isVisible())
        return;
    layout->activate();
    const int needed
        = layout->hasHeightForWidth() ? layout->totalHeightForWidth(width()) : layout->totalSizeHint().height();
    if (needed > height())
        resize(width(), needed);
}

void SettingsDialog::showEvent(QShowEvent *event)
{
    QDialog::showEvent(event);
    fitHeight();
}

void SettingsDialog::setConfig(const CaptureConfig &config, bool rememberSecret)
{
    m_base = config;
    m_address->setText(config.address.isNull() ? QString() : config.address.toString());
    m_port->setValue(config.port);
    m_secret->setText(QString::fromUtf8(config.secret));
    m_rememberSecret->setChecked(rememberSecret);
    m_showSecret->setChecked(false);
    m_certFile->setText(config.certFile);
    m_keyFile->setText(config.keyFile);
    // Non-positive limits mean the default (CaptureConfig): show the default, not a nonsense value.
    const CaptureConfig defaults;
    setMaxBodyBytes(config.maxBodyBytes > 0 ? config.maxBodyBytes : defaults.maxBodyBytes);
    const qint32 idleMs = config.idleTimeoutMs > 0 ? config.idleTimeoutMs : defaults.idleTimeoutMs;
    m_idleTimeout->setValue(int(std::clamp<qint64>((qint64(idleMs) + 500) / 1000, 1, kMaxIdleSeconds)));
    m_maxConnections->setValue(int(std::clamp<qint64>(
        config.maxConnections > 0 ? config.maxConnections : defaults.maxConnections, 1, kMaxConnections)));
    m_keepEvents->setValue(int(std::min<qint64>(config.retainEvents, m_keepEvents->maximum())));
    m_keepDays->setValue(int(std::min<qint64>(config.retainDays, m_keepDays->maximum())));
    m_tlsProblem->clear();
    m_tlsProblem->hide();
    updateValidation();
}

CaptureConfig SettingsDialog::config() const
{
    CaptureConfig config = m_base;
    bool ok = false;
    config.address = parseAddress(m_address->text(), &ok);
    config.port = quint16(m_port->value());
    config.secret = m_secret->text().toUtf8();
    config.certFile = m_certFile->text().trimmed();
    config.keyFile = m_keyFile->text().trimmed();
    config.maxBodyBytes = maxBodyBytes();
    config.idleTimeoutMs = m_idleTimeout->value() * 1000;
    config.maxConnections = m_maxConnections->value();
    config.retainEvents = m_keepEvents->value();
    config.retainDays = m_keepDays->value();
    return config;
}

bool SettingsDialog::rememberSecret() const
{
    return m_rememberSecret->isChecked();
}

QString SettingsDialog::tlsProblem(const QString &certFile, const QString &keyFile)
{
    const QString cert = certFile.trimmed();
    const QString key = keyFile.trimmed();
    if (cert.isEmpty() && key.isEmpty())
        return {};
    if (cert.isEmpty())
        return QStringLiteral("HTTPS needs a certificate file too (or leave the key empty for plain HTTP).");
    if (key.isEmpty())
        return QStringLiteral("HTTPS needs the private key file too (or leave the certificate empty for plain HTTP).");
    QSslConfiguration configuration;
    QString error;
    if (!TlsCredentials::load(cert, key, &configuration, &error))
        return error.isEmpty() ? QStringLiteral("The TLS files cannot be used.") : error;
    return {};
}

void SettingsDialog::accept()
{
    if (!m_buttons->button(QDialogButtonBox::Ok)->isEnabled())
        return; // Enter in a field while the address is wrong
    const QString problem = tlsProblem(m_certFile->text(), m_keyFile->text());
    if (!problem.isEmpty()) {
        m_tlsProblem->setText(problem);
        m_tlsProblem->show();
        fitHeight();
        // Put the cursor where the fix goes: the key when the certificate alone is fine.
        const bool keyAtFault = !m_certFile->text().trimmed().isEmpty()
            && (m_keyFile->text().trimmed().isEmpty() || problem.contains(QLatin1String("private key"))
                || problem.contains(QLatin1String("TLS key file")));
        QLineEdit *field = keyAtFault ? m_keyFile : m_certFile;
        field->setFocus();
        field->selectAll();
        return;
    }
    QDialog::accept();
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
    const bool exposed = ok && !address.isLoopback();
    const bool tls = !m_certFile->text().trimmed().isEmpty() || !m_keyFile->text().trimmed().isEmpty();
    QString warning = QStringLiteral("Other machines on your network can reach the inspector.");
    if (!tls)
        warning += QStringLiteral(" Without HTTPS the secret and every payload cross the network unencrypted.");
    m_exposureWarning->setText(warning);
    m_exposureWarning->setVisible(exposed);
    fitHeight();

    QPushButton *okButton = m_buttons->button(QDialogButtonBox::Ok);
    okButton->setEnabled(ok);
    okButton->setToolTip(problem);
}

void SettingsDialog::setSecretVisible(bool visible)
{
    m_secret->setEchoMode(visible ? QLineEdit::Normal : QLineEdit::Password);
    m_showSecret->setText(visible ? QStringLiteral("Hide") : QStringLiteral("Show"));
}

void SettingsDialog::browseFor(QLineEdit *field, const QString &title)
{
    // Window-modal and asynchronous, not the static getOpenFileName(): the dialog's own event loop
    // keeps running, and a test can drive the file dialog like a person would.
    auto *dialog = new QFileDialog(this, title);
    dialog->setObjectName(QStringLiteral("tlsFileDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::ExistingFile);
    dialog->setNameFilters(
        { QStringLiteral("Certificates and keys (*.pem *.crt *.cer *.key *.der)"), QStringLiteral("All files (*)") });
    const QFileInfo current(field->text().trimmed());
    if (!field->text().trimmed().isEmpty() && current.absoluteDir().exists()) {
        dialog->setDirectory(current.absolutePath());
        dialog->selectFile(current.fileName());
    } else if (field == m_keyFile && !m_certFile->text().trimmed().isEmpty()) {
        // The key usually sits beside the certificate.
        dialog->setDirectory(QFileInfo(m_certFile->text().trimmed()).absolutePath());
    }
    connect(dialog, &QFileDialog::fileSelected, field, [field](const QString &path) { field->setText(path); });
    dialog->open();
}

void SettingsDialog::setMaxBodyBytes(qint64 bytes)
{
    // The largest unit that shows the value exactly: 10 MiB, not 10240 KiB; 1000 bytes as it is.
    int unit = Bytes;
    for (int candidate = MiB; candidate > Bytes; --candidate) {
        if (bytes % kUnitBytes[candidate] == 0) {
            unit = candidate;
            break;
        }
    }
    qint64 count = bytes / kUnitBytes[unit];
    while (count > m_maxBody->maximum() && unit < MiB) {
        ++unit; // too many to count in this unit: round up to the next
        count = (bytes + kUnitBytes[unit] - 1) / kUnitBytes[unit];
    }
    m_maxBodyUnit->setCurrentIndex(unit);
    m_maxBody->setValue(int(std::min<qint64>(count, m_maxBody->maximum())));
}

qint64 SettingsDialog::maxBodyBytes() const
{
    return qint64(m_maxBody->value()) * kUnitBytes[m_maxBodyUnit->currentIndex()];
}
