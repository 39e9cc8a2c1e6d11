#include "RowStringPool.h"

#include <QRandomGenerator>
#include <QTest>

class tst_RowStringPool : public QObject
{
    Q_OBJECT

private slots:
    void internsEachValueOnce();
    void batchAgreesWithSingle();
    void foldedAndMarks();
    void clearStartsOver();
};

void tst_RowStringPool::internsEachValueOnce()
{
    RowStringPool pool;
    QCOMPARE(pool.size(), 1);
    QCOMPARE(pool.intern(QString()), RowStringPool::EmptyId);
    QCOMPARE(pool.intern(QStringLiteral("")), RowStringPool::EmptyId);
    const quint32 acme = pool.intern(QStringLiteral("Acme"));
    QCOMPARE(pool.intern(QStringLiteral("Acme")), acme);
    QVERIFY(pool.intern(QStringLiteral("acme")) != acme); // exact values: case is kept
    QCOMPARE(pool.text(acme), QStringLiteral("Acme"));
    QCOMPARE(pool.find(QStringLiteral("Acme")), qint64(acme));
    QCOMPARE(pool.find(QStringLiteral("ACME")), qint64(-1));

    // Thousands of values: the hash table grows and every id still finds its text.
    QList<quint32> ids;
    for (int i = 0; i < 5000; ++i)
        ids << pool.intern(QStringLiteral("value %1").arg(i));
    QCOMPARE(pool.size(), 5003);
    for (int i = 0; i < 5000; ++i) {
        QCOMPARE(pool.text(ids.at(i)), QStringLiteral("value %1").arg(i));
        QCOMPARE(pool.intern(QStringLiteral("value %1").arg(i)), ids.at(i));
    }
    // A slice of a larger string is copied, not shared.
    const QString body = QStringLiteral("xxTeam Bluexx");
    const quint32 team = pool.intern(body.mid(2, 9));
    QCOMPARE(pool.text(team), QStringLiteral("Team Blue"));
}

void tst_RowStringPool::batchAgreesWithSingle()
{
    QRandomGenerator rng(7);
    QStringList values;
    for (int i = 0; i < 3000; ++i)
        values << (rng.bounded(10) == 0 ? QString() : QStringLiteral("v%1").arg(rng.bounded(700)));
    RowStringPool single;
    RowStringPool batch;
    std::vector<const QString *> pointers;
    for (const QString &value : std::as_const(values))
        pointers.push_back(&value);
    std::vector<quint32> ids(pointers.size());
    batch.intern(pointers.data(), pointers.size(), ids.data());
    for (qsizetype i = 0; i < values.size(); ++i)
        QCOMPARE(single.intern(values.at(i)), ids[static_cast<size_t>(i)]);
    QCOMPARE(batch.size(), single.size());
}

void tst_RowStringPool::foldedAndMarks()
{
    RowStringPool pool;
    const quint32 a = pool.intern(QStringLiteral("Café Müller"));
    const quint32 b = pool.intern(QStringLiteral("STRASSE"));
    const quint32 c = pool.intern(QStringLiteral("müller"));
    QCOMPARE(pool.folded(a), QStringLiteral("café müller"));
    QCOMPARE(pool.folded(b), QStringLiteral("strasse"));
    QCOMPARE(pool.folded(RowStringPool::EmptyId), QString());

    std::vector<quint8> table;
    QVERIFY(pool.markContaining(u"müller", table, 0));
    QCOMPARE(table, (std::vector<quint8> { 0, 1, 0, 1 }));
    QVERIFY(!pool.markContaining(u"zebra", table, 0));
    QCOMPARE(table, (std::vector<quint8> { 0, 0, 0, 0 }));
    // A needle never spans two values.
    QVERIFY(!pool.markContaining(u"müllerstr", table, 0));
    QVERIFY(pool.markEqual(u"müller", table, 0));
    QCOMPARE(table, (std::vector<quint8> { 0, 0, 0, 1 }));
    QVERIFY(pool.markStartingWith(u"caf", table, 0));
    QCOMPARE(table, (std::vector<quint8> { 0, 1, 0, 0 }));

    // Extending a table only evaluates the new values and keeps the old answers.
    QVERIFY(pool.markContaining(u"ss", table, 0));
    const quint32 d = pool.intern(QStringLiteral("Boss"));
    QVERIFY(pool.markContaining(u"ss", table, 4));
    QCOMPARE(table.size(), size_t(5));
    QCOMPARE(table[b], quint8(1));
    QCOMPARE(table[d], quint8(1));
    QCOMPARE(table[c], quint8(0));
}

void tst_RowStringPool::clearStartsOver()
{
    RowStringPool pool;
    pool.intern(QStringLiteral("a"));
    pool.intern(QStringLiteral("b"));
    pool.clear();
    QCOMPARE(pool.size(), 1);
    QCOMPARE(pool.find(QStringLiteral("a")), qint64(-1));
    QCOMPARE(pool.intern(QStringLiteral("b")), quint32(1));
}

QTEST_GUILESS_MAIN(tst_RowStringPool)
#include "tst_rowstringpool.moc"
