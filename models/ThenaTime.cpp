#include "ThenaTime.h"

#include <cmath>

namespace {
// Anything at or above 1e11 seconds would be past the year 5000, so a number that large is
// taken as milliseconds (the platform envelope's "Unix time" may be either).
constexpr double kMillisecondsThreshold = 1e11;
// Beyond year 9999 QDateTime still works but ISO output and every display break; such values
// are garbage for a support desk anyway.
constexpr qint64 kMaxMsecs = 253402300799999LL; // 9999-12-31T23:59:59.999Z

QDateTime fromMsecs(qint64 msecs)
{
    if (msecs < 0 || msecs > kMaxMsecs)
        return {};
    return QDateTime::fromMSecsSinceEpoch(msecs, Qt::UTC);
}

bool isAsciiDigit(QChar c)
{
    return c >= QLatin1Char('0') && c <= QLatin1Char('9');
}

// Slack ts: digits, optionally one dot and more digits. Parsed by hand so that the microsecond
// part never goes through a double and loses precision, and so nothing but this exact form passes.
QDateTime parseEpochText(QStringView text)
{
    const qsizetype dot = text.indexOf(QLatin1Char('.'));
    const QStringView whole = dot < 0 ? text : text.left(dot);
    const QStringView fraction = dot < 0 ? QStringView() : text.mid(dot + 1);
    if (whole.isEmpty() || whole.size() > 15)
        return {};
    for (QChar c : whole) {
        if (!isAsciiDigit(c))
            return {};
    }
    for (QChar c : fraction) {
        if (!isAsciiDigit(c))
            return {};
    }
    bool ok = false;
    const qint64 integral = whole.toLongLong(&ok);
    if (!ok)
        return {};
    // Only the first three fraction digits matter at QDateTime's millisecond resolution.
    qint64 fractionMs = 0;
    for (qsizetype i = 0; i < 3; ++i) {
        const int digit = i < fraction.size() ? fraction.at(i).unicode() - '0' : 0;
        fractionMs = fractionMs * 10 + digit;
    }
    if (integral >= static_cast<qint64>(kMillisecondsThreshold))
        return fromMsecs(integral); // a fraction of a millisecond is below our resolution
    return fromMsecs(integral * 1000 + fractionMs);
}
} // namespace

QDateTime ThenaTime::parse(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::String:
        return parse(value.toString());
    case QJsonValue::Double:
        return fromEpochNumber(value.toDouble());
    default:
        return {};
    }
}

QDateTime ThenaTime::parse(QStringView text)
{
    text = text.trimmed();
    if (text.isEmpty())
        return {};
    if (isAsciiDigit(text.front())) {
        const QDateTime epoch = parseEpochText(text);
        if (epoch.isValid())
            return epoch;
    }
    // The cheap test keeps obvious garbage away from QDateTime's parser.
    if (text.size() < 10 || !isAsciiDigit(text.front()) || text.at(4) != QLatin1Char('-'))
        return {};
    QDateTime parsed = QDateTime::fromString(text.toString(), Qt::ISODateWithMs);
    if (!parsed.isValid())
        return {};
    // Thena documents its times as UTC; a time without an offset is read as UTC, not local.
    if (parsed.timeSpec() == Qt::LocalTime)
        parsed.setTimeSpec(Qt::UTC);
    parsed = parsed.toUTC();
    if (parsed.toMSecsSinceEpoch() > kMaxMsecs)
        return {};
    return parsed;
}

QDateTime ThenaTime::fromEpochNumber(double value)
{
    if (!std::isfinite(value) || value < 0)
        return {};
    const double msecs = value >= kMillisecondsThreshold ? value : value * 1000.0;
    if (msecs > static_cast<double>(kMaxMsecs))
        return {};
    return fromMsecs(static_cast<qint64>(std::llround(msecs)));
}

QString ThenaTime::relativeAge(const QDateTime &time, const QDateTime &now)
{
    if (!time.isValid() || !now.isValid())
        return {};
    const qint64 delta = time.secsTo(now);
    const bool future = delta < 0;
    const qint64 seconds = future ? -delta : delta;

    QString amount;
    if (seconds < 60) {
        return QStringLiteral("just now");
    } else if (seconds < 3600) {
        amount = QString::number(seconds / 60) + QStringLiteral(" min");
    } else if (seconds < 86400) {
        amount = QString::number(seconds / 3600) + QStringLiteral(" h");
    } else {
        const qint64 days = seconds / 86400;
        auto plural = [](qint64 n, const char *unit) -> QString {
            return QString::number(n) + QLatin1Char(' ') + QLatin1String(unit)
                + (n == 1 ? QString() : QStringLiteral("s"));
        };
        // Months and years are rounded down from days: "about" is all a glance needs.
        if (days < 45)
            amount = plural(days, "day");
        else if (days < 365)
            amount = plural(days / 30, "month");
        else
            amount = plural(days / 365, "year");
    }
    return future ? QStringLiteral("in ") + amount : amount + QStringLiteral(" ago");
}

QString ThenaTime::formatLocal(const QDateTime &time)
{
    if (!time.isValid())
        return {};
    return time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

QString ThenaTime::describe(const QString &raw, const QDateTime &parsed, const QDateTime &now)
{
    if (parsed.isValid()) {
        const QString age = relativeAge(parsed, now);
        return age.isEmpty() ? formatLocal(parsed)
                             : formatLocal(parsed) + QStringLiteral(" (") + age + QLatin1Char(')');
    }
    if (raw.isEmpty())
        return {};
    return raw + QStringLiteral(" (unrecognised time)");
}
