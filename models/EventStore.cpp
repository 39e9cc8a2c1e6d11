#include "EventStore.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace {
QAtomicInteger<quint64> g_connectionCounter;

const QChar kTagSeparator(0x1f);

QString joinTags(const QStringList &tags)
{
    return tags.join(kTagSeparator);
}

QStringList splitTags(const QString &text)
{
    return text.isEmpty() ? QStringList() : text.split(kTagSeparator);
}

const char kRowColumns[]
    = "id, received_ms, kind, valid, attempt, retry_of, retry_gap, replies, size, request_id, "
      "title, status, urgency, sentiment, customer, team, assignee, channel, tags, path, event_type";

EventRow rowFromQuery(const QSqlQuery &query)
{
    EventRow row;
    row.id = query.value(0).toLongLong();
    row.receivedMs = query.value(1).toLongLong();
    const int kind = query.value(2).toInt();
    row.kind = (kind >= 0 && kind < EventKindCount) ? static_cast<EventKind>(kind) : EventKind::Unknown;
    row.valid = query.value(3).toBool();
    row.attempt = query.value(4).toInt();
    row.retryOf = query.value(5).toLongLong();
    row.retryGapSeconds = query.value(6).toInt();
    row.replies = query.value(7).toInt();
    row.sizeBytes = query.value(8).toInt();
    row.requestId = query.value(9).toString();
    row.title = query.value(10).toString();
    row.status = query.value(11).toString();
    row.urgency = query.value(12).toString();
    row.sentiment = query.value(13).toString();
    row.customer = query.value(14).toString();
    row.team = query.value(15).toString();
    row.assignee = query.value(16).toString();
    row.channel = query.value(17).toString();
    row.tags = splitTags(query.value(18).toString());
    row.path = query.value(19).toString();
    row.eventType = query.value(20).toString();
    return row;
}
} // namespace

EventStore::EventStore()
    : m_connectionName(QStringLiteral("thena-store-%1").arg(++g_connectionCounter))
{ }

EventStore::~EventStore()
{
    close();
}

bool EventStore::isOpen() const
{
    return QSqlDatabase::contains(m_connectionName) && QSqlDatabase::database(m_connectionName, false).isOpen();
}

void EventStore::close()
{
    if (!QSqlDatabase::contains(m_connectionName))
        return;
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

bool EventStore::fail(const QString &what, const QString &detail)
{
    m_error = detail.isEmpty() ? what : what + QStringLiteral(": ") + detail;
    return false;
}

bool EventStore::exec(const QString &sql)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    if (!query.exec(sql))
        return fail(QStringLiteral("Cannot write to the capture %1").arg(m_path), query.lastError().text());
    query.finish();
    return true;
}

bool EventStore::open(const QString &path, Mode mode)
{
    close();
    m_error.clear();
    m_path = path;
    m_mode = mode;

    const QFileInfo info(path);
    const bool exists = info.exists();
    if (exists && !info.isFile())
        return fail(QStringLiteral("%1 is not a file").arg(path), {});
    if (mode == Mode::ReadWrite) {
        // Root may write anywhere; a file whose write bits are all off was still meant to stay as it is.
        const auto writeBits = QFileDevice::WriteOwner | QFileDevice::WriteGroup | QFileDevice::WriteOther;
        if (exists && (!info.isWritable() || !(info.permissions() & writeBits)))
            return fail(QStringLiteral("The capture %1 is read-only").arg(path),
                QStringLiteral("the inspector keeps events in memory and leaves the file as it is"));
        QDir().mkpath(info.absolutePath());
        const QFileInfo dir(info.absolutePath());
        if (!dir.isWritable())
            return fail(QStringLiteral("Cannot write in the folder %1").arg(info.absolutePath()), {});
    } else if (!exists) {
        return fail(QStringLiteral("%1 does not exist").arg(path), {});
    }

    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
        if (!db.isValid())
            return fail(QStringLiteral("The SQLite driver for Qt is missing"),
                QStringLiteral("install the package libqt6sql6-sqlite"));
        db.setDatabaseName(path);
        if (mode == Mode::ReadOnly)
            db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=5000"));
        else
            db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        if (!db.open())
            return fail(QStringLiteral("Cannot open the capture %1").arg(path), db.lastError().text());
    }

    // Read what the file is before writing anything into it.
    if (!inspectAndPrepare(mode)) {
        close();
        return false;
    }
    return true;
}

bool EventStore::inspectAndPrepare(Mode mode)
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    int version = 0;
    int applicationId = 0;
    bool hasTables = false;
    {
        QSqlQuery query(db);
        if (!query.exec(QStringLiteral("PRAGMA user_version")) || !query.next())
            return fail(QStringLiteral("%1 is not a readable capture (damaged or not a SQLite file)").arg(m_path),
                query.lastError().text());
        version = query.value(0).toInt();
        if (!query.exec(QStringLiteral("PRAGMA application_id")) || !query.next())
            return fail(QStringLiteral("%1 is not a readable capture").arg(m_path), query.lastError().text());
        applicationId = query.value(0).toInt();
        if (!query.exec(QStringLiteral("SELECT count(*) FROM sqlite_master")) || !query.next())
            return fail(QStringLiteral("%1 is damaged").arg(m_path), query.lastError().text());
        hasTables = query.value(0).toInt() > 0;
    }
    if (!checkSchema(version, applicationId, hasTables))
        return false;
    if (mode == Mode::ReadOnly)
        return true;
    {
        QSqlQuery query(db);
        // An unfinished journal_mode query would block the first COMMIT.
        if (!query.exec(QStringLiteral("PRAGMA journal_mode=WAL")) || !query.next()
            || query.value(0).toString().compare(QLatin1String("wal"), Qt::CaseInsensitive) != 0)
            return fail(
                QStringLiteral("Cannot switch %1 to write-ahead logging").arg(m_path), query.lastError().text());
    }
    // FULL: a commit that returned survives a power cut, so "answered 200" means "on disk".
    if (!exec(QStringLiteral("PRAGMA synchronous=FULL")))
        return false;
    if (!hasTables || version < SchemaVersion)
        return createSchema();
    return true;
}

bool EventStore::checkSchema(int version, int applicationId, bool hasTables)
{
    if (!hasTables && applicationId == 0 && version == 0)
        return true; // a new, empty file
    if (applicationId != ApplicationId)
        return fail(QStringLiteral("%1 is not a Thena Inspector capture").arg(m_path),
            QStringLiteral("it is another application's SQLite database; it was left untouched"));
    if (version > SchemaVersion)
        return fail(QStringLiteral("%1 was written by a newer Thena Inspector (capture format %2, this version reads "
                                   "up to %3)")
                        .arg(m_path)
                        .arg(version)
                        .arg(SchemaVersion),
            QStringLiteral("update the inspector to open it; the file was left untouched"));
    if (version < 1)
        return fail(QStringLiteral("%1 has an unknown capture format (%2)").arg(m_path).arg(version), {});
    return true;
}

bool EventStore::createSchema()
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    if (!db.transaction())
        return fail(QStringLiteral("Cannot write to the capture %1").arg(m_path), db.lastError().text());
    // Migrations go here, one step per version, each inside this transaction.
    const QStringList statements = {
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
        QStringLiteral("PRAGMA application_id=%1").arg(ApplicationId),
        QStringLiteral("PRAGMA user_version=%1").arg(SchemaVersion),
    };
    for (const QString &sql : statements) {
        if (!exec(sql)) {
            db.rollback();
            return false;
        }
    }
    if (!db.commit())
        return fail(QStringLiteral("Cannot write to the capture %1").arg(m_path), db.lastError().text());
    return true;
}

bool EventStore::insert(const QList<CapturedEvent> &events)
{
    if (events.isEmpty())
        return true;
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    if (!db.isOpen())
        return fail(QStringLiteral("The capture is not open"), {});
    if (!db.transaction())
        return fail(QStringLiteral("Cannot write to the capture %1").arg(m_path), db.lastError().text());
    {
        QSqlQuery row(db);
        QSqlQuery body(db);
        row.prepare(QStringLiteral("INSERT INTO events (") + QLatin1String(kRowColumns)
            + QStringLiteral(") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
        body.prepare(QStringLiteral("INSERT INTO bodies (id, method, remote, error, error_offset, headers, body) "
                                    "VALUES (?,?,?,?,?,?,?)"));
        for (const CapturedEvent &event : events) {
            const EventRow &r = event.row;
            const QVariantList values = { r.id, r.receivedMs, int(r.kind), r.valid, r.attempt, r.retryOf,
                r.retryGapSeconds, r.replies, r.sizeBytes, r.requestId, r.title, r.status, r.urgency, r.sentiment,
                r.customer, r.team, r.assignee, r.channel, joinTags(r.tags), r.path, r.eventType };
            for (int i = 0; i < values.size(); ++i)
                row.bindValue(i, values.at(i));
            body.bindValue(0, r.id);
            body.bindValue(1, event.method);
            body.bindValue(2, event.remoteAddress);
            body.bindValue(3, event.error);
            body.bindValue(4, event.errorOffset);
            body.bindValue(5, encodeHeaders(event.headers));
            body.bindValue(6, event.body);
            if (!row.exec() || !body.exec()) {
                const QString detail = row.lastError().isValid() ? row.lastError().text() : body.lastError().text();
                row.finish();
                body.finish();
                db.rollback();
                return fail(QStringLiteral("Cannot write to the capture %1").arg(m_path), detail);
            }
        }
    }
    if (!db.commit()) {
        const QString detail = db.lastError().text();
        db.rollback();
        return fail(QStringLiteral("Cannot write to the capture %1").arg(m_path), detail);
    }
    return true;
}

qint64 EventStore::count()
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    if (!query.exec(QStringLiteral("SELECT count(*) FROM events")) || !query.next())
        return -1;
    return query.value(0).toLongLong();
}

qint64 EventStore::maxId()
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    if (!query.exec(QStringLiteral("SELECT coalesce(max(id), 0) FROM events")) || !query.next())
        return 0;
    return query.value(0).toLongLong();
}

QList<EventRow> EventStore::loadRows(qint64 beforeId, int limit)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT ") + QLatin1String(kRowColumns)
        + QStringLiteral(" FROM events WHERE id < ? ORDER BY id DESC LIMIT ?"));
    query.addBindValue(beforeId > 0 ? beforeId : std::numeric_limits<qint64>::max());
    query.addBindValue(limit);
    QList<EventRow> rows;
    if (!query.exec()) {
        fail(QStringLiteral("Cannot read the capture %1").arg(m_path), query.lastError().text());
        return rows;
    }
    while (query.next())
        rows.append(rowFromQuery(query));
    return rows;
}

QList<EventRow> EventStore::loadRowsAfter(qint64 afterId, int limit)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT ") + QLatin1String(kRowColumns)
        + QStringLiteral(" FROM events WHERE id > ? ORDER BY id ASC LIMIT ?"));
    query.addBindValue(afterId);
    query.addBindValue(limit);
    QList<EventRow> rows;
    if (!query.exec()) {
        fail(QStringLiteral("Cannot read the capture %1").arg(m_path), query.lastError().text());
        return rows;
    }
    while (query.next())
        rows.append(rowFromQuery(query));
    return rows;
}

std::optional<CapturedEvent> EventStore::loadEvent(qint64 id)
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT ") + QLatin1String(kRowColumns)
        + QStringLiteral(", b.method, b.remote, b.error, b.error_offset, b.headers, b.body"
                         " FROM events e LEFT JOIN bodies b USING (id) WHERE id = ?"));
    query.addBindValue(id);
    if (!query.exec() || !query.next())
        return std::nullopt;
    CapturedEvent event;
    event.row = rowFromQuery(query);
    event.method = query.value(21).toString();
    event.remoteAddress = query.value(22).toString();
    event.error = query.value(23).toString();
    event.errorOffset = query.value(24).isNull() ? -1 : query.value(24).toLongLong();
    event.headers = decodeHeaders(query.value(25).toByteArray());
    event.body = query.value(26).toByteArray();
    return event;
}

qint64 EventStore::applyRetention(qint64 maxEvents, qint64 maxAgeMs, qint64 nowMs)
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    qint64 cutoffId = 0; // remove every id <= cutoffId
    if (maxEvents > 0) {
        QSqlQuery query(db);
        query.prepare(QStringLiteral("SELECT id FROM events ORDER BY id DESC LIMIT 1 OFFSET ?"));
        query.addBindValue(maxEvents);
        if (!query.exec()) {
            fail(QStringLiteral("Cannot apply retention"), query.lastError().text());
            return -1;
        }
        if (query.next())
            cutoffId = query.value(0).toLongLong();
    }
    if (maxAgeMs > 0) {
        QSqlQuery query(db);
        query.prepare(QStringLiteral("SELECT coalesce(max(id), 0) FROM events WHERE received_ms < ?"));
        query.addBindValue(nowMs - maxAgeMs);
        if (!query.exec() || !query.next()) {
            fail(QStringLiteral("Cannot apply retention"), query.lastError().text());
            return -1;
        }
        cutoffId = std::max(cutoffId, query.value(0).toLongLong());
    }
    if (cutoffId == 0)
        return 0;
    if (!db.transaction())
        return -1;
    QSqlQuery remove(db);
    remove.prepare(QStringLiteral("DELETE FROM events WHERE id <= ?"));
    remove.addBindValue(cutoffId);
    if (!remove.exec()) {
        fail(QStringLiteral("Cannot apply retention"), remove.lastError().text());
        db.rollback();
        return -1;
    }
    const qint64 removed = remove.numRowsAffected();
    QSqlQuery bodies(db);
    bodies.prepare(QStringLiteral("DELETE FROM bodies WHERE id <= ?"));
    bodies.addBindValue(cutoffId);
    if (!bodies.exec() || !db.commit()) {
        fail(QStringLiteral("Cannot apply retention"), bodies.lastError().text());
        db.rollback();
        return -1;
    }
    return removed;
}

bool EventStore::remove(const QList<qint64> &ids)
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    if (!db.transaction())
        return fail(QStringLiteral("Cannot delete events"), db.lastError().text());
    QSqlQuery events(db);
    QSqlQuery bodies(db);
    events.prepare(QStringLiteral("DELETE FROM events WHERE id = ?"));
    bodies.prepare(QStringLiteral("DELETE FROM bodies WHERE id = ?"));
    for (qint64 id : ids) {
        events.bindValue(0, id);
        bodies.bindValue(0, id);
        if (!events.exec() || !bodies.exec()) {
            fail(QStringLiteral("Cannot delete events"), events.lastError().text());
            events.finish();
            bodies.finish();
            db.rollback();
            return false;
        }
    }
    return db.commit() || fail(QStringLiteral("Cannot delete events"), db.lastError().text());
}

bool EventStore::removeAll()
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    if (!db.transaction())
        return fail(QStringLiteral("Cannot clear the capture"), db.lastError().text());
    if (!exec(QStringLiteral("DELETE FROM events")) || !exec(QStringLiteral("DELETE FROM bodies"))) {
        db.rollback();
        return false;
    }
    return db.commit() || fail(QStringLiteral("Cannot clear the capture"), db.lastError().text());
}

bool EventStore::removeThrough(qint64 lastId)
{
    QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
    if (!db.transaction())
        return fail(QStringLiteral("Cannot delete events"), db.lastError().text());
    for (const QString &table : { QStringLiteral("events"), QStringLiteral("bodies") }) {
        QSqlQuery query(db);
        query.prepare(QStringLiteral("DELETE FROM %1 WHERE id <= ?").arg(table));
        query.addBindValue(lastId);
        if (!query.exec()) {
            fail(QStringLiteral("Cannot delete events"), query.lastError().text());
            query.finish();
            db.rollback();
            return false;
        }
    }
    return db.commit() || fail(QStringLiteral("Cannot delete events"), db.lastError().text());
}

qint64 EventStore::pageCount()
{
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    if (!query.exec(QStringLiteral("PRAGMA page_count")) || !query.next())
        return -1;
    return query.value(0).toLongLong();
}

bool EventStore::setMaxPageCountForTesting(qint64 pages)
{
    return exec(QStringLiteral("PRAGMA max_page_count=%1").arg(pages));
}

bool EventStore::copyTo(const QString &targetPath)
{
    if (QFileInfo::exists(targetPath))
        return fail(QStringLiteral("%1 already exists").arg(targetPath), {});
    QSqlQuery query(QSqlDatabase::database(m_connectionName, false));
    query.prepare(QStringLiteral("VACUUM INTO ?"));
    query.addBindValue(targetPath);
    if (!query.exec())
        return fail(QStringLiteral("Cannot save the capture as %1").arg(targetPath), query.lastError().text());
    return true;
}

QByteArray EventStore::encodeHeaders(const HttpHeaders &headers)
{
    // HTTP header lines: names cannot hold ':' and values cannot hold CR or LF.
    QByteArray out;
    for (const auto &[name, value] : headers) {
        out += name;
        out += ": ";
        out += value;
        out += "\r\n";
    }
    return out;
}

HttpHeaders EventStore::decodeHeaders(const QByteArray &encoded)
{
    HttpHeaders headers;
    for (const QByteArray &line : encoded.split('\n')) {
        const QByteArray trimmed = line.endsWith('\r') ? line.chopped(1) : line;
        if (trimmed.isEmpty())
            continue;
        const int colon = trimmed.indexOf(':');
        if (colon < 0)
            continue;
        headers.append({ trimmed.left(colon), trimmed.mid(colon + 2) });
    }
    return headers;
}
