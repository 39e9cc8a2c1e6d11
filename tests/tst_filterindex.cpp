#include "EventRowStore.h"
#include "EventTableModel.h"
#include "FilterIndex.h"
#include "FilterQuery.h"

#include <QAbstractItemModelTester>
#include <QRandomGenerator>
#include <QTest>
#include <memory>

// FilterIndex (the table's filter) must keep exactly the rows FilterQuery::matches() keeps: on
// random rows and random queries, before and after appends that bring new values, through the
// table model sorted and unsorted, with retries hidden and kinds toggled.

namespace {
struct Vocabulary
{
    QStringList titles { QStringLiteral("Printer on fire"), QStringLiteral("printer jam"),
        QStringLiteral("Login page broken"), QStringLiteral("Café crème order"), QStringLiteral("ÉLAN dashboard"),
        QStringLiteral("VPN, again"), QStringLiteral("Straße closed"), QString() };
    QStringList requestIds { QStringLiteral("42"), QStringLiteral("1234"), QStringLiteral("420"),
        QStringLiteral("t-99"), QStringLiteral("T-99"), QStringLiteral("0042"), QString() };
    QStringList statuses { QStringLiteral("OPEN"), QStringLiteral("open"), QStringLiteral("CLOSED"),
        QStringLiteral("IN_PROGRESS"), QString() };
    QStringList urgencies { QStringLiteral("Low"), QStringLiteral("High"), QStringLiteral("high"), QString() };
    QStringList sentiments { QStringLiteral("Neutral"), QStringLiteral("Negative"), QString() };
    QStringList customers { QStringLiteral("Acme Corp"), QStringLiteral("acme"), QStringLiteral("Café Müller"),
        QStringLiteral("Globex"), QString() };
    QStringList teams { QStringLiteral("Support EMEA"), QStringLiteral("Billing"), QStringLiteral("Tier 2"),
        QString() };
    QStringList assignees { QStringLiteral("Jane Doe"), QStringLiteral("Ödön Kiss"), QString() };
    QStringList channels { QStringLiteral("acme-support"), QStringLiteral("help"), QString() };
    // Spaces and commas inside tags, so phrases can span the ", " the table joins them with.
    QStringList tags { QStringLiteral("billing"), QStringLiteral("vpn"), QStringLiteral("Billing Ops"),
        QStringLiteral("a, b"), QStringLiteral("urgent-fix"), QStringLiteral(" lead"), QStringLiteral("x,") };
    QStringList paths { QStringLiteral("/hooks/thena"), QStringLiteral("/platform"), QStringLiteral("/") };
    QStringList eventTypes { QStringLiteral("CREATE"), QStringLiteral("UPDATE"), QStringLiteral("ticket:created"),
        QString() };
};

QString pick(QRandomGenerator &rng, const QStringList &list)
{
    return list.at(rng.bounded(list.size()));
}

QString randomCase(QRandomGenerator &rng, const QString &text)
{
    QString out = text;
    for (QChar &c : out)
        c = rng.bounded(2) ? c.toUpper() : c.toLower();
    return out;
}

// A value no earlier row had: appends bring new values into the pools.
QString fresh(QRandomGenerator &rng, const QString &base)
{
    return base + QStringLiteral(" #%1").arg(rng.bounded(1000));
}

EventRow randomRow(QRandomGenerator &rng, const Vocabulary &v, qint64 id, bool newValues)
{
    EventRow row;
    row.id = id;
    row.receivedMs = 1'700'000'000'000LL + rng.bounded(100'000);
    row.kind = static_cast<EventKind>(rng.bounded(EventKindCount));
    row.valid = row.kind != EventKind::Invalid;
    row.attempt = rng.bounded(4) == 0 ? 2 + rng.bounded(3) : 1;
    row.requestId = newValues && rng.bounded(3) == 0 ? QString::number(rng.bounded(100'000)) : pick(rng, v.requestIds);
    row.title = newValues && rng.bounded(3) == 0 ? fresh(rng, pick(rng, v.titles)) : pick(rng, v.titles);
    row.status = pick(rng, v.statuses);
    row.urgency = pick(rng, v.urgencies);
    row.sentiment = pick(rng, v.sentiments);
    row.customer = newValues && rng.bounded(4) == 0 ? fresh(rng, pick(rng, v.customers)) : pick(rng, v.customers);
    row.team = pick(rng, v.teams);
    row.assignee = pick(rng, v.assignees);
    row.channel = pick(rng, v.channels);
    const int tagCount = rng.bounded(4);
    for (int t = 0; t < tagCount; ++t)
        row.tags << (newValues && rng.bounded(5) == 0 ? fresh(rng, pick(rng, v.tags)) : pick(rng, v.tags));
    row.path = pick(rng, v.paths);
    row.eventType = pick(rng, v.eventTypes);
    const auto duration = [&rng] { return rng.bounded(3) == 0 ? -1 : qint64(rng.bounded(5)) * 60'000; };
    row.toFirstResponseMs = duration();
    row.toAssignmentMs = duration();
    row.toCloseMs = duration();
    row.escalated = rng.bounded(3) == 0;
    return row;
}

// A piece of a value the rows have, or of the tags as the table joins them.
QString randomPiece(QRandomGenerator &rng, const QString &text)
{
    if (text.isEmpty())
        return QStringLiteral("e");
    const int from = rng.bounded(static_cast<int>(text.size()));
    const int length = 1 + rng.bounded(static_cast<int>(text.size()) - from);
    return randomCase(rng, text.mid(from, length));
}

QString quoted(const QString &value)
{
    return u'"' + value + u'"';
}

QString randomTerm(QRandomGenerator &rng, const Vocabulary &v, const QList<EventRow> &rows)
{
    const QString minus = rng.bounded(4) == 0 ? QStringLiteral("-") : QString();
    const EventRow &row = rows.at(rng.bounded(rows.size()));
    switch (rng.bounded(12)) {
    case 0:
    case 1:
    case 2: { // a free word or phrase from any column, the joined tags included
        const QStringList texts { row.title, row.requestId, row.status, row.customer, row.team, row.assignee,
            row.channel, row.tags.join(QStringLiteral(", ")), row.path, row.eventType, eventKindName(row.kind) };
        const QString piece = randomPiece(rng, texts.at(rng.bounded(texts.size())));
        if (piece.trimmed().isEmpty() || piece.contains(u'"'))
            return minus + QStringLiteral("e");
        const bool plainWord = !piece.contains(u' ') && !piece.startsWith(u'-') && !piece.contains(u':');
        return minus + (plainWord && rng.bounded(2) ? piece : quoted(piece));
    }
    case 3:
        return minus + QStringLiteral("kind:") + randomPiece(rng, eventKindName(row.kind)).left(3);
    case 4:
        return minus + QStringLiteral("request:") + (row.requestId.isEmpty() ? QStringLiteral("42") : row.requestId);
    case 5: {
        static const char *fields[]
            = { "status", "urgency", "sentiment", "customer", "team", "assignee", "channel", "title", "path", "type" };
        const QString field = QLatin1String(fields[rng.bounded(10)]);
        const QStringList values { row.status, row.urgency, row.sentiment, row.customer, row.team, row.assignee,
            row.channel, row.title, row.path, row.eventType };
        return minus + field + u':' + quoted(randomPiece(rng, values.at(rng.bounded(values.size()))));
    }
    case 6:
        return minus + QStringLiteral("tag:") + quoted(randomPiece(rng, pick(rng, v.tags)));
    case 7:
        return minus + QStringLiteral("escalated:") + (rng.bounded(2) ? QStringLiteral("yes") : QStringLiteral("n"));
    case 8: {
        static const char *fields[] = { "first_response", "assigned", "close" };
        static const char *ops[] = { "<", "<=", ">", ">=" };
        return minus + QLatin1String(fields[rng.bounded(3)]) + QLatin1String(ops[rng.bounded(4)])
            + QString::number(rng.bounded(5)) + QStringLiteral("min");
    }
    case 9: // tag phrases across the separator
        return minus
            + quoted(QStringList { QStringLiteral("g, v"), QStringLiteral(" vpn"), QStringLiteral(", "),
                QStringLiteral("a, b, "), QStringLiteral("ops, a"), QStringLiteral("x, , "), QStringLiteral(" b") }
                         .at(rng.bounded(7)));
    default:
        return minus + randomPiece(rng, pick(rng, v.titles)).remove(u' ').remove(u'"');
    }
}

QString randomQuery(QRandomGenerator &rng, const Vocabulary &v, const QList<EventRow> &rows)
{
    QStringList terms;
    const int count = rng.bounded(4);
    for (int t = 0; t < count; ++t)
        terms << randomTerm(rng, v, rows);
    return terms.join(u' ');
}

bool reference(const EventRow &row, const FilterQuery &query, quint8 hiddenKinds, bool retriesHidden)
{
    if ((hiddenKinds >> static_cast<unsigned>(row.kind)) & 1u)
        return false;
    if (retriesHidden && row.attempt > 1)
        return false;
    return query.matches(row);
}

QList<qint64> expectedIds(const QList<EventRow> &rows, const FilterQuery &query, quint8 hidden, bool retries)
{
    QList<qint64> ids;
    for (const EventRow &row : rows) {
        if (reference(row, query, hidden, retries))
            ids << row.id;
    }
    return ids;
}

QList<qint64> visibleIdsSorted(const EventTableModel &model)
{
    QList<qint64> ids;
    for (int row = 0; row < model.rowCount(); ++row)
        ids << model.idAt(row);
    std::sort(ids.begin(), ids.end());
    return ids;
}

bool rawLess(const QVariant &a, const QVariant &b, Qt::SortOrder order)
{
    if (!a.isValid() || !b.isValid())
        return a.isValid() && !b.isValid();
    int c = 0;
    const bool aText = a.typeId() == QMetaType::QString;
    const bool bText = b.typeId() == QMetaType::QString;
    if (aText != bText)
        c = aText ? 1 : -1;
    else if (aText)
        c = a.toString().compare(b.toString());
    else
        c = a.toLongLong() < b.toLongLong() ? -1 : (b.toLongLong() < a.toLongLong() ? 1 : 0);
    return order == Qt::AscendingOrder ? c < 0 : c > 0;
}

// Sorted by the column's raw values in the order asked, ties in arrival (= id) order.
bool inSortOrder(const EventTableModel &model)
{
    if (model.sortColumn() < 0) {
        for (int row = 1; row < model.rowCount(); ++row) {
            if (model.idAt(row - 1) >= model.idAt(row))
                return false;
        }
        return true;
    }
    for (int row = 1; row < model.rowCount(); ++row) {
        const QVariant a = model.index(row - 1, model.sortColumn()).data(EventTableModel::RawValueRole);
        const QVariant b = model.index(row, model.sortColumn()).data(EventTableModel::RawValueRole);
        if (rawLess(b, a, model.sortOrder()))
            return false;
        if (!rawLess(a, b, model.sortOrder()) && model.idAt(row - 1) > model.idAt(row))
            return false;
    }
    return true;
}
} // namespace

class tst_FilterIndex : public QObject
{
    Q_OBJECT

private slots:
    void indexAgreesWithMatches_data();
    void indexAgreesWithMatches();
    void modelAgreesWithPlainLoop_data();
    void modelAgreesWithPlainLoop();
    void typedQueriesNarrow();
    void phrasesAcrossTags_data();
    void phrasesAcrossTags();
};

void tst_FilterIndex::indexAgreesWithMatches_data()
{
    QTest::addColumn<quint32>("seed");
    for (quint32 seed = 1; seed <= 4; ++seed)
        QTest::addRow("seed %u", seed) << seed;
}

void tst_FilterIndex::indexAgreesWithMatches()
{
    QFETCH(quint32, seed);
    QRandomGenerator rng(seed);
    const Vocabulary v;
    QList<EventRow> rows;
    for (int i = 0; i < 300; ++i)
        rows << randomRow(rng, v, i + 1, false);
    EventRowStore store;
    store.append(rows.mid(0, 200)); // a batch
    for (const EventRow &row : rows.mid(200))
        store.append(row); // one by one
    FilterIndex index(store);

    int kept = 0;
    int total = 0;
    for (int q = 0; q < 40; ++q) {
        const FilterQuery query = FilterQuery::parse(randomQuery(rng, v, rows));
        const auto hidden = static_cast<quint8>(rng.bounded(4) == 0 ? 1u << rng.bounded(EventKindCount) : 0);
        const bool retries = rng.bounded(4) == 0;
        index.setRule(query, hidden, retries);

        // Rows with values the pools have not seen, after the rule was compiled.
        QList<EventRow> more;
        for (int i = 0; i < 25; ++i)
            more << randomRow(rng, v, rows.size() + i + 1, true);
        store.append(more);
        rows += more;
        index.update();

        std::vector<quint32> expected;
        for (int row = 0; row < rows.size(); ++row) {
            const bool passes = reference(rows.at(row), query, hidden, retries);
            if (index.accepts(row) != passes) {
                QFAIL(qPrintable(QStringLiteral("query \"%1\" (hidden %2, retries %3) on row %4: expected %5")
                                     .arg(query.text())
                                     .arg(hidden)
                                     .arg(retries)
                                     .arg(row)
                                     .arg(passes)));
            }
            if (passes)
                expected.push_back(static_cast<quint32>(row));
        }
        QCOMPARE(index.matchAll(), expected);
        std::vector<quint32> candidates;
        for (int row = static_cast<int>(rows.size()) - 1; row >= 0; row -= 3)
            candidates.push_back(static_cast<quint32>(row));
        std::vector<quint32> among;
        for (const quint32 row : candidates) {
            if (reference(rows.at(static_cast<qsizetype>(row)), query, hidden, retries))
                among.push_back(row);
        }
        QCOMPARE(index.matchAmong(candidates), among);
        kept += static_cast<int>(expected.size());
        total += static_cast<int>(rows.size());
    }
    // The queries keep some rows and drop others, not all or nothing.
    QVERIFY(kept > total / 20);
    QVERIFY(kept < total - total / 20);
}

void tst_FilterIndex::modelAgreesWithPlainLoop_data()
{
    QTest::addColumn<quint32>("seed");
    for (quint32 seed = 11; seed <= 14; ++seed)
        QTest::addRow("seed %u", seed) << seed;
}

void tst_FilterIndex::modelAgreesWithPlainLoop()
{
    QFETCH(quint32, seed);
    QRandomGenerator rng(seed);
    const Vocabulary v;
    EventTableModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QList<EventRow> rows;
    for (int i = 0; i < 150; ++i)
        rows << randomRow(rng, v, i + 1, false);
    model.appendRows(rows);

    FilterQuery query;
    quint8 hidden = 0;
    bool retries = false;
    for (int step = 0; step < 80; ++step) {
        switch (rng.bounded(6)) {
        case 0:
        case 1:
            query = FilterQuery::parse(randomQuery(rng, v, rows));
            model.setFilter(query);
            break;
        case 2: {
            const auto kind = static_cast<EventKind>(rng.bounded(EventKindCount));
            const bool visible = rng.bounded(3) != 0;
            model.setKindVisible(kind, visible);
            const auto bit = static_cast<quint8>(1u << static_cast<unsigned>(kind));
            hidden = visible ? static_cast<quint8>(hidden & ~bit) : static_cast<quint8>(hidden | bit);
            break;
        }
        case 3:
            retries = rng.bounded(2) == 0;
            model.setRetriesHidden(retries);
            break;
        case 4:
            model.sort(rng.bounded(EventTableModel::ColumnCount + 1) - 1,
                rng.bounded(2) ? Qt::AscendingOrder : Qt::DescendingOrder);
            break;
        default: {
            QList<EventRow> more;
            const int count = 1 + rng.bounded(30);
            for (int i = 0; i < count; ++i)
                more << randomRow(rng, v, rows.size() + i + 1, true);
            rows += more;
            model.appendRows(more);
            break;
        }
        }
        QCOMPARE(visibleIdsSorted(model), expectedIds(rows, query, hidden, retries));
        QVERIFY2(
            inSortOrder(model), qPrintable(QStringLiteral("step %1, column %2").arg(step).arg(model.sortColumn())));
        QCOMPARE(model.totalCount(), rows.size());
    }
}

void tst_FilterIndex::typedQueriesNarrow()
{
    // Typed one character at a time, each prefix narrows or widens the last: the model re-checks
    // only the rows shown when it can, and must still keep exactly what the plain loop keeps.
    QRandomGenerator rng(99);
    const Vocabulary v;
    QList<EventRow> rows;
    for (int i = 0; i < 400; ++i)
        rows << randomRow(rng, v, i + 1, true);
    for (const int column : { -1, int(EventTableModel::TitleColumn), int(EventTableModel::CloseColumn) }) {
        EventTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.appendRows(rows);
        model.sort(column, Qt::DescendingOrder);
        for (const char *text : { "billing team:bil -closed", "-kind:upd \"printer on\" tag:\"billing o\"",
                 "close:>=2min -escalated:no café", "\"g, v\" -acme" }) {
            const QString typed = QString::fromUtf8(text);
            for (qsizetype length = 1; length <= typed.size(); ++length) {
                const FilterQuery query = FilterQuery::parse(typed.left(length));
                model.setFilter(query);
                QCOMPARE(visibleIdsSorted(model), expectedIds(rows, query, 0, false));
                QVERIFY(inSortOrder(model));
            }
            for (qsizetype length = typed.size(); length >= 0; --length)
                model.setFilter(FilterQuery::parse(typed.left(length)));
            QCOMPARE(model.rowCount(), rows.size());
        }
    }
}

void tst_FilterIndex::phrasesAcrossTags_data()
{
    QTest::addColumn<QString>("query");
    for (const char *text : { "\"g, v\"", "\" vpn\"", "\"billing, vpn\"", "\", \"", "ing,", "\"ing, \"", "\" b\"",
             "\"a, b\"", "\"a, b, vpn\"", "\"x, \"", "x,", "\", , \"", "\"Ops, a\"", "-\"g, v\"", "\" \"" })
        QTest::newRow(text) << QString::fromUtf8(text);
}

void tst_FilterIndex::phrasesAcrossTags()
{
    QFETCH(QString, query);
    const auto row = [](qint64 id, QStringList tags) {
        EventRow r;
        r.id = id;
        r.tags = std::move(tags);
        return r;
    };
    const QList<EventRow> rows {
        row(1, { QStringLiteral("billing"), QStringLiteral("vpn") }),
        row(2, { QStringLiteral("vpn") }),
        row(3, { QStringLiteral("a, b"), QStringLiteral("vpn") }),
        row(4, { QStringLiteral("a"), QStringLiteral("b") }),
        row(5, { QStringLiteral("x,"), QString(), QStringLiteral("b") }),
        row(6, { QStringLiteral("Billing Ops"), QStringLiteral("a, b") }),
        row(7, {}),
        row(8, { QStringLiteral("billing vpn") }),
    };
    EventRowStore store;
    store.append(rows);
    FilterIndex index(store);
    const FilterQuery parsed = FilterQuery::parse(query);
    QVERIFY(!parsed.hasErrors());
    index.setRule(parsed, 0, false);
    for (int i = 0; i < rows.size(); ++i)
        QCOMPARE(index.accepts(i), parsed.matches(rows.at(i)));
}

QTEST_GUILESS_MAIN(tst_FilterIndex)
#include "tst_filterindex.moc"
