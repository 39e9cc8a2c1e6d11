#include "EventStore.h"
#include "ExportCommand.h"
#include "JsonLinesCodec.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <cstdio>

namespace {
struct Result
{
    int code = -1;
    QByteArray out;
    QString err;
};

QByteArray readAllOf(FILE *file)
{
    std::fflush(file);
    std::rewind(file);
    QByteArray bytes;
    char buffer[4096];
    size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0)
        bytes.append(buffer, static_cast<qsizetype>(n));
    return bytes;
}

// Runs `thena-inspector export ARGS` in this process, capturing both streams.
Result runExport(const QStringList &args)
{
    Result result;
    FILE *out = std::tmpfile();
    FILE *err = std::tmpfile();
    if (!out || !err)
        return result;
    result.code = ExportCommand::run(
        QStringList { QStringLiteral("thena-inspector"), QStringLiteral("export") } + args, out, err);
    result.out = readAllOf(out);
    result.err = QString::fromUtf8(readAllOf(err));
    std::fclose(out);
    std::fclose(err);
    return result;
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QList<QStringList> readCsvWithPython(const QString &path, QString *error)
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

CapturedEvent makeEvent(qint64 id, EventKind kind, const QString &title, const QByteArray &body)
{
    CapturedEvent event;
    event.row.id = id;
    event.row.receivedMs = 1'796'402'131'123LL + id * 1000;
    event.row.kind = kind;
    event.row.requestId = QString::number(40 + id);
    event.row.title = title;
    event.row.status = id % 2 ? QStringLiteral("OPEN") : QStringLiteral("CLOSED");
    event.row.tags = { QStringLiteral("billing"), QStringLiteral("vip") };
    event.row.sizeBytes = static_cast<qint32>(body.size());
    event.row.path = QStringLiteral("/hooks");
    event.body = body;
    event.headers = { { "content-type", "application/json" } };
    event.method = QStringLiteral("POST");
    event.remoteAddress = QStringLiteral("127.0.0.1");
    return event;
}

QList<CapturedEvent> sampleEvents()
{
    return {
        makeEvent(1, EventKind::Created, QStringLiteral("Printer, on fire"), "{\"action\":\"CREATE\"}"),
        makeEvent(2, EventKind::Escalated, QStringLiteral("=HYPERLINK(\"x\")"), "{\"escalation_type\":\"m\"}"),
        makeEvent(3, EventKind::Updated, QString::fromUtf8("Emoji 😀 שלום\nsecond line"), "{\"action\":\"UPDATE\"}"),
        makeEvent(4, EventKind::Escalated, QStringLiteral("Second escalation"), QByteArray("\xff\xfe binary", 9)),
        makeEvent(5, EventKind::Invalid, QString(), "{not json"),
    };
}

QStringList idsOfJsonLines(const QByteArray &bytes)
{
    QStringList ids;
    const QList<QByteArray> lines = bytes.split('\n');
    for (const QByteArray &line : lines) {
        if (!line.isEmpty())
            ids.append(QString::number(JsonLinesCodec::decode(line)->row.id));
    }
    return ids;
}
} // namespace

class TestExportCommand : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_store;

private slots:
    void initTestCase()
    {
        qputenv("TZ", "UTC");
        QVERIFY(m_dir.isValid());
        m_store = m_dir.filePath(QStringLiteral("capture.sqlite"));
        EventStore store;
        QVERIFY2(store.open(m_store), qPrintable(store.errorString()));
        QVERIFY2(store.insert(sampleEvents()), qPrintable(store.errorString()));
    }

    void csvToAFile()
    {
        const QString out = m_dir.filePath(QStringLiteral("all.csv"));
        const Result result = runExport({ QStringLiteral("--store"), m_store, QStringLiteral("--out"), out });
        QCOMPARE(result.code, 0);
        QVERIFY(result.out.isEmpty());
        QVERIFY2(result.err.contains(QStringLiteral("exported 5 events")), qPrintable(result.err));
        QVERIFY(readFile(out).startsWith("\xEF\xBB\xBF"
                                         "received,kind,request_id,title,"));
        QString error;
        const QList<QStringList> rows = readCsvWithPython(out, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(rows.size(), 6);
        QCOMPARE(rows.at(1).at(0), QStringLiteral("2026-12-04T16:35:32.123+00:00"));
        QCOMPARE(rows.at(1).at(3), QStringLiteral("Printer, on fire"));
        QCOMPARE(rows.at(2).at(3), QStringLiteral("'=HYPERLINK(\"x\")"));
        QCOMPARE(rows.at(3).at(3), QString::fromUtf8("Emoji 😀 שלום\nsecond line"));
        QCOMPARE(rows.at(1).at(11), QStringLiteral("billing; vip"));
    }

    void jsonLinesChosenByTheFileName()
    {
        const QString out = m_dir.filePath(QStringLiteral("all.jsonl"));
        const Result result = runExport({ QStringLiteral("--store"), m_store, QStringLiteral("--out"), out });
        QCOMPARE(result.code, 0);
        QFile file(out);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QString error;
        const QList<CapturedEvent> imported = JsonLinesCodec::readAll(&file, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QList<CapturedEvent> expected = sampleEvents();
        QCOMPARE(imported.size(), expected.size());
        for (qsizetype i = 0; i < expected.size(); ++i) {
            QCOMPARE(imported.at(i).row.id, expected.at(i).row.id);
            QCOMPARE(imported.at(i).row.title, expected.at(i).row.title);
            QCOMPARE(imported.at(i).body, expected.at(i).body);
            QCOMPARE(imported.at(i).headers, expected.at(i).headers);
        }
    }

    void toStandardOutput_data()
    {
        QTest::addColumn<QStringList>("extra");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("csv") << QStringList { QStringLiteral("--columns"), QStringLiteral("request_id,kind") }
                             << QByteArray(
                                    "\xEF\xBB\xBF"
                                    "request_id,kind\r\n41,Created\r\n42,Escalated\r\n43,Updated\r\n44,Escalated\r\n"
                                    "45,Invalid\r\n");
        QTest::newRow("csv, no BOM, unprotected") << QStringList {
            QStringLiteral("--columns"), QStringLiteral("title"), QStringLiteral("--no-bom"),
            QStringLiteral("--no-formula-protection"), QStringLiteral("--filter"), QStringLiteral("kind:escalated")
        } << QByteArray("title\r\n\"=HYPERLINK(\"\"x\"\")\"\r\nSecond escalation\r\n");
    }

    void toStandardOutput()
    {
        QFETCH(QStringList, extra);
        QFETCH(QByteArray, expected);
        const Result result = runExport(
            QStringList { QStringLiteral("--store"), m_store, QStringLiteral("--out"), QStringLiteral("-") } + extra);
        QCOMPARE(result.code, 0);
        QCOMPARE(result.out, expected);
        QVERIFY(result.err.isEmpty());
    }

    void filterUsesTheFilterBarSyntax_data()
    {
        QTest::addColumn<QString>("filter");
        QTest::addColumn<QStringList>("ids");
        QTest::newRow("kind") << QStringLiteral("kind:escalated")
                              << QStringList { QStringLiteral("2"), QStringLiteral("4") };
        QTest::newRow("negated") << QStringLiteral("-status:open")
                                 << QStringList { QStringLiteral("2"), QStringLiteral("4") };
        QTest::newRow("free word") << QStringLiteral("printer") << QStringList { QStringLiteral("1") };
        QTest::newRow("phrase") << QStringLiteral("\"second escalation\"") << QStringList { QStringLiteral("4") };
        QTest::newRow("nothing") << QStringLiteral("request:999") << QStringList();
        QTest::newRow("empty filter") << QString()
                                      << QStringList { QStringLiteral("1"), QStringLiteral("2"), QStringLiteral("3"),
                                             QStringLiteral("4"), QStringLiteral("5") };
    }

    void filterUsesTheFilterBarSyntax()
    {
        QFETCH(QString, filter);
        QFETCH(QStringList, ids);
        const Result result
            = runExport({ QStringLiteral("--store"), m_store, QStringLiteral("--out"), QStringLiteral("-"),
                QStringLiteral("--format"), QStringLiteral("jsonl"), QStringLiteral("--filter"), filter });
        QCOMPARE(result.code, 0);
        QCOMPARE(idsOfJsonLines(result.out), ids);
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        const QString store = QStringLiteral("--store");
        const QString out = QStringLiteral("--out");
        QTest::newRow("nothing") << QStringList() << QStringLiteral("--store FILE is required");
        QTest::newRow("no --out") << QStringList { store, QStringLiteral("x.sqlite") }
                                  << QStringLiteral("--out FILE is required");
        QTest::newRow("no --store") << QStringList { out, QStringLiteral("-") }
                                    << QStringLiteral("--store FILE is required");
        QTest::newRow("bad format") << QStringList { store, QStringLiteral("s"), out, QStringLiteral("-"),
            QStringLiteral("--format"), QStringLiteral("xlsx") }
                                    << QStringLiteral("--format takes csv or jsonl");
        QTest::newRow("unknown column") << QStringList { store, QStringLiteral("s"), out, QStringLiteral("-"),
            QStringLiteral("--columns"), QStringLiteral("title,colour") }
                                        << QStringLiteral("unknown column \"colour\"");
        QTest::newRow("no columns") << QStringList { store, QStringLiteral("s"), out, QStringLiteral("-"),
            QStringLiteral("--columns"), QStringLiteral(",") }
                                    << QStringLiteral("at least one column");
        QTest::newRow("columns with jsonl") << QStringList { store, QStringLiteral("s"), out, QStringLiteral("x.jsonl"),
            QStringLiteral("--columns"), QStringLiteral("title") }
                                            << QStringLiteral("CSV only");
        QTest::newRow("bad filter field") << QStringList { store, QStringLiteral("s"), out, QStringLiteral("-"),
            QStringLiteral("--filter"), QStringLiteral("colour:red") }
                                          << QStringLiteral("--filter: Unknown field");
        QTest::newRow("unterminated quote") << QStringList { store, QStringLiteral("s"), out, QStringLiteral("-"),
            QStringLiteral("--filter"), QStringLiteral("\"open") }
                                            << QStringLiteral("Unterminated quote");
        QTest::newRow("out is the store") << QStringList { store, QStringLiteral("@STORE@"), out,
            QStringLiteral("@STORE@") } << QStringLiteral("must not be the capture file");
        QTest::newRow("unknown option") << QStringList { QStringLiteral("--bogus") } << QStringLiteral("bogus");
        QTest::newRow("positional") << QStringList { store, QStringLiteral("s"), out, QStringLiteral("-"),
            QStringLiteral("extra") }
                                    << QStringLiteral("unexpected argument \"extra\"");
    }

    void usageErrors()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        args.replaceInStrings(QStringLiteral("@STORE@"), m_store);
        const Result result = runExport(args);
        QCOMPARE(result.code, 2);
        QVERIFY(result.out.isEmpty());
        QVERIFY2(result.err.contains(message), qPrintable(result.err));
        QVERIFY2(result.err.contains(QStringLiteral("Try 'thena-inspector export --help'")), qPrintable(result.err));
        EventStore store;
        QVERIFY(store.open(m_store, EventStore::Mode::ReadOnly));
        QCOMPARE(store.count(), 5);
    }

    void failures_data()
    {
        QTest::addColumn<QString>("store");
        QTest::addColumn<QString>("out");
        QTest::addColumn<QString>("message");
        QTest::newRow("store missing") << QStringLiteral("missing.sqlite") << QStringLiteral("f.csv")
                                       << QStringLiteral("does not exist");
        QTest::newRow("not a capture") << QStringLiteral("old.csv") << QStringLiteral("f.csv")
                                       << QStringLiteral("not a readable capture");
        QTest::newRow("output folder missing")
            << QString() << QStringLiteral("no/such/dir/f.csv") << QStringLiteral("Cannot write");
    }

    void failures()
    {
        QFETCH(QString, store);
        QFETCH(QString, out);
        QFETCH(QString, message);
        QTemporaryDir dir;
        const QString old = dir.filePath(QStringLiteral("old.csv"));
        {
            QFile file(old);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("keep me\n");
        }
        const QString storePath = store.isEmpty() ? m_store : dir.filePath(store);
        const Result result
            = runExport({ QStringLiteral("--store"), storePath, QStringLiteral("--out"), dir.filePath(out) });
        QCOMPARE(result.code, 1);
        QVERIFY2(result.err.startsWith(QStringLiteral("thena-inspector export: ")), qPrintable(result.err));
        QVERIFY2(result.err.contains(message), qPrintable(result.err));
        QCOMPARE(readFile(old), QByteArray("keep me\n"));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList { QStringLiteral("old.csv") });
    }

    void failureKeepsAnExistingOutput()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("report.csv"));
        {
            QFile file(out);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("last week's report\n");
        }
        const Result result = runExport(
            { QStringLiteral("--store"), dir.filePath(QStringLiteral("nope.sqlite")), QStringLiteral("--out"), out });
        QCOMPARE(result.code, 1);
        QCOMPARE(readFile(out), QByteArray("last week's report\n"));
    }

    void help_data()
    {
        QTest::addColumn<QString>("option");
        QTest::newRow("--help") << QStringLiteral("--help");
        QTest::newRow("-h") << QStringLiteral("-h");
        QTest::newRow("--help-all") << QStringLiteral("--help-all");
    }

    void help()
    {
        QFETCH(QString, option);
        const Result result = runExport({ option });
        QCOMPARE(result.code, 0);
        const QString text = QString::fromUtf8(result.out);
        QVERIFY2(
            text.startsWith(QStringLiteral("Usage: thena-inspector export --store FILE --out FILE")), qPrintable(text));
        for (const char *option : { "--store", "--out", "--format", "--filter", "--columns", "--no-bom",
                 "--no-formula-protection", "request_id", "Formula protection" })
            QVERIFY2(text.contains(QLatin1String(option)), option);
    }

    // The real binary, once main() hands `export` to ExportCommand::run.
    void realBinary()
    {
        const QString binary = QStringLiteral(THENA_INSPECTOR_BIN);
        QProcess probe;
        probe.start(binary, { QStringLiteral("export"), QStringLiteral("--help") });
        QVERIFY(probe.waitForFinished(30000));
        if (!probe.readAllStandardOutput().contains("--no-formula-protection"))
            QSKIP("main.cpp does not call ExportCommand::run for `thena-inspector export` yet");

        const QString out = m_dir.filePath(QStringLiteral("binary.csv"));
        QProcess process;
        process.start(binary,
            { QStringLiteral("export"), QStringLiteral("--store"), m_store, QStringLiteral("--out"), out,
                QStringLiteral("--filter"), QStringLiteral("kind:escalated") });
        QVERIFY(process.waitForFinished(30000));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 0);
        QString error;
        const QList<QStringList> rows = readCsvWithPython(out, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(rows.size(), 3);
        QCOMPARE(rows.at(1).at(2), QStringLiteral("42"));
        QCOMPARE(rows.at(2).at(2), QStringLiteral("44"));

        QProcess toStdout;
        toStdout.start(binary,
            { QStringLiteral("export"), QStringLiteral("--store"), m_store, QStringLiteral("--out"),
                QStringLiteral("-"), QStringLiteral("--format"), QStringLiteral("jsonl") });
        QVERIFY(toStdout.waitForFinished(30000));
        QCOMPARE(toStdout.exitCode(), 0);
        QCOMPARE(idsOfJsonLines(toStdout.readAllStandardOutput()),
            (QStringList { QStringLiteral("1"), QStringLiteral("2"), QStringLiteral("3"), QStringLiteral("4"),
                QStringLiteral("5") }));

        QProcess bad;
        bad.start(binary, { QStringLiteral("export"), QStringLiteral("--out"), out });
        QVERIFY(bad.waitForFinished(30000));
        QCOMPARE(bad.exitCode(), 2);
    }
};

QTEST_GUILESS_MAIN(TestExportCommand)
#include "tst_exportcommand.moc"
