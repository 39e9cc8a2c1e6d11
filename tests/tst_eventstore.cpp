#include "EventStore.h"
#include "TestSupport.h"
#include "ThenaPayloadParser.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <unistd.h>

namespace {
CapturedEvent makeEvent(qint64 id, qint64 receivedMs, const QByteArray &body = {})
{
    CapturedEvent event;
    event.row.id = id;
    event.row.receivedMs = receivedMs;
    event.row.kind = id % 2 ? EventKind::Created : EventKind::Escalated;
    event.row.attempt = 1 + int(id % 3);
    event.row.retryOf = id > 3 ? id - 3 : 0;
    event.row.retryGapSeconds = id > 3 ? 10 : -1;
    event.row.replies = int(id % 5) - 1;
    event.row.requestId = QString::number(1000 + id);
    event.row.title = QStringLiteral("Title %1 \u00e9\u05d0 😀, \"quoted\"").arg(id);
    event.row.status = QStringLiteral("ASSIGNED");
    event.row.urgency = QStringLiteral("High");
    event.row.sentiment = QStringLiteral("Negative");
    event.row.customer = QStringLiteral("Acme");
    event.row.team = QStringLiteral("EMEA");
    event.row.assignee = QStringLiteral("Dana");
    event.row.channel = QStringLiteral("support");
    event.row.tags = id % 2 ? QStringList { QStringLiteral("billing"), QStringLiteral("vip") } : QStringList();
    event.row.path = QStringLiteral("/hooks?x=%1").arg(id);
    event.row.eventType = QStringLiteral("CREATE");
    event.row.toFirstResponseMs = id % 4 == 0 ? -1 : id * 60000;
    event.row.toAssignmentMs = id % 3 == 0 ? -1 : id * 1000;
    event.row.toCloseMs = id % 5 == 0 ? 86400000LL * 40 + id : -1; // beyond 32 bits
    event.row.escalated = id % 2 == 0;
    event.body = body.isEmpty() ? QByteArray("{\"n\":") + QByteArray::number(id) + "}" : body;
    event.row.sizeBytes = int(event.body.size());
    event.row.valid = id != 2;
    event.headers = { { "content-type", "application/json" }, { "authorization", "secret" }, { "x-empty", "" } };
    event.method = QStringLiteral("POST");
    event.remoteAddress = QStringLiteral("127.0.0.1");
    if (!event.row.valid) {
        event.error = QStringLiteral("Body is not valid JSON");
        event.errorOffset = 7;
    }
    return event;
}

// Every stored field of an event, as read back, against what was inserted.
void compareEvents(const CapturedEvent &stored, const CapturedEvent &inserted)
{
    TestSupport::compareRows(stored.row, inserted.row);
    QCOMPARE(stored.method, inserted.method);
    QCOMPARE(stored.remoteAddress, inserted.remoteAddress);
    QCOMPARE(stored.error, inserted.error);
    QCOMPARE(stored.errorOffset, inserted.errorOffset);
    QCOMPARE(stored.headers, inserted.headers);
    QCOMPARE(stored.body, inserted.body);
}

// What SQLite holds in one cell, read through a connection of its own: "typeof:hex".
QString storedCell(const QString &path, const QString &table, const QString &column, qint64 id)
{
    const QString connection = QStringLiteral("cell-reader");
    QString cell;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection);
        db.setDatabaseName(path);
        db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
        if (db.open()) {
            QSqlQuery query(db);
            if (query.exec(QStringLiteral("SELECT typeof(%1) || ':' || hex(%1) FROM %2 WHERE id = %3")
                               .arg(column, table)
                               .arg(id))
                && query.next())
                cell = query.value(0).toString();
            else
                cell = QStringLiteral("error: ") + query.lastError().text();
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(connection);
    return cell;
}

// How many descriptors this process has open on a file (a connection holds one on its database).
int openHandles(const QString &path)
{
    const QString target = QFileInfo(path).canonicalFilePath();
    int count = 0;
    const QDir fds(QStringLiteral("/proc/self/fd"));
    for (const QString &fd : fds.entryList(QDir::Files | QDir::System)) {
        if (QFileInfo(fds.filePath(fd)).symLinkTarget() == target)
            ++count;
    }
    return count;
}

QByteArray fileBytes(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// A capture exactly as version 1 of the inspector wrote it (its DDL, copied), with the samples
// and one invalid body, so the migration is tested against the real old format.
struct V1Capture
{
    QList<QByteArray> bodies;
};

V1Capture writeV1Capture(const QString &path)
{
    V1Capture capture;
    const QString connection = QStringLiteral("v1-writer");
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection);
        db.setDatabaseName(path);
        if (!db.open())
            qFatal("cannot create %s", qPrintable(path));
        QSqlQuery query(db);
        const QStringList ddl = {
            QStringLiteral("PRAGMA journal_mode=WAL"),
            QStringLiteral("CREATE TABLE IF NOT EXISTS events ("
                           " id INTEGER PRIMARY KEY, received_ms INTEGER NOT NULL, kind INTEGER NOT NULL,"
                           " valid INTEGER NOT NULL, attempt INTEGER NOT NULL, retry_of INTEGER NOT NULL,"
                           " retry_gap INTEGER NOT NULL, replies INTEGER NOT NULL, size INTEGER NOT NULL,"
                           " request_id TEXT, title TEXT, status TEXT, urgency TEXT, sentiment TEXT, customer TEXT,"
                           " team TEXT, assignee TEXT, channel TEXT, tags TEXT, path TEXT, event_type TEXT)"),
            QStringLiteral("CREATE TABLE IF NOT EXISTS bodies ("
                           " id INTEGER PRIMARY KEY, method TEXT, remote TEXT, error TEXT, error_offset INTEGER,"
                           " headers BLOB, body BLOB)"),
            QStringLiteral("CREATE INDEX IF NOT EXISTS events_received ON events(received_ms)"),
            QStringLiteral("PRAGMA application_id=%1").arg(EventStore::ApplicationId),
            QStringLiteral("PRAGMA user_version=1"),
        };
        for (const QString &sql : ddl) {
            if (!query.exec(sql))
                qFatal("v1 DDL failed: %s", qPrintable(query.lastError().text()));
        }
        query.finish();
        const QStringList names = TestSupport::sampleNames();
        for (const QString &name : names)
            capture.bodies.append(TestSupport::sample(name));
        capture.bodies.append(QByteArrayLiteral("{\"request\": [unterminated"));
        for (int i = 0; i < capture.bodies.size(); ++i) {
            const QByteArray &body = capture.bodies.at(i);
            EventRow row;
            const bool valid = ThenaPayloadParser::parse(body, row).valid;
            query.prepare(QStringLiteral("INSERT INTO events VALUES (?, ?, ?, ?, 1, 0, -1, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                                         "?, ?, ?, '/', ?)"));
            const QVariantList values = { i + 1, 1700000000000LL + i, int(valid ? row.kind : EventKind::Invalid), valid,
                row.replies, int(body.size()), row.requestId, row.title, row.status, row.urgency, row.sentiment,
                row.customer, row.team, row.assignee, row.channel, row.tags.join(QChar(0x1f)), row.eventType };
            for (const QVariant &value : values)
                query.addBindValue(value);
            if (!query.exec())
                qFatal("v1 insert failed: %s", qPrintable(query.lastError().text()));
            query.prepare(QStringLiteral("INSERT INTO bodies VALUES (?, 'POST', '127.0.0.1', ?, -1, ?, ?)"));
            query.addBindValue(i + 1);
            query.addBindValue(valid ? QString() : QStringLiteral("Body is not valid JSON"));
            query.addBindValue(QByteArray("content-type: application/json\r\n"));
            query.addBindValue(body);
            if (!query.exec())
                qFatal("v1 insert failed: %s", qPrintable(query.lastError().text()));
        }
        query.finish();
        // Checkpointed and closed, so the file alone is the whole capture.
        query.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
        query.finish();
        db.close();
    }
    QSqlDatabase::removeDatabase(connection);
    return capture;
}
} // namespace

class TestEventStore : public QObject
{
    Q_OBJECT

private slots:
    void reopenGivesSameEventsInOrder()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("events.sqlite"));
        QList<CapturedEvent> events;
        for (qint64 id = 1; id <= 50; ++id)
            events.append(makeEvent(id, 1700000000000 + id * 1000));
        {
            EventStore store;
            QVERIFY2(store.open(path), qPrintable(store.errorString()));
            QVERIFY(store.insert(events.mid(0, 20)));
            QVERIFY(store.insert(events.mid(20)));
            QCOMPARE(store.count(), 50);
        }
        EventStore store;
        QVERIFY2(store.open(path), qPrintable(store.errorString()));
        QCOMPARE(store.maxId(), 50);
        const QList<EventRow> all = store.loadRowsAfter(0, 1000);
        QCOMPARE(all.size(), 50);
        for (int i = 0; i < all.size(); ++i)
            TestSupport::compareRows(all[i], events[i].row);

        const QList<EventRow> newest = store.loadRows(0, 10);
        QCOMPARE(newest.size(), 10);
        QCOMPARE(newest.first().id, 50);
        QCOMPARE(newest.last().id, 41);
        const QList<EventRow> page2 = store.loadRows(41, 10);
        QCOMPARE(page2.first().id, 40);

        const auto loaded = store.loadEvent(2);
        QVERIFY(loaded.has_value());
        QCOMPARE(loaded->body, events[1].body);
        QCOMPARE(loaded->headers, events[1].headers);
        QCOMPARE(loaded->method, QStringLiteral("POST"));
        QCOMPARE(loaded->remoteAddress, QStringLiteral("127.0.0.1"));
        QCOMPARE(loaded->error, events[1].error);
        QCOMPARE(loaded->errorOffset, 7);
        QVERIFY(!store.loadEvent(999).has_value());
    }

    void binaryBodiesSurvive()
    {
        QTemporaryDir dir;
        EventStore store;
        QVERIFY(store.open(dir.filePath(QStringLiteral("b.sqlite"))));
        QByteArray binary;
        for (int i = 0; i < 256; ++i)
            binary.append(char(i));
        QVERIFY(store.insert({ makeEvent(1, 1, binary) }));
        QCOMPARE(store.loadEvent(1)->body, binary);
    }

    void duplicateIdFailsWholeBatch()
    {
        QTemporaryDir dir;
        EventStore store;
        QVERIFY(store.open(dir.filePath(QStringLiteral("d.sqlite"))));
        QVERIFY(store.insert({ makeEvent(1, 1) }));
        QVERIFY(!store.insert({ makeEvent(2, 2), makeEvent(1, 3) }));
        QVERIFY(!store.errorString().isEmpty());
        QCOMPARE(store.count(), 1); // the batch rolled back: 2 is not there either
    }

    void corruptFileIsRefusedAndUntouched()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("corrupt.sqlite"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        const QByteArray garbage = QByteArray("this is not a database at all\n").repeated(200);
        file.write(garbage);
        file.close();
        EventStore store;
        QVERIFY(!store.open(path));
        QVERIFY2(store.errorString().contains(path), qPrintable(store.errorString()));
        QVERIFY(!store.isOpen());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), garbage);
    }

    void damagedCaptureIsRefused()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("damaged.sqlite"));
        {
            EventStore store;
            QVERIFY(store.open(path));
            QList<CapturedEvent> events;
            for (qint64 id = 1; id <= 200; ++id)
                events.append(makeEvent(id, id));
            QVERIFY(store.insert(events));
        }
        // Overwrite the header page with noise, as a failing disk might.
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadWrite));
        file.seek(0);
        file.write(QByteArray(100, '\x5a'));
        file.close();
        const QByteArray before = [&] {
            QFile f(path);
            f.open(QIODevice::ReadOnly);
            return f.readAll();
        }();
        EventStore store;
        QVERIFY(!store.open(path));
        QFile after(path);
        QVERIFY(after.open(QIODevice::ReadOnly));
        QCOMPARE(after.readAll(), before);
    }

    void foreignDatabaseIsRefused()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("foreign.sqlite"));
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("foreign"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery query(db);
            QVERIFY(query.exec(QStringLiteral("CREATE TABLE customers (id INTEGER, name TEXT)")));
            QVERIFY(query.exec(QStringLiteral("INSERT INTO customers VALUES (1, 'x')")));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("foreign"));
        EventStore store;
        QVERIFY(!store.open(path));
        QVERIFY2(store.errorString().contains(QStringLiteral("not a Thena Inspector capture")),
            qPrintable(store.errorString()));
    }

    void newerSchemaIsRefused()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("newer.sqlite"));
        {
            EventStore store;
            QVERIFY(store.open(path));
            QVERIFY(store.insert({ makeEvent(1, 1) }));
        }
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("bump"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery query(db);
            QVERIFY(query.exec(QStringLiteral("PRAGMA user_version=%1").arg(EventStore::SchemaVersion + 1)));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("bump"));
        EventStore store;
        QVERIFY(!store.open(path));
        QVERIFY2(store.errorString().contains(QStringLiteral("newer")), qPrintable(store.errorString()));
        // Read-only opening refuses too: we do not guess at a format we do not know.
        QVERIFY(!store.open(path, EventStore::Mode::ReadOnly));
    }

    void readOnlyFileIsRefusedForWriting()
    {
        if (::geteuid() == 0)
            QSKIP("root can write to read-only files; covered by readOnlyFolder under non-root");
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("ro.sqlite"));
        {
            EventStore store;
            QVERIFY(store.open(path));
            QVERIFY(store.insert({ makeEvent(1, 1) }));
        }
        QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::ReadGroup);
        EventStore store;
        QVERIFY(!store.open(path));
        QVERIFY2(store.errorString().contains(QStringLiteral("read-only")), qPrintable(store.errorString()));
        QVERIFY(store.open(path, EventStore::Mode::ReadOnly));
        QCOMPARE(store.count(), 1);
    }

    void readOnlyPermissionsAreHonouredEvenForRoot()
    {
        // Root ignores permission bits, but a user who marked the file read-only means it.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("ro2.sqlite"));
        {
            EventStore store;
            QVERIFY(store.open(path));
            QVERIFY(store.insert({ makeEvent(1, 1) }));
        }
        QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther);
        EventStore store;
        QVERIFY(!store.open(path));
        QVERIFY2(store.errorString().contains(QStringLiteral("read-only")), qPrintable(store.errorString()));
    }

    void fullDiskFailsCleanly()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("full.sqlite"));
        EventStore store;
        QVERIFY(store.open(path));
        QVERIFY(store.insert({ makeEvent(1, 1) }));
        {
            // SQLite reports SQLITE_FULL when max_page_count is reached, as it does on a full disk.
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("limit"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("limit"));
        QVERIFY(store.setMaxPageCountForTesting(store.pageCount() + 2));
        QList<CapturedEvent> big;
        for (qint64 id = 2; id < 200; ++id)
            big.append(makeEvent(id, id, QByteArray(4000, 'x')));
        QVERIFY(!store.insert(big));
        QVERIFY2(
            store.errorString().contains(QStringLiteral("full"), Qt::CaseInsensitive), qPrintable(store.errorString()));
        QCOMPARE(store.count(), 1);
        QVERIFY(store.loadEvent(1).has_value());
    }

    void retentionKeepsNewest()
    {
        QTemporaryDir dir;
        EventStore store;
        QVERIFY(store.open(dir.filePath(QStringLiteral("r.sqlite"))));
        QList<CapturedEvent> events;
        const qint64 day = 24LL * 3600 * 1000;
        const qint64 now = 1800000000000;
        for (qint64 id = 1; id <= 100; ++id)
            events.append(makeEvent(id, now - (100 - id) * day / 10)); // one every 2.4 h, newest now
        QVERIFY(store.insert(events));
        qint64 through = -1;
        QCOMPARE(store.applyRetention(80, 0, now, &through), 20);
        QCOMPARE(through, 20); // every id up to it is gone: the window drops the same rows
        QCOMPARE(store.count(), 80);
        QCOMPARE(store.loadRowsAfter(0, 1).first().id, 21);
        // 5 days = 50 events at 10 per day; ids 50..100 are within 5 days of now (id 50 exactly at the edge).
        QCOMPARE(store.applyRetention(0, 5 * day, now), 29);
        QCOMPARE(store.loadRowsAfter(0, 1).first().id, 50);
        QCOMPARE(store.applyRetention(10, 5 * day, now, &through), 41);
        QCOMPARE(through, 90);
        QCOMPARE(store.count(), 10);
        QCOMPARE(store.applyRetention(0, 0, now, &through), 0);
        QCOMPARE(through, 0);
        QVERIFY(!store.loadEvent(90).has_value());
        QVERIFY(store.loadEvent(91).has_value());
        // What a following window compares its rows with after a deletion.
        QVERIFY(store.remove({ 93, 95 }));
        QCOMPARE(store.loadIds(), std::optional<QList<qint64>>(QList<qint64> { 91, 92, 94, 96, 97, 98, 99, 100 }));
    }

    void deleteSelectedAndClearAll()
    {
        QTemporaryDir dir;
        EventStore store;
        QVERIFY(store.open(dir.filePath(QStringLiteral("del.sqlite"))));
        QList<CapturedEvent> events;
        for (qint64 id = 1; id <= 10; ++id)
            events.append(makeEvent(id, id));
        QVERIFY(store.insert(events));
        QVERIFY(store.remove({ 2, 5, 7 }));
        QCOMPARE(store.count(), 7);
        QVERIFY(!store.loadEvent(5).has_value());
        QVERIFY(store.removeThrough(4)); // 1, 3 and 4 go; 6, 8, 9, 10 stay
        QCOMPARE(store.count(), 4);
        QVERIFY(!store.loadEvent(4).has_value());
        QVERIFY(store.loadEvent(6).has_value());
        QVERIFY(store.removeAll());
        QCOMPARE(store.count(), 0);
    }

    void saveAsCopiesEverything()
    {
        QTemporaryDir dir;
        EventStore store;
        QVERIFY(store.open(dir.filePath(QStringLiteral("src.sqlite"))));
        QVERIFY(store.insert({ makeEvent(1, 1), makeEvent(2, 2) }));
        const QString target = dir.filePath(QStringLiteral("copy.sqlite"));
        QVERIFY2(store.copyTo(target), qPrintable(store.errorString()));
        QVERIFY(!store.copyTo(target)); // never overwrites
        EventStore copy;
        QVERIFY2(copy.open(target), qPrintable(copy.errorString()));
        QCOMPARE(copy.count(), 2);
        QCOMPARE(copy.loadEvent(2)->body, store.loadEvent(2)->body);
    }

    void version1IsReadableReadOnlyAndUntouched()
    {
        // An old capture opened for reading (export, a second window) is not migrated: the new
        // columns read as "unknown" and the file keeps every byte.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("v1.sqlite"));
        const V1Capture capture = writeV1Capture(path);
        const QByteArray before = fileBytes(path);
        {
            EventStore store;
            QVERIFY2(store.open(path, EventStore::Mode::ReadOnly), qPrintable(store.errorString()));
            QCOMPARE(store.schemaVersion(), 1);
            const QList<EventRow> rows = store.loadRowsAfter(0, 100);
            QCOMPARE(rows.size(), capture.bodies.size());
            for (const EventRow &row : rows) {
                QCOMPARE(row.toFirstResponseMs, -1);
                QCOMPARE(row.toCloseMs, -1);
                QCOMPARE(row.escalated, false);
            }
            const auto event = store.loadEvent(1);
            QVERIFY(event.has_value());
            QCOMPARE(event->body, capture.bodies.first());
            QCOMPARE(event->row.toAssignmentMs, -1);
        }
        QCOMPARE(fileBytes(path), before);
    }

    void version1MigratesToVersion2WithDerivedTimes()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("v1.sqlite"));
        const V1Capture capture = writeV1Capture(path);
        {
            EventStore store;
            QVERIFY2(store.open(path), qPrintable(store.errorString()));
            QCOMPARE(store.schemaVersion(), EventStore::SchemaVersion);
            const QList<EventRow> rows = store.loadRowsAfter(0, 100);
            QCOMPARE(rows.size(), capture.bodies.size());
            int filled = 0;
            for (int i = 0; i < rows.size(); ++i) {
                EventRow expected;
                const bool valid = ThenaPayloadParser::parse(capture.bodies.at(i), expected).valid;
                const EventRow &row = rows.at(i);
                QCOMPARE(row.id, i + 1);
                QCOMPARE(row.valid, valid);
                // Filled by parsing the stored body again, exactly as a capture today would.
                QCOMPARE(row.toFirstResponseMs, valid ? expected.toFirstResponseMs : -1);
                QCOMPARE(row.toAssignmentMs, valid ? expected.toAssignmentMs : -1);
                QCOMPARE(row.toCloseMs, valid ? expected.toCloseMs : -1);
                QCOMPARE(row.escalated, valid && expected.escalated);
                QCOMPARE(row.requestId, expected.requestId); // the old columns are untouched
                filled += row.escalated || row.toFirstResponseMs >= 0 || row.toCloseMs >= 0 || row.toAssignmentMs >= 0;
            }
            QVERIFY2(filled >= 2, "the samples must exercise the refill, not only the defaults");
            QCOMPARE(store.loadEvent(capture.bodies.size())->body, capture.bodies.constLast());
            // A migrated capture takes new events with every column.
            CapturedEvent next = makeEvent(100, 1800000000000);
            QVERIFY2(store.insert({ next }), qPrintable(store.errorString()));
            TestSupport::compareRows(store.loadEvent(100)->row, next.row);
        }
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("peek"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        {
            QSqlQuery query(db);
            QVERIFY(query.exec(QStringLiteral("PRAGMA user_version")) && query.next());
            QCOMPARE(query.value(0).toInt(), EventStore::SchemaVersion);
            QVERIFY(query.exec(QStringLiteral("PRAGMA integrity_check")) && query.next());
            QCOMPARE(query.value(0).toString(), QStringLiteral("ok"));
        }
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("peek"));
        // Opening again does not migrate twice.
        EventStore again;
        QVERIFY2(again.open(path), qPrintable(again.errorString()));
        QCOMPARE(again.count(), capture.bodies.size() + 1);
    }

    void claimIdRangeContinuesAFile()
    {
        QTemporaryDir dir;
        EventStore store;
        QVERIFY(store.open(dir.filePath(QStringLiteral("ids.sqlite"))));
        QCOMPARE(store.claimIdRange()->first, 1);
        QVERIFY(store.insert({ makeEvent(1, 1), makeEvent(2, 2) }));
        const auto range = store.claimIdRange();
        QVERIFY(range.has_value());
        QCOMPARE(range->first, 3);
        QCOMPARE(range->last, std::numeric_limits<qint64>::max());
        QCOMPARE(store.lastArrival(), 2); // SQLite: arrival order is id order
        QCOMPARE(store.countIds({ 1, 2, 3 }), 2);
        qint64 position = 0;
        QCOMPARE(store.loadArrivedAfter(1, 10, &position).size(), 1);
        QCOMPARE(position, 2);
        QVERIFY(store.notificationChannel().isEmpty());
        QVERIFY(!store.subscribeToArrivals());
        QVERIFY(!store.isConnectionLost());
    }

    void badLocationIsRefused()
    {
        EventStore store;
        QVERIFY(!store.open(QStringLiteral("postgresql://user:secret@db/thena")));
        QVERIFY2(store.errorString().contains(QStringLiteral("PGPASSWORD")), qPrintable(store.errorString()));
        QVERIFY(!store.errorString().contains(QStringLiteral("secret")));
        QVERIFY(!store.isOpen());
    }

    void manyGroupsRoundTripEveryColumn()
    {
        // Groups of every size through the statements insertSqlite() keeps, across a reopen.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("groups.sqlite"));
        QList<CapturedEvent> events;
        QByteArray binary;
        for (int i = 0; i < 256; ++i)
            binary.append(char(255 - i));
        for (qint64 id = 1; id <= 600; ++id) {
            CapturedEvent event = makeEvent(id, 1700000000000 + id, id % 7 == 0 ? binary : QByteArray());
            event.row.kind = static_cast<EventKind>(id % EventKindCount);
            event.row.retryOf = id * 1000000007LL; // beyond 32 bits
            event.row.sizeBytes = int(id * 3);
            event.row.title += QString(int(id % 40), QChar(u'\u4e2d')); // lengths vary from event to event
            if (id % 5 == 0)
                event.headers.clear();
            if (id % 11 == 0)
                event.headers.append({ QByteArray(3000, 'h'), QByteArray(5000, 'v') });
            events.append(event);
        }
        {
            EventStore store;
            QVERIFY2(store.open(path), qPrintable(store.errorString()));
            qsizetype from = 0;
            for (int size = 1; from < events.size(); size = size * 2 % 97 + 1) {
                const QList<CapturedEvent> group = events.mid(from, size);
                QVERIFY2(store.insert(group), qPrintable(store.errorString()));
                from += group.size();
                if (from > 300 && from - group.size() <= 300) {
                    store.close(); // a new connection: the statements are prepared again
                    QVERIFY2(store.open(path), qPrintable(store.errorString()));
                }
            }
            QCOMPARE(store.count(), events.size());
        }
        EventStore store;
        QVERIFY2(store.open(path, EventStore::Mode::ReadOnly), qPrintable(store.errorString()));
        const QList<EventRow> rows = store.loadRowsAfter(0, 10000);
        QCOMPARE(rows.size(), events.size());
        for (qsizetype i = 0; i < rows.size(); ++i)
            TestSupport::compareRows(rows.at(i), events.at(i).row);
        for (const CapturedEvent &event : std::as_const(events)) {
            const auto stored = store.loadEvent(event.row.id);
            QVERIFY(stored.has_value());
            compareEvents(*stored, event);
        }
    }

    void nullAndEmptyValuesAreStoredAsBefore()
    {
        // What QSQLITE stored for each kind of value, which the readers rely on: a null QString
        // is NULL and an empty one '', an empty body an empty blob and a null one NULL, no
        // headers NULL, no tags NULL, errorOffset -1 the integer -1, bools 0 and 1.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("nulls.sqlite"));
        CapturedEvent nulls;
        nulls.row.id = 1;
        nulls.row.valid = false;
        nulls.row.escalated = true;
        nulls.errorOffset = -1;
        CapturedEvent empties = nulls;
        empties.row.id = 2;
        empties.row.valid = true;
        empties.row.escalated = false;
        for (QString *text : { &empties.row.requestId, &empties.row.title, &empties.row.status, &empties.row.urgency,
                 &empties.row.sentiment, &empties.row.customer, &empties.row.team, &empties.row.assignee,
                 &empties.row.channel, &empties.row.path, &empties.row.eventType, &empties.method,
                 &empties.remoteAddress, &empties.error })
            *text = QLatin1String("");
        empties.body = QByteArray("");
        empties.errorOffset = 0;
        empties.row.tags = { QString(), QString() }; // one separator
        QVERIFY(!empties.body.isNull() && empties.body.isEmpty());
        {
            EventStore store;
            QVERIFY2(store.open(path), qPrintable(store.errorString()));
            QVERIFY2(store.insert({ nulls, empties }), qPrintable(store.errorString()));
            for (const auto &[id, original] : { std::pair { 1, &nulls }, std::pair { 2, &empties } }) {
                const auto stored = store.loadEvent(id);
                QVERIFY(stored.has_value());
                compareEvents(*stored, *original);
                QCOMPARE(stored->row.title.isNull(), original->row.title.isNull());
                QCOMPARE(stored->method.isNull(), original->method.isNull());
                QCOMPARE(stored->error.isNull(), original->error.isNull());
            }
        }
        const QLatin1String events("events");
        const QLatin1String bodies("bodies");
        for (const char *column : { "request_id", "title", "status", "urgency", "sentiment", "customer", "team",
                 "assignee", "channel", "path", "event_type" }) {
            QCOMPARE(storedCell(path, events, QLatin1String(column), 1), QStringLiteral("null:"));
            QCOMPARE(storedCell(path, events, QLatin1String(column), 2), QStringLiteral("text:"));
        }
        QCOMPARE(storedCell(path, events, QStringLiteral("tags"), 1), QStringLiteral("null:"));
        QCOMPARE(storedCell(path, events, QStringLiteral("tags"), 2), QStringLiteral("text:1F"));
        QCOMPARE(storedCell(path, events, QStringLiteral("valid"), 1), QStringLiteral("integer:30"));
        QCOMPARE(storedCell(path, events, QStringLiteral("escalated"), 1), QStringLiteral("integer:31"));
        QCOMPARE(storedCell(path, events, QStringLiteral("to_close_ms"), 1), QStringLiteral("integer:2D31"));
        for (const char *column : { "method", "remote", "error" }) {
            QCOMPARE(storedCell(path, bodies, QLatin1String(column), 1), QStringLiteral("null:"));
            QCOMPARE(storedCell(path, bodies, QLatin1String(column), 2), QStringLiteral("text:"));
        }
        QCOMPARE(storedCell(path, bodies, QStringLiteral("error_offset"), 1), QStringLiteral("integer:2D31"));
        QCOMPARE(storedCell(path, bodies, QStringLiteral("error_offset"), 2), QStringLiteral("integer:30"));
        QCOMPARE(storedCell(path, bodies, QStringLiteral("headers"), 1), QStringLiteral("null:"));
        QCOMPARE(storedCell(path, bodies, QStringLiteral("body"), 1), QStringLiteral("null:"));
        QCOMPARE(storedCell(path, bodies, QStringLiteral("body"), 2), QStringLiteral("blob:"));
        QCOMPARE(storedCell(path, events, QStringLiteral("id"), 2), QStringLiteral("integer:32"));
    }

    void unicodeRoundTrips()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("unicode.sqlite"));
        CapturedEvent event = makeEvent(1, 1);
        const QString nul = QStringLiteral("before") + QChar(0) + QStringLiteral("after");
        QCOMPARE(nul.size(), 12);
        event.row.title
            = QStringLiteral("\U0001F600\U0001F9D1\u200D\U0001F4BB \U00010348 caf\u00e9 \u05e9\u05dc\u05d5\u05dd");
        event.row.customer = nul;
        event.row.team = QString(QChar(0xfeff)) + QStringLiteral("bom"); // kept (QSQLITE dropped it)
        event.row.tags = { QStringLiteral("\U0001F525"), nul, QStringLiteral("\u00fc") };
        event.method = QString(QChar(0));
        event.error = nul;
        event.remoteAddress = QStringLiteral("::ffff:127.0.0.1");
        CapturedEvent broken = makeEvent(2, 2);
        broken.row.title = QStringLiteral("x") + QChar(0xd800); // a lone surrogate is no UTF-8: U+FFFD
        broken.row.status = QString(QChar(0xdc00)) + QStringLiteral("y");
        {
            EventStore store;
            QVERIFY2(store.open(path), qPrintable(store.errorString()));
            QVERIFY2(store.insert({ event, broken }), qPrintable(store.errorString()));
        }
        QCOMPARE(storedCell(path, QStringLiteral("events"), QStringLiteral("customer"), 1),
            QStringLiteral("text:6265666F7265006166746572"));
        QCOMPARE(storedCell(path, QStringLiteral("events"), QStringLiteral("title"), 1).left(13),
            QStringLiteral("text:F09F9880"));
        EventStore store;
        QVERIFY2(store.open(path), qPrintable(store.errorString()));
        const auto stored = store.loadEvent(1);
        QVERIFY(stored.has_value());
        compareEvents(*stored, event);
        QCOMPARE(store.loadRowsAfter(0, 10).constFirst().customer, nul);
        const auto replaced = store.loadEvent(2);
        QVERIFY(replaced.has_value());
        QCOMPARE(replaced->row.title, QStringLiteral("x\ufffd"));
        QCOMPARE(replaced->row.status, QStringLiteral("\ufffdy"));
    }

    void failedGroupWritesNothingAndStoreStaysUsable()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("fail.sqlite"));
        EventStore store;
        QVERIFY(store.open(path));
        QVERIFY(store.insert({ makeEvent(1, 1), makeEvent(2, 2) }));
        // A duplicate at the end of a group: the rows and bodies before it go too.
        QList<CapturedEvent> group;
        for (qint64 id = 3; id <= 40; ++id)
            group.append(makeEvent(id, id));
        group.append(makeEvent(2, 99));
        QVERIFY(!store.insert(group));
        QVERIFY2(store.errorString().contains(QStringLiteral("UNIQUE")), qPrintable(store.errorString()));
        QVERIFY2(store.errorString().contains(path), qPrintable(store.errorString()));
        QCOMPARE(store.count(), 2);
        QVERIFY(!store.loadEvent(3).has_value());
        // No transaction was left open: the other writes (Qt SQL transactions) still work.
        QVERIFY2(store.remove({ 1 }), qPrintable(store.errorString()));
        group.removeLast();
        QVERIFY2(store.insert(group), qPrintable(store.errorString()));
        QCOMPARE(store.count(), 39);
        compareEvents(*store.loadEvent(40), group.constLast());

        // A full disk mid-group, then room again.
        QVERIFY(store.setMaxPageCountForTesting(store.pageCount() + 2));
        QList<CapturedEvent> big;
        for (qint64 id = 41; id < 240; ++id)
            big.append(makeEvent(id, id, QByteArray(4000, 'z')));
        QVERIFY(!store.insert(big));
        QVERIFY2(
            store.errorString().contains(QStringLiteral("full"), Qt::CaseInsensitive), qPrintable(store.errorString()));
        QCOMPARE(store.count(), 39);
        QVERIFY(!store.loadEvent(41).has_value());
        QVERIFY(store.setMaxPageCountForTesting(1000000));
        QVERIFY2(store.insert(big), qPrintable(store.errorString()));
        QCOMPARE(store.count(), 39 + big.size());
        QVERIFY2(store.removeThrough(100), qPrintable(store.errorString()));
        QCOMPARE(store.count(), 139);
    }

    void insertIntoReadOnlyStoreFails()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("ro.sqlite"));
        {
            EventStore writer;
            QVERIFY(writer.open(path));
            QVERIFY(writer.insert({ makeEvent(1, 1) }));
        }
        EventStore store;
        QVERIFY2(store.open(path, EventStore::Mode::ReadOnly), qPrintable(store.errorString()));
        QVERIFY(!store.insert({ makeEvent(2, 2) }));
        QVERIFY2(store.errorString().contains(QStringLiteral("Cannot write")), qPrintable(store.errorString()));
        QCOMPARE(store.count(), 1);
    }

    void closeReleasesTheConnection()
    {
        // SQLite closes a connection only once its statements are finalized; closing it is what
        // checkpoints the log and removes the -wal file. So the file must be whole, with no log
        // beside it, after every way the store lets go of a connection.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("close.sqlite"));
        const QString wal = path + QStringLiteral("-wal");
        {
            EventStore store;
            QVERIFY(store.open(path));
            QVERIFY(store.insert({ makeEvent(1, 1), makeEvent(2, 2) }));
            QVERIFY(QFile::exists(wal));
            store.close(); // close()
            QVERIFY(!QFile::exists(wal));
            QCOMPARE(openHandles(path), 0);
            QVERIFY(!store.isOpen());
            QVERIFY(!store.insert({ makeEvent(3, 3) }));

            QVERIFY(store.open(path)); // open() again on the same object
            QVERIFY2(store.insert({ makeEvent(3, 3) }), qPrintable(store.errorString()));
            QCOMPARE(openHandles(path), 1);
            QVERIFY(store.reconnect()); // reconnect(): the old connection is gone
            QCOMPARE(openHandles(path), 1);
            QVERIFY2(store.insert({ makeEvent(4, 4) }), qPrintable(store.errorString()));
            QVERIFY(!store.insert({ makeEvent(4, 4) })); // a failed group keeps the statements
            QVERIFY(!store.open(dir.filePath(QStringLiteral("missing/../x.sqlite")), EventStore::Mode::ReadOnly));
            QVERIFY(!QFile::exists(wal)); // open() of another file that fails
            QCOMPARE(openHandles(path), 0);
            QVERIFY(store.open(path));
            QVERIFY2(store.insert({ makeEvent(5, 5) }), qPrintable(store.errorString()));
        } // the destructor
        QVERIFY(!QFile::exists(wal));
        QCOMPARE(openHandles(path), 0);
        // The main file alone holds everything: copy it away from its folder and read it there.
        QTemporaryDir other;
        const QString copy = other.filePath(QStringLiteral("copy.sqlite"));
        QVERIFY(QFile::copy(path, copy));
        QVERIFY(QFile::remove(path));
        EventStore store;
        QVERIFY2(store.open(copy, EventStore::Mode::ReadOnly), qPrintable(store.errorString()));
        QCOMPARE(store.count(), 5);
        compareEvents(*store.loadEvent(5), makeEvent(5, 5));
    }

    void headersRoundTrip()
    {
        const HttpHeaders headers = { { "Host", "x:80" }, { "authorization", "Bearer a:b" }, { "x-empty", "" } };
        QCOMPARE(EventStore::decodeHeaders(EventStore::encodeHeaders(headers)), headers);
    }
};

QTEST_GUILESS_MAIN(TestEventStore)
#include "tst_eventstore.moc"
