#include "StoreLocation.h"

#include <QTest>

class TestStoreLocation : public QObject
{
    Q_OBJECT

private slots:
    void parsesFilesAndUrls_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::addColumn<QString>("database");
        QTest::addColumn<QString>("schema");
        QTest::addColumn<QString>("canonical");

        const int file = int(StoreLocation::Kind::SqliteFile);
        const int pg = int(StoreLocation::Kind::PostgreSql);
        QTest::newRow("file") << QStringLiteral("/tmp/events.sqlite") << file << QString() << QString() << 5432
                              << QString() << QStringLiteral("public") << QStringLiteral("/tmp/events.sqlite");
        QTest::newRow("relative file") << QStringLiteral("captures/x.db") << file << QString() << QString() << 5432
                                       << QString() << QStringLiteral("public") << QStringLiteral("captures/x.db");
        QTest::newRow("full url") << QStringLiteral("postgresql://thena@db.example:6543/support") << pg
                                  << QStringLiteral("thena") << QStringLiteral("db.example") << 6543
                                  << QStringLiteral("support") << QStringLiteral("public")
                                  << QStringLiteral("postgresql://thena@db.example:6543/support");
        QTest::newRow("default port, short scheme")
            << QStringLiteral("postgres://thena@db/support") << pg << QStringLiteral("thena") << QStringLiteral("db")
            << 5432 << QStringLiteral("support") << QStringLiteral("public")
            << QStringLiteral("postgresql://thena@db/support");
        QTest::newRow("local socket, no user")
            << QStringLiteral("postgresql:///thena") << pg << QString() << QString() << 5432 << QStringLiteral("thena")
            << QStringLiteral("public") << QStringLiteral("postgresql:///thena");
        QTest::newRow("ipv6 and schema") << QStringLiteral("postgresql://lead@[::1]:5439/thena?schema=emea_team") << pg
                                         << QStringLiteral("lead") << QStringLiteral("::1") << 5439
                                         << QStringLiteral("thena") << QStringLiteral("emea_team")
                                         << QStringLiteral("postgresql://lead@[::1]:5439/thena?schema=emea_team");
        QTest::newRow("percent-encoded user")
            << QStringLiteral("postgresql://dana%40acme@db/x") << pg << QStringLiteral("dana@acme")
            << QStringLiteral("db") << 5432 << QStringLiteral("x") << QStringLiteral("public")
            << QStringLiteral("postgresql://dana%40acme@db/x");
    }

    void parsesFilesAndUrls()
    {
        QFETCH(QString, text);
        QFETCH(int, kind);
        QFETCH(QString, user);
        QFETCH(QString, host);
        QFETCH(int, port);
        QFETCH(QString, database);
        QFETCH(QString, schema);
        QFETCH(QString, canonical);
        QString error;
        const StoreLocation location = StoreLocation::parse(text, &error);
        QVERIFY2(location.isValid(), qPrintable(error));
        QCOMPARE(int(location.kind()), kind);
        QCOMPARE(location.user(), user);
        QCOMPARE(location.host(), host);
        QCOMPARE(location.port(), port);
        QCOMPARE(location.database(), database);
        QCOMPARE(location.schema(), schema);
        QCOMPARE(location.toString(), canonical);
        // The canonical text parses back to the same location.
        QCOMPARE(StoreLocation::parse(location.toString()), location);
    }

    void refusesWhatItCannotUse_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("empty") << QString() << QStringLiteral("no capture");
        QTest::newRow("password in url") << QStringLiteral("postgresql://thena:hunter2@db/x")
                                         << QStringLiteral("PGPASSWORD");
        QTest::newRow("password option") << QStringLiteral("postgresql://thena@db/x?password=hunter2")
                                         << QStringLiteral("PGPASSWORD");
        QTest::newRow("no database") << QStringLiteral("postgresql://thena@db") << QStringLiteral("database");
        QTest::newRow("empty database") << QStringLiteral("postgresql://thena@db/") << QStringLiteral("database");
        QTest::newRow("bad port") << QStringLiteral("postgresql://thena@db:99999/x") << QStringLiteral("port");
        QTest::newRow("bad schema") << QStringLiteral("postgresql://thena@db/x?schema=Drop;Table")
                                    << QStringLiteral("schema");
        QTest::newRow("unknown option") << QStringLiteral("postgresql://thena@db/x?sslcert=/tmp/a")
                                        << QStringLiteral("unknown option");
        QTest::newRow("bad sslmode") << QStringLiteral("postgresql://thena@db/x?sslmode=maybe")
                                     << QStringLiteral("sslmode");
    }

    void refusesWhatItCannotUse()
    {
        QFETCH(QString, text);
        QFETCH(QString, mentions);
        QString error;
        const StoreLocation location = StoreLocation::parse(text, &error);
        QVERIFY(!location.isValid());
        QVERIFY2(error.contains(mentions), qPrintable(error));
        QVERIFY2(!error.contains(QStringLiteral("hunter2")), "a password is never repeated in a message");
    }

    void displayNameIsShortAndHasNoPassword()
    {
        const StoreLocation location = StoreLocation::parse(QStringLiteral("postgresql://thena@db:5439/support"));
        QCOMPARE(location.displayName(), QStringLiteral("thena@db:5439/support"));
        QCOMPARE(
            StoreLocation::parse(QStringLiteral("/a/b/events.sqlite")).displayName(), QStringLiteral("events.sqlite"));
        QCOMPARE(StoreLocation::parse(QStringLiteral("postgresql:///t?schema=s1")).displayName(),
            QStringLiteral("localhost:5432/t.s1"));
    }

    void passwordComesFromPromptThenEnvironment()
    {
        const StoreLocation a = StoreLocation::parse(QStringLiteral("postgresql://lead@db-a/x"));
        const StoreLocation b = StoreLocation::parse(QStringLiteral("postgresql://lead@db-b/x"));
        qputenv("THENA_INSPECTOR_DB_PASSWORD", "from-thena-env");
        qputenv("PGPASSWORD", "from-pg-env");
        QCOMPARE(a.password(), QStringLiteral("from-thena-env"));
        qunsetenv("THENA_INSPECTOR_DB_PASSWORD");
        QCOMPARE(a.password(), QStringLiteral("from-pg-env"));
        // A password typed into a prompt wins (the environment's may be the one that was refused),
        // and only for that server and user.
        StoreLocation::setPassword(a, QStringLiteral("typed"));
        QCOMPARE(a.password(), QStringLiteral("typed"));
        QCOMPARE(b.password(), QStringLiteral("from-pg-env"));
        StoreLocation::setPassword(a, QString());
        QCOMPARE(a.password(), QStringLiteral("from-pg-env"));
        qunsetenv("PGPASSWORD");
        QCOMPARE(a.password(), QString());
    }
};

QTEST_GUILESS_MAIN(TestStoreLocation)
#include "tst_storelocation.moc"
