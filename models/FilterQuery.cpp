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
constexpr std::array<FieldName, 15> kFieldNames = { {
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
} };

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
    }
    return false;
}

bool FilterQuery::operator==(const FilterQuery &other) const
{
    return m_terms == other.m_terms;
}
