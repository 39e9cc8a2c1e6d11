#pragma once

#include <QSslConfiguration>
#include <QString>

// Turns a certificate file and a key file into the server's TLS configuration, or says exactly
// what is wrong: an unreadable or missing file, no certificate or no unencrypted private key in
// it, an expired certificate, a key that does not belong to the certificate. Everything is
// checked before listening, because a mistake found per connection would only show as every
// delivery failing its handshake.
class TlsCredentials
{
public:
    static bool load(const QString &certFile, const QString &keyFile, QSslConfiguration *configuration, QString *error);
};
