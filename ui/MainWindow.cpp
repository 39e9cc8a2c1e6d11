#include "MainWindow.h"

#include "CaptureService.h"
#include "EventBadgeDelegate.h"
#include "EventDetailView.h"
#include "EventTableModel.h"
#include "FilterBar.h"
#include "SettingsDialog.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDateTime>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QScrollBar>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>
#include <cstdio>

namespace {
const QString kAddressKey = QStringLiteral("capture/address");
const QString kPortKey = QStringLiteral("capture/port");
const QString kSecretKey = QStringLiteral("capture/secret");
const QString kRememberSecretKey = QStringLiteral("capture/rememberSecret");

QString welcomeText(const QUrl &url, const QString &error)
{
    if (!error.isEmpty()) {
        return QStringLiteral("<h2>The inspector is not receiving</h2><p style='color:#b3261e'>%1</p>"
                              "<p>Choose another address or port in <b>Capture &gt; Settings…</b>, "
                              "or start with <code>--listen 127.0.0.1:PORT</code>.</p>")
            .arg(error.toHtmlEscaped());
    }
    if (url.isEmpty())
        return QStringLiteral("<h2>Starting the capture server…</h2>");
    const QString endpoint = url.toString().toHtmlEscaped();
    return QStringLiteral(
        "<h2>Waiting for Thena webhooks</h2>"
        "<p>The inspector is listening on <b>%1</b>.</p>"
        "<p>In Thena, open <i>Configuration &gt; Integration &gt; Webhooks</i> and enter this endpoint "
        "(through a tunnel such as cloudflared or ngrok if Thena must reach this computer from the "
        "internet). Set a secret there and in <b>Capture &gt; Settings…</b> to reject strangers.</p>"
        "<p>Try it from a terminal:</p>"
        "<pre>curl -X POST -H 'content-type: application/json' \\\n"
        "     --data @request-created.json %1</pre>")
        .arg(endpoint);
}
} // namespace

MainWindow::MainWindow(const InspectorOptions &options, QWidget *parent)
    : QMainWindow(parent)
    , m_options(options)
    , m_service(new CaptureService(this))
    , m_model(new EventTableModel(this))
    , m_filterBar(new FilterBar(this))
    , m_tableStack(new QStackedWidget(this))
    , m_welcome(new QLabel(this))
    , m_table(new QTableView(this))
    , m_details(new EventDetailView(this))
    , m_splitter(new QSplitter(Qt::Vertical, this))
    , m_listenLabel(new QLabel(this))
    , m_countLabel(new QLabel(this))
    , m_rateLabel(new QLabel(this))
    , m_rejectedLabel(new QLabel(this))
    , m_pausedLabel(new QLabel(this))
    , m_rateTimer(new QTimer(this))
{
    setWindowTitle(QStringLiteral("Thena Inspector"));
    buildLayout();
    buildActions();
    restoreLayout();

    connect(m_service, &CaptureService::eventsCaptured, this, &MainWindow::onEventsCaptured);
    connect(m_service, &CaptureService::statsChanged, this, &MainWindow::onStatsChanged);
    connect(m_service, &CaptureService::listening, this, &MainWindow::onListening);
    connect(m_service, &CaptureService::failed, this, &MainWindow::onListenFailed);

    connect(m_filterBar, &FilterBar::filterChanged, this, [this](const FilterQuery &query) {
        const qint64 current = m_details->eventId();
        m_model->setFilter(query);
        if (current != 0)
            selectEventId(current);
        updateCounts();
    });
    connect(m_filterBar, &FilterBar::kindToggled, this, [this](EventKind kind, bool visible) {
        const qint64 current = m_details->eventId();
        m_model->setKindVisible(kind, visible);
        if (current != 0)
            selectEventId(current);
        updateCounts();
    });

    m_rateTimer->setInterval(1000);
    connect(m_rateTimer, &QTimer::timeout, this, &MainWindow::updateRate);
    m_rateTimer->start();
    updateCounts();
}

MainWindow::~MainWindow()
{
    m_service->stop();
}

void MainWindow::buildLayout()
{
    m_table->setObjectName(QStringLiteral("eventTable"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(-1, Qt::AscendingOrder);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideRight);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->horizontalHeader()->setSectionsMovable(true);
    m_table->horizontalHeader()->setHighlightSections(false);
    m_table->horizontalHeader()->setContextMenuPolicy(Qt::CustomContextMenu);
    m_table->setItemDelegate(
        new EventBadgeDelegate(EventTableModel::KindColumn, EventTableModel::UrgencyColumn, m_table));
    const QList<QPair<int, int>> widths = {
        { EventTableModel::ReceivedColumn, 150 },
        { EventTableModel::KindColumn, 120 },
        { EventTableModel::RequestIdColumn, 80 },
        { EventTableModel::TitleColumn, 260 },
        { EventTableModel::StatusColumn, 100 },
        { EventTableModel::UrgencyColumn, 80 },
        { EventTableModel::SentimentColumn, 80 },
        { EventTableModel::CustomerColumn, 130 },
        { EventTableModel::TeamColumn, 120 },
        { EventTableModel::AssigneeColumn, 120 },
        { EventTableModel::ChannelColumn, 130 },
        { EventTableModel::TagsColumn, 140 },
        { EventTableModel::RepliesColumn, 60 },
        { EventTableModel::AttemptColumn, 80 },
        { EventTableModel::SizeColumn, 70 },
    };
    for (const auto &[column, width] : widths)
        m_table->setColumnWidth(column, width);
    connect(m_table->horizontalHeader(), &QHeaderView::customContextMenuRequested, this, &MainWindow::showHeaderMenu);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &MainWindow::onCurrentRowChanged);

    m_welcome->setObjectName(QStringLiteral("welcomePanel"));
    m_welcome->setTextFormat(Qt::RichText);
    m_welcome->setWordWrap(true);
    m_welcome->setAlignment(Qt::AlignCenter);
    m_welcome->setMargin(24);
    m_welcome->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_welcome->setText(welcomeText({}, {}));
    m_tableStack->addWidget(m_welcome);
    m_tableStack->addWidget(m_table);

    auto *top = new QWidget(this);
    auto *topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->setSpacing(0);
    topLayout->addWidget(m_filterBar);
    topLayout->addWidget(m_tableStack, 1);

    m_splitter->addWidget(top);
    m_splitter->addWidget(m_details);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    m_splitter->setChildrenCollapsible(false);
    m_splitter->setSizes({ 420, 380 });
    setCentralWidget(m_splitter);
    m_details->clearEvent();

    m_listenLabel->setObjectName(QStringLiteral("listenLabel"));
    m_listenLabel->setTextFormat(Qt::PlainText);
    m_countLabel->setObjectName(QStringLiteral("capturedLabel"));
    m_rateLabel->setObjectName(QStringLiteral("rateLabel"));
    m_rejectedLabel->setObjectName(QStringLiteral("rejectedLabel"));
    m_pausedLabel->setObjectName(QStringLiteral("pausedLabel"));
    m_pausedLabel->setStyleSheet(QStringLiteral("color: #8a5a00; font-weight: bold;"));
    m_pausedLabel->hide();
    statusBar()->addWidget(m_listenLabel, 1);
    statusBar()->addPermanentWidget(m_pausedLabel);
    statusBar()->addPermanentWidget(m_countLabel);
    statusBar()->addPermanentWidget(m_rateLabel);
    statusBar()->addPermanentWidget(m_rejectedLabel);
    m_listenLabel->setText(QStringLiteral("Starting…"));
    m_rateLabel->setText(QStringLiteral("0.0/s"));
    m_rejectedLabel->setText(QStringLiteral("Rejected: 0"));
    resize(1280, 800);
}

void MainWindow::buildActions()
{
    QMenu *fileMenu = menuBar()->addMenu(QStringLiteral("&File"));
    QAction *quit = fileMenu->addAction(QStringLiteral("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *editMenu = menuBar()->addMenu(QStringLiteral("&Edit"));
    QAction *copy = editMenu->addAction(QStringLiteral("&Copy Event JSON"), this, &MainWindow::copySelectedJson);
    copy->setShortcut(QKeySequence(QStringLiteral("Ctrl+Shift+C")));
    QAction *find = editMenu->addAction(QStringLiteral("&Filter…"), m_filterBar, &FilterBar::focusFilter);
    find->setShortcut(QKeySequence::Find);

    QMenu *captureMenu = menuBar()->addMenu(QStringLiteral("&Capture"));
    m_pauseAction = captureMenu->addAction(QStringLiteral("&Pause Live View"));
    m_pauseAction->setCheckable(true);
    m_pauseAction->setShortcut(QKeySequence(QStringLiteral("Ctrl+P")));
    m_pauseAction->setToolTip(
        QStringLiteral("Keep receiving and answering deliveries, but hold new rows until you resume"));
    connect(m_pauseAction, &QAction::toggled, this, &MainWindow::setPaused);
    QAction *clear = captureMenu->addAction(QStringLiteral("C&lear Events…"), this, &MainWindow::confirmClear);
    clear->setShortcut(QKeySequence(QStringLiteral("Ctrl+L")));
    captureMenu->addSeparator();
    captureMenu->addAction(QStringLiteral("&Settings…"), this, &MainWindow::openSettings);

    QMenu *viewMenu = menuBar()->addMenu(QStringLiteral("&View"));
    QAction *columns = viewMenu->addAction(QStringLiteral("&Columns…"));
    connect(columns, &QAction::triggered, this,
        [this] { showHeaderMenu(m_table->horizontalHeader()->mapFromGlobal(QCursor::pos())); });

    QMenu *helpMenu = menuBar()->addMenu(QStringLiteral("&Help"));
    helpMenu->addAction(QStringLiteral("&About Thena Inspector"), this, &MainWindow::showAbout);
}

void MainWindow::restoreLayout()
{
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    m_splitter->restoreState(settings.value(QStringLiteral("window/splitter")).toByteArray());
    const QByteArray header = settings.value(QStringLiteral("window/tableHeader")).toByteArray();
    if (!header.isEmpty())
        m_table->horizontalHeader()->restoreState(header);
    m_rememberSecret = settings.value(kRememberSecretKey, false).toBool();
}

void MainWindow::saveLayout() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/splitter"), m_splitter->saveState());
    settings.setValue(QStringLiteral("window/tableHeader"), m_table->horizontalHeader()->saveState());
}

CaptureConfig MainWindow::configFromSettings() const
{
    // The command line wins over settings; settings fill in what it did not say.
    CaptureConfig config = m_options.capture;
    QSettings settings;
    if (!m_options.hasListen) {
        QHostAddress address;
        if (address.setAddress(settings.value(kAddressKey, QStringLiteral("127.0.0.1")).toString()))
            config.address = address;
        config.port = static_cast<quint16>(settings.value(kPortKey, 8080).toUInt());
    }
    if (!m_options.hasSecret && m_rememberSecret)
        config.secret = settings.value(kSecretKey).toByteArray();
    return config;
}

void MainWindow::startCapture()
{
    m_options.capture = configFromSettings();
    m_service->start(m_options.capture);
}

void MainWindow::onListening(const QUrl &url)
{
    m_listenUrl = url;
    m_listenError.clear();
    const QString secretNote = m_options.capture.secret.isEmpty() ? QStringLiteral("no secret: every POST accepted")
                                                                  : QStringLiteral("secret required");
    m_listenLabel->setText(QStringLiteral("Listening on %1 (%2)").arg(url.toString(), secretNote));
    m_listenLabel->setStyleSheet(QString());
    m_welcome->setText(welcomeText(url, {}));
}

void MainWindow::onListenFailed(const QString &message)
{
    m_listenUrl.clear();
    m_listenError = message;
    m_listenLabel->setText(QStringLiteral("Not receiving: ") + message);
    m_listenLabel->setStyleSheet(QStringLiteral("color: #b3261e; font-weight: bold;"));
    m_welcome->setText(welcomeText({}, message));
    m_tableStack->setCurrentWidget(m_welcome);
    std::fprintf(stderr, "thena-inspector: %s\n", message.toLocal8Bit().constData());
}

void MainWindow::onEventsCaptured(const QList<CapturedEvent> &batch)
{
    if (m_paused) {
        m_held += batch;
        m_pausedLabel->setText(QStringLiteral("Paused: %1 held").arg(m_held.size()));
        return;
    }
    appendBatch(batch);
}

void MainWindow::appendBatch(const QList<CapturedEvent> &batch)
{
    if (batch.isEmpty())
        return;
    // Follow new rows only while the user is at the bottom; someone reading older rows keeps their place.
    const QScrollBar *bar = m_table->verticalScrollBar();
    const bool follow = m_tableStack->currentWidget() != m_table || bar->value() >= bar->maximum();

    QList<EventRow> rows;
    rows.reserve(batch.size());
    for (const CapturedEvent &event : batch)
        rows.append(event.row);
    m_archive.add(batch);
    m_model->appendRows(rows);

    if (m_tableStack->currentWidget() != m_table)
        m_tableStack->setCurrentWidget(m_table);
    if (follow)
        m_table->scrollToBottom();
    updateCounts();
}

int MainWindow::heldEventCount() const
{
    return m_held.size();
}

void MainWindow::setPaused(bool paused)
{
    if (m_paused == paused)
        return;
    m_paused = paused;
    if (m_pauseAction && m_pauseAction->isChecked() != paused)
        m_pauseAction->setChecked(paused);
    if (paused) {
        m_pausedLabel->setText(QStringLiteral("Paused: 0 held"));
        m_pausedLabel->show();
        return;
    }
    m_pausedLabel->hide();
    const QList<CapturedEvent> held = std::exchange(m_held, {});
    appendBatch(held);
}

void MainWindow::onStatsChanged(const CaptureStats &stats)
{
    m_stats = stats;
    updateCounts();
    if (stats.rejected == 0) {
        m_rejectedLabel->setText(QStringLiteral("Rejected: 0"));
        m_rejectedLabel->setToolTip(QString());
        m_rejectedLabel->setStyleSheet(QString());
        return;
    }
    const QString when
        = QDateTime::fromMSecsSinceEpoch(stats.lastRejectedMs).toLocalTime().toString(QStringLiteral("HH:mm:ss"));
    m_rejectedLabel->setText(
        QStringLiteral("Rejected: %1 (last %2 from %3)").arg(stats.rejected).arg(when, stats.lastRejectedAddress));
    m_rejectedLabel->setToolTip(QStringLiteral("Deliveries refused with 401 because the authorization header did "
                                               "not match the secret. Their bodies were not kept."));
    m_rejectedLabel->setStyleSheet(QStringLiteral("color: #b3261e;"));
}

void MainWindow::updateCounts()
{
    m_filterBar->setCounts(m_model->rowCount(), m_model->totalCount());
    m_countLabel->setText(
        QStringLiteral("Captured: %1").arg(std::max<quint64>(m_stats.captured, m_model->totalCount())));
}

void MainWindow::updateRate()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    m_rateSamples.emplace_back(now, m_stats.captured);
    while (m_rateSamples.size() > 1 && now - m_rateSamples.front().first > 10000)
        m_rateSamples.pop_front();
    const auto &first = m_rateSamples.front();
    const double seconds = (now - first.first) / 1000.0;
    const double rate = seconds > 0 ? (m_stats.captured - first.second) / seconds : 0.0;
    m_rateLabel->setText(QStringLiteral("%1/s").arg(rate, 0, 'f', 1));
}

void MainWindow::onCurrentRowChanged()
{
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    if (!current.isValid()) {
        m_details->clearEvent();
        return;
    }
    const EventRow &row = m_model->rowAt(current.row());
    if (row.id == m_details->eventId())
        return;
    const std::optional<CapturedEvent> event = m_archive.find(row.id);
    if (event)
        m_details->setEvent(*event);
    else
        m_details->clearEvent();
}

void MainWindow::selectEventId(qint64 id)
{
    const int row = m_model->visibleRowOfId(id);
    if (row < 0) {
        m_table->selectionModel()->clearCurrentIndex();
        m_details->clearEvent();
        return;
    }
    const QModelIndex index = m_model->index(row, 0);
    m_table->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_table->scrollTo(index);
}

QString MainWindow::selectedEventJson() const
{
    const std::optional<CapturedEvent> event = m_archive.find(m_details->eventId());
    if (!event)
        return {};
    const QJsonDocument document = QJsonDocument::fromJson(event->body);
    if (document.isNull())
        return QString::fromUtf8(event->body);
    return QString::fromUtf8(document.toJson(QJsonDocument::Indented));
}

void MainWindow::copySelectedJson()
{
    const QString json = selectedEventJson();
    if (json.isEmpty()) {
        statusBar()->showMessage(QStringLiteral("Select an event to copy its JSON."), 3000);
        return;
    }
    QApplication::clipboard()->setText(json);
    statusBar()->showMessage(QStringLiteral("Copied the event's JSON."), 3000);
}

void MainWindow::clearEvents()
{
    m_model->clear();
    m_archive.clear();
    m_held.clear();
    m_details->clearEvent();
    m_tableStack->setCurrentWidget(m_welcome);
    updateCounts();
}

void MainWindow::confirmClear()
{
    if (m_model->totalCount() == 0)
        return;
    const auto answer = QMessageBox::question(this, QStringLiteral("Clear events"),
        QStringLiteral("Remove all %1 captured events from the window?").arg(m_model->totalCount()));
    if (answer == QMessageBox::Yes)
        clearEvents();
}

void MainWindow::showHeaderMenu(const QPoint &pos)
{
    QMenu menu(this);
    QHeaderView *header = m_table->horizontalHeader();
    for (int column = 0; column < EventTableModel::ColumnCount; ++column) {
        QAction *action = menu.addAction(m_model->headerData(column, Qt::Horizontal).toString());
        action->setCheckable(true);
        action->setChecked(!header->isSectionHidden(column));
        connect(action, &QAction::toggled, this, [header, column](bool on) { header->setSectionHidden(column, !on); });
    }
    menu.exec(header->mapToGlobal(pos));
}

void MainWindow::openSettings()
{
    SettingsDialog dialog(this);
    dialog.setConfig(m_options.capture, m_rememberSecret);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const CaptureConfig config = dialog.config();
    m_rememberSecret = dialog.rememberSecret();
    QSettings settings;
    settings.setValue(kAddressKey, config.address.toString());
    settings.setValue(kPortKey, config.port);
    settings.setValue(kRememberSecretKey, m_rememberSecret);
    if (m_rememberSecret)
        settings.setValue(kSecretKey, config.secret);
    else
        settings.remove(kSecretKey);

    const bool addressChanged = config.address != m_options.capture.address || config.port != m_options.capture.port;
    m_options.capture = config;
    m_options.hasListen = false;
    m_options.hasSecret = false;
    if (addressChanged || !m_service->isListening()) {
        m_service->restart(config);
    } else {
        m_service->setSecret(config.secret);
        onListening(m_listenUrl);
    }
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, QStringLiteral("About Thena Inspector"),
        QStringLiteral("<h3>Thena Inspector %1</h3>"
                       "<p>Watch a Thena workspace's webhooks live: every delivery, its request, "
                       "activity, escalations and AI fields.</p><p>Licensed under the MIT licence.</p>")
            .arg(QLatin1String(THENA_INSPECTOR_VERSION)));
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveLayout();
    QMainWindow::closeEvent(event);
}
