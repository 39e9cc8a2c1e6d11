#include "TestSupport.h"
#include "ThenaPayloadParser.h"
#include "ThenaRequestDetails.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

class TestThenaRequestDetails : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void updatedSample();
    void createdSample();
    void escalatedSample();
    void platformSample();
    void agreesWithParser_data();
    void agreesWithParser();
    void invalidBodies_data();
    void invalidBodies();
    void unknownObject();
    void people_data();
    void people();
    void personDisplay_data();
    void personDisplay();
    void links_data();
    void links();
    void times_data();
    void times();
    void crmData_data();
    void crmData();
    void configuredFields();
    void activityEntries();
    void escalationVariants_data();
    void escalationVariants();
    void htmlTextFields();
    void platformVariants();
    void typeMangledSamples_data();
    void typeMangledSamples();
};

namespace {
using TestSupport::requestBody;
using TestSupport::sample;

using Details = ThenaRequestDetails;

QDateTime utcMs(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
}

QStringList linkLabels(const Details &details)
{
    QStringList labels;
    for (const Details::Link &link : details.links)
        labels.append(link.label + QStringLiteral(" = ") + link.url);
    return labels;
}

// Values of every wrong type, plus a javascript: URL and HTML for the link and text checks.
const QList<QJsonValue> &replacements()
{
    static const QList<QJsonValue> values = {
        QJsonValue(QJsonValue::Null),
        QJsonValue(0),
        QJsonValue(-2.5),
        QJsonValue(1e300),
        QJsonValue(false),
        QJsonValue(QString()),
        QJsonValue(QStringLiteral("javascript:alert(1)")),
        QJsonValue(QStringLiteral("<p>x &amp; <b>y</b>")),
        QJsonValue(QJsonArray()),
        QJsonValue(QJsonArray { QJsonValue(QJsonValue::Null), 1, QStringLiteral("s"), QJsonObject() }),
        QJsonValue(QJsonObject()),
        QJsonValue(QJsonObject { { QStringLiteral("name"), QJsonArray() }, { QStringLiteral("url"), 3 } }),
    };
    return values;
}
} // namespace

void TestThenaRequestDetails::updatedSample()
{
    const Details d = Details::fromBody(sample("request-updated.json"));
    QVERIFY(d.valid);
    QVERIFY(d.error.isEmpty());
    QCOMPARE(d.kind, EventKind::Updated);
    QCOMPARE(d.eventType, QStringLiteral("UPDATE"));
    QCOMPARE(d.action, QStringLiteral("UPDATE"));
    QCOMPARE(d.requestId, QStringLiteral("42"));
    QCOMPARE(d.title, QStringLiteral("Adipiscing Elit Ipsum"));
    QCOMPARE(d.status, QStringLiteral("ASSIGNED"));
    QCOMPARE(d.description,
        QStringLiteral("Lorem ipsum dolor amet.").replace(QLatin1String("dolor"), QLatin1String("dolor sit")));
    QCOMPARE(d.customer, QStringLiteral("Lorem Customer Ipsum"));
    QCOMPARE(d.team, QStringLiteral("Team Lorem Ipsum"));
    QCOMPARE(d.teamId, QStringLiteral("TEAM123456"));
    QCOMPARE(d.channelName, QStringLiteral("thena-dev-lorem"));
    QCOMPARE(d.channelId, QStringLiteral("CHAN12345"));
    QCOMPARE(d.replyCount, 8);

    QCOMPARE(d.requestor.name, QStringLiteral("requestor.name"));
    QCOMPARE(d.requestor.email, QStringLiteral("requestor.email@thena.ai"));
    QCOMPARE(d.requestor.id, QStringLiteral("REQ123456"));
    QCOMPARE(d.sender.display(), QStringLiteral("sender.name <sender.email@thena.ai>"));
    QCOMPARE(d.assignedTo.display(), QStringLiteral("assigned.to_name <assigned.to@thena.ai>"));
    QCOMPARE(d.assignedTo.id, QStringLiteral("DOLOR11121"));
    QCOMPARE(d.assignedBy.name, QStringLiteral("lorem.ipsum_assigner"));
    QCOMPARE(d.closedBy.display(), QStringLiteral("closer.name <closer@thena.ai>"));

    // The external link and merged request carry "Lorem ipsum" instead of URLs: dropped.
    QCOMPARE(linkLabels(d),
        QStringList({ QStringLiteral("Slack thread = https://lorem.slack.com/archives/CHAN12345/p1692826255621649"),
            QStringLiteral("Thena request = http://localhost:3000/requests?requestId=42"),
            QStringLiteral("Internal alert = https://lorem.slack.com/archives/CHANIPSUM789/p1692826261224619") }));

    QCOMPARE(d.createdAt.raw, QStringLiteral("2023-08-23T21:31:01.573Z"));
    QCOMPARE(d.createdAt.utc, QDateTime(QDate(2023, 8, 23), QTime(21, 31, 1, 573), Qt::UTC));
    QCOMPARE(d.updatedAt.utc, QDateTime(QDate(2023, 8, 23), QTime(22, 51, 21, 912), Qt::UTC));
    QCOMPARE(d.closedOn.utc, QDateTime(QDate(2023, 8, 23), QTime(21, 55, 58, 34), Qt::UTC));
    QCOMPARE(d.firstResponseAt.raw, QStringLiteral("1714988615.667009"));
    QCOMPARE(d.firstResponseAt.utc, utcMs(1714988615667LL));
    QCOMPARE(d.lastReplyByCustomer.utc, utcMs(1714988657758LL));
    QCOMPARE(d.lastReplyByVendor.utc, utcMs(1714988666871LL));

    QCOMPARE(d.configuredFields.size(), 1);
    QCOMPARE(d.configuredFields.at(0).field, QStringLiteral("Product"));
    QCOMPARE(d.configuredFields.at(0).name, QStringLiteral("Product Lorem"));
    QCOMPARE(d.configuredFields.at(0).value, QStringLiteral("Product Ipsum"));
    QCOMPARE(d.crmAccounts.size(), 1);
    QCOMPARE(d.crmAccounts.at(0).name, QStringLiteral("Lorem ipsum"));
    QCOMPARE(d.crmAccounts.at(0).crmId, QStringLiteral("Lorem ipsum"));

    QCOMPARE(d.activity.size(), 1);
    QCOMPARE(d.activity.at(0).id, QStringLiteral("LOREM12345"));
    QCOMPARE(d.activity.at(0).userName, QStringLiteral("lorem.ipsum"));
    QCOMPARE(d.activity.at(0).userId, QStringLiteral("LOREM12345"));
    QCOMPARE(d.activity.at(0).text, QStringLiteral("Lorem ipsum dolor sit."));
    QCOMPARE(d.activity.at(0).ts.raw, QStringLiteral("1692826409.902529"));
    QCOMPARE(d.activity.at(0).ts.utc, utcMs(1692826409902LL));

    QVERIFY(d.escalationType.isEmpty());
    QVERIFY(d.escalations.isEmpty());
    QCOMPARE(d.aiTitle, QStringLiteral("Adipiscing Elit Ipsum"));
    QCOMPARE(d.aiSummary, QStringLiteral("Dolor sit amet, consectetur adipiscing."));
    QCOMPARE(d.aiSentiment, QStringLiteral("Neutral"));
    QCOMPARE(d.aiUrgency, QStringLiteral("Medium"));
    QCOMPARE(d.aiTags, QStringList({ QStringLiteral("Lorem"), QStringLiteral("Ipsum") }));
    QCOMPARE(d.feedbacks, QStringLiteral("lorem.ipsum_customer gave 5 with additional feedback of Great Support!"));
    QVERIFY(d.eventId.isEmpty());
    QVERIFY(d.orgId.isEmpty());
    QVERIFY(d.actor.isEmpty());
    QVERIFY(!d.timestamp.isPresent());
}

void TestThenaRequestDetails::createdSample()
{
    const Details d = Details::fromBody(sample("request-created.json"));
    QCOMPARE(d.kind, EventKind::Created);
    QCOMPARE(d.requestId, QStringLiteral("43"));
    QCOMPARE(d.description,
        QStringLiteral("Our CSV export has been timing out since this morning & blocks our finance team."));
    // {} people are empty, not "unknown".
    QVERIFY(d.assignedTo.isEmpty());
    QVERIFY(d.assignedBy.isEmpty());
    QVERIFY(d.closedBy.isEmpty());
    QVERIFY(d.assignedTo.display().isEmpty());
    QVERIFY(!d.closedOn.isPresent());
    QVERIFY(!d.firstResponseAt.isPresent());
    QCOMPARE(d.replyCount, 0);
    QVERIFY(d.activity.isEmpty());
    QVERIFY(d.feedbacks.isEmpty());
    QCOMPARE(d.links.size(), 3);
    QCOMPARE(d.aiTags, QStringList({ QStringLiteral("export"), QStringLiteral("timeout") }));
}

void TestThenaRequestDetails::escalatedSample()
{
    const Details d = Details::fromBody(sample("request-escalated.json"));
    QVERIFY(d.valid);
    QCOMPARE(d.kind, EventKind::Escalated);
    QVERIFY(d.action.isEmpty());
    QCOMPARE(d.eventType, QStringLiteral("ESCALATE"));
    QCOMPARE(d.requestId, QStringLiteral("1234")); // a number in this sample
    QCOMPARE(d.status, QStringLiteral("LOREM_IPSUM"));
    QCOMPARE(d.escalationType, QStringLiteral("lorem_ipsum"));
    QCOMPARE(d.escalations.size(), 1);
    const Details::Escalation &e = d.escalations.at(0);
    QCOMPARE(e.reason, QStringLiteral("Lorem Ipsum Reason"));
    QCOMPARE(e.message, QStringLiteral("Lorem ipsum dolor sit amet, consectetur adipiscing elit."));
    QCOMPARE(e.businessImpact, QStringLiteral("Lorem Ipsum Impact"));
    QCOMPARE(e.escalatedBy.name, QStringLiteral("Lorem Ipsum"));
    QCOMPARE(e.escalatedBy.id, QStringLiteral("loremipsum13"));
    QCOMPARE(e.ts.raw, QStringLiteral("loremipsum12"));
    QVERIFY(!e.ts.utc.isValid());
    QVERIFY(e.ts.isPresent());
    QCOMPARE(d.createdAt.utc, QDateTime(QDate(2024, 2, 29), QTime(3, 9, 11, 697), Qt::UTC));
    QVERIFY(d.assignedTo.isEmpty());
    QCOMPARE(d.requestor.display(), QStringLiteral("Lorem Ipsum Requestor <lorem@ipsum.com>"));
    QVERIFY(d.crmAccounts.isEmpty());
    QVERIFY(d.configuredFields.isEmpty());
    // The avatar URL of escalatedBy is not a link: the inspector never loads it.
    for (const Details::Link &link : d.links)
        QVERIFY(!link.url.contains(QLatin1String("avatars")));
    QCOMPARE(d.links.size(), 3);
}

void TestThenaRequestDetails::platformSample()
{
    const Details d = Details::fromBody(sample("platform-ticket-created.json"));
    QVERIFY(d.valid);
    QCOMPARE(d.kind, EventKind::Platform);
    QCOMPARE(d.eventType, QStringLiteral("ticket:created"));
    QCOMPARE(d.eventId, QStringLiteral("EVT01HZX8M3Q4R5S6T7V8W9XAB"));
    QCOMPARE(d.orgId, QStringLiteral("ORG7K2M9"));
    QCOMPARE(d.actor.id, QStringLiteral("USR5521"));
    QCOMPARE(d.actor.type, QStringLiteral("CUSTOMER"));
    QCOMPARE(d.actor.email, QStringLiteral("dana@customer.example"));
    QCOMPARE(d.timestamp.raw, QStringLiteral("2026-11-30T14:02:11.512Z"));
    QCOMPARE(d.timestamp.utc, QDateTime(QDate(2026, 11, 30), QTime(14, 2, 11, 512), Qt::UTC));
    QCOMPARE(d.requestId, QStringLiteral("5512"));
    QCOMPARE(d.title, QStringLiteral("Mobile login failure"));
    QCOMPARE(d.status, QStringLiteral("NEW"));
    QCOMPARE(d.urgency, QStringLiteral("HIGH"));
    QCOMPARE(d.team, QStringLiteral("Support EMEA"));
    QCOMPARE(d.teamId, QStringLiteral("TEAM456"));
    QCOMPARE(d.description, QStringLiteral("Customer reported login issues on mobile app"));
    QCOMPARE(d.requestor.email, QStringLiteral("dana@customer.example"));
    QCOMPARE(d.customer, QStringLiteral("dana@customer.example"));
    QCOMPARE(d.aiTitle, QStringLiteral("Mobile login failure"));
    QCOMPARE(d.aiSummary, QStringLiteral("Customer cannot log in on the iOS app since the last update."));
    QCOMPARE(d.tags, QStringList({ QStringLiteral("mobile-app"), QStringLiteral("login") }));
    QVERIFY(d.aiTags.isEmpty());
    QVERIFY(d.activity.isEmpty());
    QVERIFY(d.escalations.isEmpty());
    QCOMPARE(d.replyCount, -1);
}

void TestThenaRequestDetails::agreesWithParser_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("request-created") << sample("request-created.json");
    QTest::newRow("request-updated") << sample("request-updated.json");
    QTest::newRow("request-escalated") << sample("request-escalated.json");
    QTest::newRow("platform-ticket-created") << sample("platform-ticket-created.json");
    QTest::newRow("unknown") << QByteArray(R"({"hello":"world"})");
    QTest::newRow("invalid") << QByteArray("{\"a\":");
}

void TestThenaRequestDetails::agreesWithParser()
{
    QFETCH(QByteArray, body);
    EventRow row;
    const ParseOutcome outcome = ThenaPayloadParser::parse(body, row);
    const Details d = Details::fromBody(body);
    QCOMPARE(d.valid, outcome.valid);
    QCOMPARE(d.error, outcome.error);
    QCOMPARE(d.errorOffset, outcome.errorOffset);
    QCOMPARE(d.kind, row.kind);
    QCOMPARE(d.eventType, row.eventType);
    QCOMPARE(d.requestId, row.requestId);
    QCOMPARE(d.title, row.title);
    QCOMPARE(d.status, row.status);
    QCOMPARE(d.urgency, row.urgency);
    QCOMPARE(d.sentiment, row.sentiment);
    QCOMPARE(d.customer, row.customer);
    QCOMPARE(d.team, row.team);
    QCOMPARE(d.replyCount, row.replies);
    QCOMPARE(d.tags, row.tags);
    if (row.kind != EventKind::Platform)
        QCOMPARE(d.channelName, row.channel);
}

void TestThenaRequestDetails::invalidBodies_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("error");
    QTest::newRow("empty") << QByteArray() << QStringLiteral("Body is empty");
    QTest::newRow("array") << QByteArray("[]") << QStringLiteral("Body is a JSON array, expected an object");
    QTest::newRow("string") << QByteArray("\"x\"") << QStringLiteral("Body is a JSON string, expected an object");
    QTest::newRow("broken") << QByteArray("{\"a\": tru}")
                            << QStringLiteral("Body is not valid JSON: unexpected character at byte 7");
}

void TestThenaRequestDetails::invalidBodies()
{
    QFETCH(QByteArray, body);
    const Details d = Details::fromBody(body);
    QVERIFY(!d.valid);
    QCOMPARE(d.kind, EventKind::Invalid);
    QTEST(d.error, "error");
    QVERIFY(d.title.isEmpty());
    QVERIFY(d.links.isEmpty());
}

void TestThenaRequestDetails::unknownObject()
{
    const Details d = Details::fromBody(R"({"type":"url_verification","challenge":"x","title":"t"})");
    QVERIFY(d.valid);
    QCOMPARE(d.kind, EventKind::Unknown);
    QVERIFY(d.error.isEmpty());
    QVERIFY(d.requestId.isEmpty());
    QVERIFY(d.description.isEmpty());
    QVERIFY(d.requestor.isEmpty());
    QVERIFY(d.links.isEmpty());
    QVERIFY(!d.createdAt.isPresent());
    QVERIFY(d.activity.isEmpty());
    QVERIFY(d.escalations.isEmpty());
}

void TestThenaRequestDetails::people_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("email");
    QTest::addColumn<QString>("id");

    QTest::newRow("full") << QByteArray(R"({"name":"n","email":"e@x.io","id":"U1","emailDomain":"x.io"})")
                          << QStringLiteral("n") << QStringLiteral("e@x.io") << QStringLiteral("U1");
    QTest::newRow("empty object") << QByteArray("{}") << QString() << QString() << QString();
    QTest::newRow("null") << QByteArray("null") << QString() << QString() << QString();
    QTest::newRow("first and last name") << QByteArray(R"({"firstName":"Ada","lastName":"Lovelace"})")
                                         << QStringLiteral("Ada Lovelace") << QString() << QString();
    QTest::newRow("numeric id") << QByteArray(R"({"id":17})") << QString() << QString() << QStringLiteral("17");
    QTest::newRow("string email") << QByteArray(R"("e@x.io")") << QString() << QStringLiteral("e@x.io") << QString();
    QTest::newRow("string name") << QByteArray(R"("Ada")") << QStringLiteral("Ada") << QString() << QString();
    QTest::newRow("array") << QByteArray(R"([{"name":"n"}])") << QString() << QString() << QString();
    QTest::newRow("wrong member types") << QByteArray(R"({"name":[],"email":{},"id":null})") << QString() << QString()
                                        << QString();
}

void TestThenaRequestDetails::people()
{
    QFETCH(QByteArray, json);
    const Details d = Details::fromBody(requestBody("\"assignedTo\":" + json + ",\"closed_by\":" + json
        + ",\"requestor\":" + json + ",\"sender\":" + json + ",\"assignedBy\":" + json));
    QVERIFY(d.valid);
    for (const Details::Person &person : { d.assignedTo, d.closedBy, d.requestor, d.sender, d.assignedBy }) {
        QTEST(person.name, "name");
        QTEST(person.email, "email");
        QTEST(person.id, "id");
    }
}

void TestThenaRequestDetails::personDisplay_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("email");
    QTest::addColumn<QString>("id");
    QTest::addColumn<QString>("expected");
    QTest::newRow("name and email") << QStringLiteral("n") << QStringLiteral("e") << QStringLiteral("i")
                                    << QStringLiteral("n <e>");
    QTest::newRow("name") << QStringLiteral("n") << QString() << QStringLiteral("i") << QStringLiteral("n");
    QTest::newRow("email") << QString() << QStringLiteral("e") << QStringLiteral("i") << QStringLiteral("e");
    QTest::newRow("id") << QString() << QString() << QStringLiteral("i") << QStringLiteral("i");
    QTest::newRow("nobody") << QString() << QString() << QString() << QString();
}

void TestThenaRequestDetails::personDisplay()
{
    QFETCH(QString, name);
    QFETCH(QString, email);
    QFETCH(QString, id);
    const Details::Person person { name, email, id };
    QTEST(person.display(), "expected");
    QCOMPARE(person.isEmpty(), name.isEmpty() && email.isEmpty() && id.isEmpty());
}

void TestThenaRequestDetails::links_data()
{
    QTest::addColumn<QByteArray>("url");
    QTest::addColumn<QString>("expected"); // empty: dropped

    QTest::newRow("https") << QByteArray(R"("https://a.example/p?x=1&y=2")")
                           << QStringLiteral("https://a.example/p?x=1&y=2");
    QTest::newRow("http localhost") << QByteArray(R"("http://localhost:3000/requests?requestId=42")")
                                    << QStringLiteral("http://localhost:3000/requests?requestId=42");
    QTest::newRow("upper-case scheme") << QByteArray(R"("HTTPS://A.example/")") << QStringLiteral("https://a.example/");
    QTest::newRow("padded") << QByteArray(R"("  https://a.example/  ")") << QStringLiteral("https://a.example/");
    QTest::newRow("quote is encoded") << QByteArray(R"("https://a.example/\"><img src=x>")")
                                      << QStringLiteral("https://a.example/%22%3E%3Cimg%20src=x%3E");
    QTest::newRow("javascript") << QByteArray(R"j("javascript:alert(1)")j") << QString();
    QTest::newRow("data") << QByteArray(R"("data:text/html,<script>alert(1)</script>")") << QString();
    QTest::newRow("file") << QByteArray(R"("file:///etc/passwd")") << QString();
    QTest::newRow("ftp") << QByteArray(R"("ftp://a.example/")") << QString();
    QTest::newRow("lorem ipsum") << QByteArray(R"("Lorem ipsum")") << QString();
    QTest::newRow("relative") << QByteArray(R"("/requests/42")") << QString();
    QTest::newRow("no host") << QByteArray(R"("https://")") << QString();
    QTest::newRow("number") << QByteArray("42") << QString();
    QTest::newRow("null") << QByteArray("null") << QString();
    QTest::newRow("object") << QByteArray(R"({"url":"https://a.example/"})") << QString();
}

void TestThenaRequestDetails::links()
{
    QFETCH(QByteArray, url);
    QFETCH(QString, expected);
    const Details d = Details::fromBody(requestBody("\"permalink\":" + url
        + ",\"external_links\":[{\"title\":\"Jira\","
          "\"url\":"
        + url + "}]"));
    if (expected.isEmpty()) {
        QVERIFY(d.links.isEmpty());
        return;
    }
    QCOMPARE(d.links.size(), 2);
    QCOMPARE(d.links.at(0).label, QStringLiteral("Slack thread"));
    QCOMPARE(d.links.at(0).url, expected);
    QCOMPARE(d.links.at(1).label, QStringLiteral("Jira"));
    QCOMPARE(d.links.at(1).url, expected);
}

void TestThenaRequestDetails::times_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("raw");
    QTest::addColumn<qint64>("ms"); // -1: not a time

    QTest::newRow("iso") << QByteArray(R"("2023-08-23T21:31:01.573Z")") << QStringLiteral("2023-08-23T21:31:01.573Z")
                         << qint64(1692826261573LL);
    QTest::newRow("slack ts string") << QByteArray(R"("1692826409.902529")") << QStringLiteral("1692826409.902529")
                                     << qint64(1692826409902LL);
    QTest::newRow("slack ts number") << QByteArray("1692826409.5") << QStringLiteral("1692826409.5")
                                     << qint64(1692826409500LL);
    QTest::newRow("garbage") << QByteArray(R"("loremipsum12")") << QStringLiteral("loremipsum12") << qint64(-1);
    QTest::newRow("empty") << QByteArray(R"("")") << QString() << qint64(-1);
    QTest::newRow("null") << QByteArray("null") << QString() << qint64(-1);
    QTest::newRow("object") << QByteArray("{}") << QString() << qint64(-1);
}

void TestThenaRequestDetails::times()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, raw);
    QFETCH(qint64, ms);
    const Details d = Details::fromBody(requestBody(
        "\"createdAt\":" + json + ",\"first_response_at\":" + json + ",\"activity\":[{\"ts\":" + json + "}]"));
    for (const Details::Time &time : { d.createdAt, d.firstResponseAt, d.activity.value(0).ts }) {
        QCOMPARE(time.raw, raw);
        QCOMPARE(time.isPresent(), !raw.isEmpty());
        QCOMPARE(time.utc.isValid(), ms >= 0);
        if (ms >= 0)
            QCOMPARE(time.utc.toMSecsSinceEpoch(), ms);
    }
}

void TestThenaRequestDetails::crmData_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QStringList>("accounts"); // "name/crmId"

    QTest::newRow("object (samples)") << QByteArray(R"({"name":"Acme","crm_id":"001"})")
                                      << QStringList { QStringLiteral("Acme/001") };
    QTest::newRow("array (documented)") << QByteArray(R"([{"name":"Acme","crm_id":"001"},{"name":"Beta","crm_id":7}])")
                                        << QStringList { QStringLiteral("Acme/001"), QStringLiteral("Beta/7") };
    QTest::newRow("array with junk") << QByteArray(R"([null, 3, "x", {}, {"crm_id":"9"}])")
                                     << QStringList { QStringLiteral("/9") };
    QTest::newRow("empty object") << QByteArray("{}") << QStringList();
    QTest::newRow("empty array") << QByteArray("[]") << QStringList();
    QTest::newRow("string") << QByteArray(R"("Acme")") << QStringList();
    QTest::newRow("null") << QByteArray("null") << QStringList();
}

void TestThenaRequestDetails::crmData()
{
    QFETCH(QByteArray, json);
    const Details d = Details::fromBody(requestBody("\"crm_data\":" + json));
    QStringList accounts;
    for (const Details::CrmAccount &account : d.crmAccounts)
        accounts.append(account.name + QLatin1Char('/') + account.crmId);
    QTEST(accounts, "accounts");
}

void TestThenaRequestDetails::configuredFields()
{
    const Details d = Details::fromBody(requestBody(R"("configuredFieldValues":{
        "Product":[{"name":"Product Lorem","value":"Product Ipsum"},{"name":"Second","value":2}],
        "Region":"EMEA", "Empty":[], "Junk":[null, {}, "loose"], "Nothing":null})"));
    QStringList fields;
    for (const Details::FieldValue &field : d.configuredFields)
        fields.append(field.field + QLatin1Char('|') + field.name + QLatin1Char('|') + field.value);
    QCOMPARE(fields,
        QStringList({ QStringLiteral("Junk||loose"), QStringLiteral("Product|Product Lorem|Product Ipsum"),
            QStringLiteral("Product|Second|2"), QStringLiteral("Region||EMEA") }));
    QVERIFY(Details::fromBody(requestBody(R"("configuredFieldValues":[1,2])")).configuredFields.isEmpty());
}

void TestThenaRequestDetails::activityEntries()
{
    const Details d = Details::fromBody(requestBody(R"("activity":[
        {"id":"A1","text":"<p>First &amp; <b>bold</b></p><ul><li>x</li></ul>","ts":"1692826409.902529",
         "user":{"id":"U1","name":"ann"}},
        null, 5, "text",
        {"id":2,"text":"plain","ts":"loremipsum","user":"bob"},
        {"user":{"email":"c@x.io"},"text":["not text"]}
    ])"));
    QCOMPARE(d.activity.size(), 3);
    QCOMPARE(d.activity.at(0).text, QStringLiteral("First & bold\n\u2022 x"));
    QCOMPARE(d.activity.at(0).userName, QStringLiteral("ann"));
    QCOMPARE(d.activity.at(1).id, QStringLiteral("2"));
    QCOMPARE(d.activity.at(1).userName, QStringLiteral("bob"));
    QCOMPARE(d.activity.at(1).ts.raw, QStringLiteral("loremipsum"));
    QVERIFY(!d.activity.at(1).ts.utc.isValid());
    QCOMPARE(d.activity.at(2).userName, QStringLiteral("c@x.io"));
    QVERIFY(d.activity.at(2).text.isEmpty());
    QVERIFY(Details::fromBody(requestBody(R"("activity":{"id":"A1"})")).activity.isEmpty());
}

void TestThenaRequestDetails::escalationVariants_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QStringList>("reasons");

    QTest::newRow("details as object") << requestBody(R"("escalation_details":{"escalationReason":"r1"})") << QString()
                                       << QStringList { QStringLiteral("r1") };
    QTest::newRow("junk entries skipped")
        << requestBody(R"("escalation_type":"manual","escalation_details":[1,null,{"escalationReason":"r2"}])")
        << QStringLiteral("manual") << QStringList { QStringLiteral("r2") };
    QTest::newRow("top level") << QByteArray(
        R"({"escalation_type":"t","escalation_details":[{"escalationReason":"r3"}]})")
                               << QStringLiteral("t") << QStringList { QStringLiteral("r3") };
    QTest::newRow("request wins for type")
        << QByteArray(R"({"escalation_type":"top","request":{"escalation_type":"inner"}})") << QStringLiteral("inner")
        << QStringList();
    QTest::newRow("none") << requestBody(R"("escalation_type":null)") << QString() << QStringList();
    QTest::newRow("html reason") << requestBody(R"("escalation_details":[{"escalationReason":"<b>r</b> &amp; s"}])")
                                 << QString() << QStringList { QStringLiteral("r & s") };
}

void TestThenaRequestDetails::escalationVariants()
{
    QFETCH(QByteArray, body);
    const Details d = Details::fromBody(body);
    QStringList reasons;
    for (const Details::Escalation &escalation : d.escalations)
        reasons.append(escalation.reason);
    QTEST(d.escalationType, "type");
    QTEST(reasons, "reasons");

    const Details byString = Details::fromBody(requestBody(R"("escalation_details":[{"escalatedBy":"someone"}])"));
    QCOMPARE(byString.escalations.value(0).escalatedBy.name, QStringLiteral("someone"));
}

void TestThenaRequestDetails::htmlTextFields()
{
    const Details d = Details::fromBody(
        requestBody(R"("description":"<p>Hi</p><script>alert(1)</script><p>&lt;script&gt;x&lt;/script&gt;</p>",
        "AI_requestTitle":"<img src=http://x/y.png>","feedbacks":"<p>5 &#9733;</p>","AI_requestSummary":"<i>sum</i>")"));
    QCOMPARE(d.description, QStringLiteral("Hi\n<script>x</script>"));
    // Titles are not HTML in Thena: kept literally, the panes escape them.
    QCOMPARE(d.title, QStringLiteral("<img src=http://x/y.png>"));
    QCOMPARE(d.feedbacks, QStringLiteral("5 \u2605"));
    QCOMPARE(d.aiSummary, QStringLiteral("sum"));
}

void TestThenaRequestDetails::platformVariants()
{
    const Details noTicket = Details::fromBody(
        R"({"eventId":1,"eventType":"ticket:assigned","timestamp":1700000000,"actor":"U9","payload":{"id":"T1",
        "assignedTo":{"name":"ann","email":"ann@x.io"},"requestor":{"name":"Dana"},"requestorEmail":"d@x.io",
        "createdAt":"2024-01-01T00:00:00Z","url":"https://app.example/t/1"}})");
    QCOMPARE(noTicket.kind, EventKind::Platform);
    QCOMPARE(noTicket.eventId, QStringLiteral("1"));
    QCOMPARE(noTicket.timestamp.utc, utcMs(1700000000000LL));
    QCOMPARE(noTicket.actor.id, QStringLiteral("U9"));
    QCOMPARE(noTicket.requestId, QStringLiteral("T1"));
    QCOMPARE(noTicket.assignedTo.display(), QStringLiteral("ann <ann@x.io>"));
    QCOMPARE(noTicket.requestor.display(), QStringLiteral("Dana <d@x.io>"));
    QCOMPARE(noTicket.createdAt.utc, QDateTime(QDate(2024, 1, 1), QTime(0, 0), Qt::UTC));
    QCOMPARE(noTicket.links.size(), 1);
    QCOMPARE(noTicket.links.at(0).url, QStringLiteral("https://app.example/t/1"));

    const Details msTimestamp = Details::fromBody(R"({"eventId":"E","timestamp":1700000000123,"payload":[]})");
    QCOMPARE(msTimestamp.timestamp.utc, utcMs(1700000000123LL));
    QVERIFY(msTimestamp.requestId.isEmpty());
    const Details badTimestamp = Details::fromBody(R"({"eventId":"E","timestamp":"soon","actor":null})");
    QCOMPARE(badTimestamp.timestamp.raw, QStringLiteral("soon"));
    QVERIFY(!badTimestamp.timestamp.utc.isValid());
    QVERIFY(badTimestamp.actor.isEmpty());
}

void TestThenaRequestDetails::typeMangledSamples_data()
{
    TestSupport::addSampleBodyRows();
}

void TestThenaRequestDetails::typeMangledSamples()
{
    QFETCH(QByteArray, body);
    int variants = 0;
    TestSupport::forEachMangled(
        QJsonDocument::fromJson(body).object(), replacements(), [&](const QJsonValue &mangled, const QString &path) {
            ++variants;
            const Details d = Details::fromBody(QJsonDocument(mangled.toObject()).toJson(QJsonDocument::Compact));
            if (!d.valid || d.kind == EventKind::Invalid)
                QFAIL(qPrintable(QStringLiteral("the variant at ") + path + QStringLiteral(" became invalid")));
            for (const Details::Link &link : d.links) {
                if (!link.url.startsWith(QLatin1String("http://")) && !link.url.startsWith(QLatin1String("https://")))
                    QFAIL(qPrintable(QStringLiteral("non-web link kept: ") + link.url));
            }
        });
    QVERIFY(variants > 300);
}

QTEST_GUILESS_MAIN(TestThenaRequestDetails)
#include "tst_thenarequestdetails.moc"
