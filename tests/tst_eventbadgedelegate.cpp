#include "EventBadgeDelegate.h"
#include "EventKind.h"

#include <QApplication>
#include <QImage>
#include <QPainter>
#include <QStandardItemModel>
#include <QTableView>
#include <QTest>

namespace {
constexpr int kKindColumn = 0;
constexpr int kUrgencyColumn = 1;
constexpr int kOtherColumn = 2;
const QColor kBackground(Qt::white);
const QColor kHighlight(0x30, 0x8c, 0xc6);

// Counts the pixels within a small distance of color (antialiased edges are ignored).
int countPixels(const QImage &image, const QColor &color, int tolerance = 2)
{
    int count = 0;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            const QRgb pixel = image.pixel(x, y);
            if (qAbs(qRed(pixel) - color.red()) <= tolerance && qAbs(qGreen(pixel) - color.green()) <= tolerance
                && qAbs(qBlue(pixel) - color.blue()) <= tolerance)
                ++count;
        }
    }
    return count;
}

QStyleOptionViewItem makeOption(const QRect &rect, bool selected)
{
    QStyleOptionViewItem option;
    option.rect = rect;
    option.state = QStyle::State_Enabled | QStyle::State_Active;
    if (selected)
        option.state |= QStyle::State_Selected;
    option.palette = QApplication::palette();
    option.palette.setColor(QPalette::Highlight, kHighlight);
    option.palette.setColor(QPalette::HighlightedText, Qt::white);
    option.font = QApplication::font();
    option.fontMetrics = QFontMetrics(option.font);
    return option;
}

QImage paintCell(const EventBadgeDelegate &delegate, const QModelIndex &index, bool selected, QSize size = { 160, 28 })
{
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    image.fill(kBackground);
    QPainter painter(&image);
    delegate.paint(&painter, makeOption(image.rect(), selected), index);
    painter.end();
    return image;
}

// One row: kind (text + role), urgency (text + role), an ordinary cell.
QList<QStandardItem *> makeRow(EventKind kind, const QString &urgency)
{
    auto *kindItem = new QStandardItem(eventKindName(kind));
    kindItem->setData(int(kind), EventBadgeDelegate::KindRole);
    QString urgencyText = urgency;
    if (!urgencyText.isEmpty())
        urgencyText[0] = urgencyText.at(0).toUpper();
    auto *urgencyItem = new QStandardItem(urgencyText);
    urgencyItem->setData(urgency, EventBadgeDelegate::UrgencyRole);
    return { kindItem, urgencyItem, new QStandardItem(QStringLiteral("ordinary text")) };
}
} // namespace

class TestEventBadgeDelegate : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rolesMatchTheTableModelConvention();
    void kindBadges_data();
    void kindBadges();
    void kindFromTextWithoutTheRole();
    void urgencyBadges_data();
    void urgencyBadges();
    void noUrgencyNoBadge();
    void otherColumnsPaintAsUsual();
    void tinyCellsDoNotCrash();
    void sizeHint();
    void inAView();
};

void TestEventBadgeDelegate::rolesMatchTheTableModelConvention()
{
    // EventTableModel: RawValueRole = Qt::UserRole, EventIdRole, KindRole, UrgencyRole.
    QCOMPARE(EventBadgeDelegate::KindRole, int(Qt::UserRole) + 2);
    QCOMPARE(EventBadgeDelegate::UrgencyRole, int(Qt::UserRole) + 3);
}

void TestEventBadgeDelegate::kindBadges_data()
{
    QTest::addColumn<EventKind>("kind");
    QTest::addColumn<bool>("selected");
    for (int i = 0; i < EventKindCount; ++i) {
        const auto kind = static_cast<EventKind>(i);
        QTest::addRow("%s", qPrintable(eventKindName(kind))) << kind << false;
        QTest::addRow("%s selected", qPrintable(eventKindName(kind))) << kind << true;
    }
}

void TestEventBadgeDelegate::kindBadges()
{
    QFETCH(EventKind, kind);
    QFETCH(bool, selected);

    QStandardItemModel model;
    model.appendRow(makeRow(kind, QStringLiteral("high")));
    const EventBadgeDelegate delegate(kKindColumn, kUrgencyColumn);
    const QImage image = paintCell(delegate, model.index(0, kKindColumn), selected);

    const QColor color = EventBadgeDelegate::kindColor(kind);
    if (kind == EventKind::Invalid && selected) {
        // The outline turns into the highlighted-text colour so it shows on the selection.
        QVERIFY(countPixels(image, Qt::white) >= 20);
    } else {
        QVERIFY2(countPixels(image, color) >= 20, qPrintable(color.name()));
    }
    if (selected)
        QVERIFY(countPixels(image, kHighlight) > 100); // the row's selection is still drawn
    else
        QVERIFY(countPixels(image, kBackground) > 100);

    // Every kind has its own colour.
    for (int other = 0; other < EventKindCount; ++other) {
        if (static_cast<EventKind>(other) != kind)
            QVERIFY(EventBadgeDelegate::kindColor(static_cast<EventKind>(other)) != color);
    }
}

void TestEventBadgeDelegate::kindFromTextWithoutTheRole()
{
    QStandardItemModel model;
    model.appendRow({ new QStandardItem(QStringLiteral("Escalated")), new QStandardItem() });
    auto *outOfRange = new QStandardItem(QStringLiteral("Created"));
    outOfRange->setData(99, EventBadgeDelegate::KindRole);
    model.appendRow({ outOfRange, new QStandardItem() });
    const EventBadgeDelegate delegate(kKindColumn, kUrgencyColumn);
    QVERIFY(
        countPixels(paintCell(delegate, model.index(0, 0), false), EventBadgeDelegate::kindColor(EventKind::Escalated))
        >= 20);
    QVERIFY(
        countPixels(paintCell(delegate, model.index(1, 0), false), EventBadgeDelegate::kindColor(EventKind::Created))
        >= 20);
}

void TestEventBadgeDelegate::urgencyBadges_data()
{
    QTest::addColumn<QString>("urgency");
    QTest::addColumn<QColor>("color");
    QTest::newRow("high") << QStringLiteral("high") << QColor(0xd3, 0x2f, 0x2f);
    QTest::newRow("medium") << QStringLiteral("medium") << QColor(0xff, 0xb3, 0x00);
    QTest::newRow("low") << QStringLiteral("low") << QColor(0x6b, 0x8e, 0x7f);
    QTest::newRow("unexpected value") << QStringLiteral("lorem") << QColor(0x9e, 0x9e, 0x9e);
}

void TestEventBadgeDelegate::urgencyBadges()
{
    QFETCH(QString, urgency);
    QFETCH(QColor, color);
    QCOMPARE(EventBadgeDelegate::urgencyColor(urgency), color);
    QCOMPARE(EventBadgeDelegate::urgencyColor(urgency.toUpper()), color);

    QStandardItemModel model;
    model.appendRow(makeRow(EventKind::Created, urgency));
    const EventBadgeDelegate delegate(kKindColumn, kUrgencyColumn);
    for (const bool selected : { false, true }) {
        const QImage image = paintCell(delegate, model.index(0, kUrgencyColumn), selected);
        QVERIFY(countPixels(image, color) >= 20);
        // The label is drawn on the badge in a contrasting colour.
        const QColor text = qGray(color.rgb()) > 150 ? QColor(0x21, 0x21, 0x21) : QColor(Qt::white);
        QVERIFY(countPixels(image, text, 40) >= 3);
    }
}

void TestEventBadgeDelegate::noUrgencyNoBadge()
{
    QStandardItemModel model;
    model.appendRow(makeRow(EventKind::Updated, QString()));
    const EventBadgeDelegate delegate(kKindColumn, kUrgencyColumn);
    const QImage image = paintCell(delegate, model.index(0, kUrgencyColumn), false);
    QCOMPARE(countPixels(image, kBackground, 0), image.width() * image.height());
}

void TestEventBadgeDelegate::otherColumnsPaintAsUsual()
{
    QStandardItemModel model;
    model.appendRow(makeRow(EventKind::Escalated, QStringLiteral("high")));
    const EventBadgeDelegate delegate(kKindColumn, kUrgencyColumn);
    const QStyledItemDelegate plain;
    const QModelIndex index = model.index(0, kOtherColumn);

    QImage expected(160, 28, QImage::Format_ARGB32_Premultiplied);
    expected.fill(kBackground);
    QPainter painter(&expected);
    plain.paint(&painter, makeOption(expected.rect(), false), index);
    painter.end();
    QCOMPARE(paintCell(delegate, index, false), expected);
    QCOMPARE(delegate.sizeHint(makeOption({}, false), index), plain.sizeHint(makeOption({}, false), index));
}

void TestEventBadgeDelegate::tinyCellsDoNotCrash()
{
    QStandardItemModel model;
    model.appendRow(makeRow(EventKind::Platform, QStringLiteral("medium")));
    const EventBadgeDelegate delegate(kKindColumn, kUrgencyColumn);
    for (const QSize size : { QSize(1, 1), QSize(8, 4), QSize(30, 10) }) {
        paintCell(delegate, model.index(0, kKindColumn), false, size);
        paintCell(delegate, model.index(0, kUrgencyColumn), true, size);
    }
}

void TestEventBadgeDelegate::sizeHint()
{
    QStandardItemModel model;
    model.appendRow(makeRow(EventKind::Created, QStringLiteral("low")));
    model.appendRow(makeRow(EventKind::Escalated, QStringLiteral("medium")));
    const EventBadgeDelegate delegate(kKindColumn, kUrgencyColumn);
    const QStyleOptionViewItem option = makeOption({}, false);
    const QFontMetrics metrics(option.font);

    for (int row = 0; row < model.rowCount(); ++row) {
        for (const int column : { kKindColumn, kUrgencyColumn }) {
            const QModelIndex index = model.index(row, column);
            const QSize hint = delegate.sizeHint(option, index);
            // Room for the text plus padding, not absurdly large.
            QVERIFY(hint.width() >= metrics.horizontalAdvance(index.data().toString()) + 12);
            QVERIFY(hint.width() <= metrics.horizontalAdvance(index.data().toString()) * 2 + 60);
            QVERIFY(hint.height() >= metrics.height());
            QVERIFY(hint.height() <= metrics.height() * 3);
            QVERIFY(hint.width() >= QStyledItemDelegate().sizeHint(option, index).width());
        }
    }
    // "Escalated" is longer than "Created" and bold.
    QVERIFY(delegate.sizeHint(option, model.index(1, kKindColumn)).width()
        > delegate.sizeHint(option, model.index(0, kKindColumn)).width());
}

void TestEventBadgeDelegate::inAView()
{
    // A real view passes its own widget and style; painting it must work too.
    QStandardItemModel model;
    for (int i = 0; i < EventKindCount; ++i)
        model.appendRow(makeRow(static_cast<EventKind>(i), QStringLiteral("high")));
    QTableView view;
    EventBadgeDelegate delegate(kKindColumn, kUrgencyColumn);
    view.setItemDelegate(&delegate);
    view.setModel(&model);
    view.resize(400, 300);
    view.selectRow(2);
    view.resizeColumnsToContents();
    const QImage image = view.grab().toImage();
    QVERIFY(countPixels(image, EventBadgeDelegate::kindColor(EventKind::Escalated)) >= 20);
    QVERIFY(countPixels(image, EventBadgeDelegate::urgencyColor(QStringLiteral("high"))) >= 20);
    // resizeColumnsToContents() asked the delegate: the bold "Escalated" badge fits.
    QFont bold = view.font();
    bold.setBold(true);
    QVERIFY(view.columnWidth(kKindColumn) >= QFontMetrics(bold).horizontalAdvance(QStringLiteral("Escalated")) + 12);
}

QTEST_MAIN(TestEventBadgeDelegate)

#include "tst_eventbadgedelegate.moc"
