#pragma once

// A raw HTTP/1.1 client on one connection, plain or TLS, for the tests of hostile input: it
// sends bytes exactly as given (malformed, trickled, pipelined) and reads the answers one by one.
// Everything it waits for runs the event loop, since the server under test may live in the
// test's own thread. Header-only, like TestSupport.h.

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTest>
#include <optional>

struct RawHttpResponse
{
    int status = 0;
    QByteArray head;
    QByteArray body;
    QJsonObject json;

    // The first header of that name, any letter case, trimmed; empty when absent.
    QByteArray header(const QByteArray &name) const
    {
        const QList<QByteArray> lines = head.split('\n');
        for (const QByteArray &line : lines) {
            const qsizetype colon = line.indexOf(':');
            if (colon > 0 && line.first(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
                return line.sliced(colon + 1).trimmed();
        }
        return {};
    }
};

class RawHttpClient
{
public:
    static constexpr int WaitMs = 5000;

    // Plain HTTP to 127.0.0.1:port.
    explicit RawHttpClient(quint16 port)
    {
        setUp();
        m_socket.connectToHost(QHostAddress::LocalHost, port);
    }

    // HTTPS to 127.0.0.1:port with the given client configuration (CA certificates, verification).
    RawHttpClient(quint16 port, const QSslConfiguration &tls)
    {
        setUp();
        m_tls = true;
        m_socket.setSslConfiguration(tls);
        m_socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), port);
    }

    // Connected, and for TLS encrypted.
    bool waitConnected(int timeoutMs = WaitMs)
    {
        return QTest::qWaitFor(
            [this] {
                return m_socket.state() == QAbstractSocket::ConnectedState && (!m_tls || m_socket.isEncrypted());
            },
            timeoutMs);
    }

    void send(const QByteArray &bytes)
    {
        m_socket.write(bytes);
        m_socket.flush();
    }

    // The next response, interim (1xx) ones included; nothing when none came within the wait.
    std::optional<RawHttpResponse> next(int timeoutMs = WaitMs)
    {
        RawHttpResponse response;
        if (!QTest::qWaitFor([&] { return take(response); }, timeoutMs))
            return std::nullopt;
        return response;
    }

    // True once the connection is gone (the server closed it: the client saw the end of the stream).
    bool waitClosedByServer(int timeoutMs = WaitMs)
    {
        return QTest::qWaitFor([this] { return m_socket.state() == QAbstractSocket::UnconnectedState; }, timeoutMs);
    }

    bool isOpen() const { return m_socket.state() == QAbstractSocket::ConnectedState; }
    QByteArray unread() const { return m_buffer; } // received and not taken as a response
    QList<QSslError> sslErrors() const { return m_sslErrors; }
    QSslSocket &socket() { return m_socket; }
    void close() { m_socket.abort(); }

private:
    void setUp()
    {
        // Collected as they come: what arrives just before the server closes must not be lost.
        QObject::connect(&m_socket, &QIODevice::readyRead, &m_socket, [this] { m_buffer += m_socket.readAll(); });
        QObject::connect(&m_socket, &QSslSocket::sslErrors, &m_socket,
            [this](const QList<QSslError> &errors) { m_sslErrors += errors; });
    }

    bool take(RawHttpResponse &response)
    {
        const qsizetype headEnd = m_buffer.indexOf("\r\n\r\n");
        if (headEnd < 0)
            return false;
        response.head = m_buffer.first(headEnd);
        response.status = response.head.mid(9, 3).toInt();
        const qsizetype length = response.status < 200 ? 0 : response.header("content-length").toLongLong();
        if (m_buffer.size() < headEnd + 4 + length)
            return false;
        response.body = m_buffer.mid(headEnd + 4, length);
        response.json = QJsonDocument::fromJson(response.body).object();
        m_buffer.remove(0, headEnd + 4 + length);
        return true;
    }

    QSslSocket m_socket;
    QByteArray m_buffer;
    QList<QSslError> m_sslErrors;
    bool m_tls = false;
};
