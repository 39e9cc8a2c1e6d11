// thena-model-bench: the table at a million rows. Generates 1M realistic EventRows and measures
// EventTableModel: appending them in flood-sized batches, the memory they take, filtering as the
// user types, sorting, and 1000-row batches arriving while 1M rows are shown sorted and filtered,
// with a QTableView attached (offscreen) as in the window, then again with the model alone. The
// reference for filtering is QSortFilterProxyModel over a plain table model holding the same rows
// and display strings, against a second EventTableModel holding exactly those rows.
//
// The run is bounded: slow steps are capped (and say so), and a time budget ends the run with
// what was measured so far (BenchResults). The figures bench/run shows come first.
// Prints one JSON line.

#include "BenchResults.h"
#include "BenchRowGenerator.h"
#include "BenchSupport.h"
#include "EventAggregator.h"
#include "EventTableModel.h"
#include "FilterQuery.h"
#include "PlainEventModel.h"
#include "ReferenceFilterProxy.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QTableView>
#include <functional>
#include <memory>
#include <vector>

namespace {
using BenchSupport::ms;

struct Query
{
    QString name; // JSON key part
    QString text; // what the user types into the filter bar
    int proxyColumn; // the reference's filterKeyColumn
    QString proxyText; // the reference's fixed string
    bool proxyExcluding;
};

// A free word, a field:value term and an exclusion, with the reference doing the same thing the
// usual way. Under BenchRowGenerator's mix they keep about 16%, 4% and 91% of the rows.
const std::vector<Query> &queries()
{
    static const std::vector<Query> list = {
        { QStringLiteral("word"), QStringLiteral("billing"), -1, QStringLiteral("billing"), false },
        { QStringLiteral("field"), QStringLiteral("team:billing"), EventTableModel::TeamColumn,
            QStringLiteral("billing"), false },
        { QStringLiteral("exclude"), QStringLiteral("-closed"), -1, QStringLiteral("closed"), true },
    };
    return list;
}

qint64 timeNs(const std::function<void()> &work)
{
    QElapsedTimer timer;
    timer.start();
    work();
    return timer.nsecsElapsed();
}

constexpr qint64 seconds(int s)
{
    return static_cast<qint64>(s) * 1'000'000'000;
}

// Applies the figures' starting state: every row, arrival order.
void resetState(EventTableModel &model, const std::function<void()> &settle)
{
    model.sort(-1);
    model.setFilter(FilterQuery());
    settle();
}

// Each final query applied to every row (as when pasted), then cleared again.
void measureFilters(
    EventTableModel &model, const QString &prefix, const std::function<void()> &settle, BenchResults &out)
{
    resetState(model, settle);
    qint64 worst = 0;
    for (const Query &q : queries()) {
        const qint64 ns = timeNs([&] { model.setFilter(FilterQuery::parse(q.text)); });
        out.insert(prefix + QStringLiteral("filter_") + q.name + QStringLiteral("_ms"), ms(ns));
        out.insert(prefix + QStringLiteral("filter_") + q.name + QStringLiteral("_rows"), model.rowCount());
        worst = std::max(worst, ns);
        settle();
        const qint64 clearNs = timeNs([&] { model.setFilter(FilterQuery()); });
        out.insert(prefix + QStringLiteral("filter_clear_after_") + q.name + QStringLiteral("_ms"), ms(clearNs));
        settle();
    }
    out.insert(prefix + QStringLiteral("filter_worst_ms"), ms(worst));
}

// Typed one character at a time (every prefix is a filter the model must apply), then erased at
// once. Stops after 20 s: a model that slow has failed the target many times over.
void measureTyped(EventTableModel &model, const QString &prefix, const std::function<void()> &settle, BenchResults &out)
{
    resetState(model, settle);
    std::vector<qint64> keys;
    qint64 spent = 0;
    int skipped = 0;
    for (const Query &q : queries()) {
        for (qsizetype length = 1; length <= q.text.size() + 1; ++length) {
            if (spent > seconds(20)) {
                ++skipped;
                continue;
            }
            const FilterQuery query = length <= q.text.size() ? FilterQuery::parse(q.text.left(length)) : FilterQuery();
            keys.push_back(timeNs([&] { model.setFilter(query); }));
            spent += keys.back();
            settle();
        }
    }
    out.insert(prefix + QStringLiteral("typed_keystrokes"), static_cast<int>(keys.size()));
    out.insert(prefix + QStringLiteral("typed_skipped"), skipped);
    out.insert(prefix + QStringLiteral("typed_max_ms"), ms(static_cast<qint64>(BenchSupport::quantile(keys, 1.0))));
    out.insert(prefix + QStringLiteral("typed_p50_ms"), ms(static_cast<qint64>(BenchSupport::quantile(keys, 0.5))));
}

// Sorting every row, and new rows arriving while every row is shown sorted and filtered. The
// first sort (by title) is also the state for the 1000-row batches, which come right after it,
// so a slow model still yields both figures before the time budget runs out: sort by title,
// filter by -closed, 20 batches of 1000 rows (fewer, at least 3, when they are slow), then the
// other sorts: received time (descending), customer, and status (few distinct values). Then, as
// details: 5 more batches while the view has thousands of rows selected (selectMany, view only:
// the model's slower path for a large selection), and a sort by every column.
void measureSortsAndAppends(EventTableModel &model, BenchRowGenerator &generator, const QString &prefix,
    const std::function<void()> &settle, BenchResults &out, const std::function<void()> &selectMany = {})
{
    resetState(model, settle);
    qint64 worst = 0;
    qint64 spent = 0;
    int skipped = 0;
    auto sortStep = [&](const char *name, int column, Qt::SortOrder order) {
        // Seconds per sort have failed the target many times over: no need to prove it on every column.
        if (spent > seconds(10)) {
            ++skipped;
            return;
        }
        const qint64 ns = timeNs([&] { model.sort(column, order); });
        spent += ns;
        out.insert(prefix + QStringLiteral("sort_%1_ms").arg(QLatin1String(name)), ms(ns));
        worst = std::max(worst, ns);
        out.insert(prefix + QStringLiteral("sort_worst_ms"), ms(worst));
        settle();
    };

    out.step(prefix + QStringLiteral("sort by title"));
    sortStep("title", EventTableModel::TitleColumn, Qt::AscendingOrder);
    model.sort(EventTableModel::TitleColumn, Qt::AscendingOrder); // when the step was skipped
    model.setFilter(FilterQuery::parse(QStringLiteral("-closed")));
    settle();
    out.step(prefix + QStringLiteral("1000-row batches while sorted and filtered"));
    out.insert(prefix + QStringLiteral("append1k_visible_rows"), model.rowCount());
    std::vector<qint64> batches;
    qint64 appendSpent = 0;
    for (int b = 0; b < 20 && (b < 3 || appendSpent < seconds(5)); ++b) {
        const QList<EventRow> rows = generator.next(1000);
        batches.push_back(timeNs([&] { model.appendRows(rows); }));
        appendSpent += batches.back();
        settle();
    }
    out.insert(prefix + QStringLiteral("append1k_batches"), static_cast<int>(batches.size()));
    out.insert(
        prefix + QStringLiteral("append1k_median_ms"), ms(static_cast<qint64>(BenchSupport::quantile(batches, 0.5))));
    out.insert(
        prefix + QStringLiteral("append1k_max_ms"), ms(static_cast<qint64>(BenchSupport::quantile(batches, 1.0))));
    if (selectMany) {
        selectMany();
        settle();
        std::vector<qint64> selected;
        for (int b = 0; b < 5; ++b) {
            const QList<EventRow> rows = generator.next(1000);
            selected.push_back(timeNs([&] { model.appendRows(rows); }));
            settle();
        }
        out.insert(prefix + QStringLiteral("append1k_large_selection_median_ms"),
            ms(static_cast<qint64>(BenchSupport::quantile(selected, 0.5))));
    }
    model.setFilter(FilterQuery());
    settle();

    out.step(prefix + QStringLiteral("other sorts"));
    sortStep("received_desc", EventTableModel::ReceivedColumn, Qt::DescendingOrder);
    sortStep("customer", EventTableModel::CustomerColumn, Qt::AscendingOrder);
    sortStep("status", EventTableModel::StatusColumn, Qt::AscendingOrder);
    out.insert(prefix + QStringLiteral("sorts_skipped"), skipped);

    // Every column once, ascending (a detail: "sort by any column"); skipped when sorts are slow.
    if (spent <= seconds(10)) {
        out.step(prefix + QStringLiteral("sort by every column"));
        qint64 everyWorst = 0;
        QString everyWorstName;
        for (int column = 0; column < EventTableModel::ColumnCount; ++column) {
            model.sort(-1);
            settle();
            const qint64 ns = timeNs([&] { model.sort(column, Qt::AscendingOrder); });
            settle();
            if (ns > everyWorst) {
                everyWorst = ns;
                everyWorstName = EventTableModel::columnName(static_cast<EventTableModel::Column>(column));
            }
        }
        out.insert(prefix + QStringLiteral("sort_every_column_worst_ms"), ms(everyWorst));
        out.insert(prefix + QStringLiteral("sort_every_column_worst"), everyWorstName);
    }
    resetState(model, settle);
}

// The same queries on the same rows: QSortFilterProxyModel the usual way (a fresh proxy per
// query, its mapping built unfiltered and untimed, then the filter set and timed until it has
// re-filtered) against an EventTableModel holding exactly those rows, filtered from unfiltered.
// ours is the bench's model when it holds exactly these rows, else a second model is built.
void measureReference(const QList<EventRow> &rows, const QStringList &names, EventTableModel *ours, BenchResults &out)
{
    out.insert(QStringLiteral("reference_rows"), static_cast<int>(rows.size()));
    out.insert(QStringLiteral("reference_queries"), names.join(QLatin1Char(',')));
    std::vector<Query> chosen;
    for (const Query &q : queries()) {
        if (names.contains(q.name))
            chosen.push_back(q);
    }
    double oursNs = 0;
    {
        std::unique_ptr<EventTableModel> own;
        if (!ours) {
            own = std::make_unique<EventTableModel>();
            own->appendRows(rows);
            ours = own.get();
        }
        ours->sort(-1);
        ours->setFilter(FilterQuery());
        for (const Query &q : chosen) {
            const qint64 ns = timeNs([&] { ours->setFilter(FilterQuery::parse(q.text)); });
            out.insert(QStringLiteral("reference_ours_") + q.name + QStringLiteral("_ms"), ms(ns));
            out.insert(QStringLiteral("reference_ours_") + q.name + QStringLiteral("_rows"), ours->rowCount());
            oursNs += static_cast<double>(ns);
            ours->setFilter(FilterQuery());
        }
    }
    out.step(QStringLiteral("QSortFilterProxyModel: loading %1 rows into a plain table model").arg(rows.size()));
    PlainEventModel plain;
    plain.setRows(rows);
    double theirsNs = 0;
    for (const Query &q : chosen) {
        out.step(QStringLiteral("QSortFilterProxyModel: \"%1\" on %2 rows").arg(q.text).arg(rows.size()));
        auto proxy = std::make_unique<ReferenceFilterProxy>();
        proxy->setFilterKeyColumn(q.proxyColumn);
        proxy->setExcluding(q.proxyExcluding);
        proxy->setSourceModel(&plain);
        proxy->rowCount();
        const qint64 ns = timeNs([&] {
            proxy->setFilterFixedString(q.proxyText);
            proxy->rowCount();
        });
        theirsNs += static_cast<double>(ns);
        out.insert(QStringLiteral("reference_qsfpm_") + q.name + QStringLiteral("_ms"), ms(ns));
        out.insert(QStringLiteral("reference_qsfpm_") + q.name + QStringLiteral("_rows"), proxy->rowCount());
    }
    out.insert(QStringLiteral("reference_ours_total_ms"), ms(static_cast<qint64>(oursNs)));
    out.insert(QStringLiteral("reference_qsfpm_total_ms"), ms(static_cast<qint64>(theirsNs)));
    out.insert(QStringLiteral("reference_speedup"), BenchSupport::rounded(oursNs > 0 ? theirsNs / oursNs : 0, 1));
}
} // namespace

int main(int argc, char *argv[])
{
    // A benchmark must not open windows on someone's desktop.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("EventTableModel at a million rows; prints one JSON line."));
    parser.addHelpOption();
    const QCommandLineOption rowsOption(QStringLiteral("rows"), QStringLiteral("Rows (default 1000000)."),
        QStringLiteral("N"), QStringLiteral("1000000"));
    const QCommandLineOption referenceRowsOption(QStringLiteral("reference-rows"),
        QStringLiteral("Rows for the QSortFilterProxyModel comparison (default: all; 0 skips it)."),
        QStringLiteral("N"), QStringLiteral("-1"));
    // The exclusion costs QSortFilterProxyModel about a minute on 1M rows here (it removes rows
    // range by range): left out by default, which only flatters the reference.
    const QCommandLineOption referenceQueriesOption(QStringLiteral("reference-queries"),
        QStringLiteral("Queries for the comparison, of word,field,exclude (default word,field)."),
        QStringLiteral("LIST"), QStringLiteral("word,field"));
    const QCommandLineOption batchOption(QStringLiteral("batch"),
        QStringLiteral("Rows per appendRows() while loading (default 1000, one flush of a flood)."),
        QStringLiteral("N"), QStringLiteral("1000"));
    const QCommandLineOption appendCapOption(QStringLiteral("append-cap"),
        QStringLiteral("Seconds of batched appends before the remaining rows go in at once (default 20)."),
        QStringLiteral("S"), QStringLiteral("20"));
    const QCommandLineOption budgetOption(QStringLiteral("budget"),
        QStringLiteral("Seconds for the whole run; then it prints what it has and ends (default 150)."),
        QStringLiteral("S"), QStringLiteral("150"));
    parser.addOptions(
        { rowsOption, referenceRowsOption, referenceQueriesOption, batchOption, appendCapOption, budgetOption });
    parser.process(app);
    const int rowCount = std::max(1, parser.value(rowsOption).toInt());
    const int batch = std::max(1, parser.value(batchOption).toInt());
    int referenceRows = parser.value(referenceRowsOption).toInt();
    if (referenceRows < 0 || referenceRows > rowCount)
        referenceRows = rowCount;
    const QStringList referenceQueries
        = parser.value(referenceQueriesOption).split(QLatin1Char(','), Qt::SkipEmptyParts);

    BenchResults out(parser.value(budgetOption).toDouble());
    out.insert(QStringLiteral("rows"), rowCount);
    BenchRowGenerator generator;
    EventTableModel model;

    // Rows are generated batch by batch (untimed) and handed over, as the capture thread does,
    // so the memory figure counts what the model keeps, not a second copy of the input. Flood-sized
    // batches are timed until every row is in or --append-cap seconds are spent; the rest then
    // goes in at once, so the other figures still see every row.
    out.step(QStringLiteral("appending %1 rows in batches of %2").arg(rowCount).arg(batch));
    const qint64 rssBefore = BenchSupport::residentBytes();
    const qint64 capNs = static_cast<qint64>(parser.value(appendCapOption).toDouble() * 1e9);
    qint64 appendNs = 0;
    int appended = 0;
    while (appended < rowCount && appendNs < capNs) {
        const QList<EventRow> rows = generator.next(std::min(batch, rowCount - appended));
        appendNs += timeNs([&] { model.appendRows(rows); });
        appended += static_cast<int>(rows.size());
    }
    out.insert(QStringLiteral("append_batch"), batch);
    out.insert(QStringLiteral("append_batched_rows"), appended);
    out.insert(QStringLiteral("append_batched_s"), BenchSupport::rounded(static_cast<double>(appendNs) / 1e9));
    out.insert(
        QStringLiteral("append_per_row_us"), BenchSupport::rounded(static_cast<double>(appendNs) / 1e3 / appended));
    if (appended < rowCount) {
        out.step(QStringLiteral("batched appends hit the cap after %1 rows; adding the rest at once").arg(appended));
        const QList<EventRow> rest = generator.next(rowCount - appended);
        const qint64 ns = timeNs([&] { model.appendRows(rest); });
        out.insert(QStringLiteral("append_rest_s"), BenchSupport::rounded(static_cast<double>(ns) / 1e9));
    }
    const qint64 rssAfter = BenchSupport::residentBytes();
    out.insert(QStringLiteral("rss_before_mb"), BenchSupport::rounded(static_cast<double>(rssBefore) / 1048576.0, 1));
    out.insert(QStringLiteral("rss_after_mb"), BenchSupport::rounded(static_cast<double>(rssAfter) / 1048576.0, 1));
    out.insert(QStringLiteral("bytes_per_event"),
        BenchSupport::rounded(static_cast<double>(rssAfter - rssBefore) / rowCount, 1));

    {
        // The window keeps each event a second time, in the Insights aggregator (its own thread).
        // The same rows again, in the same batches; heap in use around its appends only, so the
        // rows being generated are not counted.
        out.step(QStringLiteral("the same %1 rows into the Insights aggregator").arg(rowCount));
        BenchRowGenerator again;
        EventAggregator aggregator;
        qint64 heapBytes = 0;
        for (int done = 0; done < rowCount;) {
            const QList<EventRow> rows = again.next(std::min(batch, rowCount - done));
            const qint64 before = BenchSupport::heapBytesInUse();
            aggregator.appendRows(rows);
            heapBytes += BenchSupport::heapBytesInUse() - before;
            done += static_cast<int>(rows.size());
        }
        out.insert(QStringLiteral("aggregator_bytes_per_event"),
            BenchSupport::rounded(static_cast<double>(heapBytes) / rowCount, 1));
    }

    if (referenceRows > 0) {
        out.step(QStringLiteral("EventTableModel and QSortFilterProxyModel on the same %1 rows").arg(referenceRows));
        measureReference(model.allRows().mid(0, referenceRows), referenceQueries,
            referenceRows == model.totalCount() ? &model : nullptr, out);
    }

    {
        QTableView view;
        view.setSelectionBehavior(QAbstractItemView::SelectRows);
        view.setAlternatingRowColors(true);
        view.setWordWrap(false);
        view.verticalHeader()->hide();
        view.resize(1400, 900);
        view.setModel(&model);
        view.show();
        QApplication::processEvents();
        // A current row, as when the user has clicked one: the view keeps it through every change.
        view.selectionModel()->setCurrentIndex(
            model.index(10, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        const auto settle = [] { QApplication::processEvents(); };
        const QString prefix = QStringLiteral("view_");
        out.step(QStringLiteral("view attached: filter as typed"));
        measureTyped(model, prefix, settle, out);
        // A block of a few thousand rows selected, as before a bulk export or delete.
        const auto selectMany = [&view, &model] {
            view.selectionModel()->select(QItemSelection(model.index(100, 0), model.index(5099, 0)),
                QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        };
        measureSortsAndAppends(model, generator, prefix, settle, out, selectMany);
        out.step(QStringLiteral("view attached: filter, final queries"));
        measureFilters(model, prefix, settle, out);
        view.setModel(nullptr);
    }

    // The model alone: how much of each figure is the model's own work.
    const auto none = [] {};
    const QString prefix = QStringLiteral("model_");
    out.step(QStringLiteral("model alone: filter, final queries"));
    measureFilters(model, prefix, none, out);
    out.step(QStringLiteral("model alone: filter as typed"));
    measureTyped(model, prefix, none, out);
    measureSortsAndAppends(model, generator, prefix, none, out);
    out.print();
    return 0;
}
