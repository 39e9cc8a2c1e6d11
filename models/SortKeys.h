#pragma once

#include "EventRowStore.h"

#include <Qt>
#include <functional>
#include <vector>

// A 64-bit key per row for one table column and order, so sorting a million rows compares
// integers instead of strings: rows in ascending key order, ties by arrival, are the order the
// table shows. Numbers are their own key; a text column's key is its value's label in the
// case-insensitive order of the column's distinct values (RowStringPool), computed once per
// value, not per row. Labels leave gaps so values interned later (a live capture) are labelled
// between their neighbours without touching the others: new rows can be placed into an already
// sorted table. The tags column's key packs the labels of its first tags; rows whose keys tie
// but whose tags may still differ are told apart by compareBeyondKey().
class SortKeys
{
public:
    explicit SortKeys(const EventRowStore &store);
    ~SortKeys();

    // column is an EventTableModel::Column. Labels the values the column reads.
    void setColumn(int column, Qt::SortOrder order);
    int column() const { return m_column; }
    Qt::SortOrder order() const { return m_order; }
    // Labels values interned since setColumn()/update(). Returns true when earlier labels had to
    // change (a gap ran out): the keys of every row must then be computed again; their order
    // does not change.
    bool update();

    quint64 key(int row) const;
    // True when equal keys mean equal values (then ties go by arrival alone).
    bool keysAreExact() const { return m_keysExact; }
    // For rows with equal keys when !keysAreExact(): <0, 0, >0 in the column's order.
    int compareBeyondKey(int a, int b) const;

    // Sorts rows (indices into the store) by (keys[row], row), radix on the keys; keys is indexed
    // by row. tieBreak, when set, orders rows with equal keys before the index does. Keeps its
    // scratch memory (16 bytes a row) for the next sort: fresh pages cost more than the sort.
    void sortRows(std::vector<quint32> &rows, const std::vector<quint64> &keys,
        const std::function<int(quint32, quint32)> &tieBreak = {}) const;

private:
    // The labelled distinct values one column compares ("entries": pool ids, or for the kind and
    // tags columns a few derived entries per value).
    struct Ordering
    {
        std::vector<quint32> sorted; // entries in ascending order
        std::vector<quint64> label; // per entry; equal values share one
        int covered = 0; // entries [0, covered) are labelled
        bool gaps = true; // false: dense labels (1, 2, ...), relabelled whenever entries are added
    };

    int entryCount() const;
    int compareEntries(quint32 a, quint32 b) const;
    void labelAll();
    bool labelNew();
    quint64 tagsKey(int row) const;
    int compareTags(int a, int b) const;

    const EventRowStore &m_store;
    int m_column = -1;
    Qt::SortOrder m_order = Qt::AscendingOrder;
    Ordering m_ordering;
    bool m_keysExact = true;
    // Tags: the tokens ("tag, " and "tag" at the end) are prefix-free unless a tag itself
    // contains ", "; then the key cannot decide and compareBeyondKey() joins the tags.
    bool m_tagsPrefixFree = true;
    int m_tagBits = 0;
    int m_tagsPerKey = 0;
    int m_checkedRows = 0; // rows whose tag count was checked against m_tagsPerKey
    // Request ids: numeric ones sort as numbers, before the others.
    std::vector<qint64> m_requestNumber;
    std::vector<quint8> m_requestIsNumber;
    mutable std::vector<quint64> m_scratch;
    mutable std::vector<quint64> m_scratchBuffer;
};
