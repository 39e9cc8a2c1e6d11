#include "DerivedTimes.h"
#include "LifecycleSamples.h"
#include "TestSupport.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

namespace {
using namespace LifecycleSamples;

ThenaRequestDetails details(const QByteArray &body)
{
    return ThenaRequestDetails::fromBody(body);
}

QByteArray requestWith(const QByteArray &members, const char *action = "\"UPDATE\"")
{
    return TestSupport::requestBody(members, QByteArray(action));
}
} // namespace

class tst_DerivedTimes : public QObject
{
    Q_OBJECT

private slots:
    void singleBody_data();
    void singleBody();
    void fromJsonAgreesWithDetails_data();
    void fromJsonAgreesWithDetails();
    void documentedSamples();
    void assignmentFromHistory();
    void assignmentUpperBound();
    void assignmentFallsBackToReceivedTime();
    void platformHistory();
    void platformAssignmentUpperBound();
    void firstResponseKeptLatestCloseWins();
    void impossibleSpans();
    void spanText();
};

void tst_DerivedTimes::singleBody_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<qint64>("firstResponse");
    QTest::addColumn<qint64>("assignment");
    QTest::addColumn<qint64>("close");
    QTest::addColumn<bool>("escalated");

    QTest::newRow("nothing") << requestWith(R"("requestId":"1")") << qint64(-1) << qint64(-1) << qint64(-1) << false;
    QTest::newRow("iso first response") << requestWith(
        R"("createdAt":"2024-03-04T09:00:00Z","first_response_at":"2024-03-04T09:12:30Z")")
                                        << qint64(750000) << qint64(-1) << qint64(-1) << false;
    QTest::newRow("slack first response")
        << requestWith(R"("createdAt":"2024-03-04T09:00:00.000Z","first_response_at":"1709543400.500000")")
        << qint64(600500) << qint64(-1) << qint64(-1) << false;
    QTest::newRow("numeric first response")
        << requestWith(R"("createdAt":"2024-03-04T09:00:00.000Z","first_response_at":1709543400)") << qint64(600000)
        << qint64(-1) << qint64(-1) << false;
    QTest::newRow("closed") << requestWith(R"("createdAt":"2024-03-04T09:00:00Z","closed_on":"2024-03-05T10:00:00Z")")
                            << qint64(-1) << qint64(-1) << qint64(25 * 3600 * 1000) << false;
    QTest::newRow("created assigned") << requestWith(
        R"("createdAt":"2024-03-04T09:00:00Z","assignedTo":{"name":"ann"})", "\"CREATE\"")
                                      << qint64(-1) << qint64(0) << qint64(-1) << false;
    // An update alone does not say when the assignee was set.
    QTest::newRow("update assigned") << requestWith(R"("createdAt":"2024-03-04T09:00:00Z","assignedTo":{"name":"ann"})")
                                     << qint64(-1) << qint64(-1) << qint64(-1) << false;
    QTest::newRow("escalated") << requestWith(R"("escalation_type":"manual")", "null") << qint64(-1) << qint64(-1)
                               << qint64(-1) << true;
    QTest::newRow("garbage times") << requestWith(R"("createdAt":"loremipsum","first_response_at":"1709543400")")
                                   << qint64(-1) << qint64(-1) << qint64(-1) << false;
    QTest::newRow("no created") << requestWith(R"("first_response_at":"1709543400","closed_on":"2024-03-05T10:00:00Z")")
                                << qint64(-1) << qint64(-1) << qint64(-1) << false;
}

void tst_DerivedTimes::singleBody()
{
    QFETCH(QByteArray, body);
    QFETCH(qint64, firstResponse);
    QFETCH(qint64, assignment);
    QFETCH(qint64, close);
    QFETCH(bool, escalated);
    const DerivedTimes times = DerivedTimes::fromDetails(details(body));
    QCOMPARE(times.toFirstResponse.ms, firstResponse);
    QCOMPARE(times.toAssignment.ms, assignment);
    QCOMPARE(times.toClose.ms, close);
    QCOMPARE(times.escalated, escalated);
    QVERIFY(!times.toAssignment.upperBound);
}

void tst_DerivedTimes::fromJsonAgreesWithDetails_data()
{
    TestSupport::addSampleBodyRows();
    const QList<CapturedEvent> events = story();
    for (const CapturedEvent &event : events)
        QTest::newRow(qPrintable(QStringLiteral("story #%1").arg(event.row.id))) << event.body;
    QTest::newRow("created assigned") << requestWith(
        R"("createdAt":"2024-03-04T09:00:00Z","assignedTo":{"name":"ann"})", "\"CREATE\"");
    QTest::newRow("platform created assigned") << QByteArray(
        R"({"eventType":"ticket:created","payload":{"ticket":{"ticketId":5,"createdAt":"2024-03-04T09:00:00Z","closedAt":"2024-03-04T10:00:00Z","assignedTo":"ann@x.example"}}})");
}

void tst_DerivedTimes::fromJsonAgreesWithDetails()
{
    // The cheap path (for table columns on the capture thread) and the detailed one must agree.
    QFETCH(QByteArray, body);
    const DerivedTimes full = DerivedTimes::fromDetails(details(body));
    const DerivedTimes quick = DerivedTimes::fromJson(QJsonDocument::fromJson(body).object());
    QCOMPARE(quick.createdAt, full.createdAt);
    QCOMPARE(quick.firstResponseAt, full.firstResponseAt);
    QCOMPARE(quick.closedAt, full.closedAt);
    QCOMPARE(quick.assignedAt, full.assignedAt);
    QCOMPARE(quick.toFirstResponse.ms, full.toFirstResponse.ms);
    QCOMPARE(quick.toAssignment.ms, full.toAssignment.ms);
    QCOMPARE(quick.toClose.ms, full.toClose.ms);
    QCOMPARE(quick.escalated, full.escalated);
}

void tst_DerivedTimes::documentedSamples()
{
    // The updated sample: created 2023-08-23T21:31:01.573Z, closed 24 min 56 s later; its first
    // response is a Slack ts of May 2024, months later (the docs' sample data is made up).
    const DerivedTimes updated = DerivedTimes::fromDetails(details(TestSupport::sample("request-updated.json")));
    QCOMPARE(updated.toClose.ms, qint64(24 * 60 * 1000 + 56461));
    QCOMPARE(updated.toClose.text(), QStringLiteral("24 min"));
    QVERIFY(updated.toFirstResponse.isKnown());
    QVERIFY(updated.toFirstResponse.ms > qint64(250) * 24 * 3600 * 1000);
    QVERIFY(!updated.escalated);
    // The escalation sample: escalated, but its escalationTs is "loremipsum12": no span is made up.
    const DerivedTimes escalated = DerivedTimes::fromDetails(details(TestSupport::sample("request-escalated.json")));
    QVERIFY(escalated.escalated);
    QVERIFY(!escalated.toFirstResponse.isKnown());
    QVERIFY(!escalated.toClose.isKnown());
}

void tst_DerivedTimes::assignmentFromHistory()
{
    QList<ThenaRequestDetails> history;
    QList<qint64> received;
    const QList<CapturedEvent> events = story();
    for (const CapturedEvent &event : events) {
        if (event.row.requestId == QLatin1String("77") && event.row.attempt == 1) {
            history.append(details(event.body));
            received.append(event.row.receivedMs);
        }
    }
    const DerivedTimes times = DerivedTimes::fromHistory(history, received);
    QCOMPARE(times.assignedAt, QDateTime::fromMSecsSinceEpoch(kCreatedMs + 5 * kMinute, Qt::UTC));
    QCOMPARE(times.toAssignment.ms, 5 * kMinute);
    QVERIFY(!times.toAssignment.upperBound);
    QCOMPARE(times.toAssignment.text(), QStringLiteral("5 min"));
    QCOMPARE(times.toFirstResponse.ms, 40 * kMinute);
    QCOMPARE(times.toClose.ms, 120 * kMinute);
    QVERIFY(times.escalated);
}

void tst_DerivedTimes::assignmentUpperBound()
{
    // The first event we saw already had an assignee and was no CREATE: assigned at most then.
    const QList<CapturedEvent> events = story();
    const QList<ThenaRequestDetails> history { details(events.at(3).body), details(events.at(8).body) };
    const DerivedTimes times = DerivedTimes::fromHistory(history);
    QCOMPARE(times.toAssignment.ms, 30 * kMinute);
    QVERIFY(times.toAssignment.upperBound);
    QCOMPARE(times.toAssignment.text(), QStringLiteral("at most 30 min"));
}

void tst_DerivedTimes::assignmentFallsBackToReceivedTime()
{
    const QByteArray unassigned = requestWith(R"("createdAt":"2024-03-04T09:00:00Z","assignedTo":{})", "\"CREATE\"");
    const QByteArray assigned
        = requestWith(R"("createdAt":"2024-03-04T09:00:00Z","assignedTo":{"name":"ann"}, "updatedAt":"soon")");
    const DerivedTimes times = DerivedTimes::fromHistory(
        { details(unassigned), details(assigned) }, { kCreatedMs, kCreatedMs + 7 * kMinute });
    QCOMPARE(times.toAssignment.ms, 7 * kMinute);
    QVERIFY(!times.toAssignment.upperBound);
}

void tst_DerivedTimes::platformHistory()
{
    const QByteArray created
        = R"({"eventType":"ticket:created","timestamp":"2024-03-04T09:00:00Z","payload":{"ticket":{"ticketId":5,"createdAt":"2024-03-04T09:00:00Z"}}})";
    const QByteArray status
        = R"({"eventType":"ticket:status:changed","timestamp":"2024-03-04T09:01:00Z","payload":{"ticket":{"ticketId":5,"status":"OPEN"}}})";
    const QByteArray assigned
        = R"({"eventType":"ticket:assigned","timestamp":"2024-03-04T09:03:00Z","payload":{"ticket":{"ticketId":5,"assignedAgent":{"name":"ann"}}}})";
    const QByteArray closed
        = R"({"eventType":"ticket:updated","timestamp":"2024-03-04T11:00:00Z","payload":{"ticket":{"ticketId":5,"closedAt":"2024-03-04T11:00:00Z"}}})";
    const DerivedTimes times
        = DerivedTimes::fromHistory({ details(created), details(status), details(assigned), details(closed) });
    QCOMPARE(times.toAssignment.ms, 3 * kMinute);
    // The created event (the whole ticket) had nobody assigned, so 3 min is exact.
    QVERIFY(!times.toAssignment.upperBound);
    QCOMPARE(times.toClose.ms, 120 * kMinute);
    QVERIFY(!times.toFirstResponse.isKnown());
    QVERIFY(!times.escalated);
}

void tst_DerivedTimes::platformAssignmentUpperBound()
{
    // Only partial platform events before the assignment: nothing says the ticket was unassigned.
    const QByteArray status
        = R"({"eventType":"ticket:status:changed","timestamp":"2024-03-04T09:01:00Z","payload":{"ticket":{"ticketId":5,"status":"OPEN","createdAt":"2024-03-04T09:00:00Z"}}})";
    const QByteArray assigned
        = R"({"eventType":"ticket:assigned","timestamp":"2024-03-04T09:03:00Z","payload":{"ticket":{"ticketId":5,"assignedAgent":{"name":"ann"}}}})";
    const DerivedTimes times = DerivedTimes::fromHistory({ details(status), details(assigned) });
    QCOMPARE(times.toAssignment.ms, 3 * kMinute);
    QVERIFY(times.toAssignment.upperBound);
}

void tst_DerivedTimes::firstResponseKeptLatestCloseWins()
{
    // Reopened and closed again: the last close stands; the first response is the first one reported.
    const QByteArray a = requestWith(
        R"("createdAt":"2024-03-04T09:00:00Z","first_response_at":"2024-03-04T09:05:00Z","closed_on":"2024-03-04T10:00:00Z")");
    const QByteArray b = requestWith(
        R"("createdAt":"2024-03-04T09:00:00Z","first_response_at":"2024-03-04T09:50:00Z","closed_on":"2024-03-04T12:00:00Z")");
    const DerivedTimes times = DerivedTimes::fromHistory({ details(a), details(b) });
    QCOMPARE(times.toFirstResponse.ms, 5 * kMinute);
    QCOMPARE(times.toClose.ms, 180 * kMinute);
}

void tst_DerivedTimes::impossibleSpans()
{
    const QByteArray body = requestWith(
        R"("createdAt":"2024-03-04T09:00:00Z","first_response_at":"2024-03-04T08:58:00Z","closed_on":"2024-03-04T08:00:00Z")");
    const DerivedTimes times = DerivedTimes::fromDetails(details(body));
    QVERIFY(!times.toFirstResponse.isKnown());
    QCOMPARE(times.toFirstResponse.problem, QStringLiteral("the first response is 2 min before creation"));
    QCOMPARE(times.toFirstResponse.text(), QString());
    QCOMPARE(times.toClose.problem, QStringLiteral("the close is 1 h before creation"));
}

void tst_DerivedTimes::spanText()
{
    DerivedTimes::Span span;
    QCOMPARE(span.text(), QString());
    span.ms = 0;
    QCOMPARE(span.text(), QStringLiteral("0 s"));
    span.ms = 3 * 86400 * 1000 + 4 * 3600 * 1000;
    QCOMPARE(span.text(), QStringLiteral("3 days 4 h"));
    span.upperBound = true;
    QCOMPARE(span.text(), QStringLiteral("at most 3 days 4 h"));
}

QTEST_GUILESS_MAIN(tst_DerivedTimes)
#include "tst_derivedtimes.moc"
