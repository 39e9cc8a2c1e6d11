#include "CaptureServer.h"

#include "ThenaPayloadParser.h"

#include <QDateTime>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMetaEnum>
#include <QTcpServer>
#include <QTcpSocket>
#include <algorithm>
#include <limits>

namespace {

using StatusCode = QHttpServerResponder::StatusCode;

QByteArray compactJson(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

void writeJson(QHttpServerResponder &responder, StatusCode status, const QJsonObject &object)
{
    responder.write(
        compactJson(object), { { QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json") } }, status);
}

QJsonObject errorObject(const QString &message)
{
    return QJsonObject { { QStringLiteral("ok"), false }, { QStringLiteral("error"), message } };
}

// Every byte of the expected value is visited whatever the offered one holds, so the time taken
// does not tell an attacker how many leading bytes were right.
bool constantTimeEquals(const QByteArray &offered, const QByteArray &expected)
{
    unsigned diff = offered.size() == expected.size() ? 0U : 1U;
    const qsizetype offeredSize = offered.size();
    for (qsizetype i = 0; i < expected.size(); ++i) {
        const auto o = static_cast<unsigned char>(offeredSize > 0 ? offered.at(i % offeredSize) : 0);
        diff |= o ^ static_cast<unsigned char>(expected.at(i));
    }
    return diff == 0;
}

// A dual-stack listener reports IPv4 peers as ::ffff:a.b.c.d; people expect a.b.c.d.
QString addressText(const QHostAddress &address)
{
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    return isV4 ? QHostAddress(v4).toString() : address.toString();
}

QString hostPortText(const QHostAddress &address, quint16 port)
{
    const QString host = address.protocol() == QAbstractSocket::IPv6Protocol
        ? QLatin1Char('[') + address.toString() + QLatin1Char(']')
        : address.toString();
    return host + QLatin1Char(':') + QString::number(port);
}

QString methodName(QHttpServerRequest::Method method)
{
    const char *key = QMetaEnum::fromType<QHttpServerRequest::Method>().valueToKey(static_cast<int>(method));
    return key ? QString::fromLatin1(key).toUpper() : QStringLiteral("UNKNOWN");
}

// Path and query as the client sent them, e.g. /hooks/thena?x=1.
QString requestPath(const QUrl &url)
{
    const QString path = url.toString(QUrl::RemoveScheme | QUrl::RemoveAuthority | QUrl::RemoveFragment);
    return path.isEmpty() ? QStringLiteral("/") : path;
}

bool isWebSocketUpgrade(const QHttpServerRequest &request)
{
    return request.value(QByteArrayLiteral("connection")).toLower().contains("upgrade")
        && request.value(QByteArrayLiteral("upgrade")).compare("websocket", Qt::CaseInsensitive) == 0;
}

} // namespace

CaptureServer::CaptureServer(QObject *parent)
    : QAbstractHttpServer(parent)
{
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(FlushIntervalMs);
    connect(&m_flushTimer, &QTimer::timeout, this, &CaptureServer::flush);
}

CaptureServer::~CaptureServer()
{
    close();
}

bool CaptureServer::listen(const CaptureConfig &config)
{
    close();
    m_config = config;
    m_secret = config.secret;
    m_errorString.clear();

    auto *tcpServer = new QTcpServer(this);
    if (!tcpServer->listen(config.address, config.port)) {
        m_errorString = QStringLiteral("Cannot listen on %1: %2")
                            .arg(hostPortText(config.address, config.port), tcpServer->errorString());
        delete tcpServer;
        return false;
    }
    bind(tcpServer);
    m_tcpServer = tcpServer;
    return true;
}

void CaptureServer::close()
{
    flush();
    // The accepted sockets are children of the QTcpServer, so this also drops open connections.
    delete m_tcpServer.data();
}

bool CaptureServer::isListening() const
{
    return m_tcpServer && m_tcpServer->isListening();
}

quint16 CaptureServer::port() const
{
    return isListening() ? m_tcpServer->serverPort() : 0;
}

QUrl CaptureServer::url() const
{
    if (!isListening())
        return {};
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(m_tcpServer->serverAddress().toString());
    url.setPort(m_tcpServer->serverPort());
    url.setPath(QStringLiteral("/"));
    return url;
}

void CaptureServer::setNextEventId(qint64 id)
{
    m_nextEventId = std::max<qint64>(1, id);
}

void CaptureServer::setStats(const CaptureStats &stats)
{
    m_stats = stats;
    m_emittedStats = stats;
}

bool CaptureServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    // QAbstractHttpServer answers an unclaimed upgrade itself (missingHandler, then disconnect);
    // answering here as well would put two responses on the wire.
    if (isWebSocketUpgrade(request))
        return false;

    QHttpServerResponder responder = makeResponder(request, socket);
    switch (request.method()) {
    case QHttpServerRequest::Method::Post:
        handlePost(request, responder);
        break;
    case QHttpServerRequest::Method::Get:
        handleGet(request, responder);
        break;
    case QHttpServerRequest::Method::Head: {
        // Same status and headers as for any other method, but a HEAD answer has no body.
        responder.writeStatusLine(StatusCode::MethodNotAllowed);
        responder.writeHeader(QByteArrayLiteral("Allow"), QByteArrayLiteral("GET, POST"));
        responder.writeHeader(QByteArrayLiteral("Content-Length"), QByteArrayLiteral("0"));
        responder.writeBody(QByteArray());
        break;
    }
    default: {
        const QJsonObject body
            = errorObject(QStringLiteral("Method %1 is not allowed: POST webhooks to any path, GET / for status")
                              .arg(methodName(request.method())));
        responder.write(compactJson(body),
            { { QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json") },
                { QByteArrayLiteral("Allow"), QByteArrayLiteral("GET, POST") } },
            StatusCode::MethodNotAllowed);
        break;
    }
    }
    return true;
}

void CaptureServer::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    // Only reached for WebSocket upgrades (see handleRequest).
    QHttpServerResponder responder = makeResponder(request, socket);
    writeJson(responder, StatusCode::BadRequest,
        errorObject(QStringLiteral("WebSocket upgrades are not supported: POST webhooks to any path")));
}

void CaptureServer::handleGet(const QHttpServerRequest &request, QHttpServerResponder &responder)
{
    const QString path = request.url().path();
    if (path.isEmpty() || path == QLatin1String("/")) {
        writeJson(responder, StatusCode::Ok,
            QJsonObject {
                { QStringLiteral("name"), QStringLiteral("Thena Inspector") },
                { QStringLiteral("version"), QString::fromLatin1(THENA_INSPECTOR_VERSION) },
                { QStringLiteral("events"), static_cast<qint64>(m_stats.captured) },
                { QStringLiteral("listening"), url().toString() },
            });
        return;
    }
    writeJson(responder, StatusCode::NotFound,
        errorObject(QStringLiteral("Nothing at %1: POST webhooks to any path, GET / for status")
                        .arg(requestPath(request.url()))));
}

void CaptureServer::reject(const QHttpServerRequest &request, QHttpServerResponder &responder)
{
    const bool missing = request.value(QByteArrayLiteral("authorization")).isEmpty();
    ++m_stats.rejected;
    m_stats.lastRejectedMs = QDateTime::currentMSecsSinceEpoch();
    m_stats.lastRejectedAddress = addressText(request.remoteAddress());
    scheduleFlush();
    writeJson(responder, StatusCode::Unauthorized,
        errorObject(
            missing ? QStringLiteral("Missing authorization header") : QStringLiteral("Wrong authorization header")));
}

void CaptureServer::handlePost(const QHttpServerRequest &request, QHttpServerResponder &responder)
{
    if (!m_secret.isEmpty() && !constantTimeEquals(request.value(QByteArrayLiteral("authorization")), m_secret)) {
        reject(request, responder);
        return;
    }

    CapturedEvent event;
    event.body = request.body();
    event.headers = request.headers();
    event.method = QStringLiteral("POST");
    event.remoteAddress = addressText(request.remoteAddress());

    const ParseOutcome outcome = ThenaPayloadParser::parse(event.body, event.row);

    // Set after parsing so the parser can never overwrite what only the server knows.
    EventRow &row = event.row;
    row.id = m_nextEventId++;
    row.receivedMs = QDateTime::currentMSecsSinceEpoch();
    row.sizeBytes = static_cast<qint32>(std::min<qsizetype>(event.body.size(), std::numeric_limits<qint32>::max()));
    row.path = requestPath(request.url());
    row.valid = outcome.valid;
    if (!outcome.valid) {
        row.kind = EventKind::Invalid;
        event.error = outcome.error;
        event.errorOffset = outcome.errorOffset;
    }

    const RetryInfo retry = m_retries.observe(event.body, outcome.dedupKey, row.id, row.receivedMs);
    row.attempt = retry.attempt;
    row.retryOf = retry.retryOf;
    row.retryGapSeconds = retry.gapSeconds;

    ++m_stats.captured;
    if (!outcome.valid)
        ++m_stats.invalid;

    if (outcome.valid) {
        writeJson(responder, StatusCode::Ok,
            QJsonObject { { QStringLiteral("ok"), true }, { QStringLiteral("id"), row.id } });
    } else {
        writeJson(responder, StatusCode::BadRequest,
            QJsonObject {
                { QStringLiteral("ok"), false },
                { QStringLiteral("id"), row.id },
                { QStringLiteral("error"), outcome.error },
                { QStringLiteral("offset"), outcome.errorOffset },
            });
    }

    m_pending.append(std::move(event));
    scheduleFlush();
}

void CaptureServer::scheduleFlush()
{
    if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

void CaptureServer::flush()
{
    m_flushTimer.stop();
    // Stats first: whoever receives a batch already has counters that include it.
    if (m_stats != m_emittedStats) {
        m_emittedStats = m_stats;
        emit statsChanged(m_stats);
    }
    if (!m_pending.isEmpty()) {
        QList<CapturedEvent> batch;
        batch.swap(m_pending);
        emit eventsCaptured(batch);
    }
}
