#include "CapturedEvent.h"
#include "HeadersPane.h"

#include <QApplication>
#include <QClipboard>
#include <QDateTime>
#include <QLabel>
#include <QPushButton>
#include <QStackedWidget>
#include <QTableWidget>
#include <QTest>

namespace {
const QByteArray kSecret = "s3cr3t-t0ken";

CapturedEvent makeEvent(const QByteArray &authorizationName = "authorization")
{
    CapturedEvent event;
    event.method = QStringLiteral("POST");
    event.remoteAddress = QStringLiteral("10.1.2.3");
    event.row.path = QStringLiteral("/webhooks/thena");
    event.row.receivedMs = QDateTime(QDate(2026, 11, 30), QTime(14, 2, 11, 512), Qt::UTC).toMSecsSinceEpoch();
    event.row.sizeBytes = 3518;
    event.body = "{}";
    event.headers = {
        { "Host", "127.0.0.1:8080" },
        { "Content-Type", "application/json" },
        { authorizationName, kSecret },
        { "User-Agent", "axios/1.6.0" },
        { "X-Empty", "" },
        { "X-Caf\xc3\xa9", "caf\xc3\xa9" },
    };
    return event;
}

// Every text the pane shows, to prove the secret is in none of them.
QStringList allVisibleTexts(const HeadersPane &pane)
{
    QStringList texts;
    const QList<QLabel *> labels = pane.findChildren<QLabel *>();
    for (const QLabel *label : labels)
        texts.append(label->text());
    const auto *table = pane.findChild<QTableWidget *>(QStringLiteral("headersTable"));
    for (int row = 0; row < table->rowCount(); ++row) {
        for (int column = 0; column < table->columnCount(); ++column) {
            texts.append(table->item(row, column)->text());
            texts.append(table->item(row, column)->toolTip());
        }
    }
    return texts;
}

QString labelText(const HeadersPane &pane, const char *name)
{
    const auto *label = pane.findChild<QLabel *>(QLatin1String(name));
    return label ? label->text() : QStringLiteral("<missing>");
}

bool showingContent(const HeadersPane &pane)
{
    const auto *stack = pane.findChild<QStackedWidget *>();
    return stack && stack->currentWidget() != pane.findChild<QLabel *>(QStringLiteral("emptyLabel"));
}
} // namespace

class TestHeadersPane : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emptyState();
    void summary();
    void headersInOrder();
    void authorizationIsMasked_data();
    void authorizationIsMasked();
    void maskedValue_data();
    void maskedValue();
    void copyHeaders();
    void importedMaskIsShownAsItIs();
    void sizeFallsBackToTheBody();
    void plainTextOnly();
};

void TestHeadersPane::emptyState()
{
    HeadersPane pane;
    const auto *empty = pane.findChild<QLabel *>(QStringLiteral("emptyLabel"));
    QVERIFY(empty);
    QCOMPARE(empty->text(), QStringLiteral("Select an event to see its headers."));
    QVERIFY(!showingContent(pane));
    QVERIFY(!pane.findChild<QPushButton *>(QStringLiteral("copyHeadersButton"))->isEnabled());

    pane.setEvent(makeEvent());
    QVERIFY(showingContent(pane));
    pane.clearEvent();
    QVERIFY(!showingContent(pane));
    QCOMPARE(pane.findChild<QTableWidget *>(QStringLiteral("headersTable"))->rowCount(), 0);
    QVERIFY(labelText(pane, "methodValue").isEmpty());
}

void TestHeadersPane::summary()
{
    HeadersPane pane;
    const CapturedEvent event = makeEvent();
    pane.setEvent(event);
    QCOMPARE(labelText(pane, "methodValue"), QStringLiteral("POST"));
    QCOMPARE(labelText(pane, "pathValue"), QStringLiteral("/webhooks/thena"));
    QCOMPARE(labelText(pane, "remoteAddressValue"), QStringLiteral("10.1.2.3"));
    const QDateTime local = QDateTime::fromMSecsSinceEpoch(event.row.receivedMs, Qt::UTC).toLocalTime();
    QVERIFY(labelText(pane, "receivedValue").startsWith(local.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"))));
    QVERIFY(labelText(pane, "receivedValue").contains(QStringLiteral(".512")));
    QVERIFY(labelText(pane, "sizeValue").contains(QLocale().toString(3518)));
    QVERIFY(labelText(pane, "sizeValue").contains(QStringLiteral("bytes")));
    QVERIFY(labelText(pane, "sizeValue").contains(QStringLiteral("KiB")));

    CapturedEvent bare;
    pane.setEvent(bare);
    QCOMPARE(labelText(pane, "methodValue"), QStringLiteral("(none)"));
    QCOMPARE(labelText(pane, "sizeValue"), QStringLiteral("0 bytes"));
}

void TestHeadersPane::headersInOrder()
{
    HeadersPane pane;
    const CapturedEvent event = makeEvent();
    pane.setEvent(event);
    const auto *table = pane.findChild<QTableWidget *>(QStringLiteral("headersTable"));
    QVERIFY(table);
    QCOMPARE(table->rowCount(), int(event.headers.size()));
    QCOMPARE(table->columnCount(), int(HeadersPane::ColumnCount));
    for (int row = 0; row < table->rowCount(); ++row) {
        const auto &[name, value] = event.headers.at(row);
        QCOMPARE(table->item(row, HeadersPane::NameColumn)->text(), QString::fromLatin1(name));
        if (row != 2)
            QCOMPARE(table->item(row, HeadersPane::ValueColumn)->text(), QString::fromUtf8(value));
        QVERIFY(!(table->item(row, HeadersPane::ValueColumn)->flags() & Qt::ItemIsEditable));
    }
    QCOMPARE(table->item(5, HeadersPane::ValueColumn)->text(), QString::fromUtf8("caf\xc3\xa9"));

    // A new event replaces every row.
    CapturedEvent other;
    other.headers = { { "Only", "one" } };
    pane.setEvent(other);
    QCOMPARE(table->rowCount(), 1);
}

void TestHeadersPane::authorizationIsMasked_data()
{
    QTest::addColumn<QByteArray>("name");
    QTest::newRow("lower case") << QByteArray("authorization");
    QTest::newRow("title case") << QByteArray("Authorization");
    QTest::newRow("upper case") << QByteArray("AUTHORIZATION");
    QTest::newRow("proxy") << QByteArray("Proxy-Authorization");
    // The shared rule (SecretMask), the same one JSON Lines export applies.
    QTest::newRow("webhook secret") << QByteArray("X-Webhook-Secret");
    QTest::newRow("thena secret") << QByteArray("x-thena-secret");
    QTest::newRow("token") << QByteArray("X-Auth-Token");
    QTest::newRow("api key") << QByteArray("X-API-Key");
    QTest::newRow("cookie") << QByteArray("Cookie");
}

void TestHeadersPane::authorizationIsMasked()
{
    QFETCH(QByteArray, name);
    HeadersPane pane;
    pane.setEvent(makeEvent(name));
    const auto *table = pane.findChild<QTableWidget *>(QStringLiteral("headersTable"));
    QCOMPARE(table->item(2, HeadersPane::NameColumn)->text(), QString::fromLatin1(name));
    QCOMPARE(table->item(2, HeadersPane::ValueColumn)->text(),
        QString(8, QChar(0x2022)) + QStringLiteral(" (12 characters)"));
    const QStringList texts = allVisibleTexts(pane);
    for (const QString &text : texts)
        QVERIFY2(!text.contains(QString::fromUtf8(kSecret)), qPrintable(text));

    pane.findChild<QPushButton *>(QStringLiteral("copyHeadersButton"))->click();
    QVERIFY(!QApplication::clipboard()->text().contains(QString::fromUtf8(kSecret)));
}

void TestHeadersPane::maskedValue_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QString>("masked");
    const QString dots(8, QChar(0x2022));
    QTest::newRow("twelve") << QByteArray("abcdefghijkl") << dots + QStringLiteral(" (12 characters)");
    QTest::newRow("one") << QByteArray("x") << dots + QStringLiteral(" (1 character)");
    QTest::newRow("utf-8 counts characters")
        << QByteArray("\xc3\xa9\xc3\xa9") << dots + QStringLiteral(" (2 characters)");
    QTest::newRow("empty") << QByteArray() << QStringLiteral("(empty)");
}

void TestHeadersPane::maskedValue()
{
    QFETCH(QByteArray, value);
    QFETCH(QString, masked);
    QCOMPARE(HeadersPane::maskedValue(value), masked);
    QCOMPARE(HeadersPane::displayValue("Authorization", value), masked);
    QVERIFY(HeadersPane::isSecretHeader("aUtHoRiZaTiOn"));
    QVERIFY(!HeadersPane::isSecretHeader("X-Authorization-Hint"));
    QCOMPARE(HeadersPane::displayValue("Content-Type", "text/plain"), QStringLiteral("text/plain"));
}

void TestHeadersPane::copyHeaders()
{
    HeadersPane pane;
    pane.setEvent(makeEvent("Authorization"));
    auto *button = pane.findChild<QPushButton *>(QStringLiteral("copyHeadersButton"));
    QVERIFY(button->isEnabled());
    button->click();
    const QString expected = QStringLiteral("Host: 127.0.0.1:8080\n"
                                            "Content-Type: application/json\n"
                                            "Authorization: ")
        + QString(8, QChar(0x2022))
        + QStringLiteral(" (12 characters)\n"
                         "User-Agent: axios/1.6.0\n"
                         "X-Empty: \n")
        + QString::fromUtf8("X-Caf\xc3\x83\xc2\xa9: caf\xc3\xa9\n"); // names are Latin-1, values UTF-8
    QCOMPARE(QApplication::clipboard()->text(), expected);
    QCOMPARE(HeadersPane::headersText(makeEvent("Authorization").headers), expected);

    CapturedEvent none;
    pane.setEvent(none);
    QVERIFY(!button->isEnabled());
}

// An event imported from a JSON Lines export carries the mask as its value: the pane shows it as
// it is (the original length), not a mask of the mask.
void TestHeadersPane::importedMaskIsShownAsItIs()
{
    const QString mask = QString(8, QChar(0x2022)) + QStringLiteral(" (12 characters)");
    QCOMPARE(HeadersPane::maskedValue(mask.toUtf8()), mask);
    QCOMPARE(HeadersPane::maskedValue(HeadersPane::maskedValue(kSecret).toUtf8()), mask);

    HeadersPane pane;
    CapturedEvent event = makeEvent();
    event.headers[2].second = mask.toUtf8();
    pane.setEvent(event);
    const auto *table = pane.findChild<QTableWidget *>(QStringLiteral("headersTable"));
    QCOMPARE(table->item(2, HeadersPane::ValueColumn)->text(), mask);

    // Something that only looks a little like a mask is masked like any other value.
    const QByteArray lookalike = (QString(8, QChar(0x2022)) + QStringLiteral(" (012 characters)")).toUtf8();
    QVERIFY(HeadersPane::maskedValue(lookalike) != QString::fromUtf8(lookalike));
}

void TestHeadersPane::sizeFallsBackToTheBody()
{
    HeadersPane pane;
    CapturedEvent event;
    event.body = "12345";
    pane.setEvent(event);
    QCOMPARE(labelText(pane, "sizeValue"), QStringLiteral("5 bytes"));
    event.body = "1";
    pane.setEvent(event);
    QCOMPARE(labelText(pane, "sizeValue"), QStringLiteral("1 byte"));
}

void TestHeadersPane::plainTextOnly()
{
    HeadersPane pane;
    CapturedEvent event;
    event.row.path = QStringLiteral("/hook/<b>x</b>");
    event.remoteAddress = QStringLiteral("<i>evil</i>");
    pane.setEvent(event);
    const QList<QLabel *> labels = pane.findChildren<QLabel *>();
    for (const QLabel *label : labels) {
        if (label->objectName().endsWith(QLatin1String("Value")))
            QCOMPARE(label->textFormat(), Qt::PlainText);
    }
    QCOMPARE(labelText(pane, "pathValue"), QStringLiteral("/hook/<b>x</b>"));
}

QTEST_MAIN(TestHeadersPane)

#include "tst_headerspane.moc"
