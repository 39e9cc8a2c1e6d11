#include "EventDetailView.h"

#include "ActivityPane.h"
#include "AiPane.h"
#include "EscalationsPane.h"
#include "HeadersPane.h"
#include "OverviewPane.h"
#include "RawJsonPane.h"

EventDetailView::EventDetailView(QWidget *parent)
    : QTabWidget(parent)
    , m_overview(new OverviewPane(this))
    , m_activity(new ActivityPane(this))
    , m_escalations(new EscalationsPane(this))
    , m_ai(new AiPane(this))
    , m_raw(new RawJsonPane(this))
    , m_headers(new HeadersPane(this))
{
    setObjectName(QStringLiteral("eventDetailView"));
    setDocumentMode(true);
    addTab(m_overview, QStringLiteral("Overview"));
    addTab(m_activity, QStringLiteral("Activity"));
    addTab(m_escalations, QStringLiteral("Escalations"));
    addTab(m_ai, QStringLiteral("AI"));
    addTab(m_raw, QStringLiteral("Raw"));
    addTab(m_headers, QStringLiteral("Headers"));
}

void EventDetailView::setEvent(const CapturedEvent &event)
{
    m_eventId = event.row.id;
    m_overview->setEvent(event);
    m_activity->setEvent(event);
    m_escalations->setEvent(event);
    m_ai->setEvent(event);
    m_raw->setEvent(event);
    m_headers->setEvent(event);
}

void EventDetailView::clearEvent()
{
    m_eventId = 0;
    m_overview->clearEvent();
    m_activity->clearEvent();
    m_escalations->clearEvent();
    m_ai->clearEvent();
    m_raw->clearEvent();
    m_headers->clearEvent();
}
