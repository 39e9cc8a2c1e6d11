#include "JsonLinesCodec.h"

#include "SecretMask.h"

#include <QDateTime>
#include <QIODevice>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringDecoder>

namespace {
const QString kFormat = QStringLiteral("format");
const QString kVersion = QStringLiteral("version");
const QString kBody = QStringLiteral("body");
const QString kBodyEncoding = QStringLiteral("bodyEncoding");
const QString kBase64 = QStringLiteral("base64");
const QString kUtf8 = QStringLiteral("utf-8");

// The text of bytes that are UTF-8 and encode back to exactly the same bytes. A leading
// byte-order mark is kept as U+FEFF (QString::fromUtf8 would drop it and lose three bytes).
bool exactUtf8(const QByteArray &bytes, QString *text)
{
    QStringDecoder decoder(QStringConverter::Utf8, QStringConverter::Flag::ConvertInitialBom);
    QString decoded = decoder.decode(bytes);
    // Invalid sequences (and encoded surrogates) become U+FFFD and fail the byte comparison.
    if (decoder.hasError() || decoded.toUtf8() != bytes)
        return false;
    if (text)
        *text = std::move(decoded);
    return true;
}

// Text where the bytes are UTF-8, base64 under a separate key otherwise, so the bytes come back.
void insertBytes(QJsonObject &object, const QString &key, const QByteArray &bytes)
{
    QString text;
    if (exactUtf8(bytes, &text))
        object.insert(key, text);
    else
        object.insert(key + QStringLiteral("Base64"), QString::fromLatin1(bytes.toBase64()));
}

bool readBytes(const QJsonObject &object, const QString &key, QByteArray *out)
{
    const QJsonValue text = object.value(key);
    if (text.isString()) {
        *out = text.toString().toUtf8();
        return true;
    }
    const QJsonValue base64 = object.value(key + QStringLiteral("Base64"));
    if (!base64.isString())
        return false;
    const auto decoded
        = QByteArray::fromBase64Encoding(base64.toString().toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return false;
    *out = *decoded;
    return true;
}

QString text(const QJsonObject &object, const QString &key)
{
    return object.value(key).toString();
}

qint64 integer(const QJsonObject &object, const QString &key, qint64 fallback)
{
    const QJsonValue value = object.value(key);
    return value.isDouble() ? value.toInteger(fallback) : fallback;
}

qint32 integer32(const QJsonObject &object, const QString &key, qint32 fallback)
{
    const qint64 value = integer(object, key, fallback);
    return (value < std::numeric_limits<qint32>::min() || value > std::numeric_limits<qint32>::max())
        ? fallback
        : static_cast<qint32>(value);
}

bool fail(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}
} // namespace

bool JsonLinesCodec::isExactUtf8(const QByteArray &bytes)
{
    return exactUtf8(bytes, nullptr);
}

QByteArray JsonLinesCodec::encode(const CapturedEvent &event)
{
    const EventRow &row = event.row;
    QJsonObject line;
    line.insert(kFormat, formatMarker());
    line.insert(kVersion, FormatVersion);
    line.insert(QStringLiteral("id"), row.id);
    line.insert(QStringLiteral("receivedMs"), row.receivedMs);
    // For people and tools reading the file; receivedMs is what import trusts.
    line.insert(QStringLiteral("received"),
        QDateTime::fromMSecsSinceEpoch(row.receivedMs, Qt::UTC).toString(Qt::ISODateWithMs));
    line.insert(QStringLiteral("kind"), eventKindName(row.kind));
    line.insert(QStringLiteral("valid"), row.valid);
    line.insert(QStringLiteral("attempt"), row.attempt);
    line.insert(QStringLiteral("retryOf"), row.retryOf);
    line.insert(QStringLiteral("retryGapSeconds"), row.retryGapSeconds);
    line.insert(QStringLiteral("replies"), row.replies);
    line.insert(QStringLiteral("size"), row.sizeBytes);
    line.insert(QStringLiteral("requestId"), row.requestId);
    line.insert(QStringLiteral("title"), row.title);
    line.insert(QStringLiteral("status"), row.status);
    line.insert(QStringLiteral("urgency"), row.urgency);
    line.insert(QStringLiteral("sentiment"), row.sentiment);
    line.insert(QStringLiteral("customer"), row.customer);
    line.insert(QStringLiteral("team"), row.team);
    line.insert(QStringLiteral("assignee"), row.assignee);
    line.insert(QStringLiteral("channel"), row.channel);
    line.insert(QStringLiteral("tags"), QJsonArray::fromStringList(row.tags));
    line.insert(QStringLiteral("path"), row.path);
    line.insert(QStringLiteral("eventType"), row.eventType);
    line.insert(QStringLiteral("toFirstResponseMs"), row.toFirstResponseMs);
    line.insert(QStringLiteral("toAssignmentMs"), row.toAssignmentMs);
    line.insert(QStringLiteral("toCloseMs"), row.toCloseMs);
    line.insert(QStringLiteral("escalated"), row.escalated);
    line.insert(QStringLiteral("method"), event.method);
    line.insert(QStringLiteral("remoteAddress"), event.remoteAddress);
    line.insert(QStringLiteral("error"), event.error);
    line.insert(QStringLiteral("errorOffset"), event.errorOffset);

    QJsonArray headers;
    for (const auto &[name, value] : event.headers) {
        QJsonObject header;
        insertBytes(header, QStringLiteral("name"), name);
        // The secret never leaves in a file: credentials are written as their mask, the same one
        // the Headers pane shows, and marked so a reader knows the value is not what was sent.
        if (SecretMask::isSecretHeader(name) && !value.isEmpty()) {
            insertBytes(header, QStringLiteral("value"), SecretMask::maskedBytes(value));
            header.insert(QStringLiteral("masked"), true);
        } else {
            insertBytes(header, QStringLiteral("value"), value);
        }
        headers.append(header);
    }
    line.insert(QStringLiteral("headers"), headers);

    QString bodyText;
    if (exactUtf8(event.body, &bodyText)) {
        line.insert(kBodyEncoding, kUtf8);
        line.insert(kBody, bodyText);
    } else {
        line.insert(kBodyEncoding, kBase64);
        line.insert(kBody, QString::fromLatin1(event.body.toBase64()));
    }
    QByteArray json = QJsonDocument(line).toJson(QJsonDocument::Compact);
    // Qt's JSON parser drops a U+FEFF that starts a string (a body that begins with a byte-order
    // mark) but keeps the escaped form. EF BB BF is only ever U+FEFF in UTF-8, and compact JSON
    // has it only inside strings, so the replacement is exact.
    json.replace("\xEF\xBB\xBF", "\\ufeff");
    return json;
}

std::optional<CapturedEvent> JsonLinesCodec::decode(const QByteArray &line, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(line, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        fail(error,
            QStringLiteral("not JSON (%1 at character %2)").arg(parseError.errorString()).arg(parseError.offset));
        return std::nullopt;
    }
    if (!document.isObject()) {
        fail(error, QStringLiteral("not a JSON object"));
        return std::nullopt;
    }
    const QJsonObject object = document.object();
    if (object.contains(kFormat) && object.value(kFormat).toString() != formatMarker()) {
        fail(error, QStringLiteral("not a Thena Inspector event (format \"%1\")").arg(text(object, kFormat)));
        return std::nullopt;
    }
    const qint64 version = integer(object, kVersion, FormatVersion);
    if (version > FormatVersion) {
        fail(error,
            QStringLiteral("written by a newer Thena Inspector (event format %1, this version reads up to %2)")
                .arg(version)
                .arg(FormatVersion));
        return std::nullopt;
    }

    CapturedEvent event;
    const QJsonValue body = object.value(kBody);
    if (!body.isString()) {
        fail(error, QStringLiteral("no \"body\""));
        return std::nullopt;
    }
    const QString encoding = object.value(kBodyEncoding).toString(kUtf8);
    if (encoding == kBase64) {
        const auto decoded
            = QByteArray::fromBase64Encoding(body.toString().toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded) {
            fail(error, QStringLiteral("the body is not valid base64"));
            return std::nullopt;
        }
        event.body = *decoded;
    } else if (encoding == kUtf8) {
        event.body = body.toString().toUtf8();
    } else {
        fail(error, QStringLiteral("unknown body encoding \"%1\"").arg(encoding));
        return std::nullopt;
    }

    const QJsonValue headers = object.value(QStringLiteral("headers"));
    if (!headers.isUndefined() && !headers.isArray()) {
        fail(error, QStringLiteral("\"headers\" is not an array"));
        return std::nullopt;
    }
    const QJsonArray headerArray = headers.toArray();
    for (const QJsonValue &item : headerArray) {
        QByteArray name;
        QByteArray value;
        const QJsonObject header = item.toObject();
        if (!readBytes(header, QStringLiteral("name"), &name) || !readBytes(header, QStringLiteral("value"), &value)) {
            fail(error, QStringLiteral("a header has no readable name or value"));
            return std::nullopt;
        }
        event.headers.append({ name, value });
    }

    EventRow &row = event.row;
    row.id = integer(object, QStringLiteral("id"), 0);
    row.receivedMs = integer(object, QStringLiteral("receivedMs"), 0);
    if (!object.contains(QStringLiteral("receivedMs"))) {
        // A hand-written line may give only the readable time.
        const QDateTime received = QDateTime::fromString(text(object, QStringLiteral("received")), Qt::ISODateWithMs);
        if (received.isValid())
            row.receivedMs = received.toMSecsSinceEpoch();
    }
    row.kind = eventKindFromName(text(object, QStringLiteral("kind"))).value_or(EventKind::Unknown);
    row.valid = object.value(QStringLiteral("valid")).toBool(true);
    row.attempt = integer32(object, QStringLiteral("attempt"), 1);
    row.retryOf = integer(object, QStringLiteral("retryOf"), 0);
    row.retryGapSeconds = integer32(object, QStringLiteral("retryGapSeconds"), -1);
    row.replies = integer32(object, QStringLiteral("replies"), -1);
    row.sizeBytes = integer32(object, QStringLiteral("size"), static_cast<qint32>(event.body.size()));
    row.requestId = text(object, QStringLiteral("requestId"));
    row.title = text(object, QStringLiteral("title"));
    row.status = text(object, QStringLiteral("status"));
    row.urgency = text(object, QStringLiteral("urgency"));
    row.sentiment = text(object, QStringLiteral("sentiment"));
    row.customer = text(object, QStringLiteral("customer"));
    row.team = text(object, QStringLiteral("team"));
    row.assignee = text(object, QStringLiteral("assignee"));
    row.channel = text(object, QStringLiteral("channel"));
    const QJsonArray tags = object.value(QStringLiteral("tags")).toArray();
    for (const QJsonValue &tag : tags)
        row.tags.append(tag.toString());
    row.path = text(object, QStringLiteral("path"));
    row.eventType = text(object, QStringLiteral("eventType"));
    // Files written before these columns existed: unknown, as for a payload without the times.
    row.toFirstResponseMs = integer(object, QStringLiteral("toFirstResponseMs"), -1);
    row.toAssignmentMs = integer(object, QStringLiteral("toAssignmentMs"), -1);
    row.toCloseMs = integer(object, QStringLiteral("toCloseMs"), -1);
    row.escalated = object.value(QStringLiteral("escalated")).toBool(false);
    event.method = text(object, QStringLiteral("method"));
    event.remoteAddress = text(object, QStringLiteral("remoteAddress"));
    event.error = text(object, QStringLiteral("error"));
    event.errorOffset = integer(object, QStringLiteral("errorOffset"), -1);
    return event;
}

QList<CapturedEvent> JsonLinesCodec::readAll(QIODevice *device, QString *error, int *badLines)
{
    QList<CapturedEvent> events;
    int bad = 0;
    QString firstError;
    if (error)
        error->clear();
    if (badLines)
        *badLines = 0;
    if (!device || !device->isReadable()) {
        if (error)
            *error = device ? QStringLiteral("Cannot read: %1").arg(device->errorString())
                            : QStringLiteral("Nothing to read");
        return events;
    }

    qint64 lineNumber = 0;
    while (!device->atEnd()) {
        QByteArray line = device->readLine();
        ++lineNumber;
        if (lineNumber == 1 && line.startsWith("\xEF\xBB\xBF"))
            line.remove(0, 3);
        // JSON allows no raw CR or LF inside a value, so trimming the ends loses nothing.
        line = line.trimmed();
        if (line.isEmpty())
            continue;
        QString reason;
        std::optional<CapturedEvent> event = decode(line, &reason);
        if (!event) {
            if (bad == 0)
                firstError = QStringLiteral("line %1: %2").arg(lineNumber).arg(reason);
            ++bad;
            continue;
        }
        events.append(std::move(*event));
    }
    if (bad > 0 && error) {
        *error = bad == 1 ? QStringLiteral("1 line could not be read (%1)").arg(firstError)
                          : QStringLiteral("%1 lines could not be read; the first was %2").arg(bad).arg(firstError);
    }
    if (badLines)
        *badLines = bad;
    return events;
}
