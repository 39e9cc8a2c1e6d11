#include "StoreDialect.h"

QString StoreDialect::bigint() const
{
    return isPostgreSql() ? QStringLiteral("BIGINT") : QStringLiteral("INTEGER");
}

QString StoreDialect::boolean() const
{
    return isPostgreSql() ? QStringLiteral("BOOLEAN") : QStringLiteral("INTEGER");
}

QString StoreDialect::blob() const
{
    return isPostgreSql() ? QStringLiteral("BYTEA") : QStringLiteral("BLOB");
}

QString StoreDialect::falseValue() const
{
    return isPostgreSql() ? QStringLiteral("FALSE") : QStringLiteral("0");
}

QString StoreDialect::arrivalColumn() const
{
    return isPostgreSql() ? QStringLiteral("seq") : QStringLiteral("id");
}

QStringList StoreDialect::migration(int toVersion) const
{
    const QString big = bigint();
    QStringList statements;
    switch (toVersion) {
    case 1:
        if (isPostgreSql()) {
            statements << QStringLiteral(
                "CREATE TABLE thena_schema (application TEXT NOT NULL, version INTEGER NOT NULL)")
                       // Commit order across receivers (see arrivalColumn()).
                       << QStringLiteral("CREATE SEQUENCE thena_arrival")
                       // One value per receiver start: its block of ids (EventStore::claimIdRange).
                       << QStringLiteral("CREATE SEQUENCE thena_id_blocks MINVALUE 0 START WITH 0");
        }
        statements << QStringLiteral("CREATE TABLE IF NOT EXISTS events ("
                                     " id %1 PRIMARY KEY, received_ms %1 NOT NULL, kind INTEGER NOT NULL,"
                                     " valid %2 NOT NULL, attempt INTEGER NOT NULL, retry_of %1 NOT NULL,"
                                     " retry_gap INTEGER NOT NULL, replies INTEGER NOT NULL, size INTEGER NOT NULL,"
                                     " request_id TEXT, title TEXT, status TEXT, urgency TEXT, sentiment TEXT,"
                                     " customer TEXT, team TEXT, assignee TEXT, channel TEXT, tags TEXT, path TEXT,"
                                     " event_type TEXT%3)")
                          .arg(big, boolean(),
                              isPostgreSql() ? QStringLiteral(", seq BIGINT NOT NULL DEFAULT nextval('thena_arrival')")
                                             : QString())
                   << QStringLiteral("CREATE TABLE IF NOT EXISTS bodies ("
                                     " id %1 PRIMARY KEY, method TEXT, remote TEXT, error TEXT, error_offset %1,"
                                     " headers %2, body %2)")
                          .arg(big, blob())
                   << QStringLiteral("CREATE INDEX IF NOT EXISTS events_received ON events(received_ms)");
        if (isPostgreSql())
            statements << QStringLiteral("CREATE UNIQUE INDEX events_seq ON events(seq)");
        break;
    case 2:
        // Issue 5's derived times and the escalated flag; -1 means "not known", as in EventRow.
        for (const char *column : { "to_first_response_ms", "to_assignment_ms", "to_close_ms" })
            statements << QStringLiteral("ALTER TABLE events ADD COLUMN %1 %2 NOT NULL DEFAULT -1")
                              .arg(QLatin1String(column), big);
        statements << QStringLiteral("ALTER TABLE events ADD COLUMN escalated %1 NOT NULL DEFAULT %2")
                          .arg(boolean(), falseValue());
        break;
    default:
        break;
    }
    return statements;
}
