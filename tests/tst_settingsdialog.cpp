#include "SettingsDialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
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

QTEST_MAIN(TestSettingsDialog)

#include "tst_settingsdialog.moc"
