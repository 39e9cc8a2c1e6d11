#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QTimer>
#include <vector>

// Measures how late the event loop of the thread it lives in runs a short timer: the GUI
// thread's stalls, as a user feels them. Enabled in the window by THENA_INSPECTOR_STALL_LOG=FILE,
// which receives one JSON line with the figures when the probe is destroyed (bench/run reads it).
//
// A late tick has two possible causes, and they call for different cures: the thread itself was
// busy (our work on the GUI thread), or it was ready but waited for a CPU (other threads and
// processes; on a shared two-core machine this is most of it). So for every interval the probe
// also records the thread's own CPU time and, where Linux reports it (/proc/thread-self/schedstat),
// the time it spent waiting in the run queue.
class StallProbe final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StallProbe)

public:
    static constexpr int IntervalMs = 5;
    static constexpr double StallMs = 16; // a tick later than this is a stall a user may notice

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
        // Per interval between two ticks: the thread's own CPU time, and its run-queue wait.
        double busyP99Ms = 0;
        double busyMaxMs = 0;
        double waitP99Ms = -1; // -1 when the system does not report it
        double waitMaxMs = -1;
        // Stalls (ticks over 16 ms late) where the thread waited for a CPU longer than it ran.
        qint64 over16MsWaiting = -1;
    };
    Figures figures() const;
    QByteArray figuresJson() const;

private:
    void tick();
    // CPU time this thread has used, and the time it has waited to run, in ns; wait is -1 when
    // unknown.
    void readThreadTimes(qint64 *cpuNs, qint64 *waitNs) const;

    QString m_logPath;
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_lastNs = 0;
    qint64 m_lastCpuNs = 0;
    qint64 m_lastWaitNs = -1;
    int m_schedstatFd = -1;
    std::vector<qint64> m_latenessUs;
    std::vector<qint64> m_busyUs;
    std::vector<qint64> m_waitUs; // empty when the run-queue wait is unknown
};
