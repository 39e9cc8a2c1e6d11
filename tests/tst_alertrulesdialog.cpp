#include "AlertRulesDialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QTest>

// The alert rules dialog driven like a user would: typing into its fields, ticking rules.
class TestAlertRulesDialog : public QObject
{
    Q_OBJECT

private:
    template <typename T> static T *child(const QWidget &dialog, const char *name)
    {
        T *widget = dialog.findChild<T *>(QLatin1String(name));
        if (!widget)
            qFatal("no child %s", name);
        return widget;
    }

    static QPushButton *okButton(const QWidget &dialog)
    {
        return dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
    }

    static void retype(QLineEdit *edit, const QString &text)
    {
        edit->selectAll();
        QTest::keyClick(edit, Qt::Key_Backspace);
        QTest::keyClicks(edit, text);
    }

private slots:
    void showsTheRulesUnchanged()
    {
        AlertRules rules = AlertRules::defaults();
        rules.setWatched(QStringLiteral("42"), true);
        AlertRulesDialog dialog;
        dialog.setRules(rules);
        QCOMPARE(dialog.rules(), rules);
        auto *list = child<QListWidget>(dialog, "ruleList");
        QCOMPARE(list->count(), 3);
        QCOMPARE(list->item(0)->text(), QStringLiteral("Escalation"));
        QCOMPARE(list->item(0)->checkState(), Qt::Checked);
        QCOMPARE(dialog.currentRule(), 0);
        QCOMPARE(child<QComboBox>(dialog, "kindCombo")->currentText(), QStringLiteral("Escalated"));
        QCOMPARE(child<QComboBox>(dialog, "urgencyCombo")->currentText(), QStringLiteral("Any"));

        dialog.setCurrentRule(1);
        QCOMPARE(child<QComboBox>(dialog, "kindCombo")->currentIndex(), 0);
        QCOMPARE(child<QComboBox>(dialog, "urgencyCombo")->currentText(), QStringLiteral("High"));
        QCOMPARE(child<QComboBox>(dialog, "sentimentCombo")->currentText(), QStringLiteral("Negative"));
        dialog.setCurrentRule(2);
        QCOMPARE(child<QLineEdit>(dialog, "requestIds")->text(), QStringLiteral("42"));
        QVERIFY(okButton(dialog)->isEnabled());
        QCOMPARE(dialog.rules(), rules); // looking changes nothing
    }

    void editsApplyToTheSelectedRule()
    {
        AlertRulesDialog dialog;
        dialog.setRules(AlertRules::defaults());
        dialog.show();
        dialog.setCurrentRule(2);
        auto *ids = child<QLineEdit>(dialog, "requestIds");
        QTest::keyClicks(ids, QStringLiteral("42, 1234 77"));
        QCOMPARE(dialog.rules().watchedRequestIds(),
            QStringList({ QStringLiteral("42"), QStringLiteral("1234"), QStringLiteral("77") }));
        QVERIFY(child<QLabel>(dialog, "ruleSummary")->text().contains(QStringLiteral("42, 1234, 77")));

        dialog.setCurrentRule(1);
        auto *urgency = child<QComboBox>(dialog, "urgencyCombo");
        urgency->setCurrentText(QStringLiteral("Urgent"));
        auto *kind = child<QComboBox>(dialog, "kindCombo");
        kind->setCurrentIndex(kind->findText(QStringLiteral("Platform")));
        retype(child<QLineEdit>(dialog, "ruleName"), QStringLiteral("Urgent platform tickets"));
        const AlertRule edited = dialog.rules().at(1);
        QCOMPARE(edited.urgency, QStringLiteral("Urgent"));
        QCOMPARE(edited.sentiment, QStringLiteral("Negative"));
        QCOMPARE(edited.kind, std::optional<EventKind>(EventKind::Platform));
        QCOMPARE(edited.name, QStringLiteral("Urgent platform tickets"));
        QCOMPARE(child<QListWidget>(dialog, "ruleList")->item(1)->text(), QStringLiteral("Urgent platform tickets"));

        // "Any" clears a condition.
        urgency->setCurrentIndex(0);
        QVERIFY(dialog.rules().at(1).urgency.isEmpty());

        // The other rules are untouched.
        QCOMPARE(dialog.rules().at(0), AlertRules::defaults().at(0));

        // The check box turns a rule off.
        child<QListWidget>(dialog, "ruleList")->item(0)->setCheckState(Qt::Unchecked);
        QVERIFY(!dialog.rules().at(0).enabled);
    }

    void addAndRemove()
    {
        AlertRulesDialog dialog;
        dialog.setRules(AlertRules::defaults());
        dialog.show();
        QTest::mouseClick(child<QPushButton>(dialog, "addRuleButton"), Qt::LeftButton);
        QCOMPARE(dialog.rules().size(), 4);
        QCOMPARE(dialog.currentRule(), 3);
        const AlertRule added = dialog.rules().at(3);
        QCOMPARE(added.id, QStringLiteral("rule-1"));
        QVERIFY(!added.hasConditions());
        QVERIFY(child<QLabel>(dialog, "ruleSummary")->text().contains(QStringLiteral("never fires")));
        // The name is selected, ready to be typed over.
        QTest::keyClicks(child<QLineEdit>(dialog, "ruleName"), QStringLiteral("Billing"));
        QTest::keyClicks(child<QLineEdit>(dialog, "ruleQuery"), QStringLiteral("team:billing"));
        QCOMPARE(dialog.rules().at(3).name, QStringLiteral("Billing"));
        QCOMPARE(dialog.rules().at(3).query, QStringLiteral("team:billing"));

        QTest::mouseClick(child<QPushButton>(dialog, "addRuleButton"), Qt::LeftButton);
        QCOMPARE(dialog.rules().at(4).id, QStringLiteral("rule-2"));

        dialog.setCurrentRule(0);
        QTest::mouseClick(child<QPushButton>(dialog, "removeRuleButton"), Qt::LeftButton);
        QCOMPARE(dialog.rules().size(), 4);
        QCOMPARE(dialog.rules().at(0).id, AlertRules::UrgentNegativeRuleId);
        QCOMPARE(dialog.currentRule(), 0);
        QCOMPARE(child<QComboBox>(dialog, "urgencyCombo")->currentText(), QStringLiteral("High"));

        while (!dialog.rules().isEmpty())
            QTest::mouseClick(child<QPushButton>(dialog, "removeRuleButton"), Qt::LeftButton);
        QCOMPARE(dialog.currentRule(), -1);
        QVERIFY(!child<QPushButton>(dialog, "removeRuleButton")->isEnabled());
        QVERIFY(okButton(dialog)->isEnabled()); // no rules is allowed: no alerts
    }

    void restoreDefaultsKeepsWatchedRequests()
    {
        AlertRules mine({ AlertRules::defaults().at(2) });
        mine.setWatched(QStringLiteral("5512"), true);
        AlertRulesDialog dialog;
        dialog.setRules(mine);
        QTest::mouseClick(child<QPushButton>(dialog, "restoreDefaultsButton"), Qt::LeftButton);
        AlertRules expected = AlertRules::defaults();
        expected.setWatched(QStringLiteral("5512"), true);
        QCOMPARE(dialog.rules(), expected);
    }

    void aQueryWithAMistakeBlocksOk()
    {
        AlertRulesDialog dialog;
        dialog.setRules(AlertRules::defaults());
        dialog.show();
        auto *query = child<QLineEdit>(dialog, "ruleQuery");
        QTest::keyClicks(query, QStringLiteral("colour:red"));
        QVERIFY(!okButton(dialog)->isEnabled());
        QVERIFY2(dialog.problem().startsWith(QStringLiteral("Escalation: ")), qPrintable(dialog.problem()));
        QVERIFY(child<QLabel>(dialog, "ruleProblem")->isVisible());

        // The problem stays in view from another rule, and goes when it is fixed.
        dialog.setCurrentRule(1);
        QVERIFY(!okButton(dialog)->isEnabled());
        dialog.setCurrentRule(0);
        retype(query, QStringLiteral("tag:red"));
        QVERIFY(okButton(dialog)->isEnabled());
        QVERIFY(dialog.problem().isEmpty());
        QVERIFY(!child<QLabel>(dialog, "ruleProblem")->isVisible());
        QCOMPARE(dialog.rules().at(0).query, QStringLiteral("tag:red"));
    }
};

QTEST_MAIN(TestAlertRulesDialog)
#include "tst_alertrulesdialog.moc"
