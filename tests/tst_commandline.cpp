#include "CommandLine.h"

#include <QTemporaryFile>
#include <QTest>

class TestCommandLine : public QObject
{
    Q_OBJECT

private slots:
    void defaults()
    {
        const auto result = CommandLine::parse({ QStringLiteral("thena-inspector") }, QProcessEnvironment());
        QCOMPARE(result.status, CommandLine::Status::Ok);
        QCOMPARE(result.options.capture.address, QHostAddress(QHostAddress::LocalHost));
        QCOMPARE(result.options.capture.port, quint16(8080));
        QVERIFY(result.options.capture.secret.isEmpty());
        QVERIFY(!result.options.headless);
        QVERIFY(!result.options.hasListen);
    }

    void teamDatabaseIsRequiredOnlyHeadless()
    {
        const QString url = QStringLiteral("postgresql://thena@db.example:5432/thena");
        const auto headless = CommandLine::parse(
            { QStringLiteral("thena-inspector"), QStringLiteral("--headless"), QStringLiteral("--store"), url },
            QProcessEnvironment());
        QCOMPARE(headless.status, CommandLine::Status::Ok);
        QCOMPARE(headless.options.capture.storePath, url);
        QVERIFY(headless.options.capture.requireStore);
        // A window falls back to memory and says so; a headless file store keeps today's behaviour.
        const auto window = CommandLine::parse(
            { QStringLiteral("thena-inspector"), QStringLiteral("--store"), url }, QProcessEnvironment());
        QVERIFY(!window.options.capture.requireStore);
        const auto file = CommandLine::parse({ QStringLiteral("thena-inspector"), QStringLiteral("--headless"),
                                                 QStringLiteral("--store"), QStringLiteral("x.sqlite") },
            QProcessEnvironment());
        QVERIFY(!file.options.capture.requireStore);
    }

    void listen_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("address");
        QTest::addColumn<int>("port");
        QTest::newRow("host and port") << "127.0.0.1:9000" << true << "127.0.0.1" << 9000;
        QTest::newRow("all interfaces") << "0.0.0.0:80" << true << "0.0.0.0" << 80;
        QTest::newRow("free port") << "127.0.0.1:0" << true << "127.0.0.1" << 0;
        QTest::newRow("localhost") << "localhost:8081" << true << "127.0.0.1" << 8081;
        QTest::newRow("ipv6") << "[::1]:8082" << true << "::1" << 8082;
        QTest::newRow("port only") << "8083" << true << "127.0.0.1" << 8083;
        QTest::newRow("colon port") << ":8084" << true << "127.0.0.1" << 8084;
        QTest::newRow("port too big") << "127.0.0.1:70000" << false << "" << 0;
        QTest::newRow("port not a number") << "127.0.0.1:http" << false << "" << 0;
        QTest::newRow("host name") << "example.com:80" << false << "" << 0;
        QTest::newRow("broken ipv6") << "[::1:80" << false << "" << 0;
    }

    void listen()
    {
        QFETCH(QString, text);
        QFETCH(bool, ok);
        QFETCH(QString, address);
        QFETCH(int, port);
        const auto result = CommandLine::parse(
            { QStringLiteral("thena-inspector"), QStringLiteral("--listen"), text }, QProcessEnvironment());
        QCOMPARE(result.status == CommandLine::Status::Ok, ok);
        if (!ok) {
            QVERIFY(result.message.startsWith(QStringLiteral("--listen: ")));
            return;
        }
        QVERIFY(result.options.hasListen);
        QCOMPARE(result.options.capture.address, QHostAddress(address));
        QCOMPARE(int(result.options.capture.port), port);
    }

    void secretPrecedence()
    {
        QProcessEnvironment env;
        env.insert(QStringLiteral("THENA_INSPECTOR_SECRET"), QStringLiteral("from-env"));
        auto result = CommandLine::parse({ QStringLiteral("x") }, env);
        QCOMPARE(result.options.capture.secret, QByteArray("from-env"));
        QCOMPARE(result.options.secretSource, QStringLiteral("THENA_INSPECTOR_SECRET"));

        result = CommandLine::parse({ QStringLiteral("x"), QStringLiteral("--secret"), QStringLiteral("s3cret") }, env);
        QCOMPARE(result.options.capture.secret, QByteArray("s3cret"));
        QVERIFY(result.options.hasSecret);

        QTemporaryFile file;
        QVERIFY(file.open());
        file.write("from-file\n");
        file.flush();
        result = CommandLine::parse({ QStringLiteral("x"), QStringLiteral("--secret-file"), file.fileName() }, env);
        QCOMPARE(result.status, CommandLine::Status::Ok);
        QCOMPARE(result.options.capture.secret, QByteArray("from-file"));
    }

    void secretErrors()
    {
        auto result = CommandLine::parse(
            { QStringLiteral("x"), QStringLiteral("--secret-file"), QStringLiteral("/nonexistent/secret") },
            QProcessEnvironment());
        QCOMPARE(result.status, CommandLine::Status::Error);
        QVERIFY(result.message.contains(QStringLiteral("/nonexistent/secret")));

        result = CommandLine::parse({ QStringLiteral("x"), QStringLiteral("--secret"), QStringLiteral("a"),
                                        QStringLiteral("--secret-file"), QStringLiteral("b") },
            QProcessEnvironment());
        QCOMPARE(result.status, CommandLine::Status::Error);

        result
            = CommandLine::parse({ QStringLiteral("x"), QStringLiteral("--secret"), QString() }, QProcessEnvironment());
        QCOMPARE(result.status, CommandLine::Status::Error);
        QVERIFY(result.message.contains(QStringLiteral("empty")));
    }

    void helpVersionAndErrors()
    {
        auto result = CommandLine::parse({ QStringLiteral("x"), QStringLiteral("--help") }, QProcessEnvironment());
        QCOMPARE(result.status, CommandLine::Status::HelpRequested);
        QVERIFY(result.message.contains(QStringLiteral("--listen")));
        QVERIFY(result.message.contains(QStringLiteral("--headless")));

        result = CommandLine::parse({ QStringLiteral("x"), QStringLiteral("--version") }, QProcessEnvironment());
        QCOMPARE(result.status, CommandLine::Status::VersionRequested);
        QVERIFY(result.message.contains(QLatin1String(THENA_INSPECTOR_VERSION)));

        result = CommandLine::parse({ QStringLiteral("x"), QStringLiteral("--bogus") }, QProcessEnvironment());
        QCOMPARE(result.status, CommandLine::Status::Error);
        QVERIFY(result.message.contains(QStringLiteral("bogus")));

        result = CommandLine::parse({ QStringLiteral("x"), QStringLiteral("stray") }, QProcessEnvironment());
        QCOMPARE(result.status, CommandLine::Status::Error);
    }

    void limitsAndTls()
    {
        auto result = CommandLine::parse(
            { QStringLiteral("x"), QStringLiteral("--max-body"), QStringLiteral("2M"), QStringLiteral("--idle-timeout"),
                QStringLiteral("5"), QStringLiteral("--max-connections"), QStringLiteral("10"),
                QStringLiteral("--tls-cert"), QStringLiteral("c.pem"), QStringLiteral("--tls-key"),
                QStringLiteral("k.pem") },
            QProcessEnvironment());
        QCOMPARE(result.status, CommandLine::Status::Ok);
        QCOMPARE(result.options.capture.maxBodyBytes, 2 * 1024 * 1024);
        QCOMPARE(result.options.capture.idleTimeoutMs, 5000);
        QCOMPARE(result.options.capture.maxConnections, 10);
        QCOMPARE(result.options.capture.certFile, QStringLiteral("c.pem"));
        QVERIFY(result.options.capture.usesTls());

        result = CommandLine::parse({ QStringLiteral("x") }, QProcessEnvironment());
        QCOMPARE(result.options.capture.maxBodyBytes, 10 * 1024 * 1024);
        QVERIFY(!result.options.capture.usesTls());

        for (const QStringList &bad : { QStringList { QStringLiteral("--max-body"), QStringLiteral("lots") },
                 QStringList { QStringLiteral("--idle-timeout"), QStringLiteral("0") },
                 QStringList { QStringLiteral("--max-connections"), QStringLiteral("-3") },
                 QStringList { QStringLiteral("--tls-cert"), QStringLiteral("c.pem") } }) {
            result = CommandLine::parse(QStringList { QStringLiteral("x") } + bad, QProcessEnvironment());
            QCOMPARE(result.status, CommandLine::Status::Error);
            QVERIFY(!result.message.isEmpty());
        }
    }

    void needsNoWindow()
    {
        QVERIFY(CommandLine::needsNoWindow({ QStringLiteral("x"), QStringLiteral("--headless") }));
        QVERIFY(CommandLine::needsNoWindow({ QStringLiteral("x"), QStringLiteral("--version") }));
        QVERIFY(!CommandLine::needsNoWindow({ QStringLiteral("x"), QStringLiteral("--listen"), QStringLiteral("1") }));
        QVERIFY(!CommandLine::needsNoWindow({ QStringLiteral("--headless") })); // argv[0] is not an option
    }
};

QTEST_GUILESS_MAIN(TestCommandLine)
#include "tst_commandline.moc"
