#include "StoreLocation.h"

#include <QFileInfo>
#include <QHash>
#include <QMutex>
#include <QRegularExpression>
#include <QUrl>
#include <QUrlQuery>

namespace {
// Prompted passwords, by server and user. Guarded: the store threads read what the GUI thread set.
QMutex g_passwordMutex;
QHash<QString, QString> &passwords()
{
    static QHash<QString, QString> map;
    return map;
}

QString decoded(QStringView text)
{
    return QUrl::fromPercentEncoding(text.toUtf8());
}

QString encoded(const QString &text)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(text));
}

bool fail(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}
} // namespace

bool StoreLocation::parseUrl(QStringView rest, QString *error)
{
    const QString example = QStringLiteral("postgresql://USER@HOST:PORT/DATABASE");
    const qsizetype slash = rest.indexOf(u'/');
    if (slash < 0)
        return fail(error, QStringLiteral("a PostgreSQL location needs a database name: %1").arg(example));
    QStringView authority = rest.left(slash);
    QStringView pathAndQuery = rest.mid(slash + 1);

    const qsizetype at = authority.lastIndexOf(u'@');
    if (at >= 0) {
        const QStringView userInfo = authority.left(at);
        if (userInfo.contains(u':'))
            return fail(error,
                QStringLiteral("put the database password in THENA_INSPECTOR_DB_PASSWORD or PGPASSWORD, not in the "
                               "location: a command line is visible to every user of the machine"));
        m_user = decoded(userInfo);
        authority = authority.mid(at + 1);
    }
    QStringView portText;
    if (authority.startsWith(u'[')) {
        const qsizetype close = authority.indexOf(u']');
        if (close < 0)
            return fail(error, QStringLiteral("unbalanced [ in the host of %1").arg(rest));
        m_host = authority.mid(1, close - 1).toString();
        const QStringView after = authority.mid(close + 1);
        if (!after.isEmpty()) {
            if (!after.startsWith(u':'))
                return fail(error, QStringLiteral("unexpected text after the host in %1").arg(rest));
            portText = after.mid(1);
        }
    } else {
        const qsizetype colon = authority.lastIndexOf(u':');
        m_host = decoded(colon < 0 ? authority : authority.left(colon));
        if (colon >= 0)
            portText = authority.mid(colon + 1);
    }
    if (!portText.isEmpty()) {
        bool ok = false;
        m_port = portText.toInt(&ok);
        if (!ok || m_port < 1 || m_port > 65535)
            return fail(error, QStringLiteral("\"%1\" is not a port number").arg(portText));
    }

    const qsizetype question = pathAndQuery.indexOf(u'?');
    m_database = decoded(question < 0 ? pathAndQuery : pathAndQuery.left(question));
    if (m_database.isEmpty() || m_database.contains(u'/'))
        return fail(error, QStringLiteral("a PostgreSQL location needs one database name: %1").arg(example));
    if (question >= 0) {
        const QUrlQuery query(pathAndQuery.mid(question + 1).toString());
        const auto items = query.queryItems(QUrl::FullyDecoded);
        for (const auto &[key, value] : items) {
            if (key == QLatin1String("schema")) {
                // Also names the notification channel, so kept to plain identifiers.
                static const QRegularExpression identifier(QStringLiteral("^[a-z_][a-z0-9_]{0,39}$"));
                if (!identifier.match(value).hasMatch())
                    return fail(error,
                        QStringLiteral("schema \"%1\" must be lower-case letters, digits and _ (at most 40)")
                            .arg(value));
                m_schema = value;
            } else if (key == QLatin1String("sslmode")) {
                static const QStringList modes
                    = { QStringLiteral("disable"), QStringLiteral("allow"), QStringLiteral("prefer"),
                          QStringLiteral("require"), QStringLiteral("verify-ca"), QStringLiteral("verify-full") };
                if (!modes.contains(value))
                    return fail(error,
                        QStringLiteral("sslmode \"%1\" is not one of %2").arg(value, modes.join(QStringLiteral(", "))));
                m_sslMode = value;
            } else if (key == QLatin1String("password")) {
                return fail(error,
                    QStringLiteral("put the database password in THENA_INSPECTOR_DB_PASSWORD or PGPASSWORD, not in "
                                   "the location"));
            } else {
                return fail(error, QStringLiteral("unknown option \"%1\" (known: schema, sslmode)").arg(key));
            }
        }
    }
    return true;
}

bool StoreLocation::isPostgreSqlUrl(const QString &text)
{
    return text.startsWith(QLatin1String("postgresql://"), Qt::CaseInsensitive)
        || text.startsWith(QLatin1String("postgres://"), Qt::CaseInsensitive);
}

StoreLocation StoreLocation::parse(const QString &text, QString *error)
{
    StoreLocation location;
    if (text.isEmpty()) {
        fail(error, QStringLiteral("no capture file or database given"));
        return location;
    }
    if (!isPostgreSqlUrl(text)) {
        location.m_kind = Kind::SqliteFile;
        location.m_path = text;
        return location;
    }
    const QStringView rest = QStringView(text).mid(text.indexOf(QLatin1String("://")) + 3);
    if (!location.parseUrl(rest, error))
        return StoreLocation();
    location.m_kind = Kind::PostgreSql;
    return location;
}

QString StoreLocation::toString() const
{
    switch (m_kind) {
    case Kind::None:
        return {};
    case Kind::SqliteFile:
        return m_path;
    case Kind::PostgreSql:
        break;
    }
    QString text = QStringLiteral("postgresql://");
    if (!m_user.isEmpty())
        text += encoded(m_user) + u'@';
    text += m_host.contains(u':') ? u'[' + m_host + u']' : encoded(m_host);
    if (m_port != DefaultPort)
        text += u':' + QString::number(m_port);
    text += u'/' + encoded(m_database);
    QStringList options;
    if (m_schema != QLatin1String("public"))
        options.append(QStringLiteral("schema=") + m_schema);
    if (!m_sslMode.isEmpty())
        options.append(QStringLiteral("sslmode=") + m_sslMode);
    if (!options.isEmpty())
        text += u'?' + options.join(u'&');
    return text;
}

QString StoreLocation::displayName() const
{
    switch (m_kind) {
    case Kind::None:
        return {};
    case Kind::SqliteFile:
        return QFileInfo(m_path).fileName();
    case Kind::PostgreSql:
        break;
    }
    QString text;
    if (!m_user.isEmpty())
        text += m_user + u'@';
    text += m_host.isEmpty() ? QStringLiteral("localhost") : m_host;
    text += u':' + QString::number(m_port) + u'/' + m_database;
    if (m_schema != QLatin1String("public"))
        text += u'.' + m_schema;
    return text;
}

QString StoreLocation::credentialKey() const
{
    return m_user + u'@' + m_host + u':' + QString::number(m_port);
}

QString StoreLocation::password() const
{
    {
        QMutexLocker lock(&g_passwordMutex);
        const auto it = passwords().constFind(credentialKey());
        if (it != passwords().constEnd())
            return it.value();
    }
    for (const char *name : { "THENA_INSPECTOR_DB_PASSWORD", "PGPASSWORD" }) {
        const QString value = qEnvironmentVariable(name);
        if (!value.isEmpty())
            return value;
    }
    return {};
}

void StoreLocation::setPassword(const StoreLocation &location, const QString &password)
{
    QMutexLocker lock(&g_passwordMutex);
    if (password.isEmpty())
        passwords().remove(location.credentialKey());
    else
        passwords().insert(location.credentialKey(), password);
}

bool StoreLocation::operator==(const StoreLocation &other) const
{
    return m_kind == other.m_kind && m_path == other.m_path && m_user == other.m_user && m_host == other.m_host
        && m_port == other.m_port && m_database == other.m_database && m_schema == other.m_schema
        && m_sslMode == other.m_sslMode;
}
