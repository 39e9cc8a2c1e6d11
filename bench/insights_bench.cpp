// thena-insights-bench: the Insights dashboard over 100k events while live batches arrive
// (issue 9: "the dashboard with 100k events updates in under the 16 ms GUI budget per batch").
//
// The window splits the work in two (ui/MainWindow.cpp, ui/InsightsDashboard.cpp): each live batch
// goes to InsightsEngine, whose thread runs EventAggregator::appendRows and snapshot(); the GUI
// thread only gets the snapshot and runs InsightsDashboard::applySnapshot, which redraws the charts
// whose numbers changed, and then paints. This bench does both halves in one thread, one after the
// other, and times them apart:
// - GUI thread, the figure: applySnapshot(snapshot) plus the event processing that paints the
//   dashboard (shown, 1280x900, offscreen platform), per batch. A snapshot per batch is the worst
//   case: the engine sends at most one per 100 ms, and batches come every 50 ms.
// - engine thread, for the details: appendRows(batch, times) + snapshot() per batch, and the
//   100k-row history.
// Rows come from BenchRowGenerator, with request times made up per request (created, first
// response when the status says so, closed for closed or resolved ones), so the two duration
// histograms have data. Then the same again with a filter set, as when the user has typed one.
// Prints one JSON line; wall time and the GUI thread's CPU time (insensitive to other processes
// on a busy machine) for every figure.

#include "BenchResults.h"
#include "BenchRowGenerator.h"
#include "BenchSupport.h"
#include "EventAggregator.h"
#include "FilterQuery.h"
#include "InsightsDashboard.h"
#include "InsightsEngine.h"
#include "RequestTimes.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QHash>
#include <ctime>
#include <functional>
#include <random>
#include <vector>

namespace {
using BenchSupport::ms;

// CPU time of the calling thread, in nanoseconds.
qint64 threadCpuNs()
{
    timespec now {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<qint64>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

struct Cost
{
    qint64 wallNs = 0;
    qint64 cpuNs = 0;
};

Cost measure(const std::function<void()> &work)
{
    QElapsedTimer timer;
    const qint64 cpu = threadCpuNs();
    timer.start();
    work();
    return { timer.nsecsElapsed(), threadCpuNs() - cpu };
}

// Everything the GUI thread has been asked to do, painting included: a chart's change reaches the
// screen through a few rounds of posted events (scene changed -> viewport update -> paint).
void settle()
{
    for (int round = 0; round < 4; ++round) {
        QCoreApplication::sendPostedEvents();
        QCoreApplication::processEvents(QEventLoop::AllEvents);
    }
}

// Request times as payloads carry them: one creation time per request (kept across its events),
// a first response once someone worked on it, a close time once it is resolved or closed.
class TimesGenerator
{
public:
    RequestTimes timesFor(const EventRow &row)
    {
        if (row.requestId.isEmpty() || !row.valid)
            return {};
        const QString key = QString::number(int(row.kind == EventKind::Platform)) + row.requestId;
        auto it = m_created.find(key);
        if (it == m_created.end()) {
            // Created up to two hours before its first event arrived.
            it = m_created.insert(key, row.receivedMs - qint64(m_random() % (2 * 3600 * 1000)));
            m_firstResponse.insert(key, it.value() + 30'000 + qint64(m_random() % (4 * 3600 * 1000)));
        }
        RequestTimes times;
        times.createdAtMs = it.value();
        const QString status = row.status.toUpper();
        if (status != QLatin1String("OPEN") && status != QLatin1String("NEW"))
            times.firstResponseAtMs = std::min(m_firstResponse.value(key), row.receivedMs);
        if (status == QLatin1String("CLOSED") || status == QLatin1String("RESOLVED"))
            times.closedAtMs = row.receivedMs;
        return times;
    }

    QList<RequestTimes> timesFor(const QList<EventRow> &rows)
    {
        QList<RequestTimes> times;
        times.reserve(rows.size());
        for (const EventRow &row : rows)
            times.append(timesFor(row));
        return times;
    }

private:
    std::mt19937_64 m_random { 9 };
    QHash<QString, qint64> m_created;
    QHash<QString, qint64> m_firstResponse;
};

struct Series
{
    std::vector<qint64> guiWall;
    std::vector<qint64> guiCpu;
    std::vector<qint64> apply; // applySnapshot() alone: updating the chart series and axes
    std::vector<qint64> paint; // the event processing after it: layout and painting
    std::vector<qint64> engine;
};

// `count` live batches of `batchRows` rows: the engine's half, then the GUI thread's.
Series liveBatches(int count, int batchRows, BenchRowGenerator &rows, TimesGenerator &times,
    EventAggregator &aggregator, InsightsDashboard &dashboard)
{
    Series series;
    for (int b = 0; b < count; ++b) {
        const QList<EventRow> batch = rows.next(batchRows);
        const QList<RequestTimes> batchTimes = times.timesFor(batch);
        InsightsSnapshot snapshot;
        series.engine.push_back(measure([&] {
            aggregator.appendRows(batch, batchTimes);
            snapshot = aggregator.snapshot();
        }).wallNs);
        Cost apply;
        const Cost gui = measure([&] {
            apply = measure([&] { dashboard.applySnapshot(snapshot); });
            settle();
        });
        series.guiWall.push_back(gui.wallNs);
        series.guiCpu.push_back(gui.cpuNs);
        series.apply.push_back(apply.wallNs);
        series.paint.push_back(gui.wallNs - apply.wallNs);
    }
    return series;
}

void insertSeries(BenchResults &out, const QString &prefix, const Series &series)
{
    out.insert(prefix + QStringLiteral("gui_median_ms"), ms(qint64(BenchSupport::quantile(series.guiWall, 0.5))));
    out.insert(prefix + QStringLiteral("gui_p90_ms"), ms(qint64(BenchSupport::quantile(series.guiWall, 0.9))));
    out.insert(prefix + QStringLiteral("gui_max_ms"), ms(qint64(BenchSupport::quantile(series.guiWall, 1.0))));
    out.insert(prefix + QStringLiteral("gui_cpu_median_ms"), ms(qint64(BenchSupport::quantile(series.guiCpu, 0.5))));
    out.insert(prefix + QStringLiteral("gui_cpu_max_ms"), ms(qint64(BenchSupport::quantile(series.guiCpu, 1.0))));
    out.insert(prefix + QStringLiteral("gui_apply_median_ms"), ms(qint64(BenchSupport::quantile(series.apply, 0.5))));
    out.insert(prefix + QStringLiteral("gui_paint_median_ms"), ms(qint64(BenchSupport::quantile(series.paint, 0.5))));
    out.insert(prefix + QStringLiteral("engine_median_ms"), ms(qint64(BenchSupport::quantile(series.engine, 0.5))));
    out.insert(prefix + QStringLiteral("engine_max_ms"), ms(qint64(BenchSupport::quantile(series.engine, 1.0))));
}
} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("The Insights dashboard over N events while live batches arrive: "
                                                    "GUI-thread time per batch. Prints one JSON line."));
    parser.addHelpOption();
    const QCommandLineOption rowsOption(QStringLiteral("rows"), QStringLiteral("Events already captured (100000)."),
        QStringLiteral("N"), QStringLiteral("100000"));
    const QCommandLineOption batchesOption(QStringLiteral("batches"),
        QStringLiteral("Live batches measured, per phase (40)."), QStringLiteral("N"), QStringLiteral("40"));
    const QCommandLineOption batchRowsOption(QStringLiteral("batch-rows"),
        QStringLiteral("Rows per live batch (1000: 20000 events/s in the server's 50 ms batches)."),
        QStringLiteral("N"), QStringLiteral("1000"));
    const QCommandLineOption filterOption(QStringLiteral("filter"),
        QStringLiteral("The filter of the second phase (urgency:high -closed)."), QStringLiteral("QUERY"),
        QStringLiteral("urgency:high -closed"));
    const QCommandLineOption budgetOption(QStringLiteral("budget"),
        QStringLiteral("Seconds before the run stops and prints what it has (120)."), QStringLiteral("SECONDS"),
        QStringLiteral("120"));
    parser.addOptions({ rowsOption, batchesOption, batchRowsOption, filterOption, budgetOption });
    parser.process(app);
    const int rowCount = std::max(1, parser.value(rowsOption).toInt());
    const int batches = std::max(1, parser.value(batchesOption).toInt());
    const int batchRows = std::max(1, parser.value(batchRowsOption).toInt());

    BenchResults out(std::max(1.0, parser.value(budgetOption).toDouble()));
    out.insert(QStringLiteral("rows"), rowCount);
    out.insert(QStringLiteral("batches"), batches);
    out.insert(QStringLiteral("batch_rows"), batchRows);

    BenchRowGenerator rows;
    TimesGenerator times;
    EventAggregator aggregator;

    out.step(QStringLiteral("history"));
    const QList<EventRow> history = rows.next(rowCount);
    const QList<RequestTimes> historyTimes = times.timesFor(history);
    InsightsSnapshot snapshot;
    // The rows already exist (as the batches a window receives would): what grows is the
    // aggregator's own copy, which the window keeps beside the table's. Heap in use, not RSS:
    // the pages of history are temporaries whose freed memory the allocator keeps.
    const qint64 heapBefore = BenchSupport::heapBytesInUse();
    const Cost historyCost = measure([&] {
        // In the pages StoreReader hands the window a capture's history in.
        constexpr qsizetype kPage = 20000;
        for (qsizetype from = 0; from < history.size(); from += kPage) {
            const qsizetype count = std::min(kPage, history.size() - from);
            aggregator.appendRows(history.mid(from, count), historyTimes.mid(from, count));
        }
        snapshot = aggregator.snapshot();
    });
    out.insert(QStringLiteral("history_engine_ms"), ms(historyCost.wallNs));
    out.insert(QStringLiteral("aggregator_bytes_per_event"),
        BenchSupport::rounded(static_cast<double>(BenchSupport::heapBytesInUse() - heapBefore) / rowCount, 1));

    out.step(QStringLiteral("first draw"));
    InsightsDashboard dashboard;
    // The dashboard's own engine gets no rows here; it must not draw its (empty) snapshots over
    // the ones this bench hands over.
    QObject::disconnect(dashboard.engine(), &InsightsEngine::snapshotReady, &dashboard, nullptr);
    dashboard.resize(1280, 900);
    dashboard.show();
    settle();
    const Cost first = measure([&] {
        dashboard.applySnapshot(snapshot);
        settle();
    });
    out.insert(QStringLiteral("first_draw_ms"), ms(first.wallNs));
    out.insert(QStringLiteral("requests"), snapshot.acceptedRequests);
    out.insert(QStringLiteral("first_response_samples"), snapshot.firstResponse.samples);

    out.step(QStringLiteral("live batches"));
    insertSeries(out, QStringLiteral("live_"), liveBatches(batches, batchRows, rows, times, aggregator, dashboard));

    out.step(QStringLiteral("filter"));
    const FilterQuery query = FilterQuery::parse(parser.value(filterOption));
    const Cost filterCost = measure([&] {
        aggregator.setFilter(query);
        snapshot = aggregator.snapshot();
    });
    out.insert(QStringLiteral("filter_engine_ms"), ms(filterCost.wallNs));
    const Cost filterDraw = measure([&] {
        dashboard.setFilter(query); // as the window does: the dashboard keeps it for its titles
        dashboard.applySnapshot(snapshot);
        settle();
    });
    out.insert(QStringLiteral("filter_draw_ms"), ms(filterDraw.wallNs));
    out.insert(QStringLiteral("filtered_events"), snapshot.acceptedEvents);

    out.step(QStringLiteral("live batches, filtered"));
    insertSeries(out, QStringLiteral("filtered_"), liveBatches(batches, batchRows, rows, times, aggregator, dashboard));
    out.insert(QStringLiteral("total_events"), aggregator.rowCount());
    out.print();
    return 0;
}
