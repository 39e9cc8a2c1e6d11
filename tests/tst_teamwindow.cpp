#include "CaptureService.h"
#include "EventStore.h"
#include "EventTableModel.h"
#include "HeadlessInspector.h"
#include "MainWindow.h"
#include "PgTestSupport.h"
#include "TestSupport.h"
#include "TrayController.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QLabel>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QScopeGuard>
#include <QSet>
#include <QStandardPaths>
#include <QTest>
#include <limits>
#include <memory>

// A lead's window on a team database: it shows what a separate headless receiver commits, live,
// and what its own server receives exactly once (the row comes back through the database, not
// twice). Needs the PostgreSQL server of tests/pg-test-server.

namespace {
constexpr int kWaitMs = 15000;
}

class TestTeamWindow : public QObject
{
    Q_OBJECT

private:
    int post(const QUrl &url, const QByteArray &body)
    {
        QNetworkRequest request(url);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        std::unique_ptr<QNetworkReply> reply(m_nam.post(request, body));
        [&] { QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), kWaitMs); }();
        return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    }

    QNetworkAccessManager m_nam;
    QString m_schema;

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("thena-inspector-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_teamwindow"));
        if (PgTest::serverUrl().isEmpty()) {
            if (PgTest::requiredByCi())
                QFAIL("THENA_TEST_PG_URL is not set: run tests/pg-test-server (./dev test does)");
            QSKIP("THENA_TEST_PG_URL is not set: eval \"$(sudo tests/pg-test-server)\" to run this test");
        }
        m_schema = PgTest::uniqueSchema("teamwindow");
    }

    void cleanupTestCase()
    {
        if (m_schema.isEmpty())
            return;
        PgTest::Admin admin;
        admin.dropSchema(m_schema);
    }

    void windowFollowsAnotherReceiverAndShowsItsOwnOnce()
    {
        const QString location = PgTest::location(m_schema);

        // A receiver on a server somewhere: the real executable, headless.
        HeadlessInspector receiver;
        QVERIFY2(receiver.start(location), receiver.standardError().constData());
        const QUrl receiverUrl = receiver.url();

        // Something already in the database before the window opens: the window loads it.
        QCOMPARE(post(receiverUrl, TestSupport::sample("request-created.json")), 200);

        InspectorOptions options;
        options.capture.port = 0;
        options.capture.storePath = location;
        options.hasListen = true;
        options.hasStore = true;
        MainWindow window(options);
        QAbstractItemModelTester tester(window.model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
        window.show();
        window.startCapture();
        QTRY_VERIFY_WITH_TIMEOUT(window.listenUrl().isValid(), kWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(window.model()->totalCount(), 1, kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(!window.isLoadingHistory(), kWaitMs);
        auto *storeLabel = window.findChild<QLabel *>(QStringLiteral("storeLabel"));
        QVERIFY(storeLabel);
        QVERIFY2(storeLabel->text().startsWith(QStringLiteral("Team capture: ")), qPrintable(storeLabel->text()));
        QVERIFY2(!storeLabel->text().contains(qEnvironmentVariable("PGPASSWORD")), "the password is never shown");
        QVERIFY(window.windowTitle().contains(QStringLiteral("127.0.0.1")));

        // Live from the other receiver, with no polling of the whole table.
        QCOMPARE(post(receiverUrl, TestSupport::sample("request-escalated.json")), 200);
        QTRY_COMPARE_WITH_TIMEOUT(window.model()->totalCount(), 2, kWaitMs);

        // The window's own server: the row comes back through the database, once.
        QCOMPARE(post(window.listenUrl(), TestSupport::sample("request-updated.json")), 200);
        QTRY_COMPARE_WITH_TIMEOUT(window.model()->totalCount(), 3, kWaitMs);
        QTest::qWait(300); // a duplicate would arrive with the server's own batch, well within this
        QCOMPARE(window.model()->totalCount(), 3);
        QCOMPARE(window.model()->rowCount(), 3);
        QSet<qint64> eventIds;
        for (const EventRow &row : window.model()->allRows())
            eventIds.insert(row.id);
        QCOMPARE(eventIds.size(), 3);

        // Paused: rows are held, then shown on resume.
        window.setPaused(true);
        QCOMPARE(post(receiverUrl, TestSupport::sample("platform-ticket-created.json")), 200);
        QTRY_COMPARE_WITH_TIMEOUT(window.heldEventCount(), 1, kWaitMs);
        QCOMPARE(window.model()->totalCount(), 3);
        window.setPaused(false);
        QTRY_COMPARE_WITH_TIMEOUT(window.model()->totalCount(), 4, kWaitMs);

        // Alerts and the unread count follow every receiver, and our own events count once.
        window.hide();
        TrayController *tray = window.trayController();
        const int unreadBefore = tray->unreadCount();
        QCOMPARE(post(receiverUrl, TestSupport::sample("request-escalated.json")), 200);
        QTRY_COMPARE_WITH_TIMEOUT(tray->unreadCount(), unreadBefore + 1, kWaitMs);
        QCOMPARE(post(window.listenUrl(), TestSupport::sample("request-created.json")), 200);
        QTRY_COMPARE_WITH_TIMEOUT(window.model()->totalCount(), 6, kWaitMs);
        QCOMPARE(tray->unreadCount(), unreadBefore + 2);

        QVERIFY2(receiver.stop(), receiver.standardError().constData());
    }

    void deletionsByOthersReachTheWindow()
    {
        // Another lead deletes events, a receiver's retention prunes the database: every window on
        // it drops those rows, and keeps its selection when the selected row stays.
        const QString schema = PgTest::uniqueSchema("teamdeletions");
        const auto dropSchema = qScopeGuard([&schema] {
            PgTest::Admin admin;
            admin.dropSchema(schema);
        });
        const QString location = PgTest::location(schema);
        HeadlessInspector receiver;
        QVERIFY2(receiver.start(location), receiver.standardError().constData());
        const QStringList samples = TestSupport::sampleNames();
        for (const QString &name : samples)
            QCOMPARE(post(receiver.url(), TestSupport::sample(name)), 200);

        InspectorOptions options;
        options.capture.port = 0;
        options.capture.storePath = location;
        options.hasListen = options.hasStore = true;
        MainWindow window(options);
        QAbstractItemModelTester tester(window.model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
        window.show();
        window.startCapture();
        QTRY_COMPARE_WITH_TIMEOUT(window.model()->totalCount(), int(samples.size()), kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(!window.isLoadingHistory(), kWaitMs);
        const QList<qint64> ids = window.model()->idsThrough(std::numeric_limits<qint64>::max());
        QCOMPARE(ids.size(), samples.size());
        window.selectEventId(ids.last());

        // Another lead's "Delete selected", through a connection of its own.
        EventStore other;
        QVERIFY2(other.open(location), qPrintable(other.errorString()));
        QVERIFY2(other.remove({ ids.at(1) }), qPrintable(other.errorString()));
        QTRY_COMPARE_WITH_TIMEOUT(window.model()->totalCount(), int(samples.size()) - 1, kWaitMs);
        QCOMPARE(window.model()->visibleRowOfId(ids.at(1)), -1);
        QCOMPARE(window.selectedEventIds(), QList<qint64> { ids.last() });

        // Retention on the receiver's side: keep the newest one.
        QVERIFY2(other.applyRetention(1, 0, 0) > 0, qPrintable(other.errorString()));
        QTRY_COMPARE_WITH_TIMEOUT(window.model()->totalCount(), 1, kWaitMs);
        QCOMPARE(window.model()->rowAt(0).id, ids.last());
        QCOMPARE(window.selectedEventIds(), QList<qint64> { ids.last() });

        // New events still arrive after that.
        QCOMPARE(post(receiver.url(), TestSupport::sample("request-created.json")), 200);
        QTRY_COMPARE_WITH_TIMEOUT(window.model()->totalCount(), 2, kWaitMs);
        other.close();
        QVERIFY2(receiver.stop(), receiver.standardError().constData());
    }
};

QTEST_MAIN(TestTeamWindow)
#include "tst_teamwindow.moc"
