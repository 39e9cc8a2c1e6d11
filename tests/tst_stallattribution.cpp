#include "StallProbe.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

// The stall probe tells a GUI thread that was busy from one that only waited: the two need
// different cures, and on a shared machine most lateness is waiting for a CPU.
class TestStallAttribution : public QObject
{
    Q_OBJECT

private slots:
    void busyLoopCountsAsBusy()
    {
        StallProbe probe({});
        QTest::qWait(30);
        // Keeps the thread on the CPU for 150 ms without returning to the event loop.
        QElapsedTimer spin;
        spin.start();
        volatile quint64 sink = 0;
        while (spin.elapsed() < 150)
            sink = sink + 1;
        QTest::qWait(30);
        const StallProbe::Figures f = probe.figures();
        QVERIFY2(f.maxMs >= 100, qPrintable(QString::number(f.maxMs)));
        // Most of the blocked interval was this thread's own work. A lower bound only: a busy
        // machine may take the CPU away for part of it.
        QVERIFY2(f.busyMaxMs >= 30, qPrintable(QString::number(f.busyMaxMs)));
        QVERIFY(f.busyMaxMs <= f.maxMs + StallProbe::IntervalMs + 1);
    }

    void sleepIsNotBusy()
    {
        StallProbe probe({});
        QTest::qWait(30);
        QThread::msleep(150); // late, but neither running nor waiting for a CPU
        QTest::qWait(30);
        const StallProbe::Figures f = probe.figures();
        QVERIFY2(f.maxMs >= 100, qPrintable(QString::number(f.maxMs)));
        QVERIFY2(f.busyMaxMs < 100, qPrintable(QString::number(f.busyMaxMs)));
        if (f.over16MsWaiting >= 0)
            QVERIFY2(f.waitMaxMs < 100, qPrintable(QString::number(f.waitMaxMs)));
    }

    void logHasTheSplit()
    {
        QTemporaryDir dir;
        const QString log = dir.filePath(QStringLiteral("stall.json"));
        {
            StallProbe probe(log);
            QTest::qWait(40);
        }
        QFile file(log);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject o = QJsonDocument::fromJson(file.readAll()).object();
        // bench/run reads these two; the rest say where the lateness came from.
        QVERIFY(o.contains(QStringLiteral("p99_ms")));
        QVERIFY(o.contains(QStringLiteral("max_ms")));
        QVERIFY(o.contains(QStringLiteral("busy_p99_ms")));
        QVERIFY(o.contains(QStringLiteral("busy_max_ms")));
        if (QFile::exists(QStringLiteral("/proc/thread-self/schedstat"))) {
            QVERIFY(o.contains(QStringLiteral("wait_p99_ms")));
            QVERIFY(o.value(QStringLiteral("over_16ms_waiting")).toInteger(-1) >= 0);
        }
    }
};

QTEST_GUILESS_MAIN(TestStallAttribution)
#include "tst_stallattribution.moc"
