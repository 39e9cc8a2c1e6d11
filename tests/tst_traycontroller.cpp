#include "CaptureService.h"
#include "TestSupport.h"
#include "TrayController.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QMenu>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QSystemTrayIcon>
#include <QTest>
#include <QWidget>
#include <memory>

// QCOMPARE inside a lambda only leaves the lambda; stop the test as well.
#define DELIVER(sample)                                                                                                \
    do {                                                                                                               \
        deliver(sample);                                                                                               \
        if (QTest::currentTestFailed())                                                                                \
            return;                                                                                                    \
    } while (false)

namespace {
// Stands in for MainWindow: closing asks the tray first, as the real window's closeEvent will.
class TrayWindow : public QWidget
{
public:
    TrayController *tray = nullptr;
    int closesAccepted = 0;

protected:
    void closeEvent(QCloseEvent *event) override
    {
        if (tray && tray->interceptClose(event))
            return;
        ++closesAccepted;
        QWidget::closeEvent(event);
    }
};

EventRow makeRow(
    qint64 id, EventKind kind, const QString &requestId, const QString &urgency = {}, const QString &sentiment = {})
{
    EventRow row;
    row.id = id;
    row.kind = kind;
    row.requestId = requestId;
    row.title = QStringLiteral("Title %1").arg(id);
    row.urgency = urgency;
    row.sentiment = sentiment;
    row.customer = QStringLiteral("Acme");
    return row;
}

int redPixels(const QImage &image, int rows)
{
    int count = 0;
    for (int y = 0; y < rows; ++y) {
        for (int x = 0; x < image.width(); ++x) {
            const QColor c = image.pixelColor(x, y);
            if (c.alpha() > 200 && c.red() > 180 && c.green() < 90 && c.blue() < 90)
                ++count;
        }
    }
    return count;
}
} // namespace

// The tray's decisions, observed through its signals: the offscreen platform has no tray, and the
// controller is built so that everything but the final showMessage() happens without one.
class TestTrayController : public QObject
{
    Q_OBJECT

private:
    QNetworkAccessManager m_nam;

    static int capturedRows(const QSignalSpy &spy)
    {
        int rows = 0;
        for (const QList<QVariant> &batch : spy)
            rows += static_cast<int>(batch.at(0).value<QList<CapturedEvent>>().size());
        return rows;
    }

    int post(const QUrl &url, const QByteArray &body)
    {
        QNetworkRequest request(url);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        std::unique_ptr<QNetworkReply> reply(m_nam.post(request, body));
        [&] { QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 10000); }();
        return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("thena-inspector-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_traycontroller"));
        m_nam.setProxy(QNetworkProxy::NoProxy);
    }

    void init() { QSettings().clear(); }

    void offscreenHasNoTray()
    {
        TrayController tray;
        QVERIFY(!tray.isTrayAvailable());
        QVERIFY(!tray.trayIcon()->isVisible());
        QCOMPARE(tray.alertRules(), AlertRules::defaults());
        QVERIFY(!tray.keepCapturingInTray());
    }

    void alertsForRealDeliveries()
    {
        // Real deliveries over loopback HTTP into a real capture service; the default rules pick the
        // escalation and the High + Negative request, and nothing else.
        CaptureService service;
        TrayController tray;
        tray.setMinimumNotificationInterval(0);
        connect(&service, &CaptureService::eventsCaptured, &tray, &TrayController::onEventsCaptured);
        QSignalSpy listening(&service, &CaptureService::listening);
        QSignalSpy captured(&service, &CaptureService::eventsCaptured);
        QSignalSpy alerts(&tray, &TrayController::alertRaised);
        QSignalSpy notifications(&tray, &TrayController::notificationShown);
        CaptureConfig config;
        config.port = 0;
        service.start(config);
        QTRY_COMPARE_WITH_TIMEOUT(listening.size(), 1, 10000);
        const QUrl url = listening.at(0).at(0).toUrl();

        int delivered = 0;
        const auto deliver = [&](const char *sample) {
            QCOMPARE(post(url, TestSupport::sample(sample)), 200);
            ++delivered;
            // One delivery at a time, so each alert gets a notification of its own.
            QTRY_COMPARE_WITH_TIMEOUT(capturedRows(captured), delivered, 10000);
        };
        DELIVER("request-updated.json");
        QCOMPARE(alerts.size(), 0);
        DELIVER("request-created.json");
        DELIVER("platform-ticket-created.json");
        DELIVER("request-escalated.json");
        QCOMPARE(alerts.size(), 2);
        QCOMPARE(alerts.at(0).at(1).value<AlertRule>().id, AlertRules::UrgentNegativeRuleId);
        QCOMPARE(alerts.at(0).at(0).value<EventRow>().requestId, QStringLiteral("43"));
        QCOMPARE(alerts.at(1).at(1).value<AlertRule>().id, AlertRules::EscalationRuleId);
        QCOMPARE(alerts.at(1).at(0).value<EventRow>().requestId, QStringLiteral("1234"));

        QCOMPARE(notifications.size(), 2);
        const TrayNotification urgent = notifications.at(0).at(0).value<TrayNotification>();
        QCOMPARE(urgent.eventId, 2);
        QCOMPARE(urgent.count, 1);
        QCOMPARE(urgent.title, QStringLiteral("Urgent and unhappy: request 43"));
        QVERIFY2(urgent.message.contains(QStringLiteral("High")), qPrintable(urgent.message));
        const TrayNotification escalation = notifications.at(1).at(0).value<TrayNotification>();
        QCOMPARE(escalation.eventId, 4);
        QCOMPARE(escalation.ruleName, QStringLiteral("Escalation"));
        QCOMPARE(tray.lastNotification().eventId, 4);

        // Thena retrying the escalation is the same event: no second alert.
        DELIVER("request-escalated.json");
        QCOMPARE(alerts.size(), 2);

        // Watching request 42 makes its updates alert.
        tray.setRequestWatched(QStringLiteral("42"), true);
        DELIVER("request-updated.json"); // a retry of the first delivery: still quiet
        QCOMPARE(alerts.size(), 2);
        QByteArray changed = TestSupport::sample("request-updated.json");
        changed.replace("\"status\"", "\"previousStatus\":\"OPEN\",\"status\"");
        QCOMPARE(post(url, changed), 200);
        QTRY_COMPARE_WITH_TIMEOUT(alerts.size(), 3, 10000);
        QCOMPARE(alerts.at(2).at(1).value<AlertRule>().id, AlertRules::WatchedRuleId);
        QTRY_COMPARE(notifications.size(), 3);
        QCOMPARE(
            notifications.at(2).at(0).value<TrayNotification>().title, QStringLiteral("Watched requests: request 42"));

        // Every delivery arrived while no window was watching: all unread.
        QCOMPARE(tray.unreadCount(), 7);
        service.stop();
    }

    void clickingANotificationSelectsItsEvent()
    {
        TrayController tray;
        tray.setMinimumNotificationInterval(0);
        QWidget window;
        tray.setWindow(&window);
        QSignalSpy activated(&tray, &TrayController::eventActivated);

        tray.activateNotification(); // nothing shown yet: nothing to select
        QCOMPARE(activated.size(), 0);

        tray.addEvents({ makeRow(11, EventKind::Escalated, QStringLiteral("9")) });
        QVERIFY(!window.isVisible());
        tray.activateNotification();
        QCOMPARE(activated.size(), 1);
        QCOMPARE(activated.at(0).at(0).toLongLong(), 11);
        QVERIFY(window.isVisible()); // the window comes back to show it
        QCOMPARE(tray.unreadCount(), 0);
    }

    void alertsWithinTheIntervalAreFolded()
    {
        TrayController tray;
        tray.setMinimumNotificationInterval(60 * 60 * 1000);
        QSignalSpy alerts(&tray, &TrayController::alertRaised);
        QSignalSpy notifications(&tray, &TrayController::notificationShown);

        tray.addEvents({ makeRow(1, EventKind::Escalated, QStringLiteral("1")) });
        QCOMPARE(notifications.size(), 1); // the first one at once

        tray.addEvents({ makeRow(2, EventKind::Escalated, QStringLiteral("2")),
            makeRow(3, EventKind::Updated, QStringLiteral("3")),
            makeRow(4, EventKind::Created, QStringLiteral("4"), QStringLiteral("High"), QStringLiteral("Negative")) });
        tray.addEvents({ makeRow(5, EventKind::Escalated, QStringLiteral("5")) });
        tray.addEvents({ makeRow(6, EventKind::Escalated, QStringLiteral("6")),
            makeRow(7, EventKind::Escalated, QStringLiteral("7")) });
        QCOMPARE(alerts.size(), 6);
        QCOMPARE(notifications.size(), 1); // the rest wait for the interval to end

        tray.setMinimumNotificationInterval(0); // ends it now
        QCOMPARE(notifications.size(), 2);
        const TrayNotification folded = notifications.at(1).at(0).value<TrayNotification>();
        QCOMPARE(folded.count, 5);
        QCOMPARE(folded.eventId, 7); // the newest
        QCOMPARE(folded.title, QStringLiteral("5 alerts"));
        const QStringList lines = folded.message.split(QLatin1Char('\n'));
        QCOMPARE(lines.size(), 4);
        QVERIFY(lines.at(0).startsWith(QStringLiteral("Escalation: request 7")));
        QVERIFY(lines.at(1).startsWith(QStringLiteral("Escalation: request 6")));
        QCOMPARE(lines.at(3), QStringLiteral("and 2 more"));

        // One batch with several alerts is one notification too.
        tray.addEvents({ makeRow(8, EventKind::Escalated, QStringLiteral("8")),
            makeRow(9, EventKind::Escalated, QStringLiteral("9")) });
        QCOMPARE(notifications.size(), 3);
        QCOMPARE(notifications.at(2).at(0).value<TrayNotification>().count, 2);
    }

    void unreadCountsWhatArrivesUnseen()
    {
        TrayController tray;
        QSignalSpy changes(&tray, &TrayController::unreadCountChanged);
        QCOMPARE(tray.unreadCount(), 0);
        QVERIFY(tray.toolTip().contains(QStringLiteral("No unread events")));

        // No window at all: everything is unread.
        tray.addEvents({ makeRow(1, EventKind::Updated, {}), makeRow(2, EventKind::Updated, {}) });
        QCOMPARE(tray.unreadCount(), 2);
        QCOMPARE(changes.constLast().at(0).toInt(), 2);
        tray.setStatusText(QStringLiteral("Listening on http://127.0.0.1:8080/"));
        QCOMPARE(
            tray.toolTip(), QStringLiteral("Thena Inspector\n2 unread events\nListening on http://127.0.0.1:8080/"));
        QCOMPARE(tray.trayIcon()->toolTip(), tray.toolTip());
        tray.markAllRead();
        QCOMPARE(tray.unreadCount(), 0);

        // A hidden window: unread.
        QWidget window;
        tray.setWindow(&window);
        tray.addEvents({ makeRow(3, EventKind::Updated, {}) });
        QCOMPARE(tray.unreadCount(), 1);
        QVERIFY(tray.toolTip().contains(QStringLiteral("1 unread event\n")));

        // Shown from the tray: read, and events arriving while it is active stay read.
        tray.showWindow();
        QCOMPARE(tray.unreadCount(), 0);
        QVERIFY(QTest::qWaitForWindowActive(&window));
        tray.addEvents({ makeRow(4, EventKind::Updated, {}) });
        QCOMPARE(tray.unreadCount(), 0);

        // Minimised: unread again.
        window.showMinimized();
        QTRY_VERIFY(window.isMinimized());
        tray.addEvents({ makeRow(5, EventKind::Updated, {}), makeRow(6, EventKind::Updated, {}) });
        QCOMPARE(tray.unreadCount(), 2);
        QCOMPARE(tray.menu()->actions().at(1)->text(), QStringLiteral("Unread events: 2"));
    }

    void badgeShowsTheCount()
    {
        QPixmap blue(64, 64);
        blue.fill(QColor(0x3d, 0x56, 0xd6));
        const QIcon base(blue);
        QCOMPARE(TrayController::badgedIcon(base, 0).cacheKey(), base.cacheKey());

        const QImage one = TrayController::badgedIcon(base, 3).pixmap(QSize(64, 64), 1.0).toImage();
        QCOMPARE(one.size(), QSize(64, 64));
        QVERIFY(redPixels(one, 32) > 100); // a red badge in the top right
        QCOMPARE(one.pixelColor(60, 60), QColor(0x3d, 0x56, 0xd6)); // the icon below is untouched
        QCOMPARE(one.pixelColor(4, 4), QColor(0x3d, 0x56, 0xd6));

        // Three digits need a wider badge than one.
        const QImage many = TrayController::badgedIcon(base, 250).pixmap(QSize(64, 64), 1.0).toImage();
        QVERIFY(redPixels(many, 32) > redPixels(one, 32));

        // The tray's own icon follows the count.
        TrayController tray;
        const qint64 before = tray.trayIcon()->icon().cacheKey();
        tray.addEvents({ makeRow(1, EventKind::Updated, {}) });
        QVERIFY(tray.trayIcon()->icon().cacheKey() != before);
        QVERIFY(!tray.trayIcon()->icon().isNull());
    }

    void closingHidesToTheTrayWhenChosen()
    {
        TrayController tray;
        tray.setTrayAvailableForTesting(true);
        TrayWindow window;
        window.tray = &tray;
        tray.setWindow(&window);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        // Not chosen: closing closes.
        QVERIFY(window.close());
        QCOMPARE(window.closesAccepted, 1);
        QVERIFY(!window.isVisible());

        tray.showWindow();
        QVERIFY(window.isVisible());
        tray.setKeepCapturingInTray(true);
        QVERIFY(!window.close()); // refused: hidden instead
        QCOMPARE(window.closesAccepted, 1);
        QVERIFY(!window.isVisible());
        // A dialog closed later must not end the program as "the last window".
        QVERIFY(!QApplication::quitOnLastWindowClosed());
        QCOMPARE(tray.menu()->actions().at(0)->text(), QStringLiteral("Show Thena Inspector"));

        // Capture goes on, counted as unread; the tray brings the window back.
        tray.addEvents({ makeRow(1, EventKind::Updated, {}) });
        QCOMPARE(tray.unreadCount(), 1);
        tray.menu()->actions().at(0)->trigger();
        QVERIFY(window.isVisible());
        QVERIFY(QApplication::quitOnLastWindowClosed());
        QCOMPARE(tray.unreadCount(), 0);
        QCOMPARE(tray.menu()->actions().at(0)->text(), QStringLiteral("Hide Thena Inspector"));

        // Quit really quits, even with the window in the tray.
        tray.hideWindow();
        QSignalSpy quitting(&tray, &TrayController::quitRequested);
        const QList<QAction *> actions = tray.menu()->actions();
        actions.constLast()->trigger();
        QCOMPARE(quitting.size(), 1);
        QVERIFY(tray.isQuitting());
        QCOMPARE(window.closesAccepted, 2); // closeEvent ran and was not intercepted
    }

    void withoutATrayClosingAlwaysCloses()
    {
        TrayController tray; // offscreen: no tray
        tray.setKeepCapturingInTray(true);
        TrayWindow window;
        window.tray = &tray;
        tray.setWindow(&window);
        window.show();
        QVERIFY(window.close());
        QCOMPARE(window.closesAccepted, 1);
    }

    void menuActions()
    {
        TrayController tray;
        QSignalSpy rulesRequested(&tray, &TrayController::alertRulesRequested);
        QSignalSpy keepChanged(&tray, &TrayController::keepCapturingInTrayChanged);
        const QList<QAction *> actions = tray.menu()->actions();
        QAction *rules = nullptr;
        QAction *keep = nullptr;
        for (QAction *action : actions) {
            if (action->text().startsWith(QStringLiteral("Alert Rules")))
                rules = action;
            else if (action->isCheckable())
                keep = action;
        }
        QVERIFY(rules && keep);
        rules->trigger();
        QCOMPARE(rulesRequested.size(), 1);
        QVERIFY(!keep->isChecked());
        keep->trigger();
        QVERIFY(tray.keepCapturingInTray());
        QCOMPARE(keepChanged.size(), 1);
        tray.setKeepCapturingInTray(false);
        QVERIFY(!keep->isChecked());
        QCOMPARE(keepChanged.size(), 2);
    }

    void settingsSurviveARestart()
    {
        AlertRules rules = AlertRules::defaults();
        QList<AlertRule> list = rules.rules();
        list[0].enabled = false;
        rules.setRules(list);
        {
            TrayController first;
            first.setKeepCapturingInTray(true);
            first.setAlertRules(rules);
            first.setRequestWatched(QStringLiteral("1234"), true);
        }
        TrayController second;
        QVERIFY(second.keepCapturingInTray());
        QVERIFY(!second.alertRules().at(0).enabled);
        QCOMPARE(second.alertRules().watchedRequestIds(), QStringList { QStringLiteral("1234") });
        // The escalation rule is off, but request 1234 is watched.
        QSignalSpy alerts(&second, &TrayController::alertRaised);
        second.addEvents({ makeRow(1, EventKind::Escalated, QStringLiteral("1234")),
            makeRow(2, EventKind::Escalated, QStringLiteral("99")) });
        QCOMPARE(alerts.size(), 1);
        QCOMPARE(alerts.at(0).at(1).value<AlertRule>().id, AlertRules::WatchedRuleId);
    }
};

QTEST_MAIN(TestTrayController)
#include "tst_traycontroller.moc"
