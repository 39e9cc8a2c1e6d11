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

    // Equal when the valid terms are equal, so a model can skip re-filtering after an edit that
    // changes nothing (extra spaces, a term still being typed that is not valid yet).
    bool operator==(const FilterQuery &other) const;
    bool operator!=(const FilterQuery &other) const { return !(*this == other); }

private:
    struct Term
    {
        Field field = Field::Any;
        bool negate = false;
        QString value; // case-folded
        quint8 kindMask = 0; // for Field::Kind: bit n set when EventKind(n) matches

        bool operator==(const Term &other) const
        {
            return field == other.field && negate == other.negate && value == other.value && kindMask == other.kindMask;
        }
    };

    void addTerm(Field field, bool negate, QString value);
    static bool termMatches(const Term &term, const EventRow &row, const QString &rowSearchText);

    std::vector<Term> m_terms;
    QStringList m_errors;
    QString m_text;
};

Q_DECLARE_METATYPE(FilterQuery)
