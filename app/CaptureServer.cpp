#include "CaptureServer.h"

#include "ConnectionGuard.h"
#include "GuardedSslServer.h"
#include "GuardedTcpServer.h"
#include "HttpWire.h"
#include "StoreWriter.h"
#include "ThenaPayloadParser.h"
#include "TlsCredentials.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QHttpServerRequest>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMetaEnum>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <algorithm>
#include <limits>

namespace {

QByteArray compactJson(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
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
    , m_supervisor(new ConnectionSupervisor(this))
{
    m_supervisor->setHttpServer(this);
    connect(m_supervisor, &ConnectionSupervisor::refused, this, &CaptureServer::onRefused);
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(FlushIntervalMs);
    connect(&m_flushTimer, &QTimer::timeout, this, &CaptureServer::flush);
    m_storeErrorTimer.setSingleShot(true);
    connect(&m_storeErrorTimer, &QTimer::timeout, this, &CaptureServer::emitStoreError);
    m_holdTimer.setSingleShot(true);
    m_holdTimer.setTimerType(Qt::PreciseTimer); // holds last a few milliseconds
    connect(&m_holdTimer, &QTimer::timeout, this, &CaptureServer::handOverToStore);
    m_paceClock.start();
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
    m_drill.setConfig(config.drill);
    m_errorString.clear();
    const ConnectionSupervisor::Limits limits = limitsOf(config);
    m_supervisor->setLimits(limits);

    QTcpServer *tcpServer = nullptr;
    if (config.usesTls()) {
        // Never a silent fall-back to plain HTTP: a sender configured for https:// would send its
        // secret in clear text to whatever answers.
        QSslConfiguration sslConfiguration;
        if (!TlsCredentials::load(config.certFile, config.keyFile, &sslConfiguration, &m_errorString))
            return false;
        auto *sslServer = new GuardedSslServer(m_supervisor, this);
        sslServer->setSslConfiguration(sslConfiguration);
        // Only a backstop: the supervisor's sweep closes (and counts) a stalled handshake first.
        sslServer->setHandshakeTimeout(limits.idleTimeoutMs + ConnectionSupervisor::DrainTimeoutMs);
        tcpServer = sslServer;
    } else {
        tcpServer = new GuardedTcpServer(m_supervisor, this);
    }
    if (!tcpServer->listen(config.address, config.port)) {
        m_errorString = QStringLiteral("Cannot listen on %1: %2")
                            .arg(hostPortText(config.address, config.port), tcpServer->errorString());
        delete tcpServer;
        return false;
    }
    bind(tcpServer);
    m_tcpServer = tcpServer;
    m_tls = config.usesTls();
    return true;
}

ConnectionSupervisor::Limits CaptureServer::limitsOf(const CaptureConfig &config)
{
    const CaptureConfig defaults;
    ConnectionSupervisor::Limits limits;
    limits.request.maxBodyBytes = config.maxBodyBytes > 0 ? config.maxBodyBytes : defaults.maxBodyBytes;
    limits.request.maxHeadBytes = config.maxHeaderBytes > 0 ? config.maxHeaderBytes : defaults.maxHeaderBytes;
    limits.request.maxHeaderLines = config.maxHeaderLines > 0 ? config.maxHeaderLines : defaults.maxHeaderLines;
    limits.idleTimeoutMs = config.idleTimeoutMs > 0 ? config.idleTimeoutMs : defaults.idleTimeoutMs;
    limits.maxConnections = config.maxConnections > 0 ? config.maxConnections : defaults.maxConnections;
    return limits;
}

void CaptureServer::close()
{
    if (m_tcpServer)
        m_tcpServer->close(); // no new connections while the store settles
    settleStore();
    flush();
    if (m_tcpServer) {
        // Deleting a socket aborts it and throws away what it has not sent yet: the answers just
        // written would never leave.
        const QList<QTcpSocket *> sockets = m_tcpServer->findChildren<QTcpSocket *>();
        for (QTcpSocket *socket : sockets)
            socket->flush();
    }
    // The accepted sockets are children of the QTcpServer, so this also drops open connections.
    delete m_tcpServer.data();
    m_connections.clear();
    m_awaiting.clear();
    m_tls = false;
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
    url.setScheme(m_tls ? QStringLiteral("https") : QStringLiteral("http"));
    url.setHost(m_tcpServer->serverAddress().toString());
    url.setPort(m_tcpServer->serverPort());
    url.setPath(QStringLiteral("/"));
    return url;
}

void CaptureServer::setStoreWriter(StoreWriter *writer)
{
    if (m_writer == writer)
        return;
    if (m_writer) {
        settleStore();
        disconnect(m_writer, nullptr, this, nullptr);
    }
    m_writer = writer;
    if (writer) {
        // Queued: the writer emits in its own thread, and the answers belong to this one.
        connect(writer, &StoreWriter::committed, this, &CaptureServer::onCommitted, Qt::QueuedConnection);
        connect(writer, &StoreWriter::commitFailed, this, &CaptureServer::onCommitFailed, Qt::QueuedConnection);
    }
}

void CaptureServer::setNextEventId(qint64 id)
{
    if (m_writer)
        id = std::max(id, m_nextEventId);
    m_nextEventId = std::max<qint64>(1, id);
}

void CaptureServer::setStats(const CaptureStats &stats)
{
    m_stats = stats;
    m_emittedStats = stats;
}

bool CaptureServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    // Every dispatched request gets exactly one answer (here or in missingHandler); the guard
    // counts them to know when the connection owes nothing.
    if (ConnectionGuard *guard = ConnectionGuard::of(socket))
        guard->requestDispatched();

    // QAbstractHttpServer answers an unclaimed upgrade itself (missingHandler, then disconnect);
    // answering here as well would put two responses on the wire.
    if (isWebSocketUpgrade(request))
        return false;

    switch (request.method()) {
    case QHttpServerRequest::Method::Post:
        handlePost(request, socket);
        break;
    case QHttpServerRequest::Method::Get:
        answer(socket, getReply(request));
        break;
    case QHttpServerRequest::Method::Head: {
        // Same status and headers as for any other method, but a HEAD answer has no body.
        Reply reply;
        reply.status = 405;
        reply.allow = QByteArrayLiteral("GET, POST");
        reply.headOnly = true;
        answer(socket, reply);
        break;
    }
    default: {
        Reply reply;
        reply.status = 405;
        reply.allow = QByteArrayLiteral("GET, POST");
        reply.json = compactJson(
            errorObject(QStringLiteral("Method %1 is not allowed: POST webhooks to any path, GET / for status")
                            .arg(methodName(request.method()))));
        answer(socket, reply);
        break;
    }
    }
    return true;
}

void CaptureServer::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    Q_UNUSED(request)
    // Only reached for WebSocket upgrades (see handleRequest). QHttpServer disconnects next.
    Reply reply;
    reply.status = 400;
    reply.close = true;
    reply.json
        = compactJson(errorObject(QStringLiteral("WebSocket upgrades are not supported: POST webhooks to any path")));
    answer(socket, reply);
}

CaptureServer::Reply CaptureServer::getReply(const QHttpServerRequest &request) const
{
    Reply reply;
    const QString path = request.url().path();
    if (path.isEmpty() || path == QLatin1String("/")) {
        reply.json = compactJson(QJsonObject {
            { QStringLiteral("name"), QStringLiteral("Thena Inspector") },
            { QStringLiteral("version"), QString::fromLatin1(THENA_INSPECTOR_VERSION) },
            { QStringLiteral("events"), static_cast<qint64>(m_stats.captured) },
            { QStringLiteral("listening"), url().toString() },
        });
        return reply;
    }
    reply.status = 404;
    reply.json = compactJson(errorObject(
        QStringLiteral("Nothing at %1: POST webhooks to any path, GET / for status").arg(requestPath(request.url()))));
    return reply;
}

CaptureServer::Reply CaptureServer::reject(const QHttpServerRequest &request)
{
    const bool missing = request.value(QByteArrayLiteral("authorization")).isEmpty();
    ++m_stats.rejected;
    m_stats.lastRejectedMs = QDateTime::currentMSecsSinceEpoch();
    m_stats.lastRejectedAddress = addressText(request.remoteAddress());
    scheduleFlush();
    Reply reply;
    reply.status = 401;
    reply.json = compactJson(errorObject(
        missing ? QStringLiteral("Missing authorization header") : QStringLiteral("Wrong authorization header")));
    return reply;
}

void CaptureServer::handlePost(const QHttpServerRequest &request, QTcpSocket *socket)
{
    if (!m_secret.isEmpty() && !constantTimeEquals(request.value(QByteArrayLiteral("authorization")), m_secret)) {
        answer(socket, reject(request));
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
    if (outcome.valid)
        event.requestTimes = outcome.times;
    if (!outcome.valid) {
        row.kind = EventKind::Invalid;
        event.error = outcome.error;
        event.errorOffset = outcome.errorOffset;
    }

    const RetryInfo retry = m_retries.observe(event.body, outcome.dedupKey, row.id, row.receivedMs);
    row.attempt = retry.attempt;
    row.retryOf = retry.retryOf;
    row.retryGapSeconds = retry.gapSeconds;

    Reply reply;
    if (outcome.valid) {
        // The answer to nearly every delivery: built directly rather than through a QJsonObject
        // (the same bytes QJsonDocument writes, keys in its sorted order).
        reply.json = QByteArrayLiteral("{\"id\":") + QByteArray::number(row.id) + QByteArrayLiteral(",\"ok\":true}");
    } else {
        reply.status = 400;
        reply.json = compactJson(QJsonObject {
            { QStringLiteral("ok"), false },
            { QStringLiteral("id"), row.id },
            { QStringLiteral("error"), outcome.error },
            { QStringLiteral("offset"), outcome.errorOffset },
        });
    }

    // A failure drill answers the first attempts of each new body with an error, or late, so that
    // a sender's retries can be watched; the delivery is captured and shown all the same.
    // Only an active drill needs the body's key: hashing every body for nothing costs more than
    // the answer itself.
    const FailureDrill::Decision drill = outcome.valid && m_drill.isActive()
        ? m_drill.decide(FailureDrill::bodyKey(event.body, outcome.dedupKey), row.kind, row.receivedMs)
        : FailureDrill::Decision();
    if (drill.status != 0) {
        reply.status = drill.status;
        reply.json = compactJson(QJsonObject {
            { QStringLiteral("ok"), false },
            { QStringLiteral("id"), row.id },
            { QStringLiteral("drill"), true },
            { QStringLiteral("error"),
                QStringLiteral("Failure drill: attempt %1 of this body answered %2")
                    .arg(drill.attempt)
                    .arg(drill.status) },
        });
    }

    if (m_writer) {
        // Counted and handed to the GUI once committed (onCommitted).
        if (drill.delayMs > 0)
            answerHeld(socket, row.id, reply, drill.delayMs);
        else
            answerAfterCommit(socket, row.id, reply);
        queueForStore(std::move(event));
        return;
    }

    ++m_stats.captured;
    if (!outcome.valid)
        ++m_stats.invalid;
    if (drill.delayMs > 0)
        answerHeld(socket, 0, reply, drill.delayMs);
    else
        answer(socket, reply);
    m_pending.append(std::move(event));
    scheduleFlush();
}

void CaptureServer::writeReply(QTcpSocket *socket, const Reply &reply)
{
    HttpWire::Headers headers;
    if (!reply.allow.isEmpty())
        headers.append({ QByteArrayLiteral("Allow"), reply.allow });
    if (reply.close)
        headers.append({ QByteArrayLiteral("Connection"), QByteArrayLiteral("close") });
    else if (reply.keepAlive)
        headers.append({ QByteArrayLiteral("Connection"), QByteArrayLiteral("keep-alive") });
    // A HEAD answer has the headers of the answer to a GET but never a body.
    socket->write(
        HttpWire::response(reply.status, QByteArrayLiteral("application/json"), reply.json, headers, reply.headOnly));
    // The guard closes the connection after a closing answer, and learns when nothing is owed.
    if (ConnectionGuard *guard = ConnectionGuard::of(socket))
        guard->answerWritten(reply.close);
}

void CaptureServer::applyConnectionRules(QTcpSocket *socket, Reply &reply)
{
    if (const ConnectionGuard *guard = ConnectionGuard::of(socket)) {
        reply.close = reply.close || guard->closeAfterAnswer();
        reply.keepAlive = !reply.close && guard->keepAliveHeaderNeeded();
    }
}

void CaptureServer::answer(QTcpSocket *socket, Reply reply)
{
    applyConnectionRules(socket, reply);
    const auto it = m_connections.find(socket);
    if (it == m_connections.end()) {
        // Nothing earlier waits, and the socket is alive: we are inside its request handler.
        writeReply(socket, reply);
        return;
    }
    PendingAnswer &pending = it->second.answers.emplace_back();
    pending.reply = reply;
}

CaptureServer::Connection &CaptureServer::connectionOf(QTcpSocket *socket)
{
    auto it = m_connections.find(socket);
    if (it == m_connections.end()) {
        it = m_connections.emplace(socket, Connection {}).first;
        it->second.socket = socket;
        // The map is keyed by address: forget the entry before another socket can get the same one.
        connect(socket, &QObject::destroyed, this, &CaptureServer::forgetSocket, Qt::UniqueConnection);
    }
    return it->second;
}

void CaptureServer::answerAfterCommit(QTcpSocket *socket, qint64 eventId, Reply reply)
{
    applyConnectionRules(socket, reply);
    PendingAnswer &pending = connectionOf(socket).answers.emplace_back();
    pending.awaitedId = eventId;
    pending.reply = reply;
    m_awaiting.insert(eventId, socket);
}

void CaptureServer::answerHeld(QTcpSocket *socket, qint64 awaitedId, Reply reply, int delayMs)
{
    applyConnectionRules(socket, reply);
    PendingAnswer &pending = connectionOf(socket).answers.emplace_back();
    pending.awaitedId = awaitedId;
    pending.holdId = ++m_lastHoldId;
    pending.reply = reply;
    if (awaitedId != 0)
        m_awaiting.insert(awaitedId, socket);
    QTimer::singleShot(
        delayMs, this, [this, connection = static_cast<const QObject *>(socket), holdId = pending.holdId] {
            releaseHeld(connection, holdId);
        });
}

void CaptureServer::releaseHeld(const QObject *connection, quint64 holdId)
{
    const auto it = m_connections.find(connection);
    if (it == m_connections.end())
        return; // the client left meanwhile
    // Hold ids are never reused, so an entry for a new socket at the same address matches none.
    for (PendingAnswer &pending : it->second.answers) {
        if (pending.holdId == holdId) {
            pending.holdId = 0;
            writeReady(it);
            return;
        }
    }
}

void CaptureServer::resolve(qint64 eventId, const Reply *replacement)
{
    const QObject *key = m_awaiting.take(eventId);
    if (!key)
        return; // its client is gone
    const auto it = m_connections.find(key);
    if (it == m_connections.end())
        return;
    // Commits come in id order, which is request order, so this is nearly always the front.
    for (PendingAnswer &pending : it->second.answers) {
        if (pending.awaitedId == eventId) {
            pending.awaitedId = 0;
            if (replacement) {
                // The connection's rules were taken when the request came in.
                const Reply original = pending.reply;
                pending.reply = *replacement;
                pending.reply.close = original.close;
                pending.reply.keepAlive = original.keepAlive;
            }
            break;
        }
    }
    writeReady(it);
}

void CaptureServer::writeReady(ConnectionMap::iterator it)
{
    Connection &connection = it->second;
    if (!connection.socket || connection.socket->state() != QAbstractSocket::ConnectedState) {
        dropConnection(it);
        return;
    }
    while (!connection.answers.empty() && connection.answers.front().awaitedId == 0
        && connection.answers.front().holdId == 0) {
        // Nothing is read after a request that closes the connection, so nothing follows its answer.
        const Reply reply = connection.answers.front().reply;
        connection.answers.pop_front();
        writeReply(connection.socket, reply);
        if (reply.close || !connection.socket) {
            dropConnection(it);
            return;
        }
    }
    if (connection.answers.empty())
        m_connections.erase(it);
}

void CaptureServer::dropConnection(ConnectionMap::iterator it)
{
    for (const PendingAnswer &pending : it->second.answers) {
        if (pending.awaitedId != 0)
            m_awaiting.remove(pending.awaitedId);
    }
    m_connections.erase(it);
}

void CaptureServer::forgetSocket(QObject *socket)
{
    const auto it = m_connections.find(socket);
    if (it != m_connections.end())
        dropConnection(it);
}

void CaptureServer::queueForStore(CapturedEvent &&event)
{
    m_toStore.append(std::move(event));
    if (!std::exchange(m_handOverPosted, true))
        QMetaObject::invokeMethod(this, &CaptureServer::handOverToStore, Qt::QueuedConnection);
}

void CaptureServer::handOverToStore()
{
    m_handOverPosted = false;
    if (m_toStore.isEmpty())
        return;
    if (!m_writer) {
        // The writer went away under us: never leave a delivery unanswered.
        onCommitFailed(std::exchange(m_toStore, {}), QStringLiteral("the capture file was closed"));
        return;
    }
    const qint64 now = m_paceClock.nsecsElapsed();
    if (!m_pacer.shouldHandOver(m_toStore.size(), now)) {
        // Held for the round to fill up; with a group in flight its outcome ends the hold.
        if (m_pacer.inFlight() == 0) {
            const qint64 leftNs = std::max<qint64>(0, m_pacer.holdDeadlineNs() - now);
            m_holdTimer.start(int((leftNs + 999999) / 1000000));
        }
        return;
    }
    giveToWriter();
}

void CaptureServer::giveToWriter()
{
    m_holdTimer.stop();
    if (m_toStore.isEmpty() || !m_writer)
        return;
    m_pacer.handedOver(m_toStore.size(), m_toStore.constLast().row.id, m_paceClock.nsecsElapsed());
    m_writer->enqueue(std::exchange(m_toStore, {}));
}

void CaptureServer::paceAfterOutcome(const QList<CapturedEvent> &events)
{
    if (events.isEmpty())
        return;
    qint64 lastId = 0;
    for (const CapturedEvent &event : events)
        lastId = std::max(lastId, event.row.id);
    m_pacer.resolved(events.size(), lastId, m_toStore.size(), m_paceClock.nsecsElapsed());
    handOverToStore();
}

QList<CapturedEvent> CaptureServer::renumbered(QList<CapturedEvent> events, qint64 &nextId)
{
    QHash<qint64, qint64> newIds;
    newIds.reserve(events.size());
    for (CapturedEvent &event : events) {
        const qint64 id = nextId++;
        newIds.insert(event.row.id, id);
        event.row.id = id;
    }
    for (CapturedEvent &event : events) {
        if (event.row.retryOf != 0)
            event.row.retryOf = newIds.value(event.row.retryOf, 0);
    }
    return events;
}

void CaptureServer::importEvents(const QList<CapturedEvent> &events)
{
    if (events.isEmpty())
        return;
    const qint64 first = m_nextEventId;
    QList<CapturedEvent> imported = renumbered(events, m_nextEventId);
    if (m_writer) {
        m_importedRanges.emplace_back(first, m_nextEventId - 1);
        giveToWriter(); // deliveries numbered before these go first: outcomes come in id order
        m_pacer.handedOver(imported.size(), m_nextEventId - 1, m_paceClock.nsecsElapsed());
        m_writer->enqueue(imported);
        return;
    }
    m_pending += imported;
    scheduleFlush();
}

bool CaptureServer::takeImported(qint64 id)
{
    // Outcomes arrive in id order, so ranges below this id are done.
    while (!m_importedRanges.empty() && m_importedRanges.front().second < id)
        m_importedRanges.pop_front();
    return !m_importedRanges.empty() && m_importedRanges.front().first <= id;
}

void CaptureServer::onCommitted(const QList<CapturedEvent> &events)
{
    bool deliveries = false;
    for (const CapturedEvent &event : events) {
        if (takeImported(event.row.id))
            continue;
        deliveries = true;
        ++m_stats.captured;
        if (!event.row.valid)
            ++m_stats.invalid;
        resolve(event.row.id, nullptr);
    }
    if (deliveries)
        ++m_stats.commits;
    // Shares the list when nothing else waits (the usual case): no copy of each event.
    if (m_pending.isEmpty())
        m_pending = events;
    else
        m_pending += events;
    scheduleFlush();
    paceAfterOutcome(events);
}

void CaptureServer::onCommitFailed(const QList<CapturedEvent> &events, const QString &error)
{
    m_stats.lastStoreError = error;
    Reply reply;
    reply.status = 503;
    reply.json = compactJson(errorObject(QStringLiteral("Could not store the event: %1").arg(error)));
    for (const CapturedEvent &event : events) {
        if (takeImported(event.row.id))
            continue;
        ++m_stats.storeFailures;
        resolve(event.row.id, &reply);
    }
    reportStoreError();
    scheduleFlush();
    paceAfterOutcome(events);
}

void CaptureServer::onRefused(ConnectionSupervisor::Refusal reason)
{
    switch (reason) {
    case ConnectionSupervisor::Refusal::BodyTooLarge:
        ++m_stats.tooLarge;
        break;
    case ConnectionSupervisor::Refusal::HeadTooLarge:
        ++m_stats.headerTooLarge;
        break;
    case ConnectionSupervisor::Refusal::TimedOut:
        ++m_stats.timedOut;
        break;
    case ConnectionSupervisor::Refusal::ConnectionLimit:
        ++m_stats.refusedConnections;
        break;
    case ConnectionSupervisor::Refusal::Malformed:
        ++m_stats.malformed;
        break;
    }
    scheduleFlush();
}

void CaptureServer::reportStoreError()
{
    if (!m_storeErrorClock.isValid() || m_storeErrorClock.elapsed() >= StoreErrorIntervalMs) {
        m_storeErrorTimer.stop();
        emitStoreError();
        return;
    }
    if (!m_storeErrorTimer.isActive())
        m_storeErrorTimer.start(static_cast<int>(StoreErrorIntervalMs - m_storeErrorClock.elapsed()));
}

void CaptureServer::emitStoreError()
{
    m_storeErrorClock.start();
    emit storeError(m_stats.lastStoreError);
}

void CaptureServer::settleStore()
{
    if (!m_writer)
        return;
    giveToWriter(); // no pacing now: everything received is committed and answered
    // The writer drains in queued calls; one more call behind them returns when they are done.
    if (m_writer->thread() == QThread::currentThread())
        QCoreApplication::sendPostedEvents(m_writer, QEvent::MetaCall);
    else
        QMetaObject::invokeMethod(
            m_writer, [] {}, Qt::BlockingQueuedConnection);
    // Their outcomes are queued to this object: take them in now.
    QCoreApplication::sendPostedEvents(this, QEvent::MetaCall);
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
