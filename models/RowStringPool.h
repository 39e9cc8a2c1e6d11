#pragma once

#include <QString>
#include <QStringView>
#include <vector>

// The distinct values of one text column (status, team, title, ...), each kept once; rows hold a
// 32-bit id instead of a QString. A million events carry a few thousand customers, tens of teams
// and tens of thousands of titles: interning them is most of the table's memory saving, and it
// lets a filter test each distinct value once instead of once per row (FilterIndex).
//
// Beside each value the pool keeps its case-folded text in one contiguous buffer, entries
// separated by FilterQuery::Separator (which no term contains), so a substring search over every
// value is one scan of one buffer. Id 0 is always the empty string. Ids are never reused; clear()
// starts over.
class RowStringPool
{
public:
    static constexpr quint32 EmptyId = 0;

    RowStringPool();

    quint32 intern(const QString &value);
    // intern() for many values at once, ids[i] for *values[i]: the lookups' cache misses (the new
    // text, the hash slot, the stored text) are started for every value before any is resolved,
    // so they overlap instead of following one another. A batch of new rows is mostly misses.
    void intern(const QString *const *values, size_t count, quint32 *ids);
    // The id of value, or -1 when it was never interned.
    qint64 find(QStringView value) const;
    int size() const { return static_cast<int>(m_strings.size()); }
    const QString &text(quint32 id) const { return m_strings[id]; }
    // Case-folded (QString::toCaseFolded()).
    QStringView folded(quint32 id) const;

    // Sets table[id] = 1 for each id in [from, size()) whose folded text contains the (folded,
    // non-empty) needle, 0 otherwise; the table grows to size(). Returns whether any was set.
    bool markContaining(QStringView foldedNeedle, std::vector<quint8> &table, int from) const;
    // The same for "folded text equals the needle" and "starts with the needle".
    bool markEqual(QStringView foldedNeedle, std::vector<quint8> &table, int from) const;
    bool markStartingWith(QStringView foldedNeedle, std::vector<quint8> &table, int from) const;

    void clear();

private:
    quint32 slotOf(QStringView value, quint32 hash) const;
    quint32 internHashed(const QString &value, quint32 hash);
    void grow();
    static quint64 slotValue(quint32 hash, quint32 id) { return (quint64(hash) << 32) | (id + 1); }

    std::vector<QString> m_strings;
    // Open addressing, linear probing: (hash << 32) | (id + 1), or 0 when free. The hash beside the
    // id lets a probe skip other values without reading their text, and growing never rehashes.
    std::vector<quint64> m_slots;
    std::vector<char16_t> m_folded; // every entry's folded text followed by the separator
    std::vector<quint32> m_foldedStart; // size() + 1 offsets into m_folded
};
