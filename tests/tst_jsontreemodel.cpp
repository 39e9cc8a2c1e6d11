#include "JsonTreeModel.h"
#include "TestSupport.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

namespace {
using TestSupport::sample;

QString cell(
    const QAbstractItemModel &model, const QModelIndex &parent, int row, int column, int role = Qt::DisplayRole)
{
    return model.index(row, column, parent).data(role).toString();
}

QString expectedType(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Object:
        return QStringLiteral("object");
    case QJsonValue::Array:
        return QStringLiteral("array");
    case QJsonValue::String:
        return QStringLiteral("string");
    case QJsonValue::Double:
        return QStringLiteral("number");
    case QJsonValue::Bool:
        return QStringLiteral("boolean");
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Undefined:
        break;
    }
    return {};
}

// Checks the subtree under parent against what QJsonDocument read from the same bytes.
void compareChildren(const JsonTreeModel &model, const QModelIndex &parent, const QJsonValue &expected)
{
    if (expected.isObject()) {
        const QJsonObject object = expected.toObject();
        QCOMPARE(model.rowCount(parent), int(object.size()));
        for (int row = 0; row < model.rowCount(parent); ++row) {
            const QString key = cell(model, parent, row, JsonTreeModel::KeyColumn);
            QVERIFY2(object.contains(key), qPrintable(key));
            const QJsonValue value = object.value(key);
            QCOMPARE(cell(model, parent, row, JsonTreeModel::TypeColumn), expectedType(value));
            if (value.isString())
                QCOMPARE(cell(model, parent, row, JsonTreeModel::ValueColumn, Qt::ToolTipRole), value.toString());
            if (value.isDouble())
                QCOMPARE(cell(model, parent, row, JsonTreeModel::ValueColumn).toDouble(), value.toDouble());
            compareChildren(model, model.index(row, 0, parent), value);
        }
    } else if (expected.isArray()) {
        const QJsonArray array = expected.toArray();
        QCOMPARE(model.rowCount(parent), int(array.size()));
        for (int row = 0; row < model.rowCount(parent); ++row) {
            QCOMPARE(cell(model, parent, row, JsonTreeModel::KeyColumn), QStringLiteral("[%1]").arg(row));
            QCOMPARE(cell(model, parent, row, JsonTreeModel::TypeColumn), expectedType(array.at(row)));
            compareChildren(model, model.index(row, 0, parent), array.at(row));
        }
    } else {
        QCOMPARE(model.rowCount(parent), 0);
    }
}

QStringList topLevelKeys(const JsonTreeModel &model)
{
    QStringList keys;
    for (int row = 0; row < model.rowCount(); ++row)
        keys.append(cell(model, {}, row, JsonTreeModel::KeyColumn));
    return keys;
}
} // namespace

class TestJsonTreeModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void samples_data();
    void samples();
    void keepsSourceOrder();
    void edgeCases_data();
    void edgeCases();
    void unicode();
    void numbersKeepTheirText();
    void duplicateKeysStayVisible();
    void invalid_data();
    void invalid();
    void invalidAfterValidEmptiesTheModel();
    void clear();
    void longStringsAreElidedOnlyInDisplay();
    void headers();
    void indentedJson();
    void nestingLimit();
    void byteOrderMarksInsideStringsSurvive();
};

void TestJsonTreeModel::samples_data()
{
    QTest::addColumn<QString>("file");
    const QStringList files = TestSupport::sampleFiles();
    QVERIFY(files.size() >= 4);
    for (const QString &file : files)
        QTest::newRow(qPrintable(file)) << file;
}

void TestJsonTreeModel::samples()
{
    QFETCH(QString, file);
    const QByteArray json = sample(file);
    QVERIFY(!json.isEmpty());

    JsonTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QVERIFY(model.setJson(json));
    QCOMPARE(resets.size(), 1);
    QVERIFY(!model.isEmpty());
    QVERIFY(model.errorString().isEmpty());
    QCOMPARE(model.errorOffset(), qint64(-1));

    const QJsonDocument reference = QJsonDocument::fromJson(json);
    QVERIFY(reference.isObject());
    compareChildren(model, {}, reference.object());

    // The pretty text is the same document.
    QJsonParseError error;
    const QJsonDocument reparsed = QJsonDocument::fromJson(model.toIndentedJson().toUtf8(), &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(reparsed, reference);
}

void TestJsonTreeModel::keepsSourceOrder()
{
    JsonTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QVERIFY(model.setJson(sample(QStringLiteral("platform-ticket-created.json"))));
    QCOMPARE(topLevelKeys(model),
        QStringList({ QStringLiteral("eventId"), QStringLiteral("eventType"), QStringLiteral("timestamp"),
            QStringLiteral("orgId"), QStringLiteral("actor"), QStringLiteral("payload"), QStringLiteral("metadata") }));

    QVERIFY(model.setJson(R"({"zeta": 1, "alpha": {"y": 2, "b": 3}, "mid": [3]})"));
    QCOMPARE(
        topLevelKeys(model), QStringList({ QStringLiteral("zeta"), QStringLiteral("alpha"), QStringLiteral("mid") }));
    const QModelIndex alpha = model.index(1, 0);
    QCOMPARE(cell(model, alpha, 0, JsonTreeModel::KeyColumn), QStringLiteral("y"));
    QCOMPARE(cell(model, alpha, 1, JsonTreeModel::KeyColumn), QStringLiteral("b"));
}

void TestJsonTreeModel::edgeCases_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QStringList>("keys");
    QTest::addColumn<QStringList>("values");
    QTest::addColumn<QStringList>("types");

    QTest::newRow("empty object") << QByteArray("{}") << QStringList() << QStringList() << QStringList();
    QTest::newRow("empty array") << QByteArray(" [ ] ") << QStringList() << QStringList() << QStringList();
    QTest::newRow("nested arrays") << QByteArray("[[1, 2], [[]], [], [true, null]]")
                                   << QStringList({ QStringLiteral("[0]"), QStringLiteral("[1]"), QStringLiteral("[2]"),
                                          QStringLiteral("[3]") })
                                   << QStringList({ QStringLiteral("[2 items]"), QStringLiteral("[1 item]"),
                                          QStringLiteral("[0 items]"), QStringLiteral("[2 items]") })
                                   << QStringList({ QStringLiteral("array"), QStringLiteral("array"),
                                          QStringLiteral("array"), QStringLiteral("array") });
    QTest::newRow("object summaries")
        << QByteArray(R"({"one": {"a": 1}, "three": {"a": 1, "b": 2, "c": 3}, "none": {}})")
        << QStringList({ QStringLiteral("one"), QStringLiteral("three"), QStringLiteral("none") })
        << QStringList({ QStringLiteral("{1 key}"), QStringLiteral("{3 keys}"), QStringLiteral("{0 keys}") })
        << QStringList({ QStringLiteral("object"), QStringLiteral("object"), QStringLiteral("object") });
    QTest::newRow("scalars") << QByteArray(R"({"s": "text", "n": -1.5e3, "t": true, "f": false, "z": null, "e": ""})")
                             << QStringList({ QStringLiteral("s"), QStringLiteral("n"), QStringLiteral("t"),
                                    QStringLiteral("f"), QStringLiteral("z"), QStringLiteral("e") })
                             << QStringList({ QStringLiteral("text"), QStringLiteral("-1.5e3"), QStringLiteral("true"),
                                    QStringLiteral("false"), QStringLiteral("null"), QString() })
                             << QStringList(
                                    { QStringLiteral("string"), QStringLiteral("number"), QStringLiteral("boolean"),
                                        QStringLiteral("boolean"), QStringLiteral("null"), QStringLiteral("string") });
    // Strictly invalid, but QJsonDocument accepts it and the tree must agree with the capture.
    QTest::newRow("raw control character")
        << QByteArray("[\"a\x01\tb\"]") << QStringList({ QStringLiteral("[0]") })
        << QStringList({ QStringLiteral("a\x01 b") }) << QStringList({ QStringLiteral("string") });
    QTest::newRow("byte order mark and bare fraction")
        << QByteArray("\xef\xbb\xbf[.5, -.25]") << QStringList({ QStringLiteral("[0]"), QStringLiteral("[1]") })
        << QStringList({ QStringLiteral(".5"), QStringLiteral("-.25") })
        << QStringList({ QStringLiteral("number"), QStringLiteral("number") });
    QTest::newRow("top-level number") << QByteArray(" 42 ") << QStringList({ QString() })
                                      << QStringList({ QStringLiteral("42") })
                                      << QStringList({ QStringLiteral("number") });
    QTest::newRow("top-level string") << QByteArray(R"("hello \"you\"")") << QStringList({ QString() })
                                      << QStringList({ QStringLiteral("hello \"you\"") })
                                      << QStringList({ QStringLiteral("string") });
    QTest::newRow("top-level true") << QByteArray("true") << QStringList({ QString() })
                                    << QStringList({ QStringLiteral("true") })
                                    << QStringList({ QStringLiteral("boolean") });
    QTest::newRow("top-level null") << QByteArray("\r\n\tnull\n") << QStringList({ QString() })
                                    << QStringList({ QStringLiteral("null") })
                                    << QStringList({ QStringLiteral("null") });
    QTest::newRow("escapes") << QByteArray(R"(["a\/b\\c", "tab\there", "\u00e9\ud83d\ude00"])")
                             << QStringList({ QStringLiteral("[0]"), QStringLiteral("[1]"), QStringLiteral("[2]") })
                             << QStringList({ QStringLiteral("a/b\\c"), QStringLiteral("tab here"),
                                    QString::fromUtf8("\xc3\xa9\xf0\x9f\x98\x80") })
                             << QStringList(
                                    { QStringLiteral("string"), QStringLiteral("string"), QStringLiteral("string") });
}

void TestJsonTreeModel::edgeCases()
{
    QFETCH(QByteArray, json);
    QFETCH(QStringList, keys);
    QFETCH(QStringList, values);
    QFETCH(QStringList, types);

    JsonTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QVERIFY(model.setJson(json));
    QVERIFY(!model.isEmpty());
    QCOMPARE(model.rowCount(), int(keys.size()));
    for (int row = 0; row < model.rowCount(); ++row) {
        QCOMPARE(cell(model, {}, row, JsonTreeModel::KeyColumn), keys.at(row));
        QCOMPARE(cell(model, {}, row, JsonTreeModel::ValueColumn), values.at(row));
        QCOMPARE(cell(model, {}, row, JsonTreeModel::TypeColumn), types.at(row));
        QVERIFY(!model.parent(model.index(row, 0)).isValid());
    }
    // Whatever went in comes out as the same document.
    const QString indented = model.toIndentedJson();
    JsonTreeModel again;
    QVERIFY2(again.setJson(indented.toUtf8()), qPrintable(indented));
    QCOMPARE(again.toIndentedJson(), indented);
}

void TestJsonTreeModel::unicode()
{
    const QByteArray json = "{\"\xd0\xba\xd0\xbb\xd1\x8e\xd1\x87\": \"\xd0\xb7\xd0\xbd\xd0\xb0\xd1\x87\", "
                            "\"\xf0\x9f\x98\x80\": 1, \"k\\u00e9y\": [\"\xe6\x97\xa5\xe6\x9c\xac\"]}";
    JsonTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QVERIFY(model.setJson(json));
    QCOMPARE(topLevelKeys(model),
        QStringList({ QString::fromUtf8("\xd0\xba\xd0\xbb\xd1\x8e\xd1\x87"), QString::fromUtf8("\xf0\x9f\x98\x80"),
            QString::fromUtf8("k\xc3\xa9y") }));
    QCOMPARE(cell(model, {}, 0, JsonTreeModel::ValueColumn), QString::fromUtf8("\xd0\xb7\xd0\xbd\xd0\xb0\xd1\x87"));
    QCOMPARE(
        cell(model, model.index(2, 0), 0, JsonTreeModel::ValueColumn), QString::fromUtf8("\xe6\x97\xa5\xe6\x9c\xac"));
    QCOMPARE(QJsonDocument::fromJson(model.toIndentedJson().toUtf8()), QJsonDocument::fromJson(json));
}

void TestJsonTreeModel::numbersKeepTheirText()
{
    // A 64-bit id must not be rounded through double.
    JsonTreeModel model;
    QVERIFY(model.setJson(R"({"id": 12345678901234567890, "f": 0.10000000000000001, "e": 1E+2})"));
    QCOMPARE(cell(model, {}, 0, JsonTreeModel::ValueColumn), QStringLiteral("12345678901234567890"));
    QCOMPARE(cell(model, {}, 1, JsonTreeModel::ValueColumn), QStringLiteral("0.10000000000000001"));
    QCOMPARE(cell(model, {}, 2, JsonTreeModel::ValueColumn), QStringLiteral("1E+2"));
    QVERIFY(model.toIndentedJson().contains(QStringLiteral("\"id\": 12345678901234567890")));
}

void TestJsonTreeModel::duplicateKeysStayVisible()
{
    JsonTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QVERIFY(model.setJson(R"({"a": 1, "a": 2})"));
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(cell(model, {}, 0, JsonTreeModel::ValueColumn), QStringLiteral("1"));
    QCOMPARE(cell(model, {}, 1, JsonTreeModel::ValueColumn), QStringLiteral("2"));
}

void TestJsonTreeModel::invalid_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<qint64>("offset");

    QTest::newRow("empty") << QByteArray() << qint64(0);
    QTest::newRow("whitespace only") << QByteArray(" \n ") << qint64(3);
    QTest::newRow("unclosed object") << QByteArray("{\"a\": 1") << qint64(7);
    QTest::newRow("missing value") << QByteArray("{\"a\":}") << qint64(5);
    QTest::newRow("missing colon") << QByteArray("{\"a\" 1}") << qint64(5);
    QTest::newRow("unquoted key") << QByteArray("{a: 1}") << qint64(1);
    QTest::newRow("trailing comma in object") << QByteArray("{\"a\": 1,}") << qint64(8);
    QTest::newRow("trailing comma in array") << QByteArray("[1,]") << qint64(3);
    QTest::newRow("missing comma") << QByteArray("[1 2]") << qint64(3);
    QTest::newRow("leading zero") << QByteArray("01") << qint64(1);
    QTest::newRow("bare minus") << QByteArray("-") << qint64(1);
    QTest::newRow("no fraction digits") << QByteArray("1.") << qint64(2);
    QTest::newRow("lone point") << QByteArray("[.]") << qint64(2);
    QTest::newRow("no exponent digits") << QByteArray("[1e+]") << qint64(4);
    QTest::newRow("NaN") << QByteArray("NaN") << qint64(0);
    QTest::newRow("truncated literal") << QByteArray("[nul]") << qint64(1);
    QTest::newRow("single quotes") << QByteArray("['a']") << qint64(1);
    QTest::newRow("unterminated string") << QByteArray("\"abc") << qint64(4);
    QTest::newRow("bad escape") << QByteArray("\"\\x\"") << qint64(2);
    QTest::newRow("short unicode escape") << QByteArray("\"\\u12\"") << qint64(2);
    QTest::newRow("invalid UTF-8") << QByteArray("{\"k\": \"a\xff\"}") << qint64(8);
    QTest::newRow("overlong UTF-8") << QByteArray("\"\xc0\xaf\"") << qint64(1);
    QTest::newRow("UTF-8 surrogate") << QByteArray("\"\xed\xa0\x80\"") << qint64(1);
    QTest::newRow("garbage after") << QByteArray("{} x") << qint64(3);
    QTest::newRow("two documents") << QByteArray("{}{}") << qint64(2);
    QTest::newRow("HTML") << QByteArray("<html><body>502</body></html>") << qint64(0);
}

void TestJsonTreeModel::invalid()
{
    QFETCH(QByteArray, json);
    QFETCH(qint64, offset);

    JsonTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QVERIFY(!model.setJson(json));
    QVERIFY(model.isEmpty());
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(!model.index(0, 0).isValid());
    QVERIFY(!model.errorString().isEmpty());
    QCOMPARE(model.errorOffset(), offset);
    QVERIFY(model.toIndentedJson().isEmpty());
    // What the strict parser refuses, Qt refuses too (Qt also refuses scalars, not tested here).
    QVERIFY(QJsonDocument::fromJson(json).isNull());
}

void TestJsonTreeModel::invalidAfterValidEmptiesTheModel()
{
    JsonTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QVERIFY(model.setJson(sample(QStringLiteral("request-updated.json"))));
    QVERIFY(model.rowCount() > 0);
    QVERIFY(!model.setJson("{\"broken\": "));
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(model.setJson("[1]"));
    QCOMPARE(model.rowCount(), 1);
    QVERIFY(model.errorString().isEmpty());
}

void TestJsonTreeModel::clear()
{
    JsonTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QVERIFY(!model.setJson("nope"));
    QVERIFY(model.setJson(sample(QStringLiteral("request-escalated.json"))));
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    model.clear();
    QCOMPARE(resets.size(), 1);
    QVERIFY(model.isEmpty());
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(model.errorString().isEmpty());
    QCOMPARE(model.errorOffset(), qint64(-1));
}

void TestJsonTreeModel::longStringsAreElidedOnlyInDisplay()
{
    const QString longText = QString(JsonTreeModel::DisplayLimit, QLatin1Char('x')) + QStringLiteral("TAIL");
    JsonTreeModel model;
    QVERIFY(model.setJson("{\"long\": \"" + longText.toUtf8() + "\", \"lines\": \"one\\ntwo\"}"));
    const QString display = cell(model, {}, 0, JsonTreeModel::ValueColumn);
    QCOMPARE(display.size(), JsonTreeModel::DisplayLimit + 1);
    QVERIFY(display.endsWith(QChar(0x2026)));
    QVERIFY(!display.contains(QStringLiteral("TAIL")));
    QCOMPARE(cell(model, {}, 0, JsonTreeModel::ValueColumn, Qt::ToolTipRole), longText);

    QCOMPARE(cell(model, {}, 1, JsonTreeModel::ValueColumn), QStringLiteral("one two"));
    QCOMPARE(cell(model, {}, 1, JsonTreeModel::ValueColumn, Qt::ToolTipRole), QStringLiteral("one\ntwo"));
}

void TestJsonTreeModel::headers()
{
    JsonTreeModel model;
    QCOMPARE(model.columnCount(), int(JsonTreeModel::ColumnCount));
    QCOMPARE(model.headerData(JsonTreeModel::KeyColumn, Qt::Horizontal).toString(), QStringLiteral("Key"));
    QCOMPARE(model.headerData(JsonTreeModel::ValueColumn, Qt::Horizontal).toString(), QStringLiteral("Value"));
    QCOMPARE(model.headerData(JsonTreeModel::TypeColumn, Qt::Horizontal).toString(), QStringLiteral("Type"));
    QVERIFY(!model.headerData(0, Qt::Vertical).isValid());
}

void TestJsonTreeModel::indentedJson()
{
    JsonTreeModel model;
    QVERIFY(model.setJson(R"({"b":[1,{"c":null}],"a":"x\"y\n\u0001","e":{},"f":[]})"));
    const QString expected = QStringLiteral("{\n"
                                            "  \"b\": [\n"
                                            "    1,\n"
                                            "    {\n"
                                            "      \"c\": null\n"
                                            "    }\n"
                                            "  ],\n"
                                            "  \"a\": \"x\\\"y\\n\\u0001\",\n"
                                            "  \"e\": {},\n"
                                            "  \"f\": []\n"
                                            "}\n");
    QCOMPARE(model.toIndentedJson(), expected);

    QVERIFY(model.setJson("[.5, -.25, -1.5]"));
    QCOMPARE(model.toIndentedJson(), QStringLiteral("[\n  0.5,\n  -0.25,\n  -1.5\n]\n"));

    QVERIFY(model.setJson("  \"only\" "));
    QCOMPARE(model.toIndentedJson(), QStringLiteral("\"only\"\n"));
}

void TestJsonTreeModel::nestingLimit()
{
    JsonTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    const int deep = 100;
    QVERIFY(model.setJson(QByteArray(deep, '[') + QByteArray(deep, ']')));
    QModelIndex index = model.index(0, 0);
    int depth = 1;
    while (model.rowCount(index) > 0) {
        index = model.index(0, 0, index);
        ++depth;
    }
    QCOMPARE(depth, deep - 1); // the outermost array is the invisible top

    QVERIFY(model.setJson(QByteArray(1024, '[') + QByteArray(1024, ']'))); // as deep as QJsonDocument goes
    QVERIFY(!model.setJson(QByteArray(100000, '[') + QByteArray(100000, ']')));
    QVERIFY(model.errorString().contains(QStringLiteral("nested")));
}

void TestJsonTreeModel::byteOrderMarksInsideStringsSurvive()
{
    // Found by the payload fuzzer: U+FEFF at a string's start or after an escape was dropped.
    JsonTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    QVERIFY(model.setJson("[\"\xef\xbb\xbfX\", \"\\u0041\xef\xbb\xbf"
                          "B\"]"));
    QCOMPARE(model.rowCount(), 2);
    const QString first = model.index(0, JsonTreeModel::ValueColumn).data(Qt::ToolTipRole).toString();
    const QString second = model.index(1, JsonTreeModel::ValueColumn).data(Qt::ToolTipRole).toString();
    QVERIFY2(first.contains(QString(QChar(0xfeff)) + QLatin1Char('X')), qPrintable(first));
    QVERIFY2(second.contains(QStringLiteral("A") + QChar(0xfeff) + QLatin1Char('B')), qPrintable(second));
}

QTEST_GUILESS_MAIN(TestJsonTreeModel)

#include "tst_jsontreemodel.moc"
