#pragma once

#include "CapturedEvent.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <optional>

class QIODevice;

// One captured event per line of JSON (JSON Lines), with its row metadata, method, remote
// address, headers and the body exactly as received, so a capture can be re-imported or replayed
// byte for byte. A line looks like (keys come out sorted, shown here in reading order):
//   {"format":"thena-inspector-event","version":1,"id":7,"receivedMs":1733330131123,
//    "received":"2024-12-04T16:35:31.123Z","kind":"Created","valid":true,"attempt":1,"retryOf":0,
//    "retryGapSeconds":-1,"replies":2,"size":812,"requestId":"42","title":"...","status":"...",
//    "urgency":"...","sentiment":"...","customer":"...","team":"...","assignee":"...","channel":"...",
//    "tags":["a","b"],"path":"/hooks","eventType":"CREATE","toFirstResponseMs":720000,"toAssignmentMs":-1,
//    "toCloseMs":-1,"escalated":false,"method":"POST","remoteAddress":"127.0.0.1",
//    "error":"","errorOffset":-1,"headers":[{"name":"content-type","value":"application/json"}],
//    "bodyEncoding":"utf-8","body":"{\"action\":\"CREATE\",...}"}
// The body is a JSON string when it is valid UTF-8 (readable, greppable) and base64 with
// "bodyEncoding":"base64" otherwise; header names and values the same way ("valueBase64"). The
// metadata is not re-derived from the body on import: the file says what the inspector showed.
//
// Credentials are the exception to "as received": the value of every header SecretMask calls a
// secret (authorization, cookie, x-...-secret, ...) is written as its mask, e.g.
// {"name":"authorization","value":"•••••••• (12 characters)","masked":true}, so an exported file
// can be shared without the webhook secret. Import keeps the mask as the value (the pane shows it
// as it is, a second export writes it unchanged); a replay of an imported event therefore does not
// authenticate, which is the point.
class JsonLinesCodec
{
public:
    JsonLinesCodec() = delete;

    static constexpr int FormatVersion = 1;
    static QString formatMarker() { return QStringLiteral("thena-inspector-event"); }

    // One line of compact JSON without the trailing newline (JSON escapes every newline inside).
    static QByteArray encode(const CapturedEvent &event);
    // The inverse of encode(). Missing metadata takes the CapturedEvent defaults; a line without a
    // decodable body, of another format or of a newer version is refused with a reason.
    static std::optional<CapturedEvent> decode(const QByteArray &line, QString *error = nullptr);

    // Every event of a JSON Lines file, in file order. Blank lines, a UTF-8 byte-order mark and
    // CRLF line endings are accepted; a line that cannot be read is skipped and counted in
    // *badLines, and *error describes the first one (empty when every line was read).
    static QList<CapturedEvent> readAll(QIODevice *device, QString *error = nullptr, int *badLines = nullptr);

    // True when the bytes decode as UTF-8 and encode back to exactly the same bytes.
    static bool isExactUtf8(const QByteArray &bytes);
};
