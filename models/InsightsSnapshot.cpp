#include "InsightsSnapshot.h"

#include <algorithm>

namespace {
constexpr qint64 kMinute = 60 * 1000;
constexpr qint64 kHour = 60 * kMinute;
constexpr qint64 kDay = 24 * kHour;
} // namespace

const QList<qint64> &InsightsSnapshot::durationBinEdgesMs()
{
    static const QList<qint64> edges { 0, 5 * kMinute, 15 * kMinute, 30 * kMinute, kHour, 2 * kHour, 4 * kHour,
        8 * kHour, kDay, 2 * kDay, 7 * kDay };
    return edges;
}

int InsightsSnapshot::durationBin(qint64 ms)
{
    const QList<qint64> &edges = durationBinEdgesMs();
    // The last edge not above ms; a negative duration falls into the first bin (callers skip it).
    const auto it = std::upper_bound(edges.cbegin(), edges.cend(), ms);
    return std::max(0, static_cast<int>(it - edges.cbegin()) - 1);
}

QString InsightsSnapshot::durationBinLabel(int bin)
{
    // No "<": axis labels are rich text, and "<5m" would vanish as a tag.
    static const char *const labels[]
        = { "0–5m", "5–15m", "15–30m", "30–60m", "1–2h", "2–4h", "4–8h", "8–24h", "1–2d", "2–7d", "≥7d" };
    if (bin < 0 || bin >= static_cast<int>(std::size(labels)))
        return {};
    return QString::fromUtf8(labels[bin]);
}

QString InsightsSnapshot::formatDuration(qint64 ms)
{
    if (ms < 0)
        return QStringLiteral("–");
    if (ms < kMinute)
        return QStringLiteral("%1 s").arg(ms / 1000);
    if (ms < kHour)
        return QStringLiteral("%1 min").arg(qRound(static_cast<double>(ms) / kMinute));
    if (ms < kDay)
        return QStringLiteral("%1 h").arg(static_cast<double>(ms) / kHour, 0, 'f', 1);
    return QStringLiteral("%1 d").arg(static_cast<double>(ms) / kDay, 0, 'f', 1);
}

QString InsightsSnapshot::timelineSeriesName(TimelineSeries series)
{
    switch (series) {
    case CreatedSeries:
        return QStringLiteral("Created");
    case UpdatedSeries:
        return QStringLiteral("Updated");
    case EscalatedSeries:
        return QStringLiteral("Escalated");
    case PlatformSeries:
        return QStringLiteral("Platform");
    case OtherSeries:
        return QStringLiteral("Other");
    case RejectedSeries:
        return QStringLiteral("Rejected (401)");
    case TimelineSeriesCount:
        break;
    }
    return {};
}
