#pragma once

#include "EventKind.h"

#include <QColor>
#include <QStyledItemDelegate>
#include <optional>

// Paints the table's Kind and Urgency cells as small coloured badges, so escalations and
// high-urgency requests stand out in a long list. Other columns are painted as usual.
class EventBadgeDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventBadgeDelegate)

public:
    // EventTableModel::KindRole (int of EventKind) and ::UrgencyRole (lower-case urgency),
    // repeated as numbers so this delegate works with any model that follows the convention.
    static constexpr int KindRole = Qt::UserRole + 2;
    static constexpr int UrgencyRole = Qt::UserRole + 3;

    EventBadgeDelegate(int kindColumn, int urgencyColumn, QObject *parent = nullptr);
    ~EventBadgeDelegate() override;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

    // Fill colour of a kind's badge; for Invalid, which has no fill, its outline colour.
    static QColor kindColor(EventKind kind);
    // Fill colour of an urgency's badge ("high", "medium", "low"; any other text is grey).
    static QColor urgencyColor(const QString &urgency);

private:
    struct Badge
    {
        QString text;
        QColor color;
        QColor textColor;
        bool outlineOnly = false;
        bool bold = false;
    };

    std::optional<Badge> badgeFor(const QModelIndex &index) const;

    int m_kindColumn;
    int m_urgencyColumn;
};
