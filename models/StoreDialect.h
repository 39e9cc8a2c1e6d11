#pragma once

#include <QString>
#include <QStringList>

// The differences between the two SQL databases a capture can live in, kept in one place so both
// get the same tables, columns and migrations: only the type names and a few PostgreSQL-only
// objects differ. SQLite keeps its version in PRAGMA user_version; PostgreSQL in the table
// thena_schema, because a database there is shared and has no such header.
class StoreDialect
{
public:
    enum class Kind
    {
        Sqlite,
        PostgreSql
    };

    explicit StoreDialect(Kind kind = Kind::Sqlite)
        : m_kind(kind)
    { }

    Kind kind() const { return m_kind; }
    bool isPostgreSql() const { return m_kind == Kind::PostgreSql; }

    // SQLite's id must be spelled INTEGER to be the rowid; PostgreSQL needs BIGINT for 64 bits.
    QString bigint() const;
    QString boolean() const;
    QString blob() const;
    QString falseValue() const;

    // The statements that take a store from version toVersion - 1 to toVersion. Version 2 also
    // needs the stored bodies parsed again (EventStore does that after these statements).
    QStringList migration(int toVersion) const;

    // The column that orders events by commit. SQLite has one writer per file, so ids are in
    // commit order; several PostgreSQL receivers number from their own blocks, so a sequence
    // assigned under a lock at insert time says what was committed first.
    QString arrivalColumn() const;

private:
    Kind m_kind;
};
