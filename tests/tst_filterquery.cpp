#include "FilterQuery.h"

#include <QRandomGenerator>
#include <QTest>

namespace {
EventRow makeRow(qint64 id, EventKind kind, const QString &requestId, const QString &title, const QString &status)
{
    EventRow row;
    row.id = id;
    row.kind = kind;
    row.requestId = requestId;
    row.title = title;
    row.status = status;
    return row;
}

// A small fixed table: every data row of matches() states which of these ids it expects.
QList<EventRow> fixtureRows()
{
    QList<EventRow> rows;
    EventRow r1 = makeRow(
        1, EventKind::Created, QStringLiteral("42"), QStringLiteral("Printer on fire"), QStringLiteral("ASSIGNED"));
    r1.urgency = QStringLiteral("High");
    r1.sentiment = QStringLiteral("Negative");
    r1.customer = QStringLiteral("Acme Corp");
    r1.team = QStringLiteral("Support EMEA");
    r1.assignee = QStringLiteral("Jane Doe");
    r1.channel = QStringLiteral("acme-support");
    r1.tags = QStringList { QStringLiteral("billing"), QStringLiteral("urgent-fix") };
    r1.path = QStringLiteral("/hooks/thena");
    r1.eventType = QStringLiteral("CREATE");
    r1.toFirstResponseMs = 5 * 60 * 1000;
    rows << r1;

    EventRow r2 = makeRow(
        2, EventKind::Updated, QStringLiteral("1234"), QStringLiteral("Login page broken"), QStringLiteral("CLOSED"));
    r2.urgency = QStringLiteral("Low");
    r2.sentiment = QStringLiteral("Neutral");
    r2.customer = QStringLiteral("Globex");
    r2.team = QStringLiteral("Support US");
    r2.assignee = QStringLiteral("John Smith");
    r2.channel = QStringLiteral("globex-help");
    r2.tags = QStringList { QStringLiteral("auth") };
    r2.path = QStringLiteral("/hooks/thena");
    r2.eventType = QStringLiteral("UPDATE");
    r2.toFirstResponseMs = 2 * 60 * 60 * 1000;
    r2.toAssignmentMs = 30 * 1000;
    r2.toCloseMs = 3 * 24 * 60 * 60 * 1000LL;
    rows << r2;

    EventRow r3 = makeRow(3, EventKind::Escalated, QStringLiteral("420"), QStringLiteral("Printer jam again"),
        QStringLiteral("IN_PROGRESS"));
    r3.urgency = QStringLiteral("Medium");
    r3.sentiment = QStringLiteral("Negative");
    r3.customer = QStringLiteral("Café Müller");
    r3.team = QStringLiteral("Support EMEA");
    r3.channel = QStringLiteral("cafe");
    r3.path = QStringLiteral("/hooks/other");
    r3.escalated = true;
    r3.toAssignmentMs = 90 * 60 * 1000;
    rows << r3;

    EventRow r4
        = makeRow(4, EventKind::Platform, QStringLiteral("t-99"), QStringLiteral("New ticket"), QStringLiteral("OPEN"));
    r4.tags = QStringList { QStringLiteral("Billing Ops") };
    r4.path = QStringLiteral("/platform");
    r4.eventType = QStringLiteral("ticket:created");
    rows << r4;

    EventRow r5 = makeRow(5, EventKind::Invalid, {}, {}, {});
    r5.valid = false;
    r5.path = QStringLiteral("/hooks/thena");
    rows << r5;
    return rows;
}

QList<int> matchingIds(const FilterQuery &query, const QList<EventRow> &rows)
{
    QList<int> ids;
    for (const EventRow &row : rows) {
        const bool viaSearchText = query.matches(row, FilterQuery::searchText(row));
        if (query.matches(row) != viaSearchText)
            qFatal("matches(row) and matches(row, searchText) disagree");
        if (viaSearchText)
            ids << static_cast<int>(row.id);
    }
    return ids;
}

// ---- the reference for the randomized check: no parser, plain string operations ----

struct RefTerm
{
    QString field; // empty: free word
    bool negate = false;
    QString value;
};

QStringList displayedTexts(const EventRow &row)
{
    return { eventKindName(row.kind), row.requestId, row.title, row.status, row.urgency, row.sentiment, row.customer,
        row.team, row.assignee, row.channel, row.tags.join(QStringLiteral(", ")), row.path, row.eventType };
}

// Returns nullopt when the term is one the parser must ignore (a kind no kind name starts with).
std::optional<bool> refTermMatches(const RefTerm &term, const EventRow &row)
{
    const auto has = [&term](const QString &text) { return text.toLower().contains(term.value.toLower()); };
    if (term.field.isEmpty()) {
        const QStringList texts = displayedTexts(row);
        return std::any_of(texts.begin(), texts.end(), has);
    }
    if (term.field == QLatin1String("kind")) {
        bool anyKind = false;
        for (int k = 0; k < EventKindCount; ++k)
            anyKind = anyKind || eventKindName(static_cast<EventKind>(k)).toLower().startsWith(term.value.toLower());
        if (!anyKind)
            return std::nullopt;
        return eventKindName(row.kind).toLower().startsWith(term.value.toLower());
    }
    if (term.field == QLatin1String("request") || term.field == QLatin1String("id"))
        return row.requestId.toLower() == term.value.toLower();
    if (term.field == QLatin1String("tag"))
        return std::any_of(row.tags.begin(), row.tags.end(), has);
    if (term.field == QLatin1String("status"))
        return has(row.status);
    if (term.field == QLatin1String("urgency"))
        return has(row.urgency);
    if (term.field == QLatin1String("sentiment"))
        return has(row.sentiment);
    if (term.field == QLatin1String("customer"))
        return has(row.customer);
    if (term.field == QLatin1String("team"))
        return has(row.team);
    if (term.field == QLatin1String("assignee"))
        return has(row.assignee);
    if (term.field == QLatin1String("channel"))
        return has(row.channel);
    if (term.field == QLatin1String("title"))
        return has(row.title);
    if (term.field == QLatin1String("path"))
        return has(row.path);
    if (term.field == QLatin1String("type"))
        return has(row.eventType);
    qFatal("reference: unknown field");
}

bool refMatches(const QList<RefTerm> &terms, const EventRow &row)
{
    for (const RefTerm &term : terms) {
        const std::optional<bool> hit = refTermMatches(term, row);
        if (hit && *hit == term.negate)
            return false;
    }
    return true;
}

struct Vocabulary
{
    QStringList titles { QStringLiteral("Printer on fire"), QStringLiteral("Login page broken"),
        QStringLiteral("Refund request"), QStringLiteral("Café crème order"), QStringLiteral("VPN down again"),
        QStringLiteral("ÉLAN dashboard slow"), QString() };
    QStringList requestIds { QStringLiteral("42"), QStringLiteral("1234"), QStringLiteral("420"),
        QStringLiteral("t-99"), QStringLiteral("7"), QString() };
    QStringList statuses { QStringLiteral("OPEN"), QStringLiteral("ASSIGNED"), QStringLiteral("CLOSED"),
        QStringLiteral("IN_PROGRESS"), QStringLiteral("LOREM_IPSUM"), QString() };
    QStringList urgencies { QStringLiteral("Low"), QStringLiteral("Medium"), QStringLiteral("High"), QString() };
    QStringList sentiments { QStringLiteral("Neutral"), QStringLiteral("Negative"), QStringLiteral("Positive"),
        QString() };
    QStringList customers { QStringLiteral("Acme Corp"), QStringLiteral("Globex"), QStringLiteral("Café Müller"),
        QStringLiteral("Initech"), QString() };
    QStringList teams { QStringLiteral("Support EMEA"), QStringLiteral("Support US"), QStringLiteral("Billing"),
        QString() };
    QStringList assignees { QStringLiteral("Jane Doe"), QStringLiteral("John Smith"), QStringLiteral("Ödön Kiss"),
        QString() };
    QStringList channels { QStringLiteral("acme-support"), QStringLiteral("globex-help"), QStringLiteral("cafe"),
        QString() };
    QStringList tags { QStringLiteral("billing"), QStringLiteral("auth"), QStringLiteral("vpn"),
        QStringLiteral("Billing Ops"), QStringLiteral("urgent-fix") };
    QStringList paths { QStringLiteral("/hooks/thena"), QStringLiteral("/hooks/other"), QStringLiteral("/platform") };
    QStringList eventTypes { QStringLiteral("CREATE"), QStringLiteral("UPDATE"), QStringLiteral("ticket:created"),
        QStringLiteral("ticket:updated"), QString() };
};

QString pick(QRandomGenerator &rng, const QStringList &list)
{
    return list.at(rng.bounded(list.size()));
}

QString randomCase(QRandomGenerator &rng, const QString &text)
{
    QString out = text;
    for (QChar &c : out)
        c = rng.bounded(2) ? c.toUpper() : c.toLower();
    return out;
}

// A non-empty random piece of a non-empty vocabulary entry.
QString randomPiece(QRandomGenerator &rng, const QStringList &list)
{
    QString word;
    while (word.isEmpty())
        word = pick(rng, list);
    const int from = rng.bounded(static_cast<int>(word.size()));
    const int length = 1 + rng.bounded(static_cast<int>(word.size()) - from);
    return randomCase(rng, word.mid(from, length));
}

EventRow randomRow(QRandomGenerator &rng, const Vocabulary &v, qint64 id)
{
    EventRow row;
    row.id = id;
    row.kind = static_cast<EventKind>(rng.bounded(EventKindCount));
    row.requestId = pick(rng, v.requestIds);
    row.title = pick(rng, v.titles);
    row.status = pick(rng, v.statuses);
    row.urgency = pick(rng, v.urgencies);
    row.sentiment = pick(rng, v.sentiments);
    row.customer = pick(rng, v.customers);
    row.team = pick(rng, v.teams);
    row.assignee = pick(rng, v.assignees);
    row.channel = pick(rng, v.channels);
    const int tagCount = rng.bounded(3);
    for (int t = 0; t < tagCount; ++t)
        row.tags << pick(rng, v.tags);
    row.path = pick(rng, v.paths);
    row.eventType = pick(rng, v.eventTypes);
    return row;
}

// Quoting is needed for spaces, and for what would otherwise read as syntax.
QString quoteIfNeeded(const QString &value, bool freeWord)
{
    const bool needs = value.contains(u' ') || value.startsWith(u'"')
        || (freeWord && (value.startsWith(u'-') || value.contains(u':')));
    return needs ? u'"' + value + u'"' : value;
}

RefTerm randomTerm(QRandomGenerator &rng, const Vocabulary &v)
{
    static const QStringList fields { QString(), QStringLiteral("kind"), QStringLiteral("request"),
        QStringLiteral("status"), QStringLiteral("urgency"), QStringLiteral("sentiment"), QStringLiteral("customer"),
        QStringLiteral("team"), QStringLiteral("assignee"), QStringLiteral("channel"), QStringLiteral("tag"),
        QStringLiteral("title"), QStringLiteral("path"), QStringLiteral("type") };
    RefTerm term;
    term.negate = rng.bounded(4) == 0;
    // Free words twice as often as any one field.
    term.field = rng.bounded(3) == 0 ? QString() : pick(rng, fields);
    if (term.field.isEmpty()) {
        const QList<const QStringList *> all { &v.titles, &v.requestIds, &v.statuses, &v.urgencies, &v.sentiments,
            &v.customers, &v.teams, &v.assignees, &v.channels, &v.tags, &v.paths, &v.eventTypes };
        term.value = randomPiece(rng, *all.at(rng.bounded(all.size())));
    } else if (term.field == QLatin1String("kind")) {
        if (rng.bounded(8) == 0) {
            term.value = QStringLiteral("zzz");
        } else {
            const QString name = eventKindName(static_cast<EventKind>(rng.bounded(EventKindCount)));
            term.value = randomCase(rng, name.left(1 + rng.bounded(static_cast<int>(name.size()))));
        }
    } else if (term.field == QLatin1String("request")) {
        term.value = rng.bounded(4) == 0 ? randomPiece(rng, v.requestIds) : randomCase(rng, pick(rng, v.requestIds));
        if (term.value.isEmpty())
            term.value = QStringLiteral("42");
    } else {
        const QHash<QString, const QStringList *> byField {
            { QStringLiteral("status"), &v.statuses },
            { QStringLiteral("urgency"), &v.urgencies },
            { QStringLiteral("sentiment"), &v.sentiments },
            { QStringLiteral("customer"), &v.customers },
            { QStringLiteral("team"), &v.teams },
            { QStringLiteral("assignee"), &v.assignees },
            { QStringLiteral("channel"), &v.channels },
            { QStringLiteral("tag"), &v.tags },
            { QStringLiteral("title"), &v.titles },
            { QStringLiteral("path"), &v.paths },
            { QStringLiteral("type"), &v.eventTypes },
        };
        term.value = randomPiece(rng, *byField.value(term.field));
    }
    return term;
}

QString termText(const RefTerm &term)
{
    const QString prefix = term.negate ? QStringLiteral("-") : QString();
    if (term.field.isEmpty())
        return prefix + quoteIfNeeded(term.value, true);
    return prefix + term.field + u':' + quoteIfNeeded(term.value, false);
}
} // namespace

class tst_FilterQuery : public QObject
{
    Q_OBJECT

private slots:
    void matches_data();
    void matches();
    void errors_data();
    void errors();
    void validTermsApplyBesideBadOnes_data();
    void validTermsApplyBesideBadOnes();
    void emptiness_data();
    void emptiness();
    void equality();
    void searchText();
    void randomizedAgainstReference();
    void narrows_data();
    void narrows();
    void narrowingIsSound();
};

void tst_FilterQuery::matches_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QList<int>>("expected");

    const QList<int> all { 1, 2, 3, 4, 5 };
    QTest::newRow("empty") << QString() << all;
    QTest::newRow("whitespace") << QStringLiteral("  \t ") << all;

    QTest::newRow("free word") << QStringLiteral("printer") << QList<int> { 1, 3 };
    QTest::newRow("free word, case") << QStringLiteral("PRINTER") << QList<int> { 1, 3 };
    QTest::newRow("free word, non-ASCII case") << QStringLiteral("MÜLLER") << QList<int> { 3 };
    QTest::newRow("free word, kind name") << QStringLiteral("escalated") << QList<int> { 3 };
    QTest::newRow("free word, request id") << QStringLiteral("t-99") << QList<int> { 4 };
    QTest::newRow("free word, path") << QStringLiteral("/hooks/thena") << QList<int> { 1, 2, 5 };
    QTest::newRow("free word, tag") << QStringLiteral("urgent-fix") << QList<int> { 1 };
    QTest::newRow("free word, event type") << QStringLiteral("UPDATE") << QList<int> { 2 };
    QTest::newRow("free word with colon, not a field") << QStringLiteral("10:30") << QList<int> {};
    QTest::newRow("free word, nowhere") << QStringLiteral("zebra") << QList<int> {};
    QTest::newRow("free word, not across fields") << QStringLiteral("fireassigned") << QList<int> {};
    QTest::newRow("pasted separator is dropped")
        << (QStringLiteral("fire") + QChar(0x1f) + QStringLiteral("assigned")) << QList<int> {};

    QTest::newRow("AND") << QStringLiteral("printer fire") << QList<int> { 1 };
    QTest::newRow("AND, three terms") << QStringLiteral("printer emea negative") << QList<int> { 1, 3 };
    QTest::newRow("AND, field and word") << QStringLiteral("team:emea jam") << QList<int> { 3 };

    QTest::newRow("phrase") << QStringLiteral("\"printer on\"") << QList<int> { 1 };
    QTest::newRow("phrase, words apart") << QStringLiteral("\"printer fire\"") << QList<int> {};
    QTest::newRow("phrase, displayed tags") << QStringLiteral("\"billing, urgent\"") << QList<int> { 1 };
    QTest::newRow("phrase, event type") << QStringLiteral("\"ticket:created\"") << QList<int> { 4 };
    QTest::newRow("empty phrase") << QStringLiteral("\"\"") << all;

    QTest::newRow("kind") << QStringLiteral("kind:created") << QList<int> { 1 };
    QTest::newRow("kind, prefix") << QStringLiteral("kind:esc") << QList<int> { 3 };
    QTest::newRow("kind, case") << QStringLiteral("KIND:Platform") << QList<int> { 4 };
    QTest::newRow("kind, invalid") << QStringLiteral("kind:inv") << QList<int> { 5 };
    QTest::newRow("kind, prefix of two") << QStringLiteral("kind:u") << QList<int> { 2 };

    QTest::newRow("request, exact") << QStringLiteral("request:42") << QList<int> { 1 };
    QTest::newRow("request, no prefix match") << QStringLiteral("request:4") << QList<int> {};
    QTest::newRow("request, alias id") << QStringLiteral("id:1234") << QList<int> { 2 };
    QTest::newRow("request, case") << QStringLiteral("request:T-99") << QList<int> { 4 };
    QTest::newRow("status") << QStringLiteral("status:closed") << QList<int> { 2 };
    QTest::newRow("status, substring") << QStringLiteral("status:progress") << QList<int> { 3 };
    QTest::newRow("field name case") << QStringLiteral("Status:CLOSED") << QList<int> { 2 };
    QTest::newRow("urgency") << QStringLiteral("urgency:high") << QList<int> { 1 };
    QTest::newRow("sentiment") << QStringLiteral("sentiment:neg") << QList<int> { 1, 3 };
    QTest::newRow("customer") << QStringLiteral("customer:müller") << QList<int> { 3 };
    QTest::newRow("customer, quoted") << QStringLiteral("customer:\"acme corp\"") << QList<int> { 1 };
    QTest::newRow("team") << QStringLiteral("team:emea") << QList<int> { 1, 3 };
    QTest::newRow("assignee") << QStringLiteral("assignee:jane") << QList<int> { 1 };
    QTest::newRow("channel") << QStringLiteral("channel:help") << QList<int> { 2 };
    QTest::newRow("tag, substring") << QStringLiteral("tag:bill") << QList<int> { 1, 4 };
    QTest::newRow("tag, quoted") << QStringLiteral("tag:\"billing ops\"") << QList<int> { 4 };
    QTest::newRow("tag, alias tags") << QStringLiteral("tags:auth") << QList<int> { 2 };
    QTest::newRow("tag, not across tags") << QStringLiteral("tag:\"billing, urgent\"") << QList<int> {};
    QTest::newRow("title") << QStringLiteral("title:jam") << QList<int> { 3 };
    QTest::newRow("title, not other fields") << QStringLiteral("title:acme") << QList<int> {};
    QTest::newRow("path") << QStringLiteral("path:/platform") << QList<int> { 4 };
    QTest::newRow("type, value with colon") << QStringLiteral("type:ticket:created") << QList<int> { 4 };
    QTest::newRow("type, substring") << QStringLiteral("type:create") << QList<int> { 1, 4 };

    QTest::newRow("exclude word") << QStringLiteral("-printer") << QList<int> { 2, 4, 5 };
    QTest::newRow("exclude field") << QStringLiteral("-kind:created") << QList<int> { 2, 3, 4, 5 };
    QTest::newRow("exclude phrase") << QStringLiteral("-\"printer on\"") << QList<int> { 2, 3, 4, 5 };
    QTest::newRow("exclude quoted field") << QStringLiteral("-customer:\"acme corp\"") << QList<int> { 2, 3, 4, 5 };
    QTest::newRow("exclude and include") << QStringLiteral("printer -status:assigned") << QList<int> { 3 };
    QTest::newRow("hyphen inside a word") << QStringLiteral("acme-support") << QList<int> { 1 };

    QTest::newRow("escalated") << QStringLiteral("escalated:yes") << QList<int> { 3 };
    QTest::newRow("escalated, no") << QStringLiteral("escalated:no") << QList<int> { 1, 2, 4, 5 };
    QTest::newRow("escalated, as typed") << QStringLiteral("escalated:y") << QList<int> { 3 };
    QTest::newRow("escalated, true/false") << QStringLiteral("Escalated:FALSE") << QList<int> { 1, 2, 4, 5 };
    QTest::newRow("not escalated") << QStringLiteral("-escalated:true") << QList<int> { 1, 2, 4, 5 };
    QTest::newRow("first response over") << QStringLiteral("first_response:>10min") << QList<int> { 2 };
    QTest::newRow("first response under") << QStringLiteral("first_response:<1h") << QList<int> { 1 };
    QTest::newRow("unknown never compares") << QStringLiteral("first_response:>=0s") << QList<int> { 1, 2 };
    QTest::newRow("excluded comparison keeps unknown")
        << QStringLiteral("-first_response:>10min") << QList<int> { 1, 3, 4, 5 };
    QTest::newRow("bound included") << QStringLiteral("assigned:<=30s") << QList<int> { 2 };
    QTest::newRow("bound excluded") << QStringLiteral("assigned:<30s") << QList<int> {};
    QTest::newRow("decimal hours") << QStringLiteral("assignment:>=1.5h") << QList<int> { 3 };
    QTest::newRow("days") << QStringLiteral("close:>2d") << QList<int> { 2 };
    QTest::newRow("unit spellings") << QStringLiteral(
        "close:>47hours close:<4days close:>100mins close:>1s close:>1hour")
                                    << QList<int> { 2 };
}

void tst_FilterQuery::matches()
{
    QFETCH(QString, text);
    QFETCH(QList<int>, expected);

    const FilterQuery query = FilterQuery::parse(text);
    QVERIFY2(!query.hasErrors(), qPrintable(query.errors().join(u'\n')));
    QCOMPARE(query.text(), text);
    QCOMPARE(matchingIds(query, fixtureRows()), expected);
}

void tst_FilterQuery::errors_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("expected");

    const QString known = QStringLiteral("kind, request, id, status, urgency, sentiment, customer, team, assignee, "
                                         "channel, tag, tags, title, path, type, escalated, first_response, "
                                         "assigned, assignment, close");
    QTest::newRow("unknown field") << QStringLiteral("colour:red")
                                   << QStringList { QStringLiteral("Unknown field \"colour\" — known: ") + known };
    QTest::newRow("unknown field, quoted value") << QStringLiteral(
        "colour:\"dark red\"") << QStringList { QStringLiteral("Unknown field \"colour\" — known: ") + known };
    QTest::newRow("unterminated field value")
        << QStringLiteral("status:\"open") << QStringList { QStringLiteral("Unterminated quote at position 7") };
    QTest::newRow("unterminated phrase") << QStringLiteral("foo \"abc")
                                         << QStringList { QStringLiteral("Unterminated quote at position 4") };
    QTest::newRow("unterminated excluded phrase")
        << QStringLiteral("-\"abc") << QStringList { QStringLiteral("Unterminated quote at position 1") };
    QTest::newRow("missing value") << QStringLiteral("status:")
                                   << QStringList { QStringLiteral("\"status:\" needs a value") };
    QTest::newRow("missing value, as typed")
        << QStringLiteral("a Team: b") << QStringList { QStringLiteral("\"Team:\" needs a value") };
    QTest::newRow("empty quoted value") << QStringLiteral("status:\"\"")
                                        << QStringList { QStringLiteral("\"status:\" needs a value") };
    QTest::newRow("unknown kind") << QStringLiteral("kind:zzz")
                                  << QStringList { QStringLiteral(
                                         "Unknown kind \"zzz\" — known: created, updated, escalated, platform, "
                                         "unknown, invalid") };
    QTest::newRow("lone minus") << QStringLiteral("a - b")
                                << QStringList { QStringLiteral("\"-\" at position 2 needs a term after it") };
    QTest::newRow("two errors") << QStringLiteral("colour:red status:")
                                << QStringList { QStringLiteral("Unknown field \"colour\" — known: ") + known,
                                       QStringLiteral("\"status:\" needs a value") };
    QTest::newRow("no error") << QStringLiteral("kind:esc -status:\"in progress\" printer") << QStringList {};
    QTest::newRow("escalated, not yes or no")
        << QStringLiteral("escalated:maybe") << QStringList { QStringLiteral("\"escalated:\" takes yes or no") };
    QTest::newRow("duration without comparison") << QStringLiteral(
        "close:1h") << QStringList { QStringLiteral("\"close:\" needs a comparison such as >30min or <2h") };
    QTest::newRow("duration without unit, as typed") << QStringLiteral(
        "first_response:>3") << QStringList { QStringLiteral("\"first_response:\" needs a unit: s, min, h or d") };
    QTest::newRow("duration without number")
        << QStringLiteral("assigned:>h")
        << QStringList { QStringLiteral("\"assigned:\" needs a number after the comparison, such as >30min") };
    QTest::newRow("duration, unknown unit")
        << QStringLiteral("close:<3weeks") << QStringList { QStringLiteral("\"close:\" needs a unit: s, min, h or d") };
}

void tst_FilterQuery::errors()
{
    QFETCH(QString, text);
    QFETCH(QStringList, expected);

    const FilterQuery query = FilterQuery::parse(text);
    QCOMPARE(query.errors(), expected);
    QCOMPARE(query.hasErrors(), !expected.isEmpty());
}

void tst_FilterQuery::validTermsApplyBesideBadOnes_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QList<int>>("expected");

    QTest::newRow("unknown field") << QStringLiteral("colour:red printer") << QList<int> { 1, 3 };
    QTest::newRow("unknown field last") << QStringLiteral("printer colour:red") << QList<int> { 1, 3 };
    QTest::newRow("missing value") << QStringLiteral("status: kind:esc") << QList<int> { 3 };
    QTest::newRow("unknown kind") << QStringLiteral("kind:zzz -printer") << QList<int> { 2, 4, 5 };
    QTest::newRow("lone minus") << QStringLiteral("- team:emea") << QList<int> { 1, 3 };
    QTest::newRow("unterminated quote after valid terms")
        << QStringLiteral("team:emea negative \"unfinished phrase") << QList<int> { 1, 3 };
    QTest::newRow("only bad terms") << QStringLiteral("colour:red status:") << QList<int> { 1, 2, 3, 4, 5 };
}

void tst_FilterQuery::validTermsApplyBesideBadOnes()
{
    QFETCH(QString, text);
    QFETCH(QList<int>, expected);

    const FilterQuery query = FilterQuery::parse(text);
    QVERIFY(query.hasErrors());
    QCOMPARE(matchingIds(query, fixtureRows()), expected);
}

void tst_FilterQuery::emptiness_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("empty");

    QTest::newRow("default") << QString() << true;
    QTest::newRow("spaces") << QStringLiteral("   ") << true;
    QTest::newRow("empty phrase") << QStringLiteral("\"\"") << true;
    QTest::newRow("only errors") << QStringLiteral("colour:red") << true;
    QTest::newRow("word") << QStringLiteral("x") << false;
    QTest::newRow("excluded word") << QStringLiteral("-x") << false;
}

void tst_FilterQuery::emptiness()
{
    QFETCH(QString, text);
    QFETCH(bool, empty);

    QCOMPARE(FilterQuery::parse(text).isEmpty(), empty);
    QVERIFY(FilterQuery().isEmpty());
    QVERIFY(!FilterQuery().hasErrors());
}

void tst_FilterQuery::equality()
{
    QCOMPARE(FilterQuery::parse(QStringLiteral("a  b")), FilterQuery::parse(QStringLiteral(" a b ")));
    QCOMPARE(FilterQuery::parse(QStringLiteral("Printer")), FilterQuery::parse(QStringLiteral("printer")));
    QCOMPARE(FilterQuery::parse(QStringLiteral("status:")), FilterQuery());
    QCOMPARE(FilterQuery::parse(QStringLiteral("id:7")), FilterQuery::parse(QStringLiteral("request:7")));
    QVERIFY(FilterQuery::parse(QStringLiteral("a")) != FilterQuery::parse(QStringLiteral("-a")));
    QVERIFY(FilterQuery::parse(QStringLiteral("a b")) != FilterQuery::parse(QStringLiteral("\"a b\"")));
    QVERIFY(FilterQuery::parse(QStringLiteral("status:a")) != FilterQuery::parse(QStringLiteral("title:a")));
}

void tst_FilterQuery::searchText()
{
    const EventRow row = fixtureRows().constFirst();
    const QString text = FilterQuery::searchText(row);
    QCOMPARE(text, text.toCaseFolded());
    const QStringList parts = text.split(QChar(FilterQuery::Separator));
    QCOMPARE(parts.size(), 13);
    QVERIFY(parts.contains(QStringLiteral("printer on fire")));
    QVERIFY(parts.contains(QStringLiteral("billing, urgent-fix")));
    QVERIFY(parts.contains(QStringLiteral("created")));
}

void tst_FilterQuery::randomizedAgainstReference()
{
    QRandomGenerator rng(20240611);
    const Vocabulary vocabulary;
    QList<EventRow> rows;
    for (int i = 0; i < 300; ++i)
        rows << randomRow(rng, vocabulary, i + 1);

    int matched = 0;
    int compared = 0;
    for (int q = 0; q < 500; ++q) {
        QList<RefTerm> terms;
        QStringList parts;
        const int termCount = 1 + rng.bounded(3);
        for (int t = 0; t < termCount; ++t) {
            terms << randomTerm(rng, vocabulary);
            parts << termText(terms.constLast());
        }
        const QString text = parts.join(QStringLiteral("  ").left(1 + rng.bounded(2)));
        const FilterQuery query = FilterQuery::parse(text);
        for (const RefTerm &term : std::as_const(terms)) {
            if (term.field != QLatin1String("kind") || term.value != QLatin1String("zzz"))
                continue;
            QVERIFY2(query.hasErrors(), qPrintable(text));
        }
        for (const EventRow &row : std::as_const(rows)) {
            const bool expected = refMatches(terms, row);
            if (query.matches(row) != expected) {
                QFAIL(qPrintable(QStringLiteral("query %1 on row %2: expected %3")
                                     .arg(text)
                                     .arg(row.id)
                                     .arg(expected ? QStringLiteral("match") : QStringLiteral("no match"))));
            }
            matched += expected ? 1 : 0;
            ++compared;
        }
    }
    // Guards against a generator that only ever produces queries matching all or nothing.
    QVERIFY(matched > compared / 20);
    QVERIFY(matched < compared - compared / 20);
}

void tst_FilterQuery::narrows_data()
{
    QTest::addColumn<QString>("narrow");
    QTest::addColumn<QString>("broad");
    QTest::addColumn<bool>("expected");
    QTest::newRow("one more letter") << QStringLiteral("billing") << QStringLiteral("billin") << true;
    QTest::newRow("anything narrows nothing") << QStringLiteral("-x kind:esc") << QString() << true;
    QTest::newRow("nothing narrows something") << QString() << QStringLiteral("x") << false;
    QTest::newRow("a term more") << QStringLiteral("bill team:emea") << QStringLiteral("bill") << true;
    QTest::newRow("a term less") << QStringLiteral("bill") << QStringLiteral("bill team:emea") << false;
    QTest::newRow("excluded, shorter") << QStringLiteral("-clo") << QStringLiteral("-closed") << true;
    QTest::newRow("excluded, longer") << QStringLiteral("-closed") << QStringLiteral("-clo") << false;
    QTest::newRow("field, longer") << QStringLiteral("team:billing") << QStringLiteral("team:bill") << true;
    QTest::newRow("other field") << QStringLiteral("title:billing") << QStringLiteral("team:bill") << false;
    QTest::newRow("request is exact") << QStringLiteral("request:420") << QStringLiteral("request:42") << false;
    QTest::newRow("kind, not a subset") << QStringLiteral("kind:created") << QStringLiteral("kind:u") << false;
    QTest::newRow("kind, same kinds") << QStringLiteral("kind:created") << QStringLiteral("kind:c") << true;
    QTest::newRow("kind, subset") << QStringLiteral("kind:esc") << QStringLiteral("kind:e") << true;
    QTest::newRow("excluded kind, more") << QStringLiteral("-kind:u") << QStringLiteral("-kind:unknown") << true;
    QTest::newRow("same comparison") << QStringLiteral("close:>1h x") << QStringLiteral("close:>60min") << true;
    QTest::newRow("other comparison") << QStringLiteral("close:>2h") << QStringLiteral("close:>1h") << false;
    QTest::newRow("escalated") << QStringLiteral("escalated:yes a") << QStringLiteral("escalated:y") << true;
}

void tst_FilterQuery::narrows()
{
    QFETCH(QString, narrow);
    QFETCH(QString, broad);
    QFETCH(bool, expected);
    QCOMPARE(FilterQuery::parse(narrow).narrows(FilterQuery::parse(broad)), expected);
}

// Whenever narrows() says yes, no row matches the narrow query without matching the broad one.
void tst_FilterQuery::narrowingIsSound()
{
    QRandomGenerator rng(20261203);
    const Vocabulary vocabulary;
    QList<EventRow> rows;
    for (int i = 0; i < 200; ++i)
        rows << randomRow(rng, vocabulary, i + 1);
    int narrowing = 0;
    for (int q = 0; q < 1500; ++q) {
        QStringList parts;
        const int termCount = rng.bounded(3);
        for (int t = 0; t < termCount; ++t)
            parts << termText(randomTerm(rng, vocabulary));
        const FilterQuery broad = FilterQuery::parse(parts.join(u' '));
        // Typing on: one more term, or the last one longer or shorter.
        QStringList more = parts;
        if (!more.isEmpty() && rng.bounded(2))
            more.last() = rng.bounded(2) ? more.last() + u'x' : more.last().chopped(1);
        else
            more << termText(randomTerm(rng, vocabulary));
        const FilterQuery narrow = FilterQuery::parse(more.join(u' '));
        if (!narrow.narrows(broad))
            continue;
        ++narrowing;
        for (const EventRow &row : std::as_const(rows)) {
            if (narrow.matches(row) && !broad.matches(row))
                QFAIL(qPrintable(QStringLiteral("\"%1\" narrows \"%2\" but row %3 says otherwise")
                                     .arg(narrow.text(), broad.text())
                                     .arg(row.id)));
        }
    }
    QVERIFY(narrowing > 250);
}

QTEST_GUILESS_MAIN(tst_FilterQuery)
#include "tst_filterquery.moc"
