#pragma once

#include "CapturedEvent.h"
#include "EventRow.h"
#include "RetryTracker.h"

#include <QList>
#include <QString>
#include <array>

// The deliveries of one event: its first attempt and Thena's retries of the same body, set
// against Thena's schedule. Thena re-sends a failed delivery 5 times, after about 10, 20, 30, 50
// and 80 s, so a chain has up to 6 attempts; each gap is judged "as expected", "late" or "early"
// so a user sees at a glance whether a sender keeps to the schedule or a delivery was held up.
class RetryChain
{
public:
    // Gaps before attempts 2..6, in seconds (docs/thena-webhooks.md).
    static constexpr std::array<int, 5> ThenaScheduleSeconds { 10, 20, 30, 50, 80 };
    static constexpr int MaxAttempts = 6;

    enum class Verdict
    {
        First, // attempt 1: nothing to compare
        AsExpected, // within tolerance of Thena's schedule
        Late,
        Early,
        BeyondSchedule, // attempt 7 or later: Thena does not retry that often
    };

    struct Attempt
    {
        EventRow row;
        int number = 1; // row.attempt (one more than the previous when rows repeat a number)
        qint64 gapMs = -1; // since the previous captured attempt; -1 for the first
        int previousNumber = 0; // the captured attempt gapMs is measured from; 0 for the first
        qint64 expectedGapMs = -1; // Thena's gap from previousNumber to number; -1 when none
        Verdict verdict = Verdict::First;
        QString text; // "attempt 3, 30 s after attempt 2, as expected"
    };

    // Rows grouped by their retry link (EventRow::retryOf, as the capture server set it); chains
    // in the order of their first row, attempts in attempt order. Rows that are no retry and have
    // none make chains of one. A retry whose first attempt is not among the rows still gets a
    // chain (keyed by retryOf), so a chain may start at attempt 2 or later.
    static QList<RetryChain> group(const QList<EventRow> &rows);
    // The same, deciding which deliveries repeat one another from the bodies (RetryTracker's rule:
    // same body, or same platform eventId, within windowMs): for rows that carry no retry links,
    // such as events merged from several captures. Attempt numbers are recomputed.
    static QList<RetryChain> groupByBody(
        const QList<CapturedEvent> &events, qint64 windowMs = RetryTracker::DefaultWindowMs);

    // Thena's gap from attempt `from` to attempt `to` (the sum of the retries in between), or -1
    // when to is not a retry within the schedule (to <= from, from < 1 or to > MaxAttempts).
    static qint64 expectedGapMs(int from, int to);
    // How far a gap may be off and still count as expected: Thena says "about", and a gap also
    // holds the time the receiver took to answer. A quarter of the gap, at least 5 s.
    static qint64 toleranceMs(qint64 expectedGapMs);
    static Verdict judge(qint64 gapMs, qint64 expectedGapMs);

    RetryChain() = default;

    qint64 firstId() const { return m_firstId; } // id of attempt 1 (the retryOf of the others)
    const QList<Attempt> &attempts() const { return m_attempts; }
    int size() const { return static_cast<int>(m_attempts.size()); }
    bool isRetried() const { return m_attempts.size() > 1; }
    // The last attempt is Thena's last: no further retry will come.
    bool isExhausted() const { return !m_attempts.isEmpty() && m_attempts.constLast().number >= MaxAttempts; }
    int countOf(Verdict verdict) const;
    qint64 spanMs() const; // from the first captured attempt to the last
    // One line: "3 attempts over 30 s, all gaps as expected", "4 attempts over 5 min: attempt 3
    // arrived 4 min late", "1 attempt".
    QString summary() const;

private:
    RetryChain(qint64 firstId, QList<EventRow> rows);

    qint64 m_firstId = 0;
    QList<Attempt> m_attempts;
};
