#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

// The bytes of our HTTP/1.1 answers. CaptureServer writes them itself instead of through
// QHttpServerResponder: an answer may wait in a per-connection queue (the responder holds a raw
// socket pointer), it carries Connection headers the responder knows nothing about, and the
// refusals of ConnectionGuard go to connections QHttpServer never parsed.
class HttpWire
{
public:
    using Headers = QList<QPair<QByteArray, QByteArray>>;

    static QByteArray reasonPhrase(int status);
    // Status line, Content-Type (when there is a body or contentType is given), the extra
    // headers, Content-Length and the body. headOnly keeps the headers of a HEAD answer but sends
    // no body and Content-Length 0.
    static QByteArray response(int status, const QByteArray &contentType, const QByteArray &body,
        const Headers &headers = {}, bool headOnly = false);
    // {"ok":false,"error":message}, compact.
    static QByteArray errorJson(const QString &message);
    // An answer that ends the connection: the JSON error and Connection: close.
    static QByteArray refusal(int status, const QString &message, const Headers &extraHeaders = {});
    static QByteArray continueResponse() { return QByteArrayLiteral("HTTP/1.1 100 Continue\r\n\r\n"); }
};
