#include "LifecycleView.h"

#include "DurationText.h"
#include "EventBadgeDelegate.h"
#include "ThenaTime.h"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSet>
#include <QTextBrowser>
#include <QThread>
#include <QVBoxLayout>

namespace {
using Step = RequestLifecycle::Step;
using Details = ThenaRequestDetails;

QString esc(const QString &text)
{
    return text.toHtmlEscaped();
}

QString colorName(const QColor &color)
{
    return color.name(QColor::HexRgb);
}

// A small coloured label; the text colour follows the fill, as the table's badges do.
QString badge(const QString &text, const QColor &fill)
{
    const QColor ink = qGray(fill.rgb()) > 150 ? QColor(0x21, 0x21, 0x21) : QColor(Qt::white);
    return QStringLiteral("<span style=\"background-color:%1; color:%2; font-weight:bold;\">&nbsp;%3&nbsp;</span>")
        .arg(colorName(fill), colorName(ink), esc(text));
}

QString muted(const QString &html)
{
    return QStringLiteral("<span style=\"color:#777777;\">") + html + QStringLiteral("</span>");
}

const QString kArrow = QStringLiteral(" &#8594; ");

QString changeHtml(const RequestLifecycle::Change &change, bool first)
{
    QString html = QStringLiteral("<b>") + esc(change.field) + QStringLiteral("</b>: ");
    if (first || change.before.isEmpty())
        return html + esc(change.after.isEmpty() ? QStringLiteral("(none)") : change.after);
    html += QStringLiteral("<span style=\"color:#888888; text-decoration:line-through;\">") + esc(change.before)
        + QStringLiteral("</span>") + kArrow;
    html += change.after.isEmpty() ? muted(QStringLiteral("(none)"))
                                   : QStringLiteral("<b>") + esc(change.after) + QStringLiteral("</b>");
    return html;
}

QString verdictColor(RetryChain::Verdict verdict)
{
    switch (verdict) {
    case RetryChain::Verdict::AsExpected:
        return QStringLiteral("#2e7d32");
    case RetryChain::Verdict::Late:
    case RetryChain::Verdict::BeyondSchedule:
        return QStringLiteral("#c62828");
    case RetryChain::Verdict::Early:
        return QStringLiteral("#ef6c00");
    case RetryChain::Verdict::First:
        break;
    }
    return QStringLiteral("#555555");
}

// The receive time under the offset: the date only when it differs from the previous step's.
QString receivedText(qint64 ms, qint64 previousMs)
{
    const QDateTime time = QDateTime::fromMSecsSinceEpoch(ms, Qt::LocalTime);
    const bool sameDay
        = previousMs > 0 && QDateTime::fromMSecsSinceEpoch(previousMs, Qt::LocalTime).date() == time.date();
    return sameDay ? time.toString(QStringLiteral("HH:mm:ss"))
                   : time.toString(QStringLiteral("yyyy-MM-dd")) + QStringLiteral("<br/>")
            + time.toString(QStringLiteral("HH:mm:ss"));
}

QString spanCell(const DerivedTimes::Span &span)
{
    if (span.isKnown())
        return QStringLiteral("<b>") + esc(span.text()) + QStringLiteral("</b>");
    if (!span.problem.isEmpty())
        return muted(QStringLiteral("unknown: ") + esc(span.problem));
    return muted(QStringLiteral("not in the data"));
}

QString stepHtml(const Step &step, qint64 previousMs)
{
    QString html;
    html += QStringLiteral("<tr><td valign=\"top\" style=\"padding:6px 12px 6px 0;\" width=\"110\"><b>")
        + esc(step.offsetText()) + QStringLiteral("</b><br/>") + muted(receivedText(step.row.receivedMs, previousMs))
        + QStringLiteral("</td><td valign=\"top\" style=\"padding:6px 0;\">");
    html += badge(step.kindText, EventBadgeDelegate::kindColor(step.row.kind));
    html += QStringLiteral(" <a href=\"event:%1\">#%1</a> ").arg(step.row.id);
    if (step.payloadTime.isValid()) {
        // The payload's own time (updatedAt, or the platform timestamp), beside our receive time.
        html += muted(QStringLiteral("Thena time ") + esc(ThenaTime::formatLocal(step.payloadTime)));
    }
    html += QStringLiteral("<br/><b>") + esc(step.summary()) + QStringLiteral("</b>");

    QStringList items;
    for (const RequestLifecycle::Change &change : step.changes)
        items.append(changeHtml(change, step.first));
    if (!step.tagsAdded.isEmpty() || !step.tagsRemoved.isEmpty()) {
        QStringList tags;
        for (const QString &tag : step.tagsAdded)
            tags.append(QStringLiteral("<span style=\"color:#2e7d32;\">+") + esc(tag) + QStringLiteral("</span>"));
        for (const QString &tag : step.tagsRemoved)
            tags.append(
                QStringLiteral("<span style=\"color:#c62828;\">&#8722;") + esc(tag) + QStringLiteral("</span>"));
        items.append(QStringLiteral("<b>tags</b>: ") + tags.join(QStringLiteral(" ")));
    }
    if (step.repliesChanged()) {
        items.append(step.repliesBefore < 0 || step.first ? QStringLiteral("<b>replies</b>: %1").arg(step.repliesAfter)
                                                          : QStringLiteral("<b>replies</b>: %1%2<b>%3</b>")
                                                                .arg(step.repliesBefore)
                                                                .arg(kArrow)
                                                                .arg(step.repliesAfter));
    }
    for (const Details::Activity &activity : step.newActivity) {
        QString item = QStringLiteral("<b>activity</b>: ");
        if (!activity.userName.isEmpty())
            item += esc(activity.userName) + QStringLiteral(": ");
        item += QStringLiteral("<i>") + esc(activity.text) + QStringLiteral("</i>");
        if (activity.ts.utc.isValid())
            item += QLatin1Char(' ') + muted(esc(ThenaTime::formatLocal(activity.ts.utc)));
        items.append(item);
    }
    for (const Details::Escalation &escalation : step.newEscalations) {
        QString item
            = QStringLiteral("<span style=\"background-color:#ffebee; color:#b71c1c;\">&nbsp;<b>escalation</b>");
        if (!escalation.escalatedBy.display().isEmpty())
            item += QStringLiteral(" by ") + esc(escalation.escalatedBy.display());
        if (!escalation.reason.isEmpty())
            item += QStringLiteral(": ") + esc(escalation.reason);
        item += QStringLiteral("&nbsp;</span>");
        if (!escalation.message.isEmpty())
            item += QStringLiteral("<br/><i>") + esc(escalation.message) + QStringLiteral("</i>");
        if (!escalation.businessImpact.isEmpty())
            item += QStringLiteral("<br/>business impact: ") + esc(escalation.businessImpact);
        items.append(item);
    }
    if (!items.isEmpty()) {
        html += QStringLiteral("<ul style=\"margin-top:2px; margin-bottom:0;\">");
        for (const QString &item : std::as_const(items))
            html += QStringLiteral("<li>") + item + QStringLiteral("</li>");
        html += QStringLiteral("</ul>");
    }

    if (step.deliveries.isRetried()) {
        html += QStringLiteral("<p style=\"margin-top:4px; margin-bottom:0;\"><b>Deliveries</b>: ")
            + esc(step.deliveries.summary()) + QStringLiteral("</p><ol style=\"margin-top:0;\">");
        for (const RetryChain::Attempt &attempt : step.deliveries.attempts()) {
            html += QStringLiteral("<li value=\"%1\"><span style=\"color:%2;\">")
                        .arg(attempt.number)
                        .arg(verdictColor(attempt.verdict))
                + esc(attempt.text) + QStringLiteral("</span> <a href=\"event:%1\">#%1</a></li>").arg(attempt.row.id);
        }
        html += QStringLiteral("</ol>");
    }
    html += QStringLiteral("</td></tr>");
    return html;
}

// Loads and builds on the worker thread; nothing here touches a widget.
RequestLifecycle buildLifecycle(const QString &requestId, const QList<EventRow> &rows,
    const LifecycleView::BodySourceFactory &factory, const std::atomic<bool> &cancel, int *missing, QString *error)
{
    QList<CapturedEvent> events;
    events.reserve(rows.size());
    std::unique_ptr<EventBodySource> source = factory ? factory() : nullptr;
    for (const EventRow &row : rows) {
        if (cancel.load())
            return {};
        CapturedEvent event;
        std::optional<CapturedEvent> loaded = source ? source->load(row.id) : std::nullopt;
        if (loaded) {
            event = std::move(*loaded);
            event.row = row; // the table's row is authoritative (retry links, kind)
        } else {
            event.row = row;
            ++*missing;
            if (error->isEmpty() && source)
                *error = source->errorString();
        }
        events.append(std::move(event));
    }
    return RequestLifecycle::build(requestId, events);
}
} // namespace

LifecycleView::LifecycleView(QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("lifecycleView"));
    setWindowTitle(QStringLiteral("Follow request"));
    resize(760, 720);

    m_heading = new QLabel(this);
    m_heading->setObjectName(QStringLiteral("lifecycleHeading"));
    m_heading->setTextFormat(Qt::RichText); // built from escaped text only
    m_heading->setWordWrap(true);
    m_heading->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_browser = new QTextBrowser(this);
    m_browser->setObjectName(QStringLiteral("lifecycleTimeline"));
    m_browser->setOpenLinks(false);
    m_browser->setOpenExternalLinks(false);
    connect(m_browser, &QTextBrowser::anchorClicked, this, [this](const QUrl &url) {
        if (url.scheme() != QLatin1String("event"))
            return;
        bool ok = false;
        const qint64 id = url.path().toLongLong(&ok);
        if (ok)
            emit eventActivated(id);
    });

    m_notice = new QLabel(this);
    m_notice->setObjectName(QStringLiteral("lifecycleNotice"));
    m_notice->setWordWrap(true);
    m_notice->setVisible(false);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_refreshButton = buttons->addButton(QStringLiteral("Refresh"), QDialogButtonBox::ActionRole);
    m_refreshButton->setObjectName(QStringLiteral("refreshButton"));
    m_refreshButton->setToolTip(QStringLiteral("Read the request's events again, including ones captured since"));
    m_copyButton = buttons->addButton(QStringLiteral("Copy as text"), QDialogButtonBox::ActionRole);
    m_copyButton->setObjectName(QStringLiteral("copyButton"));
    connect(m_refreshButton, &QPushButton::clicked, this, &LifecycleView::refresh);
    connect(m_copyButton, &QPushButton::clicked, this,
        [this] { QApplication::clipboard()->setText(m_lifecycle.toText()); });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_heading);
    layout->addWidget(m_browser, 1);
    layout->addWidget(m_notice);
    layout->addWidget(buttons);
    showLifecycle();
}

LifecycleView::~LifecycleView()
{
    cancelLoad();
}

void LifecycleView::cancelLoad()
{
    if (!m_thread)
        return;
    m_cancel->store(true);
    // The worker checks the flag between events, so this waits for one body read at most.
    m_thread->wait();
    delete m_thread;
    m_thread = nullptr;
}

void LifecycleView::load(const QString &requestId, const QList<EventRow> &rows, BodySourceFactory factory)
{
    cancelLoad();
    m_requestId = requestId.trimmed();
    m_factory = std::move(factory);
    const QList<EventRow> ours = RequestLifecycle::rowsOfRequest(rows, m_requestId);
    setWindowTitle(QStringLiteral("Follow request %1").arg(m_requestId));
    m_notice->setText(QStringLiteral("Loading %1 events...").arg(ours.size()));
    m_notice->setVisible(true);
    m_copyButton->setEnabled(false);
    m_refreshButton->setEnabled(false);

    const quint64 generation = ++m_generation;
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    // Plain copies for the thread: it never sees this object except through the queued call.
    m_thread = QThread::create([this, generation, requestId = m_requestId, ours, factory = m_factory,
                                   cancel = m_cancel] {
        int missing = 0;
        QString error;
        const RequestLifecycle lifecycle = buildLifecycle(requestId, ours, factory, *cancel, &missing, &error);
        if (cancel->load())
            return;
        // Queued to the GUI thread; if this view is deleted first, Qt drops the call with it (and
        // the destructor waits for this thread, so `this` is valid while the call is posted).
        QMetaObject::invokeMethod(
            this, [this, generation, lifecycle, missing, error] { onLoaded(generation, lifecycle, missing, error); },
            Qt::QueuedConnection);
    });
    m_thread->setObjectName(QStringLiteral("lifecycle loader"));
    m_thread->start();
}

void LifecycleView::onLoaded(quint64 generation, const RequestLifecycle &lifecycle, int missing, const QString &error)
{
    if (generation != m_generation)
        return;
    if (m_thread) {
        m_thread->wait();
        delete m_thread;
        m_thread = nullptr;
    }
    m_lifecycle = lifecycle;
    showLifecycle();
    if (missing > 0) {
        QString text = missing == 1 ? QStringLiteral("1 event could not be read")
                                    : QStringLiteral("%1 events could not be read").arg(missing);
        if (!error.isEmpty())
            text += QStringLiteral(": ") + error;
        m_notice->setText(text + QStringLiteral(". Their rows are shown without changes."));
        m_notice->setVisible(true);
    }
    emit loaded();
}

void LifecycleView::setRowsProvider(RowsProvider provider)
{
    m_rowsProvider = std::move(provider);
    m_refreshButton->setEnabled(m_rowsProvider && !isLoading());
}

void LifecycleView::refresh()
{
    if (!m_rowsProvider || m_requestId.isEmpty())
        return;
    load(m_requestId, m_rowsProvider(), m_factory);
}

void LifecycleView::setLifecycle(const RequestLifecycle &lifecycle)
{
    cancelLoad();
    ++m_generation;
    m_lifecycle = lifecycle;
    m_requestId = lifecycle.requestId();
    showLifecycle();
}

void LifecycleView::showLifecycle()
{
    m_notice->clear();
    m_notice->setVisible(false);
    m_copyButton->setEnabled(!m_lifecycle.isEmpty());
    m_refreshButton->setEnabled(static_cast<bool>(m_rowsProvider));
    if (!m_requestId.isEmpty())
        setWindowTitle(QStringLiteral("Follow request %1").arg(m_requestId));

    QString heading
        = QStringLiteral("<span style=\"font-size:large;\"><b>Request ") + esc(m_requestId) + QStringLiteral("</b>");
    if (!m_lifecycle.title().isEmpty())
        heading += QStringLiteral(" &#8212; ") + esc(m_lifecycle.title());
    heading += QStringLiteral("</span>");
    if (!m_lifecycle.customer().isEmpty())
        heading += QStringLiteral("<br/>") + esc(m_lifecycle.customer());
    m_heading->setText(heading);

    if (m_lifecycle.isEmpty()) {
        m_browser->setHtml(QStringLiteral("<p>")
            + muted(m_requestId.isEmpty()
                    ? QStringLiteral("No request chosen.")
                    : QStringLiteral("No captured event of request ") + esc(m_requestId) + QLatin1Char('.'))
            + QStringLiteral("</p>"));
        return;
    }
    m_browser->setHtml(toHtml(m_lifecycle));
}

QString LifecycleView::toHtml(const RequestLifecycle &lifecycle)
{
    const DerivedTimes &times = lifecycle.times();
    QString html = QStringLiteral("<table cellspacing=\"0\" cellpadding=\"2\">");
    auto row = [&html](const QString &label, const QString &value) {
        html += QStringLiteral("<tr><td style=\"padding-right:16px;\">") + esc(label) + QStringLiteral("</td><td>")
            + value + QStringLiteral("</td></tr>");
    };
    row(QStringLiteral("Time to first response"), spanCell(times.toFirstResponse));
    row(QStringLiteral("Time to assignment"), spanCell(times.toAssignment));
    row(QStringLiteral("Time to close"), spanCell(times.toClose));
    row(QStringLiteral("Escalated"),
        times.escalated ? badge(QStringLiteral("yes"), EventBadgeDelegate::kindColor(EventKind::Escalated))
                        : QStringLiteral("no"));
    const QList<RetryChain> retried = lifecycle.retriedChains();
    int offSchedule = 0;
    for (const RetryChain &chain : retried)
        offSchedule += chain.countOf(RetryChain::Verdict::Late) + chain.countOf(RetryChain::Verdict::Early)
            + chain.countOf(RetryChain::Verdict::BeyondSchedule);
    QString deliveries
        = QStringLiteral("%1 events, %2 deliveries").arg(lifecycle.steps().size()).arg(lifecycle.deliveryCount());
    if (!retried.isEmpty()) {
        deliveries += retried.size() == 1 ? QStringLiteral("; 1 event retried")
                                          : QStringLiteral("; %1 events retried").arg(retried.size());
        deliveries += offSchedule == 0 ? QStringLiteral(", on Thena's schedule")
                                       : QStringLiteral(", %1 off Thena's schedule").arg(offSchedule);
    }
    row(QStringLiteral("Captured"), esc(deliveries));
    html += QStringLiteral("</table><hr/><table width=\"100%\" cellspacing=\"0\">");
    qint64 previousMs = 0;
    for (const Step &step : lifecycle.steps()) {
        html += stepHtml(step, previousMs);
        previousMs = step.row.receivedMs;
    }
    html += QStringLiteral("</table>");
    return html;
}

QString LifecycleView::timelineText() const
{
    return m_browser->toPlainText();
}

QString LifecycleView::noticeText() const
{
    return m_notice->isHidden() ? QString() : m_notice->text();
}
