#pragma once

#include "CapturedEvent.h"

#include <QSqlDatabase>
#include <QString>
#include <optional>

// The capture file: SQLite in WAL mode with synchronous=FULL, so a commit that returned survives a
// crash and a power cut. One EventStore is one connection and must be used only in the thread that
// opened it (Qt SQL's rule). Rows and bodies live in separate tables so list scans stay compact.
class EventStore
{
public:
    static constexpr int SchemaVersion = 1;
    // Marks our files so a foreign SQLite database is refused rather than written into.
    static constexpr int ApplicationId = 0x5448494e; // "THIN"

    enum class Mode
    {
        ReadWrite,
        ReadOnly
    };

    EventStore();
    ~EventStore();
    EventStore(const EventStore &) = delete;
    EventStore &operator=(const EventStore &) = delete;

    // Creates the file and schema if needed, migrates an older schema, and refuses (without
    // touching the file) a newer schema, a foreign database, a corrupt file, or a read-only one
    // in ReadWrite mode. On failure errorString() says why in words a user understands.
    bool open(const QString &path, Mode mode = Mode::ReadWrite);
    void close();
    bool isOpen() const;
    QString path() const { return m_path; }
    QString errorString() const { return m_error; }

    // One transaction for the whole batch; false (and nothing written) on any error.
    bool insert(const QList<CapturedEvent> &events);

    qint64 count();
    qint64 maxId();
    // Newest first, ids below beforeId (0 = from the newest), at most limit rows.
    QList<EventRow> loadRows(qint64 beforeId, int limit);
    // Ascending ids above afterId, at most limit rows (for catching up and full loads).
    QList<EventRow> loadRowsAfter(qint64 afterId, int limit);
    std::optional<CapturedEvent> loadEvent(qint64 id);

    // Retention: keep at most maxEvents (0 = no limit) and nothing older than maxAgeMs before
    // nowMs (0 = no limit); the oldest go first. Returns the number removed, -1 on error.
    qint64 applyRetention(qint64 maxEvents, qint64 maxAgeMs, qint64 nowMs);
    bool remove(const QList<qint64> &ids);
    bool removeAll();
    // Every event with an id up to and including lastId.
    bool removeThrough(qint64 lastId);
    // A consistent copy of the whole capture into a new file (Save capture as...).
    bool copyTo(const QString &targetPath);

    qint64 pageCount();
    // Simulates a full disk: SQLite fails writes past this many pages with SQLITE_FULL.
    bool setMaxPageCountForTesting(qint64 pages);

    static QByteArray encodeHeaders(const HttpHeaders &headers);
    static HttpHeaders decodeHeaders(const QByteArray &encoded);

private:
    bool fail(const QString &what, const QString &detail);
    bool exec(const QString &sql);
    bool inspectAndPrepare(Mode mode);
    bool createSchema();
    bool checkSchema(int version, int applicationId, bool hasTables);

    QString m_connectionName;
    QString m_path;
    QString m_error;
    Mode m_mode = Mode::ReadWrite;
};
