#pragma once

// Helpers for the tests that need a real PostgreSQL server (tst_postgresstore, tst_teamcapture):
// the server comes from the environment (tests/pg-test-server prints the lines), every test
// works in a schema of its own so runs and parallel tests never meet, and CutProxy stands
// between the code under test and the server so a test can cut the network in the middle of a
// flood without disturbing anybody else's connections. Header-only, like TestSupport.h.

#include <QAtomicInteger>
#include <QCoreApplication>
#include <QHostAddress>
#include <QList>
#include <QMetaObject>
#include <QPointer>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QThread>
#include <QUrl>
#include <QVariant>

namespace PgTest {

// postgresql://USER@HOST:PORT/DATABASE, with the password in PGPASSWORD; empty when not set.
inline QString serverUrl()
{
    return qEnvironmentVariable("THENA_TEST_PG_URL");
}

// Under CI a missing server is a failure: the suite must not pass by skipping.
inline bool requiredByCi()
{
    return qEnvironmentVariable("CI") == QLatin1String("true");
}

// A schema name no other test or run uses: the test's name, the process and a counter.
inline QString uniqueSchema(const char *prefix)
{
    static QAtomicInteger<int> counter;
    return QStringLiteral("%1_%2_%3")
        .arg(QLatin1String(prefix))
        .arg(QCoreApplication::applicationPid())
        .arg(++counter)
        .toLower();
}

// The store location for a schema; port replaces the server's (to go through a CutProxy).
inline QString location(const QString &schema, int port = -1)
{
    QUrl url(serverUrl());
    if (port > 0)
        url.setPort(port);
    return url.toString() + QStringLiteral("?schema=") + schema;
}

// A connection of the test's own for looking behind the store's back: raw SQL, schemas,
// sessions. Used in the thread that made it.
class Admin
{
public:
    Admin()
        : m_name(QStringLiteral("pg-test-admin-%1").arg(quintptr(this)))
    {
        const QUrl url(serverUrl());
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), m_name);
        db.setHostName(url.host());
        db.setPort(url.port(5432));
        db.setDatabaseName(url.path().mid(1));
        db.setUserName(url.userName());
        db.setPassword(qEnvironmentVariable("PGPASSWORD"));
        if (db.open())
            exec(QStringLiteral("SET client_min_messages TO warning"));
    }
    ~Admin()
    {
        {
            QSqlDatabase db = QSqlDatabase::database(m_name, false);
            db.close();
        }
        QSqlDatabase::removeDatabase(m_name);
    }
    Admin(const Admin &) = delete;
    Admin &operator=(const Admin &) = delete;

    QSqlDatabase db() const { return QSqlDatabase::database(m_name, false); }
    bool isOpen() const { return db().isOpen(); }
    QString lastError() const { return m_error; }

    bool exec(const QString &sql)
    {
        QSqlQuery query(db());
        if (query.exec(sql))
            return true;
        m_error = query.lastError().text();
        return false;
    }

    QVariant scalar(const QString &sql)
    {
        QSqlQuery query(db());
        if (query.exec(sql) && query.next())
            return query.value(0);
        m_error = query.lastError().text();
        return {};
    }

    bool dropSchema(const QString &schema)
    {
        return exec(QStringLiteral("DROP SCHEMA IF EXISTS %1 CASCADE").arg(schema));
    }

    // Ends the inspector sessions on this schema ("writer", "reader" or both when empty), as a
    // server restart or an administrator would; returns how many were ended.
    int terminateSessions(const QString &schema, const QString &role = QString())
    {
        const QString filter = role.isEmpty()
            ? QStringLiteral("application_name LIKE 'thena-inspector-%:%1'").arg(schema)
            : QStringLiteral("application_name = 'thena-inspector-%1:%2'").arg(role, schema);
        return scalar(
            QStringLiteral("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE %1").arg(filter))
            .toInt();
    }

private:
    QString m_name;
    QString m_error;
};

// A TCP forwarder on 127.0.0.1 with a switch: cut() drops every forwarded connection and, while
// down, closes new ones at once, as a dead server or network would; restore() lets them through
// again. It runs in a thread of its own, so code that blocks in libpq in the test's thread is
// still served.
class CutProxy
{
public:
    CutProxy()
    {
        m_thread.setObjectName(QStringLiteral("pg-test-proxy"));
        m_thread.start();
        m_context = new QObject;
        m_context->moveToThread(&m_thread);
    }
    ~CutProxy()
    {
        run([this] {
            dropAll();
            delete m_server;
            m_server = nullptr;
        });
        QMetaObject::invokeMethod(
            m_context, [context = m_context] { delete context; }, Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }
    CutProxy(const CutProxy &) = delete;
    CutProxy &operator=(const CutProxy &) = delete;

    // Forwards to the server's port; returns the proxy's port (0 on failure).
    quint16 listen()
    {
        m_target = quint16(QUrl(serverUrl()).port(5432));
        quint16 port = 0;
        run([this, &port] {
            m_server = new QTcpServer;
            QObject::connect(m_server, &QTcpServer::newConnection, m_server, [this] { accept(); });
            if (m_server->listen(QHostAddress::LocalHost, 0))
                port = m_server->serverPort();
        });
        return port;
    }

    // Drops every connection; with stayDown, refuses new ones until restore().
    void cut(bool stayDown)
    {
        run([this, stayDown] {
            m_down = stayDown;
            dropAll();
        });
    }
    void restore()
    {
        run([this] { m_down = false; });
    }
    int connectionCount()
    {
        int count = 0;
        run([this, &count] { count = int(m_pairs.size()); });
        return count;
    }

private:
    struct Pair
    {
        QPointer<QTcpSocket> client;
        QPointer<QTcpSocket> server;
    };

    template <typename F> void run(F f) { QMetaObject::invokeMethod(m_context, f, Qt::BlockingQueuedConnection); }

    void accept()
    {
        while (QTcpSocket *client = m_server->nextPendingConnection()) {
            if (m_down) {
                client->abort();
                client->deleteLater();
                continue;
            }
            auto *server = new QTcpSocket(m_server);
            client->setParent(m_server);
            m_pairs.append(Pair { client, server });
            // Written before the server side is connected: QTcpSocket buffers it until then.
            QObject::connect(
                client, &QTcpSocket::readyRead, server, [client, server] { server->write(client->readAll()); });
            QObject::connect(
                server, &QTcpSocket::readyRead, client, [client, server] { client->write(server->readAll()); });
            const auto closeBoth = [this, client, server] {
                client->disconnectFromHost();
                server->disconnectFromHost();
                forget(client);
            };
            QObject::connect(client, &QTcpSocket::disconnected, server, closeBoth);
            QObject::connect(server, &QTcpSocket::disconnected, client, closeBoth);
            QObject::connect(server, &QTcpSocket::errorOccurred, client, closeBoth);
            server->connectToHost(QHostAddress::LocalHost, m_target);
        }
    }

    void forget(QTcpSocket *client)
    {
        for (qsizetype i = 0; i < m_pairs.size(); ++i) {
            if (m_pairs.at(i).client == client) {
                const Pair pair = m_pairs.takeAt(i);
                if (pair.client)
                    pair.client->deleteLater();
                if (pair.server)
                    pair.server->deleteLater();
                return;
            }
        }
    }

    void dropAll()
    {
        const QList<Pair> pairs = std::exchange(m_pairs, {});
        for (const Pair &pair : pairs) {
            for (QTcpSocket *socket : { pair.client.data(), pair.server.data() }) {
                if (!socket)
                    continue;
                socket->disconnect();
                socket->abort(); // a reset, as a dead host's network would give
                socket->deleteLater();
            }
        }
    }

    QThread m_thread;
    QObject *m_context = nullptr;
    QTcpServer *m_server = nullptr;
    quint16 m_target = 0;
    bool m_down = false;
    QList<Pair> m_pairs;
};

} // namespace PgTest

// In initTestCase(): skips the whole test without a server, except under CI=true where that fails.
#define THENA_REQUIRE_POSTGRESQL()                                                                                     \
    do {                                                                                                               \
        if (PgTest::serverUrl().isEmpty()) {                                                                           \
            if (PgTest::requiredByCi())                                                                                \
                QFAIL("CI=true but THENA_TEST_PG_URL is not set: run eval \"$(tests/pg-test-server)\" as root first"); \
            QSKIP("THENA_TEST_PG_URL is not set, so the PostgreSQL tests are skipped; "                                \
                  "eval \"$(tests/pg-test-server)\" as root starts a server and sets it");                             \
        }                                                                                                              \
    } while (false)
