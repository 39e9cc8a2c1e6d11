#pragma once

#include "CapturedEvent.h"
#include "StoreDialect.h"
#include "StoreLocation.h"

#include <QString>
#include <limits>
#include <memory>
#include <optional>

class QSqlDatabase;
class QSqlDriver;

// A capture, through Qt SQL, in one of two places (StoreLocation):
// - a SQLite file in WAL mode with synchronous=FULL, so a commit that returned survives a crash
//   and a power cut; one writer per file;
// - a PostgreSQL database (a team capture), written by one or more headless receivers and read
//   live by every lead's window; each commit NOTIFYs notificationChannel().
// Both have the same tables and migrations (StoreDialect). One EventStore is one connection and
// must be used only in the thread that opened it (Qt SQL's rule). Rows and bodies live in
// separate tables so list scans stay compact.
class EventStore
{
public:
    static constexpr int SchemaVersion = 2;
    // Marks our files (PRAGMA application_id) and the locks we take in PostgreSQL, so a foreign
    // database is refused rather than written into.
    static constexpr int ApplicationId = 0x5448494e; // "THIN"
    // The ids one PostgreSQL receiver numbers from (claimIdRange()): a block this wide, so the
    // receivers sharing a database never collide and never have to ask again (at 10,000 events a
    // second, a block lasts three years).
    static constexpr qint64 IdBlockSize = 1000000000000LL;

    enum class Mode
    {
        ReadWrite,
        ReadOnly
    };

    // The ids a writer may give to the events it captures, both ends included.
    struct IdRange
    {
        qint64 first = 1;
        qint64 last = std::numeric_limits<qint64>::max();
        bool contains(qint64 id) const { return id >= first && id <= last; }
    };

    EventStore();
    ~EventStore();
    EventStore(const EventStore &) = delete;
    EventStore &operator=(const EventStore &) = delete;

    // Creates the file or tables if needed, migrates an older schema (ReadWrite only), and refuses
    // (without touching anything) a newer schema, a foreign database, a corrupt file, or a
    // read-only file in ReadWrite mode. The QString overload takes what StoreLocation::parse
    // takes: a file path or a postgresql:// URL. On failure errorString() says why in words a
    // user understands.
    bool open(const QString &location, Mode mode = Mode::ReadWrite);
    bool open(const StoreLocation &location, Mode mode = Mode::ReadWrite);
    void close();
    bool isOpen() const;
    QString path() const { return m_location.toString(); } // the location's text, never a password
    StoreLocation location() const { return m_location; }
    const StoreDialect &dialect() const { return m_dialect; }
    QString errorString() const { return m_error; }
    // The open store's version: SchemaVersion, or an older one opened read-only (not migrated).
    int schemaVersion() const { return m_version; }

    // PostgreSQL: true once the server has gone away or ended this session (a restart, a network
    // cut, pg_terminate_backend). Every call fails until reconnect() succeeds. Never for SQLite.
    bool isConnectionLost() const;
    // Opens the same location in the same mode again, checking the schema again.
    bool reconnect();

    // The ids this writer may use. SQLite: everything after maxId() (one writer per file).
    // PostgreSQL: a fresh block of IdBlockSize ids no other receiver gets, from the database's
    // sequence thena_id_blocks; the first block starts at 1. nullopt on error.
    std::optional<IdRange> claimIdRange();

    // One transaction for the whole batch; false (and nothing written) on any error. PostgreSQL:
    // commits are serialized across receivers (so arrival positions are in commit order) and
    // NOTIFY notificationChannel() with the batch's last arrival position.
    bool insert(const QList<CapturedEvent> &events);

    qint64 count();
    qint64 maxId();
    // How many of these ids are stored (-1 on error): tells whether a COMMIT cut off by a lost
    // connection went through.
    qint64 countIds(const QList<qint64> &ids);
    // Newest first, ids below beforeId (0 = from the newest), at most limit rows.
    QList<EventRow> loadRows(qint64 beforeId, int limit);
    // Ascending ids above afterId, at most limit rows (for catching up and full loads).
    QList<EventRow> loadRowsAfter(qint64 afterId, int limit);
    std::optional<CapturedEvent> loadEvent(qint64 id);

    // Arrival (commit) order, for following a capture that others write: in SQLite an event's
    // position is its id; in PostgreSQL the sequence value it got when committed. lastArrival()
    // is the newest position (0 when empty); loadArrivedAfter() gives the rows after a position
    // in arrival order and sets *lastPosition to the last one's position (unchanged when none).
    qint64 lastArrival();
    QList<EventRow> loadArrivedAfter(qint64 position, int limit, qint64 *lastPosition);
    // PostgreSQL: the channel each commit notifies ("thena_events", or "thena_events_SCHEMA" for
    // another schema), and LISTEN on this connection, whose driver() then emits notification().
    // Empty / false for SQLite, which has no notifications.
    QString notificationChannel() const;
    bool subscribeToArrivals();
    // The payload of the notification every committed deletion sends (remove(), removeAll(),
    // removeThrough(), applyRetention()) on PostgreSQL, so the other windows drop those rows too.
    static constexpr QLatin1String RemovedPayload { "removed" };
    // Every event id in the capture, ascending; nullopt on error.
    std::optional<QList<qint64>> loadIds();
    QSqlDriver *driver() const;

    // Retention: keep at most maxEvents (0 = no limit) and nothing older than maxAgeMs before
    // nowMs (0 = no limit); the oldest (by arrival) go first. Returns the number removed, -1 on error.
    // throughId, when given, gets the highest id removed when ids are the arrival order (SQLite,
    // one writer: every id up to it is gone), and 0 otherwise.
    qint64 applyRetention(qint64 maxEvents, qint64 maxAgeMs, qint64 nowMs, qint64 *throughId = nullptr);
    bool remove(const QList<qint64> &ids);
    bool removeAll();
    // Every event with an id up to and including lastId. In a shared PostgreSQL capture this
    // includes other receivers' events with lower ids; remove() the ids a window shows instead.
    bool removeThrough(qint64 lastId);
    // A consistent copy of the whole capture into a new SQLite file (Save capture as...), also
    // from PostgreSQL. Never overwrites targetPath.
    bool copyTo(const QString &targetPath);

    // SQLite only (-1 / false for PostgreSQL).
    qint64 pageCount();
    // Simulates a full disk: SQLite fails writes past this many pages with SQLITE_FULL.
    bool setMaxPageCountForTesting(qint64 pages);

    static QByteArray encodeHeaders(const HttpHeaders &headers);
    static HttpHeaders decodeHeaders(const QByteArray &encoded);
    // True when open() failed because the PostgreSQL server wants a (different) password: the
    // window can then ask for one (StoreLocation::setPassword) and try again.
    static bool isPasswordError(const QString &errorString);

private:
    QSqlDatabase database() const;
    bool fail(const QString &what, const QString &detail);
    bool failWrite(const QString &detail);
    bool exec(const QString &sql);
    // PostgreSQL, inside a deletion's transaction: NOTIFY RemovedPayload at its commit.
    bool announceRemoval();
    // One transaction: the events and bodies matching each condition go, then announceRemoval().
    bool deleteWhere(const QStringList &conditions, const QString &what);
    bool openSqlite(Mode mode);
    bool openPostgreSql(Mode mode);
    bool inspectSqlite(Mode mode);
    bool inspectPostgreSql(Mode mode);
    bool checkSchema(int version, bool ours, bool hasTables);
    bool migrate(int fromVersion);
    bool refillDerivedTimes();
    bool insertSqlite(const QList<CapturedEvent> &events);
    bool failSqliteInsert();
    void finalizeSqliteInsert();
    bool insertPostgreSql(const QList<CapturedEvent> &events);
    QString lockStatement() const;
    QList<CapturedEvent> loadEventsAfter(qint64 afterId, int limit);
    bool copyPostgreSqlTo(const QString &targetPath);

    QString m_connectionName;
    StoreLocation m_location;
    StoreDialect m_dialect;
    QString m_error;
    Mode m_mode = Mode::ReadWrite;
    int m_version = SchemaVersion;
    QString m_rowColumns; // what loadRows() selects; constants stand in for columns an old store lacks
    bool m_connected = false; // PostgreSQL: open() succeeded and close() was not called since
    // SQLite: the INSERT statements insertSqlite() prepares once on the connection's sqlite3
    // handle and reuses; finalized by close() before the connection closes.
    struct SqliteInsert;
    std::unique_ptr<SqliteInsert> m_sqliteInsert;
};
