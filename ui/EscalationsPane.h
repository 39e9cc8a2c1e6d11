#pragma once

#include "CapturedEvent.h"

#include <QWidget>

class QLabel;
class QScrollArea;
class QStackedWidget;

// The Escalations detail pane: the escalation type and, for every entry of
// escalation_details, the reason, message, business impact, who escalated and when. The
// escalating user's avatar URL is deliberately not shown: the pane never loads anything.
class EscalationsPane final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EscalationsPane)

public:
    explicit EscalationsPane(QWidget *parent = nullptr);
    ~EscalationsPane() override;

    void setEvent(const CapturedEvent &event);
    void clearEvent();

private:
    void showMessage(const QString &text);

    QStackedWidget *m_pages;
    QLabel *m_emptyLabel;
    QScrollArea *m_scrollArea;
};
