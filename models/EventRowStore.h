#pragma once

#include "ChunkedColumn.h"
#include "EventRow.h"
#include "RowStringPool.h"

#include <QHash>
#include <QSet>
#include <array>
#include <vector>

// Every row of the event table in arrival order, stored compactly: one array per column, the text
// columns as ids into a RowStringPool each, the tags as ids into a pool of single tags. An
// EventRow with its dozen QStrings costs about 1.6 KB once parsed; a row here costs about 130
// bytes plus its share of the distinct values. row() builds an EventRow back when a caller needs
// one (the selected row, an export); the table reads the columns directly.
class EventRowStore
{
public:
    enum class Text : quint8
    {
        RequestId,
        Title,
        Status,
        Urgency,
        Sentiment,
        Customer,
        Team,
        Assignee,
        Channel,
        Path,
        EventType,
    };
    static constexpr int TextCount = 11;

    EventRowStore();

    int size() const { return static_cast<int>(m_id.size()); }
    void append(const EventRow &row);
    // The same for many rows, column by column (RowStringPool's batch lookup).
    void append(const QList<EventRow> &rows);
    EventRow row(int index) const;
    void clear();
    // Keeps the rows whose id is not in ids, in their order. Returns how many were removed.
    int remove(const QSet<qint64> &ids);

    qint64 id(int i) const { return m_id[static_cast<size_t>(i)]; }
    qint64 receivedMs(int i) const { return m_receivedMs[static_cast<size_t>(i)]; }
    EventKind kind(int i) const { return static_cast<EventKind>(m_kind[static_cast<size_t>(i)]); }
    bool valid(int i) const { return (m_flags[static_cast<size_t>(i)] & ValidFlag) != 0; }
    bool escalated(int i) const { return (m_flags[static_cast<size_t>(i)] & EscalatedFlag) != 0; }
    qint32 attempt(int i) const { return m_attempt[static_cast<size_t>(i)]; }
    qint64 retryOf(int i) const;
    qint32 retryGapSeconds(int i) const { return m_retryGapSeconds[static_cast<size_t>(i)]; }
    qint32 replies(int i) const { return m_replies[static_cast<size_t>(i)]; }
    qint32 sizeBytes(int i) const { return m_sizeBytes[static_cast<size_t>(i)]; }
    qint64 toFirstResponseMs(int i) const { return m_toFirstResponseMs[static_cast<size_t>(i)]; }
    qint64 toAssignmentMs(int i) const { return m_toAssignmentMs[static_cast<size_t>(i)]; }
    qint64 toCloseMs(int i) const { return m_toCloseMs[static_cast<size_t>(i)]; }

    quint32 textId(Text field, int i) const { return m_text[index(field)][static_cast<size_t>(i)]; }
    const QString &text(Text field, int i) const { return pool(field).text(textId(field, i)); }
    const RowStringPool &pool(Text field) const { return m_pools[index(field)]; }

    // The tags of row i as ids into tagPool(), in their order.
    const quint32 *tagsBegin(int i) const { return m_tagIds.data() + m_tagStart[static_cast<size_t>(i)]; }
    const quint32 *tagsEnd(int i) const { return m_tagIds.data() + m_tagStart[static_cast<size_t>(i) + 1]; }
    int tagCount(int i) const
    {
        return static_cast<int>(m_tagStart[static_cast<size_t>(i) + 1] - m_tagStart[static_cast<size_t>(i)]);
    }
    const RowStringPool &tagPool() const { return m_tagPool; }
    QStringList tags(int i) const;
    // The tags joined by separator (", " in the table, "; " in CSV).
    QString tagsText(int i, QStringView separator) const;
    // The platform type ("ticket:created") for a platform event that has one, else the kind's name.
    QString kindText(int i) const;

    // The index of the row with this id, or -1.
    int indexOfId(qint64 id) const;

private:
    enum Flag : quint8
    {
        ValidFlag = 1,
        EscalatedFlag = 2,
    };
    static size_t index(Text field) { return static_cast<size_t>(field); }
    void rebuildIdIndex() const;

    void appendNumbers(const EventRow &row);
    void appendTexts(const EventRow &row, size_t firstField, size_t lastField);
    void appendTags(const EventRow &row);

    ChunkedColumn<qint64> m_id;
    ChunkedColumn<qint64> m_receivedMs;
    ChunkedColumn<qint64> m_toFirstResponseMs;
    ChunkedColumn<qint64> m_toAssignmentMs;
    ChunkedColumn<qint64> m_toCloseMs;
    ChunkedColumn<qint32> m_attempt;
    ChunkedColumn<qint32> m_retryGapSeconds;
    ChunkedColumn<qint32> m_replies;
    ChunkedColumn<qint32> m_sizeBytes;
    ChunkedColumn<quint8> m_kind;
    ChunkedColumn<quint8> m_flags;
    // Retries are a few percent of the rows: their first attempt's id is kept aside.
    QHash<int, qint64> m_retryOf;
    std::array<ChunkedColumn<quint32>, TextCount> m_text;
    std::array<RowStringPool, TextCount> m_pools;
    ChunkedColumn<quint32> m_tagStart; // size() + 1 offsets into m_tagIds
    std::vector<quint32> m_tagIds; // a row's tags must be contiguous: not chunked
    RowStringPool m_tagPool;

    // Ids normally arrive in increasing order: then a binary search finds one and no index is
    // kept. Otherwise (a team capture's receivers number from different blocks) a hash is built
    // on first use and kept up to date.
    bool m_idsAscending = true;
    mutable QHash<qint64, int> m_indexOfId;
    mutable bool m_indexOfIdValid = false;
};
