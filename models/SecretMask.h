#pragma once

#include "CapturedEvent.h"

#include <QByteArray>
#include <QString>

// One rule for hiding credentials in captured headers, shared by everything that shows or writes
// them (the Headers pane and its "Copy headers", JSON Lines export), so a screenshot, a pasted bug
// report or an exported file never carries the webhook secret.
//
// A masked value keeps its length ("•••••••• (12 characters)"), which is enough to spot a secret
// that is wrong by a character or a stray space, and nothing of its content. Masking is idempotent:
// a value that already is a mask (an exported file imported again) is left exactly as it is, so it
// stays masked and still shows the original length.
class SecretMask
{
public:
    SecretMask() = delete;

    // Headers that carry credentials, in any letter case: `authorization` (Thena's secret, the one
    // CaptureServer checks), `proxy-authorization`, `cookie`, `x-api-key`, and any name ending in
    // `-secret`, `-token`, `-api-key`, `-apikey` or `-password` (X-Webhook-Secret, X-Auth-Token...),
    // which other senders and proxies in front of the inspector use for the same purpose.
    static bool isSecretHeader(const QByteArray &name);

    // Eight bullets and the length in characters; "(empty)" for an empty value; a mask unchanged.
    static QString maskedText(const QByteArray &value);
    // maskedText() as UTF-8, except that an empty value stays empty (nothing to hide, and the file
    // keeps saying that the header was sent empty).
    static QByteArray maskedBytes(const QByteArray &value);
    // True when the value has exactly the form maskedText() produces for a non-empty value.
    static bool isMasked(const QByteArray &value);

    // The value as shown: decoded as UTF-8, masked when the header is a secret.
    static QString displayValue(const QByteArray &name, const QByteArray &value);
    // The same headers in the same order, every secret value replaced by maskedBytes().
    static HttpHeaders maskedHeaders(const HttpHeaders &headers);
};
