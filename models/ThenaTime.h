#pragma once

#include <QDateTime>
#include <QJsonValue>
#include <QString>
#include <QStringView>

// Thena sends times in three forms, often in the same payload: ISO 8601 ("2023-08-23T21:31:01.573Z"),
// Slack ts ("1692826409.902529", seconds since the epoch, as a string or a JSON number), and sometimes
// neither ("loremipsum12"). Every parser here answers a UTC QDateTime, invalid when nothing fits, so
// callers can show the raw text instead.
class ThenaTime
{
public:
    ThenaTime() = delete;

    static QDateTime parse(const QJsonValue &value);
    static QDateTime parse(QStringView text);
    static QDateTime parse(const QString &text) { return parse(QStringView(text)); }

    // Seconds (or milliseconds, see the .cpp) since the epoch as a JSON number.
    static QDateTime fromEpochNumber(double value);

    // "just now", "5 min ago", "3 h ago", "2 days ago", "4 months ago", "3 years ago", "in 5 min".
    // Empty when either time is invalid.
    static QString relativeAge(const QDateTime &time, const QDateTime &now);

    // "2024-02-29 04:09:11" in the local time zone, the form every pane uses.
    static QString formatLocal(const QDateTime &time);

    // What the panes show for a time field: "2024-02-29 04:09:11 (5 min ago)" when `parsed` is
    // valid, "loremipsum12 (unrecognised time)" when only the raw text exists, "" when neither.
    static QString describe(const QString &raw, const QDateTime &parsed, const QDateTime &now);
};
