#include "SortKeys.h"

#include "EventTableModel.h"

#include <algorithm>
#include <array>
#include <limits>
#include <numeric>
#include <utility>

namespace {
using Text = EventRowStore::Text;

// Room between neighbouring labels for values interned later: 65535 new values fit between two
// old ones before the column is labelled again.
constexpr int kGapBits = 16;
constexpr quint64 kGap = quint64(1) << kGapBits;
// Labels stay far below 2^64 so a key range always has headroom.
constexpr quint64 kLabelLimit = quint64(1) << 62;
constexpr quint64 kMaxKey = std::numeric_limits<quint64>::max();

quint64 flipSign(qint64 value)
{
    return static_cast<quint64>(value) ^ (quint64(1) << 63);
}

int bitWidth(quint64 value)
{
    int bits = 0;
    while (value != 0) {
        ++bits;
        value >>= 1;
    }
    return bits;
}

int textColumnOf(int column)
{
    switch (column) {
    case EventTableModel::RequestIdColumn:
        return static_cast<int>(Text::RequestId);
    case EventTableModel::TitleColumn:
        return static_cast<int>(Text::Title);
    case EventTableModel::StatusColumn:
        return static_cast<int>(Text::Status);
    case EventTableModel::UrgencyColumn:
        return static_cast<int>(Text::Urgency);
    case EventTableModel::SentimentColumn:
        return static_cast<int>(Text::Sentiment);
    case EventTableModel::CustomerColumn:
        return static_cast<int>(Text::Customer);
    case EventTableModel::TeamColumn:
        return static_cast<int>(Text::Team);
    case EventTableModel::AssigneeColumn:
        return static_cast<int>(Text::Assignee);
    case EventTableModel::ChannelColumn:
        return static_cast<int>(Text::Channel);
    default:
        return -1;
    }
}

const std::array<QString, EventKindCount> &foldedKindNames()
{
    static const std::array<QString, EventKindCount> names = [] {
        std::array<QString, EventKindCount> result;
        for (int k = 0; k < EventKindCount; ++k)
            result[static_cast<size_t>(k)] = eventKindName(static_cast<EventKind>(k)).toCaseFolded();
        return result;
    }();
    return names;
}

int sign(int value)
{
    return value < 0 ? -1 : (value > 0 ? 1 : 0);
}

// The order QString::compare(a, b, Qt::CaseInsensitive) gives, on already folded text.
int compareFolded(QStringView a, QStringView b)
{
    return sign(a.compare(b));
}

// A tag token: the folded tag followed by ", " (more tags follow) or by the end of the text,
// which sorts before any character.
int compareTokens(QStringView a, bool aLast, QStringView b, bool bLast)
{
    static constexpr char16_t separator[] = { u',', u' ' };
    // -1 is the end of the text (a last token), -2 is past the token: both sort before any character.
    const auto at = [](QStringView text, bool last, qsizetype i) -> int {
        if (i < text.size())
            return text.at(i).unicode();
        const qsizetype k = i - text.size();
        if (last)
            return k == 0 ? -1 : -2;
        return k < 2 ? separator[k] : -2;
    };
    const qsizetype length = std::max(a.size() + (aLast ? 1 : 2), b.size() + (bLast ? 1 : 2));
    for (qsizetype i = 0; i < length; ++i) {
        const int ca = at(a, aLast, i);
        const int cb = at(b, bLast, i);
        if (ca != cb)
            return ca < cb ? -1 : 1;
    }
    return 0;
}

// Stable LSD radix sort of items on bits [0, bits) of keyOf(item), in as few passes of at most
// 11 bits as cover them (a pass per byte would need half as many buckets but more passes).
template <typename Item, typename KeyOf>
void radixSort(std::vector<Item> &items, std::vector<Item> &buffer, int bits, KeyOf keyOf)
{
    if (bits <= 0)
        return;
    const int passes = (bits + 10) / 11;
    const int digitBits = (bits + passes - 1) / passes;
    const size_t buckets = size_t(1) << digitBits;
    const quint64 mask = buckets - 1;
    buffer.resize(items.size());
    std::vector<size_t> offset(buckets);
    for (int pass = 0; pass < passes; ++pass) {
        const int shift = pass * digitBits;
        std::fill(offset.begin(), offset.end(), 0);
        for (const Item &item : items)
            ++offset[(keyOf(item) >> shift) & mask];
        size_t total = 0;
        for (size_t &o : offset)
            total += std::exchange(o, total);
        for (const Item &item : items)
            buffer[offset[(keyOf(item) >> shift) & mask]++] = item;
        items.swap(buffer);
    }
}
} // namespace

SortKeys::SortKeys(const EventRowStore &store)
    : m_store(store)
{ }

SortKeys::~SortKeys() = default;

void SortKeys::setColumn(int column, Qt::SortOrder order)
{
    m_column = column;
    m_order = order;
    m_ordering = Ordering();
    m_requestNumber.clear();
    m_requestIsNumber.clear();
    // Tags are few and their labels are packed several to a key, which needs them dense.
    m_ordering.gaps = column != EventTableModel::TagsColumn;
    labelAll();
}

int SortKeys::entryCount() const
{
    if (m_column == EventTableModel::KindColumn)
        return EventKindCount + m_store.pool(Text::EventType).size();
    if (m_column == EventTableModel::TagsColumn)
        return 2 * m_store.tagPool().size();
    if (const int text = textColumnOf(m_column); text >= 0)
        return m_store.pool(static_cast<Text>(text)).size();
    return 0;
}

int SortKeys::compareEntries(quint32 a, quint32 b) const
{
    if (m_column == EventTableModel::KindColumn) {
        const auto textOf = [this](quint32 entry) -> QStringView {
            if (entry < static_cast<quint32>(EventKindCount))
                return foldedKindNames()[entry];
            return m_store.pool(Text::EventType).folded(entry - EventKindCount);
        };
        return compareFolded(textOf(a), textOf(b));
    }
    if (m_column == EventTableModel::TagsColumn) {
        const RowStringPool &tags = m_store.tagPool();
        return compareTokens(tags.folded(a / 2), (a & 1u) != 0, tags.folded(b / 2), (b & 1u) != 0);
    }
    if (m_column == EventTableModel::RequestIdColumn) {
        // Numeric ids sort as numbers ("42" before "1234") and before non-numeric ones.
        const bool na = m_requestIsNumber[a] != 0;
        const bool nb = m_requestIsNumber[b] != 0;
        if (na && nb) {
            const qint64 x = m_requestNumber[a];
            const qint64 y = m_requestNumber[b];
            return x < y ? -1 : (y < x ? 1 : 0);
        }
        if (na != nb)
            return na ? -1 : 1;
    }
    const RowStringPool &pool = m_store.pool(static_cast<Text>(textColumnOf(m_column)));
    return compareFolded(pool.folded(a), pool.folded(b));
}

void SortKeys::labelAll()
{
    const int count = entryCount();
    if (m_column == EventTableModel::RequestIdColumn) {
        const RowStringPool &pool = m_store.pool(Text::RequestId);
        m_requestNumber.resize(static_cast<size_t>(count));
        m_requestIsNumber.resize(static_cast<size_t>(count));
        for (int id = 0; id < count; ++id) {
            bool ok = false;
            m_requestNumber[static_cast<size_t>(id)] = pool.text(static_cast<quint32>(id)).toLongLong(&ok);
            m_requestIsNumber[static_cast<size_t>(id)] = ok ? 1 : 0;
        }
    }
    Ordering &o = m_ordering;
    o.sorted.resize(static_cast<size_t>(count));
    std::iota(o.sorted.begin(), o.sorted.end(), 0u);
    std::sort(o.sorted.begin(), o.sorted.end(), [this](quint32 a, quint32 b) { return compareEntries(a, b) < 0; });
    o.label.assign(static_cast<size_t>(count), 0);
    quint64 rank = 0;
    for (size_t i = 0; i < o.sorted.size(); ++i) {
        if (i == 0 || compareEntries(o.sorted[i - 1], o.sorted[i]) != 0)
            ++rank;
        o.label[o.sorted[i]] = o.gaps ? rank << kGapBits : rank;
    }
    o.covered = count;
    m_checkedRows = m_store.size();

    if (m_column == EventTableModel::TagsColumn) {
        m_tagBits = std::max(1, bitWidth(rank));
        m_tagsPerKey = 64 / m_tagBits;
        m_tagsPrefixFree = true;
        const RowStringPool &tags = m_store.tagPool();
        for (int id = 0; id < tags.size(); ++id) {
            if (tags.folded(static_cast<quint32>(id)).contains(QLatin1String(", ")))
                m_tagsPrefixFree = false;
        }
    }
    m_keysExact = true;
    if (m_column == EventTableModel::TagsColumn) {
        int most = 0;
        for (int row = 0; row < m_store.size(); ++row)
            most = std::max(most, m_store.tagCount(row));
        m_keysExact = m_tagsPrefixFree && std::max(1, most) <= m_tagsPerKey;
    }
}

bool SortKeys::labelNew()
{
    Ordering &o = m_ordering;
    const int count = entryCount();
    if (count == o.covered)
        return false;
    if (!o.gaps) {
        labelAll();
        return true;
    }
    if (m_column == EventTableModel::RequestIdColumn) {
        const RowStringPool &pool = m_store.pool(Text::RequestId);
        m_requestNumber.resize(static_cast<size_t>(count));
        m_requestIsNumber.resize(static_cast<size_t>(count));
        for (int id = o.covered; id < count; ++id) {
            bool ok = false;
            m_requestNumber[static_cast<size_t>(id)] = pool.text(static_cast<quint32>(id)).toLongLong(&ok);
            m_requestIsNumber[static_cast<size_t>(id)] = ok ? 1 : 0;
        }
    }
    std::vector<quint32> fresh(static_cast<size_t>(count - o.covered));
    std::iota(fresh.begin(), fresh.end(), static_cast<quint32>(o.covered));
    const auto less = [this](quint32 a, quint32 b) { return compareEntries(a, b) < 0; };
    std::sort(fresh.begin(), fresh.end(), less);
    o.label.resize(static_cast<size_t>(count), 0);

    // Group the new values by the old value they go before; each group shares one gap.
    const size_t oldCount = o.sorted.size();
    std::vector<size_t> position(fresh.size());
    {
        auto from = o.sorted.cbegin();
        for (size_t i = 0; i < fresh.size(); ++i) {
            from = std::lower_bound(from, o.sorted.cend(), fresh[i], less);
            position[i] = static_cast<size_t>(from - o.sorted.cbegin());
        }
    }
    for (size_t i = 0; i < fresh.size();) {
        size_t end = i;
        while (end < fresh.size() && position[end] == position[i])
            ++end;
        const size_t p = position[i];
        const quint64 low = p > 0 ? o.label[o.sorted[p - 1]] : 0;
        const bool open = p == oldCount;
        const quint64 high = open ? 0 : o.label[o.sorted[p]];
        // Distinct new values in the group; one equal to the old value after the gap takes its label.
        size_t distinct = 0;
        for (size_t j = i; j < end; ++j) {
            const bool sameAsPrevious = j > i && compareEntries(fresh[j - 1], fresh[j]) == 0;
            const bool sameAsNext = !open && compareEntries(fresh[j], o.sorted[p]) == 0;
            if (!sameAsPrevious && !sameAsNext)
                ++distinct;
        }
        const quint64 step = open ? kGap : (high - low) / (distinct + 1);
        if (step == 0 || (open && low + (distinct + 1) * kGap >= kLabelLimit)) {
            labelAll();
            return true;
        }
        quint64 next = low;
        for (size_t j = i; j < end; ++j) {
            if (!open && compareEntries(fresh[j], o.sorted[p]) == 0)
                o.label[fresh[j]] = high;
            else if (j > i && compareEntries(fresh[j - 1], fresh[j]) == 0)
                o.label[fresh[j]] = o.label[fresh[j - 1]];
            else
                o.label[fresh[j]] = (next += step);
        }
        i = end;
    }
    std::vector<quint32> merged;
    merged.reserve(static_cast<size_t>(count));
    std::merge(o.sorted.cbegin(), o.sorted.cend(), fresh.cbegin(), fresh.cend(), std::back_inserter(merged), less);
    o.sorted = std::move(merged);
    o.covered = count;
    return false;
}

bool SortKeys::update()
{
    if (m_column < 0)
        return false;
    const bool relabelled = labelNew();
    if (m_column == EventTableModel::TagsColumn && m_keysExact) {
        // New rows may carry more tags than a key holds.
        for (int row = m_checkedRows; row < m_store.size(); ++row) {
            if (m_store.tagCount(row) > m_tagsPerKey) {
                m_keysExact = false;
                break;
            }
        }
    }
    m_checkedRows = m_store.size();
    return relabelled;
}

quint64 SortKeys::tagsKey(int row) const
{
    if (!m_tagsPrefixFree)
        return 0;
    const quint32 *begin = m_store.tagsBegin(row);
    const quint32 *end = m_store.tagsEnd(row);
    const auto count = static_cast<int>(end - begin);
    if (count == 0) {
        // No tags shows "", the same as one empty tag: the empty value's last-token label.
        return m_ordering.label[2 * RowStringPool::EmptyId + 1] << (64 - m_tagBits);
    }
    quint64 key = 0;
    const int take = std::min(count, m_tagsPerKey);
    for (int i = 0; i < take; ++i) {
        const quint32 entry = 2 * begin[i] + (i == count - 1 ? 1u : 0u);
        key |= m_ordering.label[entry] << (64 - m_tagBits * (i + 1));
    }
    return key;
}

int SortKeys::compareTags(int a, int b) const
{
    if (!m_tagsPrefixFree) {
        // A tag containing ", " makes the tokens ambiguous: compare the text the table shows.
        const QString x = m_store.tagsText(a, u", ").toCaseFolded();
        const QString y = m_store.tagsText(b, u", ").toCaseFolded();
        return compareFolded(x, y);
    }
    const quint32 *ia = m_store.tagsBegin(a);
    const quint32 *ib = m_store.tagsBegin(b);
    const int ca = m_store.tagCount(a);
    const int cb = m_store.tagCount(b);
    const auto token = [this](const quint32 *tags, int count, int i) -> quint64 {
        if (count == 0)
            return m_ordering.label[2 * RowStringPool::EmptyId + 1];
        return m_ordering.label[2 * tags[i] + (i == count - 1 ? 1u : 0u)];
    };
    const int n = std::max(std::max(ca, cb), 1);
    for (int i = 0; i < n; ++i) {
        // Token sequences never run out unequal: a last token differs from any other token.
        if (i >= std::max(ca, 1) || i >= std::max(cb, 1))
            break;
        const quint64 x = token(ia, ca, i);
        const quint64 y = token(ib, cb, i);
        if (x != y)
            return x < y ? -1 : 1;
    }
    return 0;
}

int SortKeys::compareBeyondKey(int a, int b) const
{
    if (m_column != EventTableModel::TagsColumn || m_keysExact)
        return 0;
    const int c = compareTags(a, b);
    return m_order == Qt::DescendingOrder ? -c : c;
}

quint64 SortKeys::key(int row) const
{
    quint64 key = 0;
    const auto duration = [this](qint64 ms) {
        // Unknown last in both orders, as spreadsheets put blanks.
        if (ms < 0)
            return kMaxKey;
        return m_order == Qt::DescendingOrder ? kMaxKey - 1 - static_cast<quint64>(ms) : static_cast<quint64>(ms);
    };
    switch (m_column) {
    case EventTableModel::ReceivedColumn:
        key = flipSign(m_store.receivedMs(row));
        break;
    case EventTableModel::KindColumn: {
        const quint32 type = m_store.textId(Text::EventType, row);
        const EventKind kind = m_store.kind(row);
        key = kind == EventKind::Platform && type != RowStringPool::EmptyId
            ? m_ordering.label[EventKindCount + type]
            : m_ordering.label[static_cast<size_t>(kind)];
        break;
    }
    case EventTableModel::TagsColumn:
        key = tagsKey(row);
        break;
    case EventTableModel::RepliesColumn:
        key = flipSign(m_store.replies(row));
        break;
    case EventTableModel::AttemptColumn:
        key = flipSign(m_store.attempt(row));
        break;
    case EventTableModel::SizeColumn:
        key = flipSign(m_store.sizeBytes(row));
        break;
    case EventTableModel::FirstResponseColumn:
        return duration(m_store.toFirstResponseMs(row));
    case EventTableModel::AssignmentColumn:
        return duration(m_store.toAssignmentMs(row));
    case EventTableModel::CloseColumn:
        return duration(m_store.toCloseMs(row));
    case EventTableModel::EscalatedColumn:
        key = m_store.escalated(row) ? 1 : 0;
        break;
    default: {
        const int text = textColumnOf(m_column);
        if (text < 0)
            return 0;
        key = m_ordering.label[m_store.textId(static_cast<Text>(text), row)];
        break;
    }
    }
    return m_order == Qt::DescendingOrder ? ~key : key;
}

void SortKeys::sortRows(std::vector<quint32> &rows, const std::vector<quint64> &keys,
    const std::function<int(quint32, quint32)> &tieBreak) const
{
    const auto less = [&keys, &tieBreak](quint32 a, quint32 b) {
        if (keys[a] != keys[b])
            return keys[a] < keys[b];
        if (tieBreak) {
            const int c = tieBreak(a, b);
            if (c != 0)
                return c < 0;
        }
        return a < b;
    };
    if (rows.size() < 2)
        return;
    if (rows.size() <= 1024) {
        std::sort(rows.begin(), rows.end(), less);
        return;
    }
    // Rows in arrival order first (a bit per row, read back in order): the radix sort is stable,
    // so it then only has to sort by key for ties to stay in arrival order.
    if (!std::is_sorted(rows.cbegin(), rows.cend())) {
        const quint32 maxRow = *std::max_element(rows.cbegin(), rows.cend());
        std::vector<quint64> present(maxRow / 64 + 1, 0);
        for (const quint32 row : rows)
            present[row / 64] |= quint64(1) << (row % 64);
        size_t out = 0;
        for (size_t word = 0; word < present.size(); ++word) {
            for (quint64 bits = present[word]; bits != 0; bits &= bits - 1)
                rows[out++] = static_cast<quint32>(word * 64 + static_cast<size_t>(__builtin_ctzll(bits)));
        }
    }
    // Only the bits in which keys differ: the offset from the smallest, without the low bits no
    // key sets (labels are spaced out by a power of two). The largest possible key ("unknown",
    // last in both orders) becomes one more than the largest other key, so it does not widen
    // the range to 64 bits.
    quint64 low = kMaxKey;
    quint64 high = 0;
    bool anyMax = false;
    quint64 first = kMaxKey;
    quint64 set = 0;
    for (const quint32 row : rows) {
        const quint64 key = keys[row];
        if (key == kMaxKey) {
            anyMax = true;
            continue;
        }
        if (first == kMaxKey)
            first = key;
        low = std::min(low, key);
        high = std::max(high, key);
        // Keys agree on their low t bits with the smallest iff they agree with any one of them.
        set |= key - first;
    }
    if (low > high)
        low = high = 0; // every key is the largest: one bucket
    const int shift = set == 0 ? 0 : __builtin_ctzll(set);
    const quint64 maxNormal = (high - low) >> shift;
    const auto normal = [&](quint64 key) { return key == kMaxKey ? maxNormal + 1 : (key - low) >> shift; };
    const int bits = bitWidth(anyMax ? maxNormal + 1 : maxNormal);
    const int rowBits = bitWidth(rows.back()); // rows are ascending
    if (bits + rowBits <= 64) {
        // (key, row) in one integer: half the memory traffic of a pair; the passes only cover
        // the key's bits, the row's order is there already.
        std::vector<quint64> &packed = m_scratch;
        packed.resize(rows.size());
        for (size_t i = 0; i < rows.size(); ++i)
            packed[i] = (normal(keys[rows[i]]) << rowBits) | rows[i];
        radixSort(packed, m_scratchBuffer, bits, [rowBits](quint64 item) { return item >> rowBits; });
        const quint64 mask = (quint64(1) << rowBits) - 1;
        for (size_t i = 0; i < rows.size(); ++i)
            rows[i] = static_cast<quint32>(packed[i] & mask);
    } else {
        struct Item
        {
            quint64 key;
            quint32 row;
        };
        std::vector<Item> items(rows.size());
        std::vector<Item> buffer;
        for (size_t i = 0; i < rows.size(); ++i)
            items[i] = { normal(keys[rows[i]]), rows[i] };
        radixSort(items, buffer, bits, [](const Item &item) { return item.key; });
        for (size_t i = 0; i < rows.size(); ++i)
            rows[i] = items[i].row;
    }
    if (!tieBreak)
        return;
    // Runs of equal keys that the key could not tell apart.
    for (size_t i = 0; i < rows.size();) {
        size_t end = i + 1;
        while (end < rows.size() && keys[rows[end]] == keys[rows[i]])
            ++end;
        if (end - i > 1)
            std::sort(rows.begin() + static_cast<qsizetype>(i), rows.begin() + static_cast<qsizetype>(end), less);
        i = end;
    }
}
