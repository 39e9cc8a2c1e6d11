#include "RetryChain.h"

#include "DurationText.h"
#include "ThenaPayloadParser.h"

#include <QHash>
#include <algorithm>

namespace {
constexpr qint64 kMinToleranceMs = 5000;

QString describe(const RetryChain::Attempt &attempt)
{
    QString text = QStringLiteral("attempt %1").arg(attempt.number);
    if (attempt.verdict == RetryChain::Verdict::First)
        return attempt.number == 1 ? text + QStringLiteral(", first delivery") : text;
    text
        += QStringLiteral(", %1 after attempt %2").arg(DurationText::format(attempt.gapMs)).arg(attempt.previousNumber);
    if (attempt.previousNumber + 1 < attempt.number) {
        // Earlier attempts that never reached us (or were deleted) are part of the expected gap.
        text += attempt.previousNumber + 2 == attempt.number
            ? QStringLiteral(" (attempt %1 not captured)").arg(attempt.previousNumber + 1)
            : QStringLiteral(" (attempts %1-%2 not captured)").arg(attempt.previousNumber + 1).arg(attempt.number - 1);
    }
    const QString expected = QStringLiteral(", expected about ") + DurationText::format(attempt.expectedGapMs);
    switch (attempt.verdict) {
    case RetryChain::Verdict::AsExpected:
        return text + QStringLiteral(", as expected");
    case RetryChain::Verdict::Late:
        return text + expected + QStringLiteral(": arrived ")
            + DurationText::format(attempt.gapMs - attempt.expectedGapMs) + QStringLiteral(" late");
    case RetryChain::Verdict::Early:
        return text + expected + QStringLiteral(": arrived ")
            + DurationText::format(attempt.expectedGapMs - attempt.gapMs) + QStringLiteral(" early");
    case RetryChain::Verdict::BeyondSchedule:
        return text + QStringLiteral(": beyond Thena's %1 retries").arg(RetryChain::MaxAttempts - 1);
    case RetryChain::Verdict::First:
        break;
    }
    return text;
}

bool arrivalLess(const EventRow &a, const EventRow &b)
{
    if (a.receivedMs != b.receivedMs)
        return a.receivedMs < b.receivedMs;
    return a.id < b.id;
}
} // namespace

qint64 RetryChain::expectedGapMs(int from, int to)
{
    if (from < 1 || to <= from || to > MaxAttempts)
        return -1;
    qint64 seconds = 0;
    for (int attempt = from + 1; attempt <= to; ++attempt)
        seconds += ThenaScheduleSeconds[static_cast<size_t>(attempt - 2)];
    return seconds * 1000;
}

qint64 RetryChain::toleranceMs(qint64 expectedGapMs)
{
    return std::max(kMinToleranceMs, expectedGapMs / 4);
}

RetryChain::Verdict RetryChain::judge(qint64 gapMs, qint64 expectedGapMs)
{
    if (expectedGapMs < 0)
        return Verdict::BeyondSchedule;
    const qint64 tolerance = toleranceMs(expectedGapMs);
    if (gapMs > expectedGapMs + tolerance)
        return Verdict::Late;
    if (gapMs < expectedGapMs - tolerance)
        return Verdict::Early;
    return Verdict::AsExpected;
}

RetryChain::RetryChain(qint64 firstId, QList<EventRow> rows)
    : m_firstId(firstId)
{
    // Attempt order; arrival order breaks ties.
    std::sort(rows.begin(), rows.end(), [](const EventRow &a, const EventRow &b) {
        if (a.attempt != b.attempt)
            return a.attempt < b.attempt;
        return arrivalLess(a, b);
    });
    m_attempts.reserve(rows.size());
    for (qsizetype i = 0; i < rows.size(); ++i) {
        Attempt attempt;
        attempt.row = rows.at(i);
        attempt.number = std::max(1, rows.at(i).attempt);
        if (i > 0) {
            const Attempt &previous = m_attempts.constLast();
            // Duplicate numbers (two captures merged) still count as the next attempt.
            if (attempt.number <= previous.number)
                attempt.number = previous.number + 1;
            attempt.previousNumber = previous.number;
            attempt.gapMs = std::max<qint64>(0, attempt.row.receivedMs - previous.row.receivedMs);
            attempt.expectedGapMs = expectedGapMs(previous.number, attempt.number);
            attempt.verdict = judge(attempt.gapMs, attempt.expectedGapMs);
        }
        attempt.text = describe(attempt);
        m_attempts.append(attempt);
    }
}

QList<RetryChain> RetryChain::group(const QList<EventRow> &rows)
{
    QList<qint64> order; // chain keys in the order of their first row
    QHash<qint64, QList<EventRow>> members;
    for (const EventRow &row : rows) {
        const qint64 key = row.retryOf != 0 ? row.retryOf : row.id;
        auto it = members.find(key);
        if (it == members.end()) {
            order.append(key);
            it = members.insert(key, {});
        }
        it->append(row);
    }
    QList<RetryChain> chains;
    chains.reserve(order.size());
    for (const qint64 key : order)
        chains.append(RetryChain(key, members.value(key)));
    return chains;
}

QList<RetryChain> RetryChain::groupByBody(const QList<CapturedEvent> &events, qint64 windowMs)
{
    QList<EventRow> rows;
    rows.reserve(events.size());
    QList<const CapturedEvent *> sorted;
    sorted.reserve(events.size());
    for (const CapturedEvent &event : events)
        sorted.append(&event);
    std::stable_sort(sorted.begin(), sorted.end(),
        [](const CapturedEvent *a, const CapturedEvent *b) { return arrivalLess(a->row, b->row); });

    RetryTracker tracker(windowMs);
    for (const CapturedEvent *event : sorted) {
        EventRow parsed;
        const ParseOutcome outcome = ThenaPayloadParser::parse(event->body, parsed);
        EventRow row = event->row;
        const RetryInfo info = tracker.observe(event->body, outcome.dedupKey, row.id, row.receivedMs);
        row.attempt = info.attempt;
        row.retryOf = info.retryOf;
        row.retryGapSeconds = info.gapSeconds;
        rows.append(row);
    }
    return group(rows);
}

int RetryChain::countOf(Verdict verdict) const
{
    return static_cast<int>(std::count_if(m_attempts.cbegin(), m_attempts.cend(),
        [verdict](const Attempt &attempt) { return attempt.verdict == verdict; }));
}

qint64 RetryChain::spanMs() const
{
    if (m_attempts.size() < 2)
        return 0;
    return std::max<qint64>(0, m_attempts.constLast().row.receivedMs - m_attempts.constFirst().row.receivedMs);
}

QString RetryChain::summary() const
{
    if (m_attempts.isEmpty())
        return {};
    const int count = size();
    if (count == 1)
        return QStringLiteral("1 attempt");
    QString text = QStringLiteral("%1 attempts over %2").arg(count).arg(DurationText::format(spanMs()));
    QStringList off;
    for (const Attempt &attempt : m_attempts) {
        switch (attempt.verdict) {
        case Verdict::Late:
            off.append(QStringLiteral("attempt %1 arrived %2 late")
                           .arg(attempt.number)
                           .arg(DurationText::format(attempt.gapMs - attempt.expectedGapMs)));
            break;
        case Verdict::Early:
            off.append(QStringLiteral("attempt %1 arrived %2 early")
                           .arg(attempt.number)
                           .arg(DurationText::format(attempt.expectedGapMs - attempt.gapMs)));
            break;
        case Verdict::BeyondSchedule:
            off.append(QStringLiteral("attempt %1 is beyond Thena's schedule").arg(attempt.number));
            break;
        case Verdict::First:
        case Verdict::AsExpected:
            break;
        }
    }
    text += off.isEmpty() ? QStringLiteral(", all gaps as expected")
                          : QStringLiteral(": ") + off.join(QStringLiteral("; "));
    if (isExhausted())
        text += QStringLiteral("; Thena retries no more after attempt %1").arg(MaxAttempts);
    return text;
}
