#include "ThenaTime.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QTest>

class TestThenaTime : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parseText_data();
    void parseText();
    void parseJsonValue_data();
    void parseJsonValue();
    void resultIsUtc();
    void relativeAge_data();
    void relativeAge();
    void relativeAgeInvalid();
    void formatLocal();
    void describe();
};

namespace {
QDateTime utc(int y, int mo, int d, int h, int mi, int s, int ms = 0)
{
    return QDateTime(QDate(y, mo, d), QTime(h, mi, s, ms), Qt::UTC);
}
} // namespace

void TestThenaTime::parseText_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QDateTime>("expected");

    QTest::newRow("iso with ms (updated sample)")
        << QStringLiteral("2023-08-23T21:31:01.573Z") << utc(2023, 8, 23, 21, 31, 1, 573);
    QTest::newRow("iso without ms") << QStringLiteral("2024-02-29T03:09:11Z") << utc(2024, 2, 29, 3, 9, 11);
    QTest::newRow("iso with offset converts to utc")
        << QStringLiteral("2023-08-23T23:31:01.573+02:00") << utc(2023, 8, 23, 21, 31, 1, 573);
    QTest::newRow("iso without zone is utc")
        << QStringLiteral("2023-08-23T21:31:01.573") << utc(2023, 8, 23, 21, 31, 1, 573);
    QTest::newRow("iso with microseconds")
        << QStringLiteral("2023-08-23T21:31:01.573123Z") << utc(2023, 8, 23, 21, 31, 1, 573);
    QTest::newRow("iso date only") << QStringLiteral("2023-08-23") << utc(2023, 8, 23, 0, 0, 0);
    QTest::newRow("iso surrounded by spaces")
        << QStringLiteral("  2023-08-23T21:31:01Z \n") << utc(2023, 8, 23, 21, 31, 1);
    QTest::newRow("slack ts (updated sample)")
        << QStringLiteral("1692826409.902529") << QDateTime::fromMSecsSinceEpoch(1692826409902LL, Qt::UTC);
    QTest::newRow("slack ts first_response_at")
        << QStringLiteral("1714988615.667009") << QDateTime::fromMSecsSinceEpoch(1714988615667LL, Qt::UTC);
    QTest::newRow("slack ts without fraction")
        << QStringLiteral("1692826409") << QDateTime::fromMSecsSinceEpoch(1692826409000LL, Qt::UTC);
    QTest::newRow("slack ts trailing dot")
        << QStringLiteral("1692826409.") << QDateTime::fromMSecsSinceEpoch(1692826409000LL, Qt::UTC);
    QTest::newRow("slack ts short fraction")
        << QStringLiteral("1692826409.5") << QDateTime::fromMSecsSinceEpoch(1692826409500LL, Qt::UTC);
    QTest::newRow("epoch zero") << QStringLiteral("0") << QDateTime::fromMSecsSinceEpoch(0, Qt::UTC);
    QTest::newRow("milliseconds as text")
        << QStringLiteral("1692826409902") << QDateTime::fromMSecsSinceEpoch(1692826409902LL, Qt::UTC);

    QTest::newRow("garbage (escalated sample)") << QStringLiteral("loremipsum12") << QDateTime();
    QTest::newRow("garbage with digits first") << QStringLiteral("12loremipsum") << QDateTime();
    QTest::newRow("empty") << QString() << QDateTime();
    QTest::newRow("blank") << QStringLiteral("   ") << QDateTime();
    QTest::newRow("two dots") << QStringLiteral("1692826409.90.2") << QDateTime();
    QTest::newRow("negative") << QStringLiteral("-1692826409") << QDateTime();
    QTest::newRow("exponent") << QStringLiteral("1.6e9") << QDateTime();
    QTest::newRow("dot only") << QStringLiteral(".5") << QDateTime();
    QTest::newRow("far future digits") << QStringLiteral("999999999999999") << QDateTime();
    QTest::newRow("too many digits") << QStringLiteral("99999999999999999999999") << QDateTime();
    QTest::newRow("bad iso month") << QStringLiteral("2023-13-23T21:31:01Z") << QDateTime();
    QTest::newRow("iso-looking garbage") << QStringLiteral("2023-xx-23T21:31:01Z") << QDateTime();
    QTest::newRow("lorem ipsum") << QStringLiteral("Lorem ipsum") << QDateTime();
}

void TestThenaTime::parseText()
{
    QFETCH(QString, text);
    QFETCH(QDateTime, expected);
    const QDateTime parsed = ThenaTime::parse(text);
    QCOMPARE(parsed.isValid(), expected.isValid());
    if (expected.isValid()) {
        QCOMPARE(parsed.toMSecsSinceEpoch(), expected.toMSecsSinceEpoch());
        QCOMPARE(parsed.timeSpec(), Qt::UTC);
    }
    // Both overloads must agree: a JSON string is parsed exactly like the text.
    QCOMPARE(ThenaTime::parse(QJsonValue(text)), parsed);
}

void TestThenaTime::parseJsonValue_data()
{
    QTest::addColumn<QJsonValue>("value");
    QTest::addColumn<qint64>("expectedMs"); // -1: invalid

    QTest::newRow("slack ts as number") << QJsonValue(1692826409.902529) << qint64(1692826409903LL);
    QTest::newRow("whole seconds") << QJsonValue(1692826409) << qint64(1692826409000LL);
    QTest::newRow("milliseconds") << QJsonValue(1692826409902.0) << qint64(1692826409902LL);
    QTest::newRow("zero") << QJsonValue(0) << qint64(0);
    QTest::newRow("negative") << QJsonValue(-5) << qint64(-1);
    QTest::newRow("huge") << QJsonValue(1e300) << qint64(-1);
    QTest::newRow("null") << QJsonValue(QJsonValue::Null) << qint64(-1);
    QTest::newRow("undefined") << QJsonValue(QJsonValue::Undefined) << qint64(-1);
    QTest::newRow("bool") << QJsonValue(true) << qint64(-1);
    QTest::newRow("array") << QJsonValue(QJsonArray { 1692826409 }) << qint64(-1);
    QTest::newRow("object") << QJsonValue(QJsonObject { { QStringLiteral("ts"), 1 } }) << qint64(-1);
    QTest::newRow("iso string") << QJsonValue(QStringLiteral("2024-02-29T03:09:11.697Z")) << qint64(1709176151697LL);
}

void TestThenaTime::parseJsonValue()
{
    QFETCH(QJsonValue, value);
    QFETCH(qint64, expectedMs);
    const QDateTime parsed = ThenaTime::parse(value);
    QCOMPARE(parsed.isValid(), expectedMs >= 0);
    if (expectedMs >= 0)
        QCOMPARE(parsed.toMSecsSinceEpoch(), expectedMs);
}

void TestThenaTime::resultIsUtc()
{
    QCOMPARE(ThenaTime::parse(QStringLiteral("2023-08-23T23:31:01+02:00")).timeSpec(), Qt::UTC);
    QCOMPARE(ThenaTime::parse(QStringLiteral("1692826409.902529")).timeSpec(), Qt::UTC);
    QCOMPARE(ThenaTime::fromEpochNumber(1692826409).timeSpec(), Qt::UTC);
    QVERIFY(!ThenaTime::fromEpochNumber(std::numeric_limits<double>::quiet_NaN()).isValid());
    QVERIFY(!ThenaTime::fromEpochNumber(std::numeric_limits<double>::infinity()).isValid());
}

void TestThenaTime::relativeAge_data()
{
    QTest::addColumn<qint64>("secondsAgo"); // negative: in the future
    QTest::addColumn<QString>("expected");

    QTest::newRow("same instant") << qint64(0) << QStringLiteral("just now");
    QTest::newRow("59 s") << qint64(59) << QStringLiteral("just now");
    QTest::newRow("59 s ahead") << qint64(-59) << QStringLiteral("just now");
    QTest::newRow("1 min") << qint64(60) << QStringLiteral("1 min ago");
    QTest::newRow("5 min") << qint64(5 * 60 + 10) << QStringLiteral("5 min ago");
    QTest::newRow("59 min") << qint64(3599) << QStringLiteral("59 min ago");
    QTest::newRow("1 h") << qint64(3600) << QStringLiteral("1 h ago");
    QTest::newRow("3 h") << qint64(3 * 3600 + 1800) << QStringLiteral("3 h ago");
    QTest::newRow("23 h") << qint64(86399) << QStringLiteral("23 h ago");
    QTest::newRow("1 day") << qint64(86400) << QStringLiteral("1 day ago");
    QTest::newRow("2 days") << qint64(2 * 86400 + 5) << QStringLiteral("2 days ago");
    QTest::newRow("44 days") << qint64(44 * 86400) << QStringLiteral("44 days ago");
    QTest::newRow("45 days") << qint64(45 * 86400) << QStringLiteral("1 month ago");
    QTest::newRow("4 months") << qint64(125 * 86400) << QStringLiteral("4 months ago");
    QTest::newRow("1 year") << qint64(400 * 86400) << QStringLiteral("1 year ago");
    QTest::newRow("3 years") << qint64(3 * 366 * 86400) << QStringLiteral("3 years ago");
    QTest::newRow("in 5 min") << qint64(-5 * 60) << QStringLiteral("in 5 min");
    QTest::newRow("in 2 h") << qint64(-2 * 3600) << QStringLiteral("in 2 h");
    QTest::newRow("in 1 day") << qint64(-86400) << QStringLiteral("in 1 day");
    QTest::newRow("in 2 days") << qint64(-2 * 86400) << QStringLiteral("in 2 days");
}

void TestThenaTime::relativeAge()
{
    QFETCH(qint64, secondsAgo);
    QFETCH(QString, expected);
    const QDateTime now = utc(2024, 2, 29, 4, 9, 11);
    QCOMPARE(ThenaTime::relativeAge(now.addSecs(-secondsAgo), now), expected);
    // The time zone of either side must not matter.
    QCOMPARE(ThenaTime::relativeAge(now.addSecs(-secondsAgo).toLocalTime(), now), expected);
}

void TestThenaTime::relativeAgeInvalid()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QVERIFY(ThenaTime::relativeAge(QDateTime(), now).isEmpty());
    QVERIFY(ThenaTime::relativeAge(now, QDateTime()).isEmpty());
}

void TestThenaTime::formatLocal()
{
    const QDateTime time = utc(2024, 2, 29, 3, 9, 11, 697);
    QCOMPARE(ThenaTime::formatLocal(time), time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
    QVERIFY(ThenaTime::formatLocal(QDateTime()).isEmpty());
    // Same instant, whatever zone it arrives in.
    QCOMPARE(ThenaTime::formatLocal(time.toOffsetFromUtc(3600)), ThenaTime::formatLocal(time));
}

void TestThenaTime::describe()
{
    const QDateTime now = utc(2024, 2, 29, 4, 14, 11);
    const QDateTime time = utc(2024, 2, 29, 4, 9, 11);
    QCOMPARE(ThenaTime::describe(QStringLiteral("2024-02-29T04:09:11Z"), time, now),
        ThenaTime::formatLocal(time) + QStringLiteral(" (5 min ago)"));
    QCOMPARE(ThenaTime::describe(QStringLiteral("loremipsum12"), QDateTime(), now),
        QStringLiteral("loremipsum12 (unrecognised time)"));
    QCOMPARE(ThenaTime::describe(QString(), QDateTime(), now), QString());
    QCOMPARE(ThenaTime::describe(QString(), time, QDateTime()), ThenaTime::formatLocal(time));
}

QTEST_GUILESS_MAIN(TestThenaTime)
#include "tst_thenatime.moc"
