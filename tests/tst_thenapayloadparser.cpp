#include "TestSupport.h"
#include "ThenaPayloadParser.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

class TestThenaPayloadParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void samples_data();
    void samples();
    void invalidBodies_data();
    void invalidBodies();
    void nestingLimit();
    void byteOrderMarkAccepted();
    void unicodePassesThrough();
    void otherRowMembersUntouched_data();
    void otherRowMembersUntouched();
    void rowIsResetBetweenBodies();
    void kind_data();
    void kind();
    void requestId_data();
    void requestId();
    void replies_data();
    void replies();
    void assignee_data();
    void assignee();
    void tags_data();
    void tags();
    void customer_data();
    void customer();
    void titleAndStatus_data();
    void titleAndStatus();
    void platform_data();
    void platform();
    void unknownObjects_data();
    void unknownObjects();
    void unknownExtraFieldsIgnored();
    void valueText_data();
    void valueText();
    void typeMangledSamples_data();
    void typeMangledSamples();
    void truncatedSamples_data();
    void truncatedSamples();
    void derivedTimes_data();
    void derivedTimes();
};

namespace {
using TestSupport::requestBody;
using TestSupport::sample;

QByteArray platformBody(const QByteArray &payload)
{
    return R"({"eventId":"E1","eventType":"ticket:updated","timestamp":1700000000,"orgId":"O","payload":)" + payload
        + "}";
}

EventRow parseRow(const QByteArray &body)
{
    EventRow row;
    const ParseOutcome outcome = ThenaPayloadParser::parse(body, row);
    if (!outcome.valid)
        qWarning("unexpectedly invalid: %s", qPrintable(outcome.error));
    return row;
}

const QList<QJsonValue> &replacements()
{
    static const QList<QJsonValue> values = {
        QJsonValue(QJsonValue::Null),
        QJsonValue(0),
        QJsonValue(-1),
        QJsonValue(1.5),
        QJsonValue(1e300),
        QJsonValue(true),
        QJsonValue(QString()),
        QJsonValue(QStringLiteral("<b>x</b>")),
        QJsonValue(QJsonArray()),
        QJsonValue(QJsonArray { QJsonValue(QJsonValue::Null), 1, QStringLiteral("s"), QJsonObject(), QJsonArray() }),
        QJsonValue(QJsonObject()),
        QJsonValue(QJsonObject { { QStringLiteral("name"), 5 }, { QStringLiteral("email"), QJsonArray() } }),
    };
    return values;
}

} // namespace

void TestThenaPayloadParser::samples_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<EventKind>("kind");
    QTest::addColumn<QString>("eventType");
    QTest::addColumn<QString>("requestId");
    QTest::addColumn<QString>("title");
    QTest::addColumn<QString>("status");
    QTest::addColumn<QString>("urgency");
    QTest::addColumn<QString>("sentiment");
    QTest::addColumn<QString>("customer");
    QTest::addColumn<QString>("team");
    QTest::addColumn<QString>("assignee");
    QTest::addColumn<QString>("channel");
    QTest::addColumn<QStringList>("tags");
    QTest::addColumn<int>("replies");
    QTest::addColumn<QString>("dedupKey");

    QTest::newRow("request-created") << sample("request-created.json") << EventKind::Created << QStringLiteral("CREATE")
                                     << QStringLiteral("43")
                                     << QStringLiteral("Export to CSV fails for large workspaces")
                                     << QStringLiteral("UNASSIGNED") << QStringLiteral("High")
                                     << QStringLiteral("Negative") << QStringLiteral("Lorem Customer Ipsum")
                                     << QStringLiteral("Team Lorem Ipsum") << QString()
                                     << QStringLiteral("thena-dev-lorem")
                                     << QStringList { QStringLiteral("export"), QStringLiteral("timeout") } << 0
                                     << QString();
    // requestId is the string "42" here, the number 1234 in the escalation sample.
    QTest::newRow("request-updated") << sample("request-updated.json") << EventKind::Updated << QStringLiteral("UPDATE")
                                     << QStringLiteral("42") << QStringLiteral("Adipiscing Elit Ipsum")
                                     << QStringLiteral("ASSIGNED") << QStringLiteral("Medium")
                                     << QStringLiteral("Neutral") << QStringLiteral("Lorem Customer Ipsum")
                                     << QStringLiteral("Team Lorem Ipsum") << QStringLiteral("assigned.to_name")
                                     << QStringLiteral("thena-dev-lorem")
                                     << QStringList { QStringLiteral("Lorem"), QStringLiteral("Ipsum") } << 8
                                     << QString();
    // No action at all, a status outside any list, {} people.
    QTest::newRow("request-escalated") << sample("request-escalated.json") << EventKind::Escalated
                                       << QStringLiteral("ESCALATE") << QStringLiteral("1234")
                                       << QStringLiteral("Lorem Ipsum Dolor Sit Amet") << QStringLiteral("LOREM_IPSUM")
                                       << QStringLiteral("Low") << QStringLiteral("Neutral")
                                       << QStringLiteral("Lorem Ipsum Customer") << QStringLiteral("Lorem Ipsum Team")
                                       << QString() << QStringLiteral("lorem-ipsum-channel")
                                       << QStringList { QStringLiteral("Lorem Ipsum") } << 0 << QString();
    QTest::newRow("platform-ticket-created")
        << sample("platform-ticket-created.json") << EventKind::Platform << QStringLiteral("ticket:created")
        << QStringLiteral("5512") << QStringLiteral("Mobile login failure") << QStringLiteral("NEW")
        << QStringLiteral("HIGH") << QString() << QStringLiteral("dana@customer.example")
        << QStringLiteral("Support EMEA") << QString() << QString()
        << QStringList { QStringLiteral("mobile-app"), QStringLiteral("login") } << -1
        << QStringLiteral("EVT01HZX8M3Q4R5S6T7V8W9XAB");
}

void TestThenaPayloadParser::samples()
{
    QFETCH(QByteArray, body);
    EventRow row;
    const ParseOutcome outcome = ThenaPayloadParser::parse(body, row);
    QVERIFY(outcome.valid);
    QVERIFY(outcome.error.isEmpty());
    QCOMPARE(outcome.errorOffset, qint64(-1));
    QVERIFY(row.valid);
    QTEST(row.kind, "kind");
    QTEST(row.eventType, "eventType");
    QTEST(row.requestId, "requestId");
    QTEST(row.title, "title");
    QTEST(row.status, "status");
    QTEST(row.urgency, "urgency");
    QTEST(row.sentiment, "sentiment");
    QTEST(row.customer, "customer");
    QTEST(row.team, "team");
    QTEST(row.assignee, "assignee");
    QTEST(row.channel, "channel");
    QTEST(row.tags, "tags");
    QTEST(int(row.replies), "replies");
    QTEST(outcome.dedupKey, "dedupKey");
    // Read in the same pass, and the same as the detail panes' own reading. The platform sample
    // carries no createdAt at all.
    QCOMPARE(outcome.times.isEmpty(), row.kind == EventKind::Platform);
    QVERIFY(outcome.times == RequestTimes::fromBody(body));
}

void TestThenaPayloadParser::invalidBodies_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("error");
    QTest::addColumn<qint64>("errorOffset");

    QTest::newRow("empty") << QByteArray() << QStringLiteral("Body is empty") << qint64(-1);
    QTest::newRow("whitespace") << QByteArray(" \r\n\t ") << QStringLiteral("Body contains only whitespace")
                                << qint64(-1);
    QTest::newRow("unterminated string") << QByteArray(
        "{\"a\": \"hello wor") << QStringLiteral("Body is not valid JSON: unterminated string at the end of the body")
                                         << qint64(16);
    QTest::newRow("not json") << QByteArray("hello=world")
                              << QStringLiteral("Body is not valid JSON: unexpected character at byte 1") << qint64(1);
    QTest::newRow("form encoded") << QByteArray("payload=%7B%7D")
                                  << QStringLiteral("Body is not valid JSON: unexpected character at byte 1")
                                  << qint64(1);
    QTest::newRow("unterminated object") << QByteArray(
        "{\"a\": 1") << QStringLiteral("Body is not valid JSON: body ends inside a number at the end of the body")
                                         << qint64(7);
    QTest::newRow("missing colon") << QByteArray(
        "{\"a\" 1}") << QStringLiteral("Body is not valid JSON: missing ':' after a member name at byte 6")
                                   << qint64(6);
    QTest::newRow("missing comma") << QByteArray("[1 2]")
                                   << QStringLiteral("Body is not valid JSON: missing ',' between values at byte 4")
                                   << qint64(4);
    QTest::newRow("trailing garbage")
        << QByteArray("{\"a\":1} x")
        << QStringLiteral("Body is not valid JSON: unexpected data after the end of the JSON value at byte 8")
        << qint64(8);
    QTest::newRow("bad unicode escape") << QByteArray("{\"a\": \"\\u12G4\"}")
                                        << QStringLiteral("Body is not valid JSON: invalid escape sequence at byte 11")
                                        << qint64(11);
    QTest::newRow("trailing comma") << QByteArray(
        "{\"a\": 1,}") << QStringLiteral("Body is not valid JSON: missing member after ',' at the end of the body")
                                    << qint64(9);
    QTest::newRow("single quotes") << QByteArray("{'a': 1}")
                                   << QStringLiteral("Body is not valid JSON: unterminated object at byte 2")
                                   << qint64(2);
    QTest::newRow("open brace") << QByteArray("{")
                                << QStringLiteral("Body is not valid JSON: unterminated object at the end of the body")
                                << qint64(1);
    QTest::newRow("bad number") << QByteArray("{\"a\": 1e400}")
                                << QStringLiteral("Body is not valid JSON: invalid number at byte 11") << qint64(11);
    QTest::newRow("NaN") << QByteArray("{\"a\": NaN}")
                         << QStringLiteral("Body is not valid JSON: invalid number at byte 6") << qint64(6);
    QTest::newRow("array") << QByteArray("[1, 2]") << QStringLiteral("Body is a JSON array, expected an object")
                           << qint64(-1);
    QTest::newRow("array of objects") << QByteArray(R"([{"action":"CREATE"}])")
                                      << QStringLiteral("Body is a JSON array, expected an object") << qint64(-1);
    QTest::newRow("number") << QByteArray("42") << QStringLiteral("Body is a JSON number, expected an object")
                            << qint64(-1);
    QTest::newRow("string") << QByteArray("\"{}\"") << QStringLiteral("Body is a JSON string, expected an object")
                            << qint64(-1);
    QTest::newRow("boolean") << QByteArray(" true ") << QStringLiteral("Body is a JSON boolean, expected an object")
                             << qint64(-1);
    QTest::newRow("null") << QByteArray("null") << QStringLiteral("Body is a JSON null, expected an object")
                          << qint64(-1);
    QTest::newRow("bad utf-8 in value") << QByteArray("{\"a\": \"\xff\xfe\"}")
                                        << QStringLiteral(
                                               "Body is not valid UTF-8: invalid byte sequence in a string at byte 7")
                                        << qint64(7);
    QTest::newRow("truncated utf-8 sequence")
        << QByteArray("{\"a\": \"ab\xc3\"}")
        << QStringLiteral("Body is not valid UTF-8: invalid byte sequence in a string at byte 9") << qint64(9);
    QTest::newRow("overlong utf-8") << QByteArray("{\"a\": \"\xc0\xaf\"}")
                                    << QStringLiteral(
                                           "Body is not valid UTF-8: invalid byte sequence in a string at byte 7")
                                    << qint64(7);
    QTest::newRow("utf-16 surrogate in utf-8")
        << QByteArray("{\"a\": \"\xed\xa0\x80\"}")
        << QStringLiteral("Body is not valid UTF-8: invalid byte sequence in a string at byte 7") << qint64(7);
    QTest::newRow("bad utf-8 in key") << QByteArray(
        "{\"\xff\": 1}") << QStringLiteral("Body is not valid UTF-8: invalid byte sequence in a string at byte 2")
                                      << qint64(2);
    QTest::newRow("latin-1 body") << QByteArray("{\"customer_name\": \"M\xfcller\"}")
                                  << QStringLiteral(
                                         "Body is not valid UTF-8: invalid byte sequence in a string at byte 20")
                                  << qint64(20);
    QTest::newRow("binary") << QByteArray("\x00\x01\x02", 3)
                            << QStringLiteral("Body is not valid JSON: unexpected character at byte 1") << qint64(1);
    QTest::newRow("deep arrays") << QByteArray("{\"a\":" + QByteArray(2000, '[') + QByteArray(2000, ']') + "}")
                                 << QStringLiteral("Body is nested too deeply (more than 1024 levels of arrays and "
                                                   "objects) at byte 1029")
                                 << qint64(1029);
}

void TestThenaPayloadParser::invalidBodies()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, error);
    QFETCH(qint64, errorOffset);

    EventRow row;
    row.title = QStringLiteral("left over");
    row.tags = QStringList { QStringLiteral("old") };
    row.replies = 3;
    const ParseOutcome outcome = ThenaPayloadParser::parse(body, row);
    QVERIFY(!outcome.valid);
    QCOMPARE(outcome.error, error);
    QCOMPARE(outcome.errorOffset, errorOffset);
    QVERIFY(outcome.dedupKey.isEmpty());
    QCOMPARE(row.kind, EventKind::Invalid);
    QVERIFY(!row.valid);
    QVERIFY(row.title.isEmpty());
    QVERIFY(row.tags.isEmpty());
    QCOMPARE(row.replies, -1);
    QVERIFY(row.eventType.isEmpty());
    if (errorOffset >= 0)
        QVERIFY(errorOffset <= body.size());
}

void TestThenaPayloadParser::nestingLimit()
{
    // Qt 6.4 allows 1024 levels of nesting and refuses the 1025th.
    auto nested = [](int depth) {
        QByteArray body;
        for (int i = 0; i < depth; ++i)
            body += "{\"a\":";
        body += '1';
        body += QByteArray(depth, '}');
        return body;
    };
    EventRow row;
    QVERIFY(ThenaPayloadParser::parse(nested(1024), row).valid);
    QCOMPARE(row.kind, EventKind::Unknown);
    const ParseOutcome tooDeep = ThenaPayloadParser::parse(nested(1025), row);
    QVERIFY(!tooDeep.valid);
    QVERIFY(tooDeep.error.startsWith(QLatin1String("Body is nested too deeply")));
    QCOMPARE(row.kind, EventKind::Invalid);
}

void TestThenaPayloadParser::byteOrderMarkAccepted()
{
    EventRow row;
    const ParseOutcome outcome = ThenaPayloadParser::parse("\xef\xbb\xbf" + sample("request-created.json"), row);
    QVERIFY(outcome.valid);
    QCOMPARE(row.kind, EventKind::Created);
    QCOMPARE(row.requestId, QStringLiteral("43"));
}

void TestThenaPayloadParser::unicodePassesThrough()
{
    const EventRow row = parseRow(
        requestBody(R"("AI_requestTitle":"Zahlung fehlgeschlagen – Müller 🙂","customer_name":"\u00c9cole")"));
    QCOMPARE(
        row.title, QStringLiteral("Zahlung fehlgeschlagen \u2013 M\u00fcller ") + QString::fromUcs4(U"\U0001F642"));
    QCOMPARE(row.customer, QStringLiteral("\u00c9cole"));
}

void TestThenaPayloadParser::otherRowMembersUntouched_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("created") << sample("request-created.json");
    QTest::newRow("platform") << sample("platform-ticket-created.json");
    QTest::newRow("unknown") << QByteArray("{\"x\":1}");
    QTest::newRow("invalid") << QByteArray("{");
    QTest::newRow("empty") << QByteArray();
}

void TestThenaPayloadParser::otherRowMembersUntouched()
{
    QFETCH(QByteArray, body);
    EventRow row;
    row.id = 77;
    row.receivedMs = 1700000000123;
    row.attempt = 3;
    row.retryOf = 70;
    row.retryGapSeconds = 20;
    row.sizeBytes = 4096;
    row.path = QStringLiteral("/hooks/thena");
    ThenaPayloadParser::parse(body, row);
    QCOMPARE(row.id, qint64(77));
    QCOMPARE(row.receivedMs, qint64(1700000000123));
    QCOMPARE(row.attempt, 3);
    QCOMPARE(row.retryOf, qint64(70));
    QCOMPARE(row.retryGapSeconds, 20);
    QCOMPARE(row.sizeBytes, 4096);
    QCOMPARE(row.path, QStringLiteral("/hooks/thena"));
}

void TestThenaPayloadParser::rowIsResetBetweenBodies()
{
    EventRow row;
    QVERIFY(ThenaPayloadParser::parse(sample("request-updated.json"), row).valid);
    QCOMPARE(row.assignee, QStringLiteral("assigned.to_name"));
    QVERIFY(ThenaPayloadParser::parse("{\"hello\":\"world\"}", row).valid);
    QCOMPARE(row.kind, EventKind::Unknown);
    QVERIFY(row.valid);
    QVERIFY(row.requestId.isEmpty());
    QVERIFY(row.title.isEmpty());
    QVERIFY(row.status.isEmpty());
    QVERIFY(row.urgency.isEmpty());
    QVERIFY(row.sentiment.isEmpty());
    QVERIFY(row.customer.isEmpty());
    QVERIFY(row.team.isEmpty());
    QVERIFY(row.assignee.isEmpty());
    QVERIFY(row.channel.isEmpty());
    QVERIFY(row.tags.isEmpty());
    QCOMPARE(row.replies, -1);
    QVERIFY(row.eventType.isEmpty());

    QVERIFY(!ThenaPayloadParser::parse("[]", row).valid);
    QVERIFY(ThenaPayloadParser::parse(sample("request-created.json"), row).valid);
    QVERIFY(row.valid);
    QCOMPARE(row.kind, EventKind::Created);
}

void TestThenaPayloadParser::kind_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<EventKind>("kind");
    QTest::addColumn<QString>("eventType");

    QTest::newRow("CREATE") << requestBody("", "\"CREATE\"") << EventKind::Created << QStringLiteral("CREATE");
    QTest::newRow("create lower case") << requestBody("", "\"create\"") << EventKind::Created
                                       << QStringLiteral("create");
    QTest::newRow("UPDATE with spaces") << requestBody("", "\" UPDATE \"") << EventKind::Updated
                                        << QStringLiteral("UPDATE");
    QTest::newRow("unknown action") << requestBody("", "\"DELETE\"") << EventKind::Unknown << QStringLiteral("DELETE");
    QTest::newRow("numeric action") << requestBody("", "5") << EventKind::Unknown << QStringLiteral("5");
    QTest::newRow("null action") << requestBody("", "null") << EventKind::Unknown << QString();
    QTest::newRow("object action") << requestBody("", "{}") << EventKind::Unknown << QString();
    QTest::newRow("request without action")
        << QByteArray(R"({"request":{"requestId":1}})") << EventKind::Unknown << QString();
    QTest::newRow("action without request")
        << QByteArray(R"({"action":"CREATE"})") << EventKind::Created << QStringLiteral("CREATE");
    QTest::newRow("request is an array") << QByteArray(R"({"action":"UPDATE","request":[1,2]})") << EventKind::Updated
                                         << QStringLiteral("UPDATE");
    QTest::newRow("escalation type wins over UPDATE")
        << requestBody(R"("escalation_type":"manual")") << EventKind::Escalated << QStringLiteral("UPDATE");
    QTest::newRow("escalation details wins over CREATE")
        << requestBody(R"("escalation_details":[{"escalationReason":"r"}])", "\"CREATE\"") << EventKind::Escalated
        << QStringLiteral("CREATE");
    QTest::newRow("escalation without action")
        << QByteArray(R"({"request":{"escalation_type":"x"}})") << EventKind::Escalated << QStringLiteral("ESCALATE");
    QTest::newRow("escalation at top level")
        << QByteArray(R"({"escalation_type":"x","request":{}})") << EventKind::Escalated << QStringLiteral("ESCALATE");
    QTest::newRow("escalation at top level without request")
        << QByteArray(R"({"escalation_details":[{}]})") << EventKind::Escalated << QStringLiteral("ESCALATE");
    QTest::newRow("escalation details as object") << requestBody(R"("escalation_details":{"escalationReason":"r"})")
                                                  << EventKind::Escalated << QStringLiteral("UPDATE");
    QTest::newRow("null escalation is none") << requestBody(R"("escalation_type":null,"escalation_details":null)")
                                             << EventKind::Updated << QStringLiteral("UPDATE");
    QTest::newRow("empty escalation is none") << requestBody(R"("escalation_type":"","escalation_details":[])")
                                              << EventKind::Updated << QStringLiteral("UPDATE");
    QTest::newRow("blank escalation type is none") << requestBody(R"("escalation_type":"  ","escalation_details":{})")
                                                   << EventKind::Updated << QStringLiteral("UPDATE");
    QTest::newRow("platform") << platformBody("{}") << EventKind::Platform << QStringLiteral("ticket:updated");
    QTest::newRow("platform without eventType") << QByteArray(R"({"eventId":"E"})") << EventKind::Platform << QString();
    QTest::newRow("platform numeric eventType")
        << QByteArray(R"({"eventType":7})") << EventKind::Platform << QStringLiteral("7");
}

void TestThenaPayloadParser::kind()
{
    QFETCH(QByteArray, body);
    const EventRow row = parseRow(body);
    QVERIFY(row.valid);
    QTEST(row.kind, "kind");
    QTEST(row.eventType, "eventType");
}

void TestThenaPayloadParser::requestId_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("expected");

    QTest::newRow("number") << QByteArray("1234") << QStringLiteral("1234");
    QTest::newRow("string") << QByteArray("\"42\"") << QStringLiteral("42");
    QTest::newRow("padded string") << QByteArray("\" 42 \"") << QStringLiteral("42");
    QTest::newRow("whole double") << QByteArray("1234.0") << QStringLiteral("1234");
    QTest::newRow("exponent") << QByteArray("1.234e3") << QStringLiteral("1234");
    QTest::newRow("fraction") << QByteArray("12.5") << QStringLiteral("12.5");
    QTest::newRow("negative") << QByteArray("-3") << QStringLiteral("-3");
    QTest::newRow("zero") << QByteArray("0") << QStringLiteral("0");
    QTest::newRow("2^53") << QByteArray("9007199254740992") << QStringLiteral("9007199254740992");
    QTest::newRow("huge") << QByteArray("1e20") << QStringLiteral("1e+20");
    QTest::newRow("beyond 2^53") << QByteArray("12345678901234567") << QStringLiteral("12345678901234567");
    QTest::newRow("int64 max") << QByteArray("9223372036854775807") << QStringLiteral("9223372036854775807");
    QTest::newRow("negative zero") << QByteArray("-0.0") << QStringLiteral("0");
    QTest::newRow("uuid string") << QByteArray("\"TKT-88QZ\"") << QStringLiteral("TKT-88QZ");
    QTest::newRow("null") << QByteArray("null") << QString();
    QTest::newRow("array") << QByteArray("[42]") << QString();
    QTest::newRow("object") << QByteArray("{\"id\":42}") << QString();
    QTest::newRow("bool") << QByteArray("true") << QStringLiteral("true");
}

void TestThenaPayloadParser::requestId()
{
    QFETCH(QByteArray, json);
    QTEST(parseRow(requestBody("\"requestId\":" + json)).requestId, "expected");
    // The platform shape reads ids the same way.
    QTEST(parseRow(platformBody("{\"ticket\":{\"ticketId\":" + json + "}}")).requestId, "expected");
}

void TestThenaPayloadParser::replies_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<int>("expected");

    QTest::newRow("number") << QByteArray("8") << 8;
    QTest::newRow("zero") << QByteArray("0") << 0;
    QTest::newRow("whole double") << QByteArray("8.0") << 8;
    QTest::newRow("numeric string") << QByteArray("\"8\"") << 8;
    QTest::newRow("padded numeric string") << QByteArray("\" 12 \"") << 12;
    QTest::newRow("text") << QByteArray("\"many\"") << -1;
    QTest::newRow("fraction") << QByteArray("8.5") << -1;
    QTest::newRow("negative") << QByteArray("-2") << -1;
    QTest::newRow("too large") << QByteArray("1e12") << -1;
    QTest::newRow("null") << QByteArray("null") << -1;
    QTest::newRow("bool") << QByteArray("true") << -1;
    QTest::newRow("array") << QByteArray("[8]") << -1;
    QTest::newRow("object") << QByteArray("{}") << -1;
}

void TestThenaPayloadParser::replies()
{
    QFETCH(QByteArray, json);
    QTEST(int(parseRow(requestBody("\"replyCount\":" + json)).replies), "expected");
}

void TestThenaPayloadParser::assignee_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("expected");

    QTest::newRow("name and email") << QByteArray(R"({"name":"ann","email":"ann@x.io"})") << QStringLiteral("ann");
    QTest::newRow("email only") << QByteArray(R"({"email":"ann@x.io"})") << QStringLiteral("ann@x.io");
    QTest::newRow("empty name") << QByteArray(R"({"name":"","email":"ann@x.io"})") << QStringLiteral("ann@x.io");
    QTest::newRow("numeric name") << QByteArray(R"({"name":5})") << QStringLiteral("5");
    QTest::newRow("id only") << QByteArray(R"({"id":"U1"})") << QString();
    QTest::newRow("empty object") << QByteArray("{}") << QString();
    QTest::newRow("null") << QByteArray("null") << QString();
    QTest::newRow("string") << QByteArray("\"bob@x.io\"") << QStringLiteral("bob@x.io");
    QTest::newRow("array") << QByteArray(R"([{"name":"ann"}])") << QString();
    QTest::newRow("nested garbage") << QByteArray(R"({"name":{"first":"a"},"email":["x"]})") << QString();
}

void TestThenaPayloadParser::assignee()
{
    QFETCH(QByteArray, json);
    QTEST(parseRow(requestBody("\"assignedTo\":" + json)).assignee, "expected");
}

void TestThenaPayloadParser::tags_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("strings") << QByteArray(R"(["a","b"])") << QStringList { QStringLiteral("a"), QStringLiteral("b") };
    QTest::newRow("non-strings ignored") << QByteArray(R"(["a",1,null,true,[],{},"b"])")
                                         << QStringList { QStringLiteral("a"), QStringLiteral("b") };
    QTest::newRow("blank entries ignored") << QByteArray(R"([""," ","c "])") << QStringList { QStringLiteral("c") };
    QTest::newRow("single string") << QByteArray(R"("solo")") << QStringList { QStringLiteral("solo") };
    QTest::newRow("empty") << QByteArray("[]") << QStringList();
    QTest::newRow("number") << QByteArray("5") << QStringList();
    QTest::newRow("object") << QByteArray(R"({"a":"b"})") << QStringList();
    QTest::newRow("null") << QByteArray("null") << QStringList();
}

void TestThenaPayloadParser::tags()
{
    QFETCH(QByteArray, json);
    QTEST(parseRow(requestBody("\"AI_generatedTags\":" + json)).tags, "expected");
}

void TestThenaPayloadParser::customer_data()
{
    QTest::addColumn<QByteArray>("members");
    QTest::addColumn<QString>("expected");

    const QByteArray people = R"("requestor":{"name":"req","email":"req@x.io"},"sender":{"name":"snd"})";
    QTest::newRow("customer_name wins") << QByteArray(R"("customer_name":"Acme","crm_data":{"name":"CRM"},)" + people)
                                        << QStringLiteral("Acme");
    QTest::newRow("crm object") << QByteArray(R"("customer_name":"","crm_data":{"name":"CRM"},)" + people)
                                << QStringLiteral("CRM");
    QTest::newRow("crm array") << QByteArray(R"("crm_data":[{"crm_id":"1"},{"name":"CRM2"}],)" + people)
                               << QStringLiteral("CRM2");
    QTest::newRow("requestor name") << QByteArray(R"("customer_name":null,"crm_data":[],)" + people)
                                    << QStringLiteral("req");
    QTest::newRow("requestor email") << QByteArray(R"("requestor":{"email":"req@x.io"},"sender":{"name":"snd"})")
                                     << QStringLiteral("req@x.io");
    QTest::newRow("sender") << QByteArray(R"("requestor":{},"sender":{"name":"snd"})") << QStringLiteral("snd");
    QTest::newRow("nobody") << QByteArray(R"("requestor":{},"sender":null)") << QString();
    QTest::newRow("numeric customer") << QByteArray(R"("customer_name":42)") << QStringLiteral("42");
}

void TestThenaPayloadParser::customer()
{
    QFETCH(QByteArray, members);
    QTEST(parseRow(requestBody(members)).customer, "expected");
}

void TestThenaPayloadParser::titleAndStatus_data()
{
    QTest::addColumn<QByteArray>("members");
    QTest::addColumn<QString>("title");
    QTest::addColumn<QString>("status");

    QTest::newRow("AI title wins") << QByteArray(R"("AI_requestTitle":"ai","title":"plain","status":"CLOSED")")
                                   << QStringLiteral("ai") << QStringLiteral("CLOSED");
    QTest::newRow("title fallback") << QByteArray(R"("AI_requestTitle":"","title":"plain")") << QStringLiteral("plain")
                                    << QString();
    QTest::newRow("null AI title") << QByteArray(R"("AI_requestTitle":null,"title":"plain")") << QStringLiteral("plain")
                                   << QString();
    QTest::newRow("status outside any list")
        << QByteArray(R"("status":"LOREM_IPSUM")") << QString() << QStringLiteral("LOREM_IPSUM");
    QTest::newRow("status object") << QByteArray(R"("status":{"name":"Waiting"})") << QString()
                                   << QStringLiteral("Waiting");
    QTest::newRow("html title kept literally") << QByteArray(R"("AI_requestTitle":"<img src=http://x/y.png>")")
                                               << QStringLiteral("<img src=http://x/y.png>") << QString();
}

void TestThenaPayloadParser::titleAndStatus()
{
    QFETCH(QByteArray, members);
    const EventRow row = parseRow(requestBody(members));
    QTEST(row.title, "title");
    QTEST(row.status, "status");
}

void TestThenaPayloadParser::platform_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<QString>("requestId");
    QTest::addColumn<QString>("title");
    QTest::addColumn<QString>("urgency");
    QTest::addColumn<QString>("team");
    QTest::addColumn<QString>("assignee");
    QTest::addColumn<QString>("customer");

    QTest::newRow("ticket") << QByteArray(R"({"ticket":{"ticketId":7,"id":"T","title":"t","priority":"LOW",
        "teamName":"EMEA","assignedTo":{"name":"ann"},"requestorEmail":"c@x.io"}})")
                            << QStringLiteral("7") << QStringLiteral("t") << QStringLiteral("LOW")
                            << QStringLiteral("EMEA") << QStringLiteral("ann") << QStringLiteral("c@x.io");
    QTest::newRow("payload without ticket")
        << QByteArray(R"({"id":"T9","aiGeneratedTitle":"ai","title":"t",
        "priority":{"name":"Urgent"},"team":{"name":"APAC"},"assigneeEmail":"a@x.io","account":{"name":"Acme"}})")
        << QStringLiteral("T9") << QStringLiteral("ai") << QStringLiteral("Urgent") << QStringLiteral("APAC")
        << QStringLiteral("a@x.io") << QStringLiteral("Acme");
    QTest::newRow("assigned agent") << QByteArray(R"({"ticket":{"assignedAgent":{"email":"g@x.io"}}})") << QString()
                                    << QString() << QString() << QString() << QStringLiteral("g@x.io") << QString();
    QTest::newRow("ticket is a string") << QByteArray(R"({"ticket":"T1","id":"P1","title":"from payload"})")
                                        << QStringLiteral("P1") << QStringLiteral("from payload") << QString()
                                        << QString() << QString() << QString();
    QTest::newRow("payload is an array") << QByteArray(R"([{"ticket":{"ticketId":1}}])") << QString() << QString()
                                         << QString() << QString() << QString() << QString();
    QTest::newRow("payload null") << QByteArray("null") << QString() << QString() << QString() << QString() << QString()
                                  << QString();
}

void TestThenaPayloadParser::platform()
{
    QFETCH(QByteArray, payload);
    EventRow row;
    const ParseOutcome outcome = ThenaPayloadParser::parse(platformBody(payload), row);
    QVERIFY(outcome.valid);
    QCOMPARE(outcome.dedupKey, QStringLiteral("E1"));
    QCOMPARE(row.kind, EventKind::Platform);
    QCOMPARE(row.eventType, QStringLiteral("ticket:updated"));
    QTEST(row.requestId, "requestId");
    QTEST(row.title, "title");
    QTEST(row.urgency, "urgency");
    QTEST(row.team, "team");
    QTEST(row.assignee, "assignee");
    QTEST(row.customer, "customer");
}

void TestThenaPayloadParser::unknownObjects_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("empty object") << QByteArray("{}");
    QTest::newRow("slack url verification") << QByteArray(R"({"type":"url_verification","challenge":"abc"})");
    QTest::newRow("nested data") << QByteArray(R"({"data":{"request":{"requestId":1}}})");
    QTest::newRow("deep but allowed") << QByteArray("{\"x\":" + QByteArray(1000, '[') + QByteArray(1000, ']') + "}");
}

void TestThenaPayloadParser::unknownObjects()
{
    QFETCH(QByteArray, body);
    EventRow row;
    const ParseOutcome outcome = ThenaPayloadParser::parse(body, row);
    QVERIFY(outcome.valid);
    QVERIFY(outcome.error.isEmpty());
    QVERIFY(outcome.dedupKey.isEmpty());
    QVERIFY(row.valid);
    QCOMPARE(row.kind, EventKind::Unknown);
    QVERIFY(row.requestId.isEmpty());
    QVERIFY(row.eventType.isEmpty());
}

void TestThenaPayloadParser::unknownExtraFieldsIgnored()
{
    // Thena adds fields over time; they must not change what is extracted.
    QJsonObject root = QJsonDocument::fromJson(sample("request-updated.json")).object();
    QJsonObject requestObject = root.value(QLatin1String("request")).toObject();
    requestObject.insert(QStringLiteral("brand_new_field"), QJsonObject { { QStringLiteral("status"), 1 } });
    requestObject.insert(QStringLiteral("AI_requestEmotion"), QStringLiteral("calm"));
    root.insert(QStringLiteral("request"), requestObject);
    root.insert(QStringLiteral("apiVersion"), 3);
    const EventRow extended = parseRow(QJsonDocument(root).toJson());
    const EventRow original = parseRow(sample("request-updated.json"));
    QCOMPARE(extended.kind, original.kind);
    QCOMPARE(extended.requestId, original.requestId);
    QCOMPARE(extended.title, original.title);
    QCOMPARE(extended.status, original.status);
    QCOMPARE(extended.assignee, original.assignee);
    QCOMPARE(extended.tags, original.tags);
    QCOMPARE(extended.replies, original.replies);
}

void TestThenaPayloadParser::valueText_data()
{
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<QString>("expected");
    QTest::newRow("string") << QJsonValue(QStringLiteral(" a ")) << QStringLiteral("a");
    QTest::newRow("int") << QJsonValue(1234) << QStringLiteral("1234");
    QTest::newRow("whole double") << QJsonValue(1234.0) << QStringLiteral("1234");
    QTest::newRow("negative whole") << QJsonValue(-7.0) << QStringLiteral("-7");
    QTest::newRow("fraction") << QJsonValue(0.1) << QStringLiteral("0.1");
    QTest::newRow("zero") << QJsonValue(0) << QStringLiteral("0");
    QTest::newRow("whole double zero") << QJsonValue(0.0) << QStringLiteral("0");
    QTest::newRow("qint64") << QJsonValue(qint64(1) << 60) << QStringLiteral("1152921504606846976");
    QTest::newRow("slack ts number") << QJsonValue(1692826409.902529) << QStringLiteral("1692826409.902529");
    QTest::newRow("false") << QJsonValue(false) << QStringLiteral("false");
    QTest::newRow("null") << QJsonValue(QJsonValue::Null) << QString();
    QTest::newRow("undefined") << QJsonValue(QJsonValue::Undefined) << QString();
    QTest::newRow("array") << QJsonValue(QJsonArray { 1 }) << QString();
    QTest::newRow("object") << QJsonValue(QJsonObject()) << QString();
}

void TestThenaPayloadParser::valueText()
{
    QFETCH(QJsonValue, value);
    QTEST(ThenaPayloadParser::valueText(value), "expected");
}

void TestThenaPayloadParser::typeMangledSamples_data()
{
    TestSupport::addSampleBodyRows();
}

void TestThenaPayloadParser::typeMangledSamples()
{
    QFETCH(QByteArray, body);
    const QJsonObject root = QJsonDocument::fromJson(body).object();
    QVERIFY(!root.isEmpty());
    int variants = 0;
    TestSupport::forEachMangled(root, replacements(), [&](const QJsonValue &mangled, const QString &path) {
        ++variants;
        EventRow row;
        const ParseOutcome outcome = ThenaPayloadParser::parse(QJsonDocument(mangled.toObject()).toJson(), row);
        // Still a JSON object, so still a valid event whatever the types inside.
        if (!outcome.valid || !row.valid || row.kind == EventKind::Invalid)
            QFAIL(qPrintable(QStringLiteral("variant at ") + path + QStringLiteral(" became invalid")));
        if (row.replies < -1)
            QFAIL(qPrintable(QStringLiteral("bad reply count at ") + path));
    });
    QVERIFY2(variants > 300, qPrintable(QString::number(variants)));
}

void TestThenaPayloadParser::truncatedSamples_data()
{
    typeMangledSamples_data();
}

void TestThenaPayloadParser::truncatedSamples()
{
    QFETCH(QByteArray, body);
    const qsizetype end = body.lastIndexOf('}');
    for (qsizetype n = 0; n <= end; ++n) {
        EventRow row;
        const ParseOutcome outcome = ThenaPayloadParser::parse(body.left(n), row);
        QVERIFY(!outcome.valid);
        QVERIFY(!outcome.error.isEmpty());
        QCOMPARE(row.kind, EventKind::Invalid);
        QVERIFY(outcome.errorOffset <= n);
    }
}

void TestThenaPayloadParser::derivedTimes_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<qint64>("toFirstResponseMs");
    QTest::addColumn<qint64>("toAssignmentMs");
    QTest::addColumn<qint64>("toCloseMs");
    QTest::addColumn<bool>("escalated");

    // Hand-computed: createdAt 2023-08-23T21:31:01.573Z, first_response_at Slack ts 1714988615.667009,
    // closed_on 2023-08-23T21:55:58.034Z; an UPDATE says nothing about when the assignee came.
    QTest::newRow("request-updated") << TestSupport::sample(QStringLiteral("request-updated.json"))
                                     << qint64(22162354094) << qint64(-1) << qint64(1496461) << false;
    // assignedTo is {}: not assigned at creation, so no assignment time.
    QTest::newRow("request-created") << TestSupport::sample(QStringLiteral("request-created.json")) << qint64(-1)
                                     << qint64(-1) << qint64(-1) << false;
    QTest::newRow("request-escalated") << TestSupport::sample(QStringLiteral("request-escalated.json")) << qint64(-1)
                                       << qint64(-1) << qint64(-1) << true;
    QTest::newRow("platform-ticket-created") << TestSupport::sample(QStringLiteral("platform-ticket-created.json"))
                                             << qint64(-1) << qint64(-1) << qint64(-1) << false;
    QTest::newRow("created with assignee")
        << QByteArray(R"({"action":"CREATE","request":{"createdAt":"2024-01-01T10:00:00Z",)"
                      R"("assignedTo":{"name":"Ana"}}})")
        << qint64(-1) << qint64(0) << qint64(-1) << false;
    QTest::newRow("platform closed") << QByteArray(
        R"({"eventType":"ticket:updated","payload":{"ticket":{"createdAt":"2024-01-01T10:00:00Z",)"
        R"("closedAt":"2024-01-01T12:30:00.250Z"}}})")
                                     << qint64(-1) << qint64(-1) << qint64(9000250) << false;
    // A response before the request existed is no time at all, never a negative one.
    QTest::newRow("response before creation")
        << QByteArray(R"({"action":"UPDATE","request":{"createdAt":"2024-01-01T10:00:00Z",)"
                      R"("first_response_at":"2024-01-01T09:00:00Z"}})")
        << qint64(-1) << qint64(-1) << qint64(-1) << false;
    QTest::newRow("escalated as update") << QByteArray(
        R"({"action":"UPDATE","request":{"createdAt":"2024-01-01T10:00:00Z",)"
        R"("first_response_at":"2024-01-01T10:00:42Z","escalation_type":"manual"}})")
                                         << qint64(42000) << qint64(-1) << qint64(-1) << true;
    QTest::newRow("no times") << QByteArray(R"({"action":"UPDATE","request":{}})") << qint64(-1) << qint64(-1)
                              << qint64(-1) << false;
}

void TestThenaPayloadParser::derivedTimes()
{
    QFETCH(QByteArray, body);
    EventRow row;
    // Left over from a previous body: must not survive into this one.
    row.toFirstResponseMs = row.toAssignmentMs = row.toCloseMs = 7;
    row.escalated = true;
    const ParseOutcome outcome = ThenaPayloadParser::parse(body, row);
    QVERIFY(outcome.valid);
    const RequestTimes expected = RequestTimes::fromBody(body);
    QVERIFY2(outcome.times == expected,
        qPrintable(QStringLiteral("parser %1/%2/%3, details %4/%5/%6")
                       .arg(outcome.times.createdAtMs)
                       .arg(outcome.times.firstResponseAtMs)
                       .arg(outcome.times.closedAtMs)
                       .arg(expected.createdAtMs)
                       .arg(expected.firstResponseAtMs)
                       .arg(expected.closedAtMs)));
    QTEST(row.toFirstResponseMs, "toFirstResponseMs");
    QTEST(row.toAssignmentMs, "toAssignmentMs");
    QTEST(row.toCloseMs, "toCloseMs");
    QTEST(row.escalated, "escalated");

    EventRow invalid = row;
    QVERIFY(!ThenaPayloadParser::parse(body.left(body.size() / 2), invalid).valid);
    QCOMPARE(invalid.toFirstResponseMs, qint64(-1));
    QCOMPARE(invalid.toCloseMs, qint64(-1));
    QVERIFY(!invalid.escalated);
}

QTEST_GUILESS_MAIN(TestThenaPayloadParser)
#include "tst_thenapayloadparser.moc"
