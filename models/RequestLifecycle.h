#pragma once

#include "CapturedEvent.h"
#include "DerivedTimes.h"
#include "EventRow.h"
#include "RetryChain.h"
#include "ThenaRequestDetails.h"

#include <QList>
#include <QString>
#include <QStringList>

// One request's story, told from the webhooks captured for it: every event of one request id in
// order, each with what changed since the one before (status, assignee, urgency, sentiment, tags,
// replies, new activity entries, new escalations...), its time as an offset from the first
// ("+5 min"), its deliveries (Thena's retries of the same body make one step, not several), and
// the times derived from the whole history. Both payload shapes take part: a platform ticket's
// ticketId is its request id (the parser already puts it in EventRow::requestId).
//
// Plain data, built once from rows and bodies; no Qt parent, cheap to hand to a view.
class RequestLifecycle
{
public:
    struct Change
    {
        QString field; // "status", "assignee", ...
        QString before; // empty: not set (or, in the first step, no earlier state)
        QString after; // empty: cleared

        QString text() const; // "status: ASSIGNED → CLOSED", "assignee: set to Ann", "urgency: High"
    };

    struct Step
    {
        EventRow row; // the step's first captured delivery
        RetryChain deliveries; // every delivery of this body; size 1 when not retried
        ThenaRequestDetails details;
        QString kindText; // "created", "updated", "escalated", or the platform eventType
        qint64 offsetMs = 0; // since the first step's delivery
        qint64 sincePreviousMs = 0; // since the previous step's; 0 for the first
        QDateTime payloadTime; // updatedAt (platform: timestamp), invalid when the body has none

        QList<Change> changes; // tracked fields, in a fixed order; the first step lists the initial values
        QStringList tagsAdded;
        QStringList tagsRemoved;
        int repliesBefore = -1; // -1 when unknown
        int repliesAfter = -1;
        QList<ThenaRequestDetails::Activity> newActivity; // entries no earlier step had
        QList<ThenaRequestDetails::Escalation> newEscalations; // likewise
        // An escalation that came with the update just before it: Thena fires both for one manual
        // escalation (docs/thena-webhooks.md), so the view presents them as one act.
        bool pairedWithPrevious = false;

        bool first = false; // the first captured step: its changes are the initial state
        QString offsetText() const; // "+5 min"
        bool repliesChanged() const { return repliesAfter >= 0 && repliesAfter != repliesBefore; }
        bool hasChanges() const;
        // One line for the timeline: "status ASSIGNED → CLOSED; closed by Ann", "assigned to Bob",
        // "escalated by Cy: Outage", "no tracked field changed ...".
        QString summary() const;
    };

    // How far apart an Updated and an Escalated may arrive and still be one manual escalation.
    static constexpr qint64 EscalationPairWindowMs = 10 * 1000;

    // The rows of one request id, in the order given. Ids compare as text after trimming, so
    // "42" and 42 (already text in EventRow) match, but "42" and "042" do not.
    static QList<EventRow> rowsOfRequest(const QList<EventRow> &rows, const QString &requestId);

    // events: every captured event of the request (rows with bodies), in any order; retries of
    // one body are folded into one step. Events of another request are ignored.
    static RequestLifecycle build(const QString &requestId, const QList<CapturedEvent> &events);

    RequestLifecycle() = default;

    QString requestId() const { return m_requestId; }
    // The latest non-empty title and customer: what the request is called now.
    QString title() const { return m_title; }
    QString customer() const { return m_customer; }
    const QList<Step> &steps() const { return m_steps; }
    bool isEmpty() const { return m_steps.isEmpty(); }
    const DerivedTimes &times() const { return m_times; }
    // Steps whose body was delivered more than once.
    QList<RetryChain> retriedChains() const;
    int deliveryCount() const; // every captured delivery, retries included

    // The whole timeline as plain text, one step per paragraph: for "Copy" and for tests.
    QString toText() const;

private:
    QString m_requestId;
    QString m_title;
    QString m_customer;
    QList<Step> m_steps;
    DerivedTimes m_times;
};
