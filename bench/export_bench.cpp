// thena-export-bench: CSV export of 1M rows and opening a 1M-event capture.
//  - EventExporter (QSaveFile, CsvWriter) against a bare QTextStream loop writing the same cells
//    (EventExporter::cellText) with RFC 4180 quoting, the same byte-order mark and formula guard,
//    so the two files must be byte-identical; best of --runs each, interleaved.
//  - A capture of 1M events (created once with EventStore::insert in batches of 10k and kept in
//    --store-cache between runs), opened to its first screen: EventStore open + loadRows(0, 200),
//    and StoreReader's first rowsLoaded, with the file's pages dropped from the page cache (cold)
//    and again warm; then the whole history into an EventTableModel as the window loads it.
// Prints one JSON line.

#include "BenchRowGenerator.h"
#include "BenchSupport.h"
#include "EventExporter.h"
#include "EventStore.h"
#include "EventTableModel.h"
#include "SampleBodyTemplates.h"
#include "StoreReader.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>
#include <fcntl.h>
#include <functional>
#include <unistd.h>

namespace {
using BenchSupport::ms;

qint64 timeNs(const std::function<void()> &work)
{
    QElapsedTimer timer;
    timer.start();
    work();
    return timer.nsecsElapsed();
}

// What a careful hand-written exporter does: one QTextStream, each cell quoted only when it
// must be (RFC 4180), the same byte-order mark and the same formula guard as CsvWriter, so the
// output is the same file and only the machinery differs.
bool writeBareCsv(const QList<EventRow> &rows, const QList<EventExporter::Column> &columns, const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    QTextStream stream(&file);
    stream.setEncoding(QStringConverter::Utf8);
    stream.setGenerateByteOrderMark(true);
    auto writeCell = [&stream](const QString &cell) {
        bool quote = false;
        for (const QChar c : cell) {
            if (c == u',' || c == u'"' || c == u'\r' || c == u'\n') {
                quote = true;
                break;
            }
        }
        const bool guard = !cell.isEmpty()
            && (cell.front() == u'=' || cell.front() == u'+' || cell.front() == u'-' || cell.front() == u'@'
                || cell.front() == u'\t' || cell.front() == u'\r');
        if (!quote && !guard) {
            stream << cell;
            return;
        }
        if (quote)
            stream << u'"';
        if (guard)
            stream << u'\'';
        if (quote)
            stream << QString(cell).replace(QLatin1Char('"'), QLatin1String("\"\""));
        else
            stream << cell;
        if (quote)
            stream << u'"';
    };
    const QStringList names = EventExporter::columnNames(columns);
    for (qsizetype c = 0; c < names.size(); ++c) {
        if (c > 0)
            stream << u',';
        writeCell(names.at(c));
    }
    stream << "\r\n";
    for (const EventRow &row : rows) {
        for (qsizetype c = 0; c < columns.size(); ++c) {
            if (c > 0)
                stream << u',';
            writeCell(EventExporter::cellText(row, columns.at(c)));
        }
        stream << "\r\n";
    }
    stream.flush();
    return stream.status() == QTextStream::Ok && file.error() == QFileDevice::NoError;
}

QByteArray fileHash(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(&file);
    return hash.result().toHex();
}

void measureCsv(int rowCount, int runs, const QString &folder, QJsonObject &out)
{
    BenchSupport::progress(QStringLiteral("CSV: generating %1 rows").arg(rowCount));
    BenchRowGenerator generator;
    const QList<EventRow> rows = generator.next(rowCount);
    const QList<EventExporter::Column> columns = EventExporter::allColumns();
    const QString exporterPath = QDir(folder).filePath(QStringLiteral("exporter.csv"));
    const QString directPath = QDir(folder).filePath(QStringLiteral("exporter-direct.csv"));
    const QString barePath = QDir(folder).filePath(QStringLiteral("bare.csv"));

    qint64 bestExporter = std::numeric_limits<qint64>::max();
    qint64 bestDirect = std::numeric_limits<qint64>::max();
    qint64 bestBare = std::numeric_limits<qint64>::max();
    bool ok = true;
    for (int run = 0; run < runs; ++run) {
        BenchSupport::progress(QStringLiteral("CSV: run %1 of %2").arg(run + 1).arg(runs));
        // The direct file of the first run stays for the comparison below.
        QFile::remove(exporterPath);
        QFile::remove(barePath);
        // As the window and the export command use it: QSaveFile, renamed into place at the end.
        bestExporter = std::min(bestExporter, timeNs([&] {
            EventExporter exporter;
            exporter.setRows(rows);
            exporter.setColumns(columns);
            exporter.setOutputPath(exporterPath);
            ok = exporter.run() && ok;
        }));
        // The same exporter into a plain QFile (as `--out -` does): its cost without the save file.
        // Once is enough for this detail.
        if (run == 0)
            bestDirect = std::min(bestDirect, timeNs([&] {
                EventExporter exporter;
                exporter.setRows(rows);
                exporter.setColumns(columns);
                QFile file(directPath);
                ok = file.open(QIODevice::WriteOnly | QIODevice::Truncate) && exporter.writeTo(&file) && ok;
            }));
        bestBare = std::min(bestBare, timeNs([&] { ok = writeBareCsv(rows, columns, barePath) && ok; }));
    }
    out.insert(QStringLiteral("csv_rows"), rowCount);
    out.insert(QStringLiteral("csv_runs"), runs);
    out.insert(QStringLiteral("csv_ok"), ok);
    out.insert(QStringLiteral("csv_exporter_ms"), ms(bestExporter));
    out.insert(QStringLiteral("csv_exporter_direct_ms"), ms(bestDirect));
    out.insert(QStringLiteral("csv_bare_ms"), ms(bestBare));
    out.insert(QStringLiteral("csv_ratio"), BenchSupport::rounded(static_cast<double>(bestExporter) / bestBare, 3));
    out.insert(
        QStringLiteral("csv_direct_ratio"), BenchSupport::rounded(static_cast<double>(bestDirect) / bestBare, 3));
    out.insert(QStringLiteral("csv_mb"),
        BenchSupport::rounded(static_cast<double>(QFileInfo(barePath).size()) / 1048576.0, 1));
    out.insert(QStringLiteral("csv_identical"),
        fileHash(exporterPath) == fileHash(barePath) && fileHash(directPath) == fileHash(barePath));
    QFile::remove(exporterPath);
    QFile::remove(directPath);
    QFile::remove(barePath);
}

qint64 storedCount(const QString &path)
{
    if (!QFileInfo::exists(path))
        return -1;
    EventStore store;
    if (!store.open(path, EventStore::Mode::ReadOnly))
        return -1;
    return store.count();
}

// Builds the capture in a side file and renames it into place, so an interrupted run never
// leaves a short cache that a later run would trust.
bool createStore(const QString &path, int eventCount, const QString &samples, QJsonObject &out)
{
    SampleBodyTemplates bodies;
    if (!bodies.load(samples)) {
        BenchSupport::progress(bodies.errorString());
        return false;
    }
    QDir().mkpath(QFileInfo(path).absolutePath());
    const QString partial = path + QStringLiteral(".partial");
    for (const QString &suffix : { QString(), QStringLiteral("-wal"), QStringLiteral("-shm") })
        QFile::remove(partial + suffix);
    BenchSupport::progress(
        QStringLiteral("store: creating %1 events in %2 (once; kept for later runs)").arg(eventCount).arg(path));
    BenchRowGenerator generator;
    qint64 insertNs = 0;
    {
        EventStore store;
        if (!store.open(partial)) {
            BenchSupport::progress(store.errorString());
            return false;
        }
        constexpr int kBatch = 10000;
        for (int done = 0; done < eventCount; done += kBatch) {
            QList<CapturedEvent> batch;
            const int n = std::min(kBatch, eventCount - done);
            batch.reserve(n);
            for (int i = 0; i < n; ++i) {
                CapturedEvent event;
                event.row = generator.next();
                event.body = bodies.body(event.row.id);
                event.row.sizeBytes = static_cast<qint32>(event.body.size());
                event.method = QStringLiteral("POST");
                event.remoteAddress = QStringLiteral("127.0.0.1");
                event.headers = { { "host", "127.0.0.1:8080" }, { "user-agent", "Thena-Webhooks" },
                    { "content-type", "application/json" },
                    { "content-length", QByteArray::number(event.body.size()) } };
                batch.append(event);
            }
            bool inserted = false;
            insertNs += timeNs([&] { inserted = store.insert(batch); });
            if (!inserted) {
                BenchSupport::progress(store.errorString());
                return false;
            }
            if ((done / kBatch) % 20 == 19)
                BenchSupport::progress(QStringLiteral("store: %1 events").arg(done + n));
        }
    }
    for (const QString &suffix : { QString(), QStringLiteral("-wal"), QStringLiteral("-shm") })
        QFile::remove(path + suffix);
    if (!QFile::rename(partial, path))
        return false;
    out.insert(QStringLiteral("store_insert_events_per_s"),
        BenchSupport::rounded(eventCount / (static_cast<double>(insertNs) / 1e9), 0));
    return true;
}

// Drops the capture's pages from the page cache, so the next open reads the disk as after a
// reboot. Only this file's pages: nobody else's work gets slower.
void dropFromPageCache(const QString &path)
{
    for (const QString &suffix : { QString(), QStringLiteral("-wal"), QStringLiteral("-shm") }) {
        const QByteArray name = QFile::encodeName(path + suffix);
        const int fd = ::open(name.constData(), O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;
        ::fdatasync(fd);
        ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
        ::close(fd);
    }
}

void measureFirstScreen(const QString &path, const QString &label, QJsonObject &out)
{
    qint64 rows = 0;
    const qint64 ns = timeNs([&] {
        EventStore store;
        if (store.open(path, EventStore::Mode::ReadOnly))
            rows = store.loadRows(0, 200).size();
    });
    out.insert(QStringLiteral("open_first_screen_") + label + QStringLiteral("_ms"), ms(ns));
    out.insert(QStringLiteral("open_first_screen_rows"), rows);
}

void measureReaderFirstRows(const QString &path, qint64 maxId, const QString &label, QJsonObject &out)
{
    QElapsedTimer timer;
    timer.start();
    StoreReader reader;
    QEventLoop loop;
    qint64 firstNs = -1;
    qint64 firstRows = 0;
    QObject::connect(&reader, &StoreReader::rowsLoaded, &loop, [&](const QList<EventRow> &rows) {
        if (firstNs < 0) {
            firstNs = timer.nsecsElapsed();
            firstRows = rows.size();
        }
        loop.quit();
    });
    QObject::connect(&reader, &StoreReader::failed, &loop, &QEventLoop::quit);
    QTimer::singleShot(60000, &loop, &QEventLoop::quit);
    reader.setPath(path);
    reader.loadHistory(maxId);
    loop.exec();
    out.insert(QStringLiteral("reader_first_rows_") + label + QStringLiteral("_ms"), firstNs < 0 ? -1 : ms(firstNs));
    out.insert(QStringLiteral("reader_first_rows"), firstRows);
    reader.setPath(QString()); // stops the rest of the history load before the reader goes
}

// The window's path at start: every row through StoreReader into the table.
void measureFullHistory(const QString &path, qint64 maxId, QJsonObject &out)
{
    EventTableModel model;
    StoreReader reader;
    QEventLoop loop;
    qint64 worstBatchNs = 0;
    QObject::connect(&reader, &StoreReader::rowsLoaded, &model, [&](const QList<EventRow> &rows) {
        worstBatchNs = std::max(worstBatchNs, timeNs([&] { model.appendRows(rows); }));
    });
    QObject::connect(&reader, &StoreReader::historyLoaded, &loop, &QEventLoop::quit);
    QObject::connect(&reader, &StoreReader::failed, &loop, &QEventLoop::quit);
    // Bounded: a model that slow has shown it; the figure then says how far it got.
    bool finished = false;
    QObject::connect(&reader, &StoreReader::historyLoaded, &loop, [&finished] { finished = true; });
    QTimer::singleShot(30000, &loop, &QEventLoop::quit);
    QElapsedTimer timer;
    timer.start();
    reader.setPath(path);
    reader.loadHistory(maxId);
    loop.exec();
    out.insert(
        QStringLiteral("history_all_rows_s"), BenchSupport::rounded(static_cast<double>(timer.nsecsElapsed()) / 1e9));
    out.insert(QStringLiteral("history_rows"), model.totalCount());
    out.insert(QStringLiteral("history_finished"), finished);
    reader.setPath(QString()); // stops a load still running
    out.insert(QStringLiteral("history_worst_batch_ms"), ms(worstBatchNs));
}

bool measureStore(const QString &path, int eventCount, const QString &samples, bool fullHistory, QJsonObject &out)
{
    const bool cached = storedCount(path) == eventCount;
    out.insert(QStringLiteral("store_cached"), cached);
    if (!cached && !createStore(path, eventCount, samples, out))
        return false;
    out.insert(QStringLiteral("store_events"), eventCount);
    out.insert(
        QStringLiteral("store_mb"), BenchSupport::rounded(static_cast<double>(QFileInfo(path).size()) / 1048576.0, 0));
    qint64 maxId = 0;
    {
        EventStore store;
        if (!store.open(path, EventStore::Mode::ReadOnly))
            return false;
        maxId = store.maxId();
    }
    BenchSupport::progress(QStringLiteral("store: open to first screen, cold and warm"));
    dropFromPageCache(path);
    measureFirstScreen(path, QStringLiteral("cold"), out);
    measureFirstScreen(path, QStringLiteral("warm"), out);
    dropFromPageCache(path);
    measureReaderFirstRows(path, maxId, QStringLiteral("cold"), out);
    measureReaderFirstRows(path, maxId, QStringLiteral("warm"), out);
    if (fullHistory) {
        BenchSupport::progress(QStringLiteral("store: whole history into the table"));
        measureFullHistory(path, maxId, out);
    }
    return true;
}
} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("CSV export and capture opening at a million events; prints one JSON line."));
    parser.addHelpOption();
    const QCommandLineOption rowsOption(QStringLiteral("rows"), QStringLiteral("Rows to export (default 1000000)."),
        QStringLiteral("N"), QStringLiteral("1000000"));
    const QCommandLineOption runsOption(QStringLiteral("runs"),
        QStringLiteral("Runs of each CSV writer; the best counts (default 2)."), QStringLiteral("N"),
        QStringLiteral("2"));
    const QCommandLineOption storeOption(QStringLiteral("store-cache"),
        QStringLiteral("Capture file to open, created when missing or of another size (default: "
                       "bench-data/store-1m.sqlite beside the bin folder)."),
        QStringLiteral("FILE"));
    const QCommandLineOption storeEventsOption(QStringLiteral("store-events"),
        QStringLiteral("Events in the capture (default 1000000; 0 skips the store)."), QStringLiteral("N"),
        QStringLiteral("1000000"));
    const QCommandLineOption noHistoryOption(
        QStringLiteral("no-full-history"), QStringLiteral("Skip loading the whole history into a table."));
    const QCommandLineOption samplesOption(QStringLiteral("samples"), QStringLiteral("Folder of *.json sample bodies."),
        QStringLiteral("DIR"), QStringLiteral(THENA_SAMPLES_DIR));
    const QCommandLineOption tmpOption(QStringLiteral("tmp"),
        QStringLiteral("Folder for the CSV files (default: the system's)."), QStringLiteral("DIR"));
    parser.addOptions(
        { rowsOption, runsOption, storeOption, storeEventsOption, noHistoryOption, samplesOption, tmpOption });
    parser.process(app);

    QJsonObject out;
    const int rows = std::max(0, parser.value(rowsOption).toInt());
    if (rows > 0) {
        QTemporaryDir folder(
            parser.isSet(tmpOption) ? QDir(parser.value(tmpOption)).filePath(QStringLiteral("csv-XXXXXX")) : QString());
        if (!folder.isValid()) {
            std::fprintf(stderr, "thena-export-bench: cannot create a temporary folder\n");
            return 1;
        }
        measureCsv(rows, std::max(1, parser.value(runsOption).toInt()), folder.path(), out);
    }
    const int storeEvents = std::max(0, parser.value(storeEventsOption).toInt());
    if (storeEvents > 0) {
        const QString path = parser.isSet(storeOption)
            ? parser.value(storeOption)
            : QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("../bench-data/store-1m.sqlite"));
        if (!measureStore(
                QDir::cleanPath(path), storeEvents, parser.value(samplesOption), !parser.isSet(noHistoryOption), out)) {
            BenchSupport::printJson(out);
            std::fprintf(stderr, "thena-export-bench: the capture benchmark failed\n");
            return 1;
        }
    }
    BenchSupport::printJson(out);
    return 0;
}
