#pragma once

#include "CapturedEvent.h"

#include <QElapsedTimer>
#include <QList>
#include <QMetaType>
#include <QNetworkAccessManager>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QUrl>

class QNetworkReply;

// Sends a captured event's body (possibly edited) with chosen headers to a URL, once or N times
// one after another, and reports each attempt's status, time and response body. For testing a
// receiver with a real Thena payload, or a second inspector.
//
// A delivery carries customer data and possibly the workspace's secret, so anything but loopback
// is refused until the host has been confirmed (confirmHost(); the UI asks the user once per
// host), redirects are never followed (a loopback URL must not be able to send the body on
// elsewhere), and no proxy is used.
class ReplayClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReplayClient)

public:
    static constexpr int MaxCount = 100;
    static constexpr int TimeoutMs = 30 * 1000; // per attempt, without progress
    static constexpr qint64 MaxResponseBytes = 1024 * 1024; // kept per attempt; the rest is dropped

    enum class HeaderChoice
    {
        ContentType, // content-type only
        ContentTypeAndAuthorization, // what Thena sends that matters to a receiver
        All, // every captured header except hop-by-hop ones
    };

    struct Request
    {
        QUrl url;
        QByteArray body;
        HttpHeaders headers;
        int count = 1;
    };

    struct Result
    {
        int attempt = 0; // 1..count
        int status = 0; // HTTP status; 0 when no answer came (see error)
        qint64 ms = 0; // from sending to the end of the answer
        QByteArray body; // the response body, at most MaxResponseBytes
        bool truncated = false;
        QString error; // empty when an HTTP answer came, whatever its status
        qint64 sentAtMs = 0; // UTC ms since the epoch

        bool isSuccess() const { return status >= 200 && status < 300; }
    };

    explicit ReplayClient(QObject *parent = nullptr);
    ~ReplayClient() override;

    // True for a URL whose host is not a loopback address or "localhost": sending there needs the
    // user's confirmation first.
    static bool needsConfirmation(const QUrl &url);
    static bool isLoopbackHost(const QString &host);
    // The captured headers to send for a choice: hop-by-hop ones (host, content-length...) never,
    // as the request sets its own.
    static HttpHeaders chooseHeaders(const HttpHeaders &captured, HeaderChoice choice);

    // Hosts are compared case-insensitively. Confirmations last as long as this client.
    void confirmHost(const QString &host);
    bool isHostConfirmed(const QString &host) const;
    QSet<QString> confirmedHosts() const { return m_confirmedHosts; } // lower case

    // Starts sending; false (with errorString()) when busy, when the URL is no http(s) URL, the
    // count is outside 1..MaxCount, or the host needs a confirmation it has not had.
    bool start(const Request &request);
    // Stops after aborting the attempt in flight; finished() still comes, with what was done.
    void cancel();
    bool isRunning() const { return m_running; }
    QString errorString() const { return m_error; }
    QList<Result> results() const { return m_results; }

signals:
    void attemptFinished(const ReplayClient::Result &result);
    void finished(const QList<ReplayClient::Result> &results);

private:
    void sendNext();
    void onReplyFinished();

    QNetworkAccessManager m_manager;
    QSet<QString> m_confirmedHosts;
    Request m_request;
    QList<Result> m_results;
    QPointer<QNetworkReply> m_reply;
    QElapsedTimer m_clock;
    QByteArray m_received;
    bool m_truncated = false;
    qint64 m_sentAtMs = 0;
    bool m_running = false;
    bool m_cancelled = false;
    QString m_error;
};

Q_DECLARE_METATYPE(ReplayClient::Result)
