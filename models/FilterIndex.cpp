#include "FilterIndex.h"

#include <algorithm>
#include <numeric>
#include <thread>

namespace {
using Field = FilterQuery::Field;

// Below this many rows a second thread costs more than it saves.
constexpr size_t kParallelThreshold = 65536;
// Rows evaluated together: the per-block buffers stay in the first-level cache.
constexpr size_t kBlockRows = 2048;

// The text column a field term reads, or -1 when it reads none.
int textColumnOf(Field field)
{
    using Text = EventRowStore::Text;
    switch (field) {
    case Field::Request:
        return static_cast<int>(Text::RequestId);
    case Field::Status:
        return static_cast<int>(Text::Status);
    case Field::Urgency:
        return static_cast<int>(Text::Urgency);
    case Field::Sentiment:
        return static_cast<int>(Text::Sentiment);
    case Field::Customer:
        return static_cast<int>(Text::Customer);
    case Field::Team:
        return static_cast<int>(Text::Team);
    case Field::Assignee:
        return static_cast<int>(Text::Assignee);
    case Field::Channel:
        return static_cast<int>(Text::Channel);
    case Field::Title:
        return static_cast<int>(Text::Title);
    case Field::Path:
        return static_cast<int>(Text::Path);
    case Field::Type:
        return static_cast<int>(Text::EventType);
    default:
        return -1;
    }
}

// Runs work(from, to, out) over [0, count) split in two halves, the second on another thread
// when count is large, and returns the outputs concatenated in order.
template <typename Work> std::vector<quint32> splitInTwo(size_t count, Work &&work)
{
    if (count < kParallelThreshold || std::thread::hardware_concurrency() < 2) {
        std::vector<quint32> out;
        work(size_t { 0 }, count, out);
        return out;
    }
    const size_t half = count / 2;
    std::vector<quint32> first;
    std::vector<quint32> second;
    std::thread helper([&] { work(half, count, second); });
    work(size_t { 0 }, half, first);
    helper.join();
    first.insert(first.end(), second.cbegin(), second.cend());
    return first;
}
} // namespace

FilterIndex::FilterIndex(const EventRowStore &store)
    : m_store(store)
{ }

void FilterIndex::setRule(const FilterQuery &query, quint8 hiddenKinds, bool retriesHidden)
{
    m_hiddenKinds = hiddenKinds;
    m_retriesHidden = retriesHidden;
    m_terms.clear();
    m_terms.reserve(query.terms().size());
    for (const FilterQuery::Term &term : query.terms()) {
        CompiledTerm compiled;
        compiled.term = term;
        compile(compiled);
        m_terms.push_back(std::move(compiled));
    }
}

void FilterIndex::compile(CompiledTerm &compiled) const
{
    const FilterQuery::Term &term = compiled.term;
    if (term.field == Field::Any) {
        compiled.reads.fill(true);
        compiled.readsTags = true;
        compiled.tagsJoined = term.value.contains(u',');
        compiled.tagStarts = !compiled.tagsJoined && term.value.startsWith(u' ');
        for (int k = 0; k < EventKindCount; ++k) {
            if (eventKindName(static_cast<EventKind>(k)).toCaseFolded().contains(term.value))
                compiled.kindHits |= static_cast<quint8>(1u << k);
        }
    } else if (term.field == Field::Kind) {
        compiled.kindHits = term.kindMask;
    } else if (term.field == Field::Tag) {
        compiled.readsTags = true;
    } else if (const int column = textColumnOf(term.field); column >= 0) {
        compiled.reads[static_cast<size_t>(column)] = true;
    }
    extend(compiled);
}

void FilterIndex::extend(CompiledTerm &compiled) const
{
    const QStringView value(compiled.term.value);
    for (int f = 0; f < TextCount; ++f) {
        if (!compiled.reads[static_cast<size_t>(f)])
            continue;
        const RowStringPool &pool = m_store.pool(static_cast<Text>(f));
        std::vector<quint8> &table = compiled.tables[static_cast<size_t>(f)];
        const int from = static_cast<int>(table.size());
        if (from == pool.size())
            continue;
        const bool hit = compiled.term.field == Field::Request ? pool.markEqual(value, table, from)
                                                               : pool.markContaining(value, table, from);
        if (hit && std::find(compiled.hitColumns.cbegin(), compiled.hitColumns.cend(), f) == compiled.hitColumns.cend())
            compiled.hitColumns.push_back(f);
    }
    if (compiled.readsTags) {
        const RowStringPool &tags = m_store.tagPool();
        const int from = static_cast<int>(compiled.tagTable.size());
        if (from < tags.size()) {
            compiled.anyTagHit = tags.markContaining(value, compiled.tagTable, from) || compiled.anyTagHit;
            if (compiled.tagStarts) {
                compiled.anyTagStartHit
                    = tags.markStartingWith(value.mid(1), compiled.tagStartTable, from) || compiled.anyTagStartHit;
            }
        }
    }
}

void FilterIndex::update()
{
    for (CompiledTerm &compiled : m_terms)
        extend(compiled);
}

bool FilterIndex::acceptsEverything() const
{
    return m_terms.empty() && m_hiddenKinds == 0 && !m_retriesHidden;
}

bool FilterIndex::tagsHit(const CompiledTerm &compiled, int row) const
{
    const quint32 *begin = m_store.tagsBegin(row);
    const quint32 *end = m_store.tagsEnd(row);
    if (begin == end)
        return false;
    if (compiled.tagsJoined && end - begin > 1) {
        // Rare (a comma in a free word): the row's tags as the table shows them.
        return m_store.tagsText(row, u", ").toCaseFolded().contains(compiled.term.value);
    }
    if (compiled.anyTagHit) {
        for (const quint32 *tag = begin; tag != end; ++tag) {
            if (compiled.tagTable[*tag])
                return true;
        }
    }
    if (compiled.tagStarts && compiled.anyTagStartHit) {
        // " vpn" in "billing, vpn": the space of the separator, then the start of a later tag.
        for (const quint32 *tag = begin + 1; tag < end; ++tag) {
            if (compiled.tagStartTable[*tag])
                return true;
        }
    }
    return false;
}

bool FilterIndex::termHit(const CompiledTerm &compiled, int row) const
{
    const FilterQuery::Term &term = compiled.term;
    switch (term.field) {
    case Field::Any:
        if ((compiled.kindHits >> static_cast<unsigned>(m_store.kind(row))) & 1u)
            return true;
        for (const int f : compiled.hitColumns) {
            if (compiled.tables[static_cast<size_t>(f)][m_store.textId(static_cast<Text>(f), row)])
                return true;
        }
        return tagsHit(compiled, row);
    case Field::Kind:
        return ((compiled.kindHits >> static_cast<unsigned>(m_store.kind(row))) & 1u) != 0;
    case Field::Tag:
        return tagsHit(compiled, row);
    case Field::Escalated:
        return m_store.escalated(row) == term.flag;
    case Field::FirstResponse:
        return term.durationMatches(m_store.toFirstResponseMs(row));
    case Field::Assignment:
        return term.durationMatches(m_store.toAssignmentMs(row));
    case Field::Close:
        return term.durationMatches(m_store.toCloseMs(row));
    default: {
        const int f = textColumnOf(term.field);
        return compiled.tables[static_cast<size_t>(f)][m_store.textId(static_cast<Text>(f), row)] != 0;
    }
    }
}

bool FilterIndex::accepts(int row) const
{
    if ((m_hiddenKinds >> static_cast<unsigned>(m_store.kind(row))) & 1u)
        return false;
    if (m_retriesHidden && m_store.attempt(row) > 1)
        return false;
    for (const CompiledTerm &compiled : m_terms) {
        if (termHit(compiled, row) == compiled.term.negate)
            return false;
    }
    return true;
}

template <typename RowAt> void FilterIndex::evaluateBlock(RowAt rowAt, size_t count, quint8 *pass) const
{
    for (size_t i = 0; i < count; ++i) {
        const int row = rowAt(i);
        const bool kindShown = ((m_hiddenKinds >> static_cast<unsigned>(m_store.kind(row))) & 1u) == 0;
        pass[i] = kindShown && !(m_retriesHidden && m_store.attempt(row) > 1) ? 1 : 0;
    }
    quint8 hit[kBlockRows];
    for (const CompiledTerm &compiled : m_terms) {
        const FilterQuery::Term &term = compiled.term;
        if (term.field == Field::Any) {
            for (size_t i = 0; i < count; ++i)
                hit[i] = static_cast<quint8>((compiled.kindHits >> static_cast<unsigned>(m_store.kind(rowAt(i)))) & 1u);
            for (const int f : compiled.hitColumns) {
                const auto &table = compiled.tables[static_cast<size_t>(f)];
                for (size_t i = 0; i < count; ++i)
                    hit[i] |= table[m_store.textId(static_cast<Text>(f), rowAt(i))];
            }
            if (compiled.anyTagHit || compiled.anyTagStartHit || compiled.tagsJoined) {
                for (size_t i = 0; i < count; ++i) {
                    if (!hit[i] && pass[i])
                        hit[i] = tagsHit(compiled, rowAt(i)) ? 1 : 0;
                }
            }
        } else if (const int f = textColumnOf(term.field); f >= 0) {
            const auto &table = compiled.tables[static_cast<size_t>(f)];
            for (size_t i = 0; i < count; ++i)
                hit[i] = table[m_store.textId(static_cast<Text>(f), rowAt(i))];
        } else {
            for (size_t i = 0; i < count; ++i)
                hit[i] = pass[i] && termHit(compiled, rowAt(i)) ? 1 : 0;
        }
        const quint8 want = term.negate ? 0 : 1;
        for (size_t i = 0; i < count; ++i)
            pass[i] &= static_cast<quint8>(hit[i] == want);
    }
}

template <typename RowAt> void FilterIndex::appendPassing(RowAt rowAt, size_t count, std::vector<quint32> &out) const
{
    quint8 pass[kBlockRows];
    for (size_t first = 0; first < count; first += kBlockRows) {
        const size_t n = std::min(kBlockRows, count - first);
        const auto at = [&rowAt, first](size_t i) { return rowAt(first + i); };
        evaluateBlock(at, n, pass);
        for (size_t i = 0; i < n; ++i) {
            if (pass[i])
                out.push_back(static_cast<quint32>(at(i)));
        }
    }
}

std::vector<quint32> FilterIndex::matchAll() const
{
    const auto count = static_cast<size_t>(m_store.size());
    if (acceptsEverything()) {
        std::vector<quint32> all(count);
        std::iota(all.begin(), all.end(), 0u);
        return all;
    }
    return splitInTwo(count, [this](size_t from, size_t to, std::vector<quint32> &out) {
        appendPassing([from](size_t i) { return static_cast<int>(from + i); }, to - from, out);
    });
}

std::vector<quint32> FilterIndex::matchAmong(const std::vector<quint32> &candidates) const
{
    if (acceptsEverything())
        return candidates;
    return splitInTwo(candidates.size(), [this, &candidates](size_t from, size_t to, std::vector<quint32> &out) {
        appendPassing([&candidates, from](size_t i) { return static_cast<int>(candidates[from + i]); }, to - from, out);
    });
}
