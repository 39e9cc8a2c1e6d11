#include "EventStore.h"
#include "PgTestSupport.h"
#include "StoreBodySource.h"
#include "StoreReader.h"
#include "StoreWriter.h"
#include "TestSupport.h"
#include "ThenaPayloadParser.h"

#include <QSignalSpy>
#include <QSqlDriver>
#include <QTemporaryDir>
#include <QTest>

// EventStore, StoreWriter and StoreReader on a real PostgreSQL server: the same schema and
// refusals as SQLite, bodies kept byte for byte, ids that never collide between receivers,
// commits that reach other connections as notifications, and connections that come back.

namespace {
CapturedEvent makeEvent(qint64 id, const QByteArray &body = {})
{
    CapturedEvent event;
    event.row.id = id;
    event.row.receivedMs = 1700000000000 + id;
    event.row.kind = id % 2 ? EventKind::Created : EventKind::Escalated;
    event.row.valid = id % 7 != 0;
    event.row.attempt = 1 + int(id % 3);
    event.row.retryOf = id > 3 ? id - 3 : 0;
    event.row.retryGapSeconds = id > 3 ? 10 : -1;
    event.row.replies = int(id % 5) - 1;
    event.row.toFirstResponseMs = id * 60000;
    event.row.toAssignmentMs = -1;
    event.row.toCloseMs = 86400000LL * 60; // beyond 32 bits
    event.row.escalated = id % 2 == 0;
    event.row.requestId = QString::number(1000 + id);
    event.row.title = QStringLiteral("Title %1 \u00e9\u05d0 😀 'single' \"double\" back\\slash").arg(id);
    event.row.status = QStringLiteral("ASSIGNED");
    event.row.urgency = QStringLiteral("High");
    event.row.sentiment = QStringLiteral("Negative");
    event.row.customer = QStringLiteral("Acme; DROP TABLE events; --");
    event.row.team = QStringLiteral("EMEA");
    event.row.assignee = QStringLiteral("Dana");
    event.row.channel = QStringLiteral("support");
    event.row.tags = { QStringLiteral("billing"), QStringLiteral("vip") };
    event.row.path = QStringLiteral("/hooks?x=%1").arg(id);
    event.row.eventType = QStringLiteral("CREATE");
    event.body = body.isEmpty() ? QByteArray("{\"n\":") + QByteArray::number(id) + "}" : body;
    event.row.sizeBytes = int(event.body.size());
    event.headers = { { "content-type", "application/json" }, { "x-raw", "\xff\xfe" }, { "x-empty", "" } };
    event.method = QStringLiteral("POST");
    event.remoteAddress = QStringLiteral("127.0.0.1");
    if (!event.row.valid) {
        event.error = QStringLiteral("Body is not valid JSON");
        event.errorOffset = 7;
    }
    return event;
}

QList<CapturedEvent> makeEvents(qint64 firstId, int count)
{
    QList<CapturedEvent> events;
    for (int i = 0; i < count; ++i)
        events.append(makeEvent(firstId + i));
    return events;
}

QList<qint64> idsOf(const QList<EventRow> &rows)
{
    QList<qint64> ids;
    for (const EventRow &row : rows)
        ids.append(row.id);
    return ids;
}
} // namespace

class TestPostgresStore : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void createsSchemaAndReopens();
    void roundTripIsByteIdentical_data();
    void roundTripIsByteIdentical();
    void textWithNulIsStoredNotRejected();
    void duplicateIdFailsWholeBatch();
    void refusesNewerSchema();
    void refusesForeignTables();
    void migratesVersion1();
    void readOnlyRefusesEmptySchemaAndWrites();
    void idBlocksNeverCollide();
    void arrivalOrderIsCommitOrderAcrossWriters();
    void notificationsReachAnotherConnection();
    void retentionDeleteAndClear();
    void copiesToSqliteFile();
    void lostConnectionIsDetectedAndReconnects();
    void writerAnswersFailureWhileDownAndRecovers();
    void readerFollowsLiveAndCatchesUpAfterReconnect();
    void bodySourceReconnectsOnce();
    void wrongPasswordIsReportedAsSuch();

private:
    QString m_schema;
    QString m_location;
    std::unique_ptr<PgTest::Admin> m_admin;
};

void TestPostgresStore::initTestCase()
{
    qRegisterMetaType<QList<CapturedEvent>>();
    THENA_REQUIRE_POSTGRESQL();
    m_admin = std::make_unique<PgTest::Admin>();
    QVERIFY2(m_admin->isOpen(), "cannot log in to THENA_TEST_PG_URL with PGPASSWORD");
}

void TestPostgresStore::init()
{
    m_schema = PgTest::uniqueSchema("pgstore");
    m_location = PgTest::location(m_schema);
}

void TestPostgresStore::cleanup()
{
    // Reruns and parallel runs start from nothing: each test's schema goes with it.
    if (m_admin)
        QVERIFY2(m_admin->dropSchema(m_schema), qPrintable(m_admin->lastError()));
}

void TestPostgresStore::createsSchemaAndReopens()
{
    {
        EventStore store;
        QVERIFY2(store.open(m_location), qPrintable(store.errorString()));
        QVERIFY(store.dialect().isPostgreSql());
        QCOMPARE(store.schemaVersion(), EventStore::SchemaVersion);
        QCOMPARE(store.count(), 0);
        QVERIFY(store.insert(makeEvents(1, 30)));
    }
    QCOMPARE(m_admin->scalar(QStringLiteral("SELECT version FROM %1.thena_schema").arg(m_schema)).toInt(),
        EventStore::SchemaVersion);
    QCOMPARE(m_admin->scalar(QStringLiteral("SELECT count(*) FROM %1.thena_schema").arg(m_schema)).toInt(), 1);
    EventStore store;
    QVERIFY2(store.open(m_location), qPrintable(store.errorString()));
    QCOMPARE(store.count(), 30);
    QCOMPARE(store.maxId(), 30);
    const QList<EventRow> newest = store.loadRows(0, 10);
    QCOMPARE(newest.first().id, 30);
    QCOMPARE(newest.last().id, 21);
    QCOMPARE(store.loadRows(21, 5).first().id, 20);
    QCOMPARE(idsOf(store.loadRowsAfter(25, 100)), (QList<qint64> { 26, 27, 28, 29, 30 }));
}

void TestPostgresStore::roundTripIsByteIdentical_data()
{
    QTest::addColumn<QByteArray>("body");
    QByteArray everyByte;
    for (int i = 0; i < 256; ++i)
        everyByte.append(char(i));
    QTest::newRow("every byte value") << everyByte;
    QTest::newRow("NUL bytes") << QByteArray("{\"a\":\"\0\0\"}\0", 12);
    QTest::newRow("latin-1, not UTF-8") << QByteArray("{\"name\":\"Jos\xe9\"}");
    QTest::newRow("broken UTF-8") << QByteArray("\xc3\x28 \xe2\x82 \xf0\x28\x8c\xbc");
    QTest::newRow("backslashes and quotes") << QByteArray("\\x00 \\\\ '' \" \\' E'\\n'");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("sample") << TestSupport::sample("request-escalated.json");
    QTest::newRow("1 MiB") << QByteArray(1024 * 1024, '\x80');
}

void TestPostgresStore::roundTripIsByteIdentical()
{
    QFETCH(QByteArray, body);
    EventStore store;
    QVERIFY2(store.open(m_location), qPrintable(store.errorString()));
    CapturedEvent event = makeEvent(1);
    event.body = body;
    event.headers = { { "content-type", "application/json; charset=latin1" }, { "x-bin", "\x01\x7f\xff" },
        { "authorization", "Bearer a:b" } };
    QVERIFY2(store.insert({ event, makeEvent(2) }), qPrintable(store.errorString()));
    const std::optional<CapturedEvent> loaded = store.loadEvent(1);
    QVERIFY(loaded.has_value());
    QCOMPARE(loaded->body, body);
    QCOMPARE(loaded->body.size(), body.size());
    QCOMPARE(loaded->headers, event.headers);
    QCOMPARE(loaded->method, event.method);
    QCOMPARE(loaded->remoteAddress, event.remoteAddress);
    QCOMPARE(loaded->errorOffset, -1);
    TestSupport::compareRows(loaded->row, event.row);
    const std::optional<CapturedEvent> invalid = [&] {
        CapturedEvent bad = makeEvent(7);
        store.insert({ bad });
        return store.loadEvent(7);
    }();
    QCOMPARE(invalid->error, QStringLiteral("Body is not valid JSON"));
    QCOMPARE(invalid->errorOffset, 7);
    QVERIFY(!store.loadEvent(999).has_value());
}

void TestPostgresStore::textWithNulIsStoredNotRejected()
{
    // "\u0000" in a JSON string becomes U+0000 in a column; PostgreSQL text cannot hold it, and
    // refusing the event would answer 503 to Thena forever.
    EventStore store;
    QVERIFY2(store.open(m_location), qPrintable(store.errorString()));
    CapturedEvent event = makeEvent(1);
    event.row.title = QStringLiteral("before") + QChar(0) + QStringLiteral("after");
    event.body = QByteArray("{\"title\":\"before\\u0000after\"}");
    QVERIFY2(store.insert({ event }), qPrintable(store.errorString()));
    const auto loaded = store.loadEvent(1);
    QCOMPARE(loaded->row.title, QStringLiteral("before\ufffdafter"));
    QCOMPARE(loaded->body, event.body);
}

void TestPostgresStore::duplicateIdFailsWholeBatch()
{
    EventStore store;
    QVERIFY2(store.open(m_location), qPrintable(store.errorString()));
    QVERIFY(store.insert({ makeEvent(1) }));
    QVERIFY(!store.insert({ makeEvent(2), makeEvent(1), makeEvent(3) }));
    QVERIFY(store.errorString().contains(QStringLiteral("Cannot write")));
    QVERIFY(!store.isConnectionLost());
    QCOMPARE(store.count(), 1);
    QVERIFY(store.insert({ makeEvent(2) })); // the connection is usable after the rollback
    QCOMPARE(store.count(), 2);
}

void TestPostgresStore::refusesNewerSchema()
{
    {
        EventStore store;
        QVERIFY(store.open(m_location));
        QVERIFY(store.insert(makeEvents(1, 3)));
    }
    QVERIFY(m_admin->exec(
        QStringLiteral("UPDATE %1.thena_schema SET version = %2").arg(m_schema).arg(EventStore::SchemaVersion + 1)));
    EventStore store;
    QVERIFY(!store.open(m_location));
    QVERIFY2(store.errorString().contains(QStringLiteral("newer")), qPrintable(store.errorString()));
    QVERIFY(!store.open(m_location, EventStore::Mode::ReadOnly));
    QCOMPARE(m_admin->scalar(QStringLiteral("SELECT version FROM %1.thena_schema").arg(m_schema)).toInt(),
        EventStore::SchemaVersion + 1);
    QCOMPARE(m_admin->scalar(QStringLiteral("SELECT count(*) FROM %1.events").arg(m_schema)).toInt(), 3);
}

void TestPostgresStore::refusesForeignTables()
{
    QVERIFY(m_admin->exec(QStringLiteral("CREATE SCHEMA %1").arg(m_schema)));
    QVERIFY(m_admin->exec(QStringLiteral("CREATE TABLE %1.customers (id INTEGER, name TEXT)").arg(m_schema)));
    EventStore store;
    QVERIFY(!store.open(m_location));
    QVERIFY2(
        store.errorString().contains(QStringLiteral("not a Thena Inspector capture")), qPrintable(store.errorString()));
    QCOMPARE(
        m_admin->scalar(QStringLiteral("SELECT count(*) FROM pg_tables WHERE schemaname = '%1'").arg(m_schema)).toInt(),
        1);
}

void TestPostgresStore::migratesVersion1()
{
    // Version 1's tables as StoreDialect made them for PostgreSQL, filled the way version 1 did
    // (no derived times), then opened by this version.
    const QStringList body = TestSupport::sampleNames();
    QVERIFY(m_admin->exec(QStringLiteral("CREATE SCHEMA %1").arg(m_schema)));
    QVERIFY(m_admin->exec(QStringLiteral("SET search_path TO %1").arg(m_schema)));
    const QStringList v1 = StoreDialect(StoreDialect::Kind::PostgreSql).migration(1);
    for (const QString &sql : v1)
        QVERIFY2(m_admin->exec(sql), qPrintable(m_admin->lastError()));
    QVERIFY(m_admin->exec(QStringLiteral("INSERT INTO thena_schema VALUES ('thena-inspector', 1)")));
    QList<QByteArray> bodies;
    for (const QString &name : body)
        bodies.append(TestSupport::sample(name));
    for (int i = 0; i < bodies.size(); ++i) {
        QSqlQuery query(m_admin->db());
        query.prepare(QStringLiteral("INSERT INTO events (id, received_ms, kind, valid, attempt, retry_of, retry_gap, "
                                     "replies, size, request_id) VALUES (?, ?, 1, TRUE, 1, 0, -1, -1, ?, ?)"));
        query.addBindValue(i + 1);
        query.addBindValue(1700000000000LL + i);
        query.addBindValue(int(bodies.at(i).size()));
        query.addBindValue(QStringLiteral("r%1").arg(i));
        QVERIFY2(query.exec(), qPrintable(query.lastError().text()));
        query.prepare(QStringLiteral("INSERT INTO bodies (id, method, body) VALUES (?, 'POST', ?)"));
        query.addBindValue(i + 1);
        query.addBindValue(bodies.at(i));
        QVERIFY2(query.exec(), qPrintable(query.lastError().text()));
    }
    QVERIFY(m_admin->exec(QStringLiteral("SET search_path TO public")));
    {
        // Read-only, version 1 is read as it is, with the new columns unknown.
        EventStore reader;
        QVERIFY2(reader.open(m_location, EventStore::Mode::ReadOnly), qPrintable(reader.errorString()));
        QCOMPARE(reader.schemaVersion(), 1);
        QCOMPARE(reader.loadRowsAfter(0, 10).size(), bodies.size());
        QCOMPARE(reader.loadEvent(1)->row.toFirstResponseMs, -1);
    }
    EventStore store;
    QVERIFY2(store.open(m_location), qPrintable(store.errorString()));
    QCOMPARE(store.schemaVersion(), EventStore::SchemaVersion);
    QCOMPARE(m_admin->scalar(QStringLiteral("SELECT version FROM %1.thena_schema").arg(m_schema)).toInt(),
        EventStore::SchemaVersion);
    const QList<EventRow> rows = store.loadRowsAfter(0, 10);
    QCOMPARE(rows.size(), bodies.size());
    int filled = 0;
    for (int i = 0; i < rows.size(); ++i) {
        EventRow expected;
        ThenaPayloadParser::parse(bodies.at(i), expected);
        QCOMPARE(rows.at(i).toFirstResponseMs, expected.toFirstResponseMs);
        QCOMPARE(rows.at(i).toAssignmentMs, expected.toAssignmentMs);
        QCOMPARE(rows.at(i).toCloseMs, expected.toCloseMs);
        QCOMPARE(rows.at(i).escalated, expected.escalated);
        QCOMPARE(rows.at(i).requestId, QStringLiteral("r%1").arg(i));
        filled += rows.at(i).escalated || rows.at(i).toFirstResponseMs >= 0 || rows.at(i).toCloseMs >= 0;
    }
    QVERIFY(filled >= 2);
    QCOMPARE(store.loadEvent(2)->body, bodies.at(1));
}

void TestPostgresStore::readOnlyRefusesEmptySchemaAndWrites()
{
    EventStore reader;
    QVERIFY(!reader.open(m_location, EventStore::Mode::ReadOnly));
    QVERIFY2(reader.errorString().contains(QStringLiteral("no capture")), qPrintable(reader.errorString()));
    QCOMPARE(
        m_admin->scalar(QStringLiteral("SELECT count(*) FROM pg_namespace WHERE nspname = '%1'").arg(m_schema)).toInt(),
        0); // a reader creates nothing
    EventStore writer;
    QVERIFY2(writer.open(m_location), qPrintable(writer.errorString()));
    QVERIFY2(reader.open(m_location, EventStore::Mode::ReadOnly), qPrintable(reader.errorString()));
    QVERIFY(!reader.insert({ makeEvent(1) }));
    QCOMPARE(writer.count(), 0);
}

void TestPostgresStore::idBlocksNeverCollide()
{
    EventStore first;
    EventStore second;
    QVERIFY2(first.open(m_location), qPrintable(first.errorString()));
    QVERIFY2(second.open(m_location), qPrintable(second.errorString()));
    const auto a = first.claimIdRange();
    const auto b = second.claimIdRange();
    const auto c = first.claimIdRange(); // a restart of the first receiver: a block of its own again
    QVERIFY(a && b && c);
    QCOMPARE(a->first, 1); // the first receiver of a database numbers from 1, as with a file
    QCOMPARE(a->last, EventStore::IdBlockSize - 1);
    QCOMPARE(b->first, EventStore::IdBlockSize + 1);
    QCOMPARE(c->first, 2 * EventStore::IdBlockSize + 1);
    QVERIFY(!a->contains(b->first) && !b->contains(a->last) && !b->contains(c->first));
    QVERIFY(first.insert(makeEvents(a->first, 3)));
    QVERIFY(second.insert(makeEvents(b->first, 3)));
    QCOMPARE(first.count(), 6);
}

void TestPostgresStore::arrivalOrderIsCommitOrderAcrossWriters()
{
    EventStore early; // an older receiver: low ids
    EventStore late; // a newer one: high ids
    QVERIFY(early.open(m_location));
    QVERIFY(late.open(m_location));
    QVERIFY(late.insert(makeEvents(EventStore::IdBlockSize + 1, 2)));
    QVERIFY(early.insert(makeEvents(1, 2)));
    QVERIFY(late.insert(makeEvents(EventStore::IdBlockSize + 3, 1)));
    EventStore reader;
    QVERIFY2(reader.open(m_location, EventStore::Mode::ReadOnly), qPrintable(reader.errorString()));
    qint64 position = 0;
    const QList<EventRow> all = reader.loadArrivedAfter(0, 100, &position);
    // Commit order, not id order: a reader that remembers a position misses nothing.
    const QList<qint64> expected
        = { EventStore::IdBlockSize + 1, EventStore::IdBlockSize + 2, 1, 2, EventStore::IdBlockSize + 3 };
    QCOMPARE(idsOf(all), expected);
    QCOMPARE(position, reader.lastArrival());
    qint64 afterTwo = 0;
    const QList<EventRow> firstTwo = reader.loadArrivedAfter(0, 2, &afterTwo);
    qint64 rest = afterTwo;
    QCOMPARE(idsOf(reader.loadArrivedAfter(afterTwo, 100, &rest)), expected.mid(2));
    QCOMPARE(rest, position);
    qint64 unchanged = 12345;
    QVERIFY(reader.loadArrivedAfter(position, 100, &unchanged).isEmpty());
    QCOMPARE(unchanged, 12345);
}

void TestPostgresStore::notificationsReachAnotherConnection()
{
    EventStore writer;
    QVERIFY2(writer.open(m_location), qPrintable(writer.errorString()));
    EventStore listener;
    QVERIFY2(listener.open(m_location, EventStore::Mode::ReadOnly), qPrintable(listener.errorString()));
    QCOMPARE(listener.notificationChannel(), QStringLiteral("thena_events_") + m_schema);
    QVERIFY2(listener.subscribeToArrivals(), qPrintable(listener.errorString()));
    QSignalSpy spy(listener.driver(), &QSqlDriver::notification);
    QVERIFY(writer.insert(makeEvents(1, 5)));
    QTRY_COMPARE(spy.size(), 1); // one per commit, not per event
    QCOMPARE(spy.first().at(0).toString(), listener.notificationChannel());
    QCOMPARE(spy.first().at(1).value<QSqlDriver::NotificationSource>(), QSqlDriver::OtherSource);
    QCOMPARE(spy.first().at(2).toString().toLongLong(), listener.lastArrival());
    QVERIFY(writer.insert(makeEvents(6, 1)));
    QTRY_COMPARE(spy.size(), 2);
    // A failed commit notifies nobody.
    QVERIFY(!writer.insert({ makeEvent(1) }));
    QTest::qWait(200);
    QCOMPARE(spy.size(), 2);
}

void TestPostgresStore::retentionDeleteAndClear()
{
    EventStore early;
    EventStore late;
    QVERIFY(early.open(m_location));
    QVERIFY(late.open(m_location));
    // Arrival order: late 1..5, then early 1..5; "oldest first" must follow it, not the ids.
    QVERIFY(late.insert(makeEvents(EventStore::IdBlockSize + 1, 5)));
    QVERIFY(early.insert(makeEvents(1, 5)));
    qint64 through = -1;
    QCOMPARE(early.applyRetention(7, 0, 0, &through), 3);
    QCOMPARE(through, 0); // ids are no arrival order here: no prefix of them is gone
    qint64 position = 0;
    QCOMPARE(idsOf(early.loadArrivedAfter(0, 100, &position)),
        (QList<qint64> { EventStore::IdBlockSize + 4, EventStore::IdBlockSize + 5, 1, 2, 3, 4, 5 }));
    QVERIFY(!early.loadEvent(EventStore::IdBlockSize + 1).has_value());
    QCOMPARE(m_admin->scalar(QStringLiteral("SELECT count(*) FROM %1.bodies").arg(m_schema)).toInt(), 7);
    QVERIFY(early.remove({ 2, 4, EventStore::IdBlockSize + 5 }));
    QCOMPARE(early.count(), 4);
    QVERIFY(early.removeThrough(3)); // ids 1 and 3
    QCOMPARE(idsOf(early.loadRowsAfter(0, 100)), (QList<qint64> { 5, EventStore::IdBlockSize + 4 }));
    QVERIFY(early.removeAll());
    QCOMPARE(early.count(), 0);
    QCOMPARE(m_admin->scalar(QStringLiteral("SELECT count(*) FROM %1.bodies").arg(m_schema)).toInt(), 0);
}

void TestPostgresStore::copiesToSqliteFile()
{
    EventStore store;
    QVERIFY(store.open(m_location));
    QList<CapturedEvent> events = makeEvents(1, 1500);
    events[3].body = QByteArray("\0\xff binary", 9);
    QVERIFY(store.insert(events));
    QTemporaryDir dir;
    const QString target = dir.filePath(QStringLiteral("team-copy.sqlite"));
    QVERIFY2(store.copyTo(target), qPrintable(store.errorString()));
    QVERIFY(!store.copyTo(target)); // never overwrites
    EventStore copy;
    QVERIFY2(copy.open(target, EventStore::Mode::ReadOnly), qPrintable(copy.errorString()));
    QVERIFY(!copy.dialect().isPostgreSql());
    QCOMPARE(copy.count(), 1500);
    QCOMPARE(copy.loadEvent(4)->body, events[3].body);
    TestSupport::compareRows(copy.loadEvent(1500)->row, events.last().row);
}

void TestPostgresStore::lostConnectionIsDetectedAndReconnects()
{
    EventStore store;
    QVERIFY2(store.open(m_location), qPrintable(store.errorString()));
    QVERIFY(store.insert({ makeEvent(1) }));
    QCOMPARE(m_admin->terminateSessions(m_schema, QStringLiteral("writer")), 1);
    QVERIFY(!store.insert({ makeEvent(2) }));
    QVERIFY(store.isConnectionLost());
    QVERIFY2(store.errorString().contains(QStringLiteral("Lost the connection")), qPrintable(store.errorString()));
    QVERIFY2(store.reconnect(), qPrintable(store.errorString()));
    QVERIFY(!store.isConnectionLost());
    QVERIFY(store.insert({ makeEvent(2) }));
    QCOMPARE(store.count(), 2);
    QCOMPARE(store.countIds({ 1, 2, 3 }), 2);
}

void TestPostgresStore::writerAnswersFailureWhileDownAndRecovers()
{
    PgTest::CutProxy proxy;
    const quint16 port = proxy.listen();
    QVERIFY(port > 0);
    QThread thread;
    auto *writer = new StoreWriter;
    writer->moveToThread(&thread);
    connect(&thread, &QThread::finished, writer, &QObject::deleteLater);
    thread.start();
    // The writer emits in its own thread; counted here through queued connections.
    QObject context;
    int committed = 0;
    QList<qsizetype> failed; // group sizes
    QStringList lost;
    int restored = 0;
    connect(writer, &StoreWriter::committed, &context, [&] { ++committed; });
    connect(writer, &StoreWriter::commitFailed, &context,
        [&](const QList<CapturedEvent> &events) { failed.append(events.size()); });
    connect(writer, &StoreWriter::connectionLost, &context, [&](const QString &message) { lost.append(message); });
    connect(writer, &StoreWriter::connectionRestored, &context, [&] { ++restored; });
    bool opened = false;
    qint64 maxId = -1;
    QString error;
    QMetaObject::invokeMethod(
        writer, [&] { opened = writer->open(PgTest::location(m_schema, port), &error, &maxId); },
        Qt::BlockingQueuedConnection);
    QVERIFY2(opened, qPrintable(error));
    QCOMPARE(maxId, 0); // the first block: ids from 1

    writer->enqueue(makeEvents(1, 3));
    QTRY_COMPARE(committed, 1);

    // The server goes away while the writer is idle, and stays away for a while.
    proxy.cut(true);
    writer->enqueue(makeEvents(4, 2));
    QTRY_COMPARE(failed, (QList<qsizetype> { 2 }));
    QTRY_VERIFY(lost.size() >= 1);
    QVERIFY2(lost.first().contains(QStringLiteral("503")), qPrintable(lost.first()));
    // While down, groups fail at once instead of waiting for the server.
    writer->enqueue(makeEvents(6, 1));
    QTRY_COMPARE(failed, (QList<qsizetype> { 2, 1 }));
    QTRY_VERIFY(lost.size() >= 2); // a failed attempt is reported again with the next delay
    QVERIFY2(lost.last().contains(QStringLiteral("Attempt")), qPrintable(lost.last()));

    proxy.restore();
    QTRY_COMPARE_WITH_TIMEOUT(restored, 1, 15000);
    writer->enqueue(makeEvents(4, 3)); // Thena's retries of the ones answered 503
    QTRY_COMPARE(committed, 2);

    // And a server restart during idleness costs no delivery: the writer reconnects at once.
    proxy.cut(false);
    writer->enqueue(makeEvents(7, 2));
    QTRY_COMPARE(committed, 3);
    QCOMPARE(failed.size(), 2);

    thread.quit();
    thread.wait();
    PgTest::Admin admin;
    QCOMPARE(admin.scalar(QStringLiteral("SELECT count(*) FROM %1.events").arg(m_schema)).toInt(), 8);
}

void TestPostgresStore::readerFollowsLiveAndCatchesUpAfterReconnect()
{
    EventStore writer;
    QVERIFY2(writer.open(m_location), qPrintable(writer.errorString()));
    QVERIFY(writer.insert(makeEvents(1, 25)));

    PgTest::CutProxy proxy;
    const quint16 port = proxy.listen();
    StoreReader reader;
    QSignalSpy history(&reader, &StoreReader::rowsLoaded);
    QSignalSpy done(&reader, &StoreReader::historyLoaded);
    QSignalSpy arrived(&reader, &StoreReader::rowsArrived);
    QSignalSpy lost(&reader, &StoreReader::connectionLost);
    QSignalSpy restored(&reader, &StoreReader::connectionRestored);
    reader.setPath(PgTest::location(m_schema, port));
    reader.follow();
    QTRY_COMPARE(done.size(), 1);
    QCOMPARE(done.first().first().toLongLong(), 25);
    QCOMPARE(history.first().first().value<QList<EventRow>>().size(), 25);

    QList<qint64> seen;
    const auto arrivedIds = [&] {
        seen.clear();
        for (const auto &signal : std::as_const(arrived))
            seen += idsOf(signal.first().value<QList<EventRow>>());
        return seen;
    };
    QVERIFY(writer.insert(makeEvents(26, 2)));
    QTRY_COMPARE(arrivedIds(), (QList<qint64> { 26, 27 }));
    QVERIFY(writer.insert(makeEvents(28, 1)));
    QTRY_COMPARE(arrivedIds(), (QList<qint64> { 26, 27, 28 }));

    // The reader's connection dies; commits made meanwhile are not notified to it, and must
    // still arrive once it is back, once each.
    proxy.cut(true);
    QTRY_VERIFY_WITH_TIMEOUT(lost.size() >= 1, 5000);
    QVERIFY(writer.insert(makeEvents(29, 3)));
    proxy.restore();
    QTRY_COMPARE_WITH_TIMEOUT(restored.size(), 1, 15000);
    QTRY_COMPARE(arrivedIds(), (QList<qint64> { 26, 27, 28, 29, 30, 31 }));
    QVERIFY(writer.insert(makeEvents(32, 1)));
    QTRY_COMPARE(arrivedIds(), (QList<qint64> { 26, 27, 28, 29, 30, 31, 32 }));
    reader.setPath({});
}

void TestPostgresStore::bodySourceReconnectsOnce()
{
    // An export of a large team capture outlives a server restart.
    EventStore writer;
    QVERIFY(writer.open(m_location));
    QVERIFY(writer.insert(makeEvents(1, 3)));
    StoreBodySource source(m_location);
    QCOMPARE(source.load(1)->body, makeEvent(1).body);
    QCOMPARE(m_admin->terminateSessions(m_schema, QStringLiteral("reader")), 1);
    const std::optional<CapturedEvent> event = source.load(2);
    QVERIFY2(event.has_value(), qPrintable(source.errorString()));
    QCOMPARE(event->body, makeEvent(2).body);
    QVERIFY(!source.load(99).has_value());
    QVERIFY(source.errorString().contains(QStringLiteral("not in the capture")));
}

void TestPostgresStore::wrongPasswordIsReportedAsSuch()
{
    {
        EventStore store; // creates the schema with the right password
        QVERIFY(store.open(m_location));
    }
    const StoreLocation location = StoreLocation::parse(m_location);
    StoreLocation::setPassword(location, QStringLiteral("certainly-not-the-password"));
    EventStore store;
    const bool opened = store.open(location);
    StoreLocation::setPassword(location, QString());
    QVERIFY(!opened);
    QVERIFY2(EventStore::isPasswordError(store.errorString()), qPrintable(store.errorString()));
    QVERIFY(!store.errorString().contains(QStringLiteral("certainly-not")));
    QVERIFY(store.open(location)); // the environment's password again
}

QTEST_GUILESS_MAIN(TestPostgresStore)
#include "tst_postgresstore.moc"
