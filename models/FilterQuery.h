#pragma once

#include "EventRow.h"

#include <QMetaType>
#include <QString>
#include <QStringList>
#include <vector>

// The filter bar's text, parsed once when it changes so that matching a row is cheap (no regex,
// no allocation). Syntax:
//   word              any displayed column contains "word" (case-insensitive)
//   "two words"       any displayed column contains the phrase
//   field:value       one column: kind (name prefix), request/id (exact), status, urgency, sentiment,
//                     customer, team, assignee, channel, tag/tags (any tag), title, path, type
//   field:"a phrase"  the same with spaces in the value
//   escalated:yes     the payload carries an escalation (yes/no, true/false, or a prefix of them)
//   first_response:>30min, assigned:<1h, close:>=2d
//                     a derived time compared with a duration (s, min, h, d; "1.5h" works); a time
//                     the payload does not give never matches a comparison
//   -term             excludes rows the term matches
// Terms combine with AND. Invalid terms are reported by errors() and ignored, so a typo in one
// term does not hide every row while the user is still typing.
class FilterQuery
{
public:
    enum class Field : quint8
    {
        Any, // a free word or phrase: every displayed text
        Kind,
        Request,
        Status,
        Urgency,
        Sentiment,
        Customer,
        Team,
        Assignee,
        Channel,
        Tag,
        Title,
        Path,
        Type,
        Escalated,
        FirstResponse,
        Assignment,
        Close,
    };

    enum class Compare : quint8
    {
        Less,
        LessOrEqual,
        Greater,
        GreaterOrEqual,
    };

    // One valid term. Public so an index (FilterIndex) can evaluate a query its own way; matches()
    // is the reference it must agree with.
    struct Term
    {
        Field field = Field::Any;
        bool negate = false;
        QString value; // case-folded; empty for Escalated and the durations
        quint8 kindMask = 0; // for Field::Kind: bit n set when EventKind(n) matches
        bool flag = false; // for Field::Escalated: the value asked for
        Compare compare = Compare::Less; // for the durations
        qint64 ms = 0; // for the durations: the bound

        bool operator==(const Term &other) const
        {
            return field == other.field && negate == other.negate && value == other.value && kindMask == other.kindMask
                && flag == other.flag && compare == other.compare && ms == other.ms;
        }
        // Does a duration of durationMs (-1 or less: unknown) satisfy this comparison?
        bool durationMatches(qint64 durationMs) const;
    };

    // Joins the fields of searchText(); it cannot be typed, so a term never matches across fields.
    static constexpr char16_t Separator = u'\x1f';

    FilterQuery() = default;

    static FilterQuery parse(const QString &text);
    // Every text a free word searches, case-folded and joined by Separator. Callers filtering many
    // rows compute it once per row and use the two-argument matches().
    static QString searchText(const EventRow &row);
    // The field names parse() accepts, aliases included, for completion and error messages.
    static QStringList fieldNames();

    bool matches(const EventRow &row) const;
    bool matches(const EventRow &row, const QString &rowSearchText) const;

    // True when no valid term is left: every row matches.
    bool isEmpty() const { return m_terms.empty(); }
    bool hasErrors() const { return !m_errors.isEmpty(); }
    QStringList errors() const { return m_errors; }
    QString text() const { return m_text; }
    const std::vector<Term> &terms() const { return m_terms; }

    // True when every row this query matches is certainly matched by `broader` too (each of
    // broader's terms is implied by one of ours: "billing" narrows "bill", "-bill" narrows
    // "-billing"). False means "not known", not "no". Lets a model re-check only the rows it
    // shows when the user types one more character.
    bool narrows(const FilterQuery &broader) const;

    // Equal when the valid terms are equal, so a model can skip re-filtering after an edit that
    // changes nothing (extra spaces, a term still being typed that is not valid yet).
    bool operator==(const FilterQuery &other) const;
    bool operator!=(const FilterQuery &other) const { return !(*this == other); }

private:
    void addTerm(Field field, bool negate, QString value);
    static bool termMatches(const Term &term, const EventRow &row, const QString &rowSearchText);
    static bool implies(const Term &narrow, const Term &broad);

    std::vector<Term> m_terms;
    QStringList m_errors;
    QString m_text;
};

Q_DECLARE_METATYPE(FilterQuery)
