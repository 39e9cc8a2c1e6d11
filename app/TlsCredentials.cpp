#include "TlsCredentials.h"

#include <QDateTime>
#include <QFile>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>

namespace {

bool readFile(const QString &path, const QString &what, QByteArray *data, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("Cannot read the TLS %1 file %2: %3").arg(what, path, file.errorString());
        return false;
    }
    *data = file.readAll();
    return true;
}

QSslKey readKey(const QByteArray &data)
{
    for (const QSsl::EncodingFormat format : { QSsl::Pem, QSsl::Der }) {
        for (const QSsl::KeyAlgorithm algorithm : { QSsl::Rsa, QSsl::Ec, QSsl::Dsa }) {
            QSslKey key(data, algorithm, format, QSsl::PrivateKey);
            if (!key.isNull())
                return key;
        }
    }
    return {};
}

// Keeps the descriptor of the one connection it accepts, without making a socket of it.
class DescriptorCatcher : public QTcpServer
{
public:
    qintptr descriptor = -1;

protected:
    void incomingConnection(qintptr socketDescriptor) override { descriptor = socketDescriptor; }
};

// Qt checks a certificate against its key only when a server handshake starts, per connection.
// So one is started here, on a loopback connection of our own that never sends a byte: Qt's TLS
// backend reports a key that does not fit at once (synchronously), or nothing.
bool keyFitsCertificate(const QSslConfiguration &configuration, QString *problem)
{
    DescriptorCatcher listener;
    if (!listener.listen(QHostAddress::LocalHost, 0))
        return true; // no loopback to check on: the first handshake will tell
    QTcpSocket client;
    client.connectToHost(QHostAddress::LocalHost, listener.serverPort());
    if (!listener.waitForNewConnection(2000) || listener.descriptor < 0)
        return true;
    QSslSocket server;
    server.setSslConfiguration(configuration);
    if (!server.setSocketDescriptor(listener.descriptor))
        return true;
    QObject::connect(&server, &QAbstractSocket::errorOccurred, &server, [&server, problem] {
        if (problem->isEmpty())
            *problem = server.errorString();
    });
    server.startServerEncryption();
    server.abort();
    client.abort();
    return problem->isEmpty();
}

} // namespace

bool TlsCredentials::load(
    const QString &certFile, const QString &keyFile, QSslConfiguration *configuration, QString *error)
{
    if (!QSslSocket::supportsSsl()) {
        *error = QStringLiteral("HTTPS is not available: Qt found no TLS library (OpenSSL 3) on this system");
        return false;
    }
    if (certFile.isEmpty() || keyFile.isEmpty()) {
        *error = QStringLiteral("HTTPS needs both a certificate file and a private key file");
        return false;
    }
    QByteArray certData;
    QByteArray keyData;
    if (!readFile(certFile, QStringLiteral("certificate"), &certData, error)
        || !readFile(keyFile, QStringLiteral("key"), &keyData, error))
        return false;

    QList<QSslCertificate> chain = QSslCertificate::fromData(certData, QSsl::Pem);
    if (chain.isEmpty())
        chain = QSslCertificate::fromData(certData, QSsl::Der);
    if (chain.isEmpty() || chain.first().isNull()) {
        *error = QStringLiteral("%1 holds no certificate (PEM or DER)").arg(certFile);
        return false;
    }
    // Expired or early, every client would refuse it: say so now rather than per delivery.
    const QSslCertificate &leaf = chain.first();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (leaf.expiryDate().isValid() && leaf.expiryDate() < now) {
        *error = QStringLiteral("The TLS certificate in %1 expired on %2")
                     .arg(certFile, leaf.expiryDate().toString(Qt::ISODate));
        return false;
    }
    if (leaf.effectiveDate().isValid() && leaf.effectiveDate() > now) {
        *error = QStringLiteral("The TLS certificate in %1 is not valid before %2")
                     .arg(certFile, leaf.effectiveDate().toString(Qt::ISODate));
        return false;
    }

    const QSslKey key = readKey(keyData);
    if (key.isNull()) {
        if (keyData.contains("ENCRYPTED"))
            *error = QStringLiteral("The private key in %1 is protected by a passphrase, which is not supported "
                                    "(openssl pkey -in KEY -out PLAIN_KEY removes it)")
                         .arg(keyFile);
        else if (keyData.contains("BEGIN CERTIFICATE"))
            *error = QStringLiteral("%1 holds a certificate, not a private key").arg(keyFile);
        else
            *error = QStringLiteral("%1 holds no private key (unencrypted PEM or DER; RSA, EC or DSA)").arg(keyFile);
        return false;
    }

    QSslConfiguration result = QSslConfiguration::defaultConfiguration();
    result.setLocalCertificateChain(chain);
    result.setPrivateKey(key);
    result.setPeerVerifyMode(QSslSocket::VerifyNone); // clients are not asked for certificates
    result.setProtocol(QSsl::TlsV1_2OrLater);
    QString problem;
    if (!keyFitsCertificate(result, &problem)) {
        *error = QStringLiteral("The private key in %1 does not belong to the certificate in %2: %3")
                     .arg(keyFile, certFile, problem);
        return false;
    }
    *configuration = result;
    return true;
}
