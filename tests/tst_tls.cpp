// HTTPS through QSslServer: deliveries over TLS, the limits and timeouts under TLS, and every way
// the certificate or key can be wrong, each a clear error at start and never plain HTTP. The
// certificates are made at test time with the openssl command (skipped without it).

#include "CaptureServer.h"
#include "CaptureService.h"
#include "RawHttpClient.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

namespace {

constexpr int kWaitMs = 5000;

QByteArray post(const QByteArray &body, const QByteArray &extraHeaders = {})
{
    return "POST /tls HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" + extraHeaders
        + "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

QByteArray validBody(const char *tag)
{
    static int counter = 0;
    return QByteArrayLiteral(R"({"action":"UPDATE","request":{"requestId":")") + tag + '-'
        + QByteArray::number(++counter) + QByteArrayLiteral(R"(","status":"ASSIGNED"}})");
}

} // namespace

class TestTls : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void httpsDelivery_data();
    void httpsDelivery();
    void plainHttpToTlsPortIsNotServed();
    void badCredentials_data();
    void badCredentials();
    void serviceReportsBadCredentials();
    void limitsUnderTls();
    void stalledHandshakeTimesOut();
    void connectionCapUnderTls();

private:
    // Runs openssl in the temporary folder; false (with its output logged) when it fails.
    bool openssl(const QStringList &arguments);
    QString path(const QString &name) const { return m_dir.filePath(name); }
    CaptureConfig tlsConfig(const QString &cert, const QString &key) const;
    // A client that trusts exactly our test certificate and checks it.
    QSslConfiguration clientConfig(const QString &cert) const;

    QTemporaryDir m_dir;
    QString m_openssl;
};

bool TestTls::openssl(const QStringList &arguments)
{
    QProcess process;
    process.setWorkingDirectory(m_dir.path());
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(m_openssl, arguments);
    if (!process.waitForFinished(30000) || process.exitCode() != 0) {
        qWarning("openssl %s failed: %s", qPrintable(arguments.join(QLatin1Char(' '))), process.readAll().constData());
        return false;
    }
    return true;
}

void TestTls::initTestCase()
{
    m_openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
    if (m_openssl.isEmpty())
        QSKIP("the openssl command is needed to make the test certificates");
    if (!QSslSocket::supportsSsl())
        QSKIP("Qt has no TLS backend here");
    QVERIFY(m_dir.isValid());

    const QStringList selfSigned = { QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-nodes"),
        QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1"),
        QStringLiteral("-addext"), QStringLiteral("subjectAltName=IP:127.0.0.1") };
    QVERIFY(openssl(selfSigned
        + QStringList { QStringLiteral("-newkey"), QStringLiteral("rsa:2048"), QStringLiteral("-keyout"),
            QStringLiteral("rsa-key.pem"), QStringLiteral("-out"), QStringLiteral("rsa-cert.pem") }));
    QVERIFY(openssl(selfSigned
        + QStringList { QStringLiteral("-newkey"), QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
            QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-keyout"), QStringLiteral("ec-key.pem"),
            QStringLiteral("-out"), QStringLiteral("ec-cert.pem") }));
    // DER files, as some tools write them.
    QVERIFY(openssl({ QStringLiteral("x509"), QStringLiteral("-in"), QStringLiteral("rsa-cert.pem"),
        QStringLiteral("-outform"), QStringLiteral("DER"), QStringLiteral("-out"), QStringLiteral("rsa-cert.der") }));
    QVERIFY(openssl({ QStringLiteral("pkey"), QStringLiteral("-in"), QStringLiteral("rsa-key.pem"),
        QStringLiteral("-outform"), QStringLiteral("DER"), QStringLiteral("-out"), QStringLiteral("rsa-key.der") }));
    // A key of someone else's, and one behind a passphrase.
    QVERIFY(openssl(
        { QStringLiteral("genpkey"), QStringLiteral("-algorithm"), QStringLiteral("RSA"), QStringLiteral("-pkeyopt"),
            QStringLiteral("rsa_keygen_bits:2048"), QStringLiteral("-out"), QStringLiteral("other-key.pem") }));
    QVERIFY(openssl({ QStringLiteral("pkey"), QStringLiteral("-in"), QStringLiteral("rsa-key.pem"),
        QStringLiteral("-aes256"), QStringLiteral("-passout"), QStringLiteral("pass:secret"), QStringLiteral("-out"),
        QStringLiteral("encrypted-key.pem") }));
    // An expired certificate: `req -days` cannot go back in time, `ca` can.
    QFile caConfig(path(QStringLiteral("ca.cnf")));
    QVERIFY(caConfig.open(QIODevice::WriteOnly));
    caConfig.write("[ca]\ndefault_ca = expired\n[expired]\ndatabase = index.txt\nnew_certs_dir = .\nserial = serial\n"
                   "default_md = sha256\npolicy = anything\n[anything]\ncommonName = supplied\n");
    caConfig.close();
    QFile(path(QStringLiteral("index.txt"))).open(QIODevice::WriteOnly);
    QFile serial(path(QStringLiteral("serial")));
    QVERIFY(serial.open(QIODevice::WriteOnly));
    serial.write("01\n");
    serial.close();
    QVERIFY(openssl({ QStringLiteral("req"), QStringLiteral("-new"), QStringLiteral("-key"),
        QStringLiteral("rsa-key.pem"), QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1"), QStringLiteral("-out"),
        QStringLiteral("expired.csr") }));
    QVERIFY(openssl({ QStringLiteral("ca"), QStringLiteral("-batch"), QStringLiteral("-config"),
        QStringLiteral("ca.cnf"), QStringLiteral("-selfsign"), QStringLiteral("-keyfile"),
        QStringLiteral("rsa-key.pem"), QStringLiteral("-in"), QStringLiteral("expired.csr"),
        QStringLiteral("-startdate"), QStringLiteral("20200101000000Z"), QStringLiteral("-enddate"),
        QStringLiteral("20200102000000Z"), QStringLiteral("-out"), QStringLiteral("expired-cert.pem") }));
    QFile garbage(path(QStringLiteral("garbage.pem")));
    QVERIFY(garbage.open(QIODevice::WriteOnly));
    garbage.write("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");
}

CaptureConfig TestTls::tlsConfig(const QString &cert, const QString &key) const
{
    CaptureConfig config;
    config.address = QHostAddress(QHostAddress::LocalHost);
    config.port = 0;
    config.certFile = cert.isEmpty() ? QString() : path(cert);
    config.keyFile = key.isEmpty() ? QString() : path(key);
    return config;
}

QSslConfiguration TestTls::clientConfig(const QString &cert) const
{
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.setCaCertificates(QSslCertificate::fromPath(path(cert)));
    config.setPeerVerifyMode(QSslSocket::VerifyPeer);
    return config;
}

void TestTls::httpsDelivery_data()
{
    QTest::addColumn<QString>("cert");
    QTest::addColumn<QString>("key");
    QTest::newRow("rsa pem") << QStringLiteral("rsa-cert.pem") << QStringLiteral("rsa-key.pem");
    QTest::newRow("rsa der") << QStringLiteral("rsa-cert.der") << QStringLiteral("rsa-key.der");
    QTest::newRow("ec pem") << QStringLiteral("ec-cert.pem") << QStringLiteral("ec-key.pem");
}

void TestTls::httpsDelivery()
{
    QFETCH(QString, cert);
    QFETCH(QString, key);
    CaptureServer server;
    QList<CapturedEvent> events;
    connect(&server, &CaptureServer::eventsCaptured, this, [&events](const QList<CapturedEvent> &b) { events += b; });
    QVERIFY2(server.listen(tlsConfig(cert, key)), qPrintable(server.errorString()));
    QVERIFY(server.isTls());
    QCOMPARE(server.url().scheme(), QStringLiteral("https"));

    // The client trusts the PEM form of whatever certificate the server was given.
    const QString trusted
        = cert.startsWith(QLatin1String("ec")) ? QStringLiteral("ec-cert.pem") : QStringLiteral("rsa-cert.pem");
    RawHttpClient client(server.port(), clientConfig(trusted));
    QVERIFY2(client.waitConnected(), qPrintable(client.socket().errorString()));
    QVERIFY(client.sslErrors().isEmpty()); // the certificate checked out against its own CA
    // Two on one connection, then one that closes it.
    const QByteArray first = validBody("tls");
    client.send(post(first) + post(validBody("tls-again")) + post(validBody("tls-last"), "Connection: close\r\n"));
    for (int i = 0; i < 3; ++i) {
        const std::optional<RawHttpResponse> response = client.next();
        QVERIFY(response);
        QCOMPARE(response->status, 200);
        QCOMPARE(response->header("connection"), i == 2 ? QByteArray("close") : QByteArray());
    }
    QVERIFY(client.waitClosedByServer());
    server.flush();
    QCOMPARE(events.size(), 3);
    QCOMPARE(events.first().body, first);
    QCOMPARE(events.first().row.path, QStringLiteral("/tls"));
}

void TestTls::plainHttpToTlsPortIsNotServed()
{
    CaptureServer server;
    QVERIFY(server.listen(tlsConfig(QStringLiteral("rsa-cert.pem"), QStringLiteral("rsa-key.pem"))));
    RawHttpClient client(server.port());
    QVERIFY(client.waitConnected());
    client.send(post(validBody("plain-to-tls")));
    QVERIFY(client.waitClosedByServer());
    QVERIFY(!client.unread().contains("HTTP/1.1")); // no plain answer of any kind
    server.flush();
    QCOMPARE(server.stats().captured, quint64(0));
}

void TestTls::badCredentials_data()
{
    QTest::addColumn<QString>("cert");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("expected"); // in the error message

    QTest::newRow("missing certificate file") << QStringLiteral("nowhere.pem") << QStringLiteral("rsa-key.pem")
                                              << QStringLiteral("Cannot read the TLS certificate file");
    QTest::newRow("missing key file") << QStringLiteral("rsa-cert.pem") << QStringLiteral("nowhere.pem")
                                      << QStringLiteral("Cannot read the TLS key file");
    QTest::newRow("certificate without key")
        << QStringLiteral("rsa-cert.pem") << QString() << QStringLiteral("needs both");
    QTest::newRow("key without certificate")
        << QString() << QStringLiteral("rsa-key.pem") << QStringLiteral("needs both");
    QTest::newRow("not a certificate") << QStringLiteral("garbage.pem") << QStringLiteral("rsa-key.pem")
                                       << QStringLiteral("holds no certificate");
    QTest::newRow("key file is a certificate") << QStringLiteral("rsa-cert.pem") << QStringLiteral("rsa-cert.pem")
                                               << QStringLiteral("holds a certificate, not a private key");
    QTest::newRow("key file is garbage") << QStringLiteral("rsa-cert.pem") << QStringLiteral("ca.cnf")
                                         << QStringLiteral("holds no private key");
    QTest::newRow("key behind a passphrase")
        << QStringLiteral("rsa-cert.pem") << QStringLiteral("encrypted-key.pem") << QStringLiteral("passphrase");
    QTest::newRow("someone else's key") << QStringLiteral("rsa-cert.pem") << QStringLiteral("other-key.pem")
                                        << QStringLiteral("does not belong to the certificate");
    QTest::newRow("key of another type") << QStringLiteral("ec-cert.pem") << QStringLiteral("rsa-key.pem")
                                         << QStringLiteral("does not belong to the certificate");
    QTest::newRow("expired certificate") << QStringLiteral("expired-cert.pem") << QStringLiteral("rsa-key.pem")
                                         << QStringLiteral("expired on 2020-01-02");
}

void TestTls::badCredentials()
{
    QFETCH(QString, cert);
    QFETCH(QString, key);
    QFETCH(QString, expected);
    CaptureServer server;
    QVERIFY(!server.listen(tlsConfig(cert, key)));
    QVERIFY2(server.errorString().contains(expected), qPrintable(server.errorString()));
    QVERIFY(!server.isListening());
    QCOMPARE(server.port(), quint16(0));
    QVERIFY(server.url().isEmpty());
}

void TestTls::serviceReportsBadCredentials()
{
    CaptureService service;
    QSignalSpy failed(&service, &CaptureService::failed);
    QSignalSpy listening(&service, &CaptureService::listening);
    service.start(tlsConfig(QStringLiteral("rsa-cert.pem"), QStringLiteral("other-key.pem")));
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, kWaitMs);
    QVERIFY(failed.first().first().toString().contains(QLatin1String("other-key.pem")));
    QCOMPARE(listening.count(), 0);
    QVERIFY(!service.isListening());
    service.stop();
}

void TestTls::limitsUnderTls()
{
    CaptureConfig config = tlsConfig(QStringLiteral("rsa-cert.pem"), QStringLiteral("rsa-key.pem"));
    config.maxBodyBytes = 1000;
    CaptureServer server;
    QVERIFY(server.listen(config));
    RawHttpClient client(server.port(), clientConfig(QStringLiteral("rsa-cert.pem")));
    QVERIFY(client.waitConnected());
    // Announced too large with 100-continue: refused at once.
    client.send("POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5000\r\n\r\n");
    const std::optional<RawHttpResponse> response = client.next();
    QVERIFY(response);
    QCOMPARE(response->status, 413);
    QCOMPARE(response->header("connection"), QByteArray("close"));
    QVERIFY(client.waitClosedByServer());

    // Sent blind, the body still gets the 413, not a reset.
    RawHttpClient blind(server.port(), clientConfig(QStringLiteral("rsa-cert.pem")));
    QVERIFY(blind.waitConnected());
    blind.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 200000\r\n\r\n" + QByteArray(200000, 'b'));
    const std::optional<RawHttpResponse> blindResponse = blind.next();
    QVERIFY(blindResponse);
    QCOMPARE(blindResponse->status, 413);
    QVERIFY(blind.waitClosedByServer());
    server.flush();
    QCOMPARE(server.stats().tooLarge, quint64(2));
    QCOMPARE(server.stats().captured, quint64(0));
}

void TestTls::stalledHandshakeTimesOut()
{
    // Connects and never starts the handshake: closed after the timeout, counted.
    CaptureConfig config = tlsConfig(QStringLiteral("rsa-cert.pem"), QStringLiteral("rsa-key.pem"));
    config.idleTimeoutMs = 300;
    CaptureServer server;
    QVERIFY(server.listen(config));
    QTcpSocket silent;
    silent.connectToHost(QHostAddress::LocalHost, server.port());
    QVERIFY(silent.waitForConnected(kWaitMs));
    QTRY_COMPARE_WITH_TIMEOUT(silent.state(), QAbstractSocket::UnconnectedState, kWaitMs);
    server.flush();
    QCOMPARE(server.stats().timedOut, quint64(1));
    QTRY_COMPARE_WITH_TIMEOUT(server.openConnections(), 0, kWaitMs);
}

void TestTls::connectionCapUnderTls()
{
    CaptureConfig config = tlsConfig(QStringLiteral("rsa-cert.pem"), QStringLiteral("rsa-key.pem"));
    config.maxConnections = 2;
    CaptureServer server;
    QVERIFY(server.listen(config));
    RawHttpClient first(server.port(), clientConfig(QStringLiteral("rsa-cert.pem")));
    RawHttpClient second(server.port(), clientConfig(QStringLiteral("rsa-cert.pem")));
    QVERIFY(first.waitConnected());
    QVERIFY(second.waitConnected());
    // Over the cap a TLS connection is closed at once: a 503 would need a handshake first.
    RawHttpClient third(server.port(), clientConfig(QStringLiteral("rsa-cert.pem")));
    QVERIFY(third.waitClosedByServer());
    QVERIFY(!third.socket().isEncrypted());
    server.flush();
    QCOMPARE(server.stats().refusedConnections, quint64(1));
    first.send(post(validBody("capped")));
    const std::optional<RawHttpResponse> response = first.next();
    QVERIFY(response);
    QCOMPARE(response->status, 200);
}

QTEST_GUILESS_MAIN(TestTls)
#include "tst_tls.moc"
