#pragma once

#include "ThenaRequestDetails.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

// Times a support lead asks about, derived from what the payloads carry: time to first response
// (first_response_at - createdAt), time to assignment, time to close (closed_on - createdAt), and
// whether the request was escalated. Thena sends no assignment time, so it is read from the
// lifecycle: the update in which an assignee first appears. Values the data does not allow stay
// unknown rather than guessed, and an impossible value (a response before the request existed)
// is reported as such, not shown as a negative time.
struct DerivedTimes
{
    struct Span
    {
        qint64 ms = -1; // -1 when unknown
        // The true span is at most ms: the moment was not captured, only a later event that
        // already had it (an assignee present in the first event we saw, which was no CREATE).
        bool upperBound = false;
        QString problem; // why the data gives no span although the fields exist, e.g. "before creation"

        bool isKnown() const { return ms >= 0; }
        // "12 min", "at most 3 h", "" when unknown (see problem).
        QString text() const;
    };

    QDateTime createdAt; // invalid when unknown
    QDateTime firstResponseAt;
    QDateTime assignedAt;
    QDateTime closedAt;
    Span toFirstResponse;
    Span toAssignment;
    Span toClose;
    bool escalated = false;

    // From one event's body: first response, close and escalation; assignment only when this
    // event says it was assigned at creation (a CREATE that already has an assignee).
    static DerivedTimes fromDetails(const ThenaRequestDetails &details);
    // The same from a parsed body, reading only the few fields needed: for table columns filled
    // on the capture thread, where building whole ThenaRequestDetails per delivery would cost too much.
    static DerivedTimes fromJson(const QJsonObject &root);
    // From every event of one request, oldest first: the earliest creation time, the first
    // response and close times the payloads report, the assignment from the first event that has
    // an assignee (its updatedAt, else receivedMs[i]), escalated when any event was.
    // receivedMs is parallel to history (may be empty).
    static DerivedTimes fromHistory(const QList<ThenaRequestDetails> &history, const QList<qint64> &receivedMs = {});

    // Fills the spans from the times above; public so callers that gather times their own way agree.
    void computeSpans();
};
