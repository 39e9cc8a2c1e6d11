#pragma once

// Events for the insights tests: the four samples and generated request lifecycles, parsed the way
// the capture server parses them, with the request times InsightsEngine would extract. Header-only,
// like TestSupport.h.

#include "CapturedEvent.h"
#include "EventAggregator.h"
#include "RequestTimes.h"
#include "TestSupport.h"
#include "ThenaPayloadParser.h"

#include <QDateTime>

namespace InsightsTestData {
using Count = InsightsSnapshot::Count;

constexpr qint64 kMinute = 60 * 1000;
constexpr qint64 kHour = 60 * kMinute;
constexpr qint64 kDay = 24 * kHour;
// 2024-03-01T10:00:00Z: every generated event arrives relative to this.
constexpr qint64 kBase = 1709287200000LL;

struct Event
{
    EventRow row;
    RequestTimes times;
    QByteArray body;
};

inline Event parsed(qint64 id, qint64 receivedMs, const QByteArray &body, qint32 attempt = 1)
{
    Event e;
    e.row.id = id;
    e.row.receivedMs = receivedMs;
    e.row.attempt = attempt;
    const ParseOutcome outcome = ThenaPayloadParser::parse(body, e.row);
    e.row.valid = outcome.valid;
    if (!outcome.valid)
        e.row.kind = EventKind::Invalid;
    e.times = RequestTimes::fromBody(body);
    e.body = body;
    return e;
}

inline QList<EventRow> rowsOf(const QList<Event> &events)
{
    QList<EventRow> rows;
    for (const Event &e : events)
        rows.append(e.row);
    return rows;
}

inline QList<RequestTimes> timesOf(const QList<Event> &events)
{
    QList<RequestTimes> times;
    for (const Event &e : events)
        times.append(e.times);
    return times;
}

inline QByteArray iso(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs).toUtf8();
}

// Slack ts, the form Thena uses for first_response_at.
inline QByteArray slackTs(qint64 ms)
{
    return QByteArray::number(ms / 1000) + '.' + QByteArray::number(ms % 1000).rightJustified(3, '0') + "000";
}

struct Lifecycle
{
    QByteArray requestId;
    qint64 createdMs = 0;
    qint64 firstResponseMs = 0; // 0: none yet
    qint64 closedMs = 0; // 0: open
    QByteArray urgency = "High";
    QByteArray sentiment = "Neutral";
    QByteArray team = "Support EMEA";
    QByteArray customer = "Acme";
};

inline QByteArray body(const Lifecycle &l, const QByteArray &action, bool escalation = false)
{
    QByteArray members = "\"requestId\":\"" + l.requestId + "\",\"createdAt\":\"" + iso(l.createdMs) + "\""
        + ",\"AI_requestUrgency\":\"" + l.urgency + "\",\"AI_requestSentiment\":\"" + l.sentiment + "\""
        + ",\"team_name\":\"" + l.team + "\",\"customer_name\":\"" + l.customer + "\"";
    if (l.firstResponseMs != 0)
        members += ",\"first_response_at\":\"" + slackTs(l.firstResponseMs) + "\"";
    if (l.closedMs != 0)
        members += ",\"closed_on\":\"" + iso(l.closedMs) + "\"";
    if (escalation)
        members += ",\"escalation_type\":\"manual\"";
    return TestSupport::requestBody(members, action);
}

// The four samples, one a minute apart... except the first two, 30 s apart in the same minute.
inline QList<Event> sampleEvents()
{
    return { parsed(1, kBase, TestSupport::sample("request-created.json")),
        parsed(2, kBase + 30 * 1000, TestSupport::sample("request-updated.json")),
        parsed(3, kBase + 90 * 1000, TestSupport::sample("request-escalated.json")),
        parsed(4, kBase + 150 * 1000, TestSupport::sample("platform-ticket-created.json")) };
}

// A mixed capture: lifecycles of 40 requests (created, updated with a first response, some
// escalated, some closed, some retried) plus invalid and unknown bodies.
inline QList<Event> generatedEvents()
{
    QList<Event> events;
    qint64 id = 0;
    const QList<QByteArray> urgencies = { "Low", "Medium", "High", "HIGH", "Urgent" };
    const QList<QByteArray> sentiments = { "Negative", "Neutral", "Positive", "" };
    const QList<QByteArray> teams = { "Support EMEA", "Support US", "Billing", "Team \\\"Q\\\"" };
    for (int r = 0; r < 40; ++r) {
        Lifecycle l;
        l.requestId = QByteArray::number(1000 + r);
        l.createdMs = kBase + r * 7 * kMinute;
        l.urgency = urgencies.at(r % urgencies.size());
        l.sentiment = sentiments.at(r % sentiments.size());
        l.team = teams.at(r % teams.size());
        l.customer = "Customer " + QByteArray::number(r % 13);
        const qint64 at = l.createdMs + 1000;
        events << parsed(++id, at, body(l, "\"CREATE\""));
        l.firstResponseMs = l.createdMs + (r + 1) * 3 * kMinute;
        l.urgency = urgencies.at((r + 1) % urgencies.size()); // triaged: the newest value counts
        events << parsed(++id, l.firstResponseMs + 500, body(l, "\"UPDATE\""));
        if (r % 3 == 0) {
            const Event escalation = parsed(++id, l.firstResponseMs + 2 * kMinute, body(l, "\"UPDATE\"", true));
            events << escalation;
            if (r % 6 == 0) {
                Event retry = parsed(++id, escalation.row.receivedMs + 10 * 1000, body(l, "\"UPDATE\"", true), 2);
                retry.row.retryOf = escalation.row.id;
                events << retry;
            }
        }
        if (r % 2 == 0) {
            l.closedMs = l.createdMs + (r + 1) * kHour;
            events << parsed(++id, l.closedMs + 700, body(l, "\"UPDATE\""));
        }
        if (r % 10 == 0)
            events << parsed(++id, at + 2000, QByteArrayLiteral("{not json"));
        if (r % 15 == 0)
            events << parsed(++id, at + 3000, QByteArrayLiteral("{\"hello\":\"world\"}"));
    }
    return events;
}

inline EventAggregator aggregated(const QList<Event> &events)
{
    EventAggregator aggregator;
    aggregator.appendRows(rowsOf(events), timesOf(events));
    return aggregator;
}

inline int sum(const QList<int> &values)
{
    int total = 0;
    for (const int v : values)
        total += v;
    return total;
}

// What the capture server hands the window: the row plus the body it was parsed from.
inline QList<CapturedEvent> capturedEvents(const QList<Event> &events)
{
    QList<CapturedEvent> captured;
    for (const Event &e : events) {
        CapturedEvent c;
        c.row = e.row;
        c.body = e.body;
        c.headers = { { "content-type", "application/json" } };
        c.method = QStringLiteral("POST");
        captured.append(c);
    }
    return captured;
}
} // namespace InsightsTestData
