#include "CsvWriter.h"

#include <QBuffer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {
struct ReadBack
{
    bool ok = false;
    bool bom = false;
    QList<QStringList> rows;
    QString error;
};

// Python's csv module, a reader that shares no code with CsvWriter.
ReadBack readWithPython(const QString &path)
{
    ReadBack result;
    const QString script = QFINDTESTDATA("csv_reader_check.py");
    if (script.isEmpty()) {
        result.error = QStringLiteral("csv_reader_check.py not found");
        return result;
    }
    QProcess process;
    process.start(QStringLiteral("python3"), { script, path });
    if (!process.waitForFinished(30000) || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        result.error = QStringLiteral("python3 failed: %1 %2")
                           .arg(process.errorString(), QString::fromUtf8(process.readAllStandardError()));
        return result;
    }
    const QJsonObject object = QJsonDocument::fromJson(process.readAllStandardOutput()).object();
    result.bom = object.value(QStringLiteral("bom")).toBool();
    const QJsonArray rows = object.value(QStringLiteral("rows")).toArray();
    for (const QJsonValue &row : rows) {
        QStringList fields;
        const QJsonArray cells = row.toArray();
        for (const QJsonValue &cell : cells)
            fields.append(cell.toString());
        result.rows.append(fields);
    }
    result.ok = true;
    return result;
}

QString hostile(const char *utf8)
{
    return QString::fromUtf8(utf8);
}
} // namespace

class TestCsvWriter : public QObject
{
    Q_OBJECT

private slots:
    void encodeField_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<bool>("protect");
        QTest::addColumn<QString>("encoded");

        QTest::newRow("plain") << QStringLiteral("hello") << true << QStringLiteral("hello");
        QTest::newRow("empty") << QString() << true << QString();
        QTest::newRow("space kept") << QStringLiteral(" a b ") << true << QStringLiteral(" a b ");
        QTest::newRow("comma") << QStringLiteral("a,b") << true << QStringLiteral("\"a,b\"");
        QTest::newRow("quote") << QStringLiteral("say \"hi\"") << true << QStringLiteral("\"say \"\"hi\"\"\"");
        QTest::newRow("only a quote") << QStringLiteral("\"") << true << QStringLiteral("\"\"\"\"");
        QTest::newRow("LF") << QStringLiteral("a\nb") << true << QStringLiteral("\"a\nb\"");
        QTest::newRow("CR") << QStringLiteral("a\rb") << true << QStringLiteral("\"a\rb\"");
        QTest::newRow("CRLF") << QStringLiteral("a\r\nb") << true << QStringLiteral("\"a\r\nb\"");
        QTest::newRow("semicolon not special") << QStringLiteral("a; b") << true << QStringLiteral("a; b");
        QTest::newRow("emoji") << hostile("ok 😀") << true << hostile("ok 😀");
        QTest::newRow("right-to-left") << hostile("שלום, עולם") << true << hostile("\"שלום, עולם\"");
        QTest::newRow("= protected") << QStringLiteral("=1+1") << true << QStringLiteral("'=1+1");
        QTest::newRow("+ protected") << QStringLiteral("+33 1") << true << QStringLiteral("'+33 1");
        QTest::newRow("- protected") << QStringLiteral("-2") << true << QStringLiteral("'-2");
        QTest::newRow("@ protected") << QStringLiteral("@SUM(A1)") << true << QStringLiteral("'@SUM(A1)");
        QTest::newRow("tab protected") << QStringLiteral("\tx") << true << QStringLiteral("'\tx");
        QTest::newRow("CR protected and quoted") << QStringLiteral("\rx") << true << QStringLiteral("\"'\rx\"");
        QTest::newRow("formula with comma") << QStringLiteral("=HYPERLINK(\"http://x\",\"y\")") << true
                                            << QStringLiteral("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
        QTest::newRow("formula char later is fine") << QStringLiteral("a=b") << true << QStringLiteral("a=b");
        QTest::newRow("leading space then =") << QStringLiteral(" =1") << true << QStringLiteral(" =1");
        QTest::newRow("= unprotected") << QStringLiteral("=1+1") << false << QStringLiteral("=1+1");
        QTest::newRow("CR unprotected still quoted") << QStringLiteral("\rx") << false << QStringLiteral("\"\rx\"");
    }

    void encodeField()
    {
        QFETCH(QString, field);
        QFETCH(bool, protect);
        QFETCH(QString, encoded);
        QCOMPARE(CsvWriter::encodeField(field, protect), encoded);
    }

    void recordsEndWithCrlfAndStartWithBom()
    {
        QBuffer buffer;
        QVERIFY(buffer.open(QIODevice::WriteOnly));
        CsvWriter writer(&buffer);
        QVERIFY(writer.writeRecord({ QStringLiteral("a"), QStringLiteral("b") }));
        QVERIFY(writer.writeRecord({ QStringLiteral("1"), QString() }));
        QCOMPARE(buffer.data(),
            QByteArray("\xEF\xBB\xBF"
                       "a,b\r\n1,\r\n"));
    }

    void bomCanBeTurnedOff()
    {
        QBuffer buffer;
        QVERIFY(buffer.open(QIODevice::WriteOnly));
        CsvWriter::Options options;
        options.byteOrderMark = false;
        CsvWriter writer(&buffer, options);
        QVERIFY(writer.writeRecord({ QStringLiteral("é") }));
        QCOMPARE(buffer.data(), QByteArray("\xC3\xA9\r\n"));
    }

    void loneEmptyFieldIsNotABlankLine()
    {
        // A blank line would read back as a record with no fields.
        QCOMPARE(CsvWriter::encodeRecord({ QString() }, true), QStringLiteral("\"\""));
        QCOMPARE(CsvWriter::encodeRecord({ QString(), QString() }, true), QStringLiteral(","));
        QCOMPARE(CsvWriter::encodeRecord({}, true), QString());
    }

    void writeFailureIsReported()
    {
        QBuffer buffer;
        QVERIFY(buffer.open(QIODevice::ReadOnly));
        CsvWriter writer(&buffer);
        QTest::ignoreMessage(QtWarningMsg, "QIODevice::write (QBuffer): ReadOnly device");
        QVERIFY(!writer.writeRecord({ QStringLiteral("a") }));
        QVERIFY(!writer.errorString().isEmpty());
    }

    void pythonReadsBackHostileFields_data()
    {
        QTest::addColumn<bool>("protect");
        QTest::addColumn<bool>("bom");
        QTest::newRow("protected, BOM") << true << true;
        QTest::newRow("unprotected, no BOM") << false << false;
    }

    void pythonReadsBackHostileFields()
    {
        QFETCH(bool, protect);
        QFETCH(bool, bom);
        const QList<QStringList> records = {
            { QStringLiteral("name"), QStringLiteral("value"), QStringLiteral("last") },
            { QStringLiteral("a,b"), QStringLiteral("\"quoted\""), QStringLiteral("x\ny") },
            { hostile("😀👍🏽 family 👨‍👩‍👧"), hostile("مرحبا بالعالم"),
                hostile("\u202eevil\u202c") },
            { QStringLiteral("=cmd|' /C calc'!A0"), QStringLiteral("+1"), QStringLiteral("-1") },
            { QStringLiteral("@x"), QStringLiteral("\tindent"), QStringLiteral("\rcarriage") },
            { QString(), QStringLiteral("  spaced  "), QStringLiteral("a\r\nb\rc") },
            { QStringLiteral("\"\""), QStringLiteral("'already"), hostile("日本語,テキスト") },
        };
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("hostile.csv"));
        {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            CsvWriter::Options options;
            options.formulaProtection = protect;
            options.byteOrderMark = bom;
            CsvWriter writer(&file, options);
            for (const QStringList &record : records)
                QVERIFY(writer.writeRecord(record));
        }
        const ReadBack read = readWithPython(path);
        QVERIFY2(read.ok, qPrintable(read.error));
        QCOMPARE(read.bom, bom);
        QCOMPARE(read.rows.size(), records.size());
        for (qsizetype r = 0; r < records.size(); ++r) {
            QStringList expected = records.at(r);
            for (QString &field : expected) {
                if (protect && CsvWriter::startsLikeFormula(field))
                    field.prepend(u'\'');
            }
            QCOMPARE(read.rows.at(r), expected);
        }
    }
};

QTEST_GUILESS_MAIN(TestCsvWriter)
#include "tst_csvwriter.moc"
