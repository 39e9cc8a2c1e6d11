#include "ReplayClient.h"

#include "CurlCommand.h"

#include <QDateTime>
#include <QHostAddress>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>

ReplayClient::ReplayClient(QObject *parent)
    : QObject(parent)
{
    // Never through a proxy: the body must go where the user sees it go, and nowhere else.
    m_manager.setProxy(QNetworkProxy::NoProxy);
    m_manager.setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    m_manager.setAutoDeleteReplies(false);
}

ReplayClient::~ReplayClient()
{
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        delete m_reply;
    }
}

bool ReplayClient::isLoopbackHost(const QString &host)
{
    if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0)
        return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

bool ReplayClient::needsConfirmation(const QUrl &url)
{
    return !isLoopbackHost(url.host());
}

HttpHeaders ReplayClient::chooseHeaders(const HttpHeaders &captured, HeaderChoice choice)
{
    HttpHeaders chosen;
    for (const auto &header : captured) {
        const QByteArray name = header.first.toLower();
        if (CurlCommand::isHopByHop(name))
            continue;
        const bool wanted = choice == HeaderChoice::All || name == "content-type"
            || (choice == HeaderChoice::ContentTypeAndAuthorization && name == "authorization");
        if (wanted)
            chosen.append(header);
    }
    return chosen;
}

void ReplayClient::confirmHost(const QString &host)
{
    m_confirmedHosts.insert(host.toLower());
}

bool ReplayClient::isHostConfirmed(const QString &host) const
{
    return m_confirmedHosts.contains(host.toLower());
}

bool ReplayClient::start(const Request &request)
{
    if (m_running) {
        m_error = QStringLiteral("A replay is already running");
        return false;
    }
    const QString scheme = request.url.scheme();
    if (!request.url.isValid() || request.url.host().isEmpty()
        || (scheme != QLatin1String("http") && scheme != QLatin1String("https"))) {
        m_error = QStringLiteral("Not an http or https URL: %1").arg(request.url.toString());
        return false;
    }
    if (request.count < 1 || request.count > MaxCount) {
        m_error = QStringLiteral("The count must be from 1 to %1").arg(MaxCount);
        return false;
    }
    if (needsConfirmation(request.url) && !isHostConfirmed(request.url.host())) {
        m_error = QStringLiteral("Sending to %1 needs confirmation: it is not this computer").arg(request.url.host());
        return false;
    }
    m_error.clear();
    m_request = request;
    m_results.clear();
    m_running = true;
    m_cancelled = false;
    sendNext();
    return true;
}

void ReplayClient::cancel()
{
    if (!m_running)
        return;
    m_cancelled = true;
    if (m_reply)
        m_reply->abort(); // finishes the reply at once: onReplyFinished() ends the run
}

void ReplayClient::sendNext()
{
    QNetworkRequest request(m_request.url);
    request.setTransferTimeout(TimeoutMs);
    // QNAM would ask for compressed answers; the results show what the receiver really sent.
    request.setRawHeader(QByteArrayLiteral("Accept-Encoding"), QByteArrayLiteral("identity"));
    bool hasContentType = false;
    QList<QByteArray> names;
    for (const auto &[name, value] : std::as_const(m_request.headers)) {
        hasContentType = hasContentType || name.compare("content-type", Qt::CaseInsensitive) == 0;
        // A repeated header becomes one, its values joined, as HTTP allows.
        const QByteArray existing = request.rawHeader(name);
        request.setRawHeader(name, existing.isEmpty() ? value : existing + ", " + value);
        names.append(name);
    }
    if (!hasContentType) {
        // QNAM would otherwise label the body as a form; Thena's deliveries are JSON.
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    }
    m_received.clear();
    m_truncated = false;
    m_sentAtMs = QDateTime::currentMSecsSinceEpoch();
    m_clock.start();
    m_reply = m_manager.post(request, m_request.body);
    connect(m_reply, &QNetworkReply::readyRead, this, [this] {
        // Keep at most MaxResponseBytes, but keep reading so the answer's end is still seen.
        const QByteArray chunk = m_reply->readAll();
        const qint64 room = MaxResponseBytes - m_received.size();
        if (chunk.size() > room)
            m_truncated = true;
        if (room > 0)
            m_received.append(chunk.left(room));
    });
    connect(m_reply, &QNetworkReply::finished, this, &ReplayClient::onReplyFinished);
}

void ReplayClient::onReplyFinished()
{
    QNetworkReply *reply = m_reply;
    if (!reply)
        return;
    Result result;
    result.attempt = static_cast<int>(m_results.size()) + 1;
    result.ms = m_clock.elapsed();
    result.sentAtMs = m_sentAtMs;
    // An aborted reply is closed; reading it would only warn.
    const QByteArray rest = reply->isOpen() ? reply->readAll() : QByteArray();
    const qint64 room = MaxResponseBytes - m_received.size();
    if (rest.size() > room)
        m_truncated = true;
    if (room > 0)
        m_received.append(rest.left(room));
    result.body = m_received;
    result.truncated = m_truncated;
    const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    result.status = status.isValid() ? status.toInt() : 0;
    if (result.status == 0) {
        result.error = m_cancelled ? QStringLiteral("Cancelled") : reply->errorString();
        if (reply->error() == QNetworkReply::OperationCanceledError && !m_cancelled)
            result.error = QStringLiteral("No answer within %1 s").arg(TimeoutMs / 1000);
    }
    m_reply = nullptr;
    reply->deleteLater();

    m_results.append(result);
    emit attemptFinished(result);
    if (!m_cancelled && m_results.size() < m_request.count) {
        sendNext();
        return;
    }
    m_running = false;
    emit finished(m_results);
}
