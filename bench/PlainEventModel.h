#pragma once

#include "EventRow.h"

#include <QAbstractTableModel>
#include <QList>
#include <vector>

// The reference for the filter figure: the same rows and the same display strings as
// EventTableModel, in the plain table model one would put under a QSortFilterProxyModel. Every
// display string is computed once up front, so the proxy's time is the proxy's, not formatting.
class PlainEventModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PlainEventModel)

public:
    explicit PlainEventModel(QObject *parent = nullptr);

    void setRows(const QList<EventRow> &rows);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        EventRow row;
        QString received;
        QString kind;
        QString tags;
        QString replies;
        QString attempt;
        QString size;
        QString firstResponse;
        QString assignment;
        QString close;
        QString escalated;
    };

    std::vector<Row> m_rows;
};
