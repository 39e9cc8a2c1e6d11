#pragma once

#include "EventRowStore.h"
#include "FilterQuery.h"

#include <array>
#include <vector>

// Which rows of an EventRowStore pass the filter bar's query, the kind toggles and "hide retries",
// computed without building any row's text. Each term is first evaluated once per distinct value
// of the columns it reads (one substring scan of each RowStringPool's folded buffer), giving a
// yes/no table per column; a row then passes a free word when any of its columns' ids has a yes,
// which is a few array reads. Columns where no value matches are skipped altogether ("closed"
// only reads the status column). New rows only extend the tables for the values they brought
// (update()), so filtering a live capture stays incremental.
//
// The result is exactly FilterQuery::matches() (tst_filterindex compares them on random rows and
// queries); a free word is matched against the tags as the table shows them (joined by ", "),
// phrases across two tags included.
class FilterIndex
{
public:
    explicit FilterIndex(const EventRowStore &store);

    void setRule(const FilterQuery &query, quint8 hiddenKinds, bool retriesHidden);
    // Call after rows were appended: evaluates the terms on the values they interned.
    void update();

    // True when every row passes (no term, nothing hidden).
    bool acceptsEverything() const;
    bool accepts(int row) const;
    // Every passing row, in arrival order. Large stores are scanned on two threads.
    std::vector<quint32> matchAll() const;
    // The passing rows among candidates, in their order.
    std::vector<quint32> matchAmong(const std::vector<quint32> &candidates) const;

private:
    using Text = EventRowStore::Text;
    static constexpr int TextCount = EventRowStore::TextCount;

    struct CompiledTerm
    {
        FilterQuery::Term term;
        std::array<std::vector<quint8>, TextCount> tables; // per text column: value id -> matches
        std::array<bool, TextCount> reads {}; // the term reads this column at all
        std::vector<int> hitColumns; // columns read where some value matches
        bool readsTags = false;
        std::vector<quint8> tagTable; // tag id -> the tag contains the value
        bool anyTagHit = false;
        // A free word starting with a space can span ", " into the next tag: tag id -> the tag
        // starts with the rest of the word.
        bool tagStarts = false;
        std::vector<quint8> tagStartTable;
        bool anyTagStartHit = false;
        // A free word with a comma can span several tags: those rows are joined and searched.
        bool tagsJoined = false;
        quint8 kindHits = 0; // bit n: EventKind(n)'s name matches (free word) or is asked for (kind:)
    };

    void compile(CompiledTerm &compiled) const;
    void extend(CompiledTerm &compiled) const;
    bool termHit(const CompiledTerm &compiled, int row) const;
    bool tagsHit(const CompiledTerm &compiled, int row) const;
    // Sets pass[i] for the rows rowAt(0) .. rowAt(count - 1), term by term over the whole block:
    // simple loops of table lookups instead of a branchy walk per row.
    template <typename RowAt> void evaluateBlock(RowAt rowAt, size_t count, quint8 *pass) const;
    template <typename RowAt> void appendPassing(RowAt rowAt, size_t count, std::vector<quint32> &out) const;

    const EventRowStore &m_store;
    std::vector<CompiledTerm> m_terms;
    quint8 m_hiddenKinds = 0;
    bool m_retriesHidden = false;
};
