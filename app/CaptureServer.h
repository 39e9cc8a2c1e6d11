#pragma once

#include "CaptureConfig.h"
#include "CaptureStats.h"
#include "CapturedEvent.h"
#include "RetryTracker.h"

#include <QAbstractHttpServer>
#include <QList>
#include <QPointer>
#include <QTimer>
#include <QUrl>

class QHttpServerResponder;
class QTcpServer;

// The embedded webhook receiver. Every POST, on any path, is a delivery: it is parsed, numbered,
// checked for being a retry and answered at once; the captured events go to the GUI in batches.
//
// Lives in the capture worker thread (see CaptureService): create it, call listen() and destroy
// it there. QAbstractHttpServer rather than QHttpServer because its router would need a rule per
// method and path pattern, and in 6.4 answers a wrong method with 404; here one handler sees
// every request.
class CaptureServer final : public QAbstractHttpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CaptureServer)

public:
    // Upper bound on how often batches are handed over: one queued signal per request would flood
    // the GUI thread under load.
    static constexpr int FlushIntervalMs = 50;

    explicit CaptureServer(QObject *parent = nullptr);
    ~CaptureServer() override;

    // Listens on config.address and config.port (0 picks a free port) through a QTcpServer of our
    // own, and takes config.secret. Closes any previous listener first. On failure errorString()
    // names the address, the port and the OS reason.
    bool listen(const CaptureConfig &config);
    // Hands over what is pending, stops listening and drops open connections.
    void close();
    bool isListening() const;
    quint16 port() const; // the real port, 0 when not listening
    QUrl url() const; // http://address:port/, empty when not listening
    QString errorString() const { return m_errorString; }

    // The expected `authorization` header value; empty accepts every delivery.
    void setSecret(const QByteArray &secret) { m_secret = secret; }
    QByteArray secret() const { return m_secret; }

    // Lets a store continue the numbering of earlier sessions.
    void setNextEventId(qint64 id);
    qint64 nextEventId() const { return m_nextEventId; }

    // Lets counters continue across a restart of the service.
    void setStats(const CaptureStats &stats);
    CaptureStats stats() const { return m_stats; }

    RetryTracker &retryTracker() { return m_retries; }

    // Emits what is pending now instead of at the next tick.
    void flush();

signals:
    void eventsCaptured(const QList<CapturedEvent> &batch);
    void statsChanged(const CaptureStats &stats);

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    void handlePost(const QHttpServerRequest &request, QHttpServerResponder &responder);
    void handleGet(const QHttpServerRequest &request, QHttpServerResponder &responder);
    void reject(const QHttpServerRequest &request, QHttpServerResponder &responder);
    void scheduleFlush();

    QPointer<QTcpServer> m_tcpServer;
    CaptureConfig m_config;
    QByteArray m_secret;
    QString m_errorString;
    qint64 m_nextEventId = 1;
    RetryTracker m_retries;
    CaptureStats m_stats;
    CaptureStats m_emittedStats;
    QList<CapturedEvent> m_pending;
    QTimer m_flushTimer;
};
