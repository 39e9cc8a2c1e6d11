#include "EventBadgeDelegate.h"

#include <QApplication>
#include <QFontMetrics>
#include <QPainter>
#include <algorithm>

namespace {
constexpr int kHorizontalMargin = 4; // between the cell edge and the badge
constexpr int kVerticalMargin = 2;
constexpr int kHorizontalPadding = 6; // between the badge edge and its text
constexpr int kVerticalPadding = 1;

QFont badgeFont(const QFont &base, bool bold)
{
    QFont font = base;
    font.setBold(bold);
    return font;
}

// Dark text on light fills, white on dark ones.
QColor textColorOn(const QColor &fill)
{
    return qGray(fill.rgb()) > 150 ? QColor(0x21, 0x21, 0x21) : QColor(Qt::white);
}
} // namespace

EventBadgeDelegate::EventBadgeDelegate(int kindColumn, int urgencyColumn, QObject *parent)
    : QStyledItemDelegate(parent)
    , m_kindColumn(kindColumn)
    , m_urgencyColumn(urgencyColumn)
{ }

EventBadgeDelegate::~EventBadgeDelegate() = default;

void EventBadgeDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const std::optional<Badge> badge = badgeFor(index);
    if (!badge) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }

    // The style draws background, selection and focus; the badge takes the text's place.
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    opt.text.clear();
    // Without text the style would highlight an empty text rectangle, i.e. nothing: a
    // selected row would lose its highlight in this cell.
    opt.showDecorationSelected = true;
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);

    const QFont font = badgeFont(opt.font, badge->bold);
    const QFontMetrics metrics(font);
    const QRect area = option.rect.adjusted(kHorizontalMargin, kVerticalMargin, -kHorizontalMargin, -kVerticalMargin);
    if (area.width() <= 0 || area.height() <= 0)
        return;
    const int height = std::min(area.height(), metrics.height() + 2 * kVerticalPadding);
    const int width = std::min(area.width(), metrics.horizontalAdvance(badge->text) + 2 * kHorizontalPadding);
    const QRect rect(area.left(), area.top() + (area.height() - height) / 2, width, height);
    const qreal radius = height / 2.0;

    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    // On a selected row the highlight could swallow a badge of a similar colour (Updated on a
    // blue selection): a ring in the highlighted-text colour keeps every badge distinct.
    const bool selected = option.state.testFlag(QStyle::State_Selected);
    const QColor ring = option.palette.color(QPalette::HighlightedText);
    QColor textColor = badge->textColor;
    if (badge->outlineOnly) {
        const QColor line = selected ? ring : badge->color;
        painter->setPen(QPen(line, 1));
        painter->setBrush(Qt::NoBrush);
        painter->drawRoundedRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5), radius, radius);
        textColor = line;
    } else {
        painter->setPen(selected ? QPen(ring, 1) : QPen(Qt::NoPen));
        painter->setBrush(badge->color);
        painter->drawRoundedRect(selected ? QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5) : QRectF(rect), radius, radius);
    }
    painter->setFont(font);
    painter->setPen(textColor);
    const QRect textRect = rect.adjusted(kHorizontalPadding, 0, -kHorizontalPadding, 0);
    // Elide only when the cell is too narrow: elidedText() measures fractional widths and
    // would cut a text that horizontalAdvance() said fits.
    const bool fits = metrics.horizontalAdvance(badge->text) <= textRect.width();
    painter->drawText(textRect, Qt::AlignCenter,
        fits ? badge->text : metrics.elidedText(badge->text, Qt::ElideRight, textRect.width()));
    painter->restore();
}

QSize EventBadgeDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const QSize base = QStyledItemDelegate::sizeHint(option, index);
    const std::optional<Badge> badge = badgeFor(index);
    if (!badge)
        return base;
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QFontMetrics metrics(badgeFont(opt.font, badge->bold));
    const int width = metrics.horizontalAdvance(badge->text) + 2 * (kHorizontalPadding + kHorizontalMargin);
    const int height = metrics.height() + 2 * (kVerticalPadding + kVerticalMargin);
    return { std::max(base.width(), width), std::max(base.height(), height) };
}

QColor EventBadgeDelegate::kindColor(EventKind kind)
{
    switch (kind) {
    case EventKind::Created:
        return { 0x2e, 0x7d, 0x32 }; // green
    case EventKind::Updated:
        return { 0x15, 0x65, 0xc0 }; // blue
    case EventKind::Escalated:
        return { 0xc6, 0x28, 0x28 }; // red
    case EventKind::Platform:
        return { 0x6a, 0x1b, 0x9a }; // purple
    case EventKind::Unknown:
        return { 0x75, 0x75, 0x75 }; // grey
    case EventKind::Invalid:
        return { 0x42, 0x42, 0x42 }; // dark grey, as an outline
    }
    return { 0x75, 0x75, 0x75 };
}

QColor EventBadgeDelegate::urgencyColor(const QString &urgency)
{
    const QString key = urgency.trimmed().toLower();
    if (key == QLatin1String("high") || key == QLatin1String("urgent") || key == QLatin1String("critical"))
        return { 0xd3, 0x2f, 0x2f }; // red
    if (key == QLatin1String("medium"))
        return { 0xff, 0xb3, 0x00 }; // amber
    if (key == QLatin1String("low"))
        return { 0x6b, 0x8e, 0x7f }; // grey-green
    return { 0x9e, 0x9e, 0x9e };
}

std::optional<EventBadgeDelegate::Badge> EventBadgeDelegate::badgeFor(const QModelIndex &index) const
{
    if (!index.isValid())
        return std::nullopt;
    const QString display = index.data(Qt::DisplayRole).toString();
    Badge badge;
    if (index.column() == m_kindColumn) {
        // The role is the truth; the text is a fallback for models without it.
        EventKind kind = eventKindFromName(display).value_or(EventKind::Unknown);
        const QVariant kindData = index.data(KindRole);
        bool ok = false;
        const int value = kindData.toInt(&ok);
        if (kindData.isValid() && ok && value >= 0 && value < EventKindCount)
            kind = static_cast<EventKind>(value);
        badge.text = display.isEmpty() ? eventKindName(kind) : display;
        badge.color = kindColor(kind);
        badge.outlineOnly = kind == EventKind::Invalid;
        badge.bold = kind == EventKind::Escalated;
        badge.textColor = badge.outlineOnly ? badge.color : textColorOn(badge.color);
        return badge;
    }
    if (index.column() == m_urgencyColumn) {
        QString urgency = index.data(UrgencyRole).toString();
        if (urgency.isEmpty())
            urgency = display;
        if (urgency.trimmed().isEmpty())
            return std::nullopt; // no urgency: an empty cell, not an empty badge
        badge.text = display.isEmpty() ? urgency.left(1).toUpper() + urgency.mid(1) : display;
        badge.color = urgencyColor(urgency);
        badge.textColor = textColorOn(badge.color);
        return badge;
    }
    return std::nullopt;
}
