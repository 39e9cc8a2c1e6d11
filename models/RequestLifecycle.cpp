#include "RequestLifecycle.h"

#include "DurationText.h"
#include "ThenaTime.h"

#include <QHash>
#include <QSet>
#include <algorithm>

namespace {
using Details = ThenaRequestDetails;

const QChar kArrow(0x2192);

// The fields whose changes a support lead follows, in the order they are listed.
struct TrackedField
{
    const char *name;
    QString (*value)(const Details &);
};

QString timeValue(const Details::Time &time)
{
    return time.utc.isValid() ? ThenaTime::formatLocal(time.utc) : time.raw;
}

const TrackedField kFields[] = {
    { "status", [](const Details &d) { return d.status; } },
    { "assignee", [](const Details &d) { return d.assignedTo.display(); } },
    { "urgency", [](const Details &d) { return d.urgency; } },
    { "sentiment", [](const Details &d) { return d.sentiment; } },
    { "title", [](const Details &d) { return d.title; } },
    { "team", [](const Details &d) { return d.team; } },
    { "customer", [](const Details &d) { return d.customer; } },
    { "first response", [](const Details &d) { return timeValue(d.firstResponseAt); } },
    { "closed by", [](const Details &d) { return d.closedBy.display(); } },
    { "closed on", [](const Details &d) { return timeValue(d.closedOn); } },
    { "feedback", [](const Details &d) { return d.feedbacks; } },
};

QString activityKey(const Details::Activity &activity)
{
    return activity.id + QChar(0x1f) + activity.ts.raw + QChar(0x1f) + activity.text;
}

QString escalationKey(const Details::Escalation &escalation)
{
    return escalation.ts.raw + QChar(0x1f) + escalation.reason + QChar(0x1f) + escalation.message + QChar(0x1f)
        + escalation.escalatedBy.id + QChar(0x1f) + escalation.escalatedBy.name;
}

QString kindText(const EventRow &row)
{
    if (row.kind == EventKind::Platform && !row.eventType.isEmpty())
        return row.eventType;
    return eventKindName(row.kind).toLower();
}

bool sameRequest(const QString &a, const QString &b)
{
    return !b.isEmpty() && QStringView(a).trimmed() == QStringView(b).trimmed();
}

QString findChange(const QList<RequestLifecycle::Change> &changes, const char *field, QString *before = nullptr)
{
    for (const RequestLifecycle::Change &change : changes) {
        if (change.field == QLatin1String(field)) {
            if (before)
                *before = change.before;
            return change.after;
        }
    }
    return {};
}

bool hasChange(const QList<RequestLifecycle::Change> &changes, const char *field)
{
    return std::any_of(changes.cbegin(), changes.cend(),
        [field](const RequestLifecycle::Change &change) { return change.field == QLatin1String(field); });
}

QString escalationPhrase(const Details::Escalation &escalation)
{
    QString text = QStringLiteral("escalated");
    const QString by = escalation.escalatedBy.display();
    if (!by.isEmpty())
        text += QStringLiteral(" by ") + by;
    if (!escalation.reason.isEmpty())
        text += QStringLiteral(": ") + escalation.reason;
    return text;
}
} // namespace

QString RequestLifecycle::Change::text() const
{
    const QString name = field + QStringLiteral(": ");
    if (before.isEmpty())
        return name + after;
    if (after.isEmpty())
        return name + before + QLatin1Char(' ') + kArrow + QStringLiteral(" (none)");
    return name + before + QLatin1Char(' ') + kArrow + QLatin1Char(' ') + after;
}

QString RequestLifecycle::Step::offsetText() const
{
    return DurationText::offset(offsetMs);
}

bool RequestLifecycle::Step::hasChanges() const
{
    return !changes.isEmpty() || !tagsAdded.isEmpty() || !tagsRemoved.isEmpty() || repliesChanged()
        || !newActivity.isEmpty() || !newEscalations.isEmpty();
}

QString RequestLifecycle::Step::summary() const
{
    QStringList parts;
    if (first) {
        parts.append(row.kind == EventKind::Created || row.eventType.endsWith(QLatin1String(":created"))
                ? QStringLiteral("request created")
                : QStringLiteral("first captured event of this request"));
        const QString status = findChange(changes, "status");
        if (!status.isEmpty())
            parts.append(QStringLiteral("status ") + status);
        const QString assignee = findChange(changes, "assignee");
        if (!assignee.isEmpty())
            parts.append(QStringLiteral("assigned to ") + assignee);
        for (const Details::Escalation &escalation : newEscalations)
            parts.append(escalationPhrase(escalation));
        return parts.join(QStringLiteral("; "));
    }

    QString statusBefore;
    const QString status = findChange(changes, "status", &statusBefore);
    if (hasChange(changes, "status")) {
        parts.append(QStringLiteral("status ")
            + (statusBefore.isEmpty() ? QString() : statusBefore + QLatin1Char(' ') + kArrow + QLatin1Char(' '))
            + (status.isEmpty() ? QStringLiteral("(none)") : status));
    }
    QString assigneeBefore;
    const QString assignee = findChange(changes, "assignee", &assigneeBefore);
    if (hasChange(changes, "assignee")) {
        if (assignee.isEmpty())
            parts.append(QStringLiteral("unassigned from ") + assigneeBefore);
        else if (assigneeBefore.isEmpty())
            parts.append(QStringLiteral("assigned to ") + assignee);
        else
            parts.append(QStringLiteral("reassigned from ") + assigneeBefore + QStringLiteral(" to ") + assignee);
    }
    const QString closedBy = findChange(changes, "closed by");
    if (!closedBy.isEmpty())
        parts.append(QStringLiteral("closed by ") + closedBy);
    for (const Details::Escalation &escalation : newEscalations)
        parts.append(escalationPhrase(escalation));
    if (hasChange(changes, "urgency")) {
        const QString urgency = findChange(changes, "urgency");
        parts.append(QStringLiteral("urgency ") + (urgency.isEmpty() ? QStringLiteral("cleared") : urgency));
    }
    if (hasChange(changes, "first response"))
        parts.append(QStringLiteral("first response"));
    if (repliesChanged()) {
        const int delta = repliesBefore < 0 ? repliesAfter : repliesAfter - repliesBefore;
        if (repliesBefore < 0)
            parts.append(QStringLiteral("%1 replies").arg(repliesAfter));
        else
            parts.append(QStringLiteral("%1%2 %3")
                             .arg(delta > 0 ? QStringLiteral("+") : QString())
                             .arg(delta)
                             .arg(std::abs(delta) == 1 ? QStringLiteral("reply") : QStringLiteral("replies")));
    }
    if (!newActivity.isEmpty()) {
        parts.append(newActivity.size() == 1 ? QStringLiteral("1 new activity entry")
                                             : QStringLiteral("%1 new activity entries").arg(newActivity.size()));
    }
    if (!tagsAdded.isEmpty() || !tagsRemoved.isEmpty())
        parts.append(QStringLiteral("tags changed"));
    if (hasChange(changes, "feedback"))
        parts.append(QStringLiteral("feedback received"));

    if (parts.isEmpty()) {
        // Each remaining tracked field still counts as "something changed".
        for (const Change &change : changes)
            parts.append(change.field + QStringLiteral(" changed"));
    }
    if (parts.isEmpty()) {
        if (row.kind == EventKind::Escalated)
            return pairedWithPrevious
                ? QStringLiteral("escalation webhook of the update above (no new escalation details)")
                : QStringLiteral("escalation without new details");
        // Thena fires updates for more than the fields above; an SLA breach of the first response
        // time is the common one while nobody has answered yet.
        if (!details.firstResponseAt.isPresent() && details.closedOn.raw.isEmpty())
            return QStringLiteral("no tracked field changed; no first response yet: likely an SLA breach of the first "
                                  "response time");
        return QStringLiteral("no tracked field changed (an SLA, CSAT or other metadata update)");
    }
    if (pairedWithPrevious)
        parts.append(QStringLiteral("with the update above: one manual escalation"));
    return parts.join(QStringLiteral("; "));
}

QList<EventRow> RequestLifecycle::rowsOfRequest(const QList<EventRow> &rows, const QString &requestId)
{
    QList<EventRow> result;
    if (requestId.trimmed().isEmpty())
        return result;
    for (const EventRow &row : rows) {
        if (sameRequest(requestId, row.requestId))
            result.append(row);
    }
    return result;
}

RequestLifecycle RequestLifecycle::build(const QString &requestId, const QList<CapturedEvent> &events)
{
    RequestLifecycle lifecycle;
    lifecycle.m_requestId = requestId.trimmed();

    QList<EventRow> rows;
    QHash<qint64, const CapturedEvent *> byId;
    for (const CapturedEvent &event : events) {
        if (!sameRequest(lifecycle.m_requestId, event.row.requestId))
            continue;
        rows.append(event.row);
        byId.insert(event.row.id, &event);
    }
    QList<RetryChain> chains = RetryChain::group(rows);
    std::sort(chains.begin(), chains.end(), [](const RetryChain &a, const RetryChain &b) {
        const EventRow &ra = a.attempts().constFirst().row;
        const EventRow &rb = b.attempts().constFirst().row;
        return ra.receivedMs != rb.receivedMs ? ra.receivedMs < rb.receivedMs : ra.id < rb.id;
    });

    QList<Details> history;
    QList<qint64> received;
    QSet<QString> seenActivity;
    QSet<QString> seenEscalations;
    QString values[std::size(kFields)];
    QStringList tags;
    int replies = -1;
    qint64 firstMs = 0;

    for (const RetryChain &chain : std::as_const(chains)) {
        Step step;
        step.row = chain.attempts().constFirst().row;
        step.deliveries = chain;
        const CapturedEvent *event = byId.value(step.row.id);
        step.details = ThenaRequestDetails::fromBody(event ? event->body : QByteArray());
        const Details &details = step.details;
        step.kindText = kindText(step.row);
        step.first = lifecycle.m_steps.isEmpty();
        if (step.first) {
            firstMs = step.row.receivedMs;
        } else {
            const Step &previous = lifecycle.m_steps.constLast();
            step.offsetMs = step.row.receivedMs - firstMs;
            step.sincePreviousMs = step.row.receivedMs - previous.row.receivedMs;
            step.pairedWithPrevious = step.row.kind == EventKind::Escalated && previous.row.kind == EventKind::Updated
                && step.sincePreviousMs <= EscalationPairWindowMs;
        }
        step.payloadTime = details.kind == EventKind::Platform ? details.timestamp.utc : details.updatedAt.utc;

        // A platform event may carry only what it is about (ticket:status:changed sends the
        // status); an empty field there means "not sent", not "cleared". The request shape
        // always sends the whole request, so there empty is empty.
        const bool partial = details.kind == EventKind::Platform;
        for (size_t f = 0; f < std::size(kFields); ++f) {
            const QString value = kFields[f].value(details);
            if (value == values[f] || (partial && value.isEmpty()))
                continue;
            step.changes.append({ QLatin1String(kFields[f].name), values[f], value });
            values[f] = value;
        }
        if (!partial || !details.tags.isEmpty()) {
            for (const QString &tag : details.tags) {
                if (!tags.contains(tag))
                    step.tagsAdded.append(tag);
            }
            for (const QString &tag : std::as_const(tags)) {
                if (!details.tags.contains(tag))
                    step.tagsRemoved.append(tag);
            }
            tags = details.tags;
        }
        step.repliesBefore = replies;
        step.repliesAfter = details.replyCount;
        if (details.replyCount >= 0)
            replies = details.replyCount;
        else
            step.repliesAfter = replies; // not sent: unchanged
        for (const Details::Activity &activity : details.activity) {
            if (!seenActivity.contains(activityKey(activity))) {
                seenActivity.insert(activityKey(activity));
                step.newActivity.append(activity);
            }
        }
        for (const Details::Escalation &escalation : details.escalations) {
            if (!seenEscalations.contains(escalationKey(escalation))) {
                seenEscalations.insert(escalationKey(escalation));
                step.newEscalations.append(escalation);
            }
        }

        if (!details.title.isEmpty())
            lifecycle.m_title = details.title;
        if (!details.customer.isEmpty())
            lifecycle.m_customer = details.customer;
        history.append(details);
        received.append(step.row.receivedMs);
        lifecycle.m_steps.append(step);
    }
    lifecycle.m_times = DerivedTimes::fromHistory(history, received);
    return lifecycle;
}

QList<RetryChain> RequestLifecycle::retriedChains() const
{
    QList<RetryChain> chains;
    for (const Step &step : m_steps) {
        if (step.deliveries.isRetried())
            chains.append(step.deliveries);
    }
    return chains;
}

int RequestLifecycle::deliveryCount() const
{
    int count = 0;
    for (const Step &step : m_steps)
        count += step.deliveries.size();
    return count;
}

QString RequestLifecycle::toText() const
{
    QStringList lines;
    QString heading = QStringLiteral("Request ") + m_requestId;
    if (!m_title.isEmpty())
        heading += QStringLiteral(": ") + m_title;
    lines.append(heading);
    auto addSpan = [&lines](const char *label, const DerivedTimes::Span &span) {
        if (span.isKnown())
            lines.append(QLatin1String(label) + QStringLiteral(": ") + span.text());
        else if (!span.problem.isEmpty())
            lines.append(QLatin1String(label) + QStringLiteral(": unknown (") + span.problem + QLatin1Char(')'));
    };
    addSpan("Time to first response", m_times.toFirstResponse);
    addSpan("Time to assignment", m_times.toAssignment);
    addSpan("Time to close", m_times.toClose);
    lines.append(m_times.escalated ? QStringLiteral("Escalated: yes") : QStringLiteral("Escalated: no"));
    for (const Step &step : m_steps) {
        lines.append(QString());
        lines.append(step.offsetText() + QLatin1Char(' ') + step.kindText + QStringLiteral(" #")
            + QString::number(step.row.id) + QStringLiteral(": ") + step.summary());
        for (const Change &change : step.changes)
            lines.append(QStringLiteral("  ") + change.text());
        if (!step.tagsAdded.isEmpty())
            lines.append(QStringLiteral("  tags added: ") + step.tagsAdded.join(QStringLiteral(", ")));
        if (!step.tagsRemoved.isEmpty())
            lines.append(QStringLiteral("  tags removed: ") + step.tagsRemoved.join(QStringLiteral(", ")));
        if (step.repliesChanged()) {
            lines.append(step.repliesBefore < 0
                    ? QStringLiteral("  replies: %1").arg(step.repliesAfter)
                    : QStringLiteral("  replies: %1 %2 %3").arg(step.repliesBefore).arg(kArrow).arg(step.repliesAfter));
        }
        for (const Details::Activity &activity : step.newActivity) {
            lines.append(QStringLiteral("  activity: ")
                + (activity.userName.isEmpty() ? QString() : activity.userName + QStringLiteral(": ")) + activity.text);
        }
        for (const Details::Escalation &escalation : step.newEscalations)
            lines.append(QStringLiteral("  ") + escalationPhrase(escalation));
        if (step.deliveries.isRetried()) {
            lines.append(QStringLiteral("  deliveries: ") + step.deliveries.summary());
            for (const RetryChain::Attempt &attempt : step.deliveries.attempts())
                lines.append(QStringLiteral("    ") + attempt.text);
        }
    }
    return lines.join(QLatin1Char('\n'));
}
