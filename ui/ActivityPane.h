#pragma once

#include "CapturedEvent.h"

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QStackedWidget;
class QTreeWidget;

// The Activity detail pane: the request's activity log as a timeline, oldest first, and the
// full text of the selected entry below it. Thena sends entry text as HTML; it is shown as
// plain text (see HtmlText), never rendered.
class ActivityPane final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ActivityPane)

public:
    enum Column
    {
        TimeColumn,
        UserColumn,
        TextColumn,
        ColumnCount
    };

    explicit ActivityPane(QWidget *parent = nullptr);
    ~ActivityPane() override;

    void setEvent(const CapturedEvent &event);
    void clearEvent();

private:
    void showMessage(const QString &text);
    void showCurrentEntry();

    QStackedWidget *m_pages;
    QLabel *m_emptyLabel;
    QWidget *m_timeline;
    QLabel *m_summary;
    QTreeWidget *m_tree;
    QPlainTextEdit *m_text;
};
