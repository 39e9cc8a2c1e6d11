#pragma once

#include "CaptureStats.h"
#include "CapturedEvent.h"
#include "FilterQuery.h"
#include "InsightsSnapshot.h"

#include <QStringList>
#include <QWidget>
#include <array>

class InsightsEngine;
class QBarCategoryAxis;
class QBarSeries;
class QBarSet;
class QCategoryAxis;
class QChart;
class QChartView;
class QGraphicsSimpleTextItem;
class QGridLayout;
class QHorizontalBarSeries;
class QLabel;
class QPieSeries;
class QScrollArea;
class QStackedBarSeries;
class QValueAxis;

// Charts a support lead reads at a glance, over the events the table shows: events per minute
// stacked by kind (rejected deliveries as their own series), requests by urgency and by sentiment,
// escalations by team and by customer (top 10), and time to first response and to close with
// median and p90. Every chart follows the table's filter and kind toggles (feed it the same
// setFilter / setKindVisible calls), and clicking a bar or slice asks for a filter term through
// filterRequested(). Each chart can be saved as PNG and its numbers copied as CSV.
//
// Aggregation runs in an InsightsEngine thread; the GUI thread only draws snapshots, and only the
// charts whose own numbers changed. While hidden (another tab in front) nothing is drawn at all,
// and a chart scrolled out of sight is drawn when it scrolls back in (or is saved).
class InsightsDashboard final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(InsightsDashboard)

public:
    enum Chart
    {
        TimelineChart, // events per minute
        UrgencyChart,
        SentimentChart,
        TeamEscalationsChart,
        CustomerEscalationsChart,
        FirstResponseChart,
        TimeToCloseChart,
        ChartCount
    };
    Q_ENUM(Chart)

    explicit InsightsDashboard(QWidget *parent = nullptr);
    ~InsightsDashboard() override;

    InsightsEngine *engine() const { return m_engine; }

    // What the window feeds; each returns at once (the engine queues the work).
    void appendEvents(const QList<CapturedEvent> &events); // live batches, with bodies
    void appendRows(const QList<EventRow> &rows); // history rows, bodies read from the store
    void setStorePath(const QString &path);
    void setFilter(const FilterQuery &query);
    void setKindVisible(EventKind kind, bool visible);
    // Rejections are counted in CaptureStats; each increase is drawn at lastRejectedMs.
    void setCaptureStats(const CaptureStats &stats);
    void removeIds(const QSet<qint64> &ids);
    // Forgets every event and rejection (Clear, or another capture opened).
    void clear();

    // Draws a snapshot now (what snapshotReady() triggers). Public for benches: this is the
    // dashboard's whole cost on the GUI thread per update.
    void applySnapshot(const InsightsSnapshot &snapshot);
    const InsightsSnapshot &snapshot() const { return m_snapshot; }

    QChartView *chartView(Chart chart) const { return m_views[chart]; }
    // "events-per-minute", "urgency", ...: object names and default file names.
    static QString chartName(Chart chart);
    // The numbers behind a chart, RFC 4180 with CRLF line ends, cells protected against formulas.
    QString chartCsv(Chart chart) const;
    void copyChartCsv(Chart chart) const;
    bool saveChartPng(Chart chart, const QString &path, QString *error = nullptr);

    // `urgency:high`, `team:"Support EMEA"`: a FilterQuery term that selects this value.
    static QString filterTerm(const QString &field, const QString &value);
    // The filter text with `term` added, replacing terms on the same field (not negated ones),
    // so clicking "High" after "Low" narrows to High instead of to nothing.
    static QString mergeFilterTerm(const QString &filterText, const QString &term);

signals:
    // A term for the table's filter, e.g. `urgency:high`; see mergeFilterTerm().
    void filterRequested(const QString &term);

protected:
    void showEvent(QShowEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    struct Ranking
    {
        QHorizontalBarSeries *series = nullptr;
        QBarSet *set = nullptr;
        QBarCategoryAxis *names = nullptr;
        QValueAxis *counts = nullptr;
        QStringList values; // per bar, top to bottom as drawn (index = bar index)
    };

    struct Histogram
    {
        QBarSeries *series = nullptr;
        QBarSet *set = nullptr;
        QBarCategoryAxis *bins = nullptr;
        QValueAxis *counts = nullptr;
        // "41 requests · 2 awaiting a response" under the bins. Not the axis title: that text
        // changes with nearly every batch, and a new axis title lays the whole chart out again.
        QGraphicsSimpleTextItem *note = nullptr;
    };

    QChartView *makeView(Chart chart, QChart *qchart);
    QWidget *makeCard(Chart chart);
    void buildTimeline();
    QPieSeries *buildPie(Chart chart, const QString &field);
    void buildRanking(Chart chart, Ranking &ranking, const QString &field);
    void buildHistogram(Chart chart, Histogram &histogram);
    void placeNote(Histogram &histogram);
    void relayout();
    // Draws the charts whose numbers differ from what they show; with onlyOnScreen, only those
    // at least partly in the scroll area's viewport (the others stay stale until they scroll in).
    void draw(bool onlyOnScreen);
    void drawChart(Chart chart);
    bool isOnScreen(Chart chart) const;
    void scheduleOnScreenDraw();
    void drawTimeline(const InsightsSnapshot &s);
    void drawTimelineAxis(const InsightsSnapshot &s);
    static void setTitle(QChart *chart, const QString &title);
    void drawPie(Chart chart, QPieSeries *series, const QList<InsightsSnapshot::Count> &counts);
    void drawRanking(Chart chart, Ranking &ranking, const InsightsSnapshot::Ranking &data, const QString &what);
    void drawHistogram(Chart chart, Histogram &histogram, const InsightsSnapshot::Histogram &data);
    void updateSummary();
    void showChartMenu(Chart chart, const QPoint &globalPos);
    void chooseFileAndSave(Chart chart);
    QString timelineTitle() const;
    static QColor valueColor(Chart chart, const QString &value);

    InsightsEngine *m_engine;
    QLabel *m_summary;
    QGridLayout *m_grid;
    QScrollArea *m_scroll = nullptr;
    std::array<QChartView *, ChartCount> m_views {};
    std::array<QWidget *, ChartCount> m_cards {};
    int m_columns = 0;

    QStackedBarSeries *m_timelineSeries = nullptr;
    std::array<QBarSet *, InsightsSnapshot::TimelineSeriesCount> m_timelineSets {};
    QCategoryAxis *m_timelineAxis = nullptr;
    QValueAxis *m_timelineCounts = nullptr;
    qint64 m_drawnAxisStart = -1; // the buckets the time axis is labelled for
    qint64 m_drawnAxisStep = -1;
    int m_drawnAxisCount = -1;
    QPieSeries *m_urgencySeries = nullptr;
    QPieSeries *m_sentimentSeries = nullptr;
    Ranking m_teams;
    Ranking m_customers;
    Histogram m_firstResponse;
    Histogram m_timeToClose;

    InsightsSnapshot m_snapshot; // the newest from the engine
    // Per chart, the snapshot whose part for that chart it shows (implicitly shared: cheap).
    std::array<InsightsSnapshot, ChartCount> m_shown;
    std::array<bool, ChartCount> m_neverDrawn {};
    bool m_drawPending = false;
    bool m_onScreenDrawScheduled = false;
    FilterQuery m_filter;
    quint64 m_rejectedSeen = 0; // CaptureStats::rejected already counted
};
