#include "ActivityPane.h"
#include "AiPane.h"
#include "EscalationsPane.h"
#include "HeadersPane.h"
#include "OverviewPane.h"
#include "PaneWidgets.h"
#include "RawJsonPane.h"
#include "TestSupport.h"
#include "ThenaPayloadParser.h"
#include "ThenaTime.h"

#include <QGroupBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLayout>
#include <QPlainTextEdit>
#include <QRegularExpression>
#include <QScrollArea>
#include <QStackedWidget>
#include <QTest>
#include <QTextDocument>
#include <QTreeWidget>
#include <memory>

class TestDetailPanes : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emptyStates_data();
    void emptyStates();
    void invalidBodies_data();
    void invalidBodies();
    void overviewSamples_data();
    void overviewSamples();
    void overviewTimes();
    void overviewLinks();
    void overviewMutedEmptyValues();
    void overviewUnknownObject();
    void overviewReplacesContent();
    void activitySample();
    void activityTimeline();
    void activityNone_data();
    void activityNone();
    void escalationsSample();
    void escalationsSeveral();
    void escalationsTypeWithoutDetails();
    void escalationsNone_data();
    void escalationsNone();
    void aiSamples_data();
    void aiSamples();
    void aiNone();
    void htmlInjection_data();
    void htmlInjection();
    void mangledPayloads_data();
    void mangledPayloads();
    void sharedLook_data();
    void sharedLook();
};

namespace {
using TestSupport::requestBody;
using TestSupport::sample;

enum PaneType
{
    Overview,
    Activity,
    Escalations,
    Ai,
    Raw,
    Headers
};

// The panes share an interface but no base class; this gives the tests one handle.
struct Pane
{
    std::unique_ptr<QWidget> widget;
    std::function<void(const CapturedEvent &)> setEvent;
    std::function<void()> clearEvent;
};

template <typename T> Pane wrap()
{
    auto *pane = new T;
    return { std::unique_ptr<QWidget>(pane), [pane](const CapturedEvent &event) { pane->setEvent(event); },
        [pane] { pane->clearEvent(); } };
}

Pane makePane(int type)
{
    switch (type) {
    case Overview:
        return wrap<OverviewPane>();
    case Activity:
        return wrap<ActivityPane>();
    case Escalations:
        return wrap<EscalationsPane>();
    case Raw:
        return wrap<RawJsonPane>();
    case Headers:
        return wrap<HeadersPane>();
    default:
        return wrap<AiPane>();
    }
}

// What the capture server hands over: the body plus the parser's verdict.
CapturedEvent eventFor(const QByteArray &body)
{
    CapturedEvent event;
    event.body = body;
    event.method = QStringLiteral("POST");
    const ParseOutcome outcome = ThenaPayloadParser::parse(body, event.row);
    event.error = outcome.error;
    event.errorOffset = outcome.errorOffset;
    return event;
}

// The updated sample plus an escalation and a header, so that every pane has something to show.
CapturedEvent eventForEveryPane()
{
    QJsonObject root = QJsonDocument::fromJson(sample("request-updated.json")).object();
    QJsonObject request = root.value(QLatin1String("request")).toObject();
    request.insert(QStringLiteral("escalation_type"), QStringLiteral("Lorem"));
    root.insert(QStringLiteral("request"), request);
    CapturedEvent event = eventFor(QJsonDocument(root).toJson());
    event.headers = { { "Content-Type", "application/json" } };
    return event;
}

QLabel *label(QWidget *pane, const QString &objectName)
{
    const QList<QLabel *> labels = pane->findChildren<QLabel *>(objectName);
    if (labels.size() != 1)
        qWarning("expected one label %s, found %d", qPrintable(objectName), int(labels.size()));
    return labels.value(0);
}

QString text(QWidget *pane, const QString &objectName)
{
    QLabel *found = label(pane, objectName);
    return found ? found->text() : QStringLiteral("<missing %1>").arg(objectName);
}

bool showsEmptyLabel(QWidget *pane)
{
    QLabel *empty = pane->findChild<QLabel *>(QStringLiteral("emptyLabel"));
    auto *pages = pane->findChild<QStackedWidget *>();
    return empty && pages && pages->currentWidget() == empty;
}

QString emptyText(QWidget *pane)
{
    return pane->findChild<QLabel *>(QStringLiteral("emptyLabel"))->text();
}

// What a QLabel shows a reader, whatever its format.
QString renderedText(const QLabel *label)
{
    if (label->textFormat() == Qt::PlainText)
        return label->text();
    QTextDocument document;
    document.setHtml(label->text());
    return document.toPlainText();
}

// The only tags a pane writes itself: links and tag chips, attribute values free of quotes.
const QRegularExpression &ownMarkup()
{
    static const QRegularExpression markup(
        QStringLiteral("<a href=\"https?://[^\"<>]*\">|</a>|<span style=\"[^\"<>]*\">|</span>"));
    return markup;
}

QStringList renderedTexts(QWidget *pane)
{
    QStringList texts;
    const QList<QLabel *> labels = pane->findChildren<QLabel *>();
    for (const QLabel *label : labels)
        texts.append(renderedText(label));
    return texts;
}
} // namespace

void TestDetailPanes::emptyStates_data()
{
    QTest::addColumn<int>("type");
    QTest::addColumn<QString>("expected");
    QTest::newRow("overview") << int(Overview) << QStringLiteral("Select an event to see its overview.");
    QTest::newRow("activity") << int(Activity) << QStringLiteral("Select an event to see its activity.");
    QTest::newRow("escalations") << int(Escalations) << QStringLiteral("Select an event to see its escalations.");
    QTest::newRow("ai") << int(Ai) << QStringLiteral("Select an event to see its AI fields.");
}

void TestDetailPanes::emptyStates()
{
    QFETCH(int, type);
    QFETCH(QString, expected);
    Pane pane = makePane(type);
    QVERIFY(showsEmptyLabel(pane.widget.get()));
    QCOMPARE(emptyText(pane.widget.get()), expected);

    pane.setEvent(eventForEveryPane());
    QVERIFY(!showsEmptyLabel(pane.widget.get()));
    pane.clearEvent();
    QVERIFY(showsEmptyLabel(pane.widget.get()));
    QCOMPARE(emptyText(pane.widget.get()), expected);
    // Nothing of the previous payload is left in the pane.
    for (const QString &shown : renderedTexts(pane.widget.get()))
        QVERIFY2(!shown.contains(QLatin1String("Lorem")), qPrintable(shown));
    const QList<QTreeWidget *> trees = pane.widget->findChildren<QTreeWidget *>();
    for (const QTreeWidget *tree : trees)
        QCOMPARE(tree->topLevelItemCount(), 0);
}

void TestDetailPanes::invalidBodies_data()
{
    QTest::addColumn<int>("type");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("error");
    const QList<QPair<const char *, int>> panes
        = { { "overview", Overview }, { "activity", Activity }, { "escalations", Escalations }, { "ai", Ai } };
    for (const auto &pane : panes) {
        QTest::addRow("%s: broken", pane.first)
            << pane.second << QByteArray("{\"a\": \"hello wor")
            << QStringLiteral("Body is not valid JSON: unterminated string at the end of the body");
        QTest::addRow("%s: empty", pane.first) << pane.second << QByteArray() << QStringLiteral("Body is empty");
        QTest::addRow("%s: array", pane.first)
            << pane.second << QByteArray("[{}]") << QStringLiteral("Body is a JSON array, expected an object");
    }
}

void TestDetailPanes::invalidBodies()
{
    QFETCH(int, type);
    QFETCH(QByteArray, body);
    QFETCH(QString, error);
    Pane pane = makePane(type);
    pane.setEvent(eventFor(sample("request-escalated.json")));
    pane.setEvent(eventFor(body));
    QVERIFY(showsEmptyLabel(pane.widget.get()));
    const QString shown = emptyText(pane.widget.get());
    QVERIFY2(shown.contains(QLatin1String("not a valid JSON object")), qPrintable(shown));
    QVERIFY2(shown.contains(error), qPrintable(shown));
    QVERIFY2(shown.contains(QLatin1String("Raw tab")), qPrintable(shown));
}

void TestDetailPanes::overviewSamples_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("objectName");
    QTest::addColumn<QString>("expected");

    const QByteArray updated = sample("request-updated.json");
    const QList<QPair<const char *, const char *>> updatedRows = {
        { "kindValue", "Updated" },
        { "eventTypeValue", "UPDATE" },
        { "requestIdValue", "42" },
        { "titleValue", "Adipiscing Elit Ipsum" },
        { "statusValue", "ASSIGNED" },
        { "urgencyValue", "Medium" },
        { "sentimentValue", "Neutral" },
        { "customerValue", "Lorem Customer Ipsum" },
        { "teamValue", "Team Lorem Ipsum" },
        { "channelValue", "thena-dev-lorem (CHAN12345)" },
        { "repliesValue", "8" },
        { "descriptionValue", "Lorem ipsum dolor sit amet." },
        { "feedbackValue", "lorem.ipsum_customer gave 5 with additional feedback of Great Support!" },
        { "requestorValue", "requestor.name <requestor.email@thena.ai>" },
        { "senderValue", "sender.name <sender.email@thena.ai>" },
        { "assignedToValue", "assigned.to_name <assigned.to@thena.ai>" },
        { "assignedByValue", "lorem.ipsum_assigner <lorem.ipsum@thena.ai>" },
        { "closedByValue", "closer.name <closer@thena.ai>" },
    };
    for (const auto &row : updatedRows)
        QTest::addRow("updated: %s", row.first)
            << updated << QString::fromLatin1(row.first) << QString::fromUtf8(row.second);

    const QByteArray created = sample("request-created.json");
    QTest::newRow("created: kind") << created << QStringLiteral("kindValue") << QStringLiteral("Created");
    QTest::newRow("created: requestId") << created << QStringLiteral("requestIdValue") << QStringLiteral("43");
    QTest::newRow("created: description")
        << created << QStringLiteral("descriptionValue")
        << QStringLiteral("Our CSV export has been timing out since this morning & blocks our finance team.");
    QTest::newRow("created: replies zero") << created << QStringLiteral("repliesValue") << QStringLiteral("0");
    QTest::newRow("created: {} assignee") << created << QStringLiteral("assignedToValue") << QStringLiteral("\u2014");
    QTest::newRow("created: no close time") << created << QStringLiteral("closedOnValue") << QStringLiteral("\u2014");

    const QByteArray escalated = sample("request-escalated.json");
    QTest::newRow("escalated: kind") << escalated << QStringLiteral("kindValue") << QStringLiteral("Escalated");
    QTest::newRow("escalated: no action")
        << escalated << QStringLiteral("eventTypeValue") << QStringLiteral("ESCALATE");
    QTest::newRow("escalated: numeric id") << escalated << QStringLiteral("requestIdValue") << QStringLiteral("1234");
    QTest::newRow("escalated: odd status")
        << escalated << QStringLiteral("statusValue") << QStringLiteral("LOREM_IPSUM");
    QTest::newRow("escalated: channel") << escalated << QStringLiteral("channelValue")
                                        << QStringLiteral("lorem-ipsum-channel (loremipsum11)");

    const QByteArray platform = sample("platform-ticket-created.json");
    const QList<QPair<const char *, const char *>> platformRows = {
        { "kindValue", "Platform" },
        { "eventTypeValue", "ticket:created" },
        { "eventIdValue", "EVT01HZX8M3Q4R5S6T7V8W9XAB" },
        { "orgIdValue", "ORG7K2M9" },
        { "actorValue", "dana@customer.example (CUSTOMER, USR5521)" },
        { "requestIdValue", "5512" },
        { "titleValue", "Mobile login failure" },
        { "statusValue", "NEW" },
        { "urgencyValue", "HIGH" },
        { "customerValue", "dana@customer.example" },
        { "teamValue", "Support EMEA" },
        { "tagsValue", "mobile-app, login" },
        { "descriptionValue", "Customer reported login issues on mobile app" },
    };
    for (const auto &row : platformRows)
        QTest::addRow("platform: %s", row.first)
            << platform << QString::fromLatin1(row.first) << QString::fromUtf8(row.second);
}

void TestDetailPanes::overviewSamples()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, objectName);
    QFETCH(QString, expected);
    OverviewPane pane;
    pane.setEvent(eventFor(body));
    QVERIFY(!showsEmptyLabel(&pane));
    QLabel *value = label(&pane, objectName);
    QVERIFY(value);
    QCOMPARE(value->text(), expected);
    QCOMPARE(value->textFormat(), Qt::PlainText);
    QVERIFY(value->textInteractionFlags() & Qt::TextSelectableByMouse);
}

void TestDetailPanes::overviewTimes()
{
    OverviewPane pane;
    pane.setEvent(eventFor(sample("request-updated.json")));
    // ISO times and Slack ts both end up in local time with an age.
    const QDateTime created(QDate(2023, 8, 23), QTime(21, 31, 1, 573), Qt::UTC);
    QVERIFY(text(&pane, QStringLiteral("createdAtValue"))
                .startsWith(ThenaTime::formatLocal(created) + QStringLiteral(" (")));
    QVERIFY(text(&pane, QStringLiteral("createdAtValue")).endsWith(QLatin1String(" ago)")));
    const QDateTime firstResponse = QDateTime::fromMSecsSinceEpoch(1714988615667LL, Qt::UTC);
    QVERIFY(text(&pane, QStringLiteral("firstResponseAtValue"))
                .startsWith(ThenaTime::formatLocal(firstResponse) + QStringLiteral(" (")));
    QVERIFY(
        label(&pane, QStringLiteral("firstResponseAtValue"))->toolTip().contains(QLatin1String("1714988615.667009")));
    QVERIFY(!text(&pane, QStringLiteral("lastReplyByVendorValue")).contains(QLatin1String("unrecognised")));

    pane.setEvent(eventFor(requestBody(R"("createdAt":"loremipsum12","updatedAt":1692826409.5)")));
    QCOMPARE(text(&pane, QStringLiteral("createdAtValue")), QStringLiteral("loremipsum12 (unrecognised time)"));
    QVERIFY(text(&pane, QStringLiteral("updatedAtValue"))
                .startsWith(ThenaTime::formatLocal(QDateTime::fromMSecsSinceEpoch(1692826409500LL, Qt::UTC))));
    QCOMPARE(text(&pane, QStringLiteral("closedOnValue")), QStringLiteral("\u2014"));

    pane.setEvent(eventFor(sample("platform-ticket-created.json")));
    QVERIFY(text(&pane, QStringLiteral("timestampValue"))
                .startsWith(ThenaTime::formatLocal(QDateTime(QDate(2026, 11, 30), QTime(14, 2, 11, 512), Qt::UTC))));
}

void TestDetailPanes::overviewLinks()
{
    OverviewPane pane;
    pane.setEvent(eventFor(sample("request-updated.json")));
    const QList<QLabel *> links = pane.findChildren<QLabel *>(QStringLiteral("linkValue"));
    // permalink, requestLink and internalAlert.permalink; "Lorem ipsum" URLs are not links.
    QCOMPARE(links.size(), 3);
    QStringList rendered;
    for (const QLabel *link : links) {
        QCOMPARE(link->textFormat(), Qt::RichText);
        QVERIFY(link->openExternalLinks());
        QVERIFY(link->text().startsWith(QLatin1String("<a href=\"http")));
        rendered.append(renderedText(link));
    }
    QCOMPARE(rendered,
        QStringList({ QStringLiteral("https://lorem.slack.com/archives/CHAN12345/p1692826255621649"),
            QStringLiteral("http://localhost:3000/requests?requestId=42"),
            QStringLiteral("https://lorem.slack.com/archives/CHANIPSUM789/p1692826261224619") }));
    QVERIFY(renderedTexts(&pane).contains(QStringLiteral("Slack thread")));
    QVERIFY(renderedTexts(&pane).contains(QStringLiteral("Internal alert")));
    // Ampersands in the URL are escaped in the markup.
    pane.setEvent(eventFor(requestBody(R"("permalink":"https://a.example/?x=1&y=2")")));
    QCOMPARE(text(&pane, QStringLiteral("linkValue")),
        QStringLiteral("<a href=\"https://a.example/?x=1&amp;y=2\">https://a.example/?x=1&amp;y=2</a>"));

    pane.setEvent(eventFor(sample("platform-ticket-created.json")));
    QVERIFY(pane.findChildren<QLabel *>(QStringLiteral("linkValue")).isEmpty());
}

void TestDetailPanes::overviewMutedEmptyValues()
{
    OverviewPane pane;
    pane.setEvent(eventFor(sample("request-created.json")));
    QLabel *assignee = label(&pane, QStringLiteral("assignedToValue"));
    QCOMPARE(assignee->foregroundRole(), QPalette::PlaceholderText);
    QVERIFY(assignee->font().italic());
    QLabel *title = label(&pane, QStringLiteral("titleValue"));
    QVERIFY(title->foregroundRole() != QPalette::PlaceholderText);
    QVERIFY(!title->font().italic());
    // Every field label is bold.
    QLabel *requestor = label(&pane, QStringLiteral("requestorValue"));
    QWidget *buddy = nullptr;
    const QList<QLabel *> labels = pane.findChildren<QLabel *>();
    for (QLabel *candidate : labels) {
        if (candidate->text() == QLatin1String("Requestor"))
            buddy = candidate;
    }
    QVERIFY(buddy);
    QVERIFY(buddy->font().bold());
    QVERIFY(!requestor->font().bold());
}

void TestDetailPanes::overviewUnknownObject()
{
    OverviewPane pane;
    pane.setEvent(eventFor(R"({"type":"url_verification","challenge":"abc"})"));
    QVERIFY(!showsEmptyLabel(&pane));
    QCOMPARE(text(&pane, QStringLiteral("kindValue")), QStringLiteral("Unknown"));
    QVERIFY(text(&pane, QStringLiteral("unknownNote")).contains(QLatin1String("Raw")));

    // An unrecognised action is still a request: its fields are shown.
    pane.setEvent(eventFor(requestBody(R"("requestId":7,"status":"X")", "\"DELETE\"")));
    QCOMPARE(text(&pane, QStringLiteral("kindValue")), QStringLiteral("Unknown"));
    QCOMPARE(text(&pane, QStringLiteral("eventTypeValue")), QStringLiteral("DELETE"));
    QCOMPARE(text(&pane, QStringLiteral("requestIdValue")), QStringLiteral("7"));
}

void TestDetailPanes::overviewReplacesContent()
{
    OverviewPane pane;
    pane.setEvent(eventFor(sample("request-updated.json")));
    pane.setEvent(eventFor(sample("request-escalated.json")));
    QCOMPARE(pane.findChildren<QLabel *>(QStringLiteral("titleValue")).size(), 1);
    QCOMPARE(text(&pane, QStringLiteral("titleValue")), QStringLiteral("Lorem Ipsum Dolor Sit Amet"));
    QCOMPARE(pane.findChildren<QLabel *>(QStringLiteral("feedbackValue")).size(), 0);
}

void TestDetailPanes::activitySample()
{
    ActivityPane pane;
    pane.setEvent(eventFor(sample("request-updated.json")));
    QVERIFY(!showsEmptyLabel(&pane));
    auto *tree = pane.findChild<QTreeWidget *>(QStringLiteral("activityTree"));
    QVERIFY(tree);
    QCOMPARE(tree->topLevelItemCount(), 1);
    const QTreeWidgetItem *item = tree->topLevelItem(0);
    QCOMPARE(item->text(ActivityPane::TimeColumn),
        ThenaTime::formatLocal(QDateTime::fromMSecsSinceEpoch(1692826409902LL, Qt::UTC)));
    QCOMPARE(item->text(ActivityPane::UserColumn), QStringLiteral("lorem.ipsum"));
    QCOMPARE(item->text(ActivityPane::TextColumn), QStringLiteral("Lorem ipsum dolor sit."));
    QCOMPARE(pane.findChild<QPlainTextEdit *>(QStringLiteral("activityText"))->toPlainText(),
        QStringLiteral("Lorem ipsum dolor sit."));
    QCOMPARE(text(&pane, QStringLiteral("activitySummary")), QStringLiteral("1 activity entry, oldest first"));
}

void TestDetailPanes::activityTimeline()
{
    ActivityPane pane;
    pane.setEvent(eventFor(requestBody(R"("activity":[
        {"id":"c","text":"<p>third</p><ul><li>a</li><li>b</li></ul>","ts":"1692826500.0","user":{"name":"carol"}},
        {"id":"x","text":"no time","ts":"loremipsum","user":{"name":"xavier"}},
        {"id":"a","text":"first","ts":"2023-08-23T21:30:00Z","user":{"name":"alice"}},
        {"id":"b","text":"second &amp; more","ts":1692826409,"user":{}}
    ])")));
    auto *tree = pane.findChild<QTreeWidget *>(QStringLiteral("activityTree"));
    QCOMPARE(tree->topLevelItemCount(), 4);
    QStringList users;
    QStringList texts;
    for (int i = 0; i < tree->topLevelItemCount(); ++i) {
        users.append(tree->topLevelItem(i)->text(ActivityPane::UserColumn));
        texts.append(tree->topLevelItem(i)->text(ActivityPane::TextColumn));
    }
    // Oldest first; the entry without a readable time stays right after its predecessor.
    QCOMPARE(users,
        QStringList(
            { QStringLiteral("alice"), QStringLiteral("\u2014"), QStringLiteral("carol"), QStringLiteral("xavier") }));
    QCOMPARE(texts.at(1), QStringLiteral("second & more"));
    QCOMPARE(texts.at(2), QStringLiteral("third \u21b5 \u2022 a \u21b5 \u2022 b"));
    QCOMPARE(tree->topLevelItem(3)->text(ActivityPane::TimeColumn), QStringLiteral("loremipsum (unrecognised time)"));
    QCOMPARE(text(&pane, QStringLiteral("activitySummary")), QStringLiteral("4 activity entries, oldest first"));

    auto *fullText = pane.findChild<QPlainTextEdit *>(QStringLiteral("activityText"));
    QVERIFY(fullText->isReadOnly());
    QCOMPARE(tree->currentItem(), tree->topLevelItem(3)); // the newest is selected
    tree->setCurrentItem(tree->topLevelItem(2));
    QCOMPARE(fullText->toPlainText(), QStringLiteral("third\n\u2022 a\n\u2022 b"));
}

void TestDetailPanes::activityNone_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("created (empty list)") << sample("request-created.json");
    QTest::newRow("escalated (empty list)") << sample("request-escalated.json");
    QTest::newRow("platform") << sample("platform-ticket-created.json");
    QTest::newRow("unknown object") << QByteArray("{}");
    QTest::newRow("activity not a list") << requestBody(R"("activity":{"id":"a"})");
    QTest::newRow("only junk entries") << requestBody(R"("activity":[1,null,"x"])");
}

void TestDetailPanes::activityNone()
{
    QFETCH(QByteArray, body);
    ActivityPane pane;
    pane.setEvent(eventFor(body));
    QVERIFY(showsEmptyLabel(&pane));
    QCOMPARE(emptyText(&pane), QStringLiteral("This event has no activity entries."));
}

void TestDetailPanes::escalationsSample()
{
    EscalationsPane pane;
    pane.setEvent(eventFor(sample("request-escalated.json")));
    QVERIFY(!showsEmptyLabel(&pane));
    QCOMPARE(text(&pane, QStringLiteral("escalationTypeValue")), QStringLiteral("lorem_ipsum"));
    QCOMPARE(text(&pane, QStringLiteral("escalationCountValue")), QStringLiteral("1"));
    QCOMPARE(text(&pane, QStringLiteral("reasonValue")), QStringLiteral("Lorem Ipsum Reason"));
    QCOMPARE(text(&pane, QStringLiteral("messageValue")),
        QStringLiteral("Lorem ipsum dolor sit amet, consectetur adipiscing elit."));
    QCOMPARE(text(&pane, QStringLiteral("businessImpactValue")), QStringLiteral("Lorem Ipsum Impact"));
    QCOMPARE(text(&pane, QStringLiteral("escalatedByValue")), QStringLiteral("Lorem Ipsum (Slack ID loremipsum13)"));
    QCOMPARE(text(&pane, QStringLiteral("whenValue")), QStringLiteral("loremipsum12 (unrecognised time)"));
    const QList<QGroupBox *> boxes = pane.findChildren<QGroupBox *>(QStringLiteral("escalationBox"));
    QCOMPARE(boxes.size(), 1);
    QCOMPARE(boxes.at(0)->title(), QStringLiteral("Escalation"));
    // The avatar URL is never shown, let alone loaded.
    for (const QString &shown : renderedTexts(&pane))
        QVERIFY(!shown.contains(QLatin1String("avatars")));
}

void TestDetailPanes::escalationsSeveral()
{
    EscalationsPane pane;
    pane.setEvent(eventFor(requestBody(R"("escalation_type":"manual","escalation_details":[
        {"escalationReason":"<p>Outage</p>","escalationTs":"1692826409.902529","escalatedBy":{"name":"ann"}},
        {"escalationReason":"Again","escalationMessage":"<p>Still &amp; down</p>","escalatedBy":"bob"}])")));
    const QList<QGroupBox *> boxes = pane.findChildren<QGroupBox *>(QStringLiteral("escalationBox"));
    QCOMPARE(boxes.size(), 2);
    QCOMPARE(boxes.at(0)->title(), QStringLiteral("Escalation 1 of 2"));
    QCOMPARE(boxes.at(1)->title(), QStringLiteral("Escalation 2 of 2"));
    QCOMPARE(boxes.at(0)->findChild<QLabel *>(QStringLiteral("reasonValue"))->text(), QStringLiteral("Outage"));
    QVERIFY(boxes.at(0)
                ->findChild<QLabel *>(QStringLiteral("whenValue"))
                ->text()
                .startsWith(ThenaTime::formatLocal(QDateTime::fromMSecsSinceEpoch(1692826409902LL, Qt::UTC))));
    QCOMPARE(boxes.at(0)->findChild<QLabel *>(QStringLiteral("escalatedByValue"))->text(), QStringLiteral("ann"));
    QCOMPARE(boxes.at(1)->findChild<QLabel *>(QStringLiteral("messageValue"))->text(), QStringLiteral("Still & down"));
    QCOMPARE(boxes.at(1)->findChild<QLabel *>(QStringLiteral("escalatedByValue"))->text(), QStringLiteral("bob"));
    QCOMPARE(boxes.at(1)->findChild<QLabel *>(QStringLiteral("whenValue"))->text(), QStringLiteral("\u2014"));
    QCOMPARE(boxes.at(1)->findChild<QLabel *>(QStringLiteral("businessImpactValue"))->foregroundRole(),
        QPalette::PlaceholderText);
}

void TestDetailPanes::escalationsTypeWithoutDetails()
{
    EscalationsPane pane;
    pane.setEvent(eventFor(requestBody(R"("escalation_type":"auto")")));
    QVERIFY(!showsEmptyLabel(&pane));
    QCOMPARE(text(&pane, QStringLiteral("escalationTypeValue")), QStringLiteral("auto"));
    QCOMPARE(text(&pane, QStringLiteral("escalationCountValue")), QStringLiteral("0"));
    QVERIFY(label(&pane, QStringLiteral("noDetailsNote")));
}

void TestDetailPanes::escalationsNone_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("updated") << sample("request-updated.json");
    QTest::newRow("created") << sample("request-created.json");
    QTest::newRow("platform") << sample("platform-ticket-created.json");
    QTest::newRow("null escalation") << requestBody(R"("escalation_type":null,"escalation_details":[])");
}

void TestDetailPanes::escalationsNone()
{
    QFETCH(QByteArray, body);
    EscalationsPane pane;
    pane.setEvent(eventFor(body));
    QVERIFY(showsEmptyLabel(&pane));
    QCOMPARE(emptyText(&pane), QStringLiteral("This event has no escalations."));
}

void TestDetailPanes::aiSamples_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("title");
    QTest::addColumn<QString>("summary");
    QTest::addColumn<QString>("sentiment");
    QTest::addColumn<QString>("urgency");
    QTest::addColumn<QString>("tags");

    QTest::newRow("created") << sample("request-created.json")
                             << QStringLiteral("Export to CSV fails for large workspaces")
                             << QStringLiteral("Customer reports that exporting more than 10,000 rows times out.")
                             << QStringLiteral("Negative") << QStringLiteral("High")
                             << QStringLiteral("export timeout");
    QTest::newRow("updated") << sample("request-updated.json") << QStringLiteral("Adipiscing Elit Ipsum")
                             << QStringLiteral("Dolor sit amet, consectetur adipiscing.") << QStringLiteral("Neutral")
                             << QStringLiteral("Medium") << QStringLiteral("Lorem Ipsum");
    QTest::newRow("escalated") << sample("request-escalated.json") << QStringLiteral("Lorem Ipsum Dolor Sit Amet")
                               << QStringLiteral("Lorem ipsum dolor sit amet, consectetur adipiscing elit.")
                               << QStringLiteral("Neutral") << QStringLiteral("Low") << QStringLiteral("Lorem Ipsum");
    QTest::newRow("platform") << sample("platform-ticket-created.json") << QStringLiteral("Mobile login failure")
                              << QStringLiteral("Customer cannot log in on the iOS app since the last update.")
                              << QStringLiteral("\u2014") << QStringLiteral("\u2014") << QStringLiteral("\u2014");
}

void TestDetailPanes::aiSamples()
{
    QFETCH(QByteArray, body);
    AiPane pane;
    pane.setEvent(eventFor(body));
    QVERIFY(!showsEmptyLabel(&pane));
    QTEST(text(&pane, QStringLiteral("aiTitleValue")), "title");
    QTEST(text(&pane, QStringLiteral("aiSummaryValue")), "summary");
    QVERIFY(label(&pane, QStringLiteral("aiSummaryValue"))->wordWrap());
    QTEST(text(&pane, QStringLiteral("aiSentimentValue")), "sentiment");
    QTEST(text(&pane, QStringLiteral("aiUrgencyValue")), "urgency");
    QTEST(renderedText(label(&pane, QStringLiteral("aiTagsValue"))).simplified(), "tags");
}

void TestDetailPanes::aiNone()
{
    AiPane pane;
    pane.setEvent(eventFor(R"({"hello":"world"})"));
    QVERIFY(showsEmptyLabel(&pane));
    QCOMPARE(emptyText(&pane), QStringLiteral("This event has no AI fields."));
    pane.setEvent(
        eventFor(requestBody(R"("AI_requestTitle":"","AI_generatedTags":[1,null],"AI_requestSummary":null)")));
    QCOMPARE(emptyText(&pane), QStringLiteral("This event has no AI fields."));
    // Switching from a full event to one without AI fields leaves nothing stale behind.
    pane.setEvent(eventFor(sample("request-updated.json")));
    QVERIFY(!showsEmptyLabel(&pane));
    pane.setEvent(eventFor(sample("request-updated.json").replace("AI_", "XX_")));
    QVERIFY(showsEmptyLabel(&pane));
    QVERIFY(text(&pane, QStringLiteral("aiTitleValue")).isEmpty());
}

void TestDetailPanes::htmlInjection_data()
{
    QTest::addColumn<int>("type");
    QTest::newRow("overview") << int(Overview);
    QTest::newRow("activity") << int(Activity);
    QTest::newRow("escalations") << int(Escalations);
    QTest::newRow("ai") << int(Ai);
}

void TestDetailPanes::htmlInjection()
{
    QFETCH(int, type);
    const QByteArray body = requestBody(R"j(
        "AI_requestTitle":"<img src=http://x/y.png>",
        "AI_requestSummary":"&lt;img src=http://x/s.png&gt; summary",
        "AI_requestSentiment":"<b>bold</b>",
        "AI_generatedTags":["<img src=http://x/t.png>","<a href='http://evil/'>tag</a>"],
        "customer_name":"<a href='http://evil/'>click</a>",
        "description":"<p>Hi</p><script>alert(1)</script><p>&lt;script&gt;alert(2)&lt;/script&gt;</p>",
        "status":"<style>*{display:none}</style>",
        "assignedTo":{"name":"<img src=http://x/p.png>","email":"\"><script>e</script>"},
        "createdAt":"<img src=http://x/time.png>",
        "permalink":"javascript:alert(1)",
        "requestLink":"http://x.example/\"><img src=http://x/l.png>",
        "external_links":[{"title":"<b>Jira</b>","url":"https://jira.example/?a=<img>&b=\""}],
        "activity":[{"text":"&lt;img src=http://x/a.png&gt; <img src=http://x/b.png>","ts":"<b>ts</b>",
                     "user":{"name":"<img src=http://x/u.png>","id":"<b>id</b>"}}],
        "escalation_type":"<img src=http://x/e.png>",
        "escalation_details":[{"escalationReason":"<b>reason</b>","escalationMessage":"&lt;img src=http://x/m.png&gt;",
            "escalatedBy":{"name":"<img src=http://x/w.png>","slackId":"U1","profileImg":"http://x/avatar.png"}}]
    )j");
    Pane pane = makePane(type);
    pane.setEvent(eventFor(body));
    QWidget *widget = pane.widget.get();
    QVERIFY(!showsEmptyLabel(widget));

    const QList<QLabel *> labels = widget->findChildren<QLabel *>();
    QVERIFY(!labels.isEmpty());
    for (const QLabel *label : labels) {
        // Auto-detected rich text would let a payload format itself: every label is explicit.
        QVERIFY2(label->textFormat() != Qt::AutoText, qPrintable(label->objectName() + label->text()));
        if (label->textFormat() == Qt::RichText) {
            // Only our own markup: with our anchors and chips removed, no tag may remain.
            QString stripped = label->text();
            stripped.remove(ownMarkup());
            QVERIFY2(!stripped.contains(QLatin1Char('<')), qPrintable(label->text()));
            QVERIFY2(!stripped.contains(QLatin1Char('>')), qPrintable(label->text()));
        }
    }
    const QList<QWidget *> widgets = widget->findChildren<QWidget *>();
    for (const QWidget *child : widgets) {
        QVERIFY2(!child->toolTip().contains(QLatin1String("<img")), qPrintable(child->toolTip()));
        QVERIFY2(!child->toolTip().contains(QLatin1String("<b>")), qPrintable(child->toolTip()));
    }
    const QStringList shown = renderedTexts(widget);
    for (const QString &text : shown) {
        QVERIFY(!text.contains(QLatin1String("avatar.png")));
        QVERIFY(!text.contains(QLatin1String("javascript:")));
    }

    switch (type) {
    case Overview: {
        QCOMPARE(text(widget, QStringLiteral("titleValue")), QStringLiteral("<img src=http://x/y.png>"));
        QCOMPARE(text(widget, QStringLiteral("customerValue")), QStringLiteral("<a href='http://evil/'>click</a>"));
        QCOMPARE(text(widget, QStringLiteral("descriptionValue")), QStringLiteral("Hi\n<script>alert(2)</script>"));
        QCOMPARE(text(widget, QStringLiteral("statusValue")), QStringLiteral("<style>*{display:none}</style>"));
        QCOMPARE(text(widget, QStringLiteral("assignedToValue")),
            QStringLiteral("<img src=http://x/p.png> <\"><script>e</script>>"));
        QCOMPARE(text(widget, QStringLiteral("createdAtValue")),
            QStringLiteral("<img src=http://x/time.png> (unrecognised time)"));
        QVERIFY(shown.contains(QStringLiteral("<b>Jira</b>"))); // the link label, as literal text
        const QList<QLabel *> links = widget->findChildren<QLabel *>(QStringLiteral("linkValue"));
        QCOMPARE(links.size(), 2); // javascript: is dropped
        for (const QLabel *link : links) {
            QVERIFY(link->text().startsWith(QLatin1String("<a href=\"http")));
            // One anchor, and the href attribute is closed by our own quote only.
            QCOMPARE(link->text().count(QLatin1Char('"')), 2);
            QCOMPARE(link->text().count(QLatin1Char('<')), 2);
        }
        break;
    }
    case Activity: {
        auto *tree = widget->findChild<QTreeWidget *>(QStringLiteral("activityTree"));
        QCOMPARE(tree->topLevelItemCount(), 1);
        const QTreeWidgetItem *item = tree->topLevelItem(0);
        QCOMPARE(item->text(ActivityPane::TextColumn), QStringLiteral("<img src=http://x/a.png>"));
        QCOMPARE(item->text(ActivityPane::UserColumn), QStringLiteral("<img src=http://x/u.png>"));
        QCOMPARE(item->text(ActivityPane::TimeColumn), QStringLiteral("<b>ts</b> (unrecognised time)"));
        for (int column = 0; column < ActivityPane::ColumnCount; ++column) {
            QVERIFY(!item->toolTip(column).contains(QLatin1String("<b>")));
            QVERIFY(!item->toolTip(column).contains(QLatin1String("<img")));
        }
        break;
    }
    case Escalations:
        QCOMPARE(text(widget, QStringLiteral("escalationTypeValue")), QStringLiteral("<img src=http://x/e.png>"));
        QCOMPARE(text(widget, QStringLiteral("reasonValue")), QStringLiteral("reason"));
        QCOMPARE(text(widget, QStringLiteral("messageValue")), QStringLiteral("<img src=http://x/m.png>"));
        QCOMPARE(
            text(widget, QStringLiteral("escalatedByValue")), QStringLiteral("<img src=http://x/w.png> (Slack ID U1)"));
        break;
    case Ai: {
        QCOMPARE(text(widget, QStringLiteral("aiTitleValue")), QStringLiteral("<img src=http://x/y.png>"));
        QCOMPARE(text(widget, QStringLiteral("aiSummaryValue")), QStringLiteral("<img src=http://x/s.png> summary"));
        QCOMPARE(text(widget, QStringLiteral("aiSentimentValue")), QStringLiteral("<b>bold</b>"));
        QLabel *tags = label(widget, QStringLiteral("aiTagsValue"));
        QVERIFY(tags->text().contains(QLatin1String("&lt;img src=http://x/t.png&gt;")));
        const QString rendered = renderedText(tags);
        QVERIFY(rendered.contains(QLatin1String("<img src=http://x/t.png>")));
        QVERIFY(rendered.contains(QLatin1String("<a href='http://evil/'>tag</a>")));
        break;
    }
    }
}

void TestDetailPanes::mangledPayloads_data()
{
    htmlInjection_data();
}

void TestDetailPanes::mangledPayloads()
{
    // Every top-level and request member of every sample replaced by values of the wrong type:
    // each pane must show something sensible and never crash.
    QFETCH(int, type);
    Pane pane = makePane(type);
    const QList<QJsonValue> replacements = {
        QJsonValue(QJsonValue::Null),
        QJsonValue(7.5),
        QJsonValue(QStringLiteral("<b>x</b>")),
        QJsonValue(QJsonArray { 1, QStringLiteral("x"), QJsonObject() }),
        QJsonValue(QJsonObject { { QStringLiteral("name"), 5 } }),
    };
    int variants = 0;
    const QStringList names = TestSupport::sampleNames();
    for (const QString &name : names) {
        const QJsonObject root = QJsonDocument::fromJson(sample(name)).object();
        TestSupport::forEachMangled(
            root, replacements,
            [&](const QJsonValue &mangled, const QString &) {
                pane.setEvent(eventFor(QJsonDocument(mangled.toObject()).toJson(QJsonDocument::Compact)));
                ++variants;
            },
            2);
    }
    QVERIFY(variants > 500);
    pane.clearEvent();
    QVERIFY(showsEmptyLabel(pane.widget.get()));
}

void TestDetailPanes::sharedLook_data()
{
    QTest::addColumn<int>("type");
    htmlInjection_data();
    QTest::newRow("raw") << int(Raw);
    QTest::newRow("headers") << int(Headers);
}

void TestDetailPanes::sharedLook()
{
    // Every tab, the raw and headers ones included, has the same empty state, field labels and
    // margins, so switching tabs does not make the content jump.
    QFETCH(int, type);
    Pane pane = makePane(type);
    QWidget *widget = pane.widget.get();
    QVERIFY(showsEmptyLabel(widget));
    const QLabel *empty = label(widget, QStringLiteral("emptyLabel"));
    QCOMPARE(empty->textFormat(), Qt::PlainText);
    QCOMPARE(empty->foregroundRole(), QPalette::PlaceholderText);
    QVERIFY(empty->font().italic());
    QVERIFY(empty->wordWrap());
    QCOMPARE(empty->alignment(), Qt::AlignCenter);
    QVERIFY(!empty->text().isEmpty());

    pane.setEvent(eventForEveryPane());
    QVERIFY(!showsEmptyLabel(widget));
    QCOMPARE(widget->layout()->contentsMargins(), QMargins());
    auto *pages = widget->findChild<QStackedWidget *>(QString(), Qt::FindDirectChildrenOnly);
    QVERIFY(pages);
    QWidget *content = pages->currentWidget();
    if (auto *area = qobject_cast<QScrollArea *>(content))
        content = area->widget();
    QVERIFY(content && content->layout());
    const int margin = PaneWidgets::ContentMargin;
    QCOMPARE(content->layout()->contentsMargins(), QMargins(margin, margin, margin, margin));

    const QList<QLabel *> fieldLabels = widget->findChildren<QLabel *>(QStringLiteral("fieldLabel"));
    if (type != Activity && type != Raw)
        QVERIFY(!fieldLabels.isEmpty());
    for (const QLabel *fieldLabel : fieldLabels) {
        QCOMPARE(fieldLabel->textFormat(), Qt::PlainText);
        QVERIFY2(fieldLabel->font().bold(), qPrintable(fieldLabel->text()));
    }
}

QTEST_MAIN(TestDetailPanes)
#include "tst_detailpanes.moc"
