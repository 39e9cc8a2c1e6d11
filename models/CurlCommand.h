#pragma once

#include "CapturedEvent.h"

#include <QByteArray>
#include <QString>
#include <QUrl>

// "Copy as curl": a shell command line that sends a captured delivery again, the same body byte
// for byte and the same headers, so a developer can reproduce what Thena sent. The authorization
// header is the workspace's secret: unless asked to include it, the command reads it from the
// THENA_INSPECTOR_SECRET environment variable instead (the one the inspector itself reads), so a
// pasted command stays runnable without the secret ever being on the clipboard. Every other
// credential header (SecretMask::isSecretHeader: cookie, x-api-key, x-webhook-secret...) is
// written masked (SecretMask::maskedText) unless the secret is asked for; includeSecret copies
// every header exactly as captured.
//
// Everything taken from the delivery is quoted for a POSIX shell: printable text in single quotes,
// anything else (control bytes, invalid UTF-8, NUL) as escapes that the shell or printf turns back
// into the same bytes.
class CurlCommand
{
public:
    struct Options
    {
        // Where to send it; empty: where it was sent, http://<its Host header><its path>
        // (http://127.0.0.1:8080<path> when it had no Host header).
        QUrl url;
        bool includeSecret = false; // authorization and every other credential header in clear
        // false: only content-type and authorization; true: every header except those curl
        // computes itself (host, content-length, transfer-encoding, connection...).
        bool allHeaders = true;
    };

    CurlCommand() = delete;

    static QString build(const CapturedEvent &event, const Options &options);
    static QString build(const CapturedEvent &event) { return build(event, Options()); }

    // Where the delivery was sent, as build() uses it when no URL is given.
    static QUrl deliveryUrl(const CapturedEvent &event);
    // One word for a POSIX shell: 'text' (with ' written as '\''), or $'...' with \xHH escapes when
    // the bytes hold anything but printable text (bash, zsh and ksh read that form).
    static QString shellQuote(const QByteArray &bytes);
    // Headers a client sets from the request itself; sending a stale copy would contradict it.
    static bool isHopByHop(const QByteArray &name);
    static QString secretVariable() { return QStringLiteral("THENA_INSPECTOR_SECRET"); }
};
