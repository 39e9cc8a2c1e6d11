#include "DurationText.h"

#include <QTest>

class tst_DurationText : public QObject
{
    Q_OBJECT

private slots:
    void format_data();
    void format();
    void offset_data();
    void offset();
};

void tst_DurationText::format_data()
{
    QTest::addColumn<qint64>("ms");
    QTest::addColumn<QString>("text");
    constexpr qint64 s = 1000;
    constexpr qint64 min = 60 * s;
    constexpr qint64 h = 60 * min;
    constexpr qint64 day = 24 * h;
    QTest::newRow("zero") << qint64(0) << QStringLiteral("0 s");
    QTest::newRow("under a second") << qint64(999) << QStringLiteral("0 s");
    QTest::newRow("seconds") << 30 * s << QStringLiteral("30 s");
    QTest::newRow("59.9 s") << 59 * s + 900 << QStringLiteral("59 s");
    QTest::newRow("one minute") << min << QStringLiteral("1 min");
    QTest::newRow("minutes and seconds") << 4 * min + 30 * s << QStringLiteral("4 min 30 s");
    QTest::newRow("just under ten minutes") << 9 * min + 59 * s << QStringLiteral("9 min 59 s");
    QTest::newRow("ten minutes drops seconds") << 10 * min + 59 * s << QStringLiteral("10 min");
    QTest::newRow("hour") << h << QStringLiteral("1 h");
    QTest::newRow("hours and minutes") << 2 * h + 5 * min + 12 * s << QStringLiteral("2 h 5 min");
    QTest::newRow("one day") << day << QStringLiteral("1 day");
    QTest::newRow("days and hours") << 3 * day + 4 * h + 59 * min << QStringLiteral("3 days 4 h");
    QTest::newRow("negative") << -(4 * min + 30 * s) << QStringLiteral("-4 min 30 s");
}

void tst_DurationText::format()
{
    QFETCH(qint64, ms);
    QFETCH(QString, text);
    QCOMPARE(DurationText::format(ms), text);
}

void tst_DurationText::offset_data()
{
    QTest::addColumn<qint64>("ms");
    QTest::addColumn<QString>("text");
    QTest::newRow("zero") << qint64(0) << QStringLiteral("+0 s");
    QTest::newRow("five minutes") << qint64(5 * 60 * 1000) << QStringLiteral("+5 min");
    QTest::newRow("backwards") << qint64(-2000) << QStringLiteral("-2 s");
}

void tst_DurationText::offset()
{
    QFETCH(qint64, ms);
    QFETCH(QString, text);
    QCOMPARE(DurationText::offset(ms), text);
}

QTEST_GUILESS_MAIN(tst_DurationText)
#include "tst_durationtext.moc"
