#pragma once

#include "EventBodySource.h"
#include "EventRow.h"
#include "EventTableModel.h"

#include <QList>
#include <QObject>
#include <QString>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>

class QIODevice;

// One export job: rows already chosen and ordered, the columns, the format and options -> a file.
// It touches neither the GUI nor the model, so it can run in a worker thread: give it plain data,
// move it to a QThread and connect QThread::started to run(). The file is written through
// QSaveFile (a temporary file in the same folder, renamed over the target at the end), so a
// failed or cancelled export leaves no half-written file and any old file as it was.
//
// CSV: one header row of columnName()s, then one record per row with cellText() per column (see
// CsvWriter for quoting, byte-order mark and formula protection).
// JSON Lines: one JsonLinesCodec line per row; the columns do not apply (every field is written)
// and the body and headers come from the body source, created through the factory in run()'s thread.
// Credentials in the headers (authorization and the like, see SecretMask) are written masked:
// no export carries the webhook secret.
class EventExporter final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventExporter)

public:
    using Column = EventTableModel::Column;
    using BodySourceFactory = std::function<std::unique_ptr<EventBodySource>()>;

    enum class Format
    {
        Csv,
        JsonLines
    };

    struct Options
    {
        Format format = Format::Csv;
        bool byteOrderMark = true; // CSV only
        bool formulaProtection = true; // CSV only
    };

    explicit EventExporter(QObject *parent = nullptr);
    ~EventExporter() override;

    // Set these before run(); the exporter keeps its own copies.
    void setRows(QList<EventRow> rows);
    void setColumns(QList<Column> columns);
    void setOptions(const Options &options);
    void setBodySourceFactory(BodySourceFactory factory);
    void setOutputPath(const QString &path);

    const QList<EventRow> &rows() const { return m_rows; }
    QList<Column> columns() const { return m_columns; }
    Options options() const { return m_options; }
    QString outputPath() const { return m_path; }

    // Safe from any thread, also before run() starts. The job stops at the next row.
    void cancel();
    bool isCancelled() const;
    // Why the last run() or writeTo() failed; empty after success.
    QString errorString() const { return m_error; }

    // Writes outputPath() atomically; emits progress() along the way and finished() at the end.
    bool run();
    // Writes to an already open device (stdout): no temporary file, no finished(). For run() and
    // the command line's `--out -`.
    bool writeTo(QIODevice *device);

    // A CSV cell: the text the table shows, except times in ISO 8601 with the local offset
    // (isoTime()) and tags joined with "; " (a comma inside a cell confuses people more than
    // programs, and "; " never appears in Slack tag names).
    static QString cellText(const EventRow &row, Column column);
    // "2026-12-04T16:35:31.123+00:00" in the local time zone, whose offset it carries.
    static QString isoTime(qint64 msSinceEpoch);
    static QString tagsSeparator() { return QStringLiteral("; "); }

    static QList<Column> allColumns();
    // Inverse of EventTableModel::columnName(), case-insensitive.
    static std::optional<Column> columnFromName(QStringView name);
    static QStringList columnNames(const QList<Column> &columns);

    // "csv" and "jsonl" (also accepted: "json-lines", "jsonlines", "ndjson").
    static QString formatName(Format format);
    static std::optional<Format> formatFromName(QStringView name);
    // "csv" or "jsonl", without the dot.
    static QString fileSuffix(Format format);

signals:
    // Throttled to about 200 signals per job, so a queued connection never floods the GUI thread.
    void progress(qint64 done, qint64 total);
    // errorOrPath: the written path on success, the reason on failure ("Export cancelled" after cancel()).
    void finished(bool ok, const QString &errorOrPath);

private:
    bool writeCsv(QIODevice *device);
    bool writeJsonLines(QIODevice *device);
    void reportProgress(qint64 done);
    QString destination() const;
    bool fail(const QString &message);
    bool failCancelled();

    QList<EventRow> m_rows;
    QList<Column> m_columns;
    Options m_options;
    BodySourceFactory m_factory;
    QString m_path;
    QString m_error;
    std::atomic<bool> m_cancelled { false };
    qint64 m_progressStep = 1;
    qint64 m_lastProgress = -1;
};

Q_DECLARE_METATYPE(EventExporter::Options)
