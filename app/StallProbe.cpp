#include "StallProbe.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>

StallProbe::StallProbe(QString logPath, QObject *parent)
    : QObject(parent)
    , m_logPath(std::move(logPath))
{
    m_latenessUs.reserve(1 << 16);
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setInterval(IntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &StallProbe::tick);
    m_clock.start();
    m_lastNs = m_clock.nsecsElapsed();
    m_timer.start();
}

StallProbe::~StallProbe()
{
    if (m_logPath.isEmpty())
        return;
    QFile file(m_logPath);
    if (file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        file.write(figuresJson() + '\n');
}

void StallProbe::tick()
{
    const qint64 now = m_clock.nsecsElapsed();
    const qint64 lateUs = std::max<qint64>(0, (now - m_lastNs) / 1000 - IntervalMs * 1000);
    m_lastNs = now;
    m_latenessUs.push_back(lateUs);
}

StallProbe::Figures StallProbe::figures() const
{
    Figures f;
    if (m_latenessUs.empty())
        return f;
    std::vector<qint64> sorted = m_latenessUs;
    std::sort(sorted.begin(), sorted.end());
    const auto at = [&](double q) { return sorted[std::min(sorted.size() - 1, size_t(q * sorted.size()))] / 1000.0; };
    f.samples = qint64(sorted.size());
    f.p50Ms = at(0.50);
    f.p99Ms = at(0.99);
    f.maxMs = sorted.back() / 1000.0;
    f.over16Ms = std::count_if(sorted.begin(), sorted.end(), [](qint64 us) { return us > 16000; });
    f.over100Ms = std::count_if(sorted.begin(), sorted.end(), [](qint64 us) { return us > 100000; });
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
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}
