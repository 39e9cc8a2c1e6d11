#include "ExportCommand.h"

#include "EventExporter.h"
#include "EventStore.h"
#include "FilterQuery.h"
#include "StoreBodySource.h"

#include <QCommandLineParser>
#include <QFile>
#include <QFileInfo>

namespace {
constexpr int kPageSize = 5000;

void print(FILE *stream, const QString &text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, static_cast<size_t>(bytes.size()), stream);
    std::fflush(stream);
}

int usageError(FILE *err, const QString &program, const QString &message)
{
    print(err, QStringLiteral("%1 export: %2\nTry '%1 export --help'.\n").arg(program, message));
    return ExportCommand::ExitUsage;
}

int failure(FILE *err, const QString &program, const QString &message)
{
    print(err, QStringLiteral("%1 export: %2\n").arg(program, message));
    return ExportCommand::ExitFailure;
}

QString columnList()
{
    return EventExporter::columnNames(EventExporter::allColumns()).join(QStringLiteral(", "));
}

// The format the file name asks for, so `--out events.jsonl` needs no --format.
EventExporter::Format formatForPath(const QString &path)
{
    const QString suffix = QFileInfo(path).suffix();
    if (suffix.compare(QLatin1String("jsonl"), Qt::CaseInsensitive) == 0
        || suffix.compare(QLatin1String("ndjson"), Qt::CaseInsensitive) == 0)
        return EventExporter::Format::JsonLines;
    return EventExporter::Format::Csv;
}
} // namespace

int ExportCommand::run(const QStringList &arguments, FILE *out, FILE *err)
{
    const QString program
        = arguments.isEmpty() ? QStringLiteral("thena-inspector") : QFileInfo(arguments.constFirst()).fileName();

    QCommandLineParser parser;
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    parser.setApplicationDescription(
        QStringLiteral("Exports the events of a capture file to CSV or JSON Lines.\n\n"
                       "CSV: RFC 4180, UTF-8 with a byte-order mark (so Excel shows non-ASCII text right), one\n"
                       "header row of column names, times in ISO 8601 with the local offset, tags joined with \"; \".\n"
                       "Formula protection: a cell starting with =, +, -, @, tab or CR gets a leading ' so a\n"
                       "spreadsheet shows it as text instead of running it; --no-formula-protection turns this off\n"
                       "for scripts that want the exact values.\n"
                       "JSON Lines: one event per line with its metadata, headers and the body as received\n"
                       "(a JSON string when it is UTF-8, else base64), for File > Import or replay.\n\n"
                       "Columns: %1")
            .arg(columnList()));
    const QCommandLineOption helpOption = parser.addHelpOption();
    const QCommandLineOption storeOption(QStringLiteral("store"),
        QStringLiteral("The capture file to read (opened read-only)."), QStringLiteral("FILE"));
    const QCommandLineOption outOption(
        QStringLiteral("out"), QStringLiteral("The file to write, - for standard output."), QStringLiteral("FILE"));
    const QCommandLineOption formatOption(QStringLiteral("format"),
        QStringLiteral("csv or jsonl (default: jsonl when FILE ends in .jsonl or .ndjson, else csv)."),
        QStringLiteral("FORMAT"));
    const QCommandLineOption filterOption(QStringLiteral("filter"),
        QStringLiteral("Only events the query matches, in the filter bar's syntax (e.g. 'kind:escalated "
                       "-status:closed')."),
        QStringLiteral("QUERY"));
    const QCommandLineOption columnsOption(QStringLiteral("columns"),
        QStringLiteral("CSV columns in this order, separated by commas (default: all)."), QStringLiteral("LIST"));
    const QCommandLineOption noBomOption(
        QStringLiteral("no-bom"), QStringLiteral("CSV: no UTF-8 byte-order mark at the start."));
    const QCommandLineOption noFormulaOption(
        QStringLiteral("no-formula-protection"), QStringLiteral("CSV: write cells exactly, even formula-like ones."));
    parser.addOptions(
        { storeOption, outOption, formatOption, filterOption, columnsOption, noBomOption, noFormulaOption });

    // QCommandLineParser wants the program name first; "export" is ours, not an option.
    QStringList parserArguments { arguments.value(0, program) };
    parserArguments += arguments.mid(2);
    if (!parser.parse(parserArguments))
        return usageError(err, program, parser.errorText());
    if (parser.isSet(helpOption) || parser.isSet(QStringLiteral("help-all"))) {
        QString help = parser.helpText();
        const qsizetype firstLineEnd = help.indexOf(u'\n');
        help.replace(0, firstLineEnd < 0 ? help.size() : firstLineEnd,
            QStringLiteral("Usage: %1 export --store FILE --out FILE [options]").arg(program));
        print(out, help);
        return ExitOk;
    }
    if (!parser.positionalArguments().isEmpty())
        return usageError(
            err, program, QStringLiteral("unexpected argument \"%1\"").arg(parser.positionalArguments().constFirst()));

    const QString storePath = parser.value(storeOption);
    const QString outPath = parser.value(outOption);
    if (storePath.isEmpty())
        return usageError(err, program, QStringLiteral("--store FILE is required (the capture file to read)"));
    if (outPath.isEmpty())
        return usageError(err, program, QStringLiteral("--out FILE is required (- for standard output)"));

    // The rename at the end of the export would replace the capture with its own export.
    const QString storeCanonical = QFileInfo(storePath).canonicalFilePath();
    if (!storeCanonical.isEmpty() && QFileInfo(outPath).canonicalFilePath() == storeCanonical)
        return usageError(err, program, QStringLiteral("--out must not be the capture file itself"));

    EventExporter::Options options;
    options.format = formatForPath(outPath);
    if (parser.isSet(formatOption)) {
        const std::optional<EventExporter::Format> format = EventExporter::formatFromName(parser.value(formatOption));
        if (!format)
            return usageError(err, program,
                QStringLiteral("--format takes csv or jsonl, not \"%1\"").arg(parser.value(formatOption)));
        options.format = *format;
    }
    const bool csv = options.format == EventExporter::Format::Csv;
    for (const QCommandLineOption &csvOnly : { columnsOption, noBomOption, noFormulaOption }) {
        if (!csv && parser.isSet(csvOnly))
            return usageError(err, program,
                QStringLiteral("--%1 applies to CSV only; JSON Lines always has every field")
                    .arg(csvOnly.names().constFirst()));
    }
    options.byteOrderMark = !parser.isSet(noBomOption);
    options.formulaProtection = !parser.isSet(noFormulaOption);

    QList<EventExporter::Column> columns = EventExporter::allColumns();
    if (parser.isSet(columnsOption)) {
        columns.clear();
        const QStringList names = parser.value(columnsOption).split(u',', Qt::SkipEmptyParts);
        for (const QString &name : names) {
            const std::optional<EventExporter::Column> column = EventExporter::columnFromName(name.trimmed());
            if (!column)
                return usageError(err, program,
                    QStringLiteral("unknown column \"%1\" (columns: %2)").arg(name.trimmed(), columnList()));
            columns.append(*column);
        }
        if (columns.isEmpty())
            return usageError(
                err, program, QStringLiteral("--columns needs at least one column (%1)").arg(columnList()));
    }

    const FilterQuery filter = FilterQuery::parse(parser.value(filterOption));
    if (filter.hasErrors())
        return usageError(err, program, QStringLiteral("--filter: %1").arg(filter.errors().join(QStringLiteral("; "))));

    QList<EventRow> rows;
    {
        EventStore store;
        if (!store.open(storePath, EventStore::Mode::ReadOnly))
            return failure(err, program, store.errorString());
        qint64 afterId = 0;
        for (;;) {
            const QList<EventRow> page = store.loadRowsAfter(afterId, kPageSize);
            if (!store.errorString().isEmpty())
                return failure(err, program, store.errorString());
            if (page.isEmpty())
                break;
            afterId = page.constLast().id;
            for (const EventRow &row : page) {
                if (filter.matches(row))
                    rows.append(row);
            }
        }
    }

    EventExporter exporter;
    const qint64 count = rows.size();
    exporter.setRows(std::move(rows));
    exporter.setColumns(columns);
    exporter.setOptions(options);
    exporter.setBodySourceFactory([storePath] { return std::make_unique<StoreBodySource>(storePath); });

    if (outPath == QLatin1String("-")) {
        QFile stdoutFile;
        if (!stdoutFile.open(out, QIODevice::WriteOnly))
            return failure(
                err, program, QStringLiteral("cannot write to standard output: %1").arg(stdoutFile.errorString()));
        const bool ok = exporter.writeTo(&stdoutFile) && stdoutFile.flush();
        std::fflush(out);
        if (!ok) {
            const QString why = exporter.errorString().isEmpty() ? stdoutFile.errorString() : exporter.errorString();
            return failure(err, program, why);
        }
        return ExitOk;
    }

    exporter.setOutputPath(outPath);
    if (!exporter.run())
        return failure(err, program, exporter.errorString());
    print(err,
        QStringLiteral("exported %1 event%2 to %3\n")
            .arg(count)
            .arg(count == 1 ? QString() : QStringLiteral("s"))
            .arg(outPath));
    return ExitOk;
}
