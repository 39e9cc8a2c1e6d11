#include "AlertRules.h"

#include <QSettings>
#include <algorithm>

const QString AlertRules::EscalationRuleId = QStringLiteral("escalation");
const QString AlertRules::UrgentNegativeRuleId = QStringLiteral("urgent-negative");
const QString AlertRules::WatchedRuleId = QStringLiteral("watched");

namespace {
const QString kGroup = QStringLiteral("alerts");
const QString kSavedKey = QStringLiteral("saved");
const QString kRulesArray = QStringLiteral("rules");
const QString kIdKey = QStringLiteral("id");
const QString kNameKey = QStringLiteral("name");
const QString kEnabledKey = QStringLiteral("enabled");
const QString kKindKey = QStringLiteral("kind");
const QString kUrgencyKey = QStringLiteral("urgency");
const QString kSentimentKey = QStringLiteral("sentiment");
const QString kRequestIdsKey = QStringLiteral("requestIds");
const QString kQueryKey = QStringLiteral("query");

bool sameWord(const QString &wanted, const QString &actual)
{
    return wanted.trimmed().compare(actual.trimmed(), Qt::CaseInsensitive) == 0;
}

QStringList cleanIds(const QStringList &ids)
{
    QStringList clean;
    for (const QString &id : ids) {
        const QString trimmed = id.trimmed();
        if (!trimmed.isEmpty() && !clean.contains(trimmed))
            clean.append(trimmed);
    }
    return clean;
}

AlertRule watchedRule()
{
    AlertRule rule;
    rule.id = AlertRules::WatchedRuleId;
    rule.name = QStringLiteral("Watched requests");
    return rule;
}
} // namespace

bool AlertRule::hasConditions() const
{
    return kind.has_value() || !urgency.trimmed().isEmpty() || !sentiment.trimmed().isEmpty()
        || !cleanIds(requestIds).isEmpty() || !query.trimmed().isEmpty();
}

bool AlertRule::matches(const EventRow &row) const
{
    return matches(row, FilterQuery::parse(query));
}

bool AlertRule::matches(const EventRow &row, const FilterQuery &parsedQuery) const
{
    if (!enabled || !hasConditions() || !row.valid || row.attempt > 1)
        return false;
    if (kind && row.kind != *kind)
        return false;
    if (!urgency.trimmed().isEmpty() && !sameWord(urgency, row.urgency))
        return false;
    if (!sentiment.trimmed().isEmpty() && !sameWord(sentiment, row.sentiment))
        return false;
    const QStringList ids = cleanIds(requestIds);
    if (!ids.isEmpty() && !ids.contains(row.requestId.trimmed()))
        return false;
    // A query with a typo would otherwise lose its bad term and fire for more than the user asked.
    if (parsedQuery.hasErrors())
        return false;
    return parsedQuery.isEmpty() || parsedQuery.matches(row);
}

QString AlertRule::describe() const
{
    QStringList parts;
    if (kind)
        parts.append(QStringLiteral("kind is %1").arg(eventKindName(*kind)));
    if (!urgency.trimmed().isEmpty())
        parts.append(QStringLiteral("urgency is %1").arg(urgency.trimmed()));
    if (!sentiment.trimmed().isEmpty())
        parts.append(QStringLiteral("sentiment is %1").arg(sentiment.trimmed()));
    const QStringList ids = cleanIds(requestIds);
    if (ids.size() == 1)
        parts.append(QStringLiteral("request %1").arg(ids.constFirst()));
    else if (ids.size() > 1)
        parts.append(QStringLiteral("request is one of %1").arg(ids.join(QStringLiteral(", "))));
    if (!query.trimmed().isEmpty())
        parts.append(QStringLiteral("matches \u201c%1\u201d").arg(query.trimmed()));
    if (parts.isEmpty())
        return QStringLiteral("no conditions: never fires");
    return parts.join(QStringLiteral(", "));
}

AlertRules::AlertRules(const QList<AlertRule> &rules)
{
    setRules(rules);
}

AlertRules AlertRules::defaults()
{
    AlertRule escalation;
    escalation.id = EscalationRuleId;
    escalation.name = QStringLiteral("Escalation");
    escalation.kind = EventKind::Escalated;

    AlertRule urgentNegative;
    urgentNegative.id = UrgentNegativeRuleId;
    urgentNegative.name = QStringLiteral("Urgent and unhappy");
    urgentNegative.urgency = QStringLiteral("High");
    urgentNegative.sentiment = QStringLiteral("Negative");

    return AlertRules({ escalation, urgentNegative, watchedRule() });
}

void AlertRules::setRules(const QList<AlertRule> &rules)
{
    m_rules = rules;
    m_queries.clear();
    m_queries.reserve(static_cast<size_t>(m_rules.size()));
    for (const AlertRule &rule : std::as_const(m_rules))
        m_queries.push_back(FilterQuery::parse(rule.query));
}

std::optional<AlertRule> AlertRules::match(const EventRow &row) const
{
    const qsizetype index = matchIndex(row);
    if (index < 0)
        return std::nullopt;
    return m_rules.at(index);
}

qsizetype AlertRules::matchIndex(const EventRow &row) const
{
    for (qsizetype i = 0; i < m_rules.size(); ++i) {
        if (m_rules.at(i).matches(row, m_queries[static_cast<size_t>(i)]))
            return i;
    }
    return -1;
}

QStringList AlertRules::watchedRequestIds() const
{
    for (const AlertRule &rule : m_rules) {
        if (rule.id == WatchedRuleId)
            return cleanIds(rule.requestIds);
    }
    return {};
}

bool AlertRules::isWatched(const QString &requestId) const
{
    return watchedRequestIds().contains(requestId.trimmed());
}

bool AlertRules::setWatched(const QString &requestId, bool watched)
{
    const QString id = requestId.trimmed();
    if (id.isEmpty())
        return false;
    QList<AlertRule> rules = m_rules;
    auto it = std::find_if(rules.begin(), rules.end(), [](const AlertRule &rule) { return rule.id == WatchedRuleId; });
    if (it == rules.end()) {
        if (!watched)
            return false;
        rules.append(watchedRule());
        it = rules.end() - 1;
    }
    QStringList ids = cleanIds(it->requestIds);
    if (watched == ids.contains(id))
        return false;
    if (watched)
        ids.append(id);
    else
        ids.removeAll(id);
    it->requestIds = ids;
    setRules(rules);
    return true;
}

QString AlertRules::unusedRuleId() const
{
    for (int n = 1;; ++n) {
        const QString id = QStringLiteral("rule-%1").arg(n);
        const bool taken
            = std::any_of(m_rules.cbegin(), m_rules.cend(), [&](const AlertRule &rule) { return rule.id == id; });
        if (!taken)
            return id;
    }
}

void AlertRules::save(QSettings &settings) const
{
    // The group is rewritten whole: a shorter list must not leave the old tail behind.
    settings.remove(kGroup);
    settings.beginGroup(kGroup);
    settings.setValue(kSavedKey, true);
    settings.beginWriteArray(kRulesArray, static_cast<int>(m_rules.size()));
    for (int i = 0; i < m_rules.size(); ++i) {
        const AlertRule &rule = m_rules.at(i);
        settings.setArrayIndex(i);
        settings.setValue(kIdKey, rule.id);
        settings.setValue(kNameKey, rule.name);
        settings.setValue(kEnabledKey, rule.enabled);
        settings.setValue(kKindKey, rule.kind ? eventKindName(*rule.kind) : QString());
        settings.setValue(kUrgencyKey, rule.urgency);
        settings.setValue(kSentimentKey, rule.sentiment);
        settings.setValue(kRequestIdsKey, rule.requestIds);
        settings.setValue(kQueryKey, rule.query);
    }
    settings.endArray();
    settings.endGroup();
}

AlertRules AlertRules::load(QSettings &settings)
{
    settings.beginGroup(kGroup);
    if (!settings.value(kSavedKey).toBool()) {
        settings.endGroup();
        return defaults();
    }
    QList<AlertRule> rules;
    const int count = settings.beginReadArray(kRulesArray);
    for (int i = 0; i < count; ++i) {
        settings.setArrayIndex(i);
        AlertRule rule;
        rule.id = settings.value(kIdKey).toString();
        rule.name = settings.value(kNameKey).toString();
        rule.enabled = settings.value(kEnabledKey, true).toBool();
        const QString kindName = settings.value(kKindKey).toString();
        if (!kindName.isEmpty()) {
            rule.kind = eventKindFromName(kindName);
            // A kind this version does not know would otherwise widen the rule to every kind.
            if (!rule.kind)
                continue;
        }
        rule.urgency = settings.value(kUrgencyKey).toString();
        rule.sentiment = settings.value(kSentimentKey).toString();
        rule.requestIds = cleanIds(settings.value(kRequestIdsKey).toStringList());
        rule.query = settings.value(kQueryKey).toString();
        if (rule.id.isEmpty())
            continue;
        rules.append(rule);
    }
    settings.endArray();
    settings.endGroup();
    return AlertRules(rules);
}
