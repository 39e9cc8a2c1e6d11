#include "ActivityPane.h"

#include "PaneWidgets.h"
#include "ThenaRequestDetails.h"
#include "ThenaTime.h"

#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QStackedWidget>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <limits>
#include <numeric>

namespace {
using Details = ThenaRequestDetails;
using namespace PaneWidgets;

constexpr int FullTextRole = Qt::UserRole;

// Oldest first. An entry whose time cannot be read keeps its place after the entry before it,
// so one bad "ts" does not scramble the rest of the timeline.
QList<int> timelineOrder(const QList<Details::Activity> &activity)
{
    QList<qint64> keys;
    keys.reserve(activity.size());
    qint64 previous = std::numeric_limits<qint64>::min();
    for (const Details::Activity &entry : activity) {
        if (entry.ts.utc.isValid())
            previous = entry.ts.utc.toMSecsSinceEpoch();
        keys.append(previous);
    }
    QList<int> order(activity.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&keys](int a, int b) { return keys.at(a) < keys.at(b); });
    return order;
}

QString oneLine(const QString &text)
{
    QString line = text;
    line.replace(QLatin1Char('\n'), QStringLiteral(" \u21b5 "));
    return line;
}
} // namespace

ActivityPane::ActivityPane(QWidget *parent)
    : QWidget(parent)
    , m_pages(new QStackedWidget(this))
    , m_emptyLabel(emptyLabel(this))
    , m_timeline(new QWidget(this))
    , m_summary(new QLabel(m_timeline))
    , m_tree(new QTreeWidget(m_timeline))
    , m_text(new QPlainTextEdit(m_timeline))
{
    m_summary->setObjectName(QStringLiteral("activitySummary"));
    m_summary->setTextFormat(Qt::PlainText);
    QFont bold = m_summary->font();
    bold.setBold(true);
    m_summary->setFont(bold);

    m_tree->setObjectName(QStringLiteral("activityTree"));
    m_tree->setColumnCount(ColumnCount);
    m_tree->setHeaderLabels({ QStringLiteral("Time"), QStringLiteral("User"), QStringLiteral("Text") });
    m_tree->setRootIsDecorated(false);
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->setAllColumnsShowFocus(true);
    m_tree->setTextElideMode(Qt::ElideRight);
    m_tree->header()->setStretchLastSection(true);
    m_tree->header()->setSectionResizeMode(TimeColumn, QHeaderView::ResizeToContents);
    m_tree->header()->setSectionResizeMode(UserColumn, QHeaderView::ResizeToContents);
    connect(m_tree, &QTreeWidget::currentItemChanged, this, &ActivityPane::showCurrentEntry);

    m_text->setObjectName(QStringLiteral("activityText"));
    m_text->setReadOnly(true);
    m_text->setPlaceholderText(QStringLiteral("Select an entry to read its full text."));

    auto *splitter = new QSplitter(Qt::Vertical, m_timeline);
    splitter->addWidget(m_tree);
    splitter->addWidget(m_text);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    splitter->setChildrenCollapsible(false);

    QVBoxLayout *timelineLayout = contentLayout(m_timeline);
    timelineLayout->setSpacing(6);
    timelineLayout->addWidget(m_summary);
    timelineLayout->addWidget(splitter, 1);

    stackPages(this, m_pages, m_emptyLabel, m_timeline);
    clearEvent();
}

ActivityPane::~ActivityPane() = default;

void ActivityPane::setEvent(const CapturedEvent &event)
{
    const Details details = Details::fromBody(event.body);
    if (!details.valid) {
        showMessage(invalidBodyMessage(QStringLiteral("there is no activity to show"), details, event));
        return;
    }
    if (details.activity.isEmpty()) {
        showMessage(QStringLiteral("This event has no activity entries."));
        return;
    }

    m_tree->clear();
    m_text->clear();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QList<QTreeWidgetItem *> items;
    items.reserve(details.activity.size());
    const QList<int> order = timelineOrder(details.activity);
    for (int index : order) {
        const Details::Activity &entry = details.activity.at(index);
        auto *item = new QTreeWidgetItem;
        const QString time = entry.ts.utc.isValid()
            ? ThenaTime::formatLocal(entry.ts.utc)
            : (entry.ts.isPresent() ? entry.ts.raw + QStringLiteral(" (unrecognised time)") : QString());
        item->setText(TimeColumn, time.isEmpty() ? noValue() : time);
        if (entry.ts.isPresent()) {
            item->setToolTip(TimeColumn,
                plainToolTip(ThenaTime::describe(entry.ts.raw, entry.ts.utc, now) + QStringLiteral("\nSent as: ")
                    + entry.ts.raw));
        }
        item->setText(UserColumn, entry.userName.isEmpty() ? noValue() : entry.userName);
        if (!entry.userId.isEmpty())
            item->setToolTip(UserColumn, plainToolTip(QStringLiteral("ID: ") + entry.userId));
        item->setText(TextColumn, oneLine(entry.text));
        item->setData(TextColumn, FullTextRole, entry.text);
        items.append(item);
    }
    m_tree->addTopLevelItems(items);
    m_summary->setText(details.activity.size() == 1
            ? QStringLiteral("1 activity entry, oldest first")
            : QString::number(details.activity.size()) + QStringLiteral(" activity entries, oldest first"));
    // The newest entry is usually the one a delivery was sent for.
    m_tree->setCurrentItem(items.constLast());
    m_pages->setCurrentWidget(m_timeline);
}

void ActivityPane::clearEvent()
{
    showMessage(QStringLiteral("Select an event to see its activity."));
}

void ActivityPane::showMessage(const QString &text)
{
    m_tree->clear();
    m_text->clear();
    m_summary->clear();
    m_emptyLabel->setText(text);
    m_pages->setCurrentWidget(m_emptyLabel);
}

void ActivityPane::showCurrentEntry()
{
    const QTreeWidgetItem *item = m_tree->currentItem();
    m_text->setPlainText(item ? item->data(TextColumn, FullTextRole).toString() : QString());
}
