#include "FailureDrillDialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QTest>

Q_DECLARE_METATYPE(FailureDrill::Config)

namespace {
template <typename T> T *child(QWidget &dialog, const char *name)
{
    T *widget = dialog.findChild<T *>(QLatin1String(name));
    if (!widget)
        qFatal("no %s", name);
    return widget;
}

QPushButton *okButton(QWidget &dialog)
{
    return dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
}
} // namespace

class tst_FailureDrillDialog : public QObject
{
    Q_OBJECT

private slots:
    void offByDefault();
    void roundTrip_data();
    void roundTrip();
    void choosingByHand();
    void customStatusMustBeAnError();
    void warnsWhenThenaWouldGiveUp();
};

void tst_FailureDrillDialog::offByDefault()
{
    FailureDrillDialog dialog;
    QVERIFY(!child<QCheckBox>(dialog, "drillEnabled")->isChecked());
    QVERIFY(!dialog.config().isActive());
    QVERIFY(!child<QSpinBox>(dialog, "drillAttempts")->isEnabled());
    QCOMPARE(dialog.summaryText(), QStringLiteral("Failure drill off"));
    QVERIFY(child<QLabel>(dialog, "drillNote")->text().contains(QStringLiteral("never saved")));
    QVERIFY(okButton(dialog)->isEnabled());
}

void tst_FailureDrillDialog::roundTrip_data()
{
    QTest::addColumn<QString>("drill");
    for (const char *text : { "2:503", "1:429:escalated", "3:500:platform", "1:1500ms", "2:30s:updated", "5:418" })
        QTest::newRow(text) << QString::fromLatin1(text);
}

void tst_FailureDrillDialog::roundTrip()
{
    QFETCH(QString, drill);
    const FailureDrill::Config config = *FailureDrill::parse(drill);
    FailureDrillDialog dialog(config);
    QCOMPARE(dialog.config(), config);
    QCOMPARE(FailureDrill::toText(dialog.config()), FailureDrill::toText(config));
    QCOMPARE(dialog.summaryText(), FailureDrill::describe(config));
}

void tst_FailureDrillDialog::choosingByHand()
{
    FailureDrillDialog dialog;
    child<QCheckBox>(dialog, "drillEnabled")->setChecked(true);
    // The defaults: the first 2 attempts answered 503, every event.
    QCOMPARE(FailureDrill::toText(dialog.config()), QStringLiteral("2:503"));
    QCOMPARE(dialog.summaryText(), FailureDrill::describe(*FailureDrill::parse(u"2:503")));
    child<QSpinBox>(dialog, "drillAttempts")->setValue(1);
    child<QComboBox>(dialog, "drillStatus")->setCurrentText(QStringLiteral("429"));
    child<QComboBox>(dialog, "drillKind")->setCurrentIndex(3); // escalated
    QCOMPARE(FailureDrill::toText(dialog.config()), QStringLiteral("1:429:escalated"));
    child<QRadioButton>(dialog, "drillByDelay")->setChecked(true);
    QVERIFY(!child<QComboBox>(dialog, "drillStatus")->isEnabled());
    QVERIFY(child<QSpinBox>(dialog, "drillDelay")->isEnabled());
    child<QSpinBox>(dialog, "drillDelay")->setValue(20000);
    QCOMPARE(FailureDrill::toText(dialog.config()), QStringLiteral("1:20s:escalated"));
    QVERIFY(dialog.summaryText().contains(QStringLiteral("held for 20 s")));
    child<QCheckBox>(dialog, "drillEnabled")->setChecked(false);
    QVERIFY(!dialog.config().isActive());
}

void tst_FailureDrillDialog::customStatusMustBeAnError()
{
    FailureDrillDialog dialog(*FailureDrill::parse(u"2:503"));
    auto *status = child<QComboBox>(dialog, "drillStatus");
    status->setCurrentText(QStringLiteral("200"));
    QVERIFY(!dialog.isAcceptable());
    QVERIFY(!okButton(dialog)->isEnabled());
    QVERIFY(!dialog.config().isActive());
    QVERIFY(dialog.summaryText().contains(QStringLiteral("400 to 599")));
    status->setCurrentText(QStringLiteral("502"));
    QVERIFY(okButton(dialog)->isEnabled());
    QCOMPARE(dialog.config().status, 502);
    // A delay needs no status.
    status->setCurrentText(QStringLiteral("abc"));
    child<QRadioButton>(dialog, "drillByDelay")->setChecked(true);
    QVERIFY(okButton(dialog)->isEnabled());
}

void tst_FailureDrillDialog::warnsWhenThenaWouldGiveUp()
{
    FailureDrillDialog dialog(*FailureDrill::parse(u"5:503"));
    QVERIFY(!child<QLabel>(dialog, "drillNote")->text().contains(QStringLiteral("gives up")));
    child<QSpinBox>(dialog, "drillAttempts")->setValue(6);
    QVERIFY(child<QLabel>(dialog, "drillNote")->text().contains(QStringLiteral("gives up on every event")));
}

QTEST_MAIN(tst_FailureDrillDialog)
#include "tst_failuredrilldialog.moc"
