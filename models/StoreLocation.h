#pragma once

#include <QMetaType>
#include <QString>

// Where a capture lives, as the user gives it (--store, Open Capture…, settings): a SQLite file
// path, or a PostgreSQL server for a team capture,
//
//     postgresql://USER@HOST:PORT/DATABASE?schema=NAME&sslmode=MODE
//
// (postgres:// works too; port, schema and sslmode are optional; an empty host means the local
// socket). A password is never part of the text, because command lines and settings files are
// readable by others: it comes from THENA_INSPECTOR_DB_PASSWORD, PGPASSWORD, ~/.pgpass (libpq) or
// a prompt (setPassword()).
class StoreLocation
{
public:
    enum class Kind
    {
        None, // empty text, or text that could not be parsed
        SqliteFile,
        PostgreSql
    };

    static constexpr int DefaultPort = 5432;

    StoreLocation() = default;

    // Anything that does not start with postgresql:// or postgres:// is a file path. Kind None,
    // with *error saying why, for empty text and for a URL we cannot use (one with a password).
    static StoreLocation parse(const QString &text, QString *error = nullptr);
    static bool isPostgreSqlUrl(const QString &text);

    Kind kind() const { return m_kind; }
    bool isValid() const { return m_kind != Kind::None; }
    bool isPostgreSql() const { return m_kind == Kind::PostgreSql; }

    QString filePath() const { return m_kind == Kind::SqliteFile ? m_path : QString(); }
    QString user() const { return m_user; }
    QString host() const { return m_host; } // empty: the local socket
    int port() const { return m_port; }
    QString database() const { return m_database; }
    QString schema() const { return m_schema; } // "public" unless ?schema= says otherwise
    QString sslMode() const { return m_sslMode; } // empty: libpq's default (prefer)

    // The text that parses back to this location; never holds a password. For a file, the path.
    QString toString() const;
    // Short, for a status bar or a window title: "thena@db.example:5432/thena", or the file name.
    QString displayName() const;

    // The password to log in with: one given to setPassword() for this server and user (a prompt
    // in this process), else THENA_INSPECTOR_DB_PASSWORD, else PGPASSWORD, else empty (libpq then
    // looks in ~/.pgpass). Never written anywhere.
    QString password() const;
    // Remembers a password for this server and user, in memory, for this process only.
    static void setPassword(const StoreLocation &location, const QString &password);

    bool operator==(const StoreLocation &other) const;
    bool operator!=(const StoreLocation &other) const { return !(*this == other); }

private:
    bool parseUrl(QStringView rest, QString *error);
    QString credentialKey() const;

    Kind m_kind = Kind::None;
    QString m_path;
    QString m_user;
    QString m_host;
    int m_port = DefaultPort;
    QString m_database;
    QString m_schema = QStringLiteral("public");
    QString m_sslMode;
};

Q_DECLARE_METATYPE(StoreLocation)
