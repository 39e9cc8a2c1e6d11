#pragma once

#include <QSortFilterProxyModel>

// QSortFilterProxyModel used the usual way: a case-insensitive fixed string on one column or on
// all (filterKeyColumn -1), plus the one thing it cannot say by itself, "no column contains it",
// for an exclusion term.
class ReferenceFilterProxy final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReferenceFilterProxy)

public:
    explicit ReferenceFilterProxy(QObject *parent = nullptr);

    // Takes effect with the next filter change; set it before setFilterFixedString().
    void setExcluding(bool excluding) { m_excluding = excluding; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    bool m_excluding = false;
};
