#include "CurlCommand.h"

#include "SecretMask.h"

#include <QStringList>
#include <array>

namespace {
// Printable ASCII, and UTF-8 sequences: safe inside single quotes in any POSIX shell.
bool isPlainText(const QByteArray &bytes, bool allowNewlines)
{
    for (const char c : bytes) {
        const auto u = static_cast<unsigned char>(c);
        // Not \r: a terminal or clipboard may turn it into \n on the way.
        if (u == '\n' || u == '\t') {
            if (!allowNewlines)
                return false;
            continue;
        }
        if (u < 0x20 || u == 0x7f)
            return false;
    }
    // Invalid UTF-8 would be mangled by a terminal or the clipboard; escape it instead.
    return QString::fromUtf8(bytes).toUtf8() == bytes;
}

QString singleQuoted(const QByteArray &bytes)
{
    QString text = QString::fromUtf8(bytes);
    text.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + text + QLatin1Char('\'');
}

// printf's format: % doubled, backslash doubled, every other byte that is not plain text as a
// three-digit octal escape (POSIX printf knows no \x). The result is single-quoted by the caller.
QByteArray printfFormat(const QByteArray &bytes)
{
    QByteArray format;
    format.reserve(bytes.size() * 2);
    for (const char c : bytes) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '%') {
            format += "%%";
        } else if (c == '\\') {
            format += "\\\\";
        } else if (c == '\'' || u < 0x20 || u >= 0x7f) {
            // The quote too: single quotes cannot hold one, and an escape is simpler than '\''.
            format += '\\';
            format += static_cast<char>('0' + ((u >> 6) & 7));
            format += static_cast<char>('0' + ((u >> 3) & 7));
            format += static_cast<char>('0' + (u & 7));
        } else {
            format += c;
        }
    }
    return format;
}

bool isNamed(const QByteArray &name, const char *wanted)
{
    return name.compare(QByteArray(wanted), Qt::CaseInsensitive) == 0;
}
} // namespace

QString CurlCommand::shellQuote(const QByteArray &bytes)
{
    if (isPlainText(bytes, true))
        return singleQuoted(bytes);
    static const char hex[] = "0123456789abcdef";
    QString text = QStringLiteral("$'");
    for (const char c : bytes) {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x20 && u < 0x7f && c != '\'' && c != '\\') {
            text += QLatin1Char(c);
        } else {
            text += QStringLiteral("\\x");
            text += QLatin1Char(hex[u >> 4]);
            text += QLatin1Char(hex[u & 15]);
        }
    }
    return text + QLatin1Char('\'');
}

bool CurlCommand::isHopByHop(const QByteArray &name)
{
    static constexpr std::array<const char *, 10> names = { "host", "content-length", "transfer-encoding", "connection",
        "keep-alive", "expect", "te", "trailer", "upgrade", "proxy-connection" };
    for (const char *hopByHop : names) {
        if (isNamed(name, hopByHop))
            return true;
    }
    return name.toLower().startsWith("proxy-");
}

QUrl CurlCommand::deliveryUrl(const CapturedEvent &event)
{
    QByteArray host;
    for (const auto &header : event.headers) {
        if (isNamed(header.first, "host")) {
            host = header.second.trimmed();
            break;
        }
    }
    if (host.isEmpty())
        host = QByteArrayLiteral("127.0.0.1:8080");
    const QString path = event.row.path.isEmpty() ? QStringLiteral("/") : event.row.path;
    QUrl url(QStringLiteral("http://") + QString::fromLatin1(host) + path, QUrl::TolerantMode);
    if (!url.isValid() || url.host().isEmpty())
        url = QUrl(QStringLiteral("http://127.0.0.1:8080") + path, QUrl::TolerantMode);
    return url;
}

QString CurlCommand::build(const CapturedEvent &event, const Options &options)
{
    const QUrl url = options.url.isValid() && !options.url.isEmpty() ? options.url : deliveryUrl(event);
    QStringList words;
    QString prefix;
    const bool bodyIsText = isPlainText(event.body, true);
    if (!bodyIsText) {
        // A body with bytes no quoting keeps intact everywhere (NUL above all) goes through printf.
        prefix = QStringLiteral("printf '") + QString::fromLatin1(printfFormat(event.body)) + QStringLiteral("' | ");
    }
    words << QStringLiteral("curl") << QStringLiteral("-sS");
    // --data-binary implies POST; only another method needs saying.
    if (!event.method.isEmpty() && event.method != QLatin1String("POST"))
        words << QStringLiteral("-X") << shellQuote(event.method.toUtf8());

    bool hasContentType = false;
    bool hasAccept = false;
    bool hasUserAgent = false;
    for (const auto &[name, value] : event.headers) {
        if (isHopByHop(name))
            continue;
        const bool isContentType = isNamed(name, "content-type");
        const bool isAuthorization = isNamed(name, "authorization");
        if (!options.allHeaders && !isContentType && !isAuthorization)
            continue;
        hasContentType = hasContentType || isContentType;
        hasAccept = hasAccept || isNamed(name, "accept");
        hasUserAgent = hasUserAgent || isNamed(name, "user-agent");
        words << QStringLiteral("-H");
        if (isAuthorization && !options.includeSecret) {
            // Double quotes, so the shell expands the variable; the name is ours, never the payload's.
            words << QStringLiteral("\"") + QString::fromLatin1(name) + QStringLiteral(": $") + secretVariable()
                    + QLatin1Char('"');
        } else if (!options.includeSecret && SecretMask::isSecretHeader(name)) {
            // Other credentials (a proxy's cookie, X-Webhook-Secret...) have no variable of ours:
            // the mask stands in, so the command shows the header was sent and with what length.
            words << shellQuote(name + ": " + SecretMask::maskedText(value).toUtf8());
        } else {
            words << shellQuote(name + ": " + value);
        }
    }
    if (options.allHeaders) {
        // curl adds headers of its own; an empty value removes one the delivery did not have.
        if (!hasAccept)
            words << QStringLiteral("-H") << QStringLiteral("'Accept:'");
        if (!hasUserAgent)
            words << QStringLiteral("-H") << QStringLiteral("'User-Agent:'");
    }
    if (!hasContentType) {
        // Without this curl would label the body application/x-www-form-urlencoded.
        words << QStringLiteral("-H") << QStringLiteral("'Content-Type:'");
    }
    words << QStringLiteral("--data-binary") << (bodyIsText ? singleQuoted(event.body) : QStringLiteral("@-"));
    words << shellQuote(url.toString(QUrl::FullyEncoded).toUtf8());
    return prefix + words.join(QLatin1Char(' '));
}
