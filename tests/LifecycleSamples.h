#pragma once

// A realistic request lifecycle built from the shared samples, for the lifecycle tests: created,
// assigned, an SLA breach update, a manual escalation (Updated + Escalated, the escalation
// retried twice on Thena's schedule) and closed, with an unrelated request in between.
// Header-only, like TestSupport.h.

#include "CapturedEvent.h"
#include "TestSupport.h"
#include "ThenaPayloadParser.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <functional>

namespace LifecycleSamples {

// 2024-03-04T09:00:00Z: the request's createdAt.
constexpr qint64 kCreatedMs = 1709542800000;
// Thena's webhook reaches us 1.5 s after the request is created.
constexpr qint64 kFirstReceivedMs = kCreatedMs + 1500;
constexpr qint64 kMinute = 60 * 1000;

inline QString iso(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

inline QString slackTs(qint64 ms)
{
    return QString::number(ms / 1000) + QStringLiteral(".")
        + QString::number(ms % 1000).rightJustified(3, QLatin1Char('0')) + QStringLiteral("123");
}

using Edit = std::function<void(QJsonObject &root, QJsonObject &request)>;

// A sample with its request object edited.
inline QByteArray edited(const char *sampleName, const Edit &edit)
{
    QJsonObject root = QJsonDocument::fromJson(TestSupport::sample(sampleName)).object();
    QJsonObject request = root.value(QLatin1String("request")).toObject();
    edit(root, request);
    root.insert(QStringLiteral("request"), request);
    return QJsonDocument(root).toJson(QJsonDocument::Compact);
}

// A delivery as the capture server records it: parsed row, id, time and retry link.
inline CapturedEvent capture(const QByteArray &body, qint64 id, qint64 receivedMs, int attempt = 1, qint64 retryOf = 0)
{
    CapturedEvent event;
    event.body = body;
    event.method = QStringLiteral("POST");
    event.remoteAddress = QStringLiteral("127.0.0.1");
    event.headers = { { QByteArrayLiteral("Host"), QByteArrayLiteral("127.0.0.1:8080") },
        { QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json") },
        { QByteArrayLiteral("authorization"), QByteArrayLiteral("s3cret") },
        { QByteArrayLiteral("Content-Length"), QByteArray::number(body.size()) } };
    const ParseOutcome outcome = ThenaPayloadParser::parse(body, event.row);
    event.row.valid = outcome.valid;
    event.row.id = id;
    event.row.receivedMs = receivedMs;
    event.row.sizeBytes = static_cast<qint32>(body.size());
    event.row.path = QStringLiteral("/thena");
    event.row.attempt = attempt;
    event.row.retryOf = retryOf;
    return event;
}

inline QJsonObject person(const char *name, const char *email, const char *id)
{
    return { { QStringLiteral("name"), QLatin1String(name) }, { QStringLiteral("email"), QLatin1String(email) },
        { QStringLiteral("id"), QLatin1String(id) } };
}

inline QJsonObject activity(const char *id, const char *text, qint64 ms, const char *user)
{
    return { { QStringLiteral("id"), QLatin1String(id) }, { QStringLiteral("text"), QLatin1String(text) },
        { QStringLiteral("ts"), slackTs(ms) },
        { QStringLiteral("user"),
            QJsonObject {
                { QStringLiteral("id"), QStringLiteral("U9") }, { QStringLiteral("name"), QLatin1String(user) } } } };
}

// The request as it stands at each step, as the next body's starting point.
inline void created(QJsonObject &root, QJsonObject &request, const QString &requestId)
{
    root.insert(QStringLiteral("action"), QStringLiteral("CREATE"));
    request.insert(QStringLiteral("requestId"), requestId);
    request.insert(QStringLiteral("createdAt"), iso(kCreatedMs));
    request.insert(QStringLiteral("updatedAt"), iso(kCreatedMs));
    request.insert(QStringLiteral("AI_requestUrgency"), QStringLiteral("Medium"));
    request.insert(QStringLiteral("status"), QStringLiteral("UNASSIGNED"));
}

inline void assigned(QJsonObject &root, QJsonObject &request, const QString &requestId)
{
    created(root, request, requestId);
    root.insert(QStringLiteral("action"), QStringLiteral("UPDATE"));
    request.insert(QStringLiteral("status"), QStringLiteral("ASSIGNED"));
    request.insert(QStringLiteral("assignedTo"), person("ann.agent", "ann@vendor.example", "U1"));
    request.insert(QStringLiteral("assignedBy"), person("ben.lead", "ben@vendor.example", "U9"));
    request.insert(QStringLiteral("updatedAt"), iso(kCreatedMs + 5 * kMinute));
    request.insert(QStringLiteral("activity"),
        QJsonArray { activity("A1", "<p>Assigned to ann.agent</p>", kCreatedMs + 5 * kMinute, "ben.lead") });
}

inline void escalationUpdate(QJsonObject &root, QJsonObject &request, const QString &requestId)
{
    assigned(root, request, requestId);
    request.insert(QStringLiteral("updatedAt"), iso(kCreatedMs + 45 * kMinute));
    request.insert(QStringLiteral("AI_requestUrgency"), QStringLiteral("High"));
    request.insert(QStringLiteral("replyCount"), 2);
    request.insert(QStringLiteral("first_response_at"), slackTs(kCreatedMs + 40 * kMinute));
    QJsonArray entries = request.value(QLatin1String("activity")).toArray();
    entries.append(
        activity("A2", "<p>Customer: still blocked &amp; escalating</p>", kCreatedMs + 44 * kMinute, "dana"));
    request.insert(QStringLiteral("activity"), entries);
}

// Every delivery of request `requestId`, plus one of another request, in arrival order.
inline QList<CapturedEvent> story(const QString &requestId = QStringLiteral("77"))
{
    const QByteArray createdBody = edited(
        "request-created.json", [&](QJsonObject &root, QJsonObject &request) { created(root, request, requestId); });
    const QByteArray assignedBody = edited(
        "request-created.json", [&](QJsonObject &root, QJsonObject &request) { assigned(root, request, requestId); });
    const QByteArray other = edited("request-updated.json",
        [](QJsonObject &, QJsonObject &request) { request.insert(QStringLiteral("requestId"), QStringLiteral("42")); });
    // Nothing the inspector tracks changes: Thena's update for a breached first-response SLA.
    const QByteArray slaBody = edited("request-created.json", [&](QJsonObject &root, QJsonObject &request) {
        assigned(root, request, requestId);
        request.insert(QStringLiteral("updatedAt"), iso(kCreatedMs + 30 * kMinute));
    });
    const QByteArray escalationUpdateBody = edited("request-created.json",
        [&](QJsonObject &root, QJsonObject &request) { escalationUpdate(root, request, requestId); });
    const QByteArray escalatedBody = edited("request-created.json", [&](QJsonObject &root, QJsonObject &request) {
        escalationUpdate(root, request, requestId);
        root.remove(QStringLiteral("action")); // as in the documented escalation sample
        request.insert(QStringLiteral("escalation_type"), QStringLiteral("manual"));
        request.insert(QStringLiteral("escalation_details"),
            QJsonArray { QJsonObject { { QStringLiteral("escalationReason"), QStringLiteral("Finance close blocked") },
                { QStringLiteral("escalationMessage"), QStringLiteral("<p>Export blocks the month-end close</p>") },
                { QStringLiteral("escalationBusinessImpact"), QStringLiteral("High") },
                { QStringLiteral("escalationTs"), slackTs(kCreatedMs + 45 * kMinute) },
                { QStringLiteral("escalatedBy"),
                    QJsonObject { { QStringLiteral("name"), QStringLiteral("ben.lead") },
                        { QStringLiteral("slackId"), QStringLiteral("U9") } } } } });
    });
    const QByteArray closedBody = edited("request-created.json", [&](QJsonObject &root, QJsonObject &request) {
        escalationUpdate(root, request, requestId);
        request.insert(QStringLiteral("status"), QStringLiteral("CLOSED"));
        request.insert(QStringLiteral("closed_by"), person("ann.agent", "ann@vendor.example", "U1"));
        request.insert(QStringLiteral("closed_on"), iso(kCreatedMs + 120 * kMinute));
        request.insert(QStringLiteral("updatedAt"), iso(kCreatedMs + 120 * kMinute));
        request.insert(QStringLiteral("replyCount"), 5);
        request.insert(
            QStringLiteral("AI_generatedTags"), QJsonArray { QStringLiteral("export"), QStringLiteral("resolved") });
        request.insert(QStringLiteral("feedbacks"), QStringLiteral("<p>dana gave 5: quick fix</p>"));
    });

    const qint64 t0 = kFirstReceivedMs;
    const qint64 escalatedAt = t0 + 45 * kMinute + 2000;
    return {
        capture(createdBody, 1, t0),
        capture(assignedBody, 2, t0 + 5 * kMinute),
        capture(other, 3, t0 + 10 * kMinute),
        capture(slaBody, 4, t0 + 30 * kMinute),
        capture(escalationUpdateBody, 5, t0 + 45 * kMinute),
        capture(escalatedBody, 6, escalatedAt),
        // Our answer to the escalation failed twice: Thena retried after 10 s and then 20 s.
        capture(escalatedBody, 7, escalatedAt + 10000, 2, 6),
        capture(escalatedBody, 8, escalatedAt + 30000, 3, 6),
        capture(closedBody, 9, t0 + 120 * kMinute),
    };
}

} // namespace LifecycleSamples
