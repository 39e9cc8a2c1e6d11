#include "AlertRules.h"
#include "TestSupport.h"
#include "ThenaPayloadParser.h"

#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

// The alert rules as the tray uses them: which rule fires for which event, and what survives a
// save and a load.
class TestAlertRules : public QObject
{
    Q_OBJECT

private:
    static EventRow rowFromSample(const QString &name)
    {
        EventRow row;
        row.id = 7;
        ThenaPayloadParser::parse(TestSupport::sample(name), row);
        return row;
    }

    static EventRow row(
        EventKind kind, const QString &urgency = {}, const QString &sentiment = {}, const QString &requestId = {})
    {
        EventRow r;
        r.id = 1;
        r.kind = kind;
        r.urgency = urgency;
        r.sentiment = sentiment;
        r.requestId = requestId;
        return r;
    }

    static AlertRule rule(std::optional<EventKind> kind, const QString &urgency = {}, const QString &sentiment = {},
        const QStringList &requestIds = {}, const QString &query = {})
    {
        AlertRule r;
        r.id = QStringLiteral("r");
        r.name = QStringLiteral("Rule");
        r.kind = kind;
        r.urgency = urgency;
        r.sentiment = sentiment;
        r.requestIds = requestIds;
        r.query = query;
        return r;
    }

    QTemporaryDir m_dir;

private slots:
    void defaultsAreTheThreeDocumentedRules()
    {
        const AlertRules rules = AlertRules::defaults();
        QCOMPARE(rules.size(), 3);
        QCOMPARE(rules.at(0).id, AlertRules::EscalationRuleId);
        QCOMPARE(rules.at(0).kind, std::optional<EventKind>(EventKind::Escalated));
        QCOMPARE(rules.at(1).id, AlertRules::UrgentNegativeRuleId);
        QCOMPARE(rules.at(1).urgency, QStringLiteral("High"));
        QCOMPARE(rules.at(1).sentiment, QStringLiteral("Negative"));
        QCOMPARE(rules.at(2).id, AlertRules::WatchedRuleId);
        QVERIFY(rules.watchedRequestIds().isEmpty());
        for (qsizetype i = 0; i < rules.size(); ++i)
            QVERIFY(rules.at(i).enabled);
        // An empty watch list is a rule without conditions, which must not fire for everything.
        QVERIFY(!rules.at(2).hasConditions());
    }

    void defaultsOnTheSamples_data()
    {
        QTest::addColumn<QString>("sample");
        QTest::addColumn<QString>("watched");
        QTest::addColumn<QString>("expectedRule"); // empty: no alert

        QTest::newRow("created: High + Negative") << "request-created.json" << QString() << "urgent-negative";
        QTest::newRow("updated: Medium + Neutral") << "request-updated.json" << QString() << QString();
        QTest::newRow("escalated") << "request-escalated.json" << QString() << "escalation";
        QTest::newRow("platform: HIGH, no sentiment") << "platform-ticket-created.json" << QString() << QString();
        QTest::newRow("updated, request 42 watched") << "request-updated.json"
                                                     << "42"
                                                     << "watched";
        QTest::newRow("updated, request 4 watched") << "request-updated.json"
                                                    << "4" << QString();
        QTest::newRow("escalated and watched: first rule wins") << "request-escalated.json"
                                                                << "1234"
                                                                << "escalation";
    }

    void defaultsOnTheSamples()
    {
        QFETCH(QString, sample);
        QFETCH(QString, watched);
        QFETCH(QString, expectedRule);

        AlertRules rules = AlertRules::defaults();
        if (!watched.isEmpty())
            QVERIFY(rules.setWatched(watched, true));
        const EventRow event = rowFromSample(sample);
        const std::optional<AlertRule> fired = rules.match(event);
        QCOMPARE(fired ? fired->id : QString(), expectedRule);
        QCOMPARE(rules.matchIndex(event) >= 0, !expectedRule.isEmpty());
    }

    void conditions_data()
    {
        QTest::addColumn<AlertRule>("rule");
        QTest::addColumn<EventRow>("event");
        QTest::addColumn<bool>("fires");

        const AlertRule escalations = rule(EventKind::Escalated);
        QTest::newRow("kind matches") << escalations << row(EventKind::Escalated) << true;
        QTest::newRow("kind differs") << escalations << row(EventKind::Updated) << false;

        const AlertRule highNegative = rule(std::nullopt, QStringLiteral("High"), QStringLiteral("Negative"));
        QTest::newRow("urgency and sentiment")
            << highNegative << row(EventKind::Created, QStringLiteral("High"), QStringLiteral("Negative")) << true;
        QTest::newRow("any kind") << highNegative
                                  << row(EventKind::Platform, QStringLiteral("High"), QStringLiteral("Negative"))
                                  << true;
        QTest::newRow("case and spaces do not matter")
            << highNegative << row(EventKind::Created, QStringLiteral(" HIGH"), QStringLiteral("negative ")) << true;
        QTest::newRow("urgency alone is not enough")
            << highNegative << row(EventKind::Created, QStringLiteral("High"), QStringLiteral("Neutral")) << false;
        QTest::newRow("sentiment missing") << highNegative << row(EventKind::Created, QStringLiteral("High")) << false;
        QTest::newRow("whole values, not prefixes")
            << highNegative << row(EventKind::Created, QStringLiteral("Highest"), QStringLiteral("Negative")) << false;

        const AlertRule watched = rule(std::nullopt, {}, {}, { QStringLiteral("42"), QStringLiteral(" 1234 ") });
        QTest::newRow("watched id") << watched << row(EventKind::Updated, {}, {}, QStringLiteral("42")) << true;
        QTest::newRow("other watched id")
            << watched << row(EventKind::Escalated, {}, {}, QStringLiteral("1234")) << true;
        QTest::newRow("id is exact") << watched << row(EventKind::Updated, {}, {}, QStringLiteral("420")) << false;
        QTest::newRow("no id") << watched << row(EventKind::Updated) << false;

        QTest::newRow("no conditions never fires") << rule(std::nullopt) << row(EventKind::Escalated) << false;
        QTest::newRow("blank conditions never fire")
            << rule(std::nullopt, QStringLiteral(" "), {}, { QStringLiteral(" ") }, QStringLiteral("  "))
            << row(EventKind::Escalated) << false;

        AlertRule disabled = escalations;
        disabled.enabled = false;
        QTest::newRow("disabled") << disabled << row(EventKind::Escalated) << false;

        EventRow retry = row(EventKind::Escalated);
        retry.attempt = 2;
        retry.retryOf = 1;
        QTest::newRow("a retry is not a new alert") << escalations << retry << false;

        EventRow invalid = row(EventKind::Invalid);
        invalid.valid = false;
        QTest::newRow("invalid body") << rule(EventKind::Invalid) << invalid << false;

        EventRow billing = row(EventKind::Escalated);
        billing.team = QStringLiteral("Billing EMEA");
        billing.status = QStringLiteral("OPEN");
        const AlertRule billingEscalations = rule(EventKind::Escalated, {}, {}, {}, QStringLiteral("team:billing"));
        QTest::newRow("query") << billingEscalations << billing << true;
        QTest::newRow("query and kind") << billingEscalations << [&] {
            EventRow r = billing;
            r.kind = EventKind::Updated;
            return r;
        }() << false;
        QTest::newRow("query excludes") << rule(std::nullopt, {}, {}, {}, QStringLiteral("team:billing -status:open"))
                                        << billing << false;
        QTest::newRow("query alone is a condition")
            << rule(std::nullopt, {}, {}, {}, QStringLiteral("team:billing")) << billing << true;
        QTest::newRow("a query with a mistake never fires")
            << rule(std::nullopt, {}, {}, {}, QStringLiteral("team:billing colour:red")) << billing << false;
    }

    void conditions()
    {
        QFETCH(AlertRule, rule);
        QFETCH(EventRow, event);
        QFETCH(bool, fires);
        QCOMPARE(rule.matches(event), fires);
        // The list, with its pre-parsed queries, agrees with the rule taken alone.
        const AlertRules rules({ rule });
        QCOMPARE(rules.matchIndex(event), fires ? 0 : -1);
    }

    void firstEnabledRuleWins()
    {
        AlertRule first = rule(std::nullopt, QStringLiteral("High"));
        first.id = QStringLiteral("first");
        AlertRule second = rule(EventKind::Created);
        second.id = QStringLiteral("second");
        AlertRules rules({ first, second });
        const EventRow event = row(EventKind::Created, QStringLiteral("High"));
        QCOMPARE(rules.match(event)->id, QStringLiteral("first"));
        first.enabled = false;
        rules.setRules({ first, second });
        QCOMPARE(rules.match(event)->id, QStringLiteral("second"));
        QVERIFY(!rules.match(row(EventKind::Updated)));
    }

    void watchedRequests()
    {
        AlertRules rules = AlertRules::defaults();
        QVERIFY(!rules.isWatched(QStringLiteral("42")));
        QVERIFY(rules.setWatched(QStringLiteral(" 42 "), true));
        QVERIFY(!rules.setWatched(QStringLiteral("42"), true)); // already watched
        QVERIFY(rules.setWatched(QStringLiteral("1234"), true));
        QVERIFY(!rules.setWatched(QStringLiteral(""), true));
        QCOMPARE(rules.watchedRequestIds(), QStringList({ QStringLiteral("42"), QStringLiteral("1234") }));
        QVERIFY(rules.isWatched(QStringLiteral("42")));
        QCOMPARE(rules.match(row(EventKind::Updated, {}, {}, QStringLiteral("42")))->id, AlertRules::WatchedRuleId);

        QVERIFY(rules.setWatched(QStringLiteral("42"), false));
        QVERIFY(!rules.setWatched(QStringLiteral("42"), false));
        QCOMPARE(rules.watchedRequestIds(), QStringList({ QStringLiteral("1234") }));
        QVERIFY(!rules.match(row(EventKind::Updated, {}, {}, QStringLiteral("42"))));

        // The user deleted the rule: watching a request brings it back, enabled.
        AlertRules without({ rules.at(0) });
        QVERIFY(!without.setWatched(QStringLiteral("9"), false));
        QCOMPARE(without.size(), 1);
        QVERIFY(without.setWatched(QStringLiteral("9"), true));
        QCOMPARE(without.size(), 2);
        QCOMPARE(without.at(1).id, AlertRules::WatchedRuleId);
        QVERIFY(without.at(1).enabled);
        QCOMPARE(without.match(row(EventKind::Platform, {}, {}, QStringLiteral("9")))->id, AlertRules::WatchedRuleId);
    }

    void unusedRuleId()
    {
        AlertRules rules = AlertRules::defaults();
        QCOMPARE(rules.unusedRuleId(), QStringLiteral("rule-1"));
        AlertRule mine = rule(EventKind::Created);
        mine.id = QStringLiteral("rule-1");
        rules.setRules(rules.rules() << mine);
        QCOMPARE(rules.unusedRuleId(), QStringLiteral("rule-2"));
    }

    void describe_data()
    {
        QTest::addColumn<AlertRule>("rule");
        QTest::addColumn<QString>("text");
        QTest::newRow("escalation") << AlertRules::defaults().at(0) << "kind is Escalated";
        QTest::newRow("urgent") << AlertRules::defaults().at(1) << "urgency is High, sentiment is Negative";
        QTest::newRow("empty") << AlertRules::defaults().at(2) << "no conditions: never fires";
        QTest::newRow("ids") << rule(std::nullopt, {}, {}, { QStringLiteral("1"), QStringLiteral("2") })
                             << "request is one of 1, 2";
        QTest::newRow("one id and a query") << rule(std::nullopt, {}, {}, { QStringLiteral("7") },
            QStringLiteral("tag:vip")) << QString::fromUtf8("request 7, matches \u201ctag:vip\u201d");
    }

    void describe()
    {
        QFETCH(AlertRule, rule);
        QFETCH(QString, text);
        QCOMPARE(rule.describe(), text);
    }

    void nothingSavedGivesDefaults()
    {
        QSettings settings(m_dir.filePath(QStringLiteral("fresh.conf")), QSettings::IniFormat);
        QCOMPARE(AlertRules::load(settings), AlertRules::defaults());
    }

    void persistenceRoundTrip()
    {
        AlertRule own = rule(EventKind::Platform, QStringLiteral("Urgent"), {}, { QStringLiteral("5512") },
            QStringLiteral("team:\"Support EMEA\" -tag:test"));
        own.id = QStringLiteral("rule-1");
        own.name = QString::fromUtf8("Plateforme \u00e9quipe EMEA, urgent");
        AlertRules saved = AlertRules::defaults();
        saved.setWatched(QStringLiteral("42"), true);
        saved.setWatched(QStringLiteral("abc-7"), true);
        QList<AlertRule> list = saved.rules();
        list[1].enabled = false;
        list.append(own);
        saved.setRules(list);

        const QString path = m_dir.filePath(QStringLiteral("roundtrip.conf"));
        {
            QSettings settings(path, QSettings::IniFormat);
            saved.save(settings);
        }
        QSettings settings(path, QSettings::IniFormat);
        const AlertRules loaded = AlertRules::load(settings);
        QCOMPARE(loaded.size(), saved.size());
        for (qsizetype i = 0; i < saved.size(); ++i)
            QCOMPARE(loaded.at(i), saved.at(i));
        QVERIFY(loaded == saved);
        // The loaded rules work, queries included.
        EventRow platform = rowFromSample(QStringLiteral("platform-ticket-created.json"));
        platform.urgency = QStringLiteral("URGENT");
        QCOMPARE(loaded.match(platform)->id, QStringLiteral("rule-1"));
    }

    void aShorterListReplacesALongerOne()
    {
        const QString path = m_dir.filePath(QStringLiteral("shorter.conf"));
        QSettings settings(path, QSettings::IniFormat);
        AlertRules::defaults().save(settings);
        const AlertRules one({ AlertRules::defaults().at(0) });
        one.save(settings);
        QCOMPARE(AlertRules::load(settings), one);

        // Deleting every rule is a choice, not a reason to bring the defaults back.
        AlertRules().save(settings);
        QVERIFY(AlertRules::load(settings).isEmpty());
    }

    void unreadableEntriesAreSkipped()
    {
        const QString path = m_dir.filePath(QStringLiteral("odd.conf"));
        {
            QSettings settings(path, QSettings::IniFormat);
            AlertRules::defaults().save(settings);
            // A kind from a future version would widen the rule to every kind if read as "any".
            settings.setValue(QStringLiteral("alerts/rules/1/kind"), QStringLiteral("Teleported"));
            settings.setValue(QStringLiteral("alerts/rules/2/id"), QString());
        }
        QSettings settings(path, QSettings::IniFormat);
        const AlertRules loaded = AlertRules::load(settings);
        QCOMPARE(loaded.size(), 1);
        QCOMPARE(loaded.at(0).id, AlertRules::WatchedRuleId);
    }
};

QTEST_GUILESS_MAIN(TestAlertRules)
#include "tst_alertrules.moc"
