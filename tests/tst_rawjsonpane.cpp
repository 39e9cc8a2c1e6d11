#include "CapturedEvent.h"
#include "JsonTreeModel.h"
#include "RawJsonPane.h"
#include "TestSupport.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QClipboard>
#include <QJsonDocument>
#include <QLabel>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStackedWidget>
#include <QTest>
#include <QToolButton>
#include <QTreeView>
#include <functional>

namespace {
using TestSupport::sample;

CapturedEvent makeEvent(const QByteArray &body, const QString &error = {}, qint64 errorOffset = -1)
{
    CapturedEvent event;
    event.body = body;
    event.error = error;
    event.errorOffset = errorOffset;
    event.row.valid = error.isEmpty();
    event.row.sizeBytes = int(body.size());
    return event;
}

// Finds the pane's parts by object name, failing the test when one is missing.
struct Parts
{
    explicit Parts(RawJsonPane &pane)
        : emptyLabel(pane.findChild<QLabel *>(QStringLiteral("emptyLabel")))
        , banner(pane.findChild<QLabel *>(QStringLiteral("banner")))
        , tree(pane.findChild<QTreeView *>(QStringLiteral("rawTree")))
        , text(pane.findChild<QPlainTextEdit *>(QStringLiteral("rawText")))
        , hex(pane.findChild<QPlainTextEdit *>(QStringLiteral("rawHex")))
        , treeButton(pane.findChild<QToolButton *>(QStringLiteral("treeButton")))
        , textButton(pane.findChild<QToolButton *>(QStringLiteral("textButton")))
        , hexButton(pane.findChild<QToolButton *>(QStringLiteral("hexButton")))
        , copyJson(pane.findChild<QPushButton *>(QStringLiteral("copyJsonButton")))
        , copyRaw(pane.findChild<QPushButton *>(QStringLiteral("copyRawButton")))
    { }
    bool complete() const
    {
        return emptyLabel && banner && tree && text && hex && treeButton && textButton && hexButton && copyJson
            && copyRaw;
    }
    // What the pane shows right now, the empty label included.
    bool showing(QWidget *widget) const
    {
        for (QWidget *w = widget; w; w = w->parentWidget()) {
            if (auto *stack = qobject_cast<QStackedWidget *>(w->parentWidget()); stack && stack->currentWidget() != w)
                return false;
        }
        return !widget->isHidden();
    }

    QLabel *emptyLabel;
    QLabel *banner;
    QTreeView *tree;
    QPlainTextEdit *text;
    QPlainTextEdit *hex;
    QToolButton *treeButton;
    QToolButton *textButton;
    QToolButton *hexButton;
    QPushButton *copyJson;
    QPushButton *copyRaw;
};

QStringList selectedTexts(const QPlainTextEdit *edit)
{
    QStringList texts;
    const QList<QTextEdit::ExtraSelection> selections = edit->extraSelections();
    for (const QTextEdit::ExtraSelection &selection : selections)
        texts.append(selection.cursor.selectedText());
    return texts;
}
} // namespace

class TestRawJsonPane : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emptyState();
    void validSamples_data();
    void validSamples();
    void rememberTreeOrText();
    void validJsonWithAnEventError();
    void invalidText();
    void invalidWithoutAnEventErrorUsesTheParserError();
    void errorAtTheEnd();
    void neverInterpretedAsHtml();
    void emptyBody();
    void binaryBody_data();
    void binaryBody();
    void largeBinaryIsDumpedAroundTheError();
    void hexDumpLayout();
    void looksBinary_data();
    void looksBinary();
};

void TestRawJsonPane::emptyState()
{
    RawJsonPane pane;
    Parts parts(pane);
    QVERIFY(parts.complete());
    QVERIFY(parts.showing(parts.emptyLabel));
    QCOMPARE(parts.emptyLabel->text(), QStringLiteral("Select an event to see its raw JSON."));
    QVERIFY(!parts.showing(parts.tree));

    pane.setEvent(makeEvent("{\"a\": 1}"));
    QVERIFY(!parts.showing(parts.emptyLabel));
    pane.clearEvent();
    QVERIFY(parts.showing(parts.emptyLabel));
    QVERIFY(parts.text->toPlainText().isEmpty());
    QCOMPARE(parts.tree->model()->rowCount(), 0);
}

void TestRawJsonPane::validSamples_data()
{
    QTest::addColumn<QString>("file");
    const QStringList files = TestSupport::sampleFiles();
    for (const QString &file : files)
        QTest::newRow(qPrintable(file)) << file;
}

void TestRawJsonPane::validSamples()
{
    QFETCH(QString, file);
    const QByteArray body = sample(file);
    RawJsonPane pane;
    Parts parts(pane);
    QVERIFY(parts.complete());
    QAbstractItemModelTester tester(parts.tree->model(), QAbstractItemModelTester::FailureReportingMode::Fatal);

    pane.setEvent(makeEvent(body));
    QVERIFY(parts.showing(parts.tree));
    QVERIFY(parts.banner->isHidden());
    QVERIFY(!parts.treeButton->isHidden());
    QVERIFY(!parts.textButton->isHidden());
    QVERIFY(parts.hexButton->isHidden());
    QVERIFY(parts.treeButton->isChecked());
    QVERIFY(parts.copyJson->isEnabled());
    QVERIFY(parts.copyRaw->isEnabled());

    // Two levels open, deeper ones closed.
    const QAbstractItemModel *model = parts.tree->model();
    QVERIFY(model->rowCount() > 0);
    int checkedContainers = 0;
    std::function<void(const QModelIndex &, int)> walk = [&](const QModelIndex &parent, int depth) {
        for (int row = 0; row < model->rowCount(parent); ++row) {
            const QModelIndex index = model->index(row, 0, parent);
            if (model->rowCount(index) == 0)
                continue;
            ++checkedContainers;
            QCOMPARE(parts.tree->isExpanded(index), depth < 2);
            walk(index, depth + 1);
        }
    };
    walk({}, 0);
    QVERIFY(checkedContainers > 0);

    // The Text view is the same document, indented.
    QCOMPARE(QJsonDocument::fromJson(parts.text->toPlainText().toUtf8()), QJsonDocument::fromJson(body));
    QVERIFY(parts.text->isReadOnly());

    parts.copyJson->click();
    QCOMPARE(QApplication::clipboard()->text(), parts.text->toPlainText());
    parts.copyRaw->click();
    QCOMPARE(QApplication::clipboard()->text(), QString::fromUtf8(body));
    QCOMPARE(QApplication::clipboard()->mimeData()->data(QStringLiteral("application/octet-stream")), body);
}

void TestRawJsonPane::rememberTreeOrText()
{
    RawJsonPane pane;
    Parts parts(pane);
    pane.setEvent(makeEvent(sample(QStringLiteral("request-created.json"))));
    QVERIFY(parts.showing(parts.tree));
    parts.textButton->click();
    QVERIFY(parts.showing(parts.text));
    QVERIFY(!parts.showing(parts.tree));

    // The reader chose Text: the next valid event opens in Text too.
    pane.setEvent(makeEvent(sample(QStringLiteral("request-updated.json"))));
    QVERIFY(parts.showing(parts.text));
    QVERIFY(parts.textButton->isChecked());
    // An invalid one in between does not change that choice.
    pane.setEvent(makeEvent(QByteArray("\x00\x01", 2), QStringLiteral("binary")));
    pane.setEvent(makeEvent("[1]"));
    QVERIFY(parts.showing(parts.text));
    parts.treeButton->click();
    QVERIFY(parts.showing(parts.tree));
}

void TestRawJsonPane::validJsonWithAnEventError()
{
    RawJsonPane pane;
    Parts parts(pane);
    pane.setEvent(makeEvent("[1, 2]", QStringLiteral("Body is a JSON array, expected an object")));
    QVERIFY(parts.showing(parts.tree));
    QCOMPARE(parts.tree->model()->rowCount(), 2);
    QVERIFY(!parts.banner->isHidden());
    QCOMPARE(parts.banner->text(), QStringLiteral("Body is a JSON array, expected an object."));
}

void TestRawJsonPane::invalidText()
{
    const QByteArray body = "{\n  \"a\": 1,,\n  \"b\": \"\xc3\xa9\"\n}";
    const qint64 offset = body.indexOf(",,") + 1;
    const QString error = QStringLiteral("Body is not valid JSON: illegal value at byte %1").arg(offset);
    RawJsonPane pane;
    Parts parts(pane);
    pane.setEvent(makeEvent(body, error, offset));

    QVERIFY(parts.showing(parts.text));
    QVERIFY(!parts.banner->isHidden());
    QVERIFY(parts.banner->text().startsWith(error));
    QVERIFY(parts.banner->text().contains(QStringLiteral("marked")));
    QCOMPARE(parts.text->toPlainText(), QString::fromUtf8(body));
    QCOMPARE(selectedTexts(parts.text), QStringList({ QStringLiteral(",") }));
    QCOMPARE(parts.text->textCursor().position(), int(offset)); // all ASCII before it
    QVERIFY(parts.treeButton->isHidden());
    QVERIFY(parts.textButton->isHidden());
    QVERIFY(parts.hexButton->isHidden());
    QVERIFY(!parts.copyJson->isEnabled());
    QVERIFY(parts.copyRaw->isEnabled());
    QCOMPARE(parts.tree->model()->rowCount(), 0);

    parts.copyRaw->click();
    QCOMPARE(QApplication::clipboard()->text(), QString::fromUtf8(body));
}

void TestRawJsonPane::invalidWithoutAnEventErrorUsesTheParserError()
{
    RawJsonPane pane;
    Parts parts(pane);
    pane.setEvent(makeEvent("[1 2]"));
    QVERIFY(!parts.banner->isHidden());
    QCOMPARE(
        parts.banner->text(), QStringLiteral("Invalid JSON: expected ',' or ']' at byte 3. The byte is marked below."));
    QCOMPARE(selectedTexts(parts.text), QStringList({ QStringLiteral("2") }));
}

void TestRawJsonPane::errorAtTheEnd()
{
    RawJsonPane pane;
    Parts parts(pane);
    pane.setEvent(makeEvent("{\"a\": ", QStringLiteral("Body ends too early at byte 6"), 6));
    QVERIFY(parts.banner->text().contains(QStringLiteral("end of the body")));
    QVERIFY(parts.text->extraSelections().isEmpty());
}

void TestRawJsonPane::neverInterpretedAsHtml()
{
    const QByteArray body = "<html><body><b>502</b> Bad Gateway<script>alert(1)</script></body></html>";
    const QString error = QStringLiteral("Body is not JSON: <i>starts with '<'</i>");
    RawJsonPane pane;
    Parts parts(pane);
    pane.setEvent(makeEvent(body, error, 0));
    QCOMPARE(parts.banner->textFormat(), Qt::PlainText);
    QVERIFY(parts.banner->text().startsWith(error));
    QCOMPARE(parts.text->toPlainText(), QString::fromUtf8(body));
    QCOMPARE(parts.text->document()->toPlainText(), QString::fromUtf8(body));
    QCOMPARE(selectedTexts(parts.text), QStringList({ QStringLiteral("<") }));
}

void TestRawJsonPane::emptyBody()
{
    RawJsonPane pane;
    Parts parts(pane);
    pane.setEvent(makeEvent({}));
    QVERIFY(!parts.banner->isHidden());
    QCOMPARE(parts.banner->text(), QStringLiteral("The body is empty."));
    QVERIFY(!parts.copyRaw->isEnabled());
    QVERIFY(!parts.copyJson->isEnabled());
    QVERIFY(parts.text->toPlainText().isEmpty());
}

void TestRawJsonPane::binaryBody_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<qint64>("offset");
    QTest::addColumn<QString>("markedHex");
    QTest::addColumn<QString>("markedAscii");
    QTest::addColumn<QString>("text");

    QTest::newRow("NUL bytes") << QByteArray("{\"a\":\x00\x01}", 8) << qint64(5) << QStringLiteral("00")
                               << QStringLiteral(".") << QString::fromUtf8("{\"a\":\xe2\x90\x80\xe2\x90\x81}");
    QTest::newRow("invalid UTF-8") << QByteArray("{\"k\": \"a\xff\"}") << qint64(8) << QStringLiteral("ff")
                                   << QStringLiteral(".") << QString::fromUtf8("{\"k\": \"a\xef\xbf\xbd\"}");
    QTest::newRow("gzip") << QByteArray("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10) << qint64(0)
                          << QStringLiteral("1f") << QStringLiteral(".") << QString();
    QTest::newRow("second line") << (QByteArray(20, 'A') + QByteArray("\x02Z", 2)) << qint64(21) << QStringLiteral("5a")
                                 << QStringLiteral("Z") << QString();
}

void TestRawJsonPane::binaryBody()
{
    QFETCH(QByteArray, body);
    QFETCH(qint64, offset);
    QFETCH(QString, markedHex);
    QFETCH(QString, markedAscii);
    QFETCH(QString, text);

    RawJsonPane pane;
    Parts parts(pane);
    pane.setEvent(makeEvent(body, QStringLiteral("Body is not valid JSON"), offset));
    QVERIFY(parts.showing(parts.hex));
    QVERIFY(parts.hexButton->isChecked());
    QVERIFY(!parts.hexButton->isHidden());
    QVERIFY(!parts.textButton->isHidden());
    QVERIFY(parts.treeButton->isHidden());
    QVERIFY(parts.hex->toPlainText().startsWith(QStringLiteral("00000000  ")));
    QCOMPARE(parts.hex->toPlainText(), RawJsonPane::hexDump(body, 0, body.size()));
    QCOMPARE(selectedTexts(parts.hex), QStringList({ markedHex, markedAscii }));
    QCOMPARE(selectedTexts(parts.text).size(), 1);
    if (!text.isEmpty())
        QCOMPARE(parts.text->toPlainText(), text);

    parts.textButton->click();
    QVERIFY(parts.showing(parts.text));

    parts.copyRaw->click();
    QCOMPARE(QApplication::clipboard()->mimeData()->data(QStringLiteral("application/octet-stream")), body);
}

void TestRawJsonPane::largeBinaryIsDumpedAroundTheError()
{
    QByteArray body(RawJsonPane::HexDumpLimit * 3, '\0');
    const qint64 offset = RawJsonPane::HexDumpLimit * 2 + 5;
    body[offset] = 'Q';
    RawJsonPane pane;
    Parts parts(pane);
    pane.setEvent(makeEvent(body, QStringLiteral("binary"), offset));
    const QString dump = parts.hex->toPlainText();
    QVERIFY(dump.startsWith(QStringLiteral("... ")));
    QVERIFY(dump.trimmed().endsWith(QStringLiteral("bytes after this are not shown")));
    QVERIFY(dump.size() < RawJsonPane::HexDumpLimit / 16 * 80 + 200);
    QCOMPARE(selectedTexts(parts.hex), QStringList({ QStringLiteral("51"), QStringLiteral("Q") }));
}

void TestRawJsonPane::hexDumpLayout()
{
    const QByteArray data("0123456789abcdef\x00\x7f\xff Z", 21);
    int hexPosition = -1;
    int asciiPosition = -1;
    const QString dump = RawJsonPane::hexDump(data, 0, data.size(), 20, &hexPosition, &asciiPosition);
    // The ASCII column starts at the same place on a short last line.
    const QString expected
        = QStringLiteral("00000000  30 31 32 33 34 35 36 37  38 39 61 62 63 64 65 66  |0123456789abcdef|\n")
        + QStringLiteral("00000010  00 7f ff 20 5a") + QString(36, QLatin1Char(' ')) + QStringLiteral("|... Z|\n");
    QCOMPARE(dump, expected);
    QCOMPARE(dump.mid(hexPosition, 2), QStringLiteral("5a"));
    QCOMPARE(dump.mid(asciiPosition, 1), QStringLiteral("Z"));

    // A window keeps absolute offsets.
    QCOMPARE(RawJsonPane::hexDump(data, 16, 18),
        QStringLiteral("00000010  00 7f") + QString(45, QLatin1Char(' ')) + QStringLiteral("|..|\n"));
    QVERIFY(RawJsonPane::hexDump({}, 0, 0).isEmpty());
}

void TestRawJsonPane::looksBinary_data()
{
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<bool>("binary");
    QTest::newRow("empty") << QByteArray() << false;
    QTest::newRow("json") << QByteArray("{\"a\": [1, 2]}\r\n\t") << false;
    QTest::newRow("utf-8") << QByteArray("\"\xc3\xa9\xf0\x9f\x98\x80\"") << false;
    QTest::newRow("NUL") << QByteArray("a\0b", 3) << true;
    QTest::newRow("escape") << QByteArray("\x1b[31m") << true;
    QTest::newRow("DEL") << QByteArray("a\x7f") << true;
    QTest::newRow("latin-1") << QByteArray("caf\xe9") << true;
    QTest::newRow("truncated UTF-8") << QByteArray("ab\xe2\x82") << true;
}

void TestRawJsonPane::looksBinary()
{
    QFETCH(QByteArray, data);
    QFETCH(bool, binary);
    QCOMPARE(RawJsonPane::looksBinary(data), binary);
}

QTEST_MAIN(TestRawJsonPane)

#include "tst_rawjsonpane.moc"
