#pragma once

#include "AlertRules.h"
#include "CapturedEvent.h"
#include "EventRow.h"

#include <QIcon>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QPointer>
#include <QString>
#include <optional>

class QAction;
class QCloseEvent;
class QMenu;
class QSystemTrayIcon;
class QTimer;
class QWidget;

// A desktop notification about alert-rule matches: one event, or several folded together.
struct TrayNotification
{
    qint64 eventId = 0; // the event a click on the notification selects (the newest one folded in)
    QString title;
    QString message;
    QString ruleName; // of that event
    int count = 0; // alerts folded into this notification
};

Q_DECLARE_METATYPE(TrayNotification)

// The program's presence in the system tray: an icon whose badge and tooltip carry the number of
// events that arrived while nobody was looking, desktop notifications for the events the alert
// rules pick, and the window's show/hide/quit. All of its decisions are made here and announced
// through signals, whether or not a tray exists (offscreen, GNOME without an extension), so they
// can be tested and the window can show the same alerts itself.
//
// Unread: events that arrive while the watched window is hidden, minimised or not active; the
// count resets when the window is activated. Notifications: at most one per minimum interval;
// alerts in between are folded into the next one.
class TrayController final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrayController)

public:
    // Reads the alert rules and the tray preference from QSettings.
    explicit TrayController(QObject *parent = nullptr);
    ~TrayController() override;

    // The window to show, hide and watch for activation; not owned.
    void setWindow(QWidget *window);
    QWidget *window() const { return m_window; }

    // Whether the desktop offers a tray now. Without one the icon is not shown, closing the window
    // quits, and notifications are only emitted as signals.
    bool isTrayAvailable() const;
    // The offscreen platform has no tray; tests pretend one exists to reach the hide-to-tray path.
    void setTrayAvailableForTesting(bool available);
    QSystemTrayIcon *trayIcon() const { return m_tray; }
    QMenu *menu() const { return m_menu; }

    AlertRules alertRules() const { return m_rules; }
    // Saved to QSettings at once.
    void setAlertRules(const AlertRules &rules);
    // Adds or removes a request on the "Watched requests" rule, saved at once.
    void setRequestWatched(const QString &requestId, bool watched);

    int unreadCount() const { return m_unread; }
    // A line under the program name in the tooltip, e.g. "Listening on http://127.0.0.1:8080/".
    void setStatusText(const QString &text);
    QString toolTip() const;

    // "Keep capturing in the tray when the window is closed"; saved to QSettings at once.
    bool keepCapturingInTray() const { return m_keepInTray; }
    void setKeepCapturingInTray(bool keep);

    // For the window's closeEvent: when the user chose to keep capturing in the tray (and there is
    // a tray, and this is not a Quit), hides the window, ignores the event and returns true; the
    // window should then return at once. Otherwise returns false and leaves the event alone.
    bool interceptClose(QCloseEvent *event);
    bool isQuitting() const { return m_quitting; }

    // The shortest time between two notifications (default 4 s; 0 shows each batch's at once).
    void setMinimumNotificationInterval(int ms);
    TrayNotification lastNotification() const { return m_last; }

    // The application icon with a red badge carrying count (none for 0; "99+" above 99).
    static QIcon badgedIcon(const QIcon &base, int count);

public slots:
    // New live events: counts the unread ones and raises alerts for the rules' matches.
    void addEvents(const QList<EventRow> &rows);
    // The same, connectable straight to CaptureService::eventsCaptured.
    void onEventsCaptured(const QList<CapturedEvent> &batch);
    void markAllRead();
    // What a click on the last notification does: shows the window and emits eventActivated.
    void activateNotification();
    void showWindow();
    void hideWindow();
    void toggleWindow();
    // Quit really quits: closes the window without hiding it to the tray, then emits quitRequested.
    void quit();

signals:
    void unreadCountChanged(int count);
    // One per event an alert rule picked, before any folding.
    void alertRaised(const EventRow &row, const AlertRule &rule);
    // Each notification shown, or that would be shown if there were a tray.
    void notificationShown(const TrayNotification &notification);
    // The user clicked a notification: select this event.
    void eventActivated(qint64 id);
    // The tray menu's "Alert Rules…".
    void alertRulesRequested();
    void keepCapturingInTrayChanged(bool keep);
    // The window has been closed for good; connect to QCoreApplication::quit.
    void quitRequested();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    bool isWindowAttended() const;
    void setUnread(int count);
    void updateIcon();
    void updateMenu();
    void flushNotifications();
    void showNotification(const TrayNotification &notification);
    void saveSettings() const;

    QPointer<QWidget> m_window;
    QSystemTrayIcon *m_tray;
    QMenu *m_menu;
    QAction *m_showAction;
    QAction *m_unreadAction;
    QAction *m_keepAction;
    QTimer *m_notifyTimer;
    QIcon m_baseIcon;
    AlertRules m_rules;
    QString m_statusText;
    int m_unread = 0;
    bool m_keepInTray = false;
    bool m_quitting = false;
    bool m_toldAboutTray = false;
    std::optional<bool> m_trayAvailableForTesting;
    QList<QPair<EventRow, AlertRule>> m_pending; // alerts waiting for the interval to end
    TrayNotification m_last;
};
