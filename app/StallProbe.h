#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QTimer>
#include <vector>

// Measures how late the event loop of the thread it lives in runs a short timer: the GUI
// thread's stalls, as a user feels them. Enabled in the window by THENA_INSPECTOR_STALL_LOG=FILE,
// which receives one JSON line with the figures when the probe is destroyed (bench/run reads it).
class StallProbe final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StallProbe)

public:
    static constexpr int IntervalMs = 5;

    explicit StallProbe(QString logPath, QObject *parent = nullptr);
    ~StallProbe() override;

    struct Figures
    {
        qint64 samples = 0;
        double p50Ms = 0;
        double p99Ms = 0;
        double maxMs = 0;
        qint64 over16Ms = 0;
        qint64 over100Ms = 0;
    };
    Figures figures() const;
    QByteArray figuresJson() const;

private:
    void tick();

    QString m_logPath;
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_lastNs = 0;
    std::vector<qint64> m_latenessUs;
};
