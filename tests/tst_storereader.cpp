#include "EventStore.h"
#include "StoreReader.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

namespace {
QList<CapturedEvent> makeEvents(qint64 firstId, int count)
{
    QList<CapturedEvent> events;
    events.reserve(count);
    for (int i = 0; i < count; ++i) {
        CapturedEvent event;
        event.row.id = firstId + i;
        event.row.receivedMs = 1700000000000 + event.row.id;
        event.row.kind = EventKind::Updated;
        event.row.requestId = QString::number(event.row.id % 97);
        event.body = "{\"n\":" + QByteArray::number(event.row.id) + "}";
        event.headers = { { "content-type", "application/json" } };
        events.append(event);
    }
    return events;
}

QString makeStore(const QTemporaryDir &dir, const QString &name, qint64 firstId, int count)
{
    const QString path = dir.filePath(name);
    EventStore store;
    if (!store.open(path) || !store.insert(makeEvents(firstId, count)))
        return {};
    return path;
}
} // namespace

class TestStoreReader : public QObject
{
    Q_OBJECT

private slots:
    void historyArrivesInPagesOldestFirst()
    {
        QTemporaryDir dir;
        const int count = StoreReader::PageSize + 500;
        const QString path = makeStore(dir, QStringLiteral("h.sqlite"), 1, count);
        QVERIFY(!path.isEmpty());
        StoreReader reader;
        QSignalSpy pages(&reader, &StoreReader::rowsLoaded);
        QSignalSpy done(&reader, &StoreReader::historyLoaded);
        reader.setPath(path);
        reader.loadHistory(count - 10); // rows above upToId are live ones: not part of history
        QTRY_COMPARE_WITH_TIMEOUT(done.size(), 1, 20000);
        QCOMPARE(done.first().first().toLongLong(), qint64(count - 10));
        QCOMPARE(pages.size(), 2);
        qint64 expected = 1;
        for (const auto &page : pages) {
            for (const EventRow &row : page.first().value<QList<EventRow>>())
                QCOMPARE(row.id, expected++);
        }
        QCOMPARE(expected, qint64(count - 10 + 1));
    }

    void loadsOneEventAndReportsMissing()
    {
        QTemporaryDir dir;
        const QString path = makeStore(dir, QStringLiteral("e.sqlite"), 1, 20);
        StoreReader reader;
        QSignalSpy loaded(&reader, &StoreReader::eventLoaded);
        QSignalSpy missing(&reader, &StoreReader::eventMissing);
        reader.setPath(path);
        reader.loadEvent(7);
        QTRY_COMPARE(loaded.size(), 1);
        const auto event = loaded.first().first().value<CapturedEvent>();
        QCOMPARE(event.row.id, 7);
        QCOMPARE(event.body, QByteArray("{\"n\":7}"));
        reader.loadEvent(999);
        QTRY_COMPARE(missing.size(), 1);
        QCOMPARE(missing.first().first().toLongLong(), 999);
    }

    void onlyTheLatestRequestIsAnswered()
    {
        QTemporaryDir dir;
        const QString path = makeStore(dir, QStringLiteral("l.sqlite"), 1, 50);
        StoreReader reader;
        QSignalSpy loaded(&reader, &StoreReader::eventLoaded);
        reader.setPath(path);
        for (qint64 id = 1; id <= 50; ++id)
            reader.loadEvent(id);
        QTRY_VERIFY(!loaded.isEmpty());
        QTest::qWait(50);
        QCOMPARE(loaded.last().first().value<CapturedEvent>().row.id, 50);
        QVERIFY(loaded.size() < 50);
    }

    void switchingFilesDropsOldResults()
    {
        QTemporaryDir dir;
        const QString first = makeStore(dir, QStringLiteral("a.sqlite"), 1, 3000);
        const QString second = makeStore(dir, QStringLiteral("b.sqlite"), 10001, 5);
        StoreReader reader;
        QSignalSpy pages(&reader, &StoreReader::rowsLoaded);
        QSignalSpy done(&reader, &StoreReader::historyLoaded);
        reader.setPath(first);
        reader.loadHistory(3000);
        reader.setPath(second);
        reader.loadHistory(10005);
        QTRY_VERIFY(!done.isEmpty());
        QTest::qWait(50);
        QCOMPARE(done.size(), 1);
        QCOMPARE(done.first().first().toLongLong(), 5);
        for (const auto &page : pages) {
            for (const EventRow &row : page.first().value<QList<EventRow>>())
                QVERIFY(row.id > 10000);
        }
    }

    void followingAFileSeesWhatAnotherWriterCommits()
    {
        // A window on a file a headless receiver writes: SQLite cannot notify, so the reader
        // looks for rows after the last one it has, and hands each over once.
        QTemporaryDir dir;
        const QString path = makeStore(dir, QStringLiteral("f.sqlite"), 1, 30);
        EventStore writer;
        QVERIFY(writer.open(path));
        StoreReader reader;
        reader.setPollIntervalForTesting(20);
        QSignalSpy pages(&reader, &StoreReader::rowsLoaded);
        QSignalSpy done(&reader, &StoreReader::historyLoaded);
        QSignalSpy arrived(&reader, &StoreReader::rowsArrived);
        reader.setPath(path);
        reader.follow();
        QTRY_COMPARE(done.size(), 1);
        QCOMPARE(done.first().first().toLongLong(), 30);
        QCOMPARE(pages.first().first().value<QList<EventRow>>().size(), 30);
        QVERIFY(writer.insert(makeEvents(31, 3)));
        const auto arrivedIds = [&] {
            QList<qint64> ids;
            for (const auto &signal : std::as_const(arrived)) {
                for (const EventRow &row : signal.first().value<QList<EventRow>>())
                    ids.append(row.id);
            }
            return ids;
        };
        QTRY_COMPARE(arrivedIds(), (QList<qint64> { 31, 32, 33 }));
        QVERIFY(writer.insert(makeEvents(34, 1)));
        QTRY_COMPARE(arrivedIds(), (QList<qint64> { 31, 32, 33, 34 }));
        QTest::qWait(100); // several more polls: nothing twice
        QCOMPARE(arrivedIds().size(), 4);
        reader.setPath({}); // stops following
        QVERIFY(writer.insert(makeEvents(35, 1)));
        QTest::qWait(100);
        QCOMPARE(arrivedIds().size(), 4);
    }

    void unreadableFileFails()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("junk.sqlite"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(8192, 'j'));
        file.close();
        StoreReader reader;
        QSignalSpy failed(&reader, &StoreReader::failed);
        reader.setPath(path);
        reader.loadHistory(10);
        QTRY_COMPARE(failed.size(), 1);
        QVERIFY(failed.first().first().toString().contains(path));
    }
};

QTEST_GUILESS_MAIN(TestStoreReader)
#include "tst_storereader.moc"
