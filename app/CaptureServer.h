#pragma once

#include "CaptureConfig.h"
#include "CaptureStats.h"
#include "CapturedEvent.h"
#include "CommitPacer.h"
#include "ConnectionSupervisor.h"
#include "FailureDrill.h"
#include "RetryTracker.h"

#include <QAbstractHttpServer>
#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QPointer>
#include <QTimer>
#include <QUrl>
#include <deque>
#include <unordered_map>
#include <utility>

class QTcpServer;
class StoreWriter;

// The embedded webhook receiver. Every POST, on any path, is a delivery: it is parsed, numbered,
// checked for being a retry and answered; the captured events go to the GUI in batches.
//
// In memory (no store writer) a delivery is answered at once. With a store writer it is answered
// only once its transaction has committed, so a 200 means "on disk": the answer waits in a
// per-connection queue, and a connection's answers leave in request order even when a later
// request could be answered at once. Only committed events reach the GUI; a failed commit is
// answered 503 so that Thena retries.
//
// In front of QHttpServer, each connection is watched by a ConnectionGuard (limits, timeouts,
// Connection: close, 100-continue) under one ConnectionSupervisor (connection cap, counting).
// Answers are written as bytes (HttpWire), not through QHttpServerResponder, so they can wait in
// a queue and carry Connection headers.
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
    // storeError() is emitted at most this often: a full disk fails every commit, and one message
    // per event would bury the GUI. Failures in between are folded into the next emission.
    static constexpr int StoreErrorIntervalMs = 5000;

    explicit CaptureServer(QObject *parent = nullptr);
    ~CaptureServer() override;

    // Listens on config.address and config.port (0 picks a free port) through a QTcpServer of our
    // own, and takes config.secret and the limits. With config.certFile/keyFile it serves HTTPS
    // only. Closes any previous listener first. On failure errorString() names the address, the
    // port and the OS reason, or what is wrong with the certificate or key.
    bool listen(const CaptureConfig &config);
    // Waits for the store to commit what it was given and answers those deliveries, hands over
    // what is pending, stops listening and drops open connections.
    void close();
    bool isListening() const;
    quint16 port() const; // the real port, 0 when not listening
    QUrl url() const; // http(s)://address:port/, empty when not listening
    bool isTls() const { return m_tls; }
    // Connections counted against config.maxConnections, and those closing after a last answer.
    int openConnections() const { return m_supervisor->openConnections(); }
    int closingConnections() const { return m_supervisor->closingConnections(); }
    // The limits in force: config's, with defaults for values of 0 or less.
    static ConnectionSupervisor::Limits limitsOf(const CaptureConfig &config);
    QString errorString() const { return m_errorString; }

    // Makes deliveries durable: each is queued to the writer and answered when its transaction
    // committed or failed. The writer lives in a thread of its own and must outlive this server
    // (or be unset first); nullptr keeps events in memory. Set it before listen().
    void setStoreWriter(StoreWriter *writer);
    bool isStoring() const { return !m_writer.isNull(); }

    // Answers the first attempts of each new body as the drill says (see FailureDrill); the
    // deliveries are captured all the same. Takes effect for the next delivery and starts
    // counting afresh. listen() applies config.drill.
    void setFailureDrill(const FailureDrill::Config &config) { m_drill.setConfig(config); }
    FailureDrill::Config failureDrill() const { return m_drill.config(); }

    // The expected `authorization` header value; empty accepts every delivery.
    void setSecret(const QByteArray &secret) { m_secret = secret; }
    QByteArray secret() const { return m_secret; }

    // Lets a store continue the numbering of earlier sessions. With a store the numbering only
    // moves forward: a reused id would fail the whole transaction it lands in.
    void setNextEventId(qint64 id);
    qint64 nextEventId() const { return m_nextEventId; }

    // Lets counters continue across a restart of the service.
    void setStats(const CaptureStats &stats);
    CaptureStats stats() const { return m_stats; }

    RetryTracker &retryTracker() { return m_retries; }

    // Adds events from elsewhere (an imported capture) as if just captured, but they are not
    // deliveries: no answer, no retry check, not counted. They get ids from this server's
    // numbering; with a store they reach eventsCaptured() once committed.
    void importEvents(const QList<CapturedEvent> &events);
    // Gives events new ids from nextId on. A retry link to an event among them follows it to its
    // new id; a link to one outside them is dropped (that id means something else here).
    static QList<CapturedEvent> renumbered(QList<CapturedEvent> events, qint64 &nextId);

    // Emits what is pending now instead of at the next tick.
    void flush();
    // Deliveries received and not yet handed to the store writer (see queueForStore()).
    qsizetype unhandedCount() const { return m_toStore.size(); }

signals:
    void eventsCaptured(const QList<CapturedEvent> &batch);
    void statsChanged(const CaptureStats &stats);
    // A group of deliveries could not be stored (and was answered 503). Throttled.
    void storeError(const QString &message);

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    // An answer as data, so it can wait in a connection's queue.
    struct Reply
    {
        int status = 200;
        QByteArray json;
        QByteArray allow; // the Allow header, when not empty
        bool headOnly = false; // a HEAD answer: no body, Content-Length 0
        bool close = false; // Connection: close, then the connection ends (the client asked, or HTTP/1.0)
        bool keepAlive = false; // Connection: keep-alive, for an HTTP/1.0 client that asked for it
    };

    struct PendingAnswer
    {
        qint64 awaitedId = 0; // the event whose commit this answer waits for; 0 when ready
        quint64 holdId = 0; // while not 0, a failure drill's delay holds this answer back
        Reply reply;
    };

    // Exists only while its oldest answer waits for a commit.
    struct Connection
    {
        QPointer<QTcpSocket> socket; // written only while alive
        std::deque<PendingAnswer> answers;
    };
    using ConnectionMap = std::unordered_map<const QObject *, Connection>;

    void handlePost(const QHttpServerRequest &request, QTcpSocket *socket);
    Reply getReply(const QHttpServerRequest &request) const;
    Reply reject(const QHttpServerRequest &request);

    // Both are called while QHttpServer dispatches the request, and take from the connection's
    // guard whether the answer closes the connection.
    // Writes now, unless earlier answers on the same connection still wait; then queues behind them.
    void answer(QTcpSocket *socket, Reply reply);
    // The answer queue of a socket, created (and forgotten with the socket) on first use.
    Connection &connectionOf(QTcpSocket *socket);
    void answerAfterCommit(QTcpSocket *socket, qint64 eventId, Reply reply);
    // Queues reply behind the connection's earlier answers and holds it back for delayMs (a
    // failure drill's delay); with awaitedId it also waits for that event's commit.
    void answerHeld(QTcpSocket *socket, qint64 awaitedId, Reply reply, int delayMs);
    void releaseHeld(const QObject *connection, quint64 holdId);
    static void applyConnectionRules(QTcpSocket *socket, Reply &reply);
    // Makes the answer waiting for eventId ready (replaced when replacement is given) and writes
    // what is ready at the front of its connection.
    void resolve(qint64 eventId, const Reply *replacement);
    void writeReady(ConnectionMap::iterator it);
    void dropConnection(ConnectionMap::iterator it);
    void forgetSocket(QObject *socket);
    static void writeReply(QTcpSocket *socket, const Reply &reply);
    void onRefused(ConnectionSupervisor::Refusal reason);

    // Deliveries go to the writer once per pass of this thread's event loop, not one by one: the
    // requests that became readable together then share one transaction (one flush to disk)
    // instead of waking an idle writer for the first of them and leaving the rest for a second
    // commit. When commits are slow, m_pacer may hold them a little longer (see CommitPacer).
    void queueForStore(CapturedEvent &&event);
    void handOverToStore(); // when m_pacer agrees
    void giveToWriter(); // now
    // Tells the pacer about an outcome, then hands over what it no longer holds.
    void paceAfterOutcome(const QList<CapturedEvent> &events);
    // True when id is an imported event's (and forgets the ranges below it).
    bool takeImported(qint64 id);
    void onCommitted(const QList<CapturedEvent> &events);
    void onCommitFailed(const QList<CapturedEvent> &events, const QString &error);
    void reportStoreError();
    void emitStoreError();
    // Blocks until the writer has committed (or failed) everything queued so far, and takes in
    // the outcome, so nothing accepted is left unanswered or unreported when the server closes.
    void settleStore();
    void scheduleFlush();

    QPointer<QTcpServer> m_tcpServer;
    ConnectionSupervisor *m_supervisor;
    bool m_tls = false;
    QPointer<StoreWriter> m_writer;
    CaptureConfig m_config;
    QByteArray m_secret;
    QString m_errorString;
    qint64 m_nextEventId = 1;
    RetryTracker m_retries;
    FailureDrill m_drill;
    quint64 m_lastHoldId = 0;
    CaptureStats m_stats;
    CaptureStats m_emittedStats;
    QList<CapturedEvent> m_pending;
    QTimer m_flushTimer;
    QList<CapturedEvent> m_toStore; // received, not yet handed to the writer
    bool m_handOverPosted = false;
    CommitPacer m_pacer;
    QElapsedTimer m_paceClock;
    QTimer m_holdTimer; // ends a pacer's hold

    ConnectionMap m_connections;
    QHash<qint64, const QObject *> m_awaiting; // event id -> connection whose answer waits for it

    // Id ranges of imported events not committed yet, oldest first: their commit is not a delivery.
    std::deque<std::pair<qint64, qint64>> m_importedRanges;

    QElapsedTimer m_storeErrorClock; // since storeError() was last emitted
    QTimer m_storeErrorTimer;
};
