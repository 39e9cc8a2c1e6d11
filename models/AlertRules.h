#pragma once

#include "EventKind.h"
#include "EventRow.h"
#include "FilterQuery.h"

#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <optional>
#include <vector>

class QSettings;

// One thing the user wants to be told about. Every condition that is set must hold; a rule with
// no condition at all never fires (an empty "Watched requests" rule must not alert on everything).
struct AlertRule
{
    QString id; // stable key: "escalation", "urgent-negative", "watched", or "rule-N" for the user's own
    QString name; // shown in the dialog and in the notification
    bool enabled = true;
    std::optional<EventKind> kind; // unset: any kind
    QString urgency; // case-insensitive, whole value ("High" matches "HIGH", not "Highest"); empty: any
    QString sentiment; // likewise
    QStringList requestIds; // any of these, exactly; empty: any request
    QString query; // more conditions in the filter bar's syntax (FilterQuery); empty: none

    bool hasConditions() const;
    // Whether this rule fires for row, taken alone. Retries and invalid deliveries never fire: a
    // retry is the same event again, an invalid body has no fields to judge.
    bool matches(const EventRow &row) const;
    // "kind is Escalated, urgency is High": the conditions in words, for the dialog.
    QString describe() const;

    friend bool operator==(const AlertRule &a, const AlertRule &b)
    {
        return a.id == b.id && a.name == b.name && a.enabled == b.enabled && a.kind == b.kind && a.urgency == b.urgency
            && a.sentiment == b.sentiment && a.requestIds == b.requestIds && a.query == b.query;
    }
    friend bool operator!=(const AlertRule &a, const AlertRule &b) { return !(a == b); }

private:
    friend class AlertRules;
    bool matches(const EventRow &row, const FilterQuery &parsedQuery) const;
};

Q_DECLARE_METATYPE(AlertRule)

// The user's alert rules, in order: match() reports the first enabled rule that fires, so an
// event raises one notification however many rules it meets. Queries are parsed once, when the
// rules are set, so matching every captured event stays cheap.
class AlertRules
{
public:
    static const QString EscalationRuleId;
    static const QString UrgentNegativeRuleId;
    static const QString WatchedRuleId;

    AlertRules() = default; // no rules
    explicit AlertRules(const QList<AlertRule> &rules);

    // What a new user starts with: escalations; urgency High with sentiment Negative; an (empty)
    // list of watched requests.
    static AlertRules defaults();

    QList<AlertRule> rules() const { return m_rules; }
    void setRules(const QList<AlertRule> &rules);
    qsizetype size() const { return m_rules.size(); }
    bool isEmpty() const { return m_rules.isEmpty(); }
    const AlertRule &at(qsizetype index) const { return m_rules.at(index); }

    // The first enabled rule that fires for row, if any.
    std::optional<AlertRule> match(const EventRow &row) const;
    // Its index in rules(), -1 when none fires.
    qsizetype matchIndex(const EventRow &row) const;

    // The request ids of the "Watched requests" rule.
    QStringList watchedRequestIds() const;
    bool isWatched(const QString &requestId) const;
    // Adds or removes a request id on the "Watched requests" rule, creating the rule (enabled) when
    // the user deleted it. Returns whether anything changed.
    bool setWatched(const QString &requestId, bool watched);

    // An id no rule has yet, for a rule the user adds.
    QString unusedRuleId() const;

    // Under the "alerts" group. load() gives defaults() when nothing was ever saved, and an empty
    // list when the user deleted every rule; entries it cannot read are skipped.
    void save(QSettings &settings) const;
    static AlertRules load(QSettings &settings);

    friend bool operator==(const AlertRules &a, const AlertRules &b) { return a.m_rules == b.m_rules; }
    friend bool operator!=(const AlertRules &a, const AlertRules &b) { return !(a == b); }

private:
    QList<AlertRule> m_rules;
    std::vector<FilterQuery> m_queries; // m_rules[i].query, parsed
};
