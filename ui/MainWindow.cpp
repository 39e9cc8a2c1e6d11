#include "MainWindow.h"

#include "AlertRulesDialog.h"
#include "CaptureService.h"
#include "CurlCommand.h"
#include "DesktopResources.h"
#include "EventBadgeDelegate.h"
#include "EventDetailView.h"
#include "EventStore.h"
#include "EventTableModel.h"
#include "ExportDialog.h"
#include "FailureDrillDialog.h"
#include "FilterBar.h"
#include "InsightsDashboard.h"
#include "JsonLinesCodec.h"
#include "LifecycleView.h"
#include "MemoryBodySource.h"
#include "ReplayDialog.h"
#include "SettingsDialog.h"
#include "StallProbe.h"
#include "StoreBodySource.h"
#include "StoreLocation.h"
#include "StoreReader.h"
#include "TrayController.h"
#include "WelcomePanel.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDateTime>
#include <QDesktopServices>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QInputDialog>
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
#include <QTabWidget>
#include <QTableView>
#include <QThread>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>
#include <cstdio>
#include <limits>

namespace {
const QString kAddressKey = QStringLiteral("capture/address");
const QString kPortKey = QStringLiteral("capture/port");
const QString kSecretKey = QStringLiteral("capture/secret");
const QString kRememberSecretKey = QStringLiteral("capture/rememberSecret");
const QString kKeepEventsKey = QStringLiteral("capture/keepEvents");
const QString kKeepDaysKey = QStringLiteral("capture/keepDays");
const QString kTlsCertKey = QStringLiteral("capture/tlsCert");
const QString kTlsKeyKey = QStringLiteral("capture/tlsKey");
const QString kMaxBodyKey = QStringLiteral("capture/maxBodyBytes");
const QString kIdleTimeoutKey = QStringLiteral("capture/idleTimeoutMs");
const QString kMaxConnectionsKey = QStringLiteral("capture/maxConnections");
const QString kRecentKey = QStringLiteral("file/recentCaptures");
constexpr int kMaxRecent = 8;

// A file path made absolute, a database URL in its canonical (password-free) form, so recent
// entries and "is this the capture already open" compare equal.
QString canonicalLocation(const QString &path)
{
    if (StoreLocation::isPostgreSqlUrl(path)) {
        const StoreLocation location = StoreLocation::parse(path);
        return location.isValid() ? location.toString() : path;
    }
    return QFileInfo(path).absoluteFilePath();
}

} // namespace

MainWindow::MainWindow(const InspectorOptions &options, QWidget *parent)
    : QMainWindow(parent)
    , m_options(options)
    , m_service(new CaptureService(this))
    , m_reader(new StoreReader(this))
    , m_model(new EventTableModel(this))
    , m_filterBar(new FilterBar(this))
    , m_banner(new QLabel(this))
    , m_tableStack(new QStackedWidget(this))
    , m_welcome(new WelcomePanel(this))
    , m_tray(new TrayController(this))
    , m_views(new QTabWidget(this))
    , m_insights(new InsightsDashboard(this))
    , m_table(new QTableView(this))
    , m_details(new EventDetailView(this))
    , m_splitter(new QSplitter(Qt::Vertical, this))
    , m_listenLabel(new QLabel(this))
    , m_storeLabel(new QLabel(this))
    , m_countLabel(new QLabel(this))
    , m_rateLabel(new QLabel(this))
    , m_rejectedLabel(new QLabel(this))
    , m_refusedLabel(new QLabel(this))
    , m_pausedLabel(new QLabel(this))
    , m_drillLabel(new QLabel(this))
    , m_rateTimer(new QTimer(this))
    , m_pruneTimer(new QTimer(this))
{
    setWindowTitle(QStringLiteral("Thena Inspector"));
    buildLayout();
    buildActions();
    restoreLayout();

    connect(m_service, &CaptureService::eventsCaptured, this, &MainWindow::onEventsCaptured);
    connect(m_service, &CaptureService::statsChanged, this, &MainWindow::onStatsChanged);
    connect(m_service, &CaptureService::listening, this, &MainWindow::onListening);
    connect(m_service, &CaptureService::failed, this, &MainWindow::onListenFailed);
    connect(m_service, &CaptureService::storeOpened, this, &MainWindow::onStoreOpened);
    connect(m_service, &CaptureService::storeFailed, this, &MainWindow::onStoreFailed);
    connect(m_service, &CaptureService::storeError, this, [this](const QString &message) {
        showBanner(QStringLiteral("Deliveries could not be saved and were answered 503, so Thena will retry them: ")
            + message);
    });
    m_tray->setWindow(this);
    // In a team capture every receiver's rows, ours too, reach the tray through onRowsArrived().
    connect(m_service, &CaptureService::eventsCaptured, m_tray, [this](const QList<CapturedEvent> &batch) {
        if (!m_teamMode)
            m_tray->onEventsCaptured(batch);
    });
    connect(m_tray, &TrayController::eventActivated, this, &MainWindow::selectEventId);
    connect(m_tray, &TrayController::alertRulesRequested, this, &MainWindow::openAlertRules);
    connect(m_tray, &TrayController::quitRequested, qApp, &QCoreApplication::quit);
    connect(m_welcome, &WelcomePanel::settingsRequested, this, &MainWindow::openSettings);
    connect(m_insights, &InsightsDashboard::filterRequested, this, [this](const QString &term) {
        m_filterBar->setText(InsightsDashboard::mergeFilterTerm(m_filterBar->text(), term));
    });
    connect(m_reader, &StoreReader::rowsLoaded, this, &MainWindow::onRowsLoaded);
    connect(m_reader, &StoreReader::historyLoaded, this, &MainWindow::onHistoryLoaded);
    connect(m_reader, &StoreReader::rowsArrived, this, &MainWindow::onRowsArrived);
    connect(m_reader, &StoreReader::rowsRemaining, this, &MainWindow::onRowsRemaining);
    connect(m_service, &CaptureService::storeConnectionChanged, this, &MainWindow::onStoreConnection);
    connect(m_service, &CaptureService::retentionApplied, this, &MainWindow::onRetentionApplied);
    connect(m_reader, &StoreReader::connectionLost, this,
        [this](const QString &message) { onStoreConnection(false, message); });
    connect(m_reader, &StoreReader::connectionRestored, this,
        [this](const QString &message) { onStoreConnection(true, message); });
    connect(m_reader, &StoreReader::eventLoaded, this, &MainWindow::onEventLoaded);
    connect(m_reader, &StoreReader::eventMissing, this, [this](qint64 id, const QString &reason) {
        if (id == m_wantedEventId) {
            m_details->clearEvent();
            statusBar()->showMessage(reason, 5000);
        }
    });
    connect(m_reader, &StoreReader::failed, this, [this](const QString &message) {
        m_loadingHistory = false;
        showBanner(QStringLiteral("Cannot read the capture: ") + message);
        appendBatch(std::exchange(m_held, {}));
    });

    connect(m_filterBar, &FilterBar::filterChanged, this, [this](const FilterQuery &query) {
        const qint64 current = m_wantedEventId;
        m_model->setFilter(query);
        m_insights->setFilter(query);
        if (current != 0)
            selectEventId(current);
        updateCounts();
    });
    connect(m_filterBar, &FilterBar::retriesHiddenToggled, this, [this](bool hidden) {
        const qint64 current = m_wantedEventId;
        m_model->setRetriesHidden(hidden);
        if (current != 0)
            selectEventId(current);
        updateCounts();
    });
    connect(m_filterBar, &FilterBar::followRequested, this, &MainWindow::followRequest);
    connect(m_filterBar, &FilterBar::kindToggled, this, [this](EventKind kind, bool visible) {
        const qint64 current = m_wantedEventId;
        m_model->setKindVisible(kind, visible);
        m_insights->setKindVisible(kind, visible);
        if (current != 0)
            selectEventId(current);
        updateCounts();
    });

    // The GUI stall probe for bench/run: how late the event loop runs while deliveries flood in.
    const QString stallLog = qEnvironmentVariable("THENA_INSPECTOR_STALL_LOG");
    if (!stallLog.isEmpty())
        new StallProbe(stallLog, this);

    m_pruneTimer->setSingleShot(true);
    m_pruneTimer->setInterval(PruneIntervalMs);
    connect(m_pruneTimer, &QTimer::timeout, this, &MainWindow::pruneRetained);
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
        { EventTableModel::FirstResponseColumn, 100 },
        { EventTableModel::AssignmentColumn, 100 },
        { EventTableModel::CloseColumn, 100 },
        { EventTableModel::EscalatedColumn, 70 },
    };
    for (const auto &[column, width] : widths)
        m_table->setColumnWidth(column, width);
    // Rarely useful at a glance: one payload knows its assignment time only when it was assigned
    // at creation, and the Kind column and the row tint already mark escalations.
    m_table->setColumnHidden(EventTableModel::AssignmentColumn, true);
    m_table->setColumnHidden(EventTableModel::EscalatedColumn, true);
    connect(m_table->horizontalHeader(), &QHeaderView::customContextMenuRequested, this, &MainWindow::showHeaderMenu);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_table, &QTableView::customContextMenuRequested, this, &MainWindow::showTableMenu);
    connect(m_table, &QTableView::doubleClicked, this, &MainWindow::followSelectedRequest);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &MainWindow::onCurrentRowChanged);

    m_welcome->setObjectName(QStringLiteral("welcomePanel"));
    m_tableStack->addWidget(m_welcome);
    m_tableStack->addWidget(m_table);

    auto *top = new QWidget(this);
    auto *topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->setSpacing(0);
    topLayout->addWidget(m_filterBar);
    topLayout->addWidget(m_banner);
    // The table and the charts share the top: both follow the filter bar.
    m_views->setObjectName(QStringLiteral("views"));
    m_views->setDocumentMode(true);
    m_views->addTab(m_tableStack, QStringLiteral("Events"));
    m_views->addTab(m_insights, QStringLiteral("Insights"));
    topLayout->addWidget(m_views, 1);

    m_splitter->addWidget(top);
    m_splitter->addWidget(m_details);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    m_splitter->setChildrenCollapsible(false);
    m_splitter->setSizes({ 420, 380 });
    setCentralWidget(m_splitter);
    m_details->clearEvent();

    m_banner->setObjectName(QStringLiteral("windowBanner"));
    m_banner->setTextFormat(Qt::PlainText);
    m_banner->setWordWrap(true);
    m_banner->setStyleSheet(
        QStringLiteral("background: #fdecea; color: #8c1d18; padding: 6px 10px; border-bottom: 1px solid #f2b8b5;"));
    m_banner->hide();
    m_storeLabel->setObjectName(QStringLiteral("storeLabel"));
    m_storeLabel->setTextFormat(Qt::PlainText);
    m_listenLabel->setObjectName(QStringLiteral("listenLabel"));
    m_listenLabel->setTextFormat(Qt::PlainText);
    m_countLabel->setObjectName(QStringLiteral("capturedLabel"));
    m_rateLabel->setObjectName(QStringLiteral("rateLabel"));
    m_rejectedLabel->setObjectName(QStringLiteral("rejectedLabel"));
    m_refusedLabel->setObjectName(QStringLiteral("refusedLabel"));
    m_refusedLabel->setStyleSheet(QStringLiteral("color: #b3261e;"));
    m_refusedLabel->hide();
    m_pausedLabel->setObjectName(QStringLiteral("pausedLabel"));
    m_pausedLabel->setStyleSheet(QStringLiteral("color: #8a5a00; font-weight: bold;"));
    m_pausedLabel->hide();
    statusBar()->addWidget(m_listenLabel, 1);
    m_drillLabel->setObjectName(QStringLiteral("drillLabel"));
    m_drillLabel->setTextFormat(Qt::PlainText);
    m_drillLabel->setStyleSheet(QStringLiteral("color: white; background: #b3261e; padding: 1px 6px;"));
    m_drillLabel->hide();
    statusBar()->addPermanentWidget(m_drillLabel);
    statusBar()->addPermanentWidget(m_storeLabel);
    statusBar()->addPermanentWidget(m_pausedLabel);
    statusBar()->addPermanentWidget(m_countLabel);
    statusBar()->addPermanentWidget(m_rateLabel);
    statusBar()->addPermanentWidget(m_rejectedLabel);
    statusBar()->addPermanentWidget(m_refusedLabel);
    m_listenLabel->setText(QStringLiteral("Starting…"));
    m_rateLabel->setText(QStringLiteral("0.0/s"));
    m_rejectedLabel->setText(QStringLiteral("Rejected: 0"));
    resize(1280, 800);
}

void MainWindow::buildActions()
{
    QMenu *fileMenu = menuBar()->addMenu(QStringLiteral("&File"));
    QAction *open = fileMenu->addAction(QStringLiteral("&Open Capture…"), this, &MainWindow::chooseCaptureToOpen);
    open->setShortcut(QKeySequence::Open);
    fileMenu->addAction(QStringLiteral("Open &Team Database…"), this, &MainWindow::chooseTeamDatabase);
    m_recentMenu = fileMenu->addMenu(QStringLiteral("Open &Recent"));
    connect(m_recentMenu, &QMenu::aboutToShow, this, &MainWindow::fillRecentMenu);
    QAction *saveAs = fileMenu->addAction(QStringLiteral("&Save Capture As…"), this, &MainWindow::chooseSaveCaptureAs);
    saveAs->setShortcut(QKeySequence::SaveAs);
    fileMenu->addSeparator();
    QAction *exportAction = fileMenu->addAction(QStringLiteral("&Export…"), this, &MainWindow::openExportDialog);
    exportAction->setShortcut(QKeySequence(QStringLiteral("Ctrl+E")));
    fileMenu->addAction(QStringLiteral("&Import JSON Lines…"), this, &MainWindow::chooseImportFile);
    fileMenu->addSeparator();
    QAction *quit = fileMenu->addAction(QStringLiteral("&Quit"), m_tray, &TrayController::quit);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *editMenu = menuBar()->addMenu(QStringLiteral("&Edit"));
    QAction *copy = editMenu->addAction(QStringLiteral("&Copy Event JSON"), this, &MainWindow::copySelectedJson);
    copy->setShortcut(QKeySequence(QStringLiteral("Ctrl+Shift+C")));
    QAction *find = editMenu->addAction(QStringLiteral("&Filter…"), m_filterBar, &FilterBar::focusFilter);
    find->setShortcut(QKeySequence::Find);
    editMenu->addAction(QStringLiteral("Copy as c&url"), this, [this] { copySelectedAsCurl(false); });
    editMenu->addAction(QStringLiteral("Copy as curl With &Secret"), this, [this] { copySelectedAsCurl(true); });
    editMenu->addSeparator();
    QAction *follow = editMenu->addAction(QStringLiteral("F&ollow Request"), this, &MainWindow::followSelectedRequest);
    follow->setShortcut(QKeySequence(QStringLiteral("Ctrl+R")));
    editMenu->addAction(QStringLiteral("Re&play…"), this, &MainWindow::openReplay);
    editMenu->addSeparator();
    QAction *remove
        = editMenu->addAction(QStringLiteral("&Delete Selected Events…"), this, &MainWindow::confirmDeleteSelected);
    remove->setShortcut(QKeySequence::Delete);
    remove->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_table->addAction(remove);

    QMenu *captureMenu = menuBar()->addMenu(QStringLiteral("&Capture"));
    m_pauseAction = captureMenu->addAction(QStringLiteral("&Pause Live View"));
    m_pauseAction->setCheckable(true);
    m_pauseAction->setShortcut(QKeySequence(QStringLiteral("Ctrl+P")));
    m_pauseAction->setToolTip(
        QStringLiteral("Keep receiving and answering deliveries, but hold new rows until you resume"));
    connect(m_pauseAction, &QAction::toggled, this, &MainWindow::setPaused);
    QAction *clear = captureMenu->addAction(QStringLiteral("C&lear All Events…"), this, &MainWindow::confirmClear);
    clear->setShortcut(QKeySequence(QStringLiteral("Ctrl+L")));
    captureMenu->addSeparator();
    captureMenu->addAction(QStringLiteral("&Settings…"), this, &MainWindow::openSettings);
    captureMenu->addAction(QStringLiteral("Alert &Rules…"), this, &MainWindow::openAlertRules);
    captureMenu->addAction(QStringLiteral("&Failure Drill…"), this, &MainWindow::openFailureDrill);
    QAction *keepInTray = captureMenu->addAction(QStringLiteral("&Keep Capturing in the Tray When Closed"));
    keepInTray->setCheckable(true);
    keepInTray->setChecked(m_tray->keepCapturingInTray());
    keepInTray->setEnabled(m_tray->isTrayAvailable());
    connect(keepInTray, &QAction::toggled, m_tray, &TrayController::setKeepCapturingInTray);
    connect(m_tray, &TrayController::keepCapturingInTrayChanged, keepInTray, &QAction::setChecked);
    captureMenu->addSeparator();
    captureMenu->addAction(QStringLiteral("Send Sample &Events"), m_welcome, &WelcomePanel::sendSamples);

    QMenu *viewMenu = menuBar()->addMenu(QStringLiteral("&View"));
    QAction *events = viewMenu->addAction(QStringLiteral("&Events"), this, [this] { m_views->setCurrentIndex(0); });
    events->setShortcut(QKeySequence(QStringLiteral("Ctrl+1")));
    QAction *insights = viewMenu->addAction(QStringLiteral("&Insights"), this, &MainWindow::showInsights);
    insights->setShortcut(QKeySequence(QStringLiteral("Ctrl+I")));
    viewMenu->addSeparator();
    QAction *columns = viewMenu->addAction(QStringLiteral("&Columns…"));
    connect(columns, &QAction::triggered, this,
        [this] { showHeaderMenu(m_table->horizontalHeader()->mapFromGlobal(QCursor::pos())); });

    QMenu *helpMenu = menuBar()->addMenu(QStringLiteral("&Help"));
    QAction *readme = helpMenu->addAction(
        QStringLiteral("Read the &README"), this, [] { QDesktopServices::openUrl(DesktopResources::readmeUrl()); });
    readme->setEnabled(!DesktopResources::readmeUrl().isEmpty());
    helpMenu->addAction(QStringLiteral("&About Thena Inspector"), this, &MainWindow::showAbout);
}

void MainWindow::restoreLayout()
{
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    m_splitter->restoreState(settings.value(QStringLiteral("window/splitter")).toByteArray());
    const QByteArray header = settings.value(QStringLiteral("window/tableHeader")).toByteArray();
    if (!header.isEmpty()) {
        m_table->horizontalHeader()->restoreState(header);
        // A layout saved before the derived-time columns existed shows them, visible, at the end;
        // keep the two that start hidden hidden.
        if (settings.value(QStringLiteral("window/tableColumns"), 15).toInt() < EventTableModel::ColumnCount) {
            m_table->setColumnHidden(EventTableModel::AssignmentColumn, true);
            m_table->setColumnHidden(EventTableModel::EscalatedColumn, true);
        }
    }
    m_rememberSecret = settings.value(kRememberSecretKey, false).toBool();
}

void MainWindow::saveLayout() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/splitter"), m_splitter->saveState());
    settings.setValue(QStringLiteral("window/tableColumns"), int(EventTableModel::ColumnCount));
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
    if (!m_options.hasRetention) {
        config.retainEvents = settings.value(kKeepEventsKey, 0).toLongLong();
        config.retainDays = settings.value(kKeepDaysKey, 0).toLongLong();
    }
    if (!m_options.hasTls) {
        config.certFile = settings.value(kTlsCertKey).toString();
        config.keyFile = settings.value(kTlsKeyKey).toString();
    }
    // Limits out of range in a hand-edited settings file fall back to the defaults rather than
    // leaving the server without a limit.
    const CaptureConfig defaults;
    if (!m_options.hasMaxBody) {
        const qint64 value = settings.value(kMaxBodyKey, defaults.maxBodyBytes).toLongLong();
        config.maxBodyBytes = value > 0 ? value : defaults.maxBodyBytes;
    }
    if (!m_options.hasIdleTimeout) {
        const int value = settings.value(kIdleTimeoutKey, defaults.idleTimeoutMs).toInt();
        config.idleTimeoutMs = value >= 1000 && value <= 3600 * 1000 ? value : defaults.idleTimeoutMs;
    }
    if (!m_options.hasMaxConnections) {
        const int value = settings.value(kMaxConnectionsKey, defaults.maxConnections).toInt();
        config.maxConnections = value >= 1 && value <= 100000 ? value : defaults.maxConnections;
    }
    return config;
}

void MainWindow::startCapture()
{
    m_options.capture = configFromSettings();
    m_storeError.clear();
    updateStoreLabel();
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
    updateDrillLabel();
    m_welcome->setEndpoint(url);
    m_welcome->setSecret(m_options.capture.secret);
    m_tray->setStatusText(QStringLiteral("Listening on %1").arg(url.toString()));
}

void MainWindow::onListenFailed(const QString &message)
{
    m_listenUrl.clear();
    m_listenError = message;
    m_listenLabel->setText(QStringLiteral("Not receiving: ") + message);
    m_listenLabel->setStyleSheet(QStringLiteral("color: #b3261e; font-weight: bold;"));
    m_welcome->setListenError(message);
    m_tray->setStatusText(QStringLiteral("Not receiving: ") + message);
    if (m_model->totalCount() == 0)
        m_tableStack->setCurrentWidget(m_welcome);
    std::fprintf(stderr, "thena-inspector: %s\n", message.toLocal8Bit().constData());
}

void MainWindow::onStoreOpened(const QString &path, qint64 maxId)
{
    if (path == m_storePath && !m_loadingHistory) {
        // The same file after a restart (settings changed): the table already holds it.
        updateStoreLabel();
        return;
    }
    m_storePath = path;
    m_storeError.clear();
    m_prunedThroughId = 0;
    m_pruneTimer->stop();
    m_archive.clear();
    m_model->clear();
    m_details->clearEvent();
    m_shownEvent.reset();
    m_wantedEventId = 0;
    m_held.clear();
    m_insights->clear();
    m_heldRows.clear();
    m_storeConnectionProblem.clear();
    m_insights->setStorePath(path);
    m_reader->setPath(path);
    m_teamMode = StoreLocation::isPostgreSqlUrl(path);
    rememberRecent(path);
    updateStoreLabel();
    setWindowTitle(QStringLiteral("%1 — Thena Inspector").arg(StoreLocation::parse(path).displayName()));
    if (m_teamMode) {
        // Other receivers write here too: follow the whole table, then each commit as it lands.
        m_loadingHistory = true;
        m_reader->follow();
    } else if (maxId > 0) {
        // Rows stream in from the reader thread; live ones wait so the table stays in arrival order.
        m_loadingHistory = true;
        m_reader->loadHistory(maxId);
    }
    updateCounts();
}

void MainWindow::onStoreFailed(const QString &message)
{
    if (EventStore::isPasswordError(message) && askForDatabasePassword(message))
        return;
    m_teamMode = false;
    m_storePath.clear();
    m_storeError = message;
    m_reader->setPath({});
    m_insights->setStorePath({});
    updateStoreLabel();
    showBanner(message + QStringLiteral(" — events are kept in memory only until you open another capture."));
    std::fprintf(stderr, "thena-inspector: %s (keeping events in memory)\n", message.toLocal8Bit().constData());
}

void MainWindow::onHistoryLoaded()
{
    m_loadingHistory = false;
    updateStoreLabel();
    if (!m_paused)
        appendBatch(std::exchange(m_held, {}));
}

void MainWindow::onRowsArrived(const QList<EventRow> &rows)
{
    m_tray->addEvents(rows); // alerts and unread count do not wait for a paused view
    if (m_paused) {
        m_heldRows += rows;
        m_pausedLabel->setText(QStringLiteral("Paused: %1 held").arg(m_heldRows.size()));
        return;
    }
    m_insights->appendRows(rows);
    appendRows(rows);
}

void MainWindow::onStoreConnection(bool connected, const QString &message)
{
    m_storeConnectionProblem = connected ? QString() : message;
    updateStoreLabel();
}

bool MainWindow::askForDatabasePassword(const QString &message)
{
    const QString url = m_options.capture.storePath;
    const StoreLocation location = StoreLocation::parse(url);
    if (!location.isPostgreSql() || QGuiApplication::platformName() == QLatin1String("offscreen"))
        return false;
    bool ok = false;
    const QString password = QInputDialog::getText(this, QStringLiteral("Team database password"),
        QStringLiteral("%1\n\nPassword for %2 (kept in memory for this session only):")
            .arg(message, location.displayName()),
        QLineEdit::Password, QString(), &ok);
    if (!ok || password.isEmpty())
        return false;
    StoreLocation::setPassword(location, password);
    m_service->restart(m_options.capture);
    return true;
}

QString MainWindow::storeStatusText() const
{
    if (!m_storePath.isEmpty() && m_teamMode) {
        const QString name = StoreLocation::parse(m_storePath).displayName();
        if (!m_storeConnectionProblem.isEmpty())
            return QStringLiteral("Team capture %1: %2").arg(name, m_storeConnectionProblem);
        return (m_loadingHistory ? QStringLiteral("Loading team capture %1…") : QStringLiteral("Team capture: %1"))
            .arg(name);
    }
    if (!m_storePath.isEmpty())
        return (m_loadingHistory ? QStringLiteral("Loading %1…") : QStringLiteral("Saving to %1"))
            .arg(QDir::toNativeSeparators(m_storePath));
    if (!m_storeError.isEmpty())
        return QStringLiteral("Not saved: the capture file could not be opened");
    return QStringLiteral("In memory only: not saved");
}

void MainWindow::updateStoreLabel()
{
    m_storeLabel->setText(storeStatusText());
    m_storeLabel->setToolTip(m_storeError.isEmpty() ? m_storePath : m_storeError);
    m_storeLabel->setStyleSheet(
        m_storePath.isEmpty() || !m_storeConnectionProblem.isEmpty() ? QStringLiteral("color: #8a5a00;") : QString());
}

void MainWindow::showBanner(const QString &text)
{
    m_banner->setText(text);
    m_banner->setVisible(!text.isEmpty());
}

void MainWindow::onEventsCaptured(const QList<CapturedEvent> &batch)
{
    if (m_teamMode)
        return; // they come back through the reader with every other receiver's (onRowsArrived)
    if (m_paused || m_loadingHistory) {
        m_held += batch;
        if (m_paused)
            m_pausedLabel->setText(QStringLiteral("Paused: %1 held").arg(m_held.size()));
        return;
    }
    appendBatch(batch);
}

void MainWindow::appendBatch(const QList<CapturedEvent> &delivered)
{
    QList<CapturedEvent> batch = delivered;
    // Retention may already have taken the oldest of a batch that waited (paused, loading).
    if (m_prunedThroughId > 0)
        batch.removeIf([this](const CapturedEvent &event) { return event.row.id <= m_prunedThroughId; });
    if (batch.isEmpty())
        return;
    QList<EventRow> rows;
    rows.reserve(batch.size());
    for (const CapturedEvent &event : batch)
        rows.append(event.row);
    // With a capture file the bodies are on disk already; only memory mode keeps them here.
    if (m_storePath.isEmpty())
        m_archive.add(batch);
    m_insights->appendEvents(batch);
    appendRows(rows);
}

void MainWindow::onRowsLoaded(const QList<EventRow> &loaded)
{
    QList<EventRow> rows = loaded;
    // Retention may have run while the history streamed in.
    if (m_prunedThroughId > 0)
        rows.removeIf([this](const EventRow &row) { return row.id <= m_prunedThroughId; });
    m_insights->appendRows(rows);
    appendRows(rows);
}

void MainWindow::appendRows(const QList<EventRow> &rows)
{
    if (rows.isEmpty())
        return;
    // Follow new rows only while the user is at the bottom; someone reading older rows keeps their place.
    const QScrollBar *bar = m_table->verticalScrollBar();
    const bool follow = m_tableStack->currentWidget() != m_table || bar->value() >= bar->maximum();
    m_model->appendRows(rows);
    if (m_tableStack->currentWidget() != m_table)
        m_tableStack->setCurrentWidget(m_table);
    if (follow)
        m_table->scrollToBottom();
    updateCounts();
}

int MainWindow::heldEventCount() const
{
    return m_held.size() + m_heldRows.size();
}

void MainWindow::setPaused(bool paused)
{
    if (m_paused == paused)
        return;
    m_paused = paused;
    if (m_pauseAction && m_pauseAction->isChecked() != paused)
        m_pauseAction->setChecked(paused);
    if (paused) {
        m_pausedLabel->setText(QStringLiteral("Paused: %1 held").arg(m_held.size()));
        m_pausedLabel->show();
        return;
    }
    m_pausedLabel->hide();
    if (!m_loadingHistory)
        appendBatch(std::exchange(m_held, {}));
    if (!m_heldRows.isEmpty())
        onRowsArrived(std::exchange(m_heldRows, {}));
}

void MainWindow::onStatsChanged(const CaptureStats &stats)
{
    m_stats = stats;
    m_insights->setCaptureStats(stats);
    updateCounts();
    showRefusals(stats);
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

// The guard's refusals (413, 431, 408, over the cap, unreadable HTTP) are not deliveries Thena
// will recognise as failed in the same way as a 401, and none of their bodies is kept, so a
// lead must see at a glance that something is knocking and, in the tooltip, what.
void MainWindow::showRefusals(const CaptureStats &stats)
{
    const std::pair<quint64, QString> kinds[] = {
        { stats.tooLarge, QStringLiteral("413 body over the size limit") },
        { stats.headerTooLarge, QStringLiteral("431 request head over the limit") },
        { stats.timedOut, QStringLiteral("408 idle or trickling connection closed") },
        { stats.refusedConnections, QStringLiteral("connection over the cap refused") },
        { stats.malformed, QStringLiteral("400 HTTP that could not be read") },
        { stats.storeFailures, QStringLiteral("503 not written to the capture file") },
    };
    quint64 total = 0;
    QStringList lines;
    for (const auto &[count, what] : kinds) {
        total += count;
        if (count > 0)
            lines << QStringLiteral("%1 × %2").arg(count).arg(what);
    }
    m_refusedLabel->setVisible(total > 0);
    if (total == 0)
        return;
    m_refusedLabel->setText(QStringLiteral("Refused: %1").arg(total));
    QString tip = QStringLiteral("Deliveries and connections refused before a body was kept:\n") + lines.join(u'\n');
    if (stats.storeFailures > 0 && !stats.lastStoreError.isEmpty())
        tip += QStringLiteral("\nLast write error: ") + stats.lastStoreError;
    m_refusedLabel->setToolTip(tip);
}

void MainWindow::updateCounts()
{
    m_filterBar->setCounts(m_model->rowCount(), m_model->totalCount());
    m_countLabel->setText(QStringLiteral("Captured: %1").arg(m_stats.captured));
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
        m_wantedEventId = 0;
        m_shownEvent.reset();
        m_details->clearEvent();
        return;
    }
    const qint64 id = m_model->idAt(current.row());
    if (id == m_wantedEventId)
        return;
    m_wantedEventId = id;
    if (!m_storePath.isEmpty()) {
        m_reader->loadEvent(id); // answered by onEventLoaded()
        return;
    }
    const std::optional<CapturedEvent> event = m_archive.find(id);
    if (event)
        onEventLoaded(*event);
    else
        m_details->clearEvent();
}

void MainWindow::onEventLoaded(const CapturedEvent &event)
{
    if (event.row.id != m_wantedEventId)
        return; // the user has moved on
    m_shownEvent = event;
    m_details->setEvent(event);
}

void MainWindow::selectEventId(qint64 id)
{
    const int row = m_model->visibleRowOfId(id);
    if (row < 0) {
        m_table->selectionModel()->clearCurrentIndex();
        m_table->selectionModel()->clearSelection();
        return;
    }
    const QModelIndex index = m_model->index(row, 0);
    m_table->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_table->scrollTo(index);
}

QList<qint64> MainWindow::selectedEventIds() const
{
    QList<qint64> ids;
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    ids.reserve(rows.size());
    for (const QModelIndex &index : rows)
        ids.append(m_model->idAt(index.row()));
    std::sort(ids.begin(), ids.end());
    return ids;
}

QString MainWindow::selectedEventJson() const
{
    if (!m_shownEvent)
        return {};
    const QJsonDocument document = QJsonDocument::fromJson(m_shownEvent->body);
    if (document.isNull())
        return QString::fromUtf8(m_shownEvent->body);
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

void MainWindow::deleteEvents(const QList<qint64> &ids)
{
    if (ids.isEmpty())
        return;
    removeFromView(ids);
    if (!m_storePath.isEmpty())
        m_service->removeEvents(ids);
}

void MainWindow::removeFromView(const QList<qint64> &ids)
{
    const QSet<qint64> doomed(ids.cbegin(), ids.cend());
    if (m_shownEvent && doomed.contains(m_shownEvent->row.id)) {
        m_shownEvent.reset();
        m_wantedEventId = 0;
        m_details->clearEvent();
    }
    const qint64 kept = m_wantedEventId;
    const QScrollBar *bar = m_table->verticalScrollBar();
    const bool following = bar->value() >= bar->maximum();
    m_model->removeIds(doomed); // a reset: the view forgets its selection
    m_archive.remove(doomed);
    m_insights->removeIds(doomed);
    if (kept != 0 && m_model->visibleRowOfId(kept) >= 0)
        selectEventId(kept);
    if (following)
        m_table->scrollToBottom();
    updateCounts();
}

void MainWindow::onRetentionApplied(qint64 throughId)
{
    // A team capture's ids are no arrival order; its windows follow the database instead.
    if (m_teamMode || throughId <= m_prunedThroughId)
        return;
    m_prunedThroughId = throughId;
    if (!m_pruneTimer->isActive())
        m_pruneTimer->start();
}

void MainWindow::onRowsRemaining(const QList<qint64> &ids)
{
    if (!m_teamMode)
        return;
    Q_ASSERT(std::is_sorted(ids.cbegin(), ids.cend()));
    const auto gone = [&ids](qint64 id) { return !std::binary_search(ids.cbegin(), ids.cend(), id); };
    m_heldRows.removeIf([&gone](const EventRow &row) { return gone(row.id); });
    QList<qint64> missing = m_model->idsThrough(std::numeric_limits<qint64>::max());
    missing.removeIf([&gone](qint64 id) { return !gone(id); });
    if (!missing.isEmpty())
        removeFromView(missing);
}

void MainWindow::pruneRetained()
{
    const QList<qint64> ids = m_model->idsThrough(m_prunedThroughId);
    if (!ids.isEmpty())
        removeFromView(ids);
}

void MainWindow::clearEvents()
{
    QList<qint64> ids;
    if (m_teamMode) {
        const QList<EventRow> rows = m_model->allRows();
        ids.reserve(rows.size());
        for (const EventRow &row : rows)
            ids.append(row.id);
    }
    m_heldRows.clear();
    m_model->clear();
    m_insights->clear();
    m_archive.clear();
    m_held.clear();
    m_shownEvent.reset();
    m_wantedEventId = 0;
    m_details->clearEvent();
    if (m_teamMode)
        m_service->removeEvents(ids); // only what this window shows: other receivers keep writing
    else if (!m_storePath.isEmpty())
        m_service->removeAllEvents();
    m_tableStack->setCurrentWidget(m_welcome);
    updateCounts();
}

void MainWindow::confirmClear()
{
    if (m_model->totalCount() == 0)
        return;
    QString where = m_storePath.isEmpty()
        ? QStringLiteral("from memory")
        : QStringLiteral("from %1").arg(StoreLocation::parse(m_storePath).displayName());
    if (m_teamMode)
        where += QStringLiteral(", the team database: every lead following it loses them too");
    const auto answer = QMessageBox::question(this, QStringLiteral("Clear all events"),
        QStringLiteral("Delete all %1 captured events %2? This cannot be undone.")
            .arg(m_model->totalCount())
            .arg(where));
    if (answer == QMessageBox::Yes)
        clearEvents();
}

void MainWindow::confirmDeleteSelected()
{
    const QList<qint64> ids = selectedEventIds();
    if (ids.isEmpty())
        return;
    const auto answer = QMessageBox::question(this, QStringLiteral("Delete events"),
        QStringLiteral("Delete the %1 selected events? This cannot be undone.").arg(ids.size()));
    if (answer == QMessageBox::Yes)
        deleteEvents(ids);
}

void MainWindow::openCapture(const QString &path)
{
    m_options.capture.storePath = canonicalLocation(path);
    m_options.hasStore = true;
    m_storeError.clear();
    showBanner({});
    m_service->restart(m_options.capture);
}

void MainWindow::chooseTeamDatabase()
{
    const QString current = m_teamMode ? m_storePath : QStringLiteral("postgresql://thena@localhost:5432/thena");
    bool ok = false;
    const QString text = QInputDialog::getText(this, QStringLiteral("Open Team Database"),
        QStringLiteral("PostgreSQL database that a team receiver writes to:\n"
                       "postgresql://USER@HOST:PORT/DATABASE[?schema=NAME&sslmode=require]\n"
                       "The password is asked for when the database wants one; it is never saved."),
        QLineEdit::Normal, current, &ok);
    if (!ok || text.trimmed().isEmpty())
        return;
    QString error;
    const StoreLocation location = StoreLocation::parse(text.trimmed(), &error);
    if (!location.isPostgreSql()) {
        QMessageBox::warning(this, QStringLiteral("Open Team Database"),
            error.isEmpty() ? QStringLiteral("That is not a postgresql:// address.") : error);
        return;
    }
    openCapture(location.toString());
}

void MainWindow::chooseCaptureToOpen()
{
    const QString start
        = m_storePath.isEmpty() || m_teamMode ? QDir::homePath() : QFileInfo(m_storePath).absolutePath();
    const QString path = QFileDialog::getOpenFileName(
        this, QStringLiteral("Open Capture"), start, QStringLiteral("Thena captures (*.sqlite *.db);;All files (*)"));
    if (!path.isEmpty())
        openCapture(path);
}

bool MainWindow::saveCaptureAs(const QString &path, QString *error)
{
    // Written beside the target and renamed, so a failure leaves any old file as it was.
    const QString temporary = path + QStringLiteral(".part");
    QFile::remove(temporary);
    const QString source = m_storePath;
    const QHash<qint64, CapturedEvent> memory
        = source.isEmpty() ? m_archive.snapshot() : QHash<qint64, CapturedEvent>();
    QString failure;
    // SQLite connections belong to one thread: the copy gets a thread and connection of its own.
    QThread *worker = QThread::create([&] {
        EventStore store;
        if (!source.isEmpty()) {
            if (!store.open(source, EventStore::Mode::ReadOnly) || !store.copyTo(temporary))
                failure = store.errorString();
            return;
        }
        QList<CapturedEvent> events = memory.values();
        std::sort(events.begin(), events.end(),
            [](const CapturedEvent &a, const CapturedEvent &b) { return a.row.id < b.row.id; });
        if (!store.open(temporary) || !store.insert(events))
            failure = store.errorString();
    });
    worker->start();
    while (!worker->wait(10))
        QCoreApplication::processEvents(QEventLoop::ExcludeUserInputEvents);
    delete worker;
    for (const QString &suffix : { QStringLiteral("-wal"), QStringLiteral("-shm") })
        QFile::remove(temporary + suffix);
    if (failure.isEmpty() && QFile::exists(path) && !QFile::remove(path))
        failure = QStringLiteral("Cannot replace %1").arg(path);
    if (failure.isEmpty() && !QFile::rename(temporary, path))
        failure = QStringLiteral("Cannot write %1").arg(path);
    if (!failure.isEmpty()) {
        QFile::remove(temporary);
        if (error)
            *error = failure;
        return false;
    }
    rememberRecent(path);
    return true;
}

void MainWindow::chooseSaveCaptureAs()
{
    const QString start = QDir::homePath() + QStringLiteral("/thena-capture.sqlite");
    const QString path = QFileDialog::getSaveFileName(
        this, QStringLiteral("Save Capture As"), start, QStringLiteral("Thena captures (*.sqlite)"));
    if (path.isEmpty())
        return;
    if (QFileInfo(path).absoluteFilePath() == QFileInfo(m_storePath).absoluteFilePath()) {
        statusBar()->showMessage(QStringLiteral("The capture is already saved in that file."), 5000);
        return;
    }
    QString error;
    if (saveCaptureAs(path, &error))
        statusBar()->showMessage(QStringLiteral("Saved the capture as %1").arg(path), 5000);
    else
        QMessageBox::warning(this, QStringLiteral("Save Capture As"), error);
}

QStringList MainWindow::recentCaptures() const
{
    return QSettings().value(kRecentKey).toStringList();
}

void MainWindow::rememberRecent(const QString &path)
{
    QStringList recent = recentCaptures();
    const QString absolute = canonicalLocation(path);
    recent.removeAll(absolute);
    recent.prepend(absolute);
    while (recent.size() > kMaxRecent)
        recent.removeLast();
    QSettings().setValue(kRecentKey, recent);
}

void MainWindow::fillRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = recentCaptures();
    for (const QString &path : recent) {
        QAction *action
            = m_recentMenu->addAction(QDir::toNativeSeparators(path), this, [this, path] { openCapture(path); });
        action->setEnabled(StoreLocation::isPostgreSqlUrl(path) || QFileInfo::exists(path));
    }
    if (recent.isEmpty())
        m_recentMenu->addAction(QStringLiteral("No recent captures"))->setEnabled(false);
}

std::function<std::unique_ptr<EventBodySource>()> MainWindow::bodySourceFactory() const
{
    if (!m_storePath.isEmpty())
        return [path = m_storePath] { return std::make_unique<StoreBodySource>(path); };
    return [snapshot = m_archive.snapshot()] { return std::make_unique<MemoryBodySource>(snapshot); };
}

ExportDialog *MainWindow::createExportDialog()
{
    QList<int> columns;
    const QHeaderView *header = m_table->horizontalHeader();
    for (int visual = 0; visual < header->count(); ++visual) {
        const int logical = header->logicalIndex(visual);
        if (!header->isSectionHidden(logical))
            columns.append(logical);
    }
    auto *dialog = new ExportDialog(m_model, columns, selectedEventIds(), bodySourceFactory(), this);
    dialog->setAllRowsProvider([model = m_model] { return model->allRows(); });
    return dialog;
}

void MainWindow::openExportDialog()
{
    ExportDialog *dialog = createExportDialog();
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

bool MainWindow::importJsonLines(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("Cannot read %1: %2").arg(path, file.errorString());
        return false;
    }
    QString readError;
    int badLines = 0;
    const QList<CapturedEvent> events = JsonLinesCodec::readAll(&file, &readError, &badLines);
    if (events.isEmpty()) {
        if (error)
            *error = readError.isEmpty() ? QStringLiteral("%1 holds no events.").arg(path) : readError;
        return false;
    }
    // Imported events get new ids: the capture they came from numbered its own.
    m_service->importEvents(events);
    QString message = QStringLiteral("Importing %1 events from %2").arg(events.size()).arg(QFileInfo(path).fileName());
    if (badLines > 0)
        message += QStringLiteral(" (%1 unreadable lines skipped)").arg(badLines);
    statusBar()->showMessage(message, 8000);
    return true;
}

void MainWindow::chooseImportFile()
{
    const QString path = QFileDialog::getOpenFileName(this, QStringLiteral("Import JSON Lines"), QDir::homePath(),
        QStringLiteral("JSON Lines (*.jsonl *.ndjson);;All files (*)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!importJsonLines(path, &error))
        QMessageBox::warning(this, QStringLiteral("Import JSON Lines"), error);
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
    CaptureConfig config = dialog.config();
    config.storePath = m_options.capture.storePath;
    m_rememberSecret = dialog.rememberSecret();
    QSettings settings;
    settings.setValue(kAddressKey, config.address.toString());
    settings.setValue(kPortKey, config.port);
    settings.setValue(kRememberSecretKey, m_rememberSecret);
    settings.setValue(kKeepEventsKey, config.retainEvents);
    settings.setValue(kKeepDaysKey, config.retainDays);
    settings.setValue(kTlsCertKey, config.certFile);
    settings.setValue(kTlsKeyKey, config.keyFile);
    settings.setValue(kMaxBodyKey, config.maxBodyBytes);
    settings.setValue(kIdleTimeoutKey, config.idleTimeoutMs);
    settings.setValue(kMaxConnectionsKey, config.maxConnections);
    if (m_rememberSecret)
        settings.setValue(kSecretKey, config.secret);
    else
        settings.remove(kSecretKey);

    const bool restartNeeded = config.address != m_options.capture.address || config.port != m_options.capture.port
        || config.retainEvents != m_options.capture.retainEvents || config.retainDays != m_options.capture.retainDays
        || config.certFile != m_options.capture.certFile || config.keyFile != m_options.capture.keyFile
        || config.maxBodyBytes != m_options.capture.maxBodyBytes
        || config.idleTimeoutMs != m_options.capture.idleTimeoutMs
        || config.maxConnections != m_options.capture.maxConnections || !m_service->isListening();
    m_options.capture = config;
    m_options.hasListen = false;
    m_options.hasSecret = false;
    m_options.hasRetention = false;
    m_options.hasTls = false;
    m_options.hasMaxBody = false;
    m_options.hasIdleTimeout = false;
    m_options.hasMaxConnections = false;
    if (restartNeeded) {
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

void MainWindow::showTableMenu(const QPoint &pos)
{
    const QModelIndex index = m_table->indexAt(pos);
    if (!index.isValid())
        return;
    const EventRow row = m_model->rowAt(index.row());
    QMenu menu(this);
    QAction *follow = menu.addAction(
        QStringLiteral("Follow Request %1").arg(row.requestId), this, &MainWindow::followSelectedRequest);
    follow->setEnabled(!row.requestId.isEmpty());
    menu.addAction(QStringLiteral("Replay…"), this, &MainWindow::openReplay);
    menu.addSeparator();
    menu.addAction(QStringLiteral("Copy Event JSON"), this, &MainWindow::copySelectedJson);
    menu.addAction(QStringLiteral("Copy as curl"), this, [this] { copySelectedAsCurl(false); });
    menu.addAction(QStringLiteral("Copy as curl With Secret"), this, [this] { copySelectedAsCurl(true); });
    menu.addSeparator();
    menu.addAction(QStringLiteral("Delete Selected Events…"), this, &MainWindow::confirmDeleteSelected);
    menu.exec(m_table->viewport()->mapToGlobal(pos));
}

void MainWindow::followSelectedRequest()
{
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    if (!current.isValid())
        return;
    const QString requestId = m_model->rowAt(current.row()).requestId;
    if (requestId.isEmpty()) {
        statusBar()->showMessage(QStringLiteral("This event has no request id to follow."), 4000);
        return;
    }
    followRequest(requestId);
}

LifecycleView *MainWindow::followRequest(const QString &requestId)
{
    if (LifecycleView *open = m_lifecycles.value(requestId)) {
        open->raise();
        open->activateWindow();
        return open;
    }
    auto *view = new LifecycleView(this);
    view->setAttribute(Qt::WA_DeleteOnClose);
    view->setRowsProvider([model = m_model] { return model->allRows(); });
    connect(view, &LifecycleView::eventActivated, this, [this](qint64 id) {
        if (m_model->visibleRowOfId(id) < 0)
            m_filterBar->setText(QString()); // the event is filtered out: show everything again
        selectEventId(id);
    });
    view->load(requestId, m_model->allRows(), bodySourceFactory());
    m_lifecycles.insert(requestId, view);
    view->show();
    return view;
}

QString MainWindow::selectedEventAsCurl(bool includeSecret) const
{
    if (!m_shownEvent)
        return {};
    CurlCommand::Options options;
    if (m_listenUrl.isValid()) {
        QUrl url = m_listenUrl;
        const QString path = m_shownEvent->row.path;
        const int query = path.indexOf(QLatin1Char('?'));
        url.setPath(query < 0 ? path : path.left(query));
        if (query >= 0)
            url.setQuery(path.mid(query + 1));
        options.url = url;
    }
    options.includeSecret = includeSecret;
    return CurlCommand::build(*m_shownEvent, options);
}

void MainWindow::copySelectedAsCurl(bool includeSecret)
{
    const QString command = selectedEventAsCurl(includeSecret);
    if (command.isEmpty()) {
        statusBar()->showMessage(QStringLiteral("Select an event to copy it as curl."), 3000);
        return;
    }
    QApplication::clipboard()->setText(command);
    statusBar()->showMessage(includeSecret ? QStringLiteral("Copied as curl, with the secret.")
                                           : QStringLiteral("Copied as curl; the secret is read from "
                                                            "$THENA_INSPECTOR_SECRET."),
        4000);
}

void MainWindow::openReplay()
{
    if (!m_shownEvent) {
        statusBar()->showMessage(QStringLiteral("Select an event to replay it."), 3000);
        return;
    }
    auto *dialog = new ReplayDialog(*m_shownEvent, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setConfirmedHosts(m_replayHosts);
    dialog->setPreviousResults(m_replayResults.value(m_shownEvent->row.id));
    connect(dialog, &ReplayDialog::hostConfirmed, this, [this](const QString &host) { m_replayHosts.insert(host); });
    connect(dialog, &ReplayDialog::resultsReady, this,
        [this](qint64 id, const QList<ReplayClient::Result> &results) { m_replayResults.insert(id, results); });
    dialog->show();
}

void MainWindow::showInsights()
{
    m_views->setCurrentWidget(m_insights);
}

void MainWindow::openFailureDrill()
{
    FailureDrillDialog dialog(m_service->config().drill, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    m_options.capture.drill = dialog.config();
    m_service->setFailureDrill(dialog.config());
    updateDrillLabel();
}

void MainWindow::updateDrillLabel()
{
    // A drill makes Thena see failures on purpose: it must never go unnoticed.
    const FailureDrill::Config drill = m_options.capture.drill;
    m_drillLabel->setVisible(drill.isActive());
    m_drillLabel->setText(QStringLiteral("DRILL: ") + FailureDrill::describe(drill));
}

void MainWindow::openAlertRules()
{
    AlertRulesDialog dialog(this);
    dialog.setRules(m_tray->alertRules());
    if (dialog.exec() == QDialog::Accepted)
        m_tray->setAlertRules(dialog.rules());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveLayout();
    if (m_tray->interceptClose(event))
        return; // keeps capturing in the tray
    QMainWindow::closeEvent(event);
}
