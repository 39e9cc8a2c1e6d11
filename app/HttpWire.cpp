#include "HttpWire.h"

#include <QJsonDocument>
#include <QJsonObject>

QByteArray HttpWire::reasonPhrase(int status)
{
    switch (status) {
    case 100:
        return QByteArrayLiteral("Continue");
    case 200:
        return QByteArrayLiteral("OK");
    case 400:
        return QByteArrayLiteral("Bad Request");
    case 401:
        return QByteArrayLiteral("Unauthorized");
    case 404:
        return QByteArrayLiteral("Not Found");
    case 405:
        return QByteArrayLiteral("Method Not Allowed");
    case 408:
        return QByteArrayLiteral("Request Timeout");
    case 413:
        return QByteArrayLiteral("Content Too Large");
    case 414:
        return QByteArrayLiteral("URI Too Long");
    case 417:
        return QByteArrayLiteral("Expectation Failed");
    case 431:
        return QByteArrayLiteral("Request Header Fields Too Large");
    case 500:
        return QByteArrayLiteral("Internal Server Error");
    case 501:
        return QByteArrayLiteral("Not Implemented");
    case 503:
        return QByteArrayLiteral("Service Unavailable");
    case 505:
        return QByteArrayLiteral("HTTP Version Not Supported");
    default:
        return QByteArrayLiteral("Unknown");
    }
}

QByteArray HttpWire::response(
    int status, const QByteArray &contentType, const QByteArray &body, const Headers &headers, bool headOnly)
{
    QByteArray out;
    out.reserve(160 + body.size());
    out += "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    if (!contentType.isEmpty() && !headOnly)
        out += "Content-Type: " + contentType + "\r\n";
    for (const auto &header : headers)
        out += header.first + ": " + header.second + "\r\n";
    out += "Content-Length: " + QByteArray::number(headOnly ? 0 : body.size()) + "\r\n\r\n";
    if (!headOnly)
        out += body;
    return out;
}

QByteArray HttpWire::errorJson(const QString &message)
{
    return QJsonDocument(QJsonObject { { QStringLiteral("ok"), false }, { QStringLiteral("error"), message } })
        .toJson(QJsonDocument::Compact);
}

QByteArray HttpWire::refusal(int status, const QString &message, const Headers &extraHeaders)
{
    Headers headers = extraHeaders;
    headers.append({ QByteArrayLiteral("Connection"), QByteArrayLiteral("close") });
    return response(status, QByteArrayLiteral("application/json"), errorJson(message), headers);
}
