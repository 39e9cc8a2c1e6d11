#include "EventTableModel.h"

#include <QAbstractItemModelTester>
#include <QBrush>
#include <QDateTime>
#include <QFont>
#include <QItemSelectionModel>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTest>
#include <memory>

namespace {
using Tester = QAbstractItemModelTester;

std::unique_ptr<Tester> attachTester(EventTableModel *model)
{
    return std::make_unique<Tester>(model, Tester::FailureReportingMode::Fatal);
}

QString pick(QRandomGenerator &rng, std::initializer_list<const char *> words)
{
    const auto index = static_cast<size_t>(rng.bounded(static_cast<int>(words.size())));
    return QString::fromUtf8(*(words.begin() + index));
}

// Few distinct values per column, so sorting has many ties and filters match a useful share.
QList<EventRow> randomRows(int count, quint32 seed, qint64 firstId = 1)
{
    QRandomGenerator rng(seed);
    QList<EventRow> rows;
    for (int i = 0; i < count; ++i) {
        EventRow row;
        row.id = firstId + i;
        row.receivedMs = 1'700'000'000'000LL + rng.bounded(50) * 1000;
        row.kind = static_cast<EventKind>(rng.bounded(EventKindCount));
        row.valid = row.kind != EventKind::Invalid;
        row.attempt = 1 + rng.bounded(3);
        row.retryOf = row.attempt > 1 ? rng.bounded(1, 100) : 0;
        row.retryGapSeconds = row.attempt > 1 ? 10 * rng.bounded(1, 6) : -1;
        row.replies = rng.bounded(-1, 4);
        row.sizeBytes = rng.bounded(0, 5000);
        row.requestId = pick(rng, { "42", "1234", "420", "7", "t-99", "T-100", "", "0042" });
        row.title = pick(rng, { "Printer on fire", "printer jam", "Login broken", "Café order", "", "Zebra" });
        row.status = pick(rng, { "OPEN", "assigned", "CLOSED", "In_Progress", "" });
        row.urgency = pick(rng, { "Low", "Medium", "High", "high", "" });
        row.sentiment = pick(rng, { "Neutral", "Negative", "" });
        row.customer = pick(rng, { "Acme", "acme", "Globex", "Éclair SA", "" });
        row.team = pick(rng, { "Support EMEA", "Support US", "" });
        row.assignee = pick(rng, { "Jane Doe", "john smith", "" });
        row.channel = pick(rng, { "acme-support", "help", "" });
        const int tagCount = rng.bounded(3);
        for (int t = 0; t < tagCount; ++t)
            row.tags << pick(rng, { "billing", "Auth", "vpn", "billing ops" });
        row.path = pick(rng, { "/hooks/thena", "/platform" });
        row.eventType = row.kind == EventKind::Platform ? pick(rng, { "ticket:created", "ticket:updated", "" })
                                                        : pick(rng, { "CREATE", "UPDATE", "" });
        // Derived times: often unknown, few distinct values so sorting has ties.
        const auto duration = [&rng] { return rng.bounded(3) == 0 ? -1 : qint64(rng.bounded(6)) * 90'000; };
        row.toFirstResponseMs = duration();
        row.toAssignmentMs = duration();
        row.toCloseMs = duration();
        row.escalated = rng.bounded(4) == 0;
        rows << row;
    }
    return rows;
}

QList<qint64> visibleIds(const EventTableModel &model)
{
    QList<qint64> ids;
    for (int row = 0; row < model.rowCount(); ++row) {
        const qint64 id = model.index(row, 0).data(EventTableModel::EventIdRole).toLongLong();
        if (id != model.rowAt(row).id)
            qFatal("EventIdRole and rowAt() disagree");
        ids << id;
    }
    return ids;
}

QList<qint64> plainLoop(const QList<EventRow> &rows, const FilterQuery &query, const QList<EventKind> &hidden)
{
    QList<qint64> ids;
    for (const EventRow &row : rows) {
        if (!hidden.contains(row.kind) && query.matches(row))
            ids << row.id;
    }
    return ids;
}

// Numbers before strings, numbers numerically, strings by code unit (they are already case-folded).
// An invalid value (a duration the payload does not give) after everything.
int compareRaw(const QVariant &a, const QVariant &b)
{
    if (!a.isValid() || !b.isValid())
        return int(!a.isValid()) - int(!b.isValid());
    const bool aText = a.typeId() == QMetaType::QString;
    const bool bText = b.typeId() == QMetaType::QString;
    if (aText != bText)
        return aText ? 1 : -1;
    if (aText)
        return a.toString().compare(b.toString());
    const qint64 x = a.toLongLong();
    const qint64 y = b.toLongLong();
    return x < y ? -1 : (y < x ? 1 : 0);
}

// Every cell and role that the model serves, for comparing two models.
QList<QVariant> snapshot(const EventTableModel &model)
{
    static const QList<int> roles { Qt::DisplayRole, Qt::ToolTipRole, Qt::ForegroundRole, Qt::BackgroundRole,
        Qt::FontRole, Qt::TextAlignmentRole, EventTableModel::RawValueRole, EventTableModel::EventIdRole,
        EventTableModel::KindRole, EventTableModel::UrgencyRole };
    QList<QVariant> values;
    for (int row = 0; row < model.rowCount(); ++row) {
        for (int column = 0; column < model.columnCount(); ++column) {
            for (int role : roles)
                values << model.index(row, column).data(role);
        }
    }
    return values;
}

// Compares two raw values in the column's order: unknown values last in both directions.
int compareInOrder(const QVariant &a, const QVariant &b, Qt::SortOrder order)
{
    if (!a.isValid() || !b.isValid())
        return int(!a.isValid()) - int(!b.isValid());
    const int c = compareRaw(a, b);
    return order == Qt::DescendingOrder ? -c : c;
}

// The visible rows are in the order sort(column, order) promises, ties in arrival order (the
// tests' rows arrive in id order unless said otherwise; arrival maps id -> arrival position).
bool isInSortOrder(
    const EventTableModel &model, int column, Qt::SortOrder order, const QHash<qint64, int> &arrival = {})
{
    const auto arrived = [&arrival](qint64 id) { return arrival.isEmpty() ? id : qint64(arrival.value(id)); };
    for (int row = 1; row < model.rowCount(); ++row) {
        const int c = compareInOrder(model.index(row - 1, column).data(EventTableModel::RawValueRole),
            model.index(row, column).data(EventTableModel::RawValueRole), order);
        if (c > 0 || (c == 0 && arrived(model.idAt(row - 1)) > arrived(model.idAt(row))))
            return false;
    }
    return true;
}

QList<qint64> sorted(QList<qint64> ids)
{
    std::sort(ids.begin(), ids.end());
    return ids;
}

EventRow basicRow(qint64 id)
{
    EventRow row;
    row.id = id;
    row.receivedMs = 1'700'000'000'000LL + id;
    row.kind = EventKind::Created;
    row.requestId = QString::number(id);
    row.title = QStringLiteral("Row %1").arg(id);
    return row;
}
} // namespace

class tst_EventTableModel : public QObject
{
    Q_OBJECT

private slots:
    void singleAndBatchedAppendsAgree_data();
    void singleAndBatchedAppendsAgree();
    void unsortedBatchIsOneInsert();
    void filterAndKindToggles();
    void hideRetries_data();
    void hideRetries();
    void filterChangeKeepsSurvivingSelection();
    void largeFilterChangeIsOneLayoutChange();
    void fewRangesAreRowSignals();
    void sortByEveryColumn_data();
    void sortByEveryColumn();
    void appendWhileSortedAndFiltered_data();
    void appendWhileSortedAndFiltered();
    void selectionSurvivesSort();
    void displayStrings_data();
    void displayStrings();
    void toolTips();
    void styleRoles();
    void rawAndCustomRoles();
    void headers();
    void visibleRowOfId();
    void clearAndCounts();
    void removeIdsKeepsFilterAndSort();
    void noChildren();
    void derivedColumns();
    void derivedColumnsSortUnknownLast_data();
    void derivedColumnsSortUnknownLast();
    void derivedColumnsFilter();
    void rowsRoundTrip();
    void sortedAppendKeepsSelection_data();
    void sortedAppendKeepsSelection();
    void idsOutOfOrder();
    void newValuesWhileSorted();
    void tagsSort_data();
    void tagsSort();
};

void tst_EventTableModel::singleAndBatchedAppendsAgree_data()
{
    QTest::addColumn<QList<EventRow>>("rows");
    QTest::addColumn<QString>("filter");
    QTest::addColumn<int>("sortColumn");
    QTest::addColumn<Qt::SortOrder>("order");

    QTest::newRow("empty") << QList<EventRow> {} << QString() << -1 << Qt::AscendingOrder;
    QTest::newRow("one") << randomRows(1, 1) << QString() << -1 << Qt::AscendingOrder;
    QTest::newRow("three") << randomRows(3, 2) << QString() << -1 << Qt::AscendingOrder;
    QTest::newRow("80 unsorted") << randomRows(80, 3) << QString() << -1 << Qt::AscendingOrder;
    QTest::newRow("80 filtered") << randomRows(80, 4) << QStringLiteral("-kind:inv printer") << -1
                                 << Qt::AscendingOrder;
    QTest::newRow("80 sorted by title") << randomRows(80, 5) << QString()
                                        << static_cast<int>(EventTableModel::TitleColumn) << Qt::AscendingOrder;
    QTest::newRow("80 sorted by size, descending, filtered")
        << randomRows(80, 6) << QStringLiteral("-status:closed") << static_cast<int>(EventTableModel::SizeColumn)
        << Qt::DescendingOrder;
    QTest::newRow("80 sorted by request")
        << randomRows(80, 7) << QString() << static_cast<int>(EventTableModel::RequestIdColumn) << Qt::AscendingOrder;
}

void tst_EventTableModel::singleAndBatchedAppendsAgree()
{
    QFETCH(QList<EventRow>, rows);
    QFETCH(QString, filter);
    QFETCH(int, sortColumn);
    QFETCH(Qt::SortOrder, order);

    EventTableModel single;
    EventTableModel batched;
    const auto singleTester = attachTester(&single);
    const auto batchedTester = attachTester(&batched);
    for (EventTableModel *model : { &single, &batched }) {
        model->setFilter(FilterQuery::parse(filter));
        model->sort(sortColumn, order);
    }

    for (const EventRow &row : std::as_const(rows))
        single.appendRows({ row });
    batched.appendRows(rows);

    QCOMPARE(single.totalCount(), rows.size());
    QCOMPARE(batched.totalCount(), rows.size());
    QCOMPARE(single.rowCount(), batched.rowCount());
    QCOMPARE(visibleIds(single), visibleIds(batched));
    QCOMPARE(snapshot(single), snapshot(batched));
    QCOMPARE(sorted(visibleIds(batched)), plainLoop(rows, FilterQuery::parse(filter), {}));
}

void tst_EventTableModel::unsortedBatchIsOneInsert()
{
    EventTableModel model;
    const auto tester = attachTester(&model);
    model.appendRows(randomRows(5, 10));
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy counts(&model, &EventTableModel::countsChanged);

    model.appendRows(randomRows(7, 11, 100));
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), 5);
    QCOMPARE(inserted.at(0).at(2).toInt(), 11);
    QCOMPARE(counts.size(), 1);
    QCOMPARE(counts.at(0).at(0).toInt(), 12);
    QCOMPARE(counts.at(0).at(1).toInt(), 12);

    // Only the rows that pass the filter go in, still as one range at the end.
    model.setFilter(FilterQuery::parse(QStringLiteral("kind:created")));
    const int before = model.rowCount();
    QList<EventRow> batch;
    for (int i = 0; i < 6; ++i) {
        EventRow row = basicRow(200 + i);
        row.kind = i % 2 ? EventKind::Created : EventKind::Updated;
        batch << row;
    }
    inserted.clear();
    model.appendRows(batch);
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), before);
    QCOMPARE(inserted.at(0).at(2).toInt(), before + 2);
    QCOMPARE(model.totalCount(), 18);

    // A batch the filter rejects entirely inserts nothing but still changes the total.
    inserted.clear();
    counts.clear();
    model.appendRows({ [] {
        EventRow row = basicRow(300);
        row.kind = EventKind::Updated;
        return row;
    }() });
    QCOMPARE(inserted.size(), 0);
    QCOMPARE(counts.size(), 1);
    QCOMPARE(model.totalCount(), 19);
}

void tst_EventTableModel::filterAndKindToggles()
{
    const QList<EventRow> rows = randomRows(400, 20);
    EventTableModel model;
    const auto tester = attachTester(&model);
    model.appendRows(rows);

    struct Step
    {
        const char *filter;
        QList<EventKind> hidden;
        int sortColumn;
    };
    const QList<Step> steps {
        { "printer", {}, -1 },
        { "printer -kind:esc", {}, -1 },
        { "printer -kind:esc", { EventKind::Invalid }, -1 },
        { "", { EventKind::Invalid }, -1 },
        { "", { EventKind::Invalid, EventKind::Created, EventKind::Platform }, -1 },
        { "status:open", { EventKind::Created }, EventTableModel::TitleColumn },
        { "acme", { EventKind::Created }, EventTableModel::TitleColumn },
        { "acme urgency:high", {}, EventTableModel::SizeColumn },
        { "tag:bill", {}, EventTableModel::CustomerColumn },
        { "-tag:bill", { EventKind::Unknown }, EventTableModel::ReceivedColumn },
        { "\"printer on\"", {}, -1 },
        { "request:42", {}, EventTableModel::RequestIdColumn },
        { "", {}, -1 },
    };
    for (const Step &step : steps) {
        const FilterQuery query = FilterQuery::parse(QString::fromUtf8(step.filter));
        model.setFilter(query);
        for (int k = 0; k < EventKindCount; ++k) {
            const auto kind = static_cast<EventKind>(k);
            model.setKindVisible(kind, !step.hidden.contains(kind));
            QCOMPARE(model.isKindVisible(kind), !step.hidden.contains(kind));
        }
        model.sort(step.sortColumn, Qt::AscendingOrder);
        const QList<qint64> expected = plainLoop(rows, query, step.hidden);
        QVERIFY(!expected.isEmpty());
        if (step.sortColumn < 0)
            QCOMPARE(visibleIds(model), expected);
        else
            QCOMPARE(sorted(visibleIds(model)), expected);
        if (step.sortColumn >= 0)
            QVERIFY(isInSortOrder(model, step.sortColumn, Qt::AscendingOrder));
        QCOMPARE(model.totalCount(), rows.size());
    }
}

void tst_EventTableModel::hideRetries_data()
{
    QTest::addColumn<QString>("filter");
    QTest::addColumn<int>("sortColumn");
    QTest::newRow("unfiltered") << QString() << -1;
    QTest::newRow("filtered") << QStringLiteral("printer") << -1;
    QTest::newRow("sorted by attempt") << QString() << int(EventTableModel::AttemptColumn);
    QTest::newRow("filtered and sorted") << QStringLiteral("acme") << int(EventTableModel::TitleColumn);
}

void tst_EventTableModel::hideRetries()
{
    QFETCH(QString, filter);
    QFETCH(int, sortColumn);
    const QList<EventRow> rows = randomRows(300, 41);
    EventTableModel model;
    const auto tester = attachTester(&model);
    QSignalSpy counts(&model, &EventTableModel::countsChanged);
    model.appendRows(rows.mid(0, 200));
    const FilterQuery query = FilterQuery::parse(filter);
    model.setFilter(query);
    model.sort(sortColumn, Qt::AscendingOrder);
    QVERIFY(!model.retriesHidden());

    auto expected = [&](bool hideRetries, qsizetype upTo) {
        QList<qint64> ids;
        for (const EventRow &row : rows.mid(0, upTo)) {
            if (query.matches(row) && !(hideRetries && row.attempt > 1))
                ids << row.id;
        }
        return ids;
    };
    auto check = [&](bool hideRetries, qsizetype upTo) {
        const QList<qint64> ids = expected(hideRetries, upTo);
        QCOMPARE(sortColumn < 0 ? visibleIds(model) : sorted(visibleIds(model)), ids);
        if (sortColumn >= 0)
            QVERIFY(isInSortOrder(model, sortColumn, Qt::AscendingOrder));
    };

    check(false, 200);
    counts.clear();
    model.setRetriesHidden(true);
    QVERIFY(model.retriesHidden());
    check(true, 200);
    QCOMPARE(counts.size(), 1);
    QCOMPARE(counts.first().at(0).toInt(), model.rowCount());
    QCOMPARE(model.totalCount(), 200); // hidden, not removed
    QCOMPARE(model.allRows().size(), 200);
    for (int row = 0; row < model.rowCount(); ++row)
        QCOMPARE(model.rowAt(row).attempt, 1);

    // Setting it again changes nothing and says nothing.
    counts.clear();
    model.setRetriesHidden(true);
    QCOMPARE(counts.size(), 0);

    // New retries arriving while hidden stay hidden; first deliveries appear.
    model.appendRows(rows.mid(200));
    check(true, 300);
    for (const EventRow &row : rows.mid(200)) {
        if (row.attempt > 1)
            QCOMPARE(model.visibleRowOfId(row.id), -1);
    }

    model.setRetriesHidden(false);
    check(false, 300);
}

void tst_EventTableModel::filterChangeKeepsSurvivingSelection()
{
    const QList<EventRow> rows = randomRows(120, 30);
    EventTableModel model;
    const auto tester = attachTester(&model);
    model.appendRows(rows);
    model.sort(EventTableModel::CustomerColumn, Qt::DescendingOrder);

    // Pick a row that the filter below keeps and one that it drops.
    const FilterQuery query = FilterQuery::parse(QStringLiteral("printer"));
    int keptRow = -1;
    int droppedRow = -1;
    for (int row = 0; row < model.rowCount(); ++row) {
        const bool keeps = query.matches(model.rowAt(row));
        if (keeps && keptRow < 0)
            keptRow = row;
        if (!keeps && droppedRow < 0)
            droppedRow = row;
    }
    QVERIFY(keptRow >= 0 && droppedRow >= 0);
    const qint64 keptId = model.rowAt(keptRow).id;
    const QPersistentModelIndex kept = model.index(keptRow, EventTableModel::TitleColumn);
    const QPersistentModelIndex dropped = model.index(droppedRow, EventTableModel::TitleColumn);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);

    model.setFilter(query);
    QCOMPARE(reset.size(), 0);
    QVERIFY(kept.isValid());
    QCOMPARE(kept.data(EventTableModel::EventIdRole).toLongLong(), keptId);
    QCOMPARE(kept.column(), static_cast<int>(EventTableModel::TitleColumn));
    QVERIFY(!dropped.isValid());
    QVERIFY(isInSortOrder(model, EventTableModel::CustomerColumn, Qt::DescendingOrder));

    // And back: the rows return in sorted order, the selection still on the same event.
    model.setFilter(FilterQuery());
    QCOMPARE(reset.size(), 0);
    QCOMPARE(model.rowCount(), rows.size());
    QCOMPARE(kept.data(EventTableModel::EventIdRole).toLongLong(), keptId);
    QVERIFY(isInSortOrder(model, EventTableModel::CustomerColumn, Qt::DescendingOrder));

    // A query with the same terms changes nothing.
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    model.setFilter(FilterQuery::parse(QStringLiteral("  ")));
    model.setFilter(FilterQuery::parse(QStringLiteral("colour:red")));
    QCOMPARE(removed.size(), 0);
    QCOMPARE(model.filter().text(), QStringLiteral("colour:red"));
}

void tst_EventTableModel::largeFilterChangeIsOneLayoutChange()
{
    // Alternating kinds make hundreds of separate ranges: one layout change, never a reset, and
    // persistent indexes (a view's selection) follow their rows or become invalid.
    QList<EventRow> rows;
    for (int i = 0; i < 2000; ++i) {
        EventRow row = basicRow(i + 1);
        row.kind = i % 2 ? EventKind::Created : EventKind::Updated;
        rows << row;
    }
    EventTableModel model;
    const auto tester = attachTester(&model);
    model.appendRows(rows);
    const QPersistentModelIndex created = model.index(1001, EventTableModel::TitleColumn); // id 1002
    const QPersistentModelIndex updated = model.index(1000, EventTableModel::TitleColumn); // id 1001
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy layout(&model, &QAbstractItemModel::layoutChanged);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    model.setKindVisible(EventKind::Updated, false);
    QCOMPARE(reset.size(), 0);
    QCOMPARE(layout.size(), 1);
    QCOMPARE(removed.size(), 0);
    QCOMPARE(model.rowCount(), 1000);
    QCOMPARE(visibleIds(model), plainLoop(rows, FilterQuery(), { EventKind::Updated }));
    QVERIFY(created.isValid());
    QCOMPARE(created.row(), 500);
    QCOMPARE(created.column(), int(EventTableModel::TitleColumn));
    QCOMPARE(created.data(EventTableModel::EventIdRole).toLongLong(), 1002);
    QVERIFY(!updated.isValid());

    model.setKindVisible(EventKind::Updated, true);
    QCOMPARE(layout.size(), 2);
    QCOMPARE(model.rowCount(), 2000);
    QCOMPARE(created.row(), 1001);
    QCOMPARE(reset.size(), 0);
}

void tst_EventTableModel::fewRangesAreRowSignals()
{
    // A filter edit that moves a handful of ranges is announced range by range.
    QList<EventRow> rows;
    for (int i = 0; i < 60; ++i) {
        EventRow row = basicRow(i + 1);
        row.status = i >= 10 && i < 20 ? QStringLiteral("CLOSED") : QStringLiteral("OPEN");
        rows << row;
    }
    EventTableModel model;
    const auto tester = attachTester(&model);
    model.appendRows(rows);
    QSignalSpy layout(&model, &QAbstractItemModel::layoutChanged);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    model.setFilter(FilterQuery::parse(QStringLiteral("-status:closed")));
    QCOMPARE(layout.size(), 0);
    QCOMPARE(removed.size(), 1);
    QCOMPARE(removed.at(0).at(1).toInt(), 10);
    QCOMPARE(removed.at(0).at(2).toInt(), 19);
    model.setFilter(FilterQuery());
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), 10);
    QCOMPARE(inserted.at(0).at(2).toInt(), 19);
    QCOMPARE(layout.size(), 0);
}

void tst_EventTableModel::sortByEveryColumn_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<Qt::SortOrder>("order");
    for (int column = 0; column < EventTableModel::ColumnCount; ++column) {
        const QString name = EventTableModel::columnName(static_cast<EventTableModel::Column>(column));
        QTest::addRow("%s asc", qPrintable(name)) << column << Qt::AscendingOrder;
        QTest::addRow("%s desc", qPrintable(name)) << column << Qt::DescendingOrder;
    }
}

void tst_EventTableModel::sortByEveryColumn()
{
    QFETCH(int, column);
    QFETCH(Qt::SortOrder, order);

    const QList<EventRow> rows = randomRows(300, 40);
    EventTableModel model;
    const auto tester = attachTester(&model);
    model.appendRows(rows);

    // Reference: std::stable_sort of the arrival order on the raw values.
    struct Item
    {
        qint64 id;
        QVariant raw;
    };
    std::vector<Item> items;
    for (int row = 0; row < model.rowCount(); ++row)
        items.push_back({ model.rowAt(row).id, model.index(row, column).data(EventTableModel::RawValueRole) });
    std::stable_sort(items.begin(), items.end(),
        [order](const Item &a, const Item &b) { return compareInOrder(a.raw, b.raw, order) < 0; });
    QList<qint64> expected;
    for (const Item &item : items)
        expected << item.id;

    model.sort(column, order);
    QCOMPARE(model.sortColumn(), column);
    QCOMPARE(model.sortOrder(), order);
    QCOMPARE(visibleIds(model), expected);

    model.sort(-1, Qt::AscendingOrder);
    QCOMPARE(visibleIds(model), plainLoop(rows, FilterQuery(), {}));
}

void tst_EventTableModel::appendWhileSortedAndFiltered_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<Qt::SortOrder>("order");
    QTest::addColumn<QString>("filter");
    QTest::addColumn<int>("batchSize");
    QTest::addColumn<int>("total");
    QTest::addColumn<bool>("expectLayoutChange");

    QTest::newRow("title asc, small batches") << static_cast<int>(EventTableModel::TitleColumn) << Qt::AscendingOrder
                                              << QStringLiteral("-kind:invalid") << 7 << 350 << false;
    QTest::newRow("received desc, one-row batches")
        << static_cast<int>(EventTableModel::ReceivedColumn) << Qt::DescendingOrder << QStringLiteral("printer") << 1
        << 150 << false;
    QTest::newRow("request asc, large batches")
        << static_cast<int>(EventTableModel::RequestIdColumn) << Qt::AscendingOrder << QStringLiteral("-status:closed")
        << 150 << 1200 << false;
    // Sizes are nearly unique, so a second batch of 700 lands in hundreds of places.
    QTest::newRow("size desc, batches in hundreds of places")
        << static_cast<int>(EventTableModel::SizeColumn) << Qt::DescendingOrder << QString() << 700 << 1400 << true;
}

void tst_EventTableModel::appendWhileSortedAndFiltered()
{
    QFETCH(int, column);
    QFETCH(Qt::SortOrder, order);
    QFETCH(QString, filter);
    QFETCH(int, batchSize);
    QFETCH(int, total);
    QFETCH(bool, expectLayoutChange);

    const FilterQuery query = FilterQuery::parse(filter);
    EventTableModel model;
    const auto tester = attachTester(&model);
    model.setFilter(query);
    model.sort(column, order);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy layout(&model, &QAbstractItemModel::layoutChanged);

    QList<EventRow> all;
    quint32 seed = 50;
    while (all.size() < total) {
        const QList<EventRow> batch = randomRows(batchSize, seed++, all.size() + 1);
        all += batch;
        model.appendRows(batch);
        QVERIFY(isInSortOrder(model, column, order));
        QCOMPARE(sorted(visibleIds(model)), plainLoop(all, query, {}));
        QCOMPARE(model.totalCount(), all.size());
    }
    QCOMPARE(reset.size(), 0);
    QCOMPARE(!layout.isEmpty(), expectLayoutChange);
}

void tst_EventTableModel::selectionSurvivesSort()
{
    const QList<EventRow> rows = randomRows(150, 60);
    EventTableModel model;
    const auto tester = attachTester(&model);
    model.appendRows(rows);

    const int selectedRow = 37;
    const qint64 selectedId = model.rowAt(selectedRow).id;
    const QPersistentModelIndex selected = model.index(selectedRow, EventTableModel::StatusColumn);
    const QPersistentModelIndex first = model.index(0, 0);
    const qint64 firstId = model.rowAt(0).id;
    QSignalSpy layoutChanged(&model, &QAbstractItemModel::layoutChanged);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);

    for (int column = 0; column < EventTableModel::ColumnCount; ++column) {
        for (const Qt::SortOrder order : { Qt::AscendingOrder, Qt::DescendingOrder }) {
            model.sort(column, order);
            QVERIFY(selected.isValid());
            QCOMPARE(selected.column(), static_cast<int>(EventTableModel::StatusColumn));
            QCOMPARE(selected.data(EventTableModel::EventIdRole).toLongLong(), selectedId);
            QCOMPARE(model.rowAt(selected.row()).id, selectedId);
            QCOMPARE(model.visibleRowOfId(selectedId), selected.row());
            QCOMPARE(first.data(EventTableModel::EventIdRole).toLongLong(), firstId);
        }
    }
    model.sort(-1, Qt::AscendingOrder);
    QCOMPARE(selected.row(), selectedRow);
    QCOMPARE(reset.size(), 0);
    QCOMPARE(layoutChanged.size(), 2 * EventTableModel::ColumnCount + 1);

    // Sorting again the same way is a no-op.
    model.sort(-1, Qt::DescendingOrder);
    QCOMPARE(layoutChanged.size(), 2 * EventTableModel::ColumnCount + 1);
}

void tst_EventTableModel::displayStrings_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<EventRow>("row");
    QTest::addColumn<QString>("expected");

    const auto withSize = [](int bytes) {
        EventRow row = basicRow(1);
        row.sizeBytes = bytes;
        return row;
    };
    const int size = EventTableModel::SizeColumn;
    QTest::newRow("size 0") << size << withSize(0) << QStringLiteral("0 B");
    QTest::newRow("size 812") << size << withSize(812) << QStringLiteral("812 B");
    QTest::newRow("size 1023") << size << withSize(1023) << QStringLiteral("1023 B");
    QTest::newRow("size 1024") << size << withSize(1024) << QStringLiteral("1.0 KB");
    QTest::newRow("size 3584") << size << withSize(3584) << QStringLiteral("3.5 KB");
    QTest::newRow("size 1.5 MB") << size << withSize(1572864) << QStringLiteral("1.5 MB");

    const auto withAttempt = [](int attempt, int gap) {
        EventRow row = basicRow(1);
        row.attempt = attempt;
        row.retryGapSeconds = gap;
        row.retryOf = attempt > 1 ? 7 : 0;
        return row;
    };
    const int attempt = EventTableModel::AttemptColumn;
    QTest::newRow("first attempt") << attempt << withAttempt(1, -1) << QStringLiteral("1");
    QTest::newRow("retry") << attempt << withAttempt(3, 30) << QStringLiteral("3 (+30 s)");
    QTest::newRow("retry, gap unknown") << attempt << withAttempt(2, -1) << QStringLiteral("2");

    EventRow received = basicRow(1);
    received.receivedMs = QDateTime(QDate(2024, 3, 9), QTime(7, 5, 2, 345), Qt::LocalTime).toMSecsSinceEpoch();
    QTest::newRow("received, local time")
        << static_cast<int>(EventTableModel::ReceivedColumn) << received << QStringLiteral("2024-03-09 07:05:02");

    const auto withReplies = [](int replies) {
        EventRow row = basicRow(1);
        row.replies = replies;
        return row;
    };
    QTest::newRow("no reply count") << static_cast<int>(EventTableModel::RepliesColumn) << withReplies(-1) << QString();
    QTest::newRow("replies") << static_cast<int>(EventTableModel::RepliesColumn) << withReplies(5)
                             << QStringLiteral("5");

    const auto withKind = [](EventKind kind, const char *eventType) {
        EventRow row = basicRow(1);
        row.kind = kind;
        row.eventType = QString::fromLatin1(eventType);
        return row;
    };
    const int kind = EventTableModel::KindColumn;
    QTest::newRow("kind") << kind << withKind(EventKind::Escalated, "") << QStringLiteral("Escalated");
    QTest::newRow("kind, action not shown")
        << kind << withKind(EventKind::Created, "CREATE") << QStringLiteral("Created");
    QTest::newRow("kind, platform type") << kind << withKind(EventKind::Platform, "ticket:created")
                                         << QStringLiteral("ticket:created");
    QTest::newRow("kind, platform without type")
        << kind << withKind(EventKind::Platform, "") << QStringLiteral("Platform");

    EventRow tagged = basicRow(1);
    tagged.tags = QStringList { QStringLiteral("billing"), QStringLiteral("VPN") };
    QTest::newRow("tags") << static_cast<int>(EventTableModel::TagsColumn) << tagged << QStringLiteral("billing, VPN");
    QTest::newRow("request") << static_cast<int>(EventTableModel::RequestIdColumn) << basicRow(42)
                             << QStringLiteral("42");
    QTest::newRow("title") << static_cast<int>(EventTableModel::TitleColumn) << basicRow(3) << QStringLiteral("Row 3");
}

void tst_EventTableModel::displayStrings()
{
    QFETCH(int, column);
    QFETCH(EventRow, row);
    QFETCH(QString, expected);

    EventTableModel model;
    const auto tester = attachTester(&model);
    model.appendRows({ row });
    QCOMPARE(model.index(0, column).data().toString(), expected);
}

void tst_EventTableModel::toolTips()
{
    EventRow row = basicRow(9);
    row.receivedMs = QDateTime(QDate(2024, 3, 9), QTime(7, 5, 2, 345), Qt::LocalTime).toMSecsSinceEpoch();
    row.title = QStringLiteral("A long title that the column will elide");
    row.attempt = 3;
    row.retryOf = 7;
    row.retryGapSeconds = 30;
    EventTableModel model;
    const auto tester = attachTester(&model);
    model.appendRows({ row, basicRow(10) });

    QCOMPARE(model.index(0, EventTableModel::ReceivedColumn).data(Qt::ToolTipRole).toString(),
        QStringLiteral("2024-03-09 07:05:02.345"));
    QCOMPARE(model.index(0, EventTableModel::TitleColumn).data(Qt::ToolTipRole).toString(), row.title);
    const QString attemptTip = model.index(0, EventTableModel::AttemptColumn).data(Qt::ToolTipRole).toString();
    QVERIFY2(attemptTip.contains(QStringLiteral("retry of #7")), qPrintable(attemptTip));
    QVERIFY2(attemptTip.contains(QStringLiteral("30 s")), qPrintable(attemptTip));
    QVERIFY(!model.index(1, EventTableModel::AttemptColumn)
                 .data(Qt::ToolTipRole)
                 .toString()
                 .contains(QStringLiteral("retry of")));
}

void tst_EventTableModel::styleRoles()
{
    EventRow escalated = basicRow(1);
    escalated.kind = EventKind::Escalated;
    EventRow invalid = basicRow(2);
    invalid.kind = EventKind::Invalid;
    invalid.valid = false;
    EventRow urgent = basicRow(3);
    urgent.urgency = QStringLiteral("High");
    const EventRow plain = basicRow(4);

    EventTableModel model;
    const auto tester = attachTester(&model);
    model.appendRows({ escalated, invalid, urgent, plain });

    const auto background
        = [&model](int row) { return model.index(row, EventTableModel::TitleColumn).data(Qt::BackgroundRole); };
    QCOMPARE(qvariant_cast<QBrush>(background(0)).color(), QColor(255, 235, 235));
    QVERIFY(!background(1).isValid());
    QVERIFY(!background(3).isValid());

    const QVariant invalidFont = model.index(1, EventTableModel::TitleColumn).data(Qt::FontRole);
    QVERIFY(qvariant_cast<QFont>(invalidFont).italic());
    const QColor grey = qvariant_cast<QBrush>(model.index(1, 0).data(Qt::ForegroundRole)).color();
    QCOMPARE(grey.red(), grey.blue());
    QVERIFY(grey.red() > 64 && grey.red() < 192);

    const QColor strong
        = qvariant_cast<QBrush>(model.index(2, EventTableModel::UrgencyColumn).data(Qt::ForegroundRole)).color();
    QVERIFY(strong.red() > 150 && strong.green() < 60 && strong.blue() < 60);
    QVERIFY(!model.index(2, EventTableModel::TitleColumn).data(Qt::ForegroundRole).isValid());

    for (int column = 0; column < EventTableModel::ColumnCount; ++column) {
        QVERIFY(!model.index(3, column).data(Qt::ForegroundRole).isValid());
        QVERIFY(!model.index(3, column).data(Qt::BackgroundRole).isValid());
        QVERIFY(!model.index(3, column).data(Qt::FontRole).isValid());
    }
}

void tst_EventTableModel::rawAndCustomRoles()
{
    EventRow row = basicRow(77);
    row.kind = EventKind::Escalated;
    row.urgency = QStringLiteral("High");
    row.title = QStringLiteral("MiXeD Case");
    row.replies = 4;
    row.sizeBytes = 3584;
    row.requestId = QStringLiteral("0042");
    EventRow named = basicRow(78);
    named.requestId = QStringLiteral("T-9");

    EventTableModel model;
    const auto tester = attachTester(&model);
    model.appendRows({ row, named });

    const auto raw = [&model](int r, int column) { return model.index(r, column).data(EventTableModel::RawValueRole); };
    QCOMPARE(raw(0, EventTableModel::ReceivedColumn), QVariant(row.receivedMs));
    QCOMPARE(raw(0, EventTableModel::TitleColumn), QVariant(QStringLiteral("mixed case")));
    QCOMPARE(raw(0, EventTableModel::RepliesColumn), QVariant(4));
    QCOMPARE(raw(0, EventTableModel::SizeColumn), QVariant(3584));
    QCOMPARE(raw(0, EventTableModel::RequestIdColumn), QVariant(qint64(42)));
    QCOMPARE(raw(1, EventTableModel::RequestIdColumn), QVariant(QStringLiteral("t-9")));
    QCOMPARE(raw(0, EventTableModel::KindColumn), QVariant(QStringLiteral("escalated")));

    QCOMPARE(model.index(0, 5).data(EventTableModel::EventIdRole), QVariant(qint64(77)));
    QCOMPARE(model.index(0, 0).data(EventTableModel::KindRole).toInt(), static_cast<int>(EventKind::Escalated));
    QCOMPARE(model.index(0, 0).data(EventTableModel::UrgencyRole).toString(), QStringLiteral("high"));
    QVERIFY(!model.index(0, 0).data(Qt::DecorationRole).isValid());
    QVERIFY(!model.index(0, 0).data(Qt::UserRole + 100).isValid());
}

void tst_EventTableModel::headers()
{
    EventTableModel model;
    const auto tester = attachTester(&model);
    QStringList titles;
    QStringList names;
    for (int column = 0; column < EventTableModel::ColumnCount; ++column) {
        titles << model.headerData(column, Qt::Horizontal).toString();
        names << EventTableModel::columnName(static_cast<EventTableModel::Column>(column));
    }
    QCOMPARE(titles,
        QStringList({ QStringLiteral("Received"), QStringLiteral("Kind"), QStringLiteral("Request"),
            QStringLiteral("Title"), QStringLiteral("Status"), QStringLiteral("Urgency"), QStringLiteral("Sentiment"),
            QStringLiteral("Customer"), QStringLiteral("Team"), QStringLiteral("Assignee"), QStringLiteral("Channel"),
            QStringLiteral("Tags"), QStringLiteral("Replies"), QStringLiteral("Attempt"), QStringLiteral("Size"),
            QStringLiteral("First response"), QStringLiteral("Assigned after"), QStringLiteral("Time to close"),
            QStringLiteral("Escalated") }));
    QCOMPARE(names,
        QStringList({ QStringLiteral("received"), QStringLiteral("kind"), QStringLiteral("request_id"),
            QStringLiteral("title"), QStringLiteral("status"), QStringLiteral("urgency"), QStringLiteral("sentiment"),
            QStringLiteral("customer"), QStringLiteral("team"), QStringLiteral("assignee"), QStringLiteral("channel"),
            QStringLiteral("tags"), QStringLiteral("replies"), QStringLiteral("attempt"), QStringLiteral("size"),
            QStringLiteral("first_response_ms"), QStringLiteral("assignment_ms"), QStringLiteral("close_ms"),
            QStringLiteral("escalated") }));
    QVERIFY(!model.headerData(EventTableModel::ColumnCount, Qt::Horizontal).isValid());
    // The derived columns explain themselves; the others need no tooltip.
    QVERIFY(model.headerData(EventTableModel::FirstResponseColumn, Qt::Horizontal, Qt::ToolTipRole).isValid());
    QVERIFY(model.headerData(EventTableModel::EscalatedColumn, Qt::Horizontal, Qt::ToolTipRole).isValid());
    QVERIFY(!model.headerData(EventTableModel::TitleColumn, Qt::Horizontal, Qt::ToolTipRole).isValid());
    QVERIFY(!model.headerData(0, Qt::Horizontal, Qt::DecorationRole).isValid());
}

void tst_EventTableModel::visibleRowOfId()
{
    QList<EventRow> rows;
    for (int i = 1; i <= 6; ++i) {
        EventRow row = basicRow(i * 10);
        row.kind = i % 2 ? EventKind::Created : EventKind::Updated;
        row.sizeBytes = 100 - i;
        rows << row;
    }
    EventTableModel model;
    const auto tester = attachTester(&model);
    QCOMPARE(model.visibleRowOfId(10), -1);
    model.appendRows(rows);
    QCOMPARE(model.visibleRowOfId(10), 0);
    QCOMPARE(model.visibleRowOfId(60), 5);
    QCOMPARE(model.visibleRowOfId(11), -1);

    model.sort(EventTableModel::SizeColumn, Qt::AscendingOrder);
    QCOMPARE(model.visibleRowOfId(60), 0);
    QCOMPARE(model.visibleRowOfId(10), 5);

    model.setKindVisible(EventKind::Updated, false);
    QCOMPARE(model.visibleRowOfId(20), -1);
    QCOMPARE(model.visibleRowOfId(50), 0);
    QCOMPARE(model.visibleRowOfId(10), 2);

    // A sorted append moves the rows after it.
    EventRow smallest = basicRow(70);
    smallest.sizeBytes = 1;
    model.appendRows({ smallest });
    QCOMPARE(model.visibleRowOfId(70), 0);
    QCOMPARE(model.visibleRowOfId(50), 1);
    for (int row = 0; row < model.rowCount(); ++row)
        QCOMPARE(model.visibleRowOfId(model.rowAt(row).id), row);
}

void tst_EventTableModel::clearAndCounts()
{
    EventTableModel model;
    const auto tester = attachTester(&model);
    QSignalSpy counts(&model, &EventTableModel::countsChanged);
    model.appendRows(randomRows(30, 70));
    model.setFilter(FilterQuery::parse(QStringLiteral("printer")));
    QCOMPARE(counts.size(), 2);
    QCOMPARE(counts.last().at(0).toInt(), model.rowCount());
    QCOMPARE(counts.last().at(1).toInt(), 30);
    QVERIFY(model.rowCount() < 30);

    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.clear();
    QCOMPARE(reset.size(), 1);
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(model.totalCount(), 0);
    QCOMPARE(model.visibleRowOfId(1), -1);
    QCOMPARE(counts.last().at(1).toInt(), 0);

    // The filter and sort stay in force for what comes next.
    model.appendRows(randomRows(30, 70, 1000));
    QCOMPARE(visibleIds(model), plainLoop(randomRows(30, 70, 1000), model.filter(), {}));
}

void tst_EventTableModel::removeIdsKeepsFilterAndSort()
{
    EventTableModel model;
    const auto tester = attachTester(&model);
    const QList<EventRow> rows = randomRows(60, 71);
    model.appendRows(rows);
    model.setFilter(FilterQuery::parse(QStringLiteral("-kind:updated")));
    model.sort(EventTableModel::TitleColumn, Qt::DescendingOrder);

    QSet<qint64> doomed;
    QList<EventRow> kept;
    for (const EventRow &row : rows) {
        if (row.id % 3 == 0)
            doomed.insert(row.id);
        else
            kept.append(row);
    }
    doomed.insert(99999); // unknown ids are ignored
    model.removeIds(doomed);
    QCOMPARE(model.totalCount(), int(kept.size()));
    QCOMPARE(sorted(visibleIds(model)), plainLoop(kept, model.filter(), {}));
    for (int row = 1; row < model.rowCount(); ++row) {
        const QString previous
            = model.index(row - 1, EventTableModel::TitleColumn).data(EventTableModel::RawValueRole).toString();
        const QString current
            = model.index(row, EventTableModel::TitleColumn).data(EventTableModel::RawValueRole).toString();
        QVERIFY(previous >= current);
    }
    for (qint64 id : doomed)
        QCOMPARE(model.visibleRowOfId(id), -1);
    // Appends after a removal land where they belong.
    model.appendRows(randomRows(10, 72, 500));
    QCOMPARE(model.totalCount(), int(kept.size()) + 10);
}

void tst_EventTableModel::noChildren()
{
    EventTableModel model;
    const auto tester = attachTester(&model);
    model.appendRows(randomRows(3, 80));
    const QModelIndex parent = model.index(0, 0);
    QCOMPARE(model.rowCount(parent), 0);
    QCOMPARE(model.columnCount(parent), 0);
    QCOMPARE(model.columnCount(), static_cast<int>(EventTableModel::ColumnCount));
    QVERIFY(model.flags(parent).testFlag(Qt::ItemNeverHasChildren));
}

void tst_EventTableModel::derivedColumns()
{
    EventRow known = basicRow(1);
    known.toFirstResponseMs = 12 * 60 * 1000;
    known.toAssignmentMs = 45 * 1000;
    known.toCloseMs = (2 * 60 + 5) * 60 * 1000;
    known.escalated = true;
    const EventRow unknown = basicRow(2);
    EventTableModel model;
    const auto tester = attachTester(&model);
    model.appendRows({ known, unknown });

    const auto cell
        = [&model](int row, int column, int role = Qt::DisplayRole) { return model.index(row, column).data(role); };
    QCOMPARE(cell(0, EventTableModel::FirstResponseColumn).toString(), QStringLiteral("12 min"));
    QCOMPARE(cell(0, EventTableModel::AssignmentColumn).toString(), QStringLiteral("45 s"));
    QCOMPARE(cell(0, EventTableModel::CloseColumn).toString(), QStringLiteral("2 h 5 min"));
    QCOMPARE(cell(0, EventTableModel::EscalatedColumn).toString(), QStringLiteral("Yes"));
    for (int column : { EventTableModel::FirstResponseColumn, EventTableModel::AssignmentColumn,
             EventTableModel::CloseColumn, EventTableModel::EscalatedColumn }) {
        QCOMPARE(cell(1, column).toString(), QString());
        QVERIFY(!cell(1, column, Qt::ToolTipRole).isValid());
        QVERIFY(cell(0, column, Qt::ToolTipRole).toString().size() > 5);
    }
    QCOMPARE(cell(0, EventTableModel::CloseColumn, Qt::ToolTipRole).toString(),
        QStringLiteral("Closed 2 h 5 min after the request was created"));
    QCOMPARE(cell(0, EventTableModel::FirstResponseColumn, EventTableModel::RawValueRole), QVariant(qint64(720000)));
    QVERIFY(!cell(1, EventTableModel::FirstResponseColumn, EventTableModel::RawValueRole).isValid());
    QCOMPARE(cell(0, EventTableModel::EscalatedColumn, EventTableModel::RawValueRole), QVariant(true));
    QCOMPARE(cell(1, EventTableModel::EscalatedColumn, EventTableModel::RawValueRole), QVariant(false));
    QCOMPARE(
        cell(0, EventTableModel::CloseColumn, Qt::TextAlignmentRole).toInt(), int(Qt::AlignRight | Qt::AlignVCenter));
    // The helpers the exporter can share.
    QCOMPARE(EventTableModel::formatDuration(-1), QString());
    QCOMPARE(EventTableModel::formatDuration(30'000), QStringLiteral("30 s"));
    QCOMPARE(EventTableModel::formatEscalated(true), QStringLiteral("Yes"));
    QCOMPARE(EventTableModel::formatEscalated(false), QString());
}

void tst_EventTableModel::derivedColumnsSortUnknownLast_data()
{
    QTest::addColumn<Qt::SortOrder>("order");
    QTest::addColumn<QList<qint64>>("expected");
    // ids 1..5 with times 3 min, unknown, 1 min, unknown, 3 min
    QTest::newRow("ascending") << Qt::AscendingOrder << QList<qint64> { 3, 1, 5, 2, 4 };
    QTest::newRow("descending") << Qt::DescendingOrder << QList<qint64> { 1, 5, 3, 2, 4 };
}

void tst_EventTableModel::derivedColumnsSortUnknownLast()
{
    QFETCH(Qt::SortOrder, order);
    QFETCH(QList<qint64>, expected);
    const qint64 times[] = { 180'000, -1, 60'000, -1, 180'000 };
    QList<EventRow> rows;
    for (int i = 0; i < 5; ++i) {
        EventRow row = basicRow(i + 1);
        row.toCloseMs = times[i];
        row.toFirstResponseMs = times[i];
        row.toAssignmentMs = times[i];
        rows << row;
    }
    EventTableModel model;
    const auto tester = attachTester(&model);
    model.appendRows(rows);
    for (int column :
        { EventTableModel::FirstResponseColumn, EventTableModel::AssignmentColumn, EventTableModel::CloseColumn }) {
        model.sort(column, order);
        QCOMPARE(visibleIds(model), expected);
        QVERIFY(isInSortOrder(model, column, order));
        model.sort(-1);
    }
}

void tst_EventTableModel::derivedColumnsFilter()
{
    const QList<EventRow> rows = randomRows(300, 90);
    EventTableModel model;
    const auto tester = attachTester(&model);
    model.appendRows(rows);
    for (const char *text : { "escalated:yes", "escalated:no", "-escalated:y", "first_response:>2min",
             "close:<=3min assigned:>=90s", "-close:>1min", "escalated:yes printer" }) {
        const FilterQuery query = FilterQuery::parse(QString::fromUtf8(text));
        QVERIFY2(!query.hasErrors(), text);
        model.setFilter(query);
        const QList<qint64> expected = plainLoop(rows, query, {});
        QVERIFY2(!expected.isEmpty() && expected.size() < rows.size(), text);
        QCOMPARE(visibleIds(model), expected);
    }
}

void tst_EventTableModel::rowsRoundTrip()
{
    QList<EventRow> rows = randomRows(200, 91);
    rows[3].tags = QStringList { QStringLiteral("a"), QString(), QStringLiteral("A") };
    rows[4].valid = false;
    rows[5].title = QStringLiteral("Ünïcödé 🎫 title");
    EventTableModel model;
    const auto tester = attachTester(&model);
    model.appendRows(rows.mid(0, 150));
    model.appendRows(rows.mid(150));
    const QList<EventRow> back = model.allRows();
    QCOMPARE(back.size(), rows.size());
    for (qsizetype i = 0; i < rows.size(); ++i) {
        const EventRow &a = rows.at(i);
        const EventRow &b = back.at(i);
        QCOMPARE(b.id, a.id);
        QCOMPARE(b.receivedMs, a.receivedMs);
        QCOMPARE(b.kind, a.kind);
        QCOMPARE(b.valid, a.valid);
        QCOMPARE(b.attempt, a.attempt);
        QCOMPARE(b.retryOf, a.retryOf);
        QCOMPARE(b.retryGapSeconds, a.retryGapSeconds);
        QCOMPARE(b.replies, a.replies);
        QCOMPARE(b.sizeBytes, a.sizeBytes);
        QCOMPARE(b.toFirstResponseMs, a.toFirstResponseMs);
        QCOMPARE(b.toAssignmentMs, a.toAssignmentMs);
        QCOMPARE(b.toCloseMs, a.toCloseMs);
        QCOMPARE(b.escalated, a.escalated);
        QCOMPARE(b.requestId, a.requestId);
        QCOMPARE(b.title, a.title);
        QCOMPARE(b.status, a.status);
        QCOMPARE(b.urgency, a.urgency);
        QCOMPARE(b.sentiment, a.sentiment);
        QCOMPARE(b.customer, a.customer);
        QCOMPARE(b.team, a.team);
        QCOMPARE(b.assignee, a.assignee);
        QCOMPARE(b.channel, a.channel);
        QCOMPARE(b.tags, a.tags);
        QCOMPARE(b.path, a.path);
        QCOMPARE(b.eventType, a.eventType);
        QCOMPARE(model.rowAt(int(i)).id, a.id);
        QCOMPARE(model.idAt(int(i)), a.id);
    }
}

void tst_EventTableModel::sortedAppendKeepsSelection_data()
{
    QTest::addColumn<int>("selectedRows");
    QTest::addColumn<int>("expectedHint");
    // A small selection lets the model announce the new rows at the end and move them with a
    // layout change the views' headers need not walk (HorizontalSortHint, see appendRows()).
    QTest::newRow("one row") << 1 << int(QAbstractItemModel::HorizontalSortHint);
    QTest::newRow("many rows") << 300 << int(QAbstractItemModel::VerticalSortHint);
}

void tst_EventTableModel::sortedAppendKeepsSelection()
{
    QFETCH(int, selectedRows);
    QFETCH(int, expectedHint);
    EventTableModel model;
    const auto tester = attachTester(&model);
    model.appendRows(randomRows(1000, 92));
    model.sort(EventTableModel::SizeColumn, Qt::AscendingOrder);
    QItemSelectionModel selection(&model);
    selection.setCurrentIndex(model.index(100, 2), QItemSelectionModel::NoUpdate);
    selection.select(QItemSelection(model.index(100, 0), model.index(100 + selectedRows - 1, 0)),
        QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    QSet<qint64> selectedIds;
    for (int row = 100; row < 100 + selectedRows; ++row)
        selectedIds.insert(model.idAt(row));
    const qint64 currentId = model.idAt(100);
    QSignalSpy layout(&model, &QAbstractItemModel::layoutChanged);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);

    model.appendRows(randomRows(400, 93, 5000)); // sizes spread all over: hundreds of places
    QCOMPARE(layout.size(), 1);
    QCOMPARE(layout.at(0).at(1).value<QAbstractItemModel::LayoutChangeHint>(),
        QAbstractItemModel::LayoutChangeHint(expectedHint));
    QCOMPARE(inserted.size(), expectedHint == QAbstractItemModel::HorizontalSortHint ? 1 : 0);
    QVERIFY(isInSortOrder(model, EventTableModel::SizeColumn, Qt::AscendingOrder));
    QCOMPARE(model.rowCount(), 1400);
    QCOMPARE(model.idAt(selection.currentIndex().row()), currentId);
    QCOMPARE(selection.currentIndex().column(), 2);
    QSet<qint64> stillSelected;
    for (const QModelIndex &index : selection.selectedRows())
        stillSelected.insert(model.idAt(index.row()));
    QCOMPARE(stillSelected, selectedIds);
}

void tst_EventTableModel::idsOutOfOrder()
{
    // Two receivers of a team capture number from different blocks: ids do not follow arrival.
    QList<EventRow> rows = randomRows(200, 94);
    QHash<qint64, int> arrival;
    for (int i = 0; i < rows.size(); ++i) {
        rows[i].id = (i % 2 ? 1'000'000'000'000LL : 0) + 1000 - i;
        arrival.insert(rows[i].id, i);
    }
    EventTableModel model;
    const auto tester = attachTester(&model);
    model.appendRows(rows.mid(0, 120));
    model.sort(EventTableModel::StatusColumn, Qt::DescendingOrder);
    model.appendRows(rows.mid(120));
    QVERIFY(isInSortOrder(model, EventTableModel::StatusColumn, Qt::DescendingOrder, arrival));
    for (int row = 0; row < model.rowCount(); ++row)
        QCOMPARE(model.visibleRowOfId(model.idAt(row)), row);
    QCOMPARE(model.visibleRowOfId(5), -1);

    model.sort(-1);
    for (int row = 0; row < model.rowCount(); ++row)
        QCOMPARE(model.idAt(row), rows.at(row).id);
    QSet<qint64> doomed { rows.at(3).id, rows.at(150).id };
    model.removeIds(doomed);
    QCOMPARE(model.totalCount(), 198);
    QCOMPARE(model.visibleRowOfId(rows.at(3).id), -1);
    QCOMPARE(model.visibleRowOfId(rows.at(4).id), 3);
    QCOMPARE(model.visibleRowOfId(rows.at(199).id), 197);
}

void tst_EventTableModel::newValuesWhileSorted()
{
    // Titles that all sort between two existing ones, batch after batch: the labels' gaps run out
    // and the column is labelled again, without the visible order going wrong.
    EventTableModel model;
    const auto tester = attachTester(&model);
    QList<EventRow> first;
    for (int i = 0; i < 3; ++i) {
        EventRow row = basicRow(i + 1);
        row.title = QStringList { QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c") }.at(i);
        first << row;
    }
    model.appendRows(first);
    for (const Qt::SortOrder order : { Qt::AscendingOrder, Qt::DescendingOrder }) {
        model.sort(-1);
        model.sort(EventTableModel::TitleColumn, order);
        qint64 id = model.totalCount() + 1;
        QString prefix = QStringLiteral("a");
        for (int batch = 0; batch < 16; ++batch) {
            // Each batch lands right after the previous one's first title: always the same gap.
            QList<EventRow> rows;
            for (int i = 0; i < 12; ++i) {
                EventRow row = basicRow(id++);
                row.title = prefix + QString::number(i % 6) + (i % 3 == 0 ? QStringLiteral("Z") : QStringLiteral("z"));
                rows << row;
            }
            model.appendRows(rows);
            prefix += QStringLiteral("0");
            QVERIFY(isInSortOrder(model, EventTableModel::TitleColumn, order));
        }
        for (int row = 0; row < model.rowCount(); ++row)
            QCOMPARE(model.visibleRowOfId(model.idAt(row)), row);
    }
}

void tst_EventTableModel::tagsSort_data()
{
    QTest::addColumn<QList<QStringList>>("tags");
    const auto list
        = [](const char *text) { return QString::fromUtf8(text).split(QLatin1Char('|'), Qt::KeepEmptyParts); };
    QList<QStringList> plain { {}, list("b"), list("a|b"), list("a b"), list("a"), list("A|c"), list("a|b|c"), list(""),
        list("|a"), list("ab"), list("a|"), list("B") };
    QTest::newRow("few tags") << plain;
    QList<QStringList> many = plain;
    // More tags than one key holds: the rest is compared beyond the key.
    for (int i = 0; i < 30; ++i) {
        QStringList tags;
        for (int t = 0; t < 12; ++t)
            tags << QStringLiteral("t%1").arg((t == 11 ? i : t) % 7);
        many << tags;
    }
    QTest::newRow("many tags") << many;
    QList<QStringList> commas = plain;
    commas << list("a, b") << list("a, b|c") << list("a|, b");
    QTest::newRow("a tag with a comma") << commas;
}

void tst_EventTableModel::tagsSort()
{
    QFETCH(QList<QStringList>, tags);
    QList<EventRow> rows;
    for (int i = 0; i < tags.size(); ++i) {
        EventRow row = basicRow(i + 1);
        row.tags = tags.at(i);
        rows << row;
    }
    for (const Qt::SortOrder order : { Qt::AscendingOrder, Qt::DescendingOrder }) {
        EventTableModel model;
        const auto tester = attachTester(&model);
        model.appendRows(rows.mid(0, rows.size() / 2));
        model.sort(EventTableModel::TagsColumn, order);
        model.appendRows(rows.mid(rows.size() / 2)); // into place
        QVERIFY(isInSortOrder(model, EventTableModel::TagsColumn, order));
        model.sort(-1);
        model.sort(EventTableModel::TagsColumn, order); // from scratch
        QVERIFY(isInSortOrder(model, EventTableModel::TagsColumn, order));
    }
}

QTEST_GUILESS_MAIN(tst_EventTableModel)
#include "tst_eventtablemodel.moc"
