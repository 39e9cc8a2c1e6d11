#include "SecretMask.h"

#include <QLatin1String>
#include <QList>

namespace {
constexpr int kBullets = 8;
const QChar kBullet(0x2022);

const QList<QByteArray> &secretNames()
{
    static const QList<QByteArray> names
        = { "authorization", "proxy-authorization", "cookie", "x-api-key", "api-key", "apikey" };
    return names;
}

const QList<QByteArray> &secretSuffixes()
{
    static const QList<QByteArray> suffixes = { "-secret", "-token", "-api-key", "-apikey", "-password" };
    return suffixes;
}

QString lengthText(qsizetype length)
{
    return length == 1 ? QStringLiteral(" (1 character)") : QStringLiteral(" (%1 characters)").arg(length);
}
} // namespace

bool SecretMask::isSecretHeader(const QByteArray &name)
{
    const QByteArray lower = name.trimmed().toLower();
    for (const QByteArray &secret : secretNames()) {
        if (lower == secret)
            return true;
    }
    for (const QByteArray &suffix : secretSuffixes()) {
        if (lower.endsWith(suffix))
            return true;
    }
    return false;
}

bool SecretMask::isMasked(const QByteArray &value)
{
    const QString text = QString::fromUtf8(value);
    const QString prefix = QString(kBullets, kBullet) + QLatin1String(" (");
    if (!text.startsWith(prefix))
        return false;
    qsizetype end = prefix.size();
    while (end < text.size() && end - prefix.size() < 18 && text.at(end) >= QLatin1Char('0')
        && text.at(end) <= QLatin1Char('9'))
        ++end;
    bool ok = false;
    const qlonglong length = QStringView(text).mid(prefix.size(), end - prefix.size()).toLongLong(&ok);
    // Rebuilding the mask from its number refuses leading zeros, a wrong "character(s)" and
    // anything after the closing parenthesis.
    return ok && length > 0 && text == QString(kBullets, kBullet) + lengthText(length);
}

QString SecretMask::maskedText(const QByteArray &value)
{
    if (value.isEmpty())
        return QStringLiteral("(empty)");
    if (isMasked(value))
        return QString::fromUtf8(value);
    return QString(kBullets, kBullet) + lengthText(QString::fromUtf8(value).size());
}

QByteArray SecretMask::maskedBytes(const QByteArray &value)
{
    return value.isEmpty() ? QByteArray() : maskedText(value).toUtf8();
}

QString SecretMask::displayValue(const QByteArray &name, const QByteArray &value)
{
    return isSecretHeader(name) ? maskedText(value) : QString::fromUtf8(value);
}

HttpHeaders SecretMask::maskedHeaders(const HttpHeaders &headers)
{
    HttpHeaders masked = headers;
    for (auto &[name, value] : masked) {
        if (isSecretHeader(name))
            value = maskedBytes(value);
    }
    return masked;
}
