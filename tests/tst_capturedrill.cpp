#include "CaptureService.h"
#include "EventStore.h"
#include "FailureDrill.h"
#include "RetryChain.h"
#include "TestSupport.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

// The failure drill as the capture server applies it (--drill N:STATUS): the first attempts of
// each new body are answered as configured over real HTTP, every delivery is captured, and the
// retries are grouped.
namespace {
constexpr int kWaitMs = 10000;

struct Answer
{
    int status = 0;
    QJsonObject json;
    qint64 ms = 0;
};

class Harness
{
public:
    bool start(const QString &drill, const QString &storePath = {})
    {
        QObject::connect(&service, &CaptureService::eventsCaptured, &service,
            [this](const QList<CapturedEvent> &batch) { events.append(batch); });
        CaptureConfig config;
        config.port = 0;
        config.storePath = storePath;
        if (!drill.isEmpty())
            config.drill = *FailureDrill::parse(drill);
        QSignalSpy listening(&service, &CaptureService::listening);
        service.start(config);
        return listening.wait(kWaitMs);
    }

    Answer post(const QByteArray &body)
    {
        QNetworkRequest request(service.url());
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        QElapsedTimer clock;
        clock.start();
        std::unique_ptr<QNetworkReply> reply(nam.post(request, body));
        QNetworkReply *raw = reply.get();
        if (!QTest::qWaitFor([raw] { return raw->isFinished(); }, kWaitMs))
            return {};
        return { reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
            QJsonDocument::fromJson(reply->readAll()).object(), clock.elapsed() };
    }

    QList<EventRow> rows() const
    {
        QList<EventRow> result;
        for (const CapturedEvent &event : events)
            result.append(event.row);
        return result;
    }

    CaptureService service;
    QNetworkAccessManager nam;
    QList<CapturedEvent> events;
};
} // namespace

class tst_CaptureDrill : public QObject
{
    Q_OBJECT

private slots:
    void statusDrillAndRetriesGrouped();
    void kindScope();
    void invalidBodiesKeepTheir400();
    void delayDrill();
    void withCaptureFile();
    void offByDefaultAndSwitchable();
};

void tst_CaptureDrill::statusDrillAndRetriesGrouped()
{
    Harness h;
    QVERIFY(h.start(QStringLiteral("2:503")));
    const QByteArray a = TestSupport::sample("request-updated.json");
    const QByteArray b = TestSupport::sample("platform-ticket-created.json");
    const Answer first = h.post(a);
    QCOMPARE(first.status, 503);
    QCOMPARE(first.json.value(QLatin1String("drill")).toBool(), true);
    QCOMPARE(first.json.value(QLatin1String("ok")).toBool(), false);
    QCOMPARE(h.post(b).status, 503);
    QCOMPARE(h.post(a).status, 503);
    const Answer third = h.post(a);
    QCOMPARE(third.status, 200);
    QCOMPARE(third.json.value(QLatin1String("ok")).toBool(), true);
    QCOMPARE(h.post(b).status, 503);
    QCOMPARE(h.post(b).status, 200);

    // Every delivery was captured, drilled or not, and the retries are grouped.
    QTRY_COMPARE_WITH_TIMEOUT(h.events.size(), 6, kWaitMs);
    const QList<RetryChain> chains = RetryChain::group(h.rows());
    QCOMPARE(chains.size(), 2);
    QCOMPARE(chains.at(0).size(), 3);
    QCOMPARE(chains.at(1).size(), 3);
    QCOMPARE(chains.at(0).attempts().at(2).row.attempt, 3);
    QCOMPARE(chains.at(0).attempts().at(2).row.retryOf, chains.at(0).firstId());
}

void tst_CaptureDrill::kindScope()
{
    Harness h;
    QVERIFY(h.start(QStringLiteral("1:429:escalated")));
    QCOMPARE(h.post(TestSupport::sample("request-created.json")).status, 200);
    QCOMPARE(h.post(TestSupport::sample("request-escalated.json")).status, 429);
    QCOMPARE(h.post(TestSupport::sample("request-escalated.json")).status, 200);
}

void tst_CaptureDrill::invalidBodiesKeepTheir400()
{
    Harness h;
    QVERIFY(h.start(QStringLiteral("2:503")));
    QCOMPARE(h.post(QByteArrayLiteral("{\"action\":")).status, 400);
    QCOMPARE(h.post(QByteArrayLiteral("{\"action\":")).status, 400);
}

void tst_CaptureDrill::delayDrill()
{
    Harness h;
    QVERIFY(h.start(QStringLiteral("1:300ms")));
    const QByteArray body = TestSupport::sample("request-escalated.json");
    const Answer held = h.post(body);
    QCOMPARE(held.status, 200);
    QVERIFY2(held.ms >= 290, qPrintable(QString::number(held.ms))); // held for the drill's delay
    QCOMPARE(h.post(body).status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(h.events.size(), 2, kWaitMs);
}

void tst_CaptureDrill::withCaptureFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("drill.thena"));
    {
        Harness h;
        QVERIFY(h.start(QStringLiteral("1:500"), path));
        const QByteArray body = TestSupport::sample("request-created.json");
        QCOMPARE(h.post(body).status, 500);
        QCOMPARE(h.post(body).status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(h.events.size(), 2, kWaitMs);
        h.service.setFailureDrill(*FailureDrill::parse(u"1:200ms"));
        QCOMPARE(h.service.config().drill.delayMs, 200);
        h.service.stop();
    }
    EventStore store;
    QVERIFY(store.open(path, EventStore::Mode::ReadOnly));
    QCOMPARE(store.count(), qint64(2)); // the drilled delivery is kept too
}

void tst_CaptureDrill::offByDefaultAndSwitchable()
{
    CaptureConfig fresh;
    QVERIFY(!fresh.drill.isActive());
    Harness h;
    QVERIFY(h.start(QString()));
    QVERIFY(!h.service.config().drill.isActive());
    QCOMPARE(h.post(TestSupport::sample("request-created.json")).status, 200);
    // Switched on while running: the call reaches the server thread before the next request.
    h.service.setFailureDrill(*FailureDrill::parse(u"1:503"));
    QVERIFY(h.service.config().drill.isActive());
    QCOMPARE(h.post(TestSupport::sample("request-updated.json")).status, 503);
    h.service.setFailureDrill({});
    QCOMPARE(h.post(TestSupport::sample("request-escalated.json")).status, 200);
}

QTEST_GUILESS_MAIN(tst_CaptureDrill)
#include "tst_capturedrill.moc"
