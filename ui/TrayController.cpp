#include "TrayController.h"

#include "DesktopResources.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QEvent>
#include <QFont>
#include <QMenu>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>
#include <QSettings>
#include <QSystemTrayIcon>
#include <QTimer>
#include <QWidget>

namespace {
const QString kKeepInTrayKey = QStringLiteral("tray/keepCapturing");
constexpr int kDefaultIntervalMs = 4000;
constexpr int kMessageShownMs = 10000;
constexpr int kLinesInFolded = 3;

QString eventLabel(const EventRow &row)
{
    if (!row.requestId.isEmpty())
        return QStringLiteral("request %1").arg(row.requestId);
    return eventKindName(row.kind).toLower() + QStringLiteral(" event");
}

QString rowTitle(const EventRow &row)
{
    return row.title.trimmed().isEmpty() ? QStringLiteral("(no title)") : row.title.trimmed();
}

// "Acme Corp · High · Negative": what a support lead needs to judge the alert at a glance.
QString rowFacts(const EventRow &row)
{
    QStringList facts;
    for (const QString &fact : { row.customer, row.urgency, row.sentiment, row.team }) {
        if (!fact.trimmed().isEmpty())
            facts.append(fact.trimmed());
    }
    return facts.join(QStringLiteral(" \u00b7 "));
}

TrayNotification notificationFor(const QList<QPair<EventRow, AlertRule>> &alerts)
{
    TrayNotification notification;
    const auto &[newest, newestRule] = alerts.constLast();
    notification.eventId = newest.id;
    notification.ruleName = newestRule.name;
    notification.count = static_cast<int>(alerts.size());
    if (alerts.size() == 1) {
        notification.title = QStringLiteral("%1: %2").arg(newestRule.name, eventLabel(newest));
        const QString facts = rowFacts(newest);
        notification.message = facts.isEmpty() ? rowTitle(newest) : rowTitle(newest) + QLatin1Char('\n') + facts;
        return notification;
    }
    notification.title = QStringLiteral("%1 alerts").arg(alerts.size());
    QStringList lines;
    for (qsizetype i = alerts.size() - 1; i >= 0 && lines.size() < kLinesInFolded; --i) {
        const auto &[row, rule] = alerts.at(i);
        lines.append(QStringLiteral("%1: %2 \u2013 %3").arg(rule.name, eventLabel(row), rowTitle(row)));
    }
    if (alerts.size() > kLinesInFolded)
        lines.append(QStringLiteral("and %1 more").arg(alerts.size() - kLinesInFolded));
    notification.message = lines.join(QLatin1Char('\n'));
    return notification;
}
} // namespace

TrayController::TrayController(QObject *parent)
    : QObject(parent)
    , m_tray(new QSystemTrayIcon(this))
    , m_menu(new QMenu)
    , m_notifyTimer(new QTimer(this))
    , m_baseIcon(DesktopResources::applicationIcon())
{
    qRegisterMetaType<TrayNotification>();
    qRegisterMetaType<AlertRule>();

    QSettings settings;
    m_rules = AlertRules::load(settings);
    m_keepInTray = settings.value(kKeepInTrayKey, false).toBool();

    m_menu->setObjectName(QStringLiteral("trayMenu"));
    m_showAction = m_menu->addAction(QStringLiteral("Show Thena Inspector"), this, &TrayController::toggleWindow);
    m_unreadAction = m_menu->addAction(QString());
    m_unreadAction->setEnabled(false);
    m_menu->addSeparator();
    m_menu->addAction(QStringLiteral("Alert Rules…"), this, &TrayController::alertRulesRequested);
    m_keepAction = m_menu->addAction(QStringLiteral("Keep Capturing in the Tray When the Window Is Closed"));
    m_keepAction->setCheckable(true);
    m_keepAction->setChecked(m_keepInTray);
    connect(m_keepAction, &QAction::toggled, this, &TrayController::setKeepCapturingInTray);
    m_menu->addSeparator();
    m_menu->addAction(QStringLiteral("Quit"), this, &TrayController::quit);
    m_tray->setContextMenu(m_menu);

    connect(m_tray, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason reason) {
        if (reason == QSystemTrayIcon::Trigger || reason == QSystemTrayIcon::DoubleClick)
            toggleWindow();
    });
    connect(m_tray, &QSystemTrayIcon::messageClicked, this, &TrayController::activateNotification);

    m_notifyTimer->setSingleShot(true);
    m_notifyTimer->setInterval(kDefaultIntervalMs);
    connect(m_notifyTimer, &QTimer::timeout, this, &TrayController::flushNotifications);

    updateIcon();
    updateMenu();
    if (isTrayAvailable())
        m_tray->show();
}

TrayController::~TrayController()
{
    if (m_window)
        m_window->removeEventFilter(this);
    delete m_menu; // a QMenu cannot have a QObject parent that is not a widget
}

void TrayController::setWindow(QWidget *window)
{
    if (m_window)
        m_window->removeEventFilter(this);
    m_window = window;
    if (m_window) {
        m_window->installEventFilter(this);
        if (m_baseIcon.isNull())
            m_baseIcon = m_window->windowIcon();
    }
    updateIcon();
    updateMenu();
}

bool TrayController::isTrayAvailable() const
{
    return m_trayAvailableForTesting.value_or(QSystemTrayIcon::isSystemTrayAvailable());
}

void TrayController::setTrayAvailableForTesting(bool available)
{
    m_trayAvailableForTesting = available;
}

void TrayController::setAlertRules(const AlertRules &rules)
{
    m_rules = rules;
    saveSettings();
}

void TrayController::setRequestWatched(const QString &requestId, bool watched)
{
    AlertRules rules = m_rules;
    if (rules.setWatched(requestId, watched))
        setAlertRules(rules);
}

void TrayController::setStatusText(const QString &text)
{
    if (m_statusText == text)
        return;
    m_statusText = text;
    updateIcon();
}

QString TrayController::toolTip() const
{
    QString tip = QStringLiteral("Thena Inspector\n");
    if (m_unread == 0)
        tip += QStringLiteral("No unread events");
    else if (m_unread == 1)
        tip += QStringLiteral("1 unread event");
    else
        tip += QStringLiteral("%1 unread events").arg(m_unread);
    if (!m_statusText.isEmpty())
        tip += QLatin1Char('\n') + m_statusText;
    return tip;
}

void TrayController::setKeepCapturingInTray(bool keep)
{
    if (m_keepInTray == keep)
        return;
    m_keepInTray = keep;
    {
        const QSignalBlocker blocker(m_keepAction);
        m_keepAction->setChecked(keep);
    }
    saveSettings();
    emit keepCapturingInTrayChanged(keep);
}

bool TrayController::interceptClose(QCloseEvent *event)
{
    if (m_quitting || !m_keepInTray || !m_window || !isTrayAvailable())
        return false;
    event->ignore();
    hideWindow();
    if (!m_toldAboutTray && QSystemTrayIcon::supportsMessages()) {
        // Once per run, so a closed window that did not quit is not a mystery.
        m_toldAboutTray = true;
        m_tray->showMessage(QStringLiteral("Thena Inspector is still capturing"),
            QStringLiteral("Webhooks keep arriving in the background. Choose Quit in the tray menu to stop."),
            m_baseIcon, kMessageShownMs);
    }
    return true;
}

void TrayController::setMinimumNotificationInterval(int ms)
{
    m_notifyTimer->setInterval(qMax(0, ms));
    if (ms <= 0 && m_notifyTimer->isActive()) {
        m_notifyTimer->stop();
        flushNotifications();
    }
}

QIcon TrayController::badgedIcon(const QIcon &base, int count)
{
    if (count <= 0)
        return base;
    const QString text = count > 99 ? QStringLiteral("99+") : QString::number(count);
    QIcon badged;
    for (const int size : { 16, 22, 24, 32, 48, 64, 128 }) {
        QPixmap pixmap = base.isNull() ? QPixmap() : base.pixmap(QSize(size, size), 1.0);
        if (pixmap.isNull() || pixmap.width() != size) {
            pixmap = QPixmap(size, size);
            pixmap.fill(Qt::transparent);
            if (!base.isNull()) {
                QPainter painter(&pixmap);
                base.paint(&painter, pixmap.rect());
            }
        }
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        // A red pill in the top right corner, wide enough for the digits. Below 22 px digits are
        // unreadable, so the smallest sizes get a plain dot.
        const qreal height = qMax<qreal>(8.0, size * 0.5);
        QFont font = painter.font();
        font.setBold(true);
        font.setPixelSize(qMax(6, qRound(height * 0.72)));
        painter.setFont(font);
        const bool withText = size >= 22;
        const qreal textWidth = withText ? painter.fontMetrics().horizontalAdvance(text) : 0.0;
        const qreal width = qMin<qreal>(size, qMax(height, textWidth + height * 0.5));
        const QRectF pill(size - width, 0, width, height);
        QPainterPath path;
        path.addRoundedRect(pill.adjusted(0.5, 0.5, -0.5, -0.5), height / 2, height / 2);
        painter.setPen(QPen(Qt::white, qMax<qreal>(1.0, size / 32.0)));
        painter.setBrush(QColor(0xd9, 0x30, 0x25));
        painter.drawPath(path);
        if (withText) {
            painter.setPen(Qt::white);
            painter.drawText(pill, Qt::AlignCenter, text);
        }
        painter.end();
        badged.addPixmap(pixmap);
    }
    return badged;
}

void TrayController::addEvents(const QList<EventRow> &rows)
{
    if (rows.isEmpty())
        return;
    if (!isWindowAttended())
        setUnread(m_unread + static_cast<int>(rows.size()));
    for (const EventRow &row : rows) {
        const qsizetype index = m_rules.matchIndex(row);
        if (index < 0)
            continue;
        const AlertRule &rule = m_rules.at(index);
        m_pending.append({ row, rule });
        emit alertRaised(row, rule);
    }
    // Within the interval the alerts wait and are folded into one notification when it ends.
    if (!m_pending.isEmpty() && !m_notifyTimer->isActive())
        flushNotifications();
}

void TrayController::onEventsCaptured(const QList<CapturedEvent> &batch)
{
    QList<EventRow> rows;
    rows.reserve(batch.size());
    for (const CapturedEvent &event : batch)
        rows.append(event.row);
    addEvents(rows);
}

void TrayController::markAllRead()
{
    setUnread(0);
}

void TrayController::activateNotification()
{
    if (m_last.eventId == 0)
        return;
    showWindow();
    emit eventActivated(m_last.eventId);
}

void TrayController::showWindow()
{
    if (!m_window)
        return;
    // Undoes hideWindow(): with the window back, closing it ends the program as usual.
    QApplication::setQuitOnLastWindowClosed(true);
    if (m_window->isMinimized())
        m_window->showNormal();
    else
        m_window->show();
    m_window->raise();
    m_window->activateWindow();
    markAllRead();
    updateMenu();
}

void TrayController::hideWindow()
{
    if (!m_window)
        return;
    // Closing a dialog opened from the tray would otherwise count as closing the last window and
    // end the capture the user asked to keep.
    QApplication::setQuitOnLastWindowClosed(false);
    m_window->hide();
    updateMenu();
}

void TrayController::toggleWindow()
{
    if (m_window && m_window->isVisible() && !m_window->isMinimized() && isTrayAvailable())
        hideWindow();
    else
        showWindow();
}

void TrayController::quit()
{
    m_quitting = true;
    if (m_window)
        m_window->close(); // runs the window's closeEvent (saving its layout); not intercepted now
    m_tray->hide();
    emit quitRequested();
}

bool TrayController::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_window) {
        switch (event->type()) {
        case QEvent::WindowActivate:
            if (isWindowAttended())
                markAllRead();
            break;
        case QEvent::Show:
        case QEvent::Hide:
        case QEvent::WindowStateChange:
            updateMenu();
            break;
        default:
            break;
        }
    }
    return QObject::eventFilter(watched, event);
}

bool TrayController::isWindowAttended() const
{
    return m_window && m_window->isVisible() && !m_window->isMinimized() && m_window->isActiveWindow();
}

void TrayController::setUnread(int count)
{
    if (m_unread == count)
        return;
    m_unread = count;
    updateIcon();
    updateMenu();
    emit unreadCountChanged(count);
}

void TrayController::updateIcon()
{
    m_tray->setIcon(badgedIcon(m_baseIcon, m_unread));
    m_tray->setToolTip(toolTip());
}

void TrayController::updateMenu()
{
    const bool shown = m_window && m_window->isVisible() && !m_window->isMinimized();
    m_showAction->setText(shown ? QStringLiteral("Hide Thena Inspector") : QStringLiteral("Show Thena Inspector"));
    m_unreadAction->setText(
        m_unread == 0 ? QStringLiteral("No unread events") : QStringLiteral("Unread events: %1").arg(m_unread));
}

void TrayController::flushNotifications()
{
    if (m_pending.isEmpty())
        return;
    const TrayNotification notification = notificationFor(m_pending);
    m_pending.clear();
    showNotification(notification);
    if (m_notifyTimer->interval() > 0)
        m_notifyTimer->start();
}

void TrayController::showNotification(const TrayNotification &notification)
{
    m_last = notification;
    if (isTrayAvailable() && m_tray->isVisible() && QSystemTrayIcon::supportsMessages())
        m_tray->showMessage(notification.title, notification.message, m_baseIcon, kMessageShownMs);
    emit notificationShown(notification);
}

void TrayController::saveSettings() const
{
    QSettings settings;
    settings.setValue(kKeepInTrayKey, m_keepInTray);
    m_rules.save(settings);
}
