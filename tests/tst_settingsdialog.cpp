#include "SettingsDialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSpinBox>
#include <QSslSocket>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

namespace {
template <typename T> T *part(const SettingsDialog &dialog, const char *name)
{
    return dialog.findChild<T *>(QLatin1String(name));
}

QPushButton *okButton(const SettingsDialog &dialog)
{
    return dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
}

// Runs openssl in `dir`; false (with its output logged) when it fails.
bool openssl(const QString &dir, const QStringList &arguments)
{
    QProcess process;
    process.setWorkingDirectory(dir);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(QStandardPaths::findExecutable(QStringLiteral("openssl")), arguments);
    if (!process.waitForFinished(30000) || process.exitCode() != 0) {
        qWarning("openssl %s failed: %s", qPrintable(arguments.join(QLatin1Char(' '))), process.readAll().constData());
        return false;
    }
    return true;
}
} // namespace

class TestSettingsDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaults();
    void roundTrip_data();
    void roundTrip();
    void validation_data();
    void validation();
    void typingUpdatesTheState();
    void secretIsHiddenUntilShown();
    void acceptAndReject();
    void retention();
    void limitsDefaults();
    void limitsRoundTrip_data();
    void limitsRoundTrip();
    void editedLimits();
    void fieldsNotShownPassThrough();
    void tls_data();
    void tls();
    void tlsProblemGoesWhenTheFilesChange();
    void browseFillsTheField();
    void exposureWarningMentionsHttps();

private:
    // Certificates made once with openssl (tests that need them skip without it).
    void makeCertificates();
    QString file(const QString &name) const { return m_dir.filePath(name); }

    QTemporaryDir m_dir;
    bool m_haveCertificates = false;
    QString m_noCertificates;
};

void TestSettingsDialog::defaults()
{
    SettingsDialog dialog;
    QVERIFY(part<QLineEdit>(dialog, "address"));
    QVERIFY(part<QSpinBox>(dialog, "port"));
    QVERIFY(part<QLineEdit>(dialog, "secret"));
    QVERIFY(part<QCheckBox>(dialog, "rememberSecret"));

    const CaptureConfig config = dialog.config();
    QCOMPARE(config.address, QHostAddress(QHostAddress::LocalHost));
    QCOMPARE(part<QLineEdit>(dialog, "address")->text(), QStringLiteral("127.0.0.1"));
    QCOMPARE(config.port, CaptureConfig().port);
    QVERIFY(config.secret.isEmpty());
    QVERIFY(!dialog.rememberSecret());
    QVERIFY(!part<QCheckBox>(dialog, "rememberSecret")->isChecked());
    QVERIFY(okButton(dialog)->isEnabled());
    QVERIFY(part<QLabel>(dialog, "exposureWarning")->isHidden());

    QSpinBox *port = part<QSpinBox>(dialog, "port");
    QCOMPARE(port->minimum(), 0);
    QCOMPARE(port->maximum(), 65535);
    port->setValue(0);
    QCOMPARE(port->text(), QStringLiteral("Any free port"));
}

void TestSettingsDialog::roundTrip_data()
{
    QTest::addColumn<QString>("address");
    QTest::addColumn<int>("port");
    QTest::addColumn<QByteArray>("secret");
    QTest::addColumn<bool>("remember");

    QTest::newRow("loopback") << QStringLiteral("127.0.0.1") << 8080 << QByteArray() << false;
    QTest::newRow("any port") << QStringLiteral("127.0.0.1") << 0 << QByteArray("abc") << true;
    QTest::newRow("highest port") << QStringLiteral("::1") << 65535 << QByteArray("x") << false;
    QTest::newRow("all interfaces") << QStringLiteral("0.0.0.0") << 9000 << QByteArray("Bearer t0k3n") << true;
    QTest::newRow("LAN address, unicode secret")
        << QStringLiteral("192.168.1.20") << 1234 << QByteArray("m\xc3\xb8t-de-passe") << false;
    QTest::newRow("IPv6") << QStringLiteral("fd00::1") << 443 << QByteArray("s") << true;
}

void TestSettingsDialog::roundTrip()
{
    QFETCH(QString, address);
    QFETCH(int, port);
    QFETCH(QByteArray, secret);
    QFETCH(bool, remember);

    CaptureConfig in;
    in.address = QHostAddress(address);
    in.port = quint16(port);
    in.secret = secret;

    SettingsDialog dialog;
    dialog.setConfig(in, remember);
    const CaptureConfig out = dialog.config();
    QCOMPARE(out.address, in.address);
    QCOMPARE(out.port, in.port);
    QCOMPARE(out.secret, in.secret);
    QCOMPARE(dialog.rememberSecret(), remember);
    QVERIFY(okButton(dialog)->isEnabled());

    // The same settings survive a second pass through the dialog.
    SettingsDialog again;
    again.setConfig(out, dialog.rememberSecret());
    QCOMPARE(again.config().address, in.address);
    QCOMPARE(again.config().secret, in.secret);
}

void TestSettingsDialog::validation_data()
{
    QTest::addColumn<QString>("address");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<bool>("warning");

    QTest::newRow("IPv4 loopback") << QStringLiteral("127.0.0.1") << true << false;
    QTest::newRow("other loopback") << QStringLiteral("127.0.0.2") << true << false;
    QTest::newRow("IPv6 loopback") << QStringLiteral("::1") << true << false;
    QTest::newRow("padded") << QStringLiteral("  127.0.0.1 ") << true << false;
    QTest::newRow("any IPv4") << QStringLiteral("0.0.0.0") << true << true;
    QTest::newRow("any IPv6") << QStringLiteral("::") << true << true;
    QTest::newRow("LAN") << QStringLiteral("192.168.0.10") << true << true;
    QTest::newRow("public IPv6") << QStringLiteral("2001:db8::5") << true << true;
    QTest::newRow("empty") << QString() << false << false;
    QTest::newRow("host name") << QStringLiteral("localhost") << false << false;
    QTest::newRow("out of range") << QStringLiteral("256.1.1.1") << false << false;
    QTest::newRow("with port") << QStringLiteral("127.0.0.1:8080") << false << false;
    QTest::newRow("garbage") << QStringLiteral("<b>no</b>") << false << false;
}

void TestSettingsDialog::validation()
{
    QFETCH(QString, address);
    QFETCH(bool, valid);
    QFETCH(bool, warning);

    SettingsDialog dialog;
    part<QLineEdit>(dialog, "address")->setText(address);
    QCOMPARE(okButton(dialog)->isEnabled(), valid);
    const QLabel *problem = part<QLabel>(dialog, "addressProblem");
    QCOMPARE(problem->isHidden(), valid);
    if (!valid) {
        QVERIFY(!problem->text().isEmpty());
        QCOMPARE(okButton(dialog)->toolTip(), problem->text());
        QCOMPARE(problem->textFormat(), Qt::PlainText);
        QVERIFY(dialog.config().address.isNull());
    }
    const QLabel *exposure = part<QLabel>(dialog, "exposureWarning");
    QCOMPARE(!exposure->isHidden(), warning);
    QVERIFY(exposure->text().contains(QStringLiteral("Other machines on your network can reach the inspector")));

    // Also when the dialog is on screen.
    dialog.show();
    QCOMPARE(exposure->isVisible(), warning);
    QCOMPARE(problem->isVisible(), !valid);
}

void TestSettingsDialog::typingUpdatesTheState()
{
    SettingsDialog dialog;
    QLineEdit *address = part<QLineEdit>(dialog, "address");
    address->selectAll();
    QTest::keyClicks(address, QStringLiteral("10.0.0."));
    QVERIFY(!okButton(dialog)->isEnabled());
    QTest::keyClicks(address, QStringLiteral("7"));
    QVERIFY(okButton(dialog)->isEnabled());
    QVERIFY(!part<QLabel>(dialog, "exposureWarning")->isHidden());

    // setConfig puts a loopback address back and the warning goes.
    dialog.setConfig(CaptureConfig(), false);
    QVERIFY(part<QLabel>(dialog, "exposureWarning")->isHidden());
    QVERIFY(part<QLabel>(dialog, "addressProblem")->isHidden());
}

void TestSettingsDialog::secretIsHiddenUntilShown()
{
    SettingsDialog dialog;
    CaptureConfig config;
    config.secret = "hunter2";
    dialog.setConfig(config, true);
    QLineEdit *secret = part<QLineEdit>(dialog, "secret");
    auto *show = part<QToolButton>(dialog, "showSecret");
    QVERIFY(show);
    QCOMPARE(secret->echoMode(), QLineEdit::Password);
    show->click();
    QCOMPARE(secret->echoMode(), QLineEdit::Normal);
    show->click();
    QCOMPARE(secret->echoMode(), QLineEdit::Password);

    // Loading settings again hides it again.
    show->click();
    dialog.setConfig(config, true);
    QCOMPARE(secret->echoMode(), QLineEdit::Password);

    part<QCheckBox>(dialog, "rememberSecret")->setChecked(false);
    QVERIFY(!dialog.rememberSecret());
}

void TestSettingsDialog::acceptAndReject()
{
    SettingsDialog dialog;
    dialog.show();
    okButton(dialog)->click();
    QCOMPARE(dialog.result(), int(QDialog::Accepted));

    SettingsDialog other;
    other.show();
    other.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Cancel)->click();
    QCOMPARE(other.result(), int(QDialog::Rejected));
}

void TestSettingsDialog::retention()
{
    SettingsDialog dialog;
    QSpinBox *events = part<QSpinBox>(dialog, "keepEvents");
    QSpinBox *days = part<QSpinBox>(dialog, "keepDays");
    QCOMPARE(events->value(), 0);
    QCOMPARE(events->text(), QStringLiteral("No limit"));
    QCOMPARE(days->text(), QStringLiteral("No limit"));
    QCOMPARE(dialog.config().retainEvents, 0);

    CaptureConfig in;
    in.retainEvents = 50000;
    in.retainDays = 30;
    dialog.setConfig(in, false);
    QCOMPARE(events->value(), 50000);
    QCOMPARE(days->value(), 30);
    QCOMPARE(dialog.config().retainEvents, 50000);
    QCOMPARE(dialog.config().retainDays, 30);

    days->setValue(0);
    QCOMPARE(dialog.config().retainDays, 0);
}

void TestSettingsDialog::limitsDefaults()
{
    SettingsDialog dialog;
    const CaptureConfig defaults;
    QCOMPARE(part<QSpinBox>(dialog, "maxBody")->value(), 10);
    QCOMPARE(part<QComboBox>(dialog, "maxBodyUnit")->currentText(), QStringLiteral("MiB"));
    QCOMPARE(part<QSpinBox>(dialog, "idleTimeout")->value(), 30);
    QCOMPARE(part<QSpinBox>(dialog, "maxConnections")->value(), 256);
    QVERIFY(part<QLineEdit>(dialog, "certFile")->text().isEmpty());
    QVERIFY(part<QLineEdit>(dialog, "keyFile")->text().isEmpty());
    const CaptureConfig config = dialog.config();
    QCOMPARE(config.maxBodyBytes, defaults.maxBodyBytes);
    QCOMPARE(config.idleTimeoutMs, defaults.idleTimeoutMs);
    QCOMPARE(config.maxConnections, defaults.maxConnections);
    QVERIFY(!config.usesTls());

    // "0 or less means the default" in CaptureConfig: the dialog shows and returns the default.
    CaptureConfig zero;
    zero.maxBodyBytes = 0;
    zero.idleTimeoutMs = -1;
    zero.maxConnections = 0;
    dialog.setConfig(zero, false);
    QCOMPARE(dialog.config().maxBodyBytes, defaults.maxBodyBytes);
    QCOMPARE(dialog.config().idleTimeoutMs, defaults.idleTimeoutMs);
    QCOMPARE(dialog.config().maxConnections, defaults.maxConnections);
}

void TestSettingsDialog::limitsRoundTrip_data()
{
    QTest::addColumn<qint64>("maxBody");
    QTest::addColumn<int>("shown");
    QTest::addColumn<QString>("unit");
    QTest::addColumn<int>("idleMs");
    QTest::addColumn<int>("connections");

    QTest::newRow("defaults") << qint64(10 * 1024 * 1024) << 10 << QStringLiteral("MiB") << 30000 << 256;
    QTest::newRow("512K") << qint64(512 * 1024) << 512 << QStringLiteral("KiB") << 1000 << 1;
    QTest::newRow("bytes") << qint64(1000) << 1000 << QStringLiteral("bytes") << 3600000 << 100000;
    QTest::newRow("one byte") << qint64(1) << 1 << QStringLiteral("bytes") << 5000 << 16;
    QTest::newRow("1.5 MiB in KiB") << qint64(1536 * 1024) << 1536 << QStringLiteral("KiB") << 60000 << 1024;
    QTest::newRow("3 GiB") << qint64(3) * 1024 * 1024 * 1024 << 3072 << QStringLiteral("MiB") << 30000 << 256;
}

void TestSettingsDialog::limitsRoundTrip()
{
    QFETCH(qint64, maxBody);
    QFETCH(int, shown);
    QFETCH(QString, unit);
    QFETCH(int, idleMs);
    QFETCH(int, connections);

    CaptureConfig in;
    in.maxBodyBytes = maxBody;
    in.idleTimeoutMs = idleMs;
    in.maxConnections = connections;
    SettingsDialog dialog;
    dialog.setConfig(in, false);
    QCOMPARE(part<QSpinBox>(dialog, "maxBody")->value(), shown);
    QCOMPARE(part<QComboBox>(dialog, "maxBodyUnit")->currentText(), unit);
    QCOMPARE(part<QSpinBox>(dialog, "idleTimeout")->value(), idleMs / 1000);
    QCOMPARE(part<QSpinBox>(dialog, "maxConnections")->value(), connections);

    const CaptureConfig out = dialog.config();
    QCOMPARE(out.maxBodyBytes, maxBody);
    QCOMPARE(out.idleTimeoutMs, idleMs);
    QCOMPARE(out.maxConnections, connections);
}

void TestSettingsDialog::editedLimits()
{
    SettingsDialog dialog;
    dialog.show();
    QSpinBox *body = part<QSpinBox>(dialog, "maxBody");
    body->selectAll();
    QTest::keyClicks(body, QStringLiteral("64"));
    part<QComboBox>(dialog, "maxBodyUnit")->setCurrentIndex(SettingsDialog::KiB);
    QCOMPARE(dialog.config().maxBodyBytes, qint64(64 * 1024));
    part<QSpinBox>(dialog, "idleTimeout")->setValue(5);
    part<QSpinBox>(dialog, "maxConnections")->setValue(32);
    const CaptureConfig config = dialog.config();
    QCOMPARE(config.idleTimeoutMs, 5000);
    QCOMPARE(config.maxConnections, 32);

    // The same ranges as the command line: no zero, no more than an hour or 100000 connections.
    QCOMPARE(part<QSpinBox>(dialog, "idleTimeout")->minimum(), 1);
    QCOMPARE(part<QSpinBox>(dialog, "idleTimeout")->maximum(), 3600);
    QCOMPARE(part<QSpinBox>(dialog, "maxConnections")->minimum(), 1);
    QCOMPARE(part<QSpinBox>(dialog, "maxConnections")->maximum(), 100000);
    QCOMPARE(body->minimum(), 1);
}

void TestSettingsDialog::fieldsNotShownPassThrough()
{
    CaptureConfig in;
    in.storePath = QStringLiteral("/tmp/some/capture.sqlite");
    in.maxHeaderBytes = 4096;
    in.maxHeaderLines = 20;
    in.drill.attempts = 2;
    in.drill.status = 503;
    SettingsDialog dialog;
    dialog.setConfig(in, false);
    part<QSpinBox>(dialog, "port")->setValue(9999);
    const CaptureConfig out = dialog.config();
    QCOMPARE(out.port, quint16(9999));
    QCOMPARE(out.storePath, in.storePath);
    QCOMPARE(out.maxHeaderBytes, 4096);
    QCOMPARE(out.maxHeaderLines, 20);
    QCOMPARE(out.drill, in.drill);
}

void TestSettingsDialog::makeCertificates()
{
    if (m_haveCertificates || !m_noCertificates.isEmpty())
        return;
    if (QStandardPaths::findExecutable(QStringLiteral("openssl")).isEmpty()) {
        m_noCertificates = QStringLiteral("the openssl command is needed to make the test certificates");
        return;
    }
    if (!QSslSocket::supportsSsl()) {
        m_noCertificates = QStringLiteral("Qt has no TLS backend here");
        return;
    }
    // EC keys: made in milliseconds, unlike RSA.
    const QStringList ec = { QStringLiteral("-newkey"), QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
        QStringLiteral("ec_paramgen_curve:prime256v1") };
    const QStringList selfSigned = { QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-nodes"),
        QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1") };
    const bool made = openssl(m_dir.path(),
                          selfSigned + ec
                              + QStringList { QStringLiteral("-keyout"), QStringLiteral("key.pem"),
                                  QStringLiteral("-out"), QStringLiteral("cert.pem") })
        && openssl(m_dir.path(),
            selfSigned + ec
                + QStringList { QStringLiteral("-keyout"), QStringLiteral("other-key.pem"), QStringLiteral("-out"),
                    QStringLiteral("other-cert.pem") });
    QFile garbage(file(QStringLiteral("garbage.pem")));
    if (!made || !garbage.open(QIODevice::WriteOnly) || garbage.write("not a certificate\n") < 0) {
        m_noCertificates = QStringLiteral("openssl could not make the test certificates");
        return;
    }
    m_haveCertificates = true;
}

void TestSettingsDialog::tls_data()
{
    QTest::addColumn<QString>("cert");
    QTest::addColumn<QString>("key");
    QTest::addColumn<bool>("accepted");
    QTest::addColumn<QString>("problemContains");
    QTest::addColumn<QString>("focus"); // the field to fix

    QTest::newRow("none: plain HTTP") << QString() << QString() << true << QString() << QString();
    QTest::newRow("good pair") << QStringLiteral("cert.pem") << QStringLiteral("key.pem") << true << QString()
                               << QString();
    QTest::newRow("certificate only") << QStringLiteral("cert.pem") << QString() << false
                                      << QStringLiteral("private key file too") << QStringLiteral("keyFile");
    QTest::newRow("key only") << QString() << QStringLiteral("key.pem") << false
                              << QStringLiteral("certificate file too") << QStringLiteral("certFile");
    QTest::newRow("missing certificate") << QStringLiteral("nowhere/cert.pem") << QStringLiteral("key.pem") << false
                                         << QStringLiteral("nowhere/cert.pem") << QStringLiteral("certFile");
    QTest::newRow("missing key") << QStringLiteral("cert.pem") << QStringLiteral("nowhere/key.pem") << false
                                 << QStringLiteral("nowhere/key.pem") << QStringLiteral("keyFile");
    QTest::newRow("not a certificate") << QStringLiteral("garbage.pem") << QStringLiteral("key.pem") << false
                                       << QStringLiteral("holds no certificate") << QStringLiteral("certFile");
    QTest::newRow("certificate as key") << QStringLiteral("cert.pem") << QStringLiteral("cert.pem") << false
                                        << QStringLiteral("not a private key") << QStringLiteral("keyFile");
    QTest::newRow("someone else's key") << QStringLiteral("cert.pem") << QStringLiteral("other-key.pem") << false
                                        << QStringLiteral("does not belong") << QStringLiteral("keyFile");
}

void TestSettingsDialog::tls()
{
    QFETCH(QString, cert);
    QFETCH(QString, key);
    QFETCH(bool, accepted);
    QFETCH(QString, problemContains);
    QFETCH(QString, focus);
    if (!cert.isEmpty() || !key.isEmpty()) {
        makeCertificates();
        if (!m_haveCertificates)
            QSKIP(qPrintable(m_noCertificates));
    }
    const QString certPath = cert.isEmpty() ? QString() : file(cert);
    const QString keyPath = key.isEmpty() ? QString() : file(key);

    SettingsDialog dialog;
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    part<QLineEdit>(dialog, "certFile")->setText(certPath);
    part<QLineEdit>(dialog, "keyFile")->setText(keyPath);
    QCOMPARE(SettingsDialog::tlsProblem(certPath, keyPath).isEmpty(), accepted);

    okButton(dialog)->click();
    const QLabel *problem = part<QLabel>(dialog, "tlsProblem");
    if (accepted) {
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QVERIFY(problem->isHidden());
        const CaptureConfig config = dialog.config();
        QCOMPARE(config.certFile, certPath);
        QCOMPARE(config.keyFile, keyPath);
        QCOMPARE(config.usesTls(), !cert.isEmpty());
        return;
    }
    // Never a silent fallback: the dialog stays open and says why, next to the fields.
    QVERIFY(dialog.isVisible());
    QCOMPARE(dialog.result(), int(QDialog::Rejected));
    QVERIFY(problem->isVisible());
    QVERIFY2(problem->text().contains(problemContains), qPrintable(problem->text()));
    QCOMPARE(problem->textFormat(), Qt::PlainText);
    QCOMPARE(dialog.focusWidget(), part<QLineEdit>(dialog, focus.toLatin1().constData()));
}

void TestSettingsDialog::tlsProblemGoesWhenTheFilesChange()
{
    makeCertificates();
    if (!m_haveCertificates)
        QSKIP(qPrintable(m_noCertificates));
    SettingsDialog dialog;
    dialog.show();
    QLineEdit *cert = part<QLineEdit>(dialog, "certFile");
    QLineEdit *key = part<QLineEdit>(dialog, "keyFile");
    cert->setText(file(QStringLiteral("cert.pem")));
    key->setText(file(QStringLiteral("other-key.pem")));
    okButton(dialog)->click();
    const QLabel *problem = part<QLabel>(dialog, "tlsProblem");
    QVERIFY(problem->isVisible());

    key->setText(file(QStringLiteral("key.pem")));
    QVERIFY(problem->isHidden());
    okButton(dialog)->click();
    QCOMPARE(dialog.result(), int(QDialog::Accepted));

    // Loading a configuration clears an old problem too.
    SettingsDialog again;
    again.show();
    part<QLineEdit>(again, "certFile")->setText(file(QStringLiteral("garbage.pem")));
    part<QLineEdit>(again, "keyFile")->setText(file(QStringLiteral("key.pem")));
    okButton(again)->click();
    QVERIFY(part<QLabel>(again, "tlsProblem")->isVisible());
    again.setConfig(CaptureConfig(), false);
    QVERIFY(part<QLabel>(again, "tlsProblem")->isHidden());
    QVERIFY(part<QLineEdit>(again, "certFile")->text().isEmpty());
}

void TestSettingsDialog::browseFillsTheField()
{
    makeCertificates();
    if (!m_haveCertificates)
        QSKIP(qPrintable(m_noCertificates));
    SettingsDialog dialog;
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));

    for (const char *field : { "certFile", "keyFile" }) {
        const QString browse
            = field == QByteArray("certFile") ? QStringLiteral("browseCertFile") : QStringLiteral("browseKeyFile");
        dialog.findChild<QPushButton *>(browse)->click();
        QFileDialog *chooser = nullptr;
        QTRY_VERIFY((chooser = dialog.findChild<QFileDialog *>(QStringLiteral("tlsFileDialog"))) != nullptr);
        QVERIFY(chooser->isVisible());
        const QString chosen
            = file(field == QByteArray("certFile") ? QStringLiteral("cert.pem") : QStringLiteral("key.pem"));
        chooser->setDirectory(m_dir.path());
        chooser->selectFile(chosen);
        // Qt's own (non-native) file dialog on this platform: press its Open button.
        auto *buttons = chooser->findChild<QDialogButtonBox *>();
        QVERIFY(buttons && buttons->button(QDialogButtonBox::Open));
        buttons->button(QDialogButtonBox::Open)->click();
        QCOMPARE(part<QLineEdit>(dialog, field)->text(), chosen);
        QTRY_VERIFY(!dialog.findChild<QFileDialog *>(QStringLiteral("tlsFileDialog")));
    }
    // Cancelling keeps what was there.
    dialog.findChild<QPushButton *>(QStringLiteral("browseKeyFile"))->click();
    QFileDialog *chooser = nullptr;
    QTRY_VERIFY((chooser = dialog.findChild<QFileDialog *>(QStringLiteral("tlsFileDialog"))) != nullptr);
    QCOMPARE(QDir(chooser->directory()).absolutePath(), QDir(m_dir.path()).absolutePath());
    chooser->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Cancel)->click();
    QCOMPARE(part<QLineEdit>(dialog, "keyFile")->text(), file(QStringLiteral("key.pem")));

    okButton(dialog)->click();
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
}

void TestSettingsDialog::exposureWarningMentionsHttps()
{
    SettingsDialog dialog;
    part<QLineEdit>(dialog, "address")->setText(QStringLiteral("0.0.0.0"));
    const QLabel *warning = part<QLabel>(dialog, "exposureWarning");
    QVERIFY(!warning->isHidden());
    QVERIFY(warning->text().contains(QStringLiteral("Without HTTPS")));
    part<QLineEdit>(dialog, "certFile")->setText(QStringLiteral("/etc/cert.pem"));
    QVERIFY(!warning->isHidden());
    QVERIFY(!warning->text().contains(QStringLiteral("Without HTTPS")));
    QVERIFY(warning->text().contains(QStringLiteral("Other machines on your network can reach the inspector")));
}

QTEST_MAIN(TestSettingsDialog)

#include "tst_settingsdialog.moc"
