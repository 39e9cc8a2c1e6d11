#pragma once

#include "EventBodySource.h"
#include "EventRow.h"
#include "RequestLifecycle.h"

#include <QDialog>
#include <QList>
#include <atomic>
#include <functional>
#include <memory>

class QLabel;
class QPushButton;
class QTextBrowser;
class QThread;

// "Follow request": one request's lifecycle in a window of its own. A header with the request's
// title, customer and derived times (first response, assignment, close, escalated), then the
// timeline: every captured event of the request in order, "+5 min" from the first, with what
// changed since the one before, new activity and escalations, and the deliveries of each body set
// against Thena's retry schedule. Clicking an event's number selects it in the main table.
//
// Rows come from the table model (EventTableModel::allRows()); their bodies are read through a
// body source created by a factory on a worker thread, so a capture file is read off the GUI
// thread on a connection of its own (Qt SQL allows a connection in one thread only).
//
// Payload text is escaped into the document, never interpreted: nothing is rendered as markup,
// nothing is loaded, and the only links are our own "event:N" anchors.
class LifecycleView final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LifecycleView)

public:
    using BodySourceFactory = std::function<std::unique_ptr<EventBodySource>()>;
    using RowsProvider = std::function<QList<EventRow>()>;

    explicit LifecycleView(QWidget *parent = nullptr);
    ~LifecycleView() override; // cancels and joins a running load

    // Reads the bodies of the rows of requestId (others are ignored) on a worker thread, then
    // shows the lifecycle and emits loaded(). A load still running is cancelled first.
    void load(const QString &requestId, const QList<EventRow> &rows, BodySourceFactory factory);
    // For Refresh: where the current rows come from (the table model), so newly captured events of
    // the request are picked up. Without it the Refresh button is disabled.
    void setRowsProvider(RowsProvider provider);
    // Shows an already built lifecycle (no loading).
    void setLifecycle(const RequestLifecycle &lifecycle);

    const RequestLifecycle &lifecycle() const { return m_lifecycle; }
    QString requestId() const { return m_requestId; }
    bool isLoading() const { return m_thread != nullptr; }
    // What the timeline shows, as plain text (for tests and accessibility checks).
    QString timelineText() const;
    // The note under the timeline: loading progress, unreadable bodies; empty when all is well.
    QString noticeText() const;

    // The document for a lifecycle, as HTML built from escaped text. Public for tests.
    static QString toHtml(const RequestLifecycle &lifecycle);

public slots:
    void refresh();

signals:
    // The user clicked an event's number: select it in the main table.
    void eventActivated(qint64 id);
    void loaded();

private:
    void cancelLoad();
    void onLoaded(quint64 generation, const RequestLifecycle &lifecycle, int missing, const QString &error);
    void showLifecycle();

    QLabel *m_heading = nullptr;
    QTextBrowser *m_browser = nullptr;
    QLabel *m_notice = nullptr;
    QPushButton *m_refreshButton = nullptr;
    QPushButton *m_copyButton = nullptr;

    RequestLifecycle m_lifecycle;
    QString m_requestId;
    BodySourceFactory m_factory;
    RowsProvider m_rowsProvider;
    QThread *m_thread = nullptr;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    quint64 m_generation = 0;
};
