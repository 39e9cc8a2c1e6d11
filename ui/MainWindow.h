#pragma once

#include "CaptureStats.h"
#include "CapturedEvent.h"
#include "EventArchive.h"
#include "InspectorOptions.h"

#include <QMainWindow>
#include <QUrl>
#include <deque>

class CaptureService;
class EventDetailView;
class EventTableModel;
class FilterBar;
class QAction;
class QLabel;
class QSplitter;
class QStackedWidget;
class QTableView;
class QTimer;

class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(const InspectorOptions &options, QWidget *parent = nullptr);
    ~MainWindow() override;

    void startCapture();

    CaptureService *captureService() const { return m_service; }
    EventTableModel *model() const { return m_model; }
    QTableView *tableView() const { return m_table; }
    FilterBar *filterBar() const { return m_filterBar; }
    EventDetailView *detailView() const { return m_details; }
    QUrl listenUrl() const { return m_listenUrl; }
    QString listenError() const { return m_listenError; }
    bool isPaused() const { return m_paused; }
    int heldEventCount() const;

    // Without confirmation; the menu action asks first.
    void clearEvents();
    void setPaused(bool paused);
    void selectEventId(qint64 id);
    QString selectedEventJson() const;

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
    void onStatsChanged(const CaptureStats &stats);
    void onListening(const QUrl &url);
    void onListenFailed(const QString &message);
    void onCurrentRowChanged();
    void updateCounts();
    void updateRate();
    void showHeaderMenu(const QPoint &pos);
    void openSettings();
    void confirmClear();
    void copySelectedJson();
    void showAbout();

    InspectorOptions m_options;
    CaptureService *m_service;
    EventTableModel *m_model;
    EventArchive m_archive;
    FilterBar *m_filterBar;
    QStackedWidget *m_tableStack;
    QLabel *m_welcome;
    QTableView *m_table;
    EventDetailView *m_details;
    QSplitter *m_splitter;
    QLabel *m_listenLabel;
    QLabel *m_countLabel;
    QLabel *m_rateLabel;
    QLabel *m_rejectedLabel;
    QLabel *m_pausedLabel;
    QTimer *m_rateTimer;
    QAction *m_pauseAction = nullptr;

    QUrl m_listenUrl;
    QString m_listenError;
    CaptureStats m_stats;
    bool m_paused = false;
    QList<CapturedEvent> m_held; // batches that arrived while paused, shown on resume
    std::deque<QPair<qint64, quint64>> m_rateSamples; // (ms, captured count)
    bool m_rememberSecret = false;
};
