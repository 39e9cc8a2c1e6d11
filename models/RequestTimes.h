#pragma once

#include <QByteArray>
#include <QMetaType>
#include <QtGlobal>

struct DerivedTimes;
struct ThenaRequestDetails;

// The three times of a request's life that the insights charts measure, taken from one
// payload's own fields (never from when the webhook arrived): UTC milliseconds since the epoch,
// 0 when the payload does not carry the time or carries something that is no time. Extracting
// them means parsing the body, so callers do it off the GUI thread (see InsightsEngine) and hand
// the aggregator the result.
struct RequestTimes
{
    qint64 createdAtMs = 0;
    qint64 firstResponseAtMs = 0;
    qint64 closedAtMs = 0;

    // No creation time: nothing can be measured from this payload.
    bool isEmpty() const { return createdAtMs == 0; }

    // Request shape: createdAt, first_response_at, closed_on. Platform envelope: the ticket's
    // createdAt and closedAt (it has no first response time). The same fields the detail panes
    // show, read by ThenaRequestDetails, so the charts and the panes never disagree.
    static RequestTimes fromDetails(const ThenaRequestDetails &details);
    static RequestTimes fromBody(const QByteArray &body);
    // From times the parser already derived from the same payload (ThenaPayloadParser).
    static RequestTimes fromDerived(const DerivedTimes &times);

    friend bool operator==(const RequestTimes &a, const RequestTimes &b)
    {
        return a.createdAtMs == b.createdAtMs && a.firstResponseAtMs == b.firstResponseAtMs
            && a.closedAtMs == b.closedAtMs;
    }
    friend bool operator!=(const RequestTimes &a, const RequestTimes &b) { return !(a == b); }
};

Q_DECLARE_METATYPE(RequestTimes)
