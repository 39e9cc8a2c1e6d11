#include "EventTableModel.h"
#include "ExportDialog.h"
#include "JsonLinesCodec.h"
#include "MemoryBodySource.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QGroupBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProcess>
#include <QPushButton>
#include <QRadioButton>
#include <QSemaphore>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <memory>

namespace {
using Scope = ExportDialog::Scope;
using Column = EventTableModel::Column;

CapturedEvent makeEvent(qint64 id)
{
    CapturedEvent event;
    event.row.id = id;
    event.row.receivedMs = 1'796'402'131'123LL + id * 1000;
    event.row.kind = id % 3 == 0 ? EventKind::Escalated : EventKind::Created;
    event.row.requestId = QString::number(100 + id);
    // Titles sort in the reverse of id order, so a sorted table differs from arrival order.
    event.row.title = QStringLiteral("Title %1, \"%2\"").arg(QChar(static_cast<char16_t>(u'Z' - id))).arg(id);
    event.row.status = QStringLiteral("OPEN");
    event.row.tags = { QStringLiteral("t%1").arg(id) };
    event.body = QByteArray("{\"n\":") + QByteArray::number(id) + '}';
    event.row.sizeBytes = static_cast<qint32>(event.body.size());
    event.headers = { { "content-type", "application/json" } };
    event.method = QStringLiteral("POST");
    return event;
}

QList<CapturedEvent> makeEvents(int count)
{
    QList<CapturedEvent> events;
    for (int i = 1; i <= count; ++i)
        events.append(makeEvent(i));
    return events;
}

QList<EventRow> rowsOf(const QList<CapturedEvent> &events)
{
    QList<EventRow> rows;
    for (const CapturedEvent &event : events)
        rows.append(event.row);
    return rows;
}

QHash<qint64, CapturedEvent> byId(const QList<CapturedEvent> &events)
{
    QHash<qint64, CapturedEvent> hash;
    for (const CapturedEvent &event : events)
        hash.insert(event.row.id, event);
    return hash;
}

QList<QStringList> readCsv(const QString &path, QString *error)
{
    QList<QStringList> rows;
    QProcess process;
    process.start(QStringLiteral("python3"), { QFINDTESTDATA("csv_reader_check.py"), path });
    if (!process.waitForFinished(30000) || process.exitCode() != 0) {
        *error = QString::fromUtf8(process.readAllStandardError()) + process.errorString();
        return rows;
    }
    const QJsonArray array
        = QJsonDocument::fromJson(process.readAllStandardOutput()).object().value(QStringLiteral("rows")).toArray();
    for (const QJsonValue &row : array) {
        QStringList fields;
        const QJsonArray cells = row.toArray();
        for (const QJsonValue &cell : cells)
            fields.append(cell.toString());
        rows.append(fields);
    }
    return rows;
}

QStringList column(const QList<QStringList> &rows, int index)
{
    QStringList values;
    for (qsizetype r = 1; r < rows.size(); ++r)
        values.append(rows.at(r).value(index));
    return values;
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// Holds the export on its first event until the test opens the gate.
class GatedSource final : public EventBodySource
{
public:
    GatedSource(QSemaphore *gate, QHash<qint64, CapturedEvent> events)
        : m_gate(gate)
        , m_inner(std::move(events))
    { }
    std::optional<CapturedEvent> load(qint64 id) override
    {
        // The timeout only keeps a broken test from hanging; the test opens the gate itself.
        if (!m_gate->tryAcquire(1, 10000))
            return std::nullopt;
        return m_inner.load(id);
    }

private:
    QSemaphore *m_gate;
    MemoryBodySource m_inner;
};

struct Fixture
{
    EventTableModel model;
    QAbstractItemModelTester tester { &model, QAbstractItemModelTester::FailureReportingMode::Fatal };
    QList<CapturedEvent> events = makeEvents(10);

    Fixture() { model.appendRows(rowsOf(events)); }

    EventExporter::BodySourceFactory memoryFactory() const
    {
        const QHash<qint64, CapturedEvent> snapshot = byId(events);
        return [snapshot] { return std::make_unique<MemoryBodySource>(snapshot); };
    }
};
} // namespace

class TestExportDialog : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void scopesShowCountsAndAreDisabledWhenEmpty()
    {
        Fixture f;
        f.model.setFilter(FilterQuery::parse(QStringLiteral("kind:escalated"))); // ids 3, 6, 9
        QCOMPARE(f.model.rowCount(), 3);
        // 6 and 9 are visible, 1 is filtered out and so not selected in the view.
        ExportDialog dialog(&f.model, {}, { 9, 1, 6 }, f.memoryFactory(), nullptr);
        QCOMPARE(dialog.scopeCount(Scope::All), 10);
        QCOMPARE(dialog.scopeCount(Scope::Filtered), 3);
        QCOMPARE(dialog.scopeCount(Scope::Selected), 2);
        QVERIFY(dialog.scopeButton(Scope::All)->text().contains(QStringLiteral("(10)")));
        QVERIFY(dialog.scopeButton(Scope::Filtered)->text().contains(QStringLiteral("(3)")));
        QVERIFY(dialog.scopeButton(Scope::Selected)->text().contains(QStringLiteral("(2)")));
        QCOMPARE(dialog.scope(), Scope::Selected);
        // The model shows only its visible rows; "All" needs the provider while a filter hides some.
        QVERIFY(!dialog.scopeButton(Scope::All)->isEnabled());
        dialog.setAllRowsProvider([&f] { return rowsOf(f.events); });
        QVERIFY(dialog.scopeButton(Scope::All)->isEnabled());
        QCOMPARE(dialog.rowsForScope(Scope::All).size(), 10);

        ExportDialog noSelection(&f.model, {}, {}, f.memoryFactory(), nullptr);
        QVERIFY(!noSelection.scopeButton(Scope::Selected)->isEnabled());
        QCOMPARE(noSelection.scope(), Scope::Filtered);

        f.model.setFilter(FilterQuery());
        ExportDialog unfiltered(&f.model, {}, { 4 }, f.memoryFactory(), nullptr);
        QVERIFY(unfiltered.scopeButton(Scope::All)->isEnabled());
        QCOMPARE(unfiltered.scope(), Scope::All); // one selected row is the current row, not a choice
    }

    void nothingToExport()
    {
        EventTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        ExportDialog dialog(&model, {}, {}, {}, nullptr);
        for (const Scope scope : { Scope::All, Scope::Filtered, Scope::Selected })
            QVERIFY(!dialog.scopeButton(scope)->isEnabled());
        QTemporaryDir dir;
        QVERIFY(!dialog.runExport(dir.filePath(QStringLiteral("x.csv"))));
        QVERIFY(!dialog.errorString().isEmpty());
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("x.csv"))));
    }

    void columnsStartAsTheVisibleColumnsInVisualOrder()
    {
        Fixture f;
        const QList<int> visible = { EventTableModel::TitleColumn, EventTableModel::ReceivedColumn, 99,
            EventTableModel::KindColumn, EventTableModel::TitleColumn };
        ExportDialog dialog(&f.model, visible, {}, f.memoryFactory(), nullptr);
        QCOMPARE(dialog.columns(),
            (QList<Column> {
                EventTableModel::TitleColumn, EventTableModel::ReceivedColumn, EventTableModel::KindColumn }));
        QListWidget *list = dialog.columnList();
        QCOMPARE(list->count(), int(EventTableModel::ColumnCount));
        QCOMPARE(list->item(0)->text(), QStringLiteral("Title"));
        QCOMPARE(list->item(3)->checkState(), Qt::Unchecked);

        // Reorder from the keyboard, then pick one more.
        list->setCurrentRow(0);
        const QList<QPushButton *> buttons = dialog.findChildren<QPushButton *>();
        QPushButton *moveDown = nullptr;
        QPushButton *moveUp = nullptr;
        for (QPushButton *button : buttons) {
            if (button->text() == QStringLiteral("Move &down"))
                moveDown = button;
            if (button->text() == QStringLiteral("Move &up"))
                moveUp = button;
        }
        QVERIFY(moveDown && moveUp);
        QVERIFY(!moveUp->isEnabled());
        moveDown->click();
        QCOMPARE(dialog.columns(),
            (QList<Column> {
                EventTableModel::ReceivedColumn, EventTableModel::TitleColumn, EventTableModel::KindColumn }));
        list->item(3)->setCheckState(Qt::Checked);
        list->item(0)->setCheckState(Qt::Unchecked);
        QCOMPARE(dialog.columns().size(), 3);
        QCOMPARE(dialog.columns().constFirst(), EventTableModel::TitleColumn);

        // No column at all: nothing to export.
        for (int i = 0; i < list->count(); ++i)
            list->item(i)->setCheckState(Qt::Unchecked);
        auto *box = dialog.findChild<QDialogButtonBox *>();
        QVERIFY(!box->button(QDialogButtonBox::Ok)->isEnabled());
    }

    void noVisibleColumnsGivenMeansAll()
    {
        Fixture f;
        ExportDialog dialog(&f.model, {}, {}, f.memoryFactory(), nullptr);
        QCOMPARE(dialog.columns(), EventExporter::allColumns());
    }

    void formatSwitchesOptionsAndSuffix()
    {
        Fixture f;
        ExportDialog dialog(&f.model, {}, {}, f.memoryFactory(), nullptr);
        QVERIFY(dialog.path().endsWith(QStringLiteral(".csv")));
        QVERIFY(dialog.byteOrderMarkCheck()->isChecked());
        QVERIFY(dialog.formulaProtectionCheck()->isChecked());
        dialog.setFormat(EventExporter::Format::JsonLines);
        QCOMPARE(dialog.format(), EventExporter::Format::JsonLines);
        QVERIFY(dialog.path().endsWith(QStringLiteral(".jsonl")));
        QVERIFY(!dialog.columnList()->isEnabled());
        QVERIFY(!dialog.byteOrderMarkCheck()->isEnabled());
        dialog.setPath(QStringLiteral("/tmp/report.txt"));
        dialog.setFormat(EventExporter::Format::Csv);
        QCOMPARE(dialog.path(), QStringLiteral("/tmp/report.txt")); // a name the user chose stays
        QVERIFY(dialog.columnList()->isEnabled());

        // Without a body source, JSON Lines cannot be offered.
        ExportDialog rowsOnly(&f.model, {}, {}, {}, nullptr);
        auto *items = qobject_cast<QStandardItemModel *>(rowsOnly.formatCombo()->model());
        QVERIFY(items);
        QVERIFY(!items->item(1)->isEnabled());
    }

    // Each scope exports its rows in the table's order (here sorted by title, the reverse of arrival).
    void exportsTheChosenScopeInTableOrder_data()
    {
        QTest::addColumn<int>("scope");
        QTest::addColumn<QStringList>("requestIds");
        QTest::newRow("all") << int(Scope::All)
                             << QStringList { QStringLiteral("101"), QStringLiteral("102"), QStringLiteral("103"),
                                    QStringLiteral("104"), QStringLiteral("105"), QStringLiteral("106"),
                                    QStringLiteral("107"), QStringLiteral("108"), QStringLiteral("109"),
                                    QStringLiteral("110") };
        QTest::newRow("filtered") << int(
            Scope::Filtered) << QStringList { QStringLiteral("109"), QStringLiteral("106"), QStringLiteral("103") };
        QTest::newRow("selected") << int(Scope::Selected)
                                  << QStringList { QStringLiteral("109"), QStringLiteral("103") };
    }

    void exportsTheChosenScopeInTableOrder()
    {
        QFETCH(int, scope);
        QFETCH(QStringList, requestIds);
        Fixture f;
        f.model.sort(EventTableModel::TitleColumn, Qt::AscendingOrder);
        f.model.setFilter(FilterQuery::parse(QStringLiteral("kind:escalated")));
        ExportDialog dialog(&f.model, { EventTableModel::RequestIdColumn, EventTableModel::TitleColumn }, { 3, 9 },
            f.memoryFactory(), nullptr);
        dialog.setAllRowsProvider([&f] { return rowsOf(f.events); }); // arrival order
        dialog.setScope(static_cast<Scope>(scope));
        QCOMPARE(dialog.scope(), static_cast<Scope>(scope));

        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("events.csv"));
        QSignalSpy finished(&dialog, &ExportDialog::exportFinished);
        QVERIFY2(dialog.runExport(path), qPrintable(dialog.errorString()));
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.constFirst().at(1).toString(), path);
        QVERIFY(!dialog.errorLabel()->isVisible());
        QString error;
        const QList<QStringList> rows = readCsv(path, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(rows.constFirst(), (QStringList { QStringLiteral("request_id"), QStringLiteral("title") }));
        QCOMPARE(column(rows, 0), requestIds);
        QCOMPARE(rows.at(1).at(1), f.events.at(requestIds.constFirst().toInt() - 101).row.title);
    }

    void csvOptionsReachTheFile()
    {
        Fixture f;
        f.events[0].row.title = QStringLiteral("=1+1");
        f.model.clear();
        f.model.appendRows(rowsOf(f.events));
        ExportDialog dialog(&f.model, { EventTableModel::TitleColumn }, {}, f.memoryFactory(), nullptr);
        QTemporaryDir dir;
        const QString protectedPath = dir.filePath(QStringLiteral("protected.csv"));
        QVERIFY(dialog.runExport(protectedPath));
        QVERIFY(readFile(protectedPath).startsWith("\xEF\xBB\xBFtitle\r\n'=1+1\r\n"));
        dialog.byteOrderMarkCheck()->setChecked(false);
        dialog.formulaProtectionCheck()->setChecked(false);
        const QString rawPath = dir.filePath(QStringLiteral("raw.csv"));
        QVERIFY(dialog.runExport(rawPath));
        QVERIFY(readFile(rawPath).startsWith("title\r\n=1+1\r\n"));
    }

    // JSON Lines needs bodies: the factory is called in the export thread, never the GUI's.
    void jsonLinesRunsOffTheGuiThread()
    {
        Fixture f;
        const QHash<qint64, CapturedEvent> snapshot = byId(f.events);
        std::atomic<QThread *> factoryThread { nullptr };
        ExportDialog dialog(
            &f.model, {}, {},
            [&factoryThread, snapshot] {
                factoryThread = QThread::currentThread();
                return std::make_unique<MemoryBodySource>(snapshot);
            },
            nullptr);
        dialog.setFormat(EventExporter::Format::JsonLines);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("events.jsonl"));
        QSignalSpy progress(&dialog, &ExportDialog::exportProgress);
        QVERIFY2(dialog.runExport(path), qPrintable(dialog.errorString()));
        QVERIFY(factoryThread.load() != nullptr);
        QVERIFY(factoryThread.load() != QThread::currentThread());
        QVERIFY(!progress.isEmpty());
        QCOMPARE(progress.constLast().at(0).toLongLong(), 10);
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<CapturedEvent> imported = JsonLinesCodec::readAll(&file);
        QCOMPARE(imported.size(), 10);
        for (int i = 0; i < 10; ++i) {
            QCOMPARE(imported.at(i).row.id, f.events.at(i).row.id);
            QCOMPARE(imported.at(i).body, f.events.at(i).body);
        }
    }

    void cancelLeavesTheOldFile()
    {
        Fixture f;
        QSemaphore gate;
        const QHash<qint64, CapturedEvent> snapshot = byId(f.events);
        ExportDialog dialog(
            &f.model, {}, {}, [&gate, snapshot] { return std::make_unique<GatedSource>(&gate, snapshot); }, nullptr);
        dialog.setFormat(EventExporter::Format::JsonLines);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("events.jsonl"));
        {
            QFile old(path);
            QVERIFY(old.open(QIODevice::WriteOnly));
            old.write("old export\n");
        }
        // The worker waits on the gate for its first event; cancel, then let it go on.
        bool cancelled = false;
        const QMetaObject::Connection once
            = connect(&dialog, &ExportDialog::exportProgress, this, [&](qint64 done, qint64) {
                  if (done == 0 && !cancelled) {
                      cancelled = true;
                      QVERIFY(dialog.isRunning());
                      dialog.cancelExport();
                      gate.release(100);
                  }
              });
        QVERIFY(!dialog.runExport(path));
        disconnect(once);
        QVERIFY(cancelled);
        QVERIFY(!dialog.isRunning());
        QCOMPARE(dialog.errorString(), QStringLiteral("Export cancelled"));
        QCOMPARE(readFile(path), QByteArray("old export\n"));
        QCOMPARE(
            QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList { QStringLiteral("events.jsonl") });
        // The dialog is usable again.
        QVERIFY(dialog.runExport(path));
        QCOMPARE(readFile(path).count('\n'), 10);
    }

    void errorIsShownInTheDialog()
    {
        Fixture f;
        ExportDialog dialog(&f.model, {}, {}, f.memoryFactory(), nullptr);
        dialog.show();
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("no/such/folder/events.csv"));
        QVERIFY(!dialog.runExport(path));
        QVERIFY(dialog.errorLabel()->isVisible());
        QVERIFY2(dialog.errorLabel()->text().contains(path), qPrintable(dialog.errorLabel()->text()));
        QVERIFY(dialog.runExport(dir.filePath(QStringLiteral("events.csv"))));
        QVERIFY(!dialog.errorLabel()->isVisible());
    }
};

QTEST_MAIN(TestExportDialog)
#include "tst_exportdialog.moc"
