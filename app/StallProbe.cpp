#include "StallProbe.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <fcntl.h>
#include <unistd.h>

namespace {

double quantileMs(std::vector<qint64> values, double q)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1, size_t(q * double(values.size())))] / 1000.0;
}

} // namespace

StallProbe::StallProbe(QString logPath, QObject *parent)
    : QObject(parent)
    , m_logPath(std::move(logPath))
{
    m_latenessUs.reserve(1 << 16);
    m_busyUs.reserve(1 << 16);
    // Opened here, in the thread that is measured: thread-self names the opening thread.
    m_schedstatFd = ::open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
    if (m_schedstatFd >= 0)
        m_waitUs.reserve(1 << 16);
    readThreadTimes(&m_lastCpuNs, &m_lastWaitNs);
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setInterval(IntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &StallProbe::tick);
    m_clock.start();
    m_lastNs = m_clock.nsecsElapsed();
    m_timer.start();
}

StallProbe::~StallProbe()
{
    if (m_schedstatFd >= 0)
        ::close(m_schedstatFd);
    if (m_logPath.isEmpty())
        return;
    QFile file(m_logPath);
    if (file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        file.write(figuresJson() + '\n');
}

void StallProbe::readThreadTimes(qint64 *cpuNs, qint64 *waitNs) const
{
    timespec ts {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    *cpuNs = qint64(ts.tv_sec) * 1000000000 + ts.tv_nsec;
    *waitNs = -1;
    if (m_schedstatFd < 0)
        return;
    // "<on-cpu ns> <run-queue wait ns> <timeslices>"
    char text[96];
    const ssize_t n = ::pread(m_schedstatFd, text, sizeof(text) - 1, 0);
    if (n <= 0)
        return;
    text[n] = '\0';
    char *rest = nullptr;
    std::strtoll(text, &rest, 10);
    if (rest && *rest == ' ')
        *waitNs = std::strtoll(rest + 1, nullptr, 10);
}

void StallProbe::tick()
{
    const qint64 now = m_clock.nsecsElapsed();
    const qint64 lateUs = std::max<qint64>(0, (now - m_lastNs) / 1000 - IntervalMs * 1000);
    m_lastNs = now;
    m_latenessUs.push_back(lateUs);

    qint64 cpuNs = 0;
    qint64 waitNs = -1;
    readThreadTimes(&cpuNs, &waitNs);
    m_busyUs.push_back((cpuNs - m_lastCpuNs) / 1000);
    m_lastCpuNs = cpuNs;
    if (waitNs >= 0 && m_lastWaitNs >= 0)
        m_waitUs.push_back((waitNs - m_lastWaitNs) / 1000);
    m_lastWaitNs = waitNs;
}

StallProbe::Figures StallProbe::figures() const
{
    Figures f;
    if (m_latenessUs.empty())
        return f;
    f.samples = qint64(m_latenessUs.size());
    f.p50Ms = quantileMs(m_latenessUs, 0.50);
    f.p99Ms = quantileMs(m_latenessUs, 0.99);
    f.maxMs = *std::max_element(m_latenessUs.begin(), m_latenessUs.end()) / 1000.0;
    f.over16Ms = std::count_if(m_latenessUs.begin(), m_latenessUs.end(), [](qint64 us) { return us > 16000; });
    f.over100Ms = std::count_if(m_latenessUs.begin(), m_latenessUs.end(), [](qint64 us) { return us > 100000; });
    f.busyP99Ms = quantileMs(m_busyUs, 0.99);
    f.busyMaxMs = m_busyUs.empty() ? 0 : *std::max_element(m_busyUs.begin(), m_busyUs.end()) / 1000.0;
    // Every tick has a wait figure or none has.
    if (!m_waitUs.empty() && m_waitUs.size() == m_latenessUs.size()) {
        f.waitP99Ms = quantileMs(m_waitUs, 0.99);
        f.waitMaxMs = *std::max_element(m_waitUs.begin(), m_waitUs.end()) / 1000.0;
        f.over16MsWaiting = 0;
        for (size_t i = 0; i < m_latenessUs.size(); ++i) {
            if (m_latenessUs[i] > 16000 && m_waitUs[i] > m_busyUs[i])
                ++f.over16MsWaiting;
        }
    }
    return f;
}

QByteArray StallProbe::figuresJson() const
{
    const Figures f = figures();
    QJsonObject o;
    o.insert(QStringLiteral("samples"), f.samples);
    o.insert(QStringLiteral("p50_ms"), f.p50Ms);
    o.insert(QStringLiteral("p99_ms"), f.p99Ms);
    o.insert(QStringLiteral("max_ms"), f.maxMs);
    o.insert(QStringLiteral("over_16ms"), f.over16Ms);
    o.insert(QStringLiteral("over_100ms"), f.over100Ms);
    o.insert(QStringLiteral("busy_p99_ms"), f.busyP99Ms);
    o.insert(QStringLiteral("busy_max_ms"), f.busyMaxMs);
    if (f.over16MsWaiting >= 0) {
        o.insert(QStringLiteral("wait_p99_ms"), f.waitP99Ms);
        o.insert(QStringLiteral("wait_max_ms"), f.waitMaxMs);
        o.insert(QStringLiteral("over_16ms_waiting"), f.over16MsWaiting);
    }
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}
