#pragma once

#include <QString>
#include <QtGlobal>

// How the lifecycle view, the retry chains and the derived times write a span of time: short,
// and only as precise as a reader needs ("30 s", "4 min 30 s", "2 h 5 min", "3 days 4 h").
class DurationText
{
public:
    DurationText() = delete;

    // Rounded down to the unit shown; negative spans get a leading "-". Seconds are shown up to
    // 10 min (a retry gap of "4 min 30 s" matters), not beyond (nobody needs "2 h 5 min 12 s").
    static QString format(qint64 ms);
    // format() with a sign: "+5 min", "+0 s", "-2 s" (for a step whose clock went backwards).
    static QString offset(qint64 ms);
};
