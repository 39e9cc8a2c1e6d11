#include "FilterQuery.h"

#include <QStringView>
#include <algorithm>
#include <array>
#include <optional>

namespace {
using Field = FilterQuery::Field;

struct FieldName
{
    const char *name;
    Field field;
};

// Order is the order the error message and fieldNames() list them in.
constexpr std::array<FieldName, 20> kFieldNames = { {
    { "kind", Field::Kind },
    { "request", Field::Request },
    { "id", Field::Request },
    { "status", Field::Status },
    { "urgency", Field::Urgency },
    { "sentiment", Field::Sentiment },
    { "customer", Field::Customer },
    { "team", Field::Team },
    { "assignee", Field::Assignee },
    { "channel", Field::Channel },
    { "tag", Field::Tag },
    { "tags", Field::Tag },
    { "title", Field::Title },
    { "path", Field::Path },
    { "type", Field::Type },
    { "escalated", Field::Escalated },
    { "first_response", Field::FirstResponse },
    { "assigned", Field::Assignment },
    { "assignment", Field::Assignment },
    { "close", Field::Close },
} };

bool isDuration(Field field)
{
    return field == Field::FirstResponse || field == Field::Assignment || field == Field::Close;
}

// "yes", "no", "true", "false" or a prefix of one, so the filter applies while it is typed.
std::optional<bool> parseFlag(const QString &value)
{
    const QString folded = value.toCaseFolded();
    for (const char *word : { "yes", "true" }) {
        if (QLatin1String(word).startsWith(folded))
            return true;
    }
    for (const char *word : { "no", "false" }) {
        if (QLatin1String(word).startsWith(folded))
            return false;
    }
    return std::nullopt;
}

struct DurationBound
{
    FilterQuery::Compare compare = FilterQuery::Compare::Less;
    qint64 ms = 0;
};

// ">30min", "<=1.5h", ">2d": an operator, a number and a unit (s, min, h, d; a few spellings).
// Returns the error text (without the field) when the value is not one.
std::optional<DurationBound> parseDurationBound(const QString &value, QString *error)
{
    DurationBound bound;
    qsizetype i = 0;
    if (value.startsWith(QLatin1String(">="))) {
        bound.compare = FilterQuery::Compare::GreaterOrEqual;
        i = 2;
    } else if (value.startsWith(QLatin1String("<="))) {
        bound.compare = FilterQuery::Compare::LessOrEqual;
        i = 2;
    } else if (value.startsWith(u'>')) {
        bound.compare = FilterQuery::Compare::Greater;
        i = 1;
    } else if (value.startsWith(u'<')) {
        bound.compare = FilterQuery::Compare::Less;
        i = 1;
    } else {
        *error = QStringLiteral("needs a comparison such as >30min or <2h");
        return std::nullopt;
    }
    const qsizetype numberStart = i;
    while (i < value.size() && (value.at(i).isDigit() || value.at(i) == u'.'))
        ++i;
    bool ok = false;
    const double number = QStringView(value).mid(numberStart, i - numberStart).toDouble(&ok);
    if (!ok || number < 0) {
        *error = QStringLiteral("needs a number after the comparison, such as >30min");
        return std::nullopt;
    }
    const QString unit = value.mid(i).toCaseFolded();
    struct Unit
    {
        const char *names[5];
        qint64 ms;
    };
    static constexpr Unit kUnits[] = {
        { { "s", "sec", "secs", "second", "seconds" }, 1000 },
        { { "m", "min", "mins", "minute", "minutes" }, 60 * 1000 },
        { { "h", "hr", "hrs", "hour", "hours" }, 60 * 60 * 1000 },
        { { "d", "day", "days", nullptr, nullptr }, 24 * 60 * 60 * 1000 },
    };
    for (const Unit &u : kUnits) {
        for (const char *name : u.names) {
            if (name && unit == QLatin1String(name)) {
                const double ms = number * static_cast<double>(u.ms);
                // Beyond a few thousand years nobody means it; it only has to not overflow.
                bound.ms = ms > 1e17 ? qint64(1e17) : static_cast<qint64>(ms + 0.5);
                return bound;
            }
        }
    }
    *error = QStringLiteral("needs a unit: s, min, h or d");
    return std::nullopt;
}

std::optional<Field> fieldFromName(QStringView name)
{
    for (const FieldName &f : kFieldNames) {
        if (name.compare(QLatin1String(f.name), Qt::CaseInsensitive) == 0)
            return f.field;
    }
    return std::nullopt;
}

// Only a plain identifier before the colon makes a field, so "10:30" or ":x" stay free words.
bool isFieldName(QStringView text)
{
    if (text.isEmpty())
        return false;
    return std::all_of(text.begin(), text.end(),
        [](QChar c) { return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || c == u'_'; });
}

struct Quoted
{
    QString value;
    qsizetype next = 0; // index after the closing quote
    bool terminated = false;
};

// `open` is the index of the opening quote. There are no escapes: a phrase ends at the next quote.
Quoted readQuoted(const QString &text, qsizetype open)
{
    const qsizetype close = text.indexOf(u'"', open + 1);
    if (close < 0)
        return { {}, text.size(), false };
    return { text.mid(open + 1, close - open - 1), close + 1, true };
}

QString kindNamesList()
{
    QStringList names;
    for (int k = 0; k < EventKindCount; ++k)
        names << eventKindName(static_cast<EventKind>(k)).toLower();
    return names.join(QStringLiteral(", "));
}

void appendField(QString &out, const QString &text)
{
    out += text;
    out += QChar(FilterQuery::Separator);
}
} // namespace

FilterQuery FilterQuery::parse(const QString &text)
{
    FilterQuery query;
    query.m_text = text;
    const qsizetype n = text.size();
    qsizetype i = 0;
    while (i < n) {
        if (text.at(i).isSpace()) {
            ++i;
            continue;
        }
        const qsizetype termStart = i;
        bool negate = false;
        if (text.at(i) == u'-') {
            negate = true;
            ++i;
            if (i == n || text.at(i).isSpace()) {
                query.m_errors << QStringLiteral("\"-\" at position %1 needs a term after it").arg(termStart);
                continue;
            }
        }

        if (text.at(i) == u'"') {
            const Quoted phrase = readQuoted(text, i);
            if (!phrase.terminated) {
                query.m_errors << QStringLiteral("Unterminated quote at position %1").arg(i);
                break;
            }
            query.addTerm(Field::Any, negate, phrase.value);
            i = phrase.next;
            continue;
        }

        qsizetype end = i;
        while (end < n && !text.at(end).isSpace())
            ++end;
        const QStringView word = QStringView(text).mid(i, end - i);
        const qsizetype colon = word.indexOf(u':');
        if (colon <= 0 || !isFieldName(word.left(colon))) {
            query.addTerm(Field::Any, negate, word.toString());
            i = end;
            continue;
        }

        const QStringView name = word.left(colon);
        const std::optional<Field> field = fieldFromName(name);
        if (!field) {
            query.m_errors << QStringLiteral("Unknown field \"%1\" — known: %2")
                                  .arg(name, fieldNames().join(QStringLiteral(", ")));
        }
        const qsizetype valueStart = i + colon + 1;
        QString value;
        if (valueStart < n && text.at(valueStart) == u'"') {
            const Quoted quoted = readQuoted(text, valueStart);
            if (!quoted.terminated) {
                query.m_errors << QStringLiteral("Unterminated quote at position %1").arg(valueStart);
                break;
            }
            value = quoted.value;
            end = quoted.next;
        } else {
            value = text.mid(valueStart, end - valueStart);
        }
        i = end;
        if (!field)
            continue;
        if (value.isEmpty()) {
            query.m_errors << QStringLiteral("\"%1:\" needs a value").arg(name);
            continue;
        }
        if (*field == Field::Escalated) {
            const std::optional<bool> flag = parseFlag(value);
            if (!flag) {
                query.m_errors << QStringLiteral("\"%1:\" takes yes or no").arg(name);
                continue;
            }
            Term term;
            term.field = *field;
            term.negate = negate;
            term.flag = *flag;
            query.m_terms.push_back(std::move(term));
            continue;
        }
        if (isDuration(*field)) {
            QString problem;
            const std::optional<DurationBound> bound = parseDurationBound(value, &problem);
            if (!bound) {
                query.m_errors << QStringLiteral("\"%1:\" %2").arg(name, problem);
                continue;
            }
            Term term;
            term.field = *field;
            term.negate = negate;
            term.compare = bound->compare;
            term.ms = bound->ms;
            query.m_terms.push_back(std::move(term));
            continue;
        }
        if (*field == Field::Kind) {
            const size_t before = query.m_terms.size();
            query.addTerm(*field, negate, value);
            if (query.m_terms.size() == before) {
                query.m_errors << QStringLiteral("Unknown kind \"%1\" — known: %2").arg(value, kindNamesList());
            }
            continue;
        }
        query.addTerm(*field, negate, value);
    }
    return query;
}

void FilterQuery::addTerm(Field field, bool negate, QString value)
{
    // A pasted separator could otherwise make a free word match across two fields.
    value.remove(QChar(Separator));
    if (value.isEmpty())
        return;
    Term term;
    term.field = field;
    term.negate = negate;
    term.value = value.toCaseFolded();
    if (field == Field::Kind) {
        for (int k = 0; k < EventKindCount; ++k) {
            if (eventKindName(static_cast<EventKind>(k)).startsWith(term.value, Qt::CaseInsensitive))
                term.kindMask |= static_cast<quint8>(1u << k);
        }
        if (term.kindMask == 0)
            return;
    }
    m_terms.push_back(std::move(term));
}

QString FilterQuery::searchText(const EventRow &row)
{
    QString out;
    out.reserve(128 + row.title.size());
    appendField(out, eventKindName(row.kind));
    appendField(out, row.requestId);
    appendField(out, row.title);
    appendField(out, row.status);
    appendField(out, row.urgency);
    appendField(out, row.sentiment);
    appendField(out, row.customer);
    appendField(out, row.team);
    appendField(out, row.assignee);
    appendField(out, row.channel);
    // Joined as the table shows them, so a phrase like "a, b" finds what the user sees.
    appendField(out, row.tags.join(QStringLiteral(", ")));
    appendField(out, row.path);
    out += row.eventType;
    return out.toCaseFolded();
}

QStringList FilterQuery::fieldNames()
{
    QStringList names;
    names.reserve(static_cast<qsizetype>(kFieldNames.size()));
    for (const FieldName &f : kFieldNames)
        names << QLatin1String(f.name);
    return names;
}

bool FilterQuery::matches(const EventRow &row) const
{
    if (m_terms.empty())
        return true;
    return matches(row, searchText(row));
}

bool FilterQuery::matches(const EventRow &row, const QString &rowSearchText) const
{
    for (const Term &term : m_terms) {
        if (termMatches(term, row, rowSearchText) == term.negate)
            return false;
    }
    return true;
}

bool FilterQuery::termMatches(const Term &term, const EventRow &row, const QString &rowSearchText)
{
    const auto has = [&term](const QString &text) { return text.contains(term.value, Qt::CaseInsensitive); };
    switch (term.field) {
    case Field::Any:
        // Both sides are already case-folded: an exact search is enough.
        return rowSearchText.contains(term.value);
    case Field::Kind:
        return (term.kindMask & (1u << static_cast<unsigned>(row.kind))) != 0;
    case Field::Request:
        return row.requestId.compare(term.value, Qt::CaseInsensitive) == 0;
    case Field::Status:
        return has(row.status);
    case Field::Urgency:
        return has(row.urgency);
    case Field::Sentiment:
        return has(row.sentiment);
    case Field::Customer:
        return has(row.customer);
    case Field::Team:
        return has(row.team);
    case Field::Assignee:
        return has(row.assignee);
    case Field::Channel:
        return has(row.channel);
    case Field::Tag:
        return std::any_of(row.tags.cbegin(), row.tags.cend(), has);
    case Field::Title:
        return has(row.title);
    case Field::Path:
        return has(row.path);
    case Field::Type:
        return has(row.eventType);
    case Field::Escalated:
        return row.escalated == term.flag;
    case Field::FirstResponse:
        return term.durationMatches(row.toFirstResponseMs);
    case Field::Assignment:
        return term.durationMatches(row.toAssignmentMs);
    case Field::Close:
        return term.durationMatches(row.toCloseMs);
    }
    return false;
}

bool FilterQuery::Term::durationMatches(qint64 durationMs) const
{
    if (durationMs < 0)
        return false;
    switch (compare) {
    case Compare::Less:
        return durationMs < ms;
    case Compare::LessOrEqual:
        return durationMs <= ms;
    case Compare::Greater:
        return durationMs > ms;
    case Compare::GreaterOrEqual:
        return durationMs >= ms;
    }
    return false;
}

bool FilterQuery::implies(const Term &narrow, const Term &broad)
{
    if (narrow.field != broad.field || narrow.negate != broad.negate)
        return false;
    switch (narrow.field) {
    case Field::Kind:
        // Fewer kinds kept, or more kinds excluded.
        return broad.negate ? (narrow.kindMask & broad.kindMask) == broad.kindMask
                            : (narrow.kindMask & broad.kindMask) == narrow.kindMask;
    case Field::Request:
    case Field::Escalated:
    case Field::FirstResponse:
    case Field::Assignment:
    case Field::Close:
        return narrow == broad;
    default:
        // Containment: a text containing "billing" contains "bill"; a text without "bill" is
        // without "billing".
        return broad.negate ? broad.value.contains(narrow.value) : narrow.value.contains(broad.value);
    }
}

bool FilterQuery::narrows(const FilterQuery &broader) const
{
    return std::all_of(broader.m_terms.cbegin(), broader.m_terms.cend(), [this](const Term &broad) {
        return std::any_of(
            m_terms.cbegin(), m_terms.cend(), [&broad](const Term &narrow) { return implies(narrow, broad); });
    });
}

bool FilterQuery::operator==(const FilterQuery &other) const
{
    return m_terms == other.m_terms;
}
