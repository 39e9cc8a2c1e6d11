#include "EventExporter.h"

#include "CsvWriter.h"
#include "JsonLinesCodec.h"

#include <QDateTime>
#include <QSaveFile>

namespace {
constexpr qint64 kProgressSignalsPerJob = 200;

// The table shows a platform event's type ("ticket:created") instead of "Platform".
QString kindText(const EventRow &row)
{
    if (row.kind == EventKind::Platform && !row.eventType.isEmpty())
        return row.eventType;
    return eventKindName(row.kind);
}

QString cancelledMessage()
{
    return QStringLiteral("Export cancelled");
}
} // namespace

EventExporter::EventExporter(QObject *parent)
    : QObject(parent)
    , m_columns(allColumns())
{ }

EventExporter::~EventExporter() = default;

void EventExporter::setRows(QList<EventRow> rows)
{
    m_rows = std::move(rows);
}

void EventExporter::setColumns(QList<Column> columns)
{
    m_columns = std::move(columns);
}

void EventExporter::setOptions(const Options &options)
{
    m_options = options;
}

void EventExporter::setBodySourceFactory(BodySourceFactory factory)
{
    m_factory = std::move(factory);
}

void EventExporter::setOutputPath(const QString &path)
{
    m_path = path;
}

void EventExporter::cancel()
{
    m_cancelled.store(true, std::memory_order_relaxed);
}

bool EventExporter::isCancelled() const
{
    return m_cancelled.load(std::memory_order_relaxed);
}

QString EventExporter::destination() const
{
    return m_path.isEmpty() ? QStringLiteral("the output") : m_path;
}

bool EventExporter::fail(const QString &message)
{
    m_error = message;
    return false;
}

bool EventExporter::failCancelled()
{
    return fail(cancelledMessage());
}

bool EventExporter::run()
{
    m_error.clear();
    bool ok = false;
    if (m_path.isEmpty()) {
        fail(QStringLiteral("No file to export to"));
    } else if (isCancelled()) {
        failCancelled();
    } else {
        QSaveFile file(m_path);
        if (!file.open(QIODevice::WriteOnly)) {
            fail(QStringLiteral("Cannot write %1: %2").arg(m_path, file.errorString()));
        } else if (!writeTo(&file)) {
            // Without commit() the temporary file goes away and the target is never touched.
            file.cancelWriting();
        } else if (isCancelled()) {
            // A cancel that came after the last row still wins: the user asked for no file.
            file.cancelWriting();
            failCancelled();
        } else if (!file.commit()) {
            fail(QStringLiteral("Cannot write %1: %2").arg(m_path, file.errorString()));
        } else {
            ok = true;
        }
    }
    emit finished(ok, ok ? m_path : m_error);
    return ok;
}

bool EventExporter::writeTo(QIODevice *device)
{
    m_error.clear();
    const qint64 total = m_rows.size();
    m_progressStep = std::max<qint64>(1, total / kProgressSignalsPerJob);
    m_lastProgress = -1;
    reportProgress(0);
    const bool ok = m_options.format == Format::Csv ? writeCsv(device) : writeJsonLines(device);
    if (ok)
        reportProgress(total);
    return ok;
}

void EventExporter::reportProgress(qint64 done)
{
    const qint64 total = m_rows.size();
    if (done == m_lastProgress || (done != total && done != 0 && done - m_lastProgress < m_progressStep))
        return;
    m_lastProgress = done;
    emit progress(done, total);
}

bool EventExporter::writeCsv(QIODevice *device)
{
    if (m_columns.isEmpty())
        return fail(QStringLiteral("No columns to export"));
    CsvWriter::Options csvOptions;
    csvOptions.byteOrderMark = m_options.byteOrderMark;
    csvOptions.formulaProtection = m_options.formulaProtection;
    CsvWriter writer(device, csvOptions);
    if (!writer.writeRecord(columnNames(m_columns)))
        return fail(QStringLiteral("Cannot write %1: %2").arg(destination(), writer.errorString()));

    QStringList fields;
    fields.reserve(m_columns.size());
    qint64 done = 0;
    for (const EventRow &row : std::as_const(m_rows)) {
        if (isCancelled())
            return failCancelled();
        fields.clear();
        for (const Column column : std::as_const(m_columns))
            fields.append(cellText(row, column));
        if (!writer.writeRecord(fields))
            return fail(QStringLiteral("Cannot write %1: %2").arg(destination(), writer.errorString()));
        reportProgress(++done);
    }
    return true;
}

bool EventExporter::writeJsonLines(QIODevice *device)
{
    if (!m_factory)
        return fail(QStringLiteral("The events' bodies are not available for export"));
    // Created here, in the exporting thread, which is the only one allowed to use a SQLite connection it opens.
    const std::unique_ptr<EventBodySource> source = m_factory();
    if (!source)
        return fail(QStringLiteral("The events' bodies are not available for export"));

    qint64 done = 0;
    for (const EventRow &row : std::as_const(m_rows)) {
        if (isCancelled())
            return failCancelled();
        const std::optional<CapturedEvent> event = source->load(row.id);
        if (!event) {
            const QString why = source->errorString();
            return fail(why.isEmpty() ? QStringLiteral("Cannot read event #%1").arg(row.id)
                                      : QStringLiteral("Cannot read event #%1: %2").arg(row.id).arg(why));
        }
        QByteArray line = JsonLinesCodec::encode(*event);
        line += '\n';
        if (device->write(line) != line.size())
            return fail(QStringLiteral("Cannot write %1: %2").arg(destination(), device->errorString()));
        reportProgress(++done);
    }
    return true;
}

QString EventExporter::isoTime(qint64 msSinceEpoch)
{
    const QDateTime time = QDateTime::fromMSecsSinceEpoch(msSinceEpoch, Qt::LocalTime);
    // Qt writes "Z" for UTC and nothing at all for some local times; spreadsheets and people
    // both read "+hh:mm" everywhere, so the offset is spelled out here.
    const int offset = time.offsetFromUtc();
    const int minutes = std::abs(offset) / 60;
    return time.toString(QStringLiteral("yyyy-MM-dd'T'HH:mm:ss.zzz")) + (offset < 0 ? u'-' : u'+')
        + QStringLiteral("%1:%2").arg(minutes / 60, 2, 10, QLatin1Char('0')).arg(minutes % 60, 2, 10, QLatin1Char('0'));
}

QString EventExporter::cellText(const EventRow &row, Column column)
{
    // Mirrors EventTableModel's display text column by column; tst_eventexporter compares the two
    // for every column so they cannot drift apart unnoticed.
    switch (column) {
    case EventTableModel::ReceivedColumn:
        return isoTime(row.receivedMs);
    case EventTableModel::KindColumn:
        return kindText(row);
    case EventTableModel::RequestIdColumn:
        return row.requestId;
    case EventTableModel::TitleColumn:
        return row.title;
    case EventTableModel::StatusColumn:
        return row.status;
    case EventTableModel::UrgencyColumn:
        return row.urgency;
    case EventTableModel::SentimentColumn:
        return row.sentiment;
    case EventTableModel::CustomerColumn:
        return row.customer;
    case EventTableModel::TeamColumn:
        return row.team;
    case EventTableModel::AssigneeColumn:
        return row.assignee;
    case EventTableModel::ChannelColumn:
        return row.channel;
    case EventTableModel::TagsColumn:
        return row.tags.join(tagsSeparator());
    case EventTableModel::RepliesColumn:
        return row.replies < 0 ? QString() : QString::number(row.replies);
    case EventTableModel::AttemptColumn:
        return EventTableModel::formatAttempt(row);
    case EventTableModel::SizeColumn:
        return EventTableModel::formatSize(row.sizeBytes);
    case EventTableModel::FirstResponseColumn:
        return EventTableModel::formatDuration(row.toFirstResponseMs);
    case EventTableModel::AssignmentColumn:
        return EventTableModel::formatDuration(row.toAssignmentMs);
    case EventTableModel::CloseColumn:
        return EventTableModel::formatDuration(row.toCloseMs);
    case EventTableModel::EscalatedColumn:
        return EventTableModel::formatEscalated(row.escalated);
    case EventTableModel::ColumnCount:
        break;
    }
    return {};
}

QList<EventExporter::Column> EventExporter::allColumns()
{
    QList<Column> columns;
    for (int c = 0; c < EventTableModel::ColumnCount; ++c)
        columns.append(static_cast<Column>(c));
    return columns;
}

std::optional<EventExporter::Column> EventExporter::columnFromName(QStringView name)
{
    for (int c = 0; c < EventTableModel::ColumnCount; ++c) {
        const auto column = static_cast<Column>(c);
        if (name.compare(EventTableModel::columnName(column), Qt::CaseInsensitive) == 0)
            return column;
    }
    return std::nullopt;
}

QStringList EventExporter::columnNames(const QList<Column> &columns)
{
    QStringList names;
    names.reserve(columns.size());
    for (const Column column : columns)
        names.append(EventTableModel::columnName(column));
    return names;
}

QString EventExporter::formatName(Format format)
{
    return format == Format::Csv ? QStringLiteral("csv") : QStringLiteral("jsonl");
}

std::optional<EventExporter::Format> EventExporter::formatFromName(QStringView name)
{
    if (name.compare(QLatin1String("csv"), Qt::CaseInsensitive) == 0)
        return Format::Csv;
    for (const char *alias : { "jsonl", "json-lines", "jsonlines", "ndjson" }) {
        if (name.compare(QLatin1String(alias), Qt::CaseInsensitive) == 0)
            return Format::JsonLines;
    }
    return std::nullopt;
}

QString EventExporter::fileSuffix(Format format)
{
    return formatName(format);
}
