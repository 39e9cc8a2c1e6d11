#include "LifecycleSamples.h"
#include "RequestLifecycle.h"
#include "TestSupport.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <algorithm>
#include <random>

namespace {
using namespace LifecycleSamples;
using Change = RequestLifecycle::Change;

const QChar kArrow(0x2192);

QString changeText(const RequestLifecycle::Step &step, const QString &field)
{
    for (const Change &change : step.changes) {
        if (change.field == field)
            return change.text();
    }
    return {};
}

QStringList fields(const RequestLifecycle::Step &step)
{
    QStringList names;
    for (const Change &change : step.changes)
        names.append(change.field);
    return names;
}

QByteArray platformBody(
    const QString &ticketId, const QString &status, const QString &eventType = QStringLiteral("ticket:status:changed"))
{
    QJsonObject root = QJsonDocument::fromJson(TestSupport::sample("platform-ticket-created.json")).object();
    root.insert(QStringLiteral("eventType"), eventType);
    root.insert(QStringLiteral("eventId"), QString(QStringLiteral("EVT-") + ticketId + status));
    root.insert(QStringLiteral("timestamp"), iso(kCreatedMs + 50 * kMinute));
    // A status event carries only what it is about.
    root.insert(QStringLiteral("payload"),
        QJsonObject { { QStringLiteral("ticket"),
            QJsonObject {
                { QStringLiteral("ticketId"), ticketId.toLongLong() }, { QStringLiteral("status"), status } } } });
    return QJsonDocument(root).toJson(QJsonDocument::Compact);
}
} // namespace

class tst_RequestLifecycle : public QObject
{
    Q_OBJECT

private slots:
    void rowsOfRequest();
    void timelineSteps();
    void createdStepIsInitialState();
    void assignedStep();
    void slaBreachUpdate();
    void escalationAsUpdatePlusEscalated();
    void retriesFoldIntoOneStep();
    void closedStep();
    void derivedTimes();
    void orderOfInputDoesNotMatter();
    void platformTicketJoinsRequest();
    void requestIdAsNumber();
    void emptyAndUnknown();
    void invalidBodyStillAStep();
    void textExport();
};

void tst_RequestLifecycle::rowsOfRequest()
{
    QList<EventRow> rows;
    const QList<CapturedEvent> events = story();
    for (const CapturedEvent &event : events)
        rows.append(event.row);
    const QList<EventRow> ours = RequestLifecycle::rowsOfRequest(rows, QStringLiteral("77"));
    QCOMPARE(ours.size(), 8);
    QVERIFY(std::none_of(ours.cbegin(), ours.cend(), [](const EventRow &row) { return row.id == 3; }));
    QCOMPARE(RequestLifecycle::rowsOfRequest(rows, QStringLiteral(" 77 ")).size(), 8);
    QCOMPARE(RequestLifecycle::rowsOfRequest(rows, QStringLiteral("42")).size(), 1);
    QCOMPARE(RequestLifecycle::rowsOfRequest(rows, QStringLiteral("077")).size(), 0);
    QCOMPARE(RequestLifecycle::rowsOfRequest(rows, QString()).size(), 0);
    // Rows without a request id never match an empty one.
    EventRow invalid;
    invalid.kind = EventKind::Invalid;
    QCOMPARE(RequestLifecycle::rowsOfRequest({ invalid }, QStringLiteral(" ")).size(), 0);
}

void tst_RequestLifecycle::timelineSteps()
{
    const RequestLifecycle lifecycle = RequestLifecycle::build(QStringLiteral("77"), story());
    QCOMPARE(lifecycle.requestId(), QStringLiteral("77"));
    QCOMPARE(lifecycle.title(), QStringLiteral("Export to CSV fails for large workspaces"));
    QCOMPARE(lifecycle.customer(), QStringLiteral("Lorem Customer Ipsum"));
    const QList<RequestLifecycle::Step> &steps = lifecycle.steps();
    QCOMPARE(steps.size(), 6);
    QCOMPARE(lifecycle.deliveryCount(), 8);

    const QList<qint64> ids { 1, 2, 4, 5, 6, 9 };
    const QStringList kinds { QStringLiteral("created"), QStringLiteral("updated"), QStringLiteral("updated"),
        QStringLiteral("updated"), QStringLiteral("escalated"), QStringLiteral("updated") };
    const QStringList offsets { QStringLiteral("+0 s"), QStringLiteral("+5 min"), QStringLiteral("+30 min"),
        QStringLiteral("+45 min"), QStringLiteral("+45 min"), QStringLiteral("+2 h") };
    for (qsizetype i = 0; i < steps.size(); ++i) {
        QCOMPARE(steps.at(i).row.id, ids.at(i));
        QCOMPARE(steps.at(i).kindText, kinds.at(i));
        QCOMPARE(steps.at(i).offsetText(), offsets.at(i));
        QCOMPARE(steps.at(i).first, i == 0);
    }
    QCOMPARE(steps.at(1).offsetMs, 5 * kMinute);
    QCOMPARE(steps.at(4).offsetMs, 45 * kMinute + 2000);
    QCOMPARE(steps.at(4).sincePreviousMs, qint64(2000));
    QCOMPARE(steps.at(1).payloadTime, QDateTime::fromMSecsSinceEpoch(kCreatedMs + 5 * kMinute, Qt::UTC));
}

void tst_RequestLifecycle::createdStepIsInitialState()
{
    const RequestLifecycle::Step step = RequestLifecycle::build(QStringLiteral("77"), story()).steps().first();
    QVERIFY(step.first);
    QCOMPARE(fields(step),
        (QStringList { QStringLiteral("status"), QStringLiteral("urgency"), QStringLiteral("sentiment"),
            QStringLiteral("title"), QStringLiteral("team"), QStringLiteral("customer") }));
    QCOMPARE(changeText(step, QStringLiteral("status")), QStringLiteral("status: UNASSIGNED"));
    QCOMPARE(step.tagsAdded, (QStringList { QStringLiteral("export"), QStringLiteral("timeout") }));
    QVERIFY(step.tagsRemoved.isEmpty());
    QCOMPARE(step.repliesBefore, -1);
    QCOMPARE(step.repliesAfter, 0);
    QVERIFY(step.newActivity.isEmpty());
    QCOMPARE(step.summary(), QStringLiteral("request created; status UNASSIGNED"));
}

void tst_RequestLifecycle::assignedStep()
{
    const RequestLifecycle::Step step = RequestLifecycle::build(QStringLiteral("77"), story()).steps().at(1);
    QCOMPARE(fields(step), (QStringList { QStringLiteral("status"), QStringLiteral("assignee") }));
    QCOMPARE(changeText(step, QStringLiteral("status")),
        QStringLiteral("status: UNASSIGNED ") + kArrow + QStringLiteral(" ASSIGNED"));
    QCOMPARE(changeText(step, QStringLiteral("assignee")), QStringLiteral("assignee: ann.agent <ann@vendor.example>"));
    QCOMPARE(step.newActivity.size(), 1);
    QCOMPARE(step.newActivity.first().text, QStringLiteral("Assigned to ann.agent"));
    QVERIFY(!step.repliesChanged());
    QCOMPARE(step.summary(),
        QStringLiteral("status UNASSIGNED ") + kArrow
            + QStringLiteral(" ASSIGNED; assigned to ann.agent <ann@vendor.example>; 1 new activity entry"));
}

void tst_RequestLifecycle::slaBreachUpdate()
{
    const RequestLifecycle::Step step = RequestLifecycle::build(QStringLiteral("77"), story()).steps().at(2);
    QVERIFY(!step.hasChanges());
    QVERIFY(step.newActivity.isEmpty()); // the assignment entry is not new any more
    QCOMPARE(step.summary(),
        QStringLiteral(
            "no tracked field changed; no first response yet: likely an SLA breach of the first response time"));
}

void tst_RequestLifecycle::escalationAsUpdatePlusEscalated()
{
    const RequestLifecycle lifecycle = RequestLifecycle::build(QStringLiteral("77"), story());
    const RequestLifecycle::Step update = lifecycle.steps().at(3);
    QCOMPARE(fields(update), (QStringList { QStringLiteral("urgency"), QStringLiteral("first response") }));
    QCOMPARE(changeText(update, QStringLiteral("urgency")),
        QStringLiteral("urgency: Medium ") + kArrow + QStringLiteral(" High"));
    QCOMPARE(update.repliesBefore, 0);
    QCOMPARE(update.repliesAfter, 2);
    QCOMPARE(update.newActivity.size(), 1);
    QCOMPARE(update.newActivity.first().text, QStringLiteral("Customer: still blocked & escalating"));
    QCOMPARE(update.newActivity.first().userName, QStringLiteral("dana"));
    QVERIFY(update.newEscalations.isEmpty());
    QVERIFY(!update.pairedWithPrevious);
    QCOMPARE(update.summary(), QStringLiteral("urgency High; first response; +2 replies; 1 new activity entry"));

    const RequestLifecycle::Step escalated = lifecycle.steps().at(4);
    QVERIFY(escalated.pairedWithPrevious);
    QVERIFY(escalated.changes.isEmpty()); // the escalation body repeats the update's fields
    QVERIFY(escalated.newActivity.isEmpty());
    QCOMPARE(escalated.newEscalations.size(), 1);
    QCOMPARE(escalated.newEscalations.first().reason, QStringLiteral("Finance close blocked"));
    QCOMPARE(escalated.newEscalations.first().message, QStringLiteral("Export blocks the month-end close"));
    QCOMPARE(escalated.summary(),
        QStringLiteral("escalated by ben.lead: Finance close blocked; with the update above: one manual escalation"));
}

void tst_RequestLifecycle::retriesFoldIntoOneStep()
{
    const RequestLifecycle lifecycle = RequestLifecycle::build(QStringLiteral("77"), story());
    const RequestLifecycle::Step escalated = lifecycle.steps().at(4);
    QCOMPARE(escalated.deliveries.size(), 3);
    QCOMPARE(
        escalated.deliveries.attempts().at(1).text, QStringLiteral("attempt 2, 10 s after attempt 1, as expected"));
    QCOMPARE(
        escalated.deliveries.attempts().at(2).text, QStringLiteral("attempt 3, 20 s after attempt 2, as expected"));
    const QList<RetryChain> retried = lifecycle.retriedChains();
    QCOMPARE(retried.size(), 1);
    QCOMPARE(retried.first().firstId(), qint64(6));
    QCOMPARE(lifecycle.steps().at(5).deliveries.size(), 1);
}

void tst_RequestLifecycle::closedStep()
{
    const RequestLifecycle::Step step = RequestLifecycle::build(QStringLiteral("77"), story()).steps().at(5);
    QCOMPARE(fields(step),
        (QStringList { QStringLiteral("status"), QStringLiteral("closed by"), QStringLiteral("closed on"),
            QStringLiteral("feedback") }));
    QCOMPARE(changeText(step, QStringLiteral("status")),
        QStringLiteral("status: ASSIGNED ") + kArrow + QStringLiteral(" CLOSED"));
    QCOMPARE(step.tagsAdded, QStringList { QStringLiteral("resolved") });
    QCOMPARE(step.tagsRemoved, QStringList { QStringLiteral("timeout") });
    QCOMPARE(step.repliesBefore, 2);
    QCOMPARE(step.repliesAfter, 5);
    QVERIFY(step.newEscalations.isEmpty()); // the earlier escalation is not new
    QCOMPARE(step.summary(),
        QStringLiteral("status ASSIGNED ") + kArrow
            + QStringLiteral(
                " CLOSED; closed by ann.agent <ann@vendor.example>; +3 replies; tags changed; feedback received"));
}

void tst_RequestLifecycle::derivedTimes()
{
    const DerivedTimes times = RequestLifecycle::build(QStringLiteral("77"), story()).times();
    QCOMPARE(times.createdAt, QDateTime::fromMSecsSinceEpoch(kCreatedMs, Qt::UTC));
    QCOMPARE(times.toFirstResponse.ms, 40 * kMinute);
    QCOMPARE(times.toFirstResponse.text(), QStringLiteral("40 min"));
    QCOMPARE(times.toAssignment.ms, 5 * kMinute);
    QVERIFY(!times.toAssignment.upperBound);
    QCOMPARE(times.toClose.ms, 120 * kMinute);
    QCOMPARE(times.toClose.text(), QStringLiteral("2 h"));
    QVERIFY(times.escalated);
}

void tst_RequestLifecycle::orderOfInputDoesNotMatter()
{
    QList<CapturedEvent> shuffled = story();
    std::mt19937 random(7);
    std::shuffle(shuffled.begin(), shuffled.end(), random);
    QCOMPARE(RequestLifecycle::build(QStringLiteral("77"), shuffled).toText(),
        RequestLifecycle::build(QStringLiteral("77"), story()).toText());
}

void tst_RequestLifecycle::platformTicketJoinsRequest()
{
    // The newer platform reports the same request as ticket 77: it takes part, and the fields it
    // does not send (assignee, urgency...) are not read as cleared.
    QList<CapturedEvent> events = story();
    events.insert(
        6, capture(platformBody(QStringLiteral("77"), QStringLiteral("ON_HOLD")), 20, kFirstReceivedMs + 50 * kMinute));
    const RequestLifecycle lifecycle = RequestLifecycle::build(QStringLiteral("77"), events);
    QCOMPARE(lifecycle.steps().size(), 7);
    const RequestLifecycle::Step platform = lifecycle.steps().at(5);
    QCOMPARE(platform.row.id, qint64(20));
    QCOMPARE(platform.kindText, QStringLiteral("ticket:status:changed"));
    QCOMPARE(fields(platform), QStringList { QStringLiteral("status") });
    QCOMPARE(changeText(platform, QStringLiteral("status")),
        QStringLiteral("status: ASSIGNED ") + kArrow + QStringLiteral(" ON_HOLD"));
    QVERIFY(platform.tagsRemoved.isEmpty());
    QCOMPARE(platform.repliesAfter, 2); // not sent: unchanged
    QVERIFY(!platform.repliesChanged());
    QCOMPARE(platform.payloadTime, QDateTime::fromMSecsSinceEpoch(kCreatedMs + 50 * kMinute, Qt::UTC));
    // The close then reads as ON_HOLD -> CLOSED.
    QCOMPARE(changeText(lifecycle.steps().at(6), QStringLiteral("status")),
        QStringLiteral("status: ON_HOLD ") + kArrow + QStringLiteral(" CLOSED"));
}

void tst_RequestLifecycle::requestIdAsNumber()
{
    // The documented escalation sample sends requestId as the number 1234.
    const QByteArray escalated = TestSupport::sample("request-escalated.json");
    const QByteArray updated = edited("request-updated.json", [](QJsonObject &, QJsonObject &request) {
        request.insert(QStringLiteral("requestId"), QStringLiteral("1234"));
    });
    const RequestLifecycle lifecycle = RequestLifecycle::build(QStringLiteral("1234"),
        { capture(escalated, 1, kFirstReceivedMs), capture(updated, 2, kFirstReceivedMs + 60000) });
    QCOMPARE(lifecycle.steps().size(), 2);
    QCOMPARE(lifecycle.steps().first().newEscalations.size(), 1);
    QCOMPARE(lifecycle.steps().first().summary(),
        QStringLiteral(
            "first captured event of this request; status LOREM_IPSUM; escalated by Lorem Ipsum: Lorem Ipsum Reason"));
    QVERIFY(lifecycle.times().escalated);
}

void tst_RequestLifecycle::emptyAndUnknown()
{
    const RequestLifecycle none = RequestLifecycle::build(QStringLiteral("999"), story());
    QVERIFY(none.isEmpty());
    QCOMPARE(none.deliveryCount(), 0);
    QVERIFY(!none.times().toFirstResponse.isKnown());
    QVERIFY(!none.times().escalated);
    QVERIFY(RequestLifecycle::build(QString(), {}).isEmpty());
}

void tst_RequestLifecycle::invalidBodyStillAStep()
{
    // A row whose body could not be loaded (deleted meanwhile) still shows as a step without changes.
    QList<CapturedEvent> events = story();
    events[1].body.clear();
    const RequestLifecycle lifecycle = RequestLifecycle::build(QStringLiteral("77"), events);
    QCOMPARE(lifecycle.steps().size(), 6);
    QVERIFY(!lifecycle.steps().at(1).details.valid);
    QCOMPARE(lifecycle.times().toAssignment.ms, 30 * kMinute); // now first seen in the SLA update
}

void tst_RequestLifecycle::textExport()
{
    const QString text = RequestLifecycle::build(QStringLiteral("77"), story()).toText();
    QVERIFY(text.startsWith(QStringLiteral("Request 77: Export to CSV fails for large workspaces\n")));
    QVERIFY(text.contains(QStringLiteral("Time to first response: 40 min\n")));
    QVERIFY(text.contains(QStringLiteral("Time to assignment: 5 min\n")));
    QVERIFY(text.contains(QStringLiteral("Time to close: 2 h\n")));
    QVERIFY(text.contains(QStringLiteral("Escalated: yes\n")));
    QVERIFY(text.contains(QStringLiteral("+2 h updated #9: status ASSIGNED ")));
    QVERIFY(text.contains(QStringLiteral("  tags removed: timeout\n")));
    QVERIFY(text.contains(QStringLiteral("  replies: 2 ") + kArrow + QStringLiteral(" 5")));
    QVERIFY(text.contains(QStringLiteral("  deliveries: 3 attempts over 30 s, all gaps as expected\n")));
    QVERIFY(text.contains(QStringLiteral("    attempt 3, 20 s after attempt 2, as expected")));
    QVERIFY(text.contains(QStringLiteral("  activity: dana: Customer: still blocked & escalating\n")));
}

QTEST_GUILESS_MAIN(tst_RequestLifecycle)
#include "tst_requestlifecycle.moc"
