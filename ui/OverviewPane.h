#pragma once

#include "CapturedEvent.h"

#include <QWidget>

class QLabel;
class QScrollArea;
class QStackedWidget;
struct ThenaRequestDetails;

// The Overview detail pane: the request (or platform ticket) fields in a readable form, the
// people involved, every time in local time with its age, and the links. All payload text is
// shown as plain text; the only rich text is our own <a href> around http(s) URLs, escaped,
// so nothing in a payload can style the pane or make it load anything.
class OverviewPane final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OverviewPane)

public:
    explicit OverviewPane(QWidget *parent = nullptr);
    ~OverviewPane() override;

    void setEvent(const CapturedEvent &event);
    void clearEvent();

private:
    void showMessage(const QString &text);
    QWidget *buildRequestContent(const ThenaRequestDetails &details);
    QWidget *buildPlatformContent(const ThenaRequestDetails &details);
    QWidget *buildUnknownContent(const ThenaRequestDetails &details);

    QStackedWidget *m_pages;
    QLabel *m_emptyLabel;
    QScrollArea *m_scrollArea;
};
