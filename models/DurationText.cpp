#include "DurationText.h"

namespace {
constexpr qint64 kMinute = 60;
constexpr qint64 kHour = 60 * kMinute;
constexpr qint64 kDay = 24 * kHour;

QString unit(qint64 n, const char *singular, const char *plural)
{
    return QString::number(n) + QLatin1Char(' ') + QLatin1String(n == 1 ? singular : plural);
}

// Two units at most, the second only when it is not zero.
QString pair(qint64 major, const char *majorName, const char *majorPlural, qint64 minor, const char *minorName,
    const char *minorPlural)
{
    QString text = unit(major, majorName, majorPlural);
    if (minor > 0)
        text += QLatin1Char(' ') + unit(minor, minorName, minorPlural);
    return text;
}
} // namespace

QString DurationText::format(qint64 ms)
{
    if (ms < 0)
        return QLatin1Char('-') + format(-ms);
    const qint64 seconds = ms / 1000;
    if (seconds < kMinute)
        return unit(seconds, "s", "s");
    if (seconds < 10 * kMinute)
        return pair(seconds / kMinute, "min", "min", seconds % kMinute, "s", "s");
    if (seconds < kHour)
        return unit(seconds / kMinute, "min", "min");
    if (seconds < kDay)
        return pair(seconds / kHour, "h", "h", (seconds % kHour) / kMinute, "min", "min");
    return pair(seconds / kDay, "day", "days", (seconds % kDay) / kHour, "h", "h");
}

QString DurationText::offset(qint64 ms)
{
    return ms < 0 ? format(ms) : QLatin1Char('+') + format(ms);
}
