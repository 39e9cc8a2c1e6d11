#pragma once

#include "CapturedEvent.h"

#include <QTabWidget>

class ActivityPane;
class AiPane;
class EscalationsPane;
class HeadersPane;
class OverviewPane;
class RawJsonPane;

// The panes below the table, all showing the selected event.
class EventDetailView final : public QTabWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EventDetailView)

public:
    explicit EventDetailView(QWidget *parent = nullptr);

    void setEvent(const CapturedEvent &event);
    void clearEvent();
    qint64 eventId() const { return m_eventId; }

    OverviewPane *overviewPane() const { return m_overview; }
    ActivityPane *activityPane() const { return m_activity; }
    EscalationsPane *escalationsPane() const { return m_escalations; }
    AiPane *aiPane() const { return m_ai; }
    RawJsonPane *rawPane() const { return m_raw; }
    HeadersPane *headersPane() const { return m_headers; }

private:
    OverviewPane *m_overview;
    ActivityPane *m_activity;
    EscalationsPane *m_escalations;
    AiPane *m_ai;
    RawJsonPane *m_raw;
    HeadersPane *m_headers;
    qint64 m_eventId = 0;
};
