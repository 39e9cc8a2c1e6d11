#include "BenchRowGenerator.h"

namespace {
QStringList words(const char *text)
{
    return QString::fromLatin1(text).split(QLatin1Char('|'));
}

// Every combination of a and b joined by separator: cheap variety from short word lists.
QStringList combine(const QStringList &a, const QStringList &b, const QString &separator)
{
    QStringList result;
    result.reserve(a.size() * b.size());
    for (const QString &x : a) {
        for (const QString &y : b)
            result.append(x + separator + y);
    }
    return result;
}

// A deep copy: a parsed body never shares its strings with another event's.
QString copyOf(const QString &value)
{
    return QString(value.constData(), value.size());
}
} // namespace

BenchRowGenerator::BenchRowGenerator(quint64 seed)
    : m_random(seed)
    , m_timesRandom(seed ^ 0x7469'6d65'7321ULL)
    , m_nextMs(1793491200000) // 2026-11-01T00:00:00Z
{
    m_statuses = words("OPEN|ASSIGNED|IN_PROGRESS|ON_HOLD|WAITING_ON_CUSTOMER|RESOLVED|CLOSED|NEW");
    m_urgencies = words("Low|Medium|High|Urgent");
    m_sentiments = words("Positive|Neutral|Negative|Frustrated");
    m_customers = combine(words("Acme|Northwind|Globex|Initech|Umbrella|Stark|Wayne|Wonka|Hooli|Pied Piper|Vandelay|"
                                "Soylent|Tyrell|Cyberdyne|Aperture|Black Mesa|Oscorp|Gringotts|Monarch|Dunder|"
                                "Blue Harbor|Red Canyon|Silver Peak|Green Valley|Iron Bridge|Copper Leaf|Sun Coast|"
                                "Polar Star|Quartz|Helios|Nimbus|Zephyr|Orion|Vega|Atlas|Kestrel|Lumen|Ember|Fjord|"
                                "Tundra"),
        words("Logistics|Analytics|Health|Bank|Foods|Energy|Robotics|Media|Labs|Retail|Insurance|Travel|Games|"
              "Security|Cloud|Mobility|Pharma|Capital|Studios|Systems|Networks|Education|Legal|Realty|Motors|Air|"
              "Marine|Textiles|Chemicals|Farms|Telecom|Software|Hardware|Payments|Fitness|Hotels|Publishing|"
              "Consulting|Outdoors|Biotech|Solar|Water|Mining|Fashion|Pets|Toys|Coffee|Brewing|Books|Music"),
        QStringLiteral(" "));
    m_teams = words("Support EMEA|Support APAC|Support Americas|Billing|Platform|Onboarding|Enterprise|Integrations|"
                    "Mobile|Payments Ops|Security Desk|Data Pipeline|Customer Success|Tier 2|Tier 3|Escalations|"
                    "Partner Desk|Compliance|Infra On-call|Growth|Sales Engineering|Developer Relations|"
                    "Implementation|Accounts");
    m_assignees = combine(words("maria|james|wei|aisha|lukas|sofia|omar|yuki|liam|priya|noah|elena|mateo|chloe|"
                                "ravi|hana|ivan|zoe|kofi|ines"),
        words("garcia|smith|chen|khan|muller|rossi|haddad|tanaka|obrien|patel|johnson|popescu|silva|martin|"
              "iyer"),
        QStringLiteral("."));
    for (int i = 0; i < 800; ++i)
        m_channels.append(i % 3 == 0 ? QStringLiteral("support-%1").arg(i) : QStringLiteral("ext-customer-%1").arg(i));
    m_tags = combine(words("billing|login|export|api|sso|mobile|invoice|refund|outage|latency|webhook|slack|"
                           "integration|permissions|onboarding|bug|feature-request|data-loss|performance|ui"),
        words("p1|p2|p3|eu|us|apac|vip|trial|renewal|churn-risk|beta|legacy"), QStringLiteral("-"));
    m_tags += words("billing|login|export|api|sso|mobile|outage|vip|bug|urgent");
    m_paths = words("/|/|/|/|/|/|/|/thena|/thena|/webhooks/thena");
    m_platformTypes = words("ticket:created|ticket:updated|ticket:updated|ticket:status_changed|ticket:assigned|"
                            "ticket:escalated|comment:created");
    m_subjects = words("Export to CSV|Login|SSO with Okta|Invoice PDF|Mobile app|Webhook delivery|Slack sync|"
                       "Password reset|API rate limit|Dashboard|Search|Billing page|Refund|Data import|"
                       "Two-factor auth|Report builder|Email notifications|User invites|Audit log|Permissions|"
                       "Calendar sync|File upload|Chat widget|Knowledge base|Ticket merge|SLA timer|Custom fields|"
                       "Zapier integration|Salesforce sync|Jira link|Auto-assignment|Tag rules|Status page|"
                       "Checkout|Subscription renewal|Usage metering|Team workspace|Dark mode|Offline mode|"
                       "Push notifications");
    m_problems = words("fails|times out|is very slow|shows an error|returns 500|is missing data|duplicates entries|"
                       "does not load|crashes|logs users out|sends twice|shows the wrong total|is blank|"
                       "rejects valid input|hangs|loses changes|ignores settings|is out of date|cannot be opened|"
                       "charges twice|stops syncing|drops attachments|shows another customer's data|"
                       "breaks after update|is unreadable|freezes|loops|never finishes|fails silently|"
                       "reports wrong time zone");
    m_contexts = words("for large workspaces|on iOS|on Android|in Safari|in Firefox|after the last release|"
                       "since this morning|for EU customers|for new users|for admins only|on the free plan|"
                       "with more than 10k rows|behind a proxy|on slow networks|with SSO enabled|at month end|"
                       "in the shared inbox|when filtering by tag|for archived tickets|with emoji in names|"
                       "for one user|intermittently|every Monday|after password change|in the desktop app|"
                       "on Windows|on macOS|for accounts in APAC|during peak hours|via API");
}

QString BenchRowGenerator::pick(const QStringList &values)
{
    const QString &value = values.at(static_cast<qsizetype>(m_random() % static_cast<quint64>(values.size())));
    return copyOf(value);
}

QString BenchRowGenerator::makeTitle()
{
    const QString &subject = m_subjects.at(static_cast<qsizetype>(m_random() % m_subjects.size()));
    const QString &problem = m_problems.at(static_cast<qsizetype>(m_random() % m_problems.size()));
    const QString &context = m_contexts.at(static_cast<qsizetype>(m_random() % m_contexts.size()));
    if (m_random() % 4 == 0)
        return subject + QLatin1Char(' ') + problem;
    return subject + QLatin1Char(' ') + problem + QLatin1Char(' ') + context;
}

EventRow BenchRowGenerator::next()
{
    EventRow row;
    row.id = m_nextId++;
    m_nextMs += static_cast<qint64>(m_random() % 400);
    row.receivedMs = m_nextMs;

    const unsigned roll = static_cast<unsigned>(m_random() % 1000);
    if (roll < 300)
        row.kind = EventKind::Created;
    else if (roll < 800)
        row.kind = EventKind::Updated;
    else if (roll < 880)
        row.kind = EventKind::Escalated;
    else if (roll < 980)
        row.kind = EventKind::Platform;
    else if (roll < 990)
        row.kind = EventKind::Unknown;
    else
        row.kind = EventKind::Invalid;
    row.valid = row.kind != EventKind::Invalid;
    row.sizeBytes = 700 + static_cast<qint32>(m_random() % 3300);
    row.path = pick(m_paths);
    if (!row.valid)
        return row; // an invalid body has no columns

    // Updates and escalations mostly concern earlier requests; creations open new ones.
    const qint64 request = row.kind == EventKind::Created || m_nextRequest < 10100
        ? m_nextRequest++
        : m_nextRequest - 1 - static_cast<qint64>(m_random() % 5000 % static_cast<quint64>(m_nextRequest - 10000));
    row.requestId = QString::number(request);
    row.title = makeTitle();
    row.status = row.kind == EventKind::Created ? copyOf(QStringLiteral("OPEN")) : pick(m_statuses);
    row.urgency = pick(m_urgencies);
    row.sentiment = pick(m_sentiments);
    row.customer = pick(m_customers);
    row.team = pick(m_teams);
    if (m_random() % 5 != 0)
        row.assignee = pick(m_assignees);
    row.channel = pick(m_channels);
    const int tagCount = static_cast<int>(m_random() % 5);
    for (int t = 0; t < tagCount; ++t)
        row.tags.append(pick(m_tags));
    row.replies = m_random() % 10 == 0 ? -1 : static_cast<qint32>(m_random() % 40);
    switch (row.kind) {
    case EventKind::Created:
        row.eventType = copyOf(QStringLiteral("CREATE"));
        break;
    case EventKind::Updated:
        row.eventType = copyOf(QStringLiteral("UPDATE"));
        break;
    case EventKind::Platform:
        row.eventType = pick(m_platformTypes);
        break;
    default:
        break;
    }
    deriveTimes(row);
    if (m_random() % 50 == 0 && row.id > 10) {
        row.attempt = 2 + static_cast<qint32>(m_random() % 5);
        row.retryOf = row.id - 1 - static_cast<qint64>(m_random() % 10);
        row.retryGapSeconds = static_cast<qint32>(10 + m_random() % 80);
    }
    return row;
}

void BenchRowGenerator::deriveTimes(EventRow &row)
{
    // Most updates carry a first response, fewer an assignment, a fifth a close; minutes to days.
    const auto span = [this](qint64 maxMinutes) {
        return static_cast<qint64>(m_timesRandom() % static_cast<quint64>(maxMinutes * 60)) * 1000;
    };
    if (row.kind != EventKind::Created && m_timesRandom() % 10 < 6)
        row.toFirstResponseMs = span(48 * 60);
    if (m_timesRandom() % 10 < 4)
        row.toAssignmentMs = span(6 * 60);
    if (row.kind != EventKind::Created && m_timesRandom() % 10 < 2)
        row.toCloseMs = span(14 * 24 * 60);
    row.escalated = row.kind == EventKind::Escalated || m_timesRandom() % 20 == 0;
}

QList<EventRow> BenchRowGenerator::next(int count)
{
    QList<EventRow> rows;
    rows.reserve(count);
    for (int i = 0; i < count; ++i)
        rows.append(next());
    return rows;
}
