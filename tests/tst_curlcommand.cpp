#include "CaptureService.h"
#include "CurlCommand.h"
#include "LifecycleSamples.h"
#include "SecretMask.h"
#include "TestSupport.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

namespace {
constexpr int kWaitMs = 10000;
const QByteArray kSecret = QByteArrayLiteral("s3cret-'quoted' $HOME");

CapturedEvent delivery(const QByteArray &body, const HttpHeaders &extraHeaders = {})
{
    CapturedEvent e = LifecycleSamples::capture(body, 7, LifecycleSamples::kFirstReceivedMs);
    e.headers = { { QByteArrayLiteral("Host"), QByteArrayLiteral("127.0.0.1:8080") },
        { QByteArrayLiteral("User-Agent"), QByteArrayLiteral("Thena-Webhooks/1.0") },
        { QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json") },
        { QByteArrayLiteral("authorization"), kSecret },
        { QByteArrayLiteral("Content-Length"), QByteArray::number(body.size()) },
        { QByteArrayLiteral("Connection"), QByteArrayLiteral("keep-alive") } };
    e.headers.append(extraHeaders);
    return e;
}

QByteArray headerValue(const HttpHeaders &headers, const QByteArray &name)
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

int headerCount(const HttpHeaders &headers, const QByteArray &name)
{
    int count = 0;
    for (const auto &header : headers)
        count += header.first.compare(name, Qt::CaseInsensitive) == 0 ? 1 : 0;
    return count;
}
} // namespace

class tst_CurlCommand : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void exactCommand();
    void secretMaskedUnlessAsked();
    void everyCredentialMaskedUnlessAsked_data();
    void everyCredentialMaskedUnlessAsked();
    void maskedCommandStillRuns();
    void onlyTheHeadersThatMatter();
    void deliveryUrl_data();
    void deliveryUrl();
    void otherMethod();
    void shellQuote_data();
    void shellQuote();
    void hopByHop();
    void runsAndArrivesIdentical_data();
    void runsAndArrivesIdentical();

private:
    std::unique_ptr<CaptureService> m_service;
    QList<CapturedEvent> m_received;
    QString m_curl;
};

void tst_CurlCommand::initTestCase()
{
    m_curl = QStandardPaths::findExecutable(QStringLiteral("curl"));
    m_service = std::make_unique<CaptureService>();
    connect(m_service.get(), &CaptureService::eventsCaptured, this,
        [this](const QList<CapturedEvent> &batch) { m_received.append(batch); });
    QSignalSpy listening(m_service.get(), &CaptureService::listening);
    CaptureConfig config;
    config.port = 0;
    config.secret = kSecret;
    m_service->start(config);
    QVERIFY(listening.wait(kWaitMs));
}

void tst_CurlCommand::cleanupTestCase()
{
    m_service.reset();
}

void tst_CurlCommand::exactCommand()
{
    const CapturedEvent e = delivery(QByteArrayLiteral(R"({"action":"UPDATE","request":{"requestId":"42"}})"));
    QCOMPARE(CurlCommand::build(e),
        QStringLiteral("curl -sS -H 'User-Agent: Thena-Webhooks/1.0' -H 'Content-Type: application/json' "
                       "-H \"authorization: $THENA_INSPECTOR_SECRET\" -H 'Accept:' "
                       "--data-binary '{\"action\":\"UPDATE\",\"request\":{\"requestId\":\"42\"}}' "
                       "'http://127.0.0.1:8080/thena'"));
}

void tst_CurlCommand::secretMaskedUnlessAsked()
{
    const CapturedEvent e = delivery(TestSupport::sample("request-updated.json"));
    const QString masked = CurlCommand::build(e);
    QVERIFY(!masked.contains(QStringLiteral("s3cret")));
    QVERIFY(masked.contains(QStringLiteral("\"authorization: $THENA_INSPECTOR_SECRET\"")));
    CurlCommand::Options options;
    options.includeSecret = true;
    const QString open = CurlCommand::build(e, options);
    QVERIFY(open.contains(QStringLiteral("-H 'authorization: s3cret-'\\''quoted'\\'' $HOME'")));
    QVERIFY(!open.contains(CurlCommand::secretVariable()));
}

void tst_CurlCommand::everyCredentialMaskedUnlessAsked_data()
{
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<bool>("secret");
    QTest::newRow("x-webhook-secret") << QByteArray("X-Webhook-Secret") << QByteArray("whsec_0123456789") << true;
    QTest::newRow("cookie") << QByteArray("Cookie") << QByteArray("session=abc; csrf=def") << true;
    QTest::newRow("x-api-key") << QByteArray("x-api-key") << QByteArray("key-42") << true;
    QTest::newRow("api-key") << QByteArray("API-Key") << QByteArray("key-43") << true;
    QTest::newRow("x-auth-token") << QByteArray("X-Auth-Token") << QByteArray("tok.en.value") << true;
    QTest::newRow("x-db-password") << QByteArray("X-DB-Password") << QByteArray("hunter2") << true;
    QTest::newRow("quote in a secret") << QByteArray("X-Thena-Secret") << QByteArray("it's $(id)") << true;
    QTest::newRow("empty secret") << QByteArray("X-Webhook-Secret") << QByteArray() << true;
    QTest::newRow("x-trace in clear") << QByteArray("X-Trace") << QByteArray("abc") << false;
    QTest::newRow("x-secretary in clear") << QByteArray("X-Secretary") << QByteArray("Ms Moneypenny") << false;
}

// "All headers" used to copy every credential but authorization in clear: the clipboard and
// whatever a command is pasted into (a ticket, a chat) must see only SecretMask's mask.
void tst_CurlCommand::everyCredentialMaskedUnlessAsked()
{
    QFETCH(QByteArray, name);
    QFETCH(QByteArray, value);
    QFETCH(bool, secret);
    const CapturedEvent e = delivery(TestSupport::sample("request-updated.json"), { { name, value } });
    const QString clear = CurlCommand::shellQuote(name + ": " + value);
    const QString command = CurlCommand::build(e);
    QVERIFY(command.contains(QStringLiteral("\"authorization: $THENA_INSPECTOR_SECRET\"")));
    QVERIFY(!command.contains(QStringLiteral("s3cret")));
    if (secret) {
        const QString masked = CurlCommand::shellQuote(name + ": " + SecretMask::maskedText(value).toUtf8());
        QVERIFY2(command.contains(QStringLiteral("-H ") + masked), qPrintable(command));
        QVERIFY2(!command.contains(clear), qPrintable(command));
        if (!value.isEmpty())
            QVERIFY2(!command.contains(QString::fromUtf8(value)), qPrintable(command));
    } else {
        QVERIFY2(command.contains(QStringLiteral("-H ") + clear), qPrintable(command));
    }
    // Asked for the secret: every header exactly as captured.
    CurlCommand::Options open;
    open.includeSecret = true;
    const QString withSecret = CurlCommand::build(e, open);
    QVERIFY2(withSecret.contains(QStringLiteral("-H ") + clear), qPrintable(withSecret));
    QVERIFY(!withSecret.contains(QChar(0x2022)));
    // Only content-type and authorization: no other credential at all, masked or not.
    CurlCommand::Options few;
    few.allHeaders = false;
    QVERIFY(!CurlCommand::build(e, few).contains(QString::fromLatin1(name) + QLatin1Char(':')));
}

// The mask is quoted like any other value: the command still runs, and what arrives is the mask.
void tst_CurlCommand::maskedCommandStillRuns()
{
    if (m_curl.isEmpty())
        QSKIP("curl is not installed");
    const QString bash = QStandardPaths::findExecutable(QStringLiteral("bash"));
    if (bash.isEmpty())
        QSKIP("bash not installed");
    const QByteArray webhookSecret = QByteArrayLiteral("whsec_'$(touch CANARY)'");
    const QByteArray body = TestSupport::sample("request-created.json");
    const CapturedEvent original = delivery(body, { { QByteArrayLiteral("X-Webhook-Secret"), webhookSecret } });
    CurlCommand::Options options;
    options.url = m_service->url().resolved(QUrl(QStringLiteral("/masked")));

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QProcess process;
    process.setWorkingDirectory(dir.path());
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(CurlCommand::secretVariable(), QString::fromUtf8(kSecret));
    for (const char *proxy : { "http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY" })
        environment.remove(QString::fromLatin1(proxy));
    process.setProcessEnvironment(environment);
    for (const bool includeSecret : { false, true }) {
        options.includeSecret = includeSecret;
        m_received.clear();
        process.start(bash, { QStringLiteral("-c"), CurlCommand::build(original, options) });
        QVERIFY(process.waitForFinished(kWaitMs));
        QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());
        QTRY_COMPARE_WITH_TIMEOUT(m_received.size(), 1, kWaitMs);
        const CapturedEvent &arrived = m_received.first();
        QCOMPARE(arrived.body, body);
        QCOMPARE(headerValue(arrived.headers, "authorization"), kSecret);
        QCOMPARE(headerValue(arrived.headers, "x-webhook-secret"),
            includeSecret ? webhookSecret : SecretMask::maskedBytes(webhookSecret));
    }
    QVERIFY(!QFileInfo::exists(QDir(dir.path()).filePath(QStringLiteral("CANARY"))));
}

void tst_CurlCommand::onlyTheHeadersThatMatter()
{
    const CapturedEvent e = delivery(
        TestSupport::sample("request-created.json"), { { QByteArrayLiteral("X-Trace"), QByteArrayLiteral("abc") } });
    CurlCommand::Options options;
    options.allHeaders = false;
    const QString command = CurlCommand::build(e, options);
    QVERIFY(command.contains(QStringLiteral("-H 'Content-Type: application/json'")));
    QVERIFY(command.contains(QStringLiteral("authorization")));
    QVERIFY(!command.contains(QStringLiteral("X-Trace")));
    QVERIFY(!command.contains(QStringLiteral("User-Agent")));
    QVERIFY(!command.contains(QStringLiteral("Accept:")));
    // Host, Content-Length and Connection are never copied: curl sets them from the request.
    const QString all = CurlCommand::build(e);
    QVERIFY(all.contains(QStringLiteral("-H 'X-Trace: abc'")));
    QVERIFY(!all.contains(QStringLiteral("Host:")));
    QVERIFY(!all.contains(QStringLiteral("Content-Length")));
    QVERIFY(!all.contains(QStringLiteral("keep-alive")));
    // No content-type in the delivery: curl must not invent one.
    CapturedEvent bare = e;
    bare.headers = {};
    QVERIFY(CurlCommand::build(bare).contains(QStringLiteral("-H 'Content-Type:'")));
    QVERIFY(CurlCommand::build(bare).contains(QStringLiteral("-H 'User-Agent:'")));
}

void tst_CurlCommand::deliveryUrl_data()
{
    QTest::addColumn<QByteArray>("host");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("url");
    QTest::newRow("host and path") << QByteArray("127.0.0.1:9000") << QStringLiteral("/hooks/thena?team=a")
                                   << QStringLiteral("http://127.0.0.1:9000/hooks/thena?team=a");
    QTest::newRow("tunnel host") << QByteArray("abc.trycloudflare.com") << QStringLiteral("/")
                                 << QStringLiteral("http://abc.trycloudflare.com/");
    QTest::newRow("no host") << QByteArray() << QStringLiteral("/x") << QStringLiteral("http://127.0.0.1:8080/x");
    QTest::newRow("garbage host") << QByteArray("a b/c") << QStringLiteral("/x")
                                  << QStringLiteral("http://127.0.0.1:8080/x");
    QTest::newRow("no path") << QByteArray("127.0.0.1:8080") << QString() << QStringLiteral("http://127.0.0.1:8080/");
}

void tst_CurlCommand::deliveryUrl()
{
    QFETCH(QByteArray, host);
    QFETCH(QString, path);
    QFETCH(QString, url);
    CapturedEvent e;
    if (!host.isEmpty())
        e.headers = { { QByteArrayLiteral("host"), host } };
    e.row.path = path;
    QCOMPARE(CurlCommand::deliveryUrl(e).toString(), url);
}

void tst_CurlCommand::otherMethod()
{
    CapturedEvent e = delivery("x");
    e.method = QStringLiteral("PUT");
    QVERIFY(CurlCommand::build(e).startsWith(QStringLiteral("curl -sS -X 'PUT' ")));
    e.method = QStringLiteral("POST");
    QVERIFY(!CurlCommand::build(e).contains(QStringLiteral("-X")));
}

void tst_CurlCommand::shellQuote_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("quoted");
    QTest::newRow("empty") << QByteArray() << QStringLiteral("''");
    QTest::newRow("plain") << QByteArray("abc def") << QStringLiteral("'abc def'");
    QTest::newRow("quote") << QByteArray("it's") << QStringLiteral("'it'\\''s'");
    QTest::newRow("dollar and backtick") << QByteArray("$(id) `id`") << QStringLiteral("'$(id) `id`'");
    QTest::newRow("newline kept") << QByteArray("a\nb") << QStringLiteral("'a\nb'");
    QTest::newRow("utf-8") << QByteArray("caf\xc3\xa9")
                           << QString(QStringLiteral("'caf") + QChar(0xe9) + QLatin1Char('\''));
    QTest::newRow("carriage return") << QByteArray("a\r\nb") << QStringLiteral("$'a\\x0d\\x0ab'");
    QTest::newRow("control") << QByteArray("a\x01'\\") << QStringLiteral("$'a\\x01\\x27\\x5c'");
    QTest::newRow("invalid utf-8") << QByteArray("\xff\xfe") << QStringLiteral("$'\\xff\\xfe'");
}

void tst_CurlCommand::shellQuote()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, quoted);
    QCOMPARE(CurlCommand::shellQuote(bytes), quoted);
}

void tst_CurlCommand::hopByHop()
{
    for (const char *name :
        { "Host", "content-length", "Transfer-Encoding", "connection", "Expect", "Proxy-Authorization" })
        QVERIFY2(CurlCommand::isHopByHop(name), name);
    for (const char *name : { "authorization", "content-type", "user-agent", "x-hostname" })
        QVERIFY2(!CurlCommand::isHopByHop(name), name);
}

void tst_CurlCommand::runsAndArrivesIdentical_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("shell");
    const QStringList shells { QStringLiteral("bash"), QStringLiteral("sh") };
    for (const QString &shell : shells) {
        const QByteArray tag = shell.toUtf8() + ": ";
        for (const QString &name : TestSupport::sampleNames())
            QTest::newRow(QByteArray(tag + name.toUtf8()).constData()) << TestSupport::sample(name) << shell;
        QTest::newRow(QByteArray(tag + "shell specials").constData())
            << QByteArray(R"({"t":"it's $(touch CANARY) `touch CANARY` \"q\" \\ %s %% !x"})") << shell;
        QTest::newRow(QByteArray(tag + "crlf and tabs").constData()) << QByteArray("{\r\n\t\"a\": 1\r\n}") << shell;
        QTest::newRow(QByteArray(tag + "nul and invalid utf-8").constData())
            << QByteArray("{\"a\":\"\x00\xff\xfe\x01'\\\"}", 14) << shell;
        QTest::newRow(QByteArray(tag + "empty").constData()) << QByteArray() << shell;
        QTest::newRow(QByteArray(tag + "unicode").constData())
            << QByteArray("{\"t\":\"caf\xc3\xa9 \xe2\x80\xbc\xef\xb8\x8f \xf0\x9f\x9a\x80\"}") << shell;
    }
}

void tst_CurlCommand::runsAndArrivesIdentical()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, shell);
    if (m_curl.isEmpty())
        QSKIP("curl is not installed");
    const QString shellPath = QStandardPaths::findExecutable(shell);
    if (shellPath.isEmpty())
        QSKIP("shell not installed");

    const CapturedEvent original
        = delivery(body, { { QByteArrayLiteral("X-Odd"), QByteArrayLiteral("it's $(touch CANARY) \"x\"") } });
    CurlCommand::Options options;
    options.url = m_service->url().resolved(QUrl(QStringLiteral("/replayed/path?team=a%20b")));
    const QString command = CurlCommand::build(original, options);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QProcess process;
    process.setWorkingDirectory(dir.path());
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(CurlCommand::secretVariable(), QString::fromUtf8(kSecret));
    // Loopback only, whatever proxy the environment names.
    environment.remove(QStringLiteral("http_proxy"));
    environment.remove(QStringLiteral("HTTP_PROXY"));
    environment.remove(QStringLiteral("all_proxy"));
    environment.remove(QStringLiteral("ALL_PROXY"));
    process.setProcessEnvironment(environment);
    m_received.clear();
    process.start(shellPath, { QStringLiteral("-c"), command });
    QVERIFY(process.waitForFinished(kWaitMs));
    QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());
    QVERIFY2(process.readAllStandardOutput().contains("\"ok\":"), qPrintable(command));
    QTRY_COMPARE_WITH_TIMEOUT(m_received.size(), 1, kWaitMs);

    const CapturedEvent &arrived = m_received.first();
    QCOMPARE(arrived.body, body);
    // The server records the path as QUrl shows it, decoded.
    QCOMPARE(arrived.row.path, QStringLiteral("/replayed/path?team=a b"));
    QCOMPARE(headerValue(arrived.headers, "authorization"), kSecret);
    QCOMPARE(headerValue(arrived.headers, "content-type"), QByteArray("application/json"));
    QCOMPARE(headerValue(arrived.headers, "user-agent"), QByteArray("Thena-Webhooks/1.0"));
    QCOMPARE(headerValue(arrived.headers, "x-odd"), QByteArray("it's $(touch CANARY) \"x\""));
    QCOMPARE(headerCount(arrived.headers, "accept"), 0);
    QCOMPARE(headerCount(arrived.headers, "content-type"), 1);
    QVERIFY(!QFileInfo::exists(QDir(dir.path()).filePath(QStringLiteral("CANARY"))));
}

QTEST_GUILESS_MAIN(tst_CurlCommand)
#include "tst_curlcommand.moc"
