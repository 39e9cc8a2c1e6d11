#include "EventStore.h"

#include "ThenaPayloadParser.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlField>
#include <QSqlQuery>
#include <QStringEncoder>
#include <QVariant>
#include <iterator>
#include <sqlite3.h>

namespace {
QAtomicInteger<quint64> g_connectionCounter;

const QChar kTagSeparator(0x1f);
const QLatin1String kApplicationName("thena-inspector");

QString joinTags(const QStringList &tags)
{
    return tags.join(kTagSeparator);
}

QStringList splitTags(const QString &text)
{
    return text.isEmpty() ? QStringList() : text.split(kTagSeparator);
}

// The row columns, in the order rowFromQuery() reads them; the four of schema 2 come last so a
// version 1 store can be read with constants in their place.
const char *const kRowColumns[] = { "id", "received_ms", "kind", "valid", "attempt", "retry_of", "retry_gap", "replies",
    "size", "request_id", "title", "status", "urgency", "sentiment", "customer", "team", "assignee", "channel", "tags",
    "path", "event_type", "to_first_response_ms", "to_assignment_ms", "to_close_ms", "escalated" };
constexpr int kRowColumnCount = int(std::size(kRowColumns));
constexpr int kFirstV2Column = 21;

// The select (or insert) list for a store of this version; prefix names the table ("e.").
QString rowColumns(int version, QLatin1String prefix = QLatin1String())
{
    QStringList columns;
    for (int i = 0; i < kRowColumnCount; ++i) {
        if (i >= kFirstV2Column && version < 2)
            columns.append(i == kRowColumnCount - 1 ? QStringLiteral("0") : QStringLiteral("-1"));
        else
            columns.append(prefix + QLatin1String(kRowColumns[i]));
    }
    return columns.join(QLatin1String(", "));
}

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
    row.toFirstResponseMs = query.value(21).toLongLong();
    row.toAssignmentMs = query.value(22).toLongLong();
    row.toCloseMs = query.value(23).toLongLong();
    row.escalated = query.value(24).toBool();
    return row;
}

void bodyFromQuery(const QSqlQuery &query, int first, CapturedEvent &event)
{
    event.method = query.value(first).toString();
    event.remoteAddress = query.value(first + 1).toString();
    event.error = query.value(first + 2).toString();
    event.errorOffset = query.value(first + 3).isNull() ? -1 : query.value(first + 3).toLongLong();
    event.headers = EventStore::decodeHeaders(query.value(first + 4).toByteArray());
    event.body = query.value(first + 5).toByteArray();
}

QVariantList rowValues(const EventRow &r)
{
    return { r.id, r.receivedMs, int(r.kind), r.valid, r.attempt, r.retryOf, r.retryGapSeconds, r.replies, r.sizeBytes,
        r.requestId, r.title, r.status, r.urgency, r.sentiment, r.customer, r.team, r.assignee, r.channel,
        joinTags(r.tags), r.path, r.eventType, r.toFirstResponseMs, r.toAssignmentMs, r.toCloseMs, r.escalated };
}

QVariantList bodyValues(const CapturedEvent &event)
{
    return { event.row.id, event.method, event.remoteAddress, event.error, event.errorOffset,
        EventStore::encodeHeaders(event.headers), event.body };
}

// PostgreSQL text cannot hold U+0000 (and QPSQL sends statements as C strings): a NUL that came
// in a JSON string is kept as U+FFFD in the extracted columns. The raw body is bytea, untouched.
QString sqlLiteral(QSqlDriver *driver, const QVariant &value)
{
    switch (value.typeId()) {
    case QMetaType::Int:
    case QMetaType::LongLong:
        return QString::number(value.toLongLong());
    case QMetaType::Bool:
        return value.toBool() ? QStringLiteral("TRUE") : QStringLiteral("FALSE");
    case QMetaType::QString: {
        QString text = value.toString();
        text.replace(QChar(0), QChar(0xfffd));
        QSqlField field(QString(), QMetaType::fromType<QString>());
        field.setValue(text);
        return driver->formatValue(field);
    }
    default: {
        QSqlField field(QString(), value.metaType());
        field.setValue(value);
        return driver->formatValue(field);
    }
    }
}

QString idList(const QList<qint64> &ids, qsizetype from, qsizetype count)
{
    QString list;
    for (qsizetype i = from; i < from + count; ++i) {
        if (i > from)
            list += u',';
        list += QString::number(ids.at(i));
    }
    return list;
}

// libpq's wording for "the password is missing or wrong".
bool isPasswordRefusal(const QString &detail)
{
    return detail.contains(QLatin1String("password authentication failed"))
        || detail.contains(QLatin1String("no password supplied"));
}

const QLatin1String kPasswordHint("set THENA_INSPECTOR_DB_PASSWORD or PGPASSWORD, or enter it when asked");

// Binds one statement's parameters in order, each value as QSQLITE bound it before: integers
// and bools as integers, a null QString or QByteArray as NULL, other strings as UTF-8 text
// (U+0000 included), byte arrays as blobs. Texts are converted into the caller's buffer, which
// must hold them all (3 bytes per UTF-16 unit) and outlive the statement's next step. Keeps the
// first error.
class SqliteBinder
{
public:
    SqliteBinder(sqlite3_stmt *stmt, QStringEncoder &utf8, char *out)
        : m_stmt(stmt)
        , m_utf8(utf8)
        , m_out(out)
    { }

    void integer(qint64 value)
    {
        if (m_rc == SQLITE_OK)
            m_rc = sqlite3_bind_int64(m_stmt, ++m_index, value);
    }

    void text(const QString &value)
    {
        if (m_rc != SQLITE_OK)
            return;
        if (value.isNull()) {
            m_rc = sqlite3_bind_null(m_stmt, ++m_index);
            return;
        }
        char *const start = m_out;
        m_out = m_utf8.appendToBuffer(m_out, value);
        bindText(start);
    }

    // As joinTags() gives them: the tags joined by U+001F, NULL when that is empty.
    void tags(const QStringList &tags)
    {
        if (m_rc != SQLITE_OK)
            return;
        char *const start = m_out;
        for (qsizetype i = 0; i < tags.size(); ++i) {
            if (i > 0)
                *m_out++ = char(kTagSeparator.unicode());
            m_out = m_utf8.appendToBuffer(m_out, tags.at(i));
        }
        if (m_out == start) {
            m_rc = sqlite3_bind_null(m_stmt, ++m_index);
            return;
        }
        bindText(start);
    }

    // The array stays where it is: it outlives the statement's step.
    void blob(const QByteArray &value)
    {
        if (m_rc != SQLITE_OK)
            return;
        if (value.isNull()) {
            m_rc = sqlite3_bind_null(m_stmt, ++m_index);
            return;
        }
        // A null pointer would bind NULL: an empty array is an empty blob, as before.
        const char *data = value.constData() ? value.constData() : "";
        m_rc = sqlite3_bind_blob64(m_stmt, ++m_index, data, sqlite3_uint64(value.size()), SQLITE_STATIC);
    }

    int rc() const { return m_rc; }
    char *end() const { return m_out; }

private:
    void bindText(const char *start)
    {
        // The buffer is never empty, so start is not null even for "" (which stays '', not NULL).
        m_rc = sqlite3_bind_text64(m_stmt, ++m_index, start, sqlite3_uint64(m_out - start), SQLITE_STATIC, SQLITE_UTF8);
    }

    sqlite3_stmt *m_stmt;
    QStringEncoder &m_utf8;
    char *m_out;
    int m_index = 0;
    int m_rc = SQLITE_OK;
};
} // namespace

// What insertSqlite() keeps between groups: its statements, prepared once on the connection's
// sqlite3 handle (the one QSQLITE opened), and its scratch buffer.
struct EventStore::SqliteInsert
{
    sqlite3 *db = nullptr;
    sqlite3_stmt *row = nullptr;
    sqlite3_stmt *body = nullptr;
    sqlite3_stmt *begin = nullptr;
    sqlite3_stmt *commit = nullptr;
    QByteArray scratch = QByteArray(4096, Qt::Uninitialized); // the texts of one event, as UTF-8
    // Stateless: a lone surrogate at the end of one string is not carried into the next; it
    // becomes U+FFFD.
    QStringEncoder utf8 { QStringEncoder::Utf8, QStringEncoder::Flag::Stateless };
    QString error; // sqlite3_errmsg() of the last failure

    bool prepare(const QByteArray &sql, sqlite3_stmt **stmt)
    {
        if (sqlite3_prepare_v3(db, sql.constData(), int(sql.size()), SQLITE_PREPARE_PERSISTENT, stmt, nullptr)
            == SQLITE_OK)
            return true;
        error = QString::fromUtf8(sqlite3_errmsg(db));
        return false;
    }

    // Steps a statement once and resets it, so it holds nothing between uses.
    bool run(sqlite3_stmt *stmt)
    {
        const int rc = sqlite3_step(stmt);
        if (rc != SQLITE_DONE)
            error = QString::fromUtf8(sqlite3_errmsg(db));
        sqlite3_reset(stmt);
        return rc == SQLITE_DONE;
    }

    void finalize()
    {
        for (sqlite3_stmt **stmt : { &row, &body, &begin, &commit }) {
            sqlite3_finalize(*stmt);
            *stmt = nullptr;
        }
    }
};

EventStore::EventStore()
    : m_connectionName(QStringLiteral("thena-store-%1").arg(++g_connectionCounter))
{ }

EventStore::~EventStore()
{
    close();
}

QSqlDatabase EventStore::database() const
{
    return QSqlDatabase::database(m_connectionName, false);
}

bool EventStore::isOpen() const
{
    return QSqlDatabase::contains(m_connectionName) && database().isOpen();
}

bool EventStore::isConnectionLost() const
{
    return m_dialect.isPostgreSql() && m_connected && !database().isOpen();
}

QSqlDriver *EventStore::driver() const
{
    return QSqlDatabase::contains(m_connectionName) ? database().driver() : nullptr;
}

void EventStore::close()
{
    m_connected = false;
    // Before the connection closes: SQLite does not close a connection that has statements left.
    finalizeSqliteInsert();
    if (!QSqlDatabase::contains(m_connectionName))
        return;
    {
        QSqlDatabase db = database();
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

bool EventStore::fail(const QString &what, const QString &detail)
{
    m_error = detail.isEmpty() ? what : what + QStringLiteral(": ") + detail;
    return false;
}

bool EventStore::failWrite(const QString &detail)
{
    if (isConnectionLost())
        return fail(QStringLiteral("Lost the connection to the team database %1").arg(m_location.displayName()),
            detail.trimmed().isEmpty() ? QStringLiteral("the server closed it") : detail.trimmed());
    return fail(QStringLiteral("Cannot write to the capture %1").arg(path()), detail);
}

bool EventStore::exec(const QString &sql)
{
    QSqlQuery query(database());
    if (!query.exec(sql))
        return failWrite(query.lastError().text());
    query.finish();
    return true;
}

bool EventStore::open(const QString &location, Mode mode)
{
    QString error;
    const StoreLocation parsed = StoreLocation::parse(location, &error);
    if (!parsed.isValid()) {
        close();
        m_location = StoreLocation();
        // A URL is not repeated: it may hold the very password the error is about.
        return fail(StoreLocation::isPostgreSqlUrl(location)
                ? QStringLiteral("Cannot use the team database location")
                : QStringLiteral("Cannot open the capture \"%1\"").arg(location),
            error);
    }
    return open(parsed, mode);
}

bool EventStore::open(const StoreLocation &location, Mode mode)
{
    close();
    m_error.clear();
    m_location = location;
    m_mode = mode;
    m_version = SchemaVersion;
    m_rowColumns = rowColumns(SchemaVersion);
    m_dialect = StoreDialect(location.isPostgreSql() ? StoreDialect::Kind::PostgreSql : StoreDialect::Kind::Sqlite);
    if (!location.isValid())
        return fail(QStringLiteral("No capture file or database given"), {});
    const bool opened = location.isPostgreSql() ? openPostgreSql(mode) : openSqlite(mode);
    if (!opened) {
        close();
        return false;
    }
    m_rowColumns = rowColumns(m_version);
    m_connected = true;
    return true;
}

bool EventStore::reconnect()
{
    return open(StoreLocation(m_location), m_mode);
}

bool EventStore::openSqlite(Mode mode)
{
    const QString path = m_location.filePath();
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
    return inspectSqlite(mode);
}

bool EventStore::inspectSqlite(Mode mode)
{
    QSqlDatabase db = database();
    const QString path = m_location.filePath();
    int version = 0;
    int applicationId = 0;
    bool hasTables = false;
    {
        QSqlQuery query(db);
        if (!query.exec(QStringLiteral("PRAGMA user_version")) || !query.next())
            return fail(QStringLiteral("%1 is not a readable capture (damaged or not a SQLite file)").arg(path),
                query.lastError().text());
        version = query.value(0).toInt();
        if (!query.exec(QStringLiteral("PRAGMA application_id")) || !query.next())
            return fail(QStringLiteral("%1 is not a readable capture").arg(path), query.lastError().text());
        applicationId = query.value(0).toInt();
        if (!query.exec(QStringLiteral("SELECT count(*) FROM sqlite_master")) || !query.next())
            return fail(QStringLiteral("%1 is damaged").arg(path), query.lastError().text());
        hasTables = query.value(0).toInt() > 0;
    }
    const bool empty = !hasTables && applicationId == 0 && version == 0;
    if (!empty && !checkSchema(version, applicationId == ApplicationId, hasTables))
        return false;
    m_version = version;
    if (mode == Mode::ReadOnly)
        return true;
    {
        QSqlQuery query(db);
        // An unfinished journal_mode query would block the first COMMIT.
        if (!query.exec(QStringLiteral("PRAGMA journal_mode=WAL")) || !query.next()
            || query.value(0).toString().compare(QLatin1String("wal"), Qt::CaseInsensitive) != 0)
            return fail(QStringLiteral("Cannot switch %1 to write-ahead logging").arg(path), query.lastError().text());
    }
    // FULL: a commit that returned survives a power cut, so "answered 200" means "on disk".
    if (!exec(QStringLiteral("PRAGMA synchronous=FULL")))
        return false;
    if (version >= SchemaVersion)
        return true;
    if (!db.transaction())
        return failWrite(db.lastError().text());
    if (!migrate(version)) {
        db.rollback();
        return false;
    }
    if (!db.commit())
        return failWrite(db.lastError().text());
    m_version = SchemaVersion;
    return true;
}

QString EventStore::lockStatement() const
{
    // One lock per schema, across every receiver and window of this database: writers take it
    // for each commit, so arrival positions are handed out in commit order, and open() takes it
    // while it creates or migrates the tables.
    return QStringLiteral("SELECT pg_advisory_xact_lock(%1, hashtext('%2'))")
        .arg(ApplicationId)
        .arg(m_location.schema());
}

QString EventStore::notificationChannel() const
{
    if (!m_dialect.isPostgreSql())
        return {};
    return m_location.schema() == QLatin1String("public") ? QStringLiteral("thena_events")
                                                          : QStringLiteral("thena_events_") + m_location.schema();
}

bool EventStore::openPostgreSql(Mode mode)
{
    const QString where = m_location.displayName();
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), m_connectionName);
        if (!db.isValid())
            return fail(QStringLiteral("The PostgreSQL driver for Qt is missing"),
                QStringLiteral("install the package libqt6sql6-psql"));
        if (!m_location.host().isEmpty())
            db.setHostName(m_location.host());
        db.setPort(m_location.port());
        db.setDatabaseName(m_location.database());
        db.setUserName(m_location.user());
        db.setPassword(m_location.password());
        // A dead server or network must show up in seconds, not after TCP's minutes, so a
        // delivery waiting for its commit is answered 503 soon and the reconnecting starts.
        QStringList options = {
            QStringLiteral("connect_timeout=5"),
            QStringLiteral("keepalives=1"),
            QStringLiteral("keepalives_idle=10"),
            QStringLiteral("keepalives_interval=5"),
            QStringLiteral("keepalives_count=3"),
            QStringLiteral("tcp_user_timeout=15000"),
            QStringLiteral("application_name=%1-%2:%3")
                .arg(kApplicationName, mode == Mode::ReadWrite ? QLatin1String("writer") : QLatin1String("reader"),
                    m_location.schema()),
        };
        if (!m_location.sslMode().isEmpty())
            options.append(QStringLiteral("sslmode=") + m_location.sslMode());
        db.setConnectOptions(options.join(u';'));
        if (!db.open()) {
            const QString detail = db.lastError().databaseText().trimmed();
            if (isPasswordRefusal(detail))
                return fail(
                    QStringLiteral("The team database %1 refused the password for %2")
                        .arg(where, m_location.user().isEmpty() ? QStringLiteral("this user") : m_location.user()),
                    m_location.password().isEmpty() ? QStringLiteral("no password was given; ") + kPasswordHint
                                                    : QString(kPasswordHint));
            return fail(QStringLiteral("Cannot connect to the team database %1").arg(where),
                detail.isEmpty() ? db.lastError().text() : detail);
        }
    }
    QSqlDatabase db = database();
    QSqlQuery query(db);
    if (!query.exec(QStringLiteral("SHOW server_encoding")) || !query.next())
        return fail(QStringLiteral("Cannot read the team database %1").arg(where), query.lastError().text());
    if (query.value(0).toString().compare(QLatin1String("UTF8"), Qt::CaseInsensitive) != 0)
        return fail(QStringLiteral("The team database %1 uses the encoding %2").arg(where, query.value(0).toString()),
            QStringLiteral("create it with ENCODING 'UTF8' so every text Thena sends fits"));
    // Notices ("schema already exists, skipping") would go to stderr through libpq: not news.
    if (!query.exec(QStringLiteral("SET client_min_messages TO warning")))
        return fail(QStringLiteral("Cannot read the team database %1").arg(where), query.lastError().text());
    // The schema may not exist yet: search_path accepts that, and open() creates it below.
    if (!query.exec(QStringLiteral("SET search_path TO %1")
                        .arg(db.driver()->escapeIdentifier(m_location.schema(), QSqlDriver::TableName))))
        return fail(
            QStringLiteral("Cannot use the schema %1 in %2").arg(m_location.schema(), where), query.lastError().text());
    // Bodies are compressed as they are stored; lz4 costs a fraction of the server's default
    // (pglz). A server without it (before 14, or built without lz4) refuses: pglz it is then.
    if (mode == Mode::ReadWrite)
        query.exec(QStringLiteral("SET default_toast_compression = 'lz4'"));
    if (mode == Mode::ReadOnly && !query.exec(QStringLiteral("SET default_transaction_read_only = on")))
        return fail(QStringLiteral("Cannot read the team database %1").arg(where), query.lastError().text());
    query.finish();
    return inspectPostgreSql(mode);
}

bool EventStore::inspectPostgreSql(Mode mode)
{
    QSqlDatabase db = database();
    const QString where = m_location.displayName();
    const QString schema = m_location.schema();
    const bool write = mode == Mode::ReadWrite;
    // Two receivers starting on an empty database must not both create the tables.
    if (write && !db.transaction())
        return fail(QStringLiteral("Cannot write to the team database %1").arg(where), db.lastError().text());
    const auto abort = [&](const QString &what, const QString &detail) {
        if (write && db.isOpen())
            db.rollback();
        return fail(what, detail);
    };
    int version = 0;
    bool ours = false;
    bool hasTables = false;
    {
        QSqlQuery query(db);
        if (write && !query.exec(lockStatement()))
            return abort(QStringLiteral("Cannot write to the team database %1").arg(where), query.lastError().text());
        if (write && schema != QLatin1String("public")
            && !query.exec(QStringLiteral("CREATE SCHEMA IF NOT EXISTS %1")
                               .arg(db.driver()->escapeIdentifier(schema, QSqlDriver::TableName))))
            return abort(QStringLiteral("Cannot create the schema %1 in %2").arg(schema, where),
                query.lastError().databaseText().trimmed());
        // The schema name is a checked identifier (StoreLocation), safe inside quotes.
        if (!query.exec(QStringLiteral("SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = '%1'").arg(schema))
            || !query.next())
            return abort(QStringLiteral("Cannot read the team database %1").arg(where), query.lastError().text());
        hasTables = query.value(0).toLongLong() > 0;
        if (!query.exec(QStringLiteral("SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = '%1' AND "
                                       "tablename = 'thena_schema'")
                            .arg(schema))
            || !query.next())
            return abort(QStringLiteral("Cannot read the team database %1").arg(where), query.lastError().text());
        if (query.value(0).toLongLong() > 0) {
            if (!query.exec(QStringLiteral("SELECT application, version FROM thena_schema")))
                return abort(QStringLiteral("Cannot read the team database %1").arg(where), query.lastError().text());
            if (query.next()) {
                ours = query.value(0).toString() == kApplicationName;
                version = query.value(1).toInt();
            }
        }
    }
    if (!hasTables) {
        if (!write)
            return fail(QStringLiteral("There is no capture in %1 yet").arg(where),
                QStringLiteral("start a receiver with --store on it first"));
    } else if (!checkSchema(version, ours, hasTables)) {
        if (write)
            db.rollback();
        return false;
    }
    m_version = version;
    if (!write)
        return true;
    if (version < SchemaVersion && !migrate(version))
        return abort(m_error, {});
    if (!db.commit())
        return fail(QStringLiteral("Cannot write to the team database %1").arg(where), db.lastError().text());
    m_version = SchemaVersion;
    return true;
}

bool EventStore::checkSchema(int version, bool ours, bool hasTables)
{
    const QString where = m_dialect.isPostgreSql()
        ? QStringLiteral("The schema %1 of %2").arg(m_location.schema(), m_location.displayName())
        : m_location.filePath();
    if (!ours) {
        if (m_dialect.isPostgreSql())
            return fail(QStringLiteral("%1 holds tables that are not a Thena Inspector capture").arg(where),
                QStringLiteral("choose another schema with ?schema=NAME; nothing was changed"));
        return fail(QStringLiteral("%1 is not a Thena Inspector capture").arg(where),
            QStringLiteral("it is another application's SQLite database; it was left untouched"));
    }
    if (version > SchemaVersion)
        return fail(QStringLiteral("%1 was written by a newer Thena Inspector (capture format %2, this version reads "
                                   "up to %3)")
                        .arg(where)
                        .arg(version)
                        .arg(SchemaVersion),
            QStringLiteral("update the inspector to open it; it was left untouched"));
    if (version < 1 && hasTables)
        return fail(QStringLiteral("%1 has an unknown capture format (%2)").arg(where).arg(version), {});
    return true;
}

bool EventStore::migrate(int fromVersion)
{
    // Inside the caller's transaction: a migration that fails leaves the old version as it was.
    for (int version = fromVersion + 1; version <= SchemaVersion; ++version) {
        const QStringList statements = m_dialect.migration(version);
        for (const QString &sql : statements) {
            if (!exec(sql))
                return false;
        }
        if (version == 2 && fromVersion >= 1 && !refillDerivedTimes())
            return false;
    }
    if (m_dialect.isPostgreSql()) {
        QSqlQuery query(database());
        query.prepare(QStringLiteral("INSERT INTO thena_schema (application, version) VALUES (?, ?)"));
        query.addBindValue(QString(kApplicationName));
        query.addBindValue(SchemaVersion);
        if (!exec(QStringLiteral("DELETE FROM thena_schema")) || !query.exec())
            return failWrite(query.lastError().text());
        return true;
    }
    return exec(QStringLiteral("PRAGMA application_id=%1").arg(ApplicationId))
        && exec(QStringLiteral("PRAGMA user_version=%1").arg(SchemaVersion));
}

bool EventStore::refillDerivedTimes()
{
    // Version 1 did not keep the derived times: they come from the stored bodies, parsed again
    // exactly as at capture time, so the Insights charts cover old events too. In pages, so
    // a million events never sit in memory at once.
    QSqlDatabase db = database();
    QSqlQuery update(db);
    update.prepare(QStringLiteral("UPDATE events SET to_first_response_ms = ?, to_assignment_ms = ?, "
                                  "to_close_ms = ?, escalated = ? WHERE id = ?"));
    qint64 after = std::numeric_limits<qint64>::min();
    constexpr int kPage = 2000;
    for (;;) {
        QList<QPair<qint64, QByteArray>> page;
        {
            QSqlQuery select(db);
            select.setForwardOnly(true);
            if (!select.exec(QStringLiteral("SELECT e.id, b.body FROM events e JOIN bodies b ON b.id = e.id "
                                            "WHERE e.id > %1 AND e.valid = %2 ORDER BY e.id LIMIT %3")
                                 .arg(after)
                                 .arg(m_dialect.isPostgreSql() ? QStringLiteral("TRUE") : QStringLiteral("1"))
                                 .arg(kPage)))
                return failWrite(select.lastError().text());
            while (select.next())
                page.append({ select.value(0).toLongLong(), select.value(1).toByteArray() });
        }
        if (page.isEmpty())
            return true;
        after = page.constLast().first;
        for (const auto &[id, body] : page) {
            EventRow row;
            ThenaPayloadParser::parse(body, row);
            if (row.toFirstResponseMs < 0 && row.toAssignmentMs < 0 && row.toCloseMs < 0 && !row.escalated)
                continue; // the column defaults already say so
            update.bindValue(0, row.toFirstResponseMs);
            update.bindValue(1, row.toAssignmentMs);
            update.bindValue(2, row.toCloseMs);
            update.bindValue(3, row.escalated);
            update.bindValue(4, id);
            if (!update.exec())
                return failWrite(update.lastError().text());
        }
    }
}

std::optional<EventStore::IdRange> EventStore::claimIdRange()
{
    if (!m_dialect.isPostgreSql()) {
        const qint64 max = maxId();
        if (!m_error.isEmpty())
            return std::nullopt;
        return IdRange { max + 1, std::numeric_limits<qint64>::max() };
    }
    QSqlQuery query(database());
    if (!query.exec(QStringLiteral("SELECT nextval('thena_id_blocks')")) || !query.next()) {
        failWrite(query.lastError().text());
        return std::nullopt;
    }
    const qint64 block = query.value(0).toLongLong();
    if (block < 0 || block >= std::numeric_limits<qint64>::max() / IdBlockSize) {
        fail(QStringLiteral("The team database %1 has no ids left").arg(m_location.displayName()), {});
        return std::nullopt;
    }
    return IdRange { block * IdBlockSize + 1, (block + 1) * IdBlockSize - 1 };
}

bool EventStore::insert(const QList<CapturedEvent> &events)
{
    if (events.isEmpty())
        return true;
    m_error.clear();
    if (!isOpen())
        return isConnectionLost() ? failWrite({}) : fail(QStringLiteral("The capture is not open"), {});
    return m_dialect.isPostgreSql() ? insertPostgreSql(events) : insertSqlite(events);
}

bool EventStore::insertSqlite(const QList<CapturedEvent> &events)
{
    if (!m_sqliteInsert) {
        // The statements live as long as the connection: a group costs no parsing, and the
        // values go from the events to SQLite without QVariants or QSQLITE in between.
        const QVariant handle = database().driver()->handle();
        sqlite3 *db = qstrcmp(handle.typeName(), "sqlite3*") == 0 ? *static_cast<sqlite3 *const *>(handle.constData())
                                                                  : nullptr;
        if (!db)
            return failWrite(QStringLiteral("the SQLite driver gave no connection handle"));
        auto insert = std::make_unique<SqliteInsert>();
        insert->db = db;
        const QByteArray rowSql = "INSERT INTO events (" + rowColumns(SchemaVersion).toLatin1() + ") VALUES ("
            + QByteArray("?,").repeated(kRowColumnCount - 1) + "?)";
        const QByteArray bodySql = "INSERT INTO bodies (id, method, remote, error, error_offset, headers, body) "
                                   "VALUES (?,?,?,?,?,?,?)";
        if (!insert->prepare(rowSql, &insert->row) || !insert->prepare(bodySql, &insert->body)
            || !insert->prepare("BEGIN", &insert->begin) || !insert->prepare("COMMIT", &insert->commit)) {
            const QString detail = insert->error;
            insert->finalize();
            return failWrite(detail);
        }
        m_sqliteInsert = std::move(insert);
    }
    SqliteInsert &insert = *m_sqliteInsert;
    if (!insert.run(insert.begin))
        return failWrite(insert.error); // not ours to roll back: e.g. a transaction someone else opened
    for (const CapturedEvent &event : events) {
        const EventRow &r = event.row;
        // Every text of this event fits in the scratch buffer at once (UTF-8 takes at most three
        // bytes per UTF-16 unit), so the pointers bound below stay valid until the statements have run.
        qsizetype units = r.requestId.size() + r.title.size() + r.status.size() + r.urgency.size() + r.sentiment.size()
            + r.customer.size() + r.team.size() + r.assignee.size() + r.channel.size() + r.path.size()
            + r.eventType.size() + event.method.size() + event.remoteAddress.size() + event.error.size();
        for (const QString &tag : r.tags)
            units += tag.size() + 1;
        const qsizetype needed = 3 * units;
        if (insert.scratch.size() < needed)
            insert.scratch.resize(std::max<qsizetype>(needed, 2 * insert.scratch.size()));
        SqliteBinder row(insert.row, insert.utf8, insert.scratch.data());
        row.integer(r.id);
        row.integer(r.receivedMs);
        row.integer(int(r.kind));
        row.integer(r.valid ? 1 : 0);
        row.integer(r.attempt);
        row.integer(r.retryOf);
        row.integer(r.retryGapSeconds);
        row.integer(r.replies);
        row.integer(r.sizeBytes);
        for (const QString *text : { &r.requestId, &r.title, &r.status, &r.urgency, &r.sentiment, &r.customer, &r.team,
                 &r.assignee, &r.channel })
            row.text(*text);
        row.tags(r.tags);
        row.text(r.path);
        row.text(r.eventType);
        row.integer(r.toFirstResponseMs);
        row.integer(r.toAssignmentMs);
        row.integer(r.toCloseMs);
        row.integer(r.escalated ? 1 : 0);
        SqliteBinder body(insert.body, insert.utf8, row.end());
        body.integer(r.id);
        body.text(event.method);
        body.text(event.remoteAddress);
        body.text(event.error);
        body.integer(event.errorOffset); // -1 is stored as -1, as before (bodyFromQuery reads NULL as -1 too)
        const QByteArray headers = encodeHeaders(event.headers); // null, so NULL, when there are none
        body.blob(headers);
        body.blob(event.body);
        if (row.rc() != SQLITE_OK || body.rc() != SQLITE_OK) {
            insert.error = QString::fromUtf8(sqlite3_errmsg(insert.db));
            return failSqliteInsert();
        }
        if (!insert.run(insert.row) || !insert.run(insert.body))
            return failSqliteInsert();
    }
    if (!insert.run(insert.commit))
        return failSqliteInsert();
    return true;
}

bool EventStore::failSqliteInsert()
{
    // Nothing of the group stays, and no transaction is left open for the next caller. SQLite
    // may have rolled back already (a full disk, an I/O error).
    SqliteInsert &insert = *m_sqliteInsert;
    if (!sqlite3_get_autocommit(insert.db))
        sqlite3_exec(insert.db, "ROLLBACK", nullptr, nullptr, nullptr);
    return failWrite(insert.error);
}

void EventStore::finalizeSqliteInsert()
{
    if (!m_sqliteInsert)
        return;
    m_sqliteInsert->finalize();
    m_sqliteInsert.reset();
}

bool EventStore::insertPostgreSql(const QList<CapturedEvent> &events)
{
    // QPSQL sends each exec() as a statement of its own (one round trip), so rows go in as
    // multi-row INSERTs of literal values: a batch costs a handful of round trips, not two per event.
    QSqlDatabase db = database();
    QSqlDriver *driver = db.driver();
    if (!db.transaction())
        return failWrite(db.lastError().text());
    const auto abort = [&](const QString &detail) {
        if (db.isOpen())
            db.rollback();
        return failWrite(detail);
    };
    QSqlQuery query(db);
    if (!query.exec(lockStatement()))
        return abort(query.lastError().text());
    constexpr qsizetype kMaxStatementChars = 4 * 1024 * 1024;
    const QString rowsInsert
        = QStringLiteral("INSERT INTO events (") + rowColumns(SchemaVersion) + QStringLiteral(") VALUES ");
    const QString bodiesInsert
        = QStringLiteral("INSERT INTO bodies (id, method, remote, error, error_offset, headers, body) VALUES ");
    for (const bool bodies : { false, true }) {
        QString sql;
        const auto flush = [&] {
            if (sql.isEmpty())
                return true;
            const bool ok = query.exec(sql);
            sql.clear();
            return ok;
        };
        for (const CapturedEvent &event : events) {
            const QVariantList values = bodies ? bodyValues(event) : rowValues(event.row);
            sql += sql.isEmpty() ? (bodies ? bodiesInsert : rowsInsert) : QStringLiteral(",");
            sql += u'(';
            for (qsizetype i = 0; i < values.size(); ++i) {
                if (i > 0)
                    sql += u',';
                sql += sqlLiteral(driver, values.at(i));
            }
            sql += u')';
            if (sql.size() >= kMaxStatementChars && !flush())
                return abort(query.lastError().text());
        }
        if (!flush())
            return abort(query.lastError().text());
    }
    // Delivered to the listeners when the transaction commits; the payload is a hint only.
    if (!query.exec(
            QStringLiteral("SELECT pg_notify('%1', currval('thena_arrival')::text)").arg(notificationChannel())))
        return abort(query.lastError().text());
    query.finish();
    if (!db.commit())
        return abort(db.lastError().text());
    return true;
}

qint64 EventStore::count()
{
    QSqlQuery query(database());
    if (!query.exec(QStringLiteral("SELECT count(*) FROM events")) || !query.next())
        return -1;
    return query.value(0).toLongLong();
}

qint64 EventStore::countIds(const QList<qint64> &ids)
{
    constexpr qsizetype kChunk = 500;
    qint64 found = 0;
    for (qsizetype from = 0; from < ids.size(); from += kChunk) {
        QSqlQuery query(database());
        if (!query.exec(QStringLiteral("SELECT count(*) FROM events WHERE id IN (%1)")
                            .arg(idList(ids, from, std::min(kChunk, ids.size() - from))))
            || !query.next()) {
            fail(QStringLiteral("Cannot read the capture %1").arg(path()), query.lastError().text());
            return -1;
        }
        found += query.value(0).toLongLong();
    }
    return found;
}

qint64 EventStore::maxId()
{
    QSqlQuery query(database());
    if (!query.exec(QStringLiteral("SELECT coalesce(max(id), 0) FROM events")) || !query.next()) {
        fail(QStringLiteral("Cannot read the capture %1").arg(path()), query.lastError().text());
        return 0;
    }
    return query.value(0).toLongLong();
}

// Numbers go into the SQL text rather than bound: with QPSQL a bound query costs a PREPARE and
// a DEALLOCATE round trip besides its EXECUTE, and integers need no escaping.
QList<EventRow> EventStore::loadRows(qint64 beforeId, int limit)
{
    QSqlQuery query(database());
    query.setForwardOnly(true);
    QList<EventRow> rows;
    if (!query.exec(QStringLiteral("SELECT %1 FROM events WHERE id < %2 ORDER BY id DESC LIMIT %3")
                        .arg(m_rowColumns)
                        .arg(beforeId > 0 ? beforeId : std::numeric_limits<qint64>::max())
                        .arg(limit))) {
        fail(QStringLiteral("Cannot read the capture %1").arg(path()), query.lastError().text());
        return rows;
    }
    while (query.next())
        rows.append(rowFromQuery(query));
    return rows;
}

QList<EventRow> EventStore::loadRowsAfter(qint64 afterId, int limit)
{
    QSqlQuery query(database());
    query.setForwardOnly(true);
    QList<EventRow> rows;
    if (!query.exec(QStringLiteral("SELECT %1 FROM events WHERE id > %2 ORDER BY id ASC LIMIT %3")
                        .arg(m_rowColumns)
                        .arg(afterId)
                        .arg(limit))) {
        fail(QStringLiteral("Cannot read the capture %1").arg(path()), query.lastError().text());
        return rows;
    }
    while (query.next())
        rows.append(rowFromQuery(query));
    return rows;
}

qint64 EventStore::lastArrival()
{
    QSqlQuery query(database());
    if (!query.exec(QStringLiteral("SELECT coalesce(max(%1), 0) FROM events").arg(m_dialect.arrivalColumn()))
        || !query.next()) {
        fail(QStringLiteral("Cannot read the capture %1").arg(path()), query.lastError().text());
        return -1;
    }
    return query.value(0).toLongLong();
}

QList<EventRow> EventStore::loadArrivedAfter(qint64 position, int limit, qint64 *lastPosition)
{
    const QString arrival = m_dialect.arrivalColumn();
    QSqlQuery query(database());
    query.setForwardOnly(true);
    QList<EventRow> rows;
    if (!query.exec(QStringLiteral("SELECT %1, %2 FROM events WHERE %2 > %3 ORDER BY %2 ASC LIMIT %4")
                        .arg(m_rowColumns, arrival)
                        .arg(position)
                        .arg(limit))) {
        fail(QStringLiteral("Cannot read the capture %1").arg(path()), query.lastError().text());
        return rows;
    }
    while (query.next()) {
        rows.append(rowFromQuery(query));
        if (lastPosition)
            *lastPosition = query.value(kRowColumnCount).toLongLong();
    }
    return rows;
}

bool EventStore::announceRemoval()
{
    return !m_dialect.isPostgreSql()
        || exec(QStringLiteral("SELECT pg_notify('%1', '%2')").arg(notificationChannel(), RemovedPayload));
}

std::optional<QList<qint64>> EventStore::loadIds()
{
    QSqlQuery query(database());
    query.setForwardOnly(true);
    if (!query.exec(QStringLiteral("SELECT id FROM events ORDER BY id"))) {
        failWrite(query.lastError().text());
        return std::nullopt;
    }
    QList<qint64> ids;
    while (query.next())
        ids.append(query.value(0).toLongLong());
    return ids;
}

bool EventStore::subscribeToArrivals()
{
    QSqlDriver *sqlDriver = driver();
    if (!m_dialect.isPostgreSql() || !sqlDriver || !sqlDriver->hasFeature(QSqlDriver::EventNotifications))
        return false;
    if (!sqlDriver->subscribeToNotification(notificationChannel()))
        return fail(QStringLiteral("Cannot follow the team database %1").arg(m_location.displayName()),
            sqlDriver->lastError().text());
    return true;
}

std::optional<CapturedEvent> EventStore::loadEvent(qint64 id)
{
    QSqlQuery query(database());
    query.setForwardOnly(true);
    if (!query.exec(QStringLiteral("SELECT %1, b.method, b.remote, b.error, b.error_offset, b.headers, b.body"
                                   " FROM events e LEFT JOIN bodies b ON b.id = e.id WHERE e.id = %2")
                        .arg(rowColumns(m_version, QLatin1String("e.")))
                        .arg(id))
        || !query.next())
        return std::nullopt;
    CapturedEvent event;
    event.row = rowFromQuery(query);
    bodyFromQuery(query, kRowColumnCount, event);
    return event;
}

QList<CapturedEvent> EventStore::loadEventsAfter(qint64 afterId, int limit)
{
    QSqlQuery query(database());
    query.setForwardOnly(true);
    QList<CapturedEvent> events;
    if (!query.exec(QStringLiteral("SELECT %1, b.method, b.remote, b.error, b.error_offset, b.headers, b.body"
                                   " FROM events e LEFT JOIN bodies b ON b.id = e.id WHERE e.id > %2 ORDER BY e.id "
                                   "LIMIT %3")
                        .arg(rowColumns(m_version, QLatin1String("e.")))
                        .arg(afterId)
                        .arg(limit))) {
        fail(QStringLiteral("Cannot read the capture %1").arg(path()), query.lastError().text());
        return events;
    }
    while (query.next()) {
        CapturedEvent event;
        event.row = rowFromQuery(query);
        bodyFromQuery(query, kRowColumnCount, event);
        events.append(std::move(event));
    }
    return events;
}

qint64 EventStore::applyRetention(qint64 maxEvents, qint64 maxAgeMs, qint64 nowMs, qint64 *throughId)
{
    if (throughId)
        *throughId = 0;
    QSqlDatabase db = database();
    const QString arrival = m_dialect.arrivalColumn();
    qint64 cutoff = 0; // remove every event whose arrival position is <= cutoff
    if (maxEvents > 0) {
        QSqlQuery query(db);
        if (!query.exec(QStringLiteral("SELECT %1 FROM events ORDER BY %1 DESC LIMIT 1 OFFSET %2")
                            .arg(arrival)
                            .arg(maxEvents))) {
            fail(QStringLiteral("Cannot apply retention"), query.lastError().text());
            return -1;
        }
        if (query.next())
            cutoff = query.value(0).toLongLong();
    }
    if (maxAgeMs > 0) {
        QSqlQuery query(db);
        if (!query.exec(QStringLiteral("SELECT coalesce(max(%1), 0) FROM events WHERE received_ms < %2")
                            .arg(arrival)
                            .arg(nowMs - maxAgeMs))
            || !query.next()) {
            fail(QStringLiteral("Cannot apply retention"), query.lastError().text());
            return -1;
        }
        cutoff = std::max(cutoff, query.value(0).toLongLong());
    }
    if (cutoff == 0)
        return 0;
    if (!db.transaction())
        return -1;
    // Bodies first: in PostgreSQL they are found through the events' arrival positions.
    QSqlQuery bodies(db);
    if (!bodies.exec((m_dialect.isPostgreSql()
                ? QStringLiteral("DELETE FROM bodies WHERE id IN (SELECT id FROM events WHERE seq <= %1)")
                : QStringLiteral("DELETE FROM bodies WHERE id <= %1"))
                         .arg(cutoff))) {
        fail(QStringLiteral("Cannot apply retention"), bodies.lastError().text());
        db.rollback();
        return -1;
    }
    QSqlQuery remove(db);
    if (!remove.exec(QStringLiteral("DELETE FROM events WHERE %1 <= %2").arg(arrival).arg(cutoff))) {
        fail(QStringLiteral("Cannot apply retention"), remove.lastError().text());
        db.rollback();
        return -1;
    }
    const qint64 removed = remove.numRowsAffected();
    remove.finish();
    if (!announceRemoval()) {
        db.rollback();
        return -1;
    }
    if (!db.commit()) {
        fail(QStringLiteral("Cannot apply retention"), db.lastError().text());
        db.rollback();
        return -1;
    }
    if (throughId && !m_dialect.isPostgreSql())
        *throughId = cutoff;
    return removed;
}

bool EventStore::remove(const QList<qint64> &ids)
{
    // Literal id lists in chunks: one statement per chunk, never more values than SQLite accepts.
    constexpr qsizetype kChunk = 500;
    QStringList conditions;
    for (qsizetype from = 0; from < ids.size(); from += kChunk)
        conditions.append(QStringLiteral("id IN (%1)").arg(idList(ids, from, std::min(kChunk, ids.size() - from))));
    return deleteWhere(conditions, QStringLiteral("Cannot delete events"));
}

bool EventStore::removeAll()
{
    return deleteWhere({ QStringLiteral("TRUE") }, QStringLiteral("Cannot clear the capture"));
}

bool EventStore::removeThrough(qint64 lastId)
{
    return deleteWhere({ QStringLiteral("id <= %1").arg(lastId) }, QStringLiteral("Cannot delete events"));
}

bool EventStore::deleteWhere(const QStringList &conditions, const QString &what)
{
    QSqlDatabase db = database();
    if (!db.transaction())
        return fail(what, db.lastError().text());
    for (const QString &condition : conditions) {
        for (const char *table : { "events", "bodies" }) {
            QSqlQuery query(db);
            if (!query.exec(QStringLiteral("DELETE FROM %1 WHERE %2").arg(QLatin1String(table), condition))) {
                fail(what, query.lastError().text());
                query.finish();
                db.rollback();
                return false;
            }
        }
    }
    if (!announceRemoval()) {
        db.rollback();
        return false;
    }
    return db.commit() || fail(what, db.lastError().text());
}

qint64 EventStore::pageCount()
{
    if (m_dialect.isPostgreSql())
        return -1;
    QSqlQuery query(database());
    if (!query.exec(QStringLiteral("PRAGMA page_count")) || !query.next())
        return -1;
    return query.value(0).toLongLong();
}

bool EventStore::setMaxPageCountForTesting(qint64 pages)
{
    return !m_dialect.isPostgreSql() && exec(QStringLiteral("PRAGMA max_page_count=%1").arg(pages));
}

bool EventStore::copyTo(const QString &targetPath)
{
    if (QFileInfo::exists(targetPath))
        return fail(QStringLiteral("%1 already exists").arg(targetPath), {});
    if (m_dialect.isPostgreSql())
        return copyPostgreSqlTo(targetPath);
    QSqlQuery query(database());
    query.prepare(QStringLiteral("VACUUM INTO ?"));
    query.addBindValue(targetPath);
    if (!query.exec())
        return fail(QStringLiteral("Cannot save the capture as %1").arg(targetPath), query.lastError().text());
    return true;
}

bool EventStore::copyPostgreSqlTo(const QString &targetPath)
{
    // One read transaction, so the copy is one consistent moment of a capture others keep writing.
    QSqlDatabase db = database();
    const QString failure = QStringLiteral("Cannot save the capture as %1").arg(targetPath);
    if (!db.transaction())
        return fail(failure, db.lastError().text());
    if (!exec(QStringLiteral("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))) {
        db.rollback();
        return fail(failure, m_error);
    }
    EventStore target;
    bool ok = target.open(StoreLocation::parse(targetPath));
    QString error = target.errorString();
    constexpr int kPage = 1000;
    for (qint64 after = std::numeric_limits<qint64>::min(); ok;) {
        m_error.clear();
        const QList<CapturedEvent> page = loadEventsAfter(after, kPage);
        if (!m_error.isEmpty()) {
            ok = false;
            error = m_error;
            break;
        }
        if (page.isEmpty())
            break;
        after = page.constLast().row.id;
        if (!target.insert(page)) {
            ok = false;
            error = target.errorString();
        }
    }
    db.rollback(); // read only: nothing to keep
    target.close();
    if (!ok) {
        for (const QString &suffix : { QString(), QStringLiteral("-wal"), QStringLiteral("-shm") })
            QFile::remove(targetPath + suffix);
        return fail(failure, error);
    }
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

bool EventStore::isPasswordError(const QString &errorString)
{
    return errorString.contains(QLatin1String("refused the password"));
}
