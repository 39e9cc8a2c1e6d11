#include "PlainEventModel.h"

#include "EventTableModel.h"

#include <QDateTime>

PlainEventModel::PlainEventModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

void PlainEventModel::setRows(const QList<EventRow> &rows)
{
    beginResetModel();
    m_rows.clear();
    m_rows.reserve(static_cast<size_t>(rows.size()));
    for (const EventRow &row : rows) {
        Row r;
        r.row = row;
        r.received = QDateTime::fromMSecsSinceEpoch(row.receivedMs, Qt::LocalTime)
                         .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        r.kind = row.kind == EventKind::Platform && !row.eventType.isEmpty() ? row.eventType : eventKindName(row.kind);
        r.tags = row.tags.join(QStringLiteral(", "));
        r.replies = row.replies < 0 ? QString() : QString::number(row.replies);
        r.attempt = EventTableModel::formatAttempt(row);
        r.size = EventTableModel::formatSize(row.sizeBytes);
        r.firstResponse = EventTableModel::formatDuration(row.toFirstResponseMs);
        r.assignment = EventTableModel::formatDuration(row.toAssignmentMs);
        r.close = EventTableModel::formatDuration(row.toCloseMs);
        r.escalated = EventTableModel::formatEscalated(row.escalated);
        m_rows.push_back(std::move(r));
    }
    endResetModel();
}

int PlainEventModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid())
        return 0;
    return static_cast<int>(m_rows.size());
}

int PlainEventModel::columnCount(const QModelIndex &parent) const
{
    if (parent.isValid())
        return 0;
    return EventTableModel::ColumnCount;
}

QVariant PlainEventModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || role != Qt::DisplayRole)
        return {};
    const Row &r = m_rows[static_cast<size_t>(index.row())];
    switch (index.column()) {
    case EventTableModel::ReceivedColumn:
        return r.received;
    case EventTableModel::KindColumn:
        return r.kind;
    case EventTableModel::RequestIdColumn:
        return r.row.requestId;
    case EventTableModel::TitleColumn:
        return r.row.title;
    case EventTableModel::StatusColumn:
        return r.row.status;
    case EventTableModel::UrgencyColumn:
        return r.row.urgency;
    case EventTableModel::SentimentColumn:
        return r.row.sentiment;
    case EventTableModel::CustomerColumn:
        return r.row.customer;
    case EventTableModel::TeamColumn:
        return r.row.team;
    case EventTableModel::AssigneeColumn:
        return r.row.assignee;
    case EventTableModel::ChannelColumn:
        return r.row.channel;
    case EventTableModel::TagsColumn:
        return r.tags;
    case EventTableModel::RepliesColumn:
        return r.replies;
    case EventTableModel::AttemptColumn:
        return r.attempt;
    case EventTableModel::SizeColumn:
        return r.size;
    case EventTableModel::FirstResponseColumn:
        return r.firstResponse;
    case EventTableModel::AssignmentColumn:
        return r.assignment;
    case EventTableModel::CloseColumn:
        return r.close;
    case EventTableModel::EscalatedColumn:
        return r.escalated;
    default:
        return {};
    }
}
