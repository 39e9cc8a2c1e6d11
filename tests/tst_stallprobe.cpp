#include "StallProbe.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

class TestStallProbe : public QObject
{
    Q_OBJECT

private slots:
    void blockedLoopIsSeenAndLogged()
    {
        QTemporaryDir dir;
        const QString log = dir.filePath(QStringLiteral("stall.json"));
        {
            StallProbe probe(log);
            QTest::qWait(50);
            QThread::msleep(150); // the event loop cannot run the timer meanwhile
            QTest::qWait(50);
            const StallProbe::Figures f = probe.figures();
            QVERIFY(f.samples > 2);
            QVERIFY2(f.maxMs >= 100, qPrintable(QString::number(f.maxMs)));
            QVERIFY(f.over100Ms >= 1);
            QVERIFY(f.over16Ms >= f.over100Ms);
            QVERIFY(f.p50Ms <= f.p99Ms && f.p99Ms <= f.maxMs);
        }
        QFile file(log);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject o = QJsonDocument::fromJson(file.readAll()).object();
        QVERIFY(o.value(QStringLiteral("max_ms")).toDouble() >= 100);
        QVERIFY(o.contains(QStringLiteral("p99_ms")));
    }
};

QTEST_GUILESS_MAIN(TestStallProbe)
#include "tst_stallprobe.moc"
