#include "InsightsDashboard.h"

#include "CsvWriter.h"
#include "EventBadgeDelegate.h"
#include "InsightsEngine.h"

#include <QAction>
#include <QApplication>
#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QClipboard>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QGraphicsLayout>
#include <QGraphicsSimpleTextItem>
#include <QGridLayout>
#include <QHorizontalBarSeries>
#include <QLabel>
#include <QLegend>
#include <QLegendMarker>
#include <QLocale>
#include <QMenu>
#include <QMimeData>
#include <QPieSeries>
#include <QPieSlice>
#include <QScrollArea>
#include <QScrollBar>
#include <QStackedBarSeries>
#include <QTimer>
#include <QToolButton>
#include <QToolTip>
#include <QVBoxLayout>
#include <QValueAxis>
#include <cmath>
#include <limits>

namespace {
constexpr qint64 kMinuteMs = 60 * 1000;
constexpr qint64 kHourMs = 60 * kMinuteMs;
constexpr qint64 kDayMs = 24 * kHourMs;
// Below this width the charts stack in one column; beside a table a dashboard is often narrow.
constexpr int kTwoColumnWidth = 900;
constexpr int kMaxNameLength = 28;

const char *const kValueProperty = "thenaValue";

QString csvLines(const QList<QStringList> &records)
{
    QString out;
    for (const QStringList &record : records) {
        out += CsvWriter::encodeRecord(record, true);
        out += QStringLiteral("\r\n");
    }
    return out;
}

QString number(qint64 n)
{
    return QLocale().toString(n);
}

QString secondsText(qint64 ms)
{
    return ms < 0 ? QString() : QString::number(static_cast<double>(ms) / 1000.0, 'f', 3);
}

// A y range whose ticks fall on whole, round numbers: 0, 2, 4... never "0 0 1 1".
void setCountRange(QValueAxis *axis, int max)
{
    int step = 1;
    for (int magnitude = 1;; magnitude *= 10) {
        if (max <= 5 * magnitude) {
            step = magnitude;
            break;
        }
        if (max <= 10 * magnitude) {
            step = 2 * magnitude;
            break;
        }
        if (max <= 25 * magnitude) {
            step = 5 * magnitude;
            break;
        }
    }
    const int top = std::max(step, (max + step - 1) / step * step);
    if (axis->min() == 0 && axis->max() == top && axis->tickCount() == top / step + 1)
        return; // an unchanged axis: no new layout
    axis->setRange(0, top);
    axis->setTickCount(top / step + 1);
    axis->setLabelFormat(QStringLiteral("%d"));
}

QString elided(const QString &name)
{
    if (name.size() <= kMaxNameLength)
        return name;
    return name.left(kMaxNameLength - 1) + QChar(0x2026);
}

QList<qreal> realsOf(const QList<int> &values, qsizetype from)
{
    QList<qreal> reals;
    reals.reserve(values.size() - from);
    for (qsizetype i = from; i < values.size(); ++i)
        reals.append(values.at(i));
    return reals;
}

// Qt Charts 6.4 lays the whole series out again (every bar, every label) for each changed value:
// QBarSet::replace(), append() and remove() each run AbstractBarChartItem::handleLayoutChanged().
// So changed values are replaced one by one and new buckets appended in one call; with `bulk`
// (the timeline: hundreds of bars and no labels), more than a few changes (a rebinned timeline)
// swap the values whole, remove + append: two layouts however many values changed. Small labelled
// series are cheaper one by one: swapping them recreates every bar and label item.
void replaceValues(QBarSet *set, const QList<int> &values, bool bulk = false)
{
    const qsizetype kMaxSingleReplaces = bulk ? 4 : std::numeric_limits<qsizetype>::max();
    const qsizetype kept = std::min<qsizetype>(set->count(), values.size());
    QList<qsizetype> changed;
    for (qsizetype i = 0; i < kept && changed.size() <= kMaxSingleReplaces; ++i) {
        if (set->at(i) != values.at(i))
            changed.append(i);
    }
    if (changed.size() > kMaxSingleReplaces) {
        set->remove(0, set->count());
        set->append(realsOf(values, 0));
        return;
    }
    if (set->count() > values.size())
        set->remove(static_cast<int>(values.size()), static_cast<int>(set->count() - values.size()));
    for (const qsizetype i : std::as_const(changed))
        set->replace(static_cast<int>(i), values.at(i));
    if (set->count() < values.size())
        set->append(realsOf(values, set->count()));
}

QString kindTermOf(int series)
{
    switch (series) {
    case InsightsSnapshot::CreatedSeries:
        return QStringLiteral("kind:created");
    case InsightsSnapshot::UpdatedSeries:
        return QStringLiteral("kind:updated");
    case InsightsSnapshot::EscalatedSeries:
        return QStringLiteral("kind:escalated");
    case InsightsSnapshot::PlatformSeries:
        return QStringLiteral("kind:platform");
    default:
        return {}; // "other" mixes two kinds; rejections are no rows
    }
}

QColor timelineColor(int series)
{
    switch (series) {
    case InsightsSnapshot::CreatedSeries:
        return EventBadgeDelegate::kindColor(EventKind::Created);
    case InsightsSnapshot::UpdatedSeries:
        return EventBadgeDelegate::kindColor(EventKind::Updated);
    case InsightsSnapshot::EscalatedSeries:
        return EventBadgeDelegate::kindColor(EventKind::Escalated);
    case InsightsSnapshot::PlatformSeries:
        return EventBadgeDelegate::kindColor(EventKind::Platform);
    case InsightsSnapshot::OtherSeries:
        return EventBadgeDelegate::kindColor(EventKind::Unknown);
    default:
        return { 0x21, 0x21, 0x21 };
    }
}

// Splits filter text into terms as FilterQuery reads them: spaces separate, quotes group.
QStringList splitTerms(const QString &text)
{
    QStringList terms;
    QString current;
    bool quoted = false;
    for (const QChar c : text) {
        if (c == u'"')
            quoted = !quoted;
        if (c.isSpace() && !quoted) {
            if (!current.isEmpty())
                terms.append(std::exchange(current, {}));
            continue;
        }
        current += c;
    }
    if (!current.isEmpty())
        terms.append(current);
    return terms;
}
} // namespace

InsightsDashboard::InsightsDashboard(QWidget *parent)
    : QWidget(parent)
    , m_engine(new InsightsEngine(this))
    , m_summary(new QLabel(this))
    , m_grid(nullptr)
{
    setObjectName(QStringLiteral("insightsDashboard"));
    m_summary->setObjectName(QStringLiteral("insightsSummary"));
    m_summary->setTextFormat(Qt::PlainText);
    m_summary->setWordWrap(true);

    auto *content = new QWidget;
    m_grid = new QGridLayout(content);
    m_grid->setContentsMargins(6, 6, 6, 6);
    m_grid->setSpacing(8);

    buildTimeline();
    m_urgencySeries = buildPie(UrgencyChart, QStringLiteral("urgency"));
    m_sentimentSeries = buildPie(SentimentChart, QStringLiteral("sentiment"));
    buildRanking(TeamEscalationsChart, m_teams, QStringLiteral("team"));
    buildRanking(CustomerEscalationsChart, m_customers, QStringLiteral("customer"));
    buildHistogram(FirstResponseChart, m_firstResponse);
    buildHistogram(TimeToCloseChart, m_timeToClose);
    for (int c = 0; c < ChartCount; ++c)
        m_cards[c] = makeCard(static_cast<Chart>(c));

    auto *scroll = new QScrollArea(this);
    m_scroll = scroll;
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(content);
    // Charts that scroll into sight catch up with the numbers they skipped.
    connect(scroll->verticalScrollBar(), &QScrollBar::valueChanged, this, &InsightsDashboard::scheduleOnScreenDraw);
    connect(scroll->horizontalScrollBar(), &QScrollBar::valueChanged, this, &InsightsDashboard::scheduleOnScreenDraw);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    auto *header = new QHBoxLayout;
    header->setContentsMargins(10, 6, 10, 2);
    header->addWidget(m_summary, 1);
    layout->addLayout(header);
    layout->addWidget(scroll, 1);

    relayout();
    connect(m_engine, &InsightsEngine::snapshotReady, this, &InsightsDashboard::applySnapshot);
    m_neverDrawn.fill(true);
    draw(false);
}

InsightsDashboard::~InsightsDashboard() = default;

QString InsightsDashboard::chartName(Chart chart)
{
    switch (chart) {
    case TimelineChart:
        return QStringLiteral("events-per-minute");
    case UrgencyChart:
        return QStringLiteral("urgency");
    case SentimentChart:
        return QStringLiteral("sentiment");
    case TeamEscalationsChart:
        return QStringLiteral("escalations-by-team");
    case CustomerEscalationsChart:
        return QStringLiteral("escalations-by-customer");
    case FirstResponseChart:
        return QStringLiteral("time-to-first-response");
    case TimeToCloseChart:
        return QStringLiteral("time-to-close");
    case ChartCount:
        break;
    }
    return {};
}

QChartView *InsightsDashboard::makeView(Chart chart, QChart *qchart)
{
    const bool dark = palette().color(QPalette::Window).lightness() < 128;
    qchart->setTheme(dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    // Animations would replay on every live update and make the numbers lag behind the table.
    qchart->setAnimationOptions(QChart::NoAnimation);
    qchart->setBackgroundRoundness(0);
    qchart->setMargins(QMargins(4, 4, 4, 4));
    QFont titleFont = qchart->titleFont();
    titleFont.setBold(true);
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.05);
    qchart->setTitleFont(titleFont);

    auto *view = new QChartView(qchart);
    view->setObjectName(chartName(chart));
    // Bars are axis-aligned rectangles: antialiasing them costs paint time and shows nothing.
    view->setRenderHint(QPainter::Antialiasing, chart == UrgencyChart || chart == SentimentChart);
    view->setMinimumHeight(chart == TimelineChart ? 280 : 260);
    view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(view, &QWidget::customContextMenuRequested, this,
        [this, chart, view](const QPoint &pos) { showChartMenu(chart, view->mapToGlobal(pos)); });
    m_views[chart] = view;
    return view;
}

QWidget *InsightsDashboard::makeCard(Chart chart)
{
    auto *card = new QWidget;
    auto *grid = new QGridLayout(card);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->addWidget(m_views[chart], 0, 0);
    // The menu button sits over the chart's top-right corner, where the title never reaches.
    auto *button = new QToolButton(card);
    button->setObjectName(chartName(chart) + QStringLiteral("Menu"));
    button->setText(QStringLiteral("⋯"));
    button->setToolTip(QStringLiteral("Save as PNG, copy the numbers as CSV"));
    button->setAutoRaise(true);
    connect(button, &QToolButton::clicked, this,
        [this, chart, button] { showChartMenu(chart, button->mapToGlobal(QPoint(0, button->height()))); });
    grid->addWidget(button, 0, 0, Qt::AlignTop | Qt::AlignRight);
    return card;
}

void InsightsDashboard::buildTimeline()
{
    auto *chart = new QChart;
    makeView(TimelineChart, chart);
    m_timelineSeries = new QStackedBarSeries(chart);
    m_timelineSeries->setBarWidth(0.85);
    for (int k = 0; k < InsightsSnapshot::TimelineSeriesCount; ++k) {
        auto *set = new QBarSet(InsightsSnapshot::timelineSeriesName(static_cast<InsightsSnapshot::TimelineSeries>(k)));
        m_timelineSets[k] = set;
        m_timelineSeries->append(set);
        connect(set, &QBarSet::clicked, this, [this, k](int) {
            const QString term = kindTermOf(k);
            if (!term.isEmpty())
                emit filterRequested(term);
        });
        connect(set, &QBarSet::hovered, this, [this, k, set](bool on, int index) {
            QChartView *view = m_views[TimelineChart];
            view->setCursor(on && !kindTermOf(k).isEmpty() ? Qt::PointingHandCursor : Qt::ArrowCursor);
            if (!on) {
                QToolTip::hideText();
                return;
            }
            const InsightsSnapshot &shown = m_shown[TimelineChart];
            const QDateTime start = QDateTime::fromMSecsSinceEpoch(shown.timelineStartMs + index * shown.bucketMs);
            QString tip = QStringLiteral("%1 · %2: %3")
                              .arg(QLocale().toString(start, QLocale::ShortFormat), set->label(),
                                  number(static_cast<qint64>(set->at(index))));
            if (!kindTermOf(k).isEmpty())
                tip += QStringLiteral("\nClick to filter: ") + kindTermOf(k);
            QToolTip::showText(QCursor::pos(), tip, view);
        });
    }
    chart->addSeries(m_timelineSeries);
    // Colours after addSeries: adding a series applies the theme's palette.
    for (int k = 0; k < InsightsSnapshot::TimelineSeriesCount; ++k) {
        QBarSet *set = m_timelineSets[k];
        const QColor color = timelineColor(k);
        if (k == InsightsSnapshot::RejectedSeries) {
            // Hatched: rejections are not events, and must not read as one more kind.
            set->setBrush(QBrush(QColor(0xb3, 0x26, 0x1e), Qt::BDiagPattern));
            set->setPen(QPen(QColor(0xb3, 0x26, 0x1e), 1));
        } else {
            set->setColor(color);
            set->setBorderColor(color);
        }
    }
    m_timelineAxis = new QCategoryAxis(chart);
    m_timelineAxis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    m_timelineAxis->setGridLineVisible(false);
    m_timelineCounts = new QValueAxis(chart);
    // Counts are short (and names are elided to kMaxNameLength): without this Qt Charts measures
    // every label again with a binary search of truncations at each layout. The time axis keeps
    // truncation: its last label sits at the chart's right edge.
    m_timelineCounts->setTruncateLabels(false);
    chart->addAxis(m_timelineAxis, Qt::AlignBottom);
    chart->addAxis(m_timelineCounts, Qt::AlignLeft);
    m_timelineSeries->attachAxis(m_timelineAxis);
    m_timelineSeries->attachAxis(m_timelineCounts);
    chart->legend()->setAlignment(Qt::AlignBottom);
}

QPieSeries *InsightsDashboard::buildPie(Chart chart, const QString &field)
{
    auto *qchart = new QChart;
    makeView(chart, qchart);
    auto *series = new QPieSeries(qchart);
    series->setHoleSize(0.42);
    series->setPieSize(0.8);
    qchart->addSeries(series);
    qchart->legend()->setAlignment(Qt::AlignRight);
    connect(series, &QPieSeries::clicked, this, [this, field](QPieSlice *slice) {
        const QString value = slice->property(kValueProperty).toString();
        if (!value.isEmpty())
            emit filterRequested(filterTerm(field, value));
    });
    connect(series, &QPieSeries::hovered, this, [this, chart, field](QPieSlice *slice, bool on) {
        const QString value = slice->property(kValueProperty).toString();
        slice->setExploded(on);
        m_views[chart]->setCursor(on && !value.isEmpty() ? Qt::PointingHandCursor : Qt::ArrowCursor);
        if (!on) {
            QToolTip::hideText();
            return;
        }
        QString tip = QStringLiteral("%1: %2 requests")
                          .arg(value.isEmpty() ? QStringLiteral("(none)") : value, number(qRound64(slice->value())));
        if (!value.isEmpty())
            tip += QStringLiteral("\nClick to filter: ") + filterTerm(field, value);
        QToolTip::showText(QCursor::pos(), tip, m_views[chart]);
    });
    return series;
}

void InsightsDashboard::buildRanking(Chart chart, Ranking &ranking, const QString &field)
{
    auto *qchart = new QChart;
    makeView(chart, qchart);
    ranking.series = new QHorizontalBarSeries(qchart);
    ranking.series->setBarWidth(0.7);
    ranking.series->setLabelsVisible(true);
    ranking.series->setLabelsPosition(QAbstractBarSeries::LabelsInsideEnd);
    ranking.set = new QBarSet(QStringLiteral("Escalations"));
    ranking.series->append(ranking.set);
    qchart->addSeries(ranking.series);
    ranking.set->setColor(EventBadgeDelegate::kindColor(EventKind::Escalated));
    ranking.set->setBorderColor(EventBadgeDelegate::kindColor(EventKind::Escalated));
    ranking.set->setLabelColor(Qt::white);
    ranking.names = new QBarCategoryAxis(qchart);
    ranking.counts = new QValueAxis(qchart);
    ranking.names->setTruncateLabels(false); // elided() already, see m_timelineCounts
    ranking.counts->setTruncateLabels(false);
    qchart->addAxis(ranking.names, Qt::AlignLeft);
    qchart->addAxis(ranking.counts, Qt::AlignBottom);
    ranking.series->attachAxis(ranking.names);
    ranking.series->attachAxis(ranking.counts);
    qchart->legend()->hide();
    Ranking *r = &ranking;
    connect(ranking.set, &QBarSet::clicked, this, [this, r, field](int index) {
        if (index >= 0 && index < r->values.size() && !r->values.at(index).isEmpty())
            emit filterRequested(filterTerm(field, r->values.at(index)));
    });
    connect(ranking.set, &QBarSet::hovered, this, [this, r, field, chart](bool on, int index) {
        const bool clickable = on && index >= 0 && index < r->values.size() && !r->values.at(index).isEmpty();
        m_views[chart]->setCursor(clickable ? Qt::PointingHandCursor : Qt::ArrowCursor);
        if (clickable)
            QToolTip::showText(QCursor::pos(),
                QStringLiteral("%1: %2 escalations\nClick to filter: %3")
                    .arg(r->values.at(index), number(static_cast<qint64>(r->set->at(index))),
                        filterTerm(field, r->values.at(index))));
        else
            QToolTip::hideText();
    });
}

void InsightsDashboard::buildHistogram(Chart chart, Histogram &histogram)
{
    auto *qchart = new QChart;
    makeView(chart, qchart);
    histogram.series = new QBarSeries(qchart);
    histogram.series->setBarWidth(0.9);
    histogram.series->setLabelsVisible(true);
    histogram.series->setLabelsPosition(QAbstractBarSeries::LabelsOutsideEnd);
    histogram.set = new QBarSet(QStringLiteral("Requests"));
    histogram.series->append(histogram.set);
    qchart->addSeries(histogram.series);
    // The theme paints bar labels white, for labels inside bars; these stand above them.
    histogram.set->setLabelColor(palette().color(QPalette::WindowText));
    const QColor color = chart == FirstResponseChart ? QColor(0x15, 0x65, 0xc0) : QColor(0x2e, 0x7d, 0x32);
    histogram.set->setColor(color);
    histogram.set->setBorderColor(color);
    auto *bins = new QBarCategoryAxis(qchart);
    histogram.bins = bins;
    QStringList labels;
    for (int b = 0; b < InsightsSnapshot::durationBinCount(); ++b)
        labels << InsightsSnapshot::durationBinLabel(b);
    bins->append(labels);
    bins->setGridLineVisible(false);
    // Eleven bins in half a window: a smaller font, and whole labels even when one is a little
    // wider than its bar ("15–…" says nothing).
    QFont small = bins->labelsFont();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    bins->setLabelsFont(small);
    bins->setTruncateLabels(false);
    QFont note = bins->titleFont();
    note.setBold(false);
    note.setPointSizeF(note.pointSizeF() * 0.9);
    bins->setTitleFont(note);
    histogram.counts = new QValueAxis(qchart);
    histogram.counts->setTruncateLabels(false);
    qchart->addAxis(bins, Qt::AlignBottom);
    qchart->addAxis(histogram.counts, Qt::AlignLeft);
    histogram.series->attachAxis(bins);
    histogram.series->attachAxis(histogram.counts);
    qchart->legend()->hide();
    // The axis title keeps the note's line free (a space is as tall as the note); the note itself
    // is plain text drawn over it, which changes without a layout.
    bins->setTitleText(QStringLiteral(" "));
    histogram.note = new QGraphicsSimpleTextItem(qchart);
    histogram.note->setFont(note);
    histogram.note->setBrush(bins->titleBrush());
    Histogram *h = &histogram;
    connect(qchart, &QChart::plotAreaChanged, this, [this, h] { placeNote(*h); });
    connect(qchart, &QGraphicsWidget::geometryChanged, this, [this, h] { placeNote(*h); });
}

void InsightsDashboard::placeNote(Histogram &histogram)
{
    // Centred under the plot area, on the axis title's line at the chart's bottom edge.
    QChart *chart = histogram.series->chart();
    const QRectF plot = chart->plotArea();
    const QRectF text = histogram.note->boundingRect();
    qreal left = 0;
    qreal top = 0;
    qreal right = 0;
    qreal layoutBottom = 0;
    chart->layout()->getContentsMargins(&left, &top, &right, &layoutBottom);
    const qreal bottom = chart->size().height() - layoutBottom - chart->margins().bottom();
    histogram.note->setPos(std::round(plot.center().x() - text.width() / 2), std::round(bottom - text.height()));
}

void InsightsDashboard::relayout()
{
    const int columns = width() >= kTwoColumnWidth ? 2 : 1;
    if (columns == m_columns)
        return;
    m_columns = columns;
    for (QWidget *card : m_cards)
        m_grid->removeWidget(card);
    // The timeline spans the width; the others pair up: urgency | sentiment, team | customer,
    // first response | close.
    m_grid->addWidget(m_cards[TimelineChart], 0, 0, 1, columns);
    for (int c = UrgencyChart; c < ChartCount; ++c) {
        const int i = c - UrgencyChart;
        m_grid->addWidget(m_cards[c], 1 + i / columns, i % columns);
    }
    for (int col = 0; col < 2; ++col)
        m_grid->setColumnStretch(col, col < columns ? 1 : 0);
}

void InsightsDashboard::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    relayout();
    scheduleOnScreenDraw(); // a taller window shows more charts
}

void InsightsDashboard::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    relayout();
    if (m_drawPending) {
        m_drawPending = false;
        // Layouts may not have settled yet, so which charts are on screen is not known: all.
        draw(false);
    }
}

bool InsightsDashboard::isOnScreen(Chart chart) const
{
    // Not visibleRegion(): a QChartView's own region is all covered by its opaque viewport.
    const QChartView *view = m_views[chart];
    const QWidget *viewport = m_scroll->viewport();
    return view->isVisible() && QRect(view->mapTo(viewport, QPoint(0, 0)), view->size()).intersects(viewport->rect());
}

void InsightsDashboard::scheduleOnScreenDraw()
{
    // After the scroll area has moved its content: once per event loop turn however many
    // scroll steps and resizes came in.
    if (m_onScreenDrawScheduled)
        return;
    m_onScreenDrawScheduled = true;
    QTimer::singleShot(0, this, [this] {
        m_onScreenDrawScheduled = false;
        if (isVisible() && !m_drawPending)
            draw(true);
    });
}

void InsightsDashboard::appendEvents(const QList<CapturedEvent> &events)
{
    m_engine->appendEvents(events);
}

void InsightsDashboard::appendRows(const QList<EventRow> &rows)
{
    m_engine->appendRows(rows);
}

void InsightsDashboard::setStorePath(const QString &path)
{
    m_engine->setStorePath(path);
}

void InsightsDashboard::setFilter(const FilterQuery &query)
{
    m_filter = query;
    m_engine->setFilter(query);
}

void InsightsDashboard::setKindVisible(EventKind kind, bool visible)
{
    m_engine->setKindVisible(kind, visible);
}

void InsightsDashboard::setCaptureStats(const CaptureStats &stats)
{
    if (stats.rejected < m_rejectedSeen) {
        m_rejectedSeen = stats.rejected; // counters of a new service: start again from here
        return;
    }
    const quint64 added = stats.rejected - m_rejectedSeen;
    m_rejectedSeen = stats.rejected;
    if (added == 0)
        return;
    // Stats arrive with each 50 ms batch, so the last refusal's time is right for all of them to
    // well within a minute.
    const qint64 when = stats.lastRejectedMs > 0 ? stats.lastRejectedMs : QDateTime::currentMSecsSinceEpoch();
    m_engine->addRejections(QList<qint64>(static_cast<qsizetype>(std::min<quint64>(added, 1u << 20)), when));
}

void InsightsDashboard::removeIds(const QSet<qint64> &ids)
{
    m_engine->removeIds(ids);
}

void InsightsDashboard::clear()
{
    // m_rejectedSeen stays: the service's counter does not go back, and cleared rejections must
    // not return with the next stats.
    m_engine->clear();
}

void InsightsDashboard::applySnapshot(const InsightsSnapshot &snapshot)
{
    m_snapshot = snapshot; // chartCsv() answers the current numbers even while hidden
    if (!isVisible()) {
        // Nothing to look at: draw when the dashboard is shown.
        m_drawPending = true;
        return;
    }
    m_drawPending = false;
    draw(true);
}

namespace {
// Whether the numbers one chart draws differ between two snapshots.
bool chartDiffers(InsightsDashboard::Chart chart, const InsightsSnapshot &a, const InsightsSnapshot &b)
{
    switch (chart) {
    case InsightsDashboard::TimelineChart:
        return a.timeline != b.timeline || a.timelineStartMs != b.timelineStartMs || a.bucketMs != b.bucketMs
            || a.rejectionsShown != b.rejectionsShown || a.rejections != b.rejections;
    case InsightsDashboard::UrgencyChart:
        return a.urgency != b.urgency;
    case InsightsDashboard::SentimentChart:
        return a.sentiment != b.sentiment;
    case InsightsDashboard::TeamEscalationsChart:
        return !(a.escalationsByTeam == b.escalationsByTeam);
    case InsightsDashboard::CustomerEscalationsChart:
        return !(a.escalationsByCustomer == b.escalationsByCustomer);
    case InsightsDashboard::FirstResponseChart:
        return !(a.firstResponse == b.firstResponse);
    case InsightsDashboard::TimeToCloseChart:
        return !(a.timeToClose == b.timeToClose);
    case InsightsDashboard::ChartCount:
        break;
    }
    return false;
}
} // namespace

void InsightsDashboard::draw(bool onlyOnScreen)
{
    for (int c = 0; c < ChartCount; ++c) {
        const auto chart = static_cast<Chart>(c);
        if (!m_neverDrawn[c] && !chartDiffers(chart, m_shown[c], m_snapshot))
            continue;
        if (onlyOnScreen && !m_neverDrawn[c] && !isOnScreen(chart))
            continue; // scrolled away: drawn when it scrolls back (scheduleOnScreenDraw)
        drawChart(chart);
    }
    updateSummary();
}

void InsightsDashboard::drawChart(Chart chart)
{
    m_neverDrawn[chart] = false;
    m_shown[chart] = m_snapshot;
    const InsightsSnapshot &s = m_snapshot;
    switch (chart) {
    case TimelineChart:
        drawTimeline(s);
        break;
    case UrgencyChart:
        drawPie(UrgencyChart, m_urgencySeries, s.urgency);
        break;
    case SentimentChart:
        drawPie(SentimentChart, m_sentimentSeries, s.sentiment);
        break;
    case TeamEscalationsChart:
        drawRanking(TeamEscalationsChart, m_teams, s.escalationsByTeam, QStringLiteral("team"));
        break;
    case CustomerEscalationsChart:
        drawRanking(CustomerEscalationsChart, m_customers, s.escalationsByCustomer, QStringLiteral("customer"));
        break;
    case FirstResponseChart:
        drawHistogram(FirstResponseChart, m_firstResponse, s.firstResponse);
        break;
    case TimeToCloseChart:
        drawHistogram(TimeToCloseChart, m_timeToClose, s.timeToClose);
        break;
    case ChartCount:
        break;
    }
}

QString InsightsDashboard::timelineTitle() const
{
    const qint64 bucket = m_shown[TimelineChart].bucketMs;
    if (bucket == kMinuteMs)
        return QStringLiteral("Events per minute");
    if (bucket < kHourMs)
        return QStringLiteral("Events per %1 minutes").arg(bucket / kMinuteMs);
    if (bucket == kHourMs)
        return QStringLiteral("Events per hour");
    if (bucket < kDayMs)
        return QStringLiteral("Events per %1 hours").arg(bucket / kHourMs);
    if (bucket == kDayMs)
        return QStringLiteral("Events per day");
    return QStringLiteral("Events per %1 days").arg(bucket / kDayMs);
}

void InsightsDashboard::drawTimeline(const InsightsSnapshot &s)
{
    QChart *chart = m_views[TimelineChart]->chart();
    const int n = s.bucketCount();
    int max = 0;
    for (int i = 0; i < n; ++i) {
        int sum = 0;
        for (const QList<int> &series : s.timeline)
            sum += series.at(i);
        max = std::max(max, sum);
    }
    for (int k = 0; k < InsightsSnapshot::TimelineSeriesCount; ++k)
        replaceValues(m_timelineSets[k], s.timeline[k], true);
    const QList<QLegendMarker *> markers = chart->legend()->markers(m_timelineSeries);
    if (markers.size() == InsightsSnapshot::TimelineSeriesCount)
        markers.at(InsightsSnapshot::RejectedSeries)->setVisible(s.rejectionsShown);

    // The axis only when the buckets moved: relabelling lays the whole chart out again.
    if (m_drawnAxisStart != s.timelineStartMs || m_drawnAxisStep != s.bucketMs || m_drawnAxisCount != n) {
        m_drawnAxisStart = s.timelineStartMs;
        m_drawnAxisStep = s.bucketMs;
        m_drawnAxisCount = n;
        drawTimelineAxis(s);
    }
    setCountRange(m_timelineCounts, max);
    QString title = timelineTitle();
    if (s.rejections > 0)
        title += QStringLiteral(" · %1 rejected").arg(number(s.rejections));
    else if (!s.rejectionsShown)
        title += QStringLiteral(" · rejections hidden while filtering");
    setTitle(chart, title);
}

void InsightsDashboard::drawTimelineAxis(const InsightsSnapshot &s)
{
    const int n = s.bucketCount();
    // Time labels on a few bucket centres only: sixty "14:05" labels would overlap.
    const QStringList old = m_timelineAxis->categoriesLabels();
    for (const QString &label : old)
        m_timelineAxis->remove(label);
    m_timelineAxis->setStartValue(-0.5);
    m_timelineAxis->setRange(-0.5, std::max(n, 1) - 0.5);
    if (n > 0) {
        const QDateTime firstTime = QDateTime::fromMSecsSinceEpoch(s.timelineStartMs);
        const QDateTime lastTime = QDateTime::fromMSecsSinceEpoch(s.timelineStartMs + (n - 1) * s.bucketMs);
        QString format = QStringLiteral("HH:mm");
        if (s.bucketMs >= kDayMs)
            format = QStringLiteral("d MMM");
        else if (firstTime.date() != lastTime.date())
            format = QStringLiteral("d MMM HH:mm");
        const int every = std::max(1, (n + 5) / 6);
        QList<int> labelled;
        for (int i = (n - 1) % every; i < n; i += every)
            labelled.append(i);
        for (const int i : labelled) {
            const QDateTime t = QDateTime::fromMSecsSinceEpoch(s.timelineStartMs + i * s.bucketMs);
            m_timelineAxis->append(QLocale().toString(t, format), i);
        }
    }
}

void InsightsDashboard::setTitle(QChart *chart, const QString &title)
{
    // Setting an equal title still lays the chart out again.
    if (chart->title() != title)
        chart->setTitle(title);
}

QColor InsightsDashboard::valueColor(Chart chart, const QString &value)
{
    const QString key = value.trimmed().toCaseFolded();
    if (chart == UrgencyChart) {
        if (key == QLatin1String("urgent") || key == QLatin1String("critical"))
            return { 0x8e, 0x00, 0x00 };
        return EventBadgeDelegate::urgencyColor(value);
    }
    if (key == QLatin1String("negative"))
        return { 0xd3, 0x2f, 0x2f };
    if (key == QLatin1String("neutral"))
        return { 0x90, 0xa4, 0xae };
    if (key == QLatin1String("positive"))
        return { 0x43, 0xa0, 0x47 };
    return {};
}

void InsightsDashboard::drawPie(Chart chart, QPieSeries *series, const QList<InsightsSnapshot::Count> &counts)
{
    int total = 0;
    for (const InsightsSnapshot::Count &count : counts)
        total += count.count;
    // The same values as drawn: update the slices in place (rebuilding them rebuilds the legend).
    QList<QPieSlice *> slices = series->slices();
    bool sameValues = slices.size() == counts.size();
    for (qsizetype i = 0; sameValues && i < counts.size(); ++i)
        sameValues = slices.at(i)->property(kValueProperty).toString() == counts.at(i).value;
    if (!sameValues) {
        series->clear();
        slices.clear();
        for (const InsightsSnapshot::Count &count : counts) {
            auto *slice = new QPieSlice;
            slice->setProperty(kValueProperty, count.value);
            slice->setLabelVisible(false);
            const QColor color = count.value.isEmpty() ? QColor(0xbd, 0xbd, 0xbd) : valueColor(chart, count.value);
            if (color.isValid())
                slice->setColor(color);
            slice->setBorderColor(palette().color(QPalette::Base));
            slices.append(slice);
        }
        series->append(slices);
    }
    for (qsizetype i = 0; i < counts.size(); ++i) {
        const InsightsSnapshot::Count &count = counts.at(i);
        QPieSlice *slice = slices.at(i);
        const QString name = count.value.isEmpty() ? QStringLiteral("(none)") : count.value;
        const int percent = total > 0 ? qRound(100.0 * count.count / total) : 0;
        // Percent, not counts, in the legend: a count changes with nearly every batch and each
        // new label lays the chart out again; counts are in the tooltip and the CSV. Legend
        // labels are rich text: escape what the payload said.
        const QString label = QStringLiteral("%1 · %2%").arg(name.toHtmlEscaped()).arg(percent);
        if (slice->label() != label)
            slice->setLabel(label);
        if (slice->value() != count.count)
            slice->setValue(count.count);
    }
    // No count in the title (the summary line has it): a new title lays the chart out again.
    const QString what = chart == UrgencyChart ? QStringLiteral("urgency") : QStringLiteral("sentiment");
    setTitle(m_views[chart]->chart(),
        total == 0 ? QStringLiteral("Requests by %1 · none yet").arg(what)
                   : QStringLiteral("Requests by %1").arg(what));
}

void InsightsDashboard::drawRanking(
    Chart chart, Ranking &ranking, const InsightsSnapshot::Ranking &data, const QString &what)
{
    // Horizontal bars are drawn bottom-up: reverse, so the largest is on top.
    QStringList labels;
    QList<int> values;
    ranking.values.clear();
    for (qsizetype i = data.top.size() - 1; i >= 0; --i) {
        const InsightsSnapshot::Count &count = data.top.at(i);
        // Axis labels are rich text: a team called "<b>" must show as typed.
        QString label
            = count.value.isEmpty() ? QStringLiteral("(no %1)").arg(what) : elided(count.value).toHtmlEscaped();
        // Category labels must be unique; two long names can elide alike.
        while (labels.contains(label))
            label += QChar(0x200b);
        labels.append(label);
        values.append(count.count);
        ranking.values.append(count.value);
    }
    int max = 0;
    for (const int v : values)
        max = std::max(max, v);
    // New names relabel the axis; new counts alone only move bars. setCategories() relabels with
    // one layout of the chart; clear() + append() took two.
    replaceValues(ranking.set, values);
    if (ranking.names->categories() != labels)
        ranking.names->setCategories(labels);
    setCountRange(ranking.counts, max);
    int total = 0;
    for (const InsightsSnapshot::Count &count : data.top)
        total += count.count;
    total += data.otherCount;
    QString title = QStringLiteral("Escalations by %1").arg(what);
    if (total == 0)
        title += QStringLiteral(" · none yet");
    else if (data.otherValues > 0)
        title += QStringLiteral(" · top %1 of %2").arg(data.top.size()).arg(data.top.size() + data.otherValues);
    setTitle(m_views[chart]->chart(), title);
}

void InsightsDashboard::drawHistogram(Chart chart, Histogram &histogram, const InsightsSnapshot::Histogram &data)
{
    int max = 0;
    for (const int v : data.counts)
        max = std::max(max, v);
    replaceValues(histogram.set, data.counts);
    // Headroom for the count written above the tallest bar.
    setCountRange(histogram.counts, max + std::max(1, max / 8));
    const bool response = chart == FirstResponseChart;
    QString title = response ? QStringLiteral("Time to first response") : QStringLiteral("Time to close");
    if (data.samples == 0) {
        title += QStringLiteral(" · no requests measured yet");
    } else {
        title
            += QStringLiteral(" · median %1 · p90 %2")
                   .arg(InsightsSnapshot::formatDuration(data.medianMs), InsightsSnapshot::formatDuration(data.p90Ms));
    }
    QStringList notes;
    notes << QStringLiteral("%1 requests").arg(number(data.samples));
    if (data.pending > 0)
        notes << (response ? QStringLiteral("%1 awaiting a response") : QStringLiteral("%1 still open"))
                     .arg(number(data.pending));
    if (data.inconsistent > 0)
        notes << QStringLiteral("%1 with an end before their start").arg(number(data.inconsistent));
    setTitle(m_views[chart]->chart(), title);
    // The counts behind the numbers, under the bins (a chart title holds one line only).
    const QString note = notes.join(QStringLiteral(" · "));
    if (histogram.note->text() != note) {
        histogram.note->setText(note);
        placeNote(histogram);
    }
}

void InsightsDashboard::updateSummary()
{
    const InsightsSnapshot &s = m_snapshot;
    QString text;
    if (s.totalEvents == 0 && s.rejections == 0) {
        text = QStringLiteral("No events yet. The charts fill in as deliveries arrive.");
    } else {
        text = s.acceptedEvents == s.totalEvents
            ? QStringLiteral("%1 events").arg(number(s.totalEvents))
            : QStringLiteral("%1 of %2 events").arg(number(s.acceptedEvents), number(s.totalEvents));
        text
            += QStringLiteral(" · %1 requests · %2 escalations").arg(number(s.acceptedRequests), number(s.escalations));
        if (!m_filter.isEmpty())
            text += QStringLiteral(" · filter: ") + m_filter.text().trimmed();
        text += QStringLiteral(" · click a bar or slice to filter the table");
    }
    m_summary->setText(text);
}

void InsightsDashboard::showChartMenu(Chart chart, const QPoint &globalPos)
{
    QMenu menu(this);
    menu.addAction(QStringLiteral("Save Chart as PNG…"), this, [this, chart] { chooseFileAndSave(chart); });
    menu.addAction(QStringLiteral("Copy Numbers as CSV"), this, [this, chart] { copyChartCsv(chart); });
    menu.exec(globalPos);
}

void InsightsDashboard::chooseFileAndSave(Chart chart)
{
    const QString suggested = QDir::home().filePath(
        QStringLiteral("thena-%1-%2.png")
            .arg(chartName(chart), QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"))));
    const QString path = QFileDialog::getSaveFileName(
        this, QStringLiteral("Save Chart as PNG"), suggested, QStringLiteral("PNG images (*.png)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!saveChartPng(chart, path, &error))
        QToolTip::showText(m_views[chart]->mapToGlobal(QPoint(20, 20)), error, m_views[chart]);
}

bool InsightsDashboard::saveChartPng(Chart chart, const QString &path, QString *error)
{
    // Hidden or scrolled away, the chart may show older numbers than the snapshot: catch up.
    if (m_neverDrawn[chart] || chartDiffers(chart, m_shown[chart], m_snapshot))
        drawChart(chart);
    QChartView *view = m_views[chart];
    // A dashboard that was never shown has no size yet; give the chart a readable one.
    if (!view->isVisible() && (view->width() < 400 || view->height() < 250))
        view->resize(800, 450);
    const QPixmap pixmap = view->grab();
    if (pixmap.isNull() || !pixmap.save(path, "PNG")) {
        if (error)
            *error = QStringLiteral("Cannot write %1").arg(QDir::toNativeSeparators(path));
        return false;
    }
    return true;
}

QString InsightsDashboard::chartCsv(Chart chart) const
{
    const InsightsSnapshot &s = m_snapshot;
    QList<QStringList> records;
    const auto countRows
        = [&records](const QString &header, const QString &unit, const QList<InsightsSnapshot::Count> &counts) {
              records << QStringList { header, unit };
              for (const InsightsSnapshot::Count &count : counts)
                  records << QStringList { count.value.isEmpty() ? QStringLiteral("(none)") : count.value,
                      QString::number(count.count) };
          };
    const auto histogramRows = [&records](const InsightsSnapshot::Histogram &h, const QString &pendingName) {
        const QList<qint64> &edges = InsightsSnapshot::durationBinEdgesMs();
        records << QStringList { QStringLiteral("bucket"), QStringLiteral("from_seconds"), QStringLiteral("to_seconds"),
            QStringLiteral("requests") };
        for (int b = 0; b < InsightsSnapshot::durationBinCount(); ++b) {
            const bool last = b + 1 == InsightsSnapshot::durationBinCount();
            records << QStringList { InsightsSnapshot::durationBinLabel(b), QString::number(edges.at(b) / 1000),
                last ? QString() : QString::number(edges.at(b + 1) / 1000), QString::number(h.counts.value(b)) };
        }
        // The statistics follow after an empty line, as name,value pairs.
        records << QStringList();
        records << QStringList { QStringLiteral("median_seconds"), secondsText(h.medianMs) };
        records << QStringList { QStringLiteral("p90_seconds"), secondsText(h.p90Ms) };
        records << QStringList { QStringLiteral("measured"), QString::number(h.samples) };
        records << QStringList { pendingName, QString::number(h.pending) };
        records << QStringList { QStringLiteral("end_before_start"), QString::number(h.inconsistent) };
    };

    switch (chart) {
    case TimelineChart: {
        QStringList header { QStringLiteral("bucket_start_utc"), QStringLiteral("bucket_seconds") };
        for (int k = 0; k < InsightsSnapshot::TimelineSeriesCount; ++k)
            header << (k == InsightsSnapshot::RejectedSeries
                    ? QStringLiteral("rejected")
                    : InsightsSnapshot::timelineSeriesName(static_cast<InsightsSnapshot::TimelineSeries>(k)).toLower());
        records << header;
        for (int i = 0; i < s.bucketCount(); ++i) {
            QStringList record {
                QDateTime::fromMSecsSinceEpoch(s.timelineStartMs + i * s.bucketMs, Qt::UTC).toString(Qt::ISODate),
                QString::number(s.bucketMs / 1000)
            };
            for (int k = 0; k < InsightsSnapshot::TimelineSeriesCount; ++k) {
                // Empty, not 0, where rejections are hidden by the filter: unknown is not none.
                const bool hidden = k == InsightsSnapshot::RejectedSeries && !s.rejectionsShown;
                record << (hidden ? QString() : QString::number(s.timeline[k].at(i)));
            }
            records << record;
        }
        break;
    }
    case UrgencyChart:
        countRows(QStringLiteral("urgency"), QStringLiteral("requests"), s.urgency);
        break;
    case SentimentChart:
        countRows(QStringLiteral("sentiment"), QStringLiteral("requests"), s.sentiment);
        break;
    case TeamEscalationsChart:
    case CustomerEscalationsChart: {
        const bool team = chart == TeamEscalationsChart;
        const InsightsSnapshot::Ranking &r = team ? s.escalationsByTeam : s.escalationsByCustomer;
        countRows(team ? QStringLiteral("team") : QStringLiteral("customer"), QStringLiteral("escalations"), r.top);
        if (r.otherValues > 0)
            records << QStringList { QStringLiteral("(%1 others)").arg(r.otherValues), QString::number(r.otherCount) };
        break;
    }
    case FirstResponseChart:
        histogramRows(s.firstResponse, QStringLiteral("awaiting_first_response"));
        break;
    case TimeToCloseChart:
        histogramRows(s.timeToClose, QStringLiteral("still_open"));
        break;
    case ChartCount:
        break;
    }
    return csvLines(records);
}

void InsightsDashboard::copyChartCsv(Chart chart) const
{
    const QString csv = chartCsv(chart);
    auto *mime = new QMimeData;
    mime->setText(csv);
    mime->setData(QStringLiteral("text/csv"), csv.toUtf8());
    QApplication::clipboard()->setMimeData(mime);
}

QString InsightsDashboard::filterTerm(const QString &field, const QString &value)
{
    QString v = value.trimmed();
    if (v.contains(u'"')) {
        // FilterQuery has no escapes; fields match by "contains", so the longest quote-free
        // piece still selects this value.
        const QStringList pieces = v.split(u'"', Qt::SkipEmptyParts);
        v.clear();
        for (const QString &piece : pieces) {
            if (piece.trimmed().size() > v.size())
                v = piece.trimmed();
        }
    }
    const QString lower = field.toLower();
    // Enumerations read better in lower case, like the filter bar's own examples.
    if (lower == QLatin1String("urgency") || lower == QLatin1String("sentiment") || lower == QLatin1String("kind"))
        v = v.toLower();
    const bool needsQuotes = std::any_of(v.cbegin(), v.cend(), [](QChar c) { return c.isSpace(); });
    return lower + QLatin1Char(':') + (needsQuotes ? QLatin1Char('"') + v + QLatin1Char('"') : v);
}

QString InsightsDashboard::mergeFilterTerm(const QString &filterText, const QString &term)
{
    const qsizetype colon = term.indexOf(u':');
    const QString prefix = colon > 0 ? term.left(colon + 1) : QString();
    QStringList kept;
    const QStringList terms = splitTerms(filterText);
    for (const QString &existing : terms) {
        if (!prefix.isEmpty() && existing.startsWith(prefix, Qt::CaseInsensitive))
            continue; // the same field, not negated: the new value replaces it
        kept.append(existing);
    }
    kept.append(term);
    return kept.join(u' ');
}
