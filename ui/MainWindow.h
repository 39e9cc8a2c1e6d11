#pragma once

#include "CaptureStats.h"
#include "CapturedEvent.h"
#include "EventArchive.h"
#include "InspectorOptions.h"
#include "ReplayClient.h"

#include <QHash>
#include <QMainWindow>
#include <QPointer>
#include <QSet>
#include <QUrl>
#include <deque>
#include <functional>
#include <memory>
#include <optional>

class CaptureService;
class EventBodySource;
class EventDetailView;
class ExportDialog;
class EventTableModel;
class FilterBar;
class QAction;
class QLabel;
class QMenu;
class QSplitter;
class QStackedWidget;
class QTableView;
class QTimer;
class InsightsDashboard;
class LifecycleView;
class QTabWidget;
class StoreReader;
class TrayController;
class WelcomePanel;

class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    static constexpr int PruneIntervalMs = 2000;

    explicit MainWindow(const InspectorOptions &options, QWidget *parent = nullptr);
    ~MainWindow() override;

    void startCapture();

    CaptureService *captureService() const { return m_service; }
    EventTableModel *model() const { return m_model; }
    QTableView *tableView() const { return m_table; }
    FilterBar *filterBar() const { return m_filterBar; }
    EventDetailView *detailView() const { return m_details; }
    WelcomePanel *welcomePanel() const { return m_welcome; }
    TrayController *trayController() const { return m_tray; }
    InsightsDashboard *insightsDashboard() const { return m_insights; }
    void showInsights();
    // Opens (or raises) the lifecycle of one request.
    LifecycleView *followRequest(const QString &requestId);
    // The shown event as a curl command line; the secret stays masked unless asked for.
    QString selectedEventAsCurl(bool includeSecret) const;
    QUrl listenUrl() const { return m_listenUrl; }
    QString listenError() const { return m_listenError; }
    // The capture file in use; empty while events are kept in memory only.
    QString storePath() const { return m_storePath; }
    QString storeStatusText() const;
    bool isLoadingHistory() const { return m_loadingHistory; }
    bool isPaused() const { return m_paused; }
    int heldEventCount() const;

    // The actions behind menu items, without their dialogs, for tests and scripts.
    void clearEvents();
    void deleteEvents(const QList<qint64> &ids);
    QList<qint64> selectedEventIds() const;
    void setPaused(bool paused);
    void selectEventId(qint64 id);
    QString selectedEventJson() const;
    void openCapture(const QString &path);
    // Writes the whole capture to a new file; false with a message on failure. Blocks until done.
    bool saveCaptureAs(const QString &path, QString *error);
    QStringList recentCaptures() const;
    // The export dialog for the current table, columns and selection (not shown).
    ExportDialog *createExportDialog();
    bool importJsonLines(const QString &path, QString *error);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildActions();
    void buildLayout();
    void restoreLayout();
    void saveLayout() const;
    CaptureConfig configFromSettings() const;

    void onEventsCaptured(const QList<CapturedEvent> &batch);
    void appendBatch(const QList<CapturedEvent> &batch);
    void appendRows(const QList<EventRow> &rows);
    void onRowsLoaded(const QList<EventRow> &loaded); // history from the capture file
    void onStatsChanged(const CaptureStats &stats);
    void showRefusals(const CaptureStats &stats);
    void onListening(const QUrl &url);
    void onListenFailed(const QString &message);
    void onStoreOpened(const QString &path, qint64 maxId);
    void onStoreFailed(const QString &message);
    void onHistoryLoaded();
    void onRowsArrived(const QList<EventRow> &rows);
    void onStoreConnection(bool connected, const QString &message);
    // Retention removed every event up to throughId from the capture file: the table, the
    // insights and the details follow, at most once per PruneIntervalMs (each is a table reset).
    void onRetentionApplied(qint64 throughId);
    // Team capture: someone deleted events from the database; drop every row not among ids.
    void onRowsRemaining(const QList<qint64> &ids);
    void pruneRetained();
    // Drops these events from the table, the insights and the memory copy; keeps the selection
    // and the follow-the-bottom position of whatever survives.
    void removeFromView(const QList<qint64> &ids);
    void onEventLoaded(const CapturedEvent &event);
    void onCurrentRowChanged();
    void showBanner(const QString &text);
    void updateCounts();
    void updateRate();
    void updateStoreLabel();
    void rememberRecent(const QString &path);
    void fillRecentMenu();
    void showHeaderMenu(const QPoint &pos);
    void openSettings();
    void confirmClear();
    void confirmDeleteSelected();
    void chooseCaptureToOpen();
    void chooseTeamDatabase();
    bool askForDatabasePassword(const QString &message);
    void chooseSaveCaptureAs();
    void copySelectedJson();
    void openExportDialog();
    void chooseImportFile();
    std::function<std::unique_ptr<EventBodySource>()> bodySourceFactory() const;
    void showAbout();
    void openAlertRules();
    void openFailureDrill();
    void updateDrillLabel();
    void showTableMenu(const QPoint &pos);
    void followSelectedRequest();
    void openReplay();
    void copySelectedAsCurl(bool includeSecret);

    InspectorOptions m_options;
    CaptureService *m_service;
    StoreReader *m_reader;
    EventTableModel *m_model;
    EventArchive m_archive; // memory mode only
    FilterBar *m_filterBar;
    QLabel *m_banner;
    QStackedWidget *m_tableStack;
    WelcomePanel *m_welcome;
    TrayController *m_tray;
    QTabWidget *m_views;
    InsightsDashboard *m_insights;
    QTableView *m_table;
    EventDetailView *m_details;
    QSplitter *m_splitter;
    QLabel *m_listenLabel;
    QLabel *m_storeLabel;
    QLabel *m_countLabel;
    QLabel *m_rateLabel;
    QLabel *m_rejectedLabel;
    QLabel *m_refusedLabel;
    QLabel *m_pausedLabel;
    QLabel *m_drillLabel;
    QTimer *m_rateTimer;
    QTimer *m_pruneTimer;
    QAction *m_pauseAction = nullptr;
    QMenu *m_recentMenu = nullptr;

    QUrl m_listenUrl;
    QString m_listenError;
    QString m_storePath;
    QString m_storeError;
    CaptureStats m_stats;
    bool m_paused = false;
    bool m_loadingHistory = false;
    QList<CapturedEvent> m_held; // live batches held while paused or while history loads
    // A team capture (PostgreSQL): every row, this receiver's too, comes from the reader as other
    // receivers commit it, so live batches from our own server are not added a second time.
    bool m_teamMode = false;
    QList<EventRow> m_heldRows; // team rows held while paused
    QString m_storeConnectionProblem; // "Reconnecting to …" while the database is away
    std::optional<CapturedEvent> m_shownEvent; // what the detail panes show
    qint64 m_wantedEventId = 0; // the row the user selected, maybe still loading
    qint64 m_prunedThroughId = 0; // retention removed every event up to this id from the file
    std::deque<QPair<qint64, quint64>> m_rateSamples; // (ms, captured count)
    bool m_rememberSecret = false;
    QHash<QString, QPointer<LifecycleView>> m_lifecycles;
    QSet<QString> m_replayHosts; // hosts the user confirmed for replay, this session only
    QHash<qint64, QList<ReplayClient::Result>> m_replayResults;
};
