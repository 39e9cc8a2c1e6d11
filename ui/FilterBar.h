#pragma once

#include "EventKind.h"
#include "FilterQuery.h"

#include <QWidget>

class QLabel;
class QLineEdit;
class QToolButton;

// The line above the table: a query applied as you type, its errors beside it, quick kind
// toggles and the "N of M events" count.
class FilterBar final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FilterBar)

public:
    explicit FilterBar(QWidget *parent = nullptr);

    QString text() const;
    void setText(const QString &text);
    void focusFilter();
    void setCounts(int visible, int total);
    QLineEdit *lineEdit() const { return m_edit; }
    QToolButton *kindButton(EventKind kind) const;
    QString errorText() const;
    QToolButton *hideRetriesButton() const { return m_hideRetriesButton; }
    // The request id when the whole filter is `request:ID`, else empty; offered as "Follow".
    QString followableRequestId() const;
    static QString requestIdOfFilter(const QString &text);

signals:
    void filterChanged(const FilterQuery &query);
    void kindToggled(EventKind kind, bool visible);
    void retriesHiddenToggled(bool hidden);
    void followRequested(const QString &requestId);

private:
    void applyText();

    QLineEdit *m_edit;
    QLabel *m_errorLabel;
    QLabel *m_countLabel;
    QToolButton *m_createdButton;
    QToolButton *m_updatedButton;
    QToolButton *m_escalatedButton;
    QToolButton *m_hideRetriesButton;
    QToolButton *m_followButton;
};
