#include "RowStringPool.h"

#include "FilterQuery.h"

#include <QHash>

namespace {
constexpr size_t kInitialSlots = 64;

quint32 hashOf(QStringView value)
{
    return static_cast<quint32>(qHash(value));
}
} // namespace

RowStringPool::RowStringPool()
{
    clear();
}

void RowStringPool::clear()
{
    m_strings.clear();
    m_slots.assign(kInitialSlots, 0);
    m_folded.clear();
    m_foldedStart.clear();
    m_foldedStart.push_back(0);
    // Id 0 is the empty string, interned up front so "no value" needs no lookup.
    m_strings.emplace_back();
    const quint32 hash = hashOf(QStringView());
    m_slots[hash & (m_slots.size() - 1)] = slotValue(hash, EmptyId);
    m_folded.push_back(FilterQuery::Separator);
    m_foldedStart.push_back(static_cast<quint32>(m_folded.size()));
}

quint32 RowStringPool::slotOf(QStringView value, quint32 hash) const
{
    const size_t mask = m_slots.size() - 1;
    size_t slot = hash & mask;
    while (true) {
        const quint64 entry = m_slots[slot];
        if (entry == 0)
            return static_cast<quint32>(slot);
        if (static_cast<quint32>(entry >> 32) == hash && m_strings[static_cast<quint32>(entry) - 1] == value)
            return static_cast<quint32>(slot);
        slot = (slot + 1) & mask;
    }
}

qint64 RowStringPool::find(QStringView value) const
{
    const quint64 entry = m_slots[slotOf(value, hashOf(value))];
    return entry == 0 ? -1 : static_cast<qint64>(static_cast<quint32>(entry) - 1);
}

quint32 RowStringPool::intern(const QString &value)
{
    if (value.isEmpty())
        return EmptyId;
    return internHashed(value, hashOf(value));
}

quint32 RowStringPool::internHashed(const QString &value, quint32 hash)
{
    const quint32 slot = slotOf(value, hash);
    if (m_slots[slot] != 0)
        return static_cast<quint32>(m_slots[slot]) - 1;

    const auto id = static_cast<quint32>(m_strings.size());
    // A copy of the caller's string would share its buffer, which may be a slice of a larger
    // allocation (a parsed body) or carry spare capacity: keep an exact-size copy of our own.
    m_strings.emplace_back(value.constData(), value.size());
    m_slots[slot] = slotValue(hash, id);
    const QString folded = value.toCaseFolded();
    m_folded.insert(m_folded.end(), folded.utf16(), folded.utf16() + folded.size());
    m_folded.push_back(FilterQuery::Separator);
    m_foldedStart.push_back(static_cast<quint32>(m_folded.size()));
    // Load factor at most 1/2 keeps probe sequences short.
    if (m_strings.size() * 2 > m_slots.size())
        grow();
    return id;
}

void RowStringPool::intern(const QString *const *values, size_t count, quint32 *ids)
{
    std::vector<quint32> hashes(count);
    for (size_t i = 0; i < count; ++i)
        hashes[i] = values[i]->isEmpty() ? 0 : hashOf(*values[i]);
    // Each pass only starts loads the next pass needs; the last one does the real lookups, by
    // then mostly from cache. (Inserts in between may move things: the hints are just hints.)
    const size_t mask = m_slots.size() - 1;
    for (size_t i = 0; i < count; ++i)
        __builtin_prefetch(&m_slots[hashes[i] & mask]);
    for (size_t i = 0; i < count; ++i) {
        const quint64 entry = m_slots[hashes[i] & mask];
        if (entry != 0 && static_cast<quint32>(entry >> 32) == hashes[i])
            __builtin_prefetch(&m_strings[static_cast<quint32>(entry) - 1]);
    }
    for (size_t i = 0; i < count; ++i) {
        const quint64 entry = m_slots[hashes[i] & mask];
        if (entry != 0 && static_cast<quint32>(entry >> 32) == hashes[i])
            __builtin_prefetch(m_strings[static_cast<quint32>(entry) - 1].constData());
    }
    for (size_t i = 0; i < count; ++i)
        ids[i] = values[i]->isEmpty() ? EmptyId : internHashed(*values[i], hashes[i]);
}

void RowStringPool::grow()
{
    std::vector<quint64> old(m_slots.size() * 2, 0);
    old.swap(m_slots);
    const size_t mask = m_slots.size() - 1;
    for (const quint64 entry : old) {
        if (entry == 0)
            continue;
        size_t slot = static_cast<quint32>(entry >> 32) & mask;
        while (m_slots[slot] != 0)
            slot = (slot + 1) & mask;
        m_slots[slot] = entry;
    }
}

QStringView RowStringPool::folded(quint32 id) const
{
    const quint32 start = m_foldedStart[id];
    // Without the separator that ends every entry.
    return QStringView(m_folded.data() + start, m_foldedStart[id + 1] - start - 1);
}

bool RowStringPool::markContaining(QStringView foldedNeedle, std::vector<quint8> &table, int from) const
{
    table.resize(m_strings.size(), 0);
    if (from >= size())
        return false;
    std::fill(table.begin() + from, table.end(), 0);
    const QStringView haystack(m_folded.data(), static_cast<qsizetype>(m_folded.size()));
    qsizetype position = m_foldedStart[static_cast<size_t>(from)];
    size_t entry = static_cast<size_t>(from);
    bool any = false;
    // One scan of the whole buffer: a hit names its entry, and the scan resumes after it.
    while (true) {
        const qsizetype hit = haystack.indexOf(foldedNeedle, position);
        if (hit < 0)
            break;
        while (m_foldedStart[entry + 1] <= static_cast<quint32>(hit))
            ++entry;
        table[entry] = 1;
        any = true;
        position = m_foldedStart[entry + 1];
    }
    return any;
}

bool RowStringPool::markEqual(QStringView foldedNeedle, std::vector<quint8> &table, int from) const
{
    table.resize(m_strings.size(), 0);
    bool any = false;
    for (size_t id = static_cast<size_t>(from); id < m_strings.size(); ++id) {
        const bool hit = folded(static_cast<quint32>(id)) == foldedNeedle;
        table[id] = hit ? 1 : 0;
        any = any || hit;
    }
    return any;
}

bool RowStringPool::markStartingWith(QStringView foldedNeedle, std::vector<quint8> &table, int from) const
{
    table.resize(m_strings.size(), 0);
    bool any = false;
    for (size_t id = static_cast<size_t>(from); id < m_strings.size(); ++id) {
        const bool hit = folded(static_cast<quint32>(id)).startsWith(foldedNeedle);
        table[id] = hit ? 1 : 0;
        any = any || hit;
    }
    return any;
}
