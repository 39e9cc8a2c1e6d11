#include "HeadlessRunner.h"

#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <memory>
#include <signal.h>

// The headless mode as a user runs it: the real executable in a child process, real HTTP.
class TestHeadless : public QObject
{
    Q_OBJECT

private:
    struct Running
    {
        std::unique_ptr<QProcess> process;
        QUrl url;
        QByteArray err;
    };

    Running start(const QStringList &extra)
    {
        Running r;
        r.process = std::make_unique<QProcess>();
        r.process->setProgram(QStringLiteral(THENA_INSPECTOR_BIN));
        // Tests that do not name a store keep events in memory, away from the user's own capture.
        const QStringList storage
            = extra.contains(QStringLiteral("--store")) ? QStringList() : QStringList { QStringLiteral("--no-store") };
        r.process->setArguments(
            QStringList { QStringLiteral("--headless"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0") }
            + storage + extra);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("THENA_INSPECTOR_SECRET"));
        r.process->setProcessEnvironment(env);
        r.process->start();
        if (!r.process->waitForStarted())
            return r;
        const QRegularExpression re(QStringLiteral("listening on (http://\\S+)"));
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < 10000) {
            r.process->waitForReadyRead(100);
            r.err += r.process->readAllStandardError();
            const auto match = re.match(QString::fromUtf8(r.err));
            if (match.hasMatch()) {
                r.url = QUrl(match.captured(1));
                break;
            }
            if (r.process->state() == QProcess::NotRunning)
                break;
        }
        return r;
    }

    static QByteArray sample(const char *name)
    {
        QFile file(QStringLiteral(THENA_SAMPLES_DIR "/") + QLatin1String(name));
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

    int post(const QUrl &url, const QByteArray &body, const QByteArray &auth = {})
    {
        QNetworkRequest request(url);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        if (!auth.isEmpty())
            request.setRawHeader("authorization", auth);
        std::unique_ptr<QNetworkReply> reply(m_nam.post(request, body));
        [&] { QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 10000); }();
        return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    }

    QNetworkAccessManager m_nam;

private slots:
    void version()
    {
        QProcess process;
        process.start(QStringLiteral(THENA_INSPECTOR_BIN), { QStringLiteral("--version") });
        QVERIFY(process.waitForFinished(10000));
        QCOMPARE(process.exitCode(), 0);
        QVERIFY(process.readAllStandardOutput().contains(THENA_INSPECTOR_VERSION));
    }

    void help()
    {
        QProcess process;
        process.start(QStringLiteral(THENA_INSPECTOR_BIN), { QStringLiteral("--help") });
        QVERIFY(process.waitForFinished(10000));
        QCOMPARE(process.exitCode(), 0);
        const QByteArray out = process.readAllStandardOutput();
        QVERIFY(out.contains("--listen"));
        QVERIFY(out.contains("--secret-file"));
    }

    void badArgumentsExitWithUsage()
    {
        QProcess process;
        process.start(QStringLiteral(THENA_INSPECTOR_BIN),
            { QStringLiteral("--headless"), QStringLiteral("--listen"), QStringLiteral("nowhere:99999") });
        QVERIFY(process.waitForFinished(10000));
        QCOMPARE(process.exitCode(), 2);
        QVERIFY(process.readAllStandardError().contains("--listen"));
    }

    void capturesAndPrintsJsonLines()
    {
        Running r = start({});
        QVERIFY2(r.url.isValid(), r.err.constData());
        QCOMPARE(r.url.host(), QStringLiteral("127.0.0.1"));
        QVERIFY(r.url.port() > 0);

        QUrl hook = r.url;
        hook.setPath(QStringLiteral("/hooks/thena"));
        QCOMPARE(post(hook, sample("request-created.json")), 200);
        QCOMPARE(post(hook, sample("request-escalated.json")), 200);
        QCOMPARE(post(hook, "not json"), 400);

        QByteArray out;
        QTRY_VERIFY_WITH_TIMEOUT((out += r.process->readAllStandardOutput()).count('\n') >= 3, 10000);
        const QList<QByteArray> lines = out.trimmed().split('\n');
        QCOMPARE(lines.size(), 3);
        const QJsonObject created = QJsonDocument::fromJson(lines[0]).object();
        QCOMPARE(created.value(QStringLiteral("id")).toInt(), 1);
        QCOMPARE(created.value(QStringLiteral("kind")).toString(), QStringLiteral("created"));
        QCOMPARE(created.value(QStringLiteral("attempt")).toInt(), 1);
        QCOMPARE(created.value(QStringLiteral("valid")).toBool(), true);
        QCOMPARE(created.value(QStringLiteral("path")).toString(), QStringLiteral("/hooks/thena"));
        QVERIFY(created.contains(QStringLiteral("requestId")));
        QVERIFY(created.contains(QStringLiteral("received")));
        const QJsonObject escalated = QJsonDocument::fromJson(lines[1]).object();
        QCOMPARE(escalated.value(QStringLiteral("kind")).toString(), QStringLiteral("escalated"));
        const QJsonObject invalid = QJsonDocument::fromJson(lines[2]).object();
        QCOMPARE(invalid.value(QStringLiteral("valid")).toBool(), false);
        QCOMPARE(invalid.value(QStringLiteral("kind")).toString(), QStringLiteral("invalid"));

        ::kill(static_cast<pid_t>(r.process->processId()), SIGTERM);
        QVERIFY(r.process->waitForFinished(10000));
        QCOMPARE(r.process->exitStatus(), QProcess::NormalExit);
        QCOMPARE(r.process->exitCode(), 0);
    }

    void secretAndSigint()
    {
        Running r = start({ QStringLiteral("--secret"), QStringLiteral("hunter2") });
        QVERIFY2(r.url.isValid(), r.err.constData());
        QCOMPARE(post(r.url, sample("request-updated.json"), "wrong"), 401);
        QCOMPARE(post(r.url, sample("request-updated.json"), "hunter2"), 200);
        QByteArray out;
        QTRY_VERIFY_WITH_TIMEOUT((out += r.process->readAllStandardOutput()).count('\n') >= 1, 10000);
        QCOMPARE(out.count('\n'), 1); // the 401 left no line
        QVERIFY(!out.contains("hunter2"));

        ::kill(static_cast<pid_t>(r.process->processId()), SIGINT);
        QVERIFY(r.process->waitForFinished(10000));
        QCOMPARE(r.process->exitStatus(), QProcess::NormalExit);
        QCOMPARE(r.process->exitCode(), 0);
    }

    void portInUseIsAClearError()
    {
        QTcpServer blocker;
        QVERIFY(blocker.listen(QHostAddress::LocalHost, 0));
        QProcess process;
        process.start(QStringLiteral(THENA_INSPECTOR_BIN),
            { QStringLiteral("--headless"), QStringLiteral("--listen"),
                QStringLiteral("127.0.0.1:%1").arg(blocker.serverPort()) });
        QVERIFY(process.waitForFinished(10000));
        QCOMPARE(process.exitCode(), 1);
        const QByteArray err = process.readAllStandardError();
        QVERIFY2(err.contains(QByteArray::number(blocker.serverPort())), err.constData());
        QVERIFY(!err.contains("listening on"));
    }

    void unreachableTeamDatabaseIsAnErrorNotMemory()
    {
        // Nothing listens on port 1: the receiver must exit 1 (systemd restarts it) instead of
        // answering 200 for deliveries kept only in its own memory.
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 closedPort = probe.serverPort();
        probe.close();
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("PGPASSWORD"), QStringLiteral("not-the-password"));
        env.insert(QStringLiteral("PGCONNECT_TIMEOUT"), QStringLiteral("5"));
        process.setProcessEnvironment(env);
        process.start(QStringLiteral(THENA_INSPECTOR_BIN),
            { QStringLiteral("--headless"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                QStringLiteral("--store"), QStringLiteral("postgresql://thena@127.0.0.1:%1/thena").arg(closedPort) });
        QVERIFY(process.waitForFinished(30000));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 1);
        const QByteArray err = process.readAllStandardError();
        QVERIFY2(!err.contains("listening on"), err.constData());
        QVERIFY2(!err.contains("in memory"), err.constData());
        QVERIFY2(err.contains("127.0.0.1"), err.constData());
        QVERIFY2(!err.contains("not-the-password"), err.constData());
    }

    void storeIsSharedWithExport()
    {
        // A headless receiver writes the same capture file that Open Capture and `export` read.
        QTemporaryDir dir;
        const QString store = dir.filePath(QStringLiteral("server.sqlite"));
        Running r = start({ QStringLiteral("--store"), store });
        QVERIFY2(r.url.isValid(), r.err.constData());
        QVERIFY2(r.err.contains("storing events in"), r.err.constData());
        QCOMPARE(post(r.url, sample("request-created.json")), 200);
        QCOMPARE(post(r.url, sample("request-escalated.json")), 200);
        QCOMPARE(post(r.url, QByteArrayLiteral("not json")), 400);
        ::kill(static_cast<pid_t>(r.process->processId()), SIGTERM);
        QVERIFY(r.process->waitForFinished(10000));
        QCOMPARE(r.process->exitCode(), 0);
        // One after another, each delivery waited for its own commit: three commits of one.
        r.err += r.process->readAllStandardError();
        QVERIFY2(r.err.contains("captured 3 events in 3 commits (1.0 per commit)\n"), r.err.constData());

        QProcess exporter;
        exporter.start(QStringLiteral(THENA_INSPECTOR_BIN),
            { QStringLiteral("export"), QStringLiteral("--store"), store, QStringLiteral("--out"), QStringLiteral("-"),
                QStringLiteral("--filter"), QStringLiteral("kind:escalated"), QStringLiteral("--columns"),
                QStringLiteral("kind,request_id") });
        QVERIFY(exporter.waitForFinished(10000));
        QCOMPARE(exporter.exitCode(), 0);
        const QByteArray csv = exporter.readAllStandardOutput();
        QVERIFY2(csv.contains("kind,request_id\r\n"), csv.constData());
        QVERIFY2(csv.contains("Escalated,1234\r\n"), csv.constData());
        QVERIFY(!csv.contains("Created"));
    }

    // The line printed per event is built by hand for speed; it must stay byte for byte what
    // QJsonDocument wrote before, so scripts reading it see no difference.
    void eventLineMatchesQJsonDocument_data()
    {
        QTest::addColumn<EventRow>("row");

        EventRow plain;
        plain.id = 1;
        plain.receivedMs = 1714555800250; // 2024-05-01T09:30:00.250Z
        plain.kind = EventKind::Created;
        plain.eventType = QStringLiteral("CREATE");
        plain.requestId = QStringLiteral("REQ-1");
        plain.status = QStringLiteral("OPEN");
        plain.urgency = QStringLiteral("High");
        plain.title = QStringLiteral("Printer on fire");
        plain.path = QStringLiteral("/hooks/thena?x=1");
        plain.sizeBytes = 3512;
        QTest::newRow("plain") << plain;

        EventRow retry = plain;
        retry.id = 9007199254740993LL; // beyond a double's exact integers
        retry.attempt = 3;
        retry.retryOf = 4294967297LL;
        retry.kind = EventKind::Escalated;
        QTest::newRow("retry, large ids") << retry;

        EventRow escapes = plain;
        escapes.title = QStringLiteral("quote \" backslash \\ slash / tab \t nl \n cr \r ff \f bs \b");
        escapes.requestId = QString(QChar(0x01)) + QChar(0x1f) + QChar(0x7f) + QStringLiteral("end");
        escapes.status = QString();
        QTest::newRow("escapes and control characters") << escapes;

        EventRow unicode = plain;
        unicode.title = QStringLiteral("caf\u00e9 \u20ac \u65e5\u672c \U0001F525 \u2028");
        unicode.urgency = QString(QChar(0xd800)) + QStringLiteral("lone") + QChar(0xdc00); // lone surrogates
        QTest::newRow("non-ASCII, emoji, lone surrogates") << unicode;

        EventRow invalid;
        invalid.id = 2;
        invalid.kind = EventKind::Invalid;
        invalid.valid = false;
        invalid.receivedMs = 0; // the epoch
        QTest::newRow("invalid, at the epoch") << invalid;

        EventRow old = plain;
        old.receivedMs = -86399999; // 1969-12-31T00:00:00.001Z
        old.kind = EventKind::Platform;
        QTest::newRow("before 1970") << old;

        EventRow leap = plain;
        leap.receivedMs = 951782400000; // 2000-02-29T00:00:00.000Z
        leap.kind = EventKind::Unknown;
        QTest::newRow("leap day") << leap;

        EventRow far = plain;
        far.receivedMs = 253402300799999; // 9999-12-31T23:59:59.999Z
        far.kind = EventKind::Updated;
        QTest::newRow("year 9999") << far;

        EventRow beyond = plain;
        beyond.receivedMs = 253402300800000; // year 10000: QDateTime's own way
        QTest::newRow("beyond year 9999") << beyond;
    }

    void eventLineMatchesQJsonDocument()
    {
        QFETCH(EventRow, row);
        QJsonObject line;
        line.insert(QStringLiteral("id"), row.id);
        line.insert(QStringLiteral("received"),
            QDateTime::fromMSecsSinceEpoch(row.receivedMs, Qt::UTC).toString(Qt::ISODateWithMs));
        line.insert(QStringLiteral("kind"), eventKindName(row.kind).toLower());
        line.insert(QStringLiteral("eventType"), row.eventType);
        line.insert(QStringLiteral("requestId"), row.requestId);
        line.insert(QStringLiteral("status"), row.status);
        line.insert(QStringLiteral("urgency"), row.urgency);
        line.insert(QStringLiteral("title"), row.title);
        line.insert(QStringLiteral("attempt"), row.attempt);
        if (row.retryOf != 0)
            line.insert(QStringLiteral("retryOf"), row.retryOf);
        line.insert(QStringLiteral("path"), row.path);
        line.insert(QStringLiteral("size"), row.sizeBytes);
        line.insert(QStringLiteral("valid"), row.valid);
        const QByteArray expected = QJsonDocument(line).toJson(QJsonDocument::Compact);
        QCOMPARE(HeadlessRunner::eventLine(row), expected);
        QByteArray appended("x");
        HeadlessRunner::appendEventLine(appended, row);
        QCOMPARE(appended, "x" + expected);
    }
};

QTEST_GUILESS_MAIN(TestHeadless)
#include "tst_headless.moc"
