#include "ReferenceFilterProxy.h"

ReferenceFilterProxy::ReferenceFilterProxy(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setFilterCaseSensitivity(Qt::CaseInsensitive);
}

bool ReferenceFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    // With no pattern every row passes, excluding or not.
    if (filterRegularExpression().pattern().isEmpty())
        return true;
    return QSortFilterProxyModel::filterAcceptsRow(sourceRow, sourceParent) != m_excluding;
}
