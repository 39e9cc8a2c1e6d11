#include "JsonLinesCodec.h"
#include "SecretMask.h"

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

namespace {
CapturedEvent makeEvent(qint64 id, const QByteArray &body)
{
    CapturedEvent event;
    event.row.id = id;
    event.row.receivedMs = 1'733'330'131'123LL + id;
    event.row.kind = EventKind::Escalated;
    event.row.valid = true;
    event.row.attempt = 3;
    event.row.retryOf = id - 2;
    event.row.retryGapSeconds = 30;
    event.row.replies = 4;
    event.row.sizeBytes = static_cast<qint32>(body.size());
    event.row.requestId = QStringLiteral("42");
    event.row.title = QString::fromUtf8("Printer \"on fire\", again 🔥\nsecond line");
    event.row.status = QStringLiteral("ASSIGNED");
    event.row.urgency = QStringLiteral("High");
    event.row.sentiment = QStringLiteral("Negative");
    event.row.customer = QString::fromUtf8("שלום בע\"מ");
    event.row.team = QStringLiteral("EMEA");
    event.row.assignee = QStringLiteral("Dana");
    event.row.channel = QStringLiteral("acme-support");
    event.row.tags = { QStringLiteral("billing"), QStringLiteral("=vip"), QString() };
    event.row.path = QStringLiteral("/hooks/thena?x=1");
    event.row.eventType = QStringLiteral("ESCALATE");
    event.row.toFirstResponseMs = 720'000 + id;
    event.row.toAssignmentMs = 0;
    event.row.toCloseMs = -1;
    event.row.escalated = true;
    event.body = body;
    event.headers = { { "content-type", "application/json" }, { "authorization", "s3cret" }, { "x-empty", "" },
        { "x-binary", QByteArray("\xff\x00\xfe", 3) } };
    event.method = QStringLiteral("POST");
    event.remoteAddress = QStringLiteral("::1");
    return event;
}

void compareEvents(const CapturedEvent &a, const CapturedEvent &b)
{
    QCOMPARE(a.row.id, b.row.id);
    QCOMPARE(a.row.receivedMs, b.row.receivedMs);
    QCOMPARE(a.row.kind, b.row.kind);
    QCOMPARE(a.row.valid, b.row.valid);
    QCOMPARE(a.row.attempt, b.row.attempt);
    QCOMPARE(a.row.retryOf, b.row.retryOf);
    QCOMPARE(a.row.retryGapSeconds, b.row.retryGapSeconds);
    QCOMPARE(a.row.replies, b.row.replies);
    QCOMPARE(a.row.sizeBytes, b.row.sizeBytes);
    QCOMPARE(a.row.requestId, b.row.requestId);
    QCOMPARE(a.row.title, b.row.title);
    QCOMPARE(a.row.status, b.row.status);
    QCOMPARE(a.row.urgency, b.row.urgency);
    QCOMPARE(a.row.sentiment, b.row.sentiment);
    QCOMPARE(a.row.customer, b.row.customer);
    QCOMPARE(a.row.team, b.row.team);
    QCOMPARE(a.row.assignee, b.row.assignee);
    QCOMPARE(a.row.channel, b.row.channel);
    QCOMPARE(a.row.tags, b.row.tags);
    QCOMPARE(a.row.path, b.row.path);
    QCOMPARE(a.row.eventType, b.row.eventType);
    QCOMPARE(a.row.toFirstResponseMs, b.row.toFirstResponseMs);
    QCOMPARE(a.row.toAssignmentMs, b.row.toAssignmentMs);
    QCOMPARE(a.row.toCloseMs, b.row.toCloseMs);
    QCOMPARE(a.row.escalated, b.row.escalated);
    QCOMPARE(a.body, b.body);
    // Everything comes back as it was, except credentials, which come back as their mask.
    QCOMPARE(a.headers, SecretMask::maskedHeaders(b.headers));
    QCOMPARE(a.method, b.method);
    QCOMPARE(a.remoteAddress, b.remoteAddress);
    QCOMPARE(a.error, b.error);
    QCOMPARE(a.errorOffset, b.errorOffset);
}

QByteArray sample(const char *name)
{
    QFile file(QDir(QStringLiteral(THENA_SAMPLES_DIR)).filePath(QLatin1String(name)));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll();
}
} // namespace

class TestJsonLinesCodec : public QObject
{
    Q_OBJECT

private slots:
    void roundTrip_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("encoding");

        QTest::newRow("request-created sample") << sample("request-created.json") << QStringLiteral("utf-8");
        QTest::newRow("request-escalated sample") << sample("request-escalated.json") << QStringLiteral("utf-8");
        QTest::newRow("platform sample") << sample("platform-ticket-created.json") << QStringLiteral("utf-8");
        QTest::newRow("empty") << QByteArray() << QStringLiteral("utf-8");
        QTest::newRow("newlines and CR") << QByteArray("{\n  \"a\": 1\r\n}\n") << QStringLiteral("utf-8");
        QTest::newRow("emoji and RTL") << QByteArray("{\"t\":\"😀 مرحبا\"}") << QStringLiteral("utf-8");
        QTest::newRow("NUL byte") << QByteArray("a\0b", 3) << QStringLiteral("utf-8");
        QTest::newRow("BOM kept") << QByteArray("\xEF\xBB\xBF{}") << QStringLiteral("utf-8");
        QTest::newRow("invalid UTF-8") << QByteArray("{\"a\":\"\xC3\x28\"}") << QStringLiteral("base64");
        QTest::newRow("Latin-1") << QByteArray("caf\xE9") << QStringLiteral("base64");
        QTest::newRow("encoded surrogate") << QByteArray("\xED\xA0\x80") << QStringLiteral("base64");
        QTest::newRow("truncated JSON") << QByteArray("{\"action\": \"CRE") << QStringLiteral("utf-8");
        QByteArray binary;
        for (int i = 0; i < 256; ++i)
            binary.append(static_cast<char>(i));
        QTest::newRow("every byte") << binary << QStringLiteral("base64");
    }

    void roundTrip()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, encoding);
        CapturedEvent event = makeEvent(7, body);
        event.row.valid = false;
        event.error = QStringLiteral("Body is not valid JSON");
        event.errorOffset = 12;

        const QByteArray line = JsonLinesCodec::encode(event);
        QVERIFY(!line.contains('\n'));
        QVERIFY(!line.contains('\r'));
        const QJsonObject object = QJsonDocument::fromJson(line).object();
        QCOMPARE(object.value(QStringLiteral("bodyEncoding")).toString(), encoding);
        QCOMPARE(object.value(QStringLiteral("format")).toString(), QStringLiteral("thena-inspector-event"));
        QCOMPARE(object.value(QStringLiteral("received")).toString(), QStringLiteral("2024-12-04T16:35:31.130Z"));

        QString error;
        const std::optional<CapturedEvent> decoded = JsonLinesCodec::decode(line, &error);
        QVERIFY2(decoded, qPrintable(error));
        compareEvents(*decoded, event);
    }

    void utf8BodyIsReadableText()
    {
        const QByteArray body = sample("request-updated.json");
        QVERIFY(!body.isEmpty());
        const QJsonObject object = QJsonDocument::fromJson(JsonLinesCodec::encode(makeEvent(1, body))).object();
        QCOMPARE(object.value(QStringLiteral("body")).toString().toUtf8(), body);
        // Readable headers stay text; the binary one goes to base64 under its own key.
        const QJsonArray headers = object.value(QStringLiteral("headers")).toArray();
        QCOMPARE(headers.size(), 4);
        QCOMPARE(
            headers.at(0).toObject().value(QStringLiteral("value")).toString(), QStringLiteral("application/json"));
        QCOMPARE(headers.at(3).toObject().value(QStringLiteral("valueBase64")).toString(), QStringLiteral("/wD+"));
    }

    void textStartingWithByteOrderMarkRoundTrips()
    {
        // Qt's JSON parser drops a U+FEFF that starts a string unless it is escaped.
        CapturedEvent event = makeEvent(9, QByteArray("\xEF\xBB\xBF{\"a\":\"\xEF\xBB\xBFx\"}"));
        event.row.title = QChar(0xFEFF) + QStringLiteral("title");
        event.row.tags = { QString(QChar(0xFEFF)) };
        const QByteArray line = JsonLinesCodec::encode(event);
        QVERIFY(!line.contains("\xEF\xBB\xBF"));
        const std::optional<CapturedEvent> decoded = JsonLinesCodec::decode(line);
        QVERIFY(decoded);
        compareEvents(*decoded, event);
    }

    void everyKindRoundTrips()
    {
        for (int k = 0; k < EventKindCount; ++k) {
            CapturedEvent event = makeEvent(k + 1, "{}");
            event.row.kind = static_cast<EventKind>(k);
            const std::optional<CapturedEvent> decoded = JsonLinesCodec::decode(JsonLinesCodec::encode(event));
            QVERIFY(decoded);
            QCOMPARE(decoded->row.kind, event.row.kind);
        }
    }

    void secretsAreMasked_data()
    {
        QTest::addColumn<QByteArray>("name");
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<bool>("masked");

        QTest::newRow("authorization") << QByteArray("authorization") << QByteArray("s3cr3t-t0ken") << true;
        QTest::newRow("Authorization") << QByteArray("Authorization") << QByteArray("Bearer abc.def") << true;
        QTest::newRow("proxy") << QByteArray("PROXY-AUTHORIZATION") << QByteArray("Basic dXNlcjpwdw==") << true;
        QTest::newRow("x-webhook-secret") << QByteArray("X-Webhook-Secret") << QByteArray("whsec_123") << true;
        QTest::newRow("x-thena-secret") << QByteArray("x-thena-secret") << QByteArray("th3na-42") << true;
        QTest::newRow("token") << QByteArray("X-Auth-Token") << QByteArray("tok-9") << true;
        QTest::newRow("api key") << QByteArray("x-api-key") << QByteArray("key-77") << true;
        QTest::newRow("cookie") << QByteArray("Cookie") << QByteArray("session=abcdef") << true;
        QTest::newRow("unicode secret") << QByteArray("authorization") << QByteArray("m\xc3\xb8t-de-passe") << true;
        QTest::newRow("binary secret") << QByteArray("authorization") << QByteArray("\xff\xfe-bin", 6) << true;
        QTest::newRow("empty secret stays empty") << QByteArray("authorization") << QByteArray() << false;
        QTest::newRow("hint is not a secret") << QByteArray("X-Authorization-Hint") << QByteArray("Bearer") << false;
        QTest::newRow("content-type") << QByteArray("content-type") << QByteArray("application/json") << false;
    }

    void secretsAreMasked()
    {
        QFETCH(QByteArray, name);
        QFETCH(QByteArray, value);
        QFETCH(bool, masked);

        CapturedEvent event = makeEvent(5, "{}");
        event.headers = { { "content-type", "application/json" }, { name, value } };
        const QByteArray line = JsonLinesCodec::encode(event);
        const QJsonObject header
            = QJsonDocument::fromJson(line).object().value(QStringLiteral("headers")).toArray().at(1).toObject();
        QCOMPARE(header.value(QStringLiteral("name")).toString().toUtf8(), name);
        if (masked) {
            // Neither the text nor its base64 nor a prefix of it is anywhere on the line.
            QVERIFY2(!line.contains(value), line.constData());
            QVERIFY(!line.contains(value.toBase64()));
            QVERIFY(!line.contains(value.left(4)));
            QCOMPARE(header.value(QStringLiteral("value")).toString(), SecretMask::maskedText(value));
            QVERIFY(header.value(QStringLiteral("value")).toString().startsWith(QString(8, QChar(0x2022))));
            QVERIFY(!header.contains(QStringLiteral("valueBase64")));
            QCOMPARE(header.value(QStringLiteral("masked")).toBool(), true);
        } else {
            QVERIFY(!header.contains(QStringLiteral("masked")));
            QCOMPARE(header.value(QStringLiteral("value")).toString().toUtf8(), value);
        }
    }

    // Exported, imported, exported again: the mask is kept as it is (not masked a second time, so
    // it still tells the original length), the second file is identical to the first, and the pane's
    // rule shows the imported value unchanged.
    void maskedValueReimportedStaysMasked()
    {
        CapturedEvent event = makeEvent(11, "{\"a\":1}");
        event.headers = { { "authorization", "s3cr3t-t0ken" }, { "X-Webhook-Secret", "x" },
            { "content-type", "application/json" } };
        const QByteArray first = JsonLinesCodec::encode(event);
        const std::optional<CapturedEvent> imported = JsonLinesCodec::decode(first);
        QVERIFY(imported);
        const QString dots(8, QChar(0x2022));
        QCOMPARE(imported->headers.at(0).second, (dots + QStringLiteral(" (12 characters)")).toUtf8());
        QCOMPARE(imported->headers.at(1).second, (dots + QStringLiteral(" (1 character)")).toUtf8());
        QCOMPARE(imported->headers.at(2).second, QByteArray("application/json"));
        QVERIFY(SecretMask::isMasked(imported->headers.at(0).second));
        QCOMPARE(SecretMask::displayValue("authorization", imported->headers.at(0).second),
            dots + QStringLiteral(" (12 characters)"));

        const QByteArray second = JsonLinesCodec::encode(*imported);
        QCOMPARE(second, first);
    }

    void decodeRefuses_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QString>("reasonContains");

        QTest::newRow("not JSON") << QByteArray("{\"body\": ") << QStringLiteral("not JSON");
        QTest::newRow("array") << QByteArray("[1,2]") << QStringLiteral("not a JSON object");
        QTest::newRow("no body") << QByteArray("{\"id\": 1}") << QStringLiteral("no \"body\"");
        QTest::newRow("body not a string") << QByteArray("{\"body\": {}}") << QStringLiteral("no \"body\"");
        QTest::newRow("bad base64") << QByteArray("{\"body\": \"***\", \"bodyEncoding\": \"base64\"}")
                                    << QStringLiteral("base64");
        QTest::newRow("unknown encoding")
            << QByteArray("{\"body\": \"x\", \"bodyEncoding\": \"utf-16\"}") << QStringLiteral("utf-16");
        QTest::newRow("other format") << QByteArray("{\"format\": \"har\", \"body\": \"x\"}")
                                      << QStringLiteral("not a Thena Inspector event");
        QTest::newRow("newer version") << QByteArray("{\"format\": \"thena-inspector-event\", \"version\": 99, "
                                                     "\"body\": \"x\"}")
                                       << QStringLiteral("newer");
        QTest::newRow("headers not array")
            << QByteArray("{\"body\": \"x\", \"headers\": 3}") << QStringLiteral("headers");
    }

    void decodeRefuses()
    {
        QFETCH(QByteArray, line);
        QFETCH(QString, reasonContains);
        QString error;
        QVERIFY(!JsonLinesCodec::decode(line, &error));
        QVERIFY2(error.contains(reasonContains), qPrintable(error));
    }

    void minimalLineTakesDefaults()
    {
        const std::optional<CapturedEvent> event
            = JsonLinesCodec::decode("{\"body\": \"{}\", \"received\": \"2024-01-02T03:04:05.006Z\"}");
        QVERIFY(event);
        QCOMPARE(event->body, QByteArray("{}"));
        QCOMPARE(event->row.kind, EventKind::Unknown);
        QCOMPARE(event->row.attempt, 1);
        QCOMPARE(event->row.replies, -1);
        QCOMPARE(event->row.retryGapSeconds, -1);
        QCOMPARE(event->row.sizeBytes, 2);
        QCOMPARE(event->errorOffset, -1);
        QCOMPARE(event->row.toFirstResponseMs, -1);
        QCOMPARE(event->row.toAssignmentMs, -1);
        QCOMPARE(event->row.toCloseMs, -1);
        QVERIFY(!event->row.escalated);
        QCOMPARE(event->row.receivedMs, QDateTime(QDate(2024, 1, 2), QTime(3, 4, 5, 6), Qt::UTC).toMSecsSinceEpoch());
    }

    void readAllCountsBadLines()
    {
        QByteArray file = "\xEF\xBB\xBF";
        file += JsonLinesCodec::encode(makeEvent(1, "{\"a\":1}")) + "\r\n";
        file += "\n   \n";
        file += "this is not json\n";
        file += JsonLinesCodec::encode(makeEvent(2, QByteArray("\xff", 1))) + "\n";
        file += "{\"no\": \"body\"}\n";
        file += JsonLinesCodec::encode(makeEvent(3, "last, without newline"));
        QBuffer buffer(&file);
        QVERIFY(buffer.open(QIODevice::ReadOnly));

        QString error;
        int badLines = -1;
        const QList<CapturedEvent> events = JsonLinesCodec::readAll(&buffer, &error, &badLines);
        QCOMPARE(events.size(), 3);
        QCOMPARE(events.at(0).row.id, 1);
        QCOMPARE(events.at(1).body, QByteArray("\xff", 1));
        QCOMPARE(events.at(2).body, QByteArray("last, without newline"));
        QCOMPARE(badLines, 2);
        QVERIFY2(
            error.contains(QStringLiteral("2 lines")) && error.contains(QStringLiteral("line 4")), qPrintable(error));
    }

    void readAllCleanFileHasNoError()
    {
        QByteArray file;
        for (int i = 1; i <= 5; ++i)
            file += JsonLinesCodec::encode(makeEvent(i, "{}")) + '\n';
        QBuffer buffer(&file);
        QVERIFY(buffer.open(QIODevice::ReadOnly));
        QString error = QStringLiteral("stale");
        int badLines = -1;
        const QList<CapturedEvent> events = JsonLinesCodec::readAll(&buffer, &error, &badLines);
        QCOMPARE(events.size(), 5);
        QCOMPARE(badLines, 0);
        QVERIFY(error.isEmpty());
        for (int i = 0; i < 5; ++i)
            compareEvents(events.at(i), makeEvent(i + 1, "{}"));
    }

    void readAllUnreadableDevice()
    {
        QBuffer buffer;
        QString error;
        int badLines = -1;
        QVERIFY(JsonLinesCodec::readAll(&buffer, &error, &badLines).isEmpty());
        QVERIFY(!error.isEmpty());
        QCOMPARE(badLines, 0);
        QVERIFY(JsonLinesCodec::readAll(nullptr, nullptr, nullptr).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestJsonLinesCodec)
#include "tst_jsonlinescodec.moc"
