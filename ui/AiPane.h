#pragma once

#include "CapturedEvent.h"

#include <QWidget>

class QLabel;
class QStackedWidget;

// The AI detail pane: what Thena's AI made of the request (title, summary, sentiment, urgency,
// tags), or the platform ticket's AI title and summary.
class AiPane final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AiPane)

public:
    explicit AiPane(QWidget *parent = nullptr);
    ~AiPane() override;

    void setEvent(const CapturedEvent &event);
    void clearEvent();

private:
    void showMessage(const QString &text);
    void setTags(const QStringList &tags);

    QStackedWidget *m_pages;
    QLabel *m_emptyLabel;
    QWidget *m_fields;
    QLabel *m_title;
    QLabel *m_summary;
    QLabel *m_sentiment;
    QLabel *m_urgency;
    QLabel *m_tags;
};
