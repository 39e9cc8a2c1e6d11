#include "EventStore.h"
#include "LifecycleSamples.h"
#include "LifecycleView.h"
#include "MemoryBodySource.h"
#include "StoreBodySource.h"

#include <QAbstractTextDocumentLayout>
#include <QApplication>
#include <QClipboard>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTextDocument>
#include <QThread>
#include <atomic>

namespace {
using namespace LifecycleSamples;
constexpr int kWaitMs = 10000;

QList<EventRow> rowsOf(const QList<CapturedEvent> &events)
{
    QList<EventRow> rows;
    for (const CapturedEvent &event : events)
        rows.append(event.row);
    return rows;
}

LifecycleView::BodySourceFactory memoryFactory(const QList<CapturedEvent> &events)
{
    QHash<qint64, CapturedEvent> byId;
    for (const CapturedEvent &event : events)
        byId.insert(event.row.id, event);
    return [byId] { return std::make_unique<MemoryBodySource>(byId); };
}

// Records the thread each body is read on, and reads slowly when asked to.
class ProbeSource final : public EventBodySource
{
public:
    ProbeSource(QHash<qint64, CapturedEvent> events, std::atomic<QThread *> *thread, int delayMs)
        : m_events(std::move(events))
        , m_thread(thread)
        , m_delayMs(delayMs)
    { }

    std::optional<CapturedEvent> load(qint64 id) override
    {
        m_thread->store(QThread::currentThread());
        if (m_delayMs > 0)
            QThread::msleep(static_cast<unsigned long>(m_delayMs));
        const auto it = m_events.constFind(id);
        if (it == m_events.cend())
            return std::nullopt;
        return *it;
    }
    QString errorString() const override { return QStringLiteral("gone from the probe"); }

private:
    QHash<qint64, CapturedEvent> m_events;
    std::atomic<QThread *> *m_thread;
    int m_delayMs;
};

QTextBrowser *browserOf(LifecycleView &view)
{
    return view.findChild<QTextBrowser *>(QStringLiteral("lifecycleTimeline"));
}
} // namespace

class tst_LifecycleView : public QObject
{
    Q_OBJECT

private slots:
    void showsTimelineAndDerivedTimes();
    void loadsFromMemoryOffTheGuiThread();
    void loadsFromCaptureFile();
    void missingBodiesAreNoted();
    void refreshPicksUpNewEvents();
    void clickingAnEventSelectsIt();
    void payloadTextIsNeverMarkup();
    void copyAsText();
    void emptyRequest();
    void destroyedWhileLoading();
};

void tst_LifecycleView::showsTimelineAndDerivedTimes()
{
    LifecycleView view;
    view.setLifecycle(RequestLifecycle::build(QStringLiteral("77"), story()));
    const QString text = view.timelineText();
    for (const char *expected : { "Time to first response\n40 min", "Time to assignment\n5 min", "Time to close\n2 h",
             "Escalated\n yes", "6 events, 8 deliveries; 1 event retried, on Thena's schedule", "+5 min\n", "+2 h\n",
             "updated  #9 Thena time ", "assigned to ann.agent <ann@vendor.example>",
             "likely an SLA breach of the first response time", "escalation by ben.lead: Finance close blocked",
             "Export blocks the month-end close", "Deliveries: 3 attempts over 30 s, all gaps as expected",
             "attempt 3, 20 s after attempt 2, as expected", "+resolved", "\u2212timeout",
             "dana: Customer: still blocked & escalating" }) {
        QVERIFY2(text.contains(QString::fromUtf8(expected)), expected);
    }
    QCOMPARE(view.windowTitle(), QStringLiteral("Follow request 77"));
    const auto *heading = view.findChild<QLabel *>(QStringLiteral("lifecycleHeading"));
    QVERIFY(heading->text().contains(QStringLiteral("Export to CSV fails for large workspaces")));
    QVERIFY(view.noticeText().isEmpty());
}

void tst_LifecycleView::loadsFromMemoryOffTheGuiThread()
{
    const QList<CapturedEvent> events = story();
    QHash<qint64, CapturedEvent> byId;
    for (const CapturedEvent &event : events)
        byId.insert(event.row.id, event);
    std::atomic<QThread *> readOn { nullptr };
    LifecycleView view;
    QSignalSpy loaded(&view, &LifecycleView::loaded);
    view.load(QStringLiteral("77"), rowsOf(events),
        [&byId, &readOn] { return std::make_unique<ProbeSource>(byId, &readOn, 0); });
    QVERIFY(view.noticeText().startsWith(QStringLiteral("Loading 8 events")));
    QVERIFY(loaded.wait(kWaitMs));
    QVERIFY(!view.isLoading());
    QVERIFY(readOn.load() != nullptr);
    QVERIFY(readOn.load() != QThread::currentThread());
    QCOMPARE(view.lifecycle().steps().size(), 6);
    QCOMPARE(view.lifecycle().toText(), RequestLifecycle::build(QStringLiteral("77"), events).toText());
    QVERIFY(view.noticeText().isEmpty());
}

void tst_LifecycleView::loadsFromCaptureFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("capture.thena"));
    const QList<CapturedEvent> events = story();
    {
        EventStore store;
        QVERIFY2(store.open(path), qPrintable(store.errorString()));
        QVERIFY2(store.insert(events), qPrintable(store.errorString()));
    }
    LifecycleView view;
    QSignalSpy loaded(&view, &LifecycleView::loaded);
    // The source opens its own read-only connection in the loader thread.
    view.load(QStringLiteral("77"), rowsOf(events), [path] { return std::make_unique<StoreBodySource>(path); });
    QVERIFY(loaded.wait(kWaitMs));
    QCOMPARE(view.lifecycle().steps().size(), 6);
    QCOMPARE(view.lifecycle().times().toClose.ms, 120 * kMinute);
    QVERIFY(view.timelineText().contains(QStringLiteral("escalation by ben.lead")));
    QVERIFY(view.noticeText().isEmpty());
}

void tst_LifecycleView::missingBodiesAreNoted()
{
    const QList<CapturedEvent> events = story();
    QHash<qint64, CapturedEvent> byId;
    for (const CapturedEvent &event : events) {
        if (event.row.id != 4)
            byId.insert(event.row.id, event);
    }
    std::atomic<QThread *> readOn { nullptr };
    LifecycleView view;
    QSignalSpy loaded(&view, &LifecycleView::loaded);
    view.load(QStringLiteral("77"), rowsOf(events),
        [&byId, &readOn] { return std::make_unique<ProbeSource>(byId, &readOn, 0); });
    QVERIFY(loaded.wait(kWaitMs));
    QCOMPARE(view.lifecycle().steps().size(), 6);
    QCOMPARE(view.noticeText(),
        QStringLiteral("1 event could not be read: gone from the probe. Their rows are shown without changes."));
}

void tst_LifecycleView::refreshPicksUpNewEvents()
{
    QList<CapturedEvent> events = story();
    const CapturedEvent closing = events.takeLast();
    LifecycleView view;
    QSignalSpy loaded(&view, &LifecycleView::loaded);
    auto *refresh = view.findChild<QPushButton *>(QStringLiteral("refreshButton"));
    QVERIFY(refresh);
    QVERIFY(!refresh->isEnabled());
    QList<CapturedEvent> all = events;
    view.setRowsProvider([&all] { return rowsOf(all); });
    QVERIFY(refresh->isEnabled());
    view.load(QStringLiteral("77"), rowsOf(events), memoryFactory(story()));
    QVERIFY(loaded.wait(kWaitMs));
    QCOMPARE(view.lifecycle().steps().size(), 5);
    all.append(closing);
    QTest::mouseClick(refresh, Qt::LeftButton);
    QVERIFY(loaded.wait(kWaitMs));
    QCOMPARE(view.lifecycle().steps().size(), 6);
    QVERIFY(view.timelineText().contains(QStringLiteral("closed by ann.agent")));
}

void tst_LifecycleView::clickingAnEventSelectsIt()
{
    LifecycleView view;
    view.setLifecycle(RequestLifecycle::build(QStringLiteral("77"), story()));
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QSignalSpy activated(&view, &LifecycleView::eventActivated);
    QTextBrowser *browser = browserOf(view);
    // Find the "#9" anchor (the closing update) in the laid-out document and click it.
    QTextDocument *document = browser->document();
    const QTextCursor found = document->find(QStringLiteral("#9"));
    QVERIFY(!found.isNull());
    QTextCursor middle(document);
    middle.setPosition(found.selectionStart() + 1);
    browser->setTextCursor(middle);
    browser->ensureCursorVisible();
    const QRect rect = browser->cursorRect(middle);
    QTest::mouseClick(browser->viewport(), Qt::LeftButton, {}, rect.center());
    QTRY_COMPARE_WITH_TIMEOUT(activated.size(), 1, kWaitMs);
    QCOMPARE(activated.first().first().toLongLong(), qint64(9));
}

void tst_LifecycleView::payloadTextIsNeverMarkup()
{
    const QByteArray body = edited("request-created.json", [](QJsonObject &root, QJsonObject &request) {
        created(root, request, QStringLiteral("5"));
        request.insert(
            QStringLiteral("AI_requestTitle"), QStringLiteral("<img src='http://evil.example/x.png'><b>bold</b>"));
        request.insert(QStringLiteral("status"), QStringLiteral("<a href='http://evil.example/'>click</a>"));
    });
    LifecycleView view;
    view.setLifecycle(RequestLifecycle::build(QStringLiteral("5"), { capture(body, 1, kFirstReceivedMs) }));
    const QString text = view.timelineText();
    QVERIFY(text.contains(QStringLiteral("status: <a href='http://evil.example/'>click</a>")));
    const QString html = LifecycleView::toHtml(view.lifecycle());
    QVERIFY(!html.contains(QStringLiteral("<img")));
    QVERIFY(!html.contains(QStringLiteral("<a href='")));
    // The only anchors are our own.
    QTextBrowser *browser = browserOf(view);
    for (QTextBlock block = browser->document()->begin(); block.isValid(); block = block.next()) {
        for (auto it = block.begin(); !it.atEnd(); ++it) {
            const QTextCharFormat format = it.fragment().charFormat();
            if (format.isAnchor())
                QVERIFY2(format.anchorHref().startsWith(QStringLiteral("event:")), qPrintable(format.anchorHref()));
            QVERIFY(!format.isImageFormat());
        }
    }
    const auto *heading = view.findChild<QLabel *>(QStringLiteral("lifecycleHeading"));
    QVERIFY(heading->text().contains(QStringLiteral("&lt;img")));
}

void tst_LifecycleView::copyAsText()
{
    LifecycleView view;
    const RequestLifecycle lifecycle = RequestLifecycle::build(QStringLiteral("77"), story());
    view.setLifecycle(lifecycle);
    auto *copy = view.findChild<QPushButton *>(QStringLiteral("copyButton"));
    QVERIFY(copy->isEnabled());
    QTest::mouseClick(copy, Qt::LeftButton);
    QCOMPARE(QApplication::clipboard()->text(), lifecycle.toText());
}

void tst_LifecycleView::emptyRequest()
{
    LifecycleView view;
    QVERIFY(view.timelineText().contains(QStringLiteral("No request chosen.")));
    QSignalSpy loaded(&view, &LifecycleView::loaded);
    view.load(QStringLiteral("404"), rowsOf(story()), memoryFactory(story()));
    QVERIFY(loaded.wait(kWaitMs));
    QVERIFY(view.lifecycle().isEmpty());
    QVERIFY(view.timelineText().contains(QStringLiteral("No captured event of request 404.")));
    QVERIFY(!view.findChild<QPushButton *>(QStringLiteral("copyButton"))->isEnabled());
}

void tst_LifecycleView::destroyedWhileLoading()
{
    // Closing the window while bodies are being read neither crashes nor delivers late results.
    const QList<CapturedEvent> events = story();
    QHash<qint64, CapturedEvent> byId;
    for (const CapturedEvent &event : events)
        byId.insert(event.row.id, event);
    std::atomic<QThread *> readOn { nullptr };
    auto view = std::make_unique<LifecycleView>();
    QSignalSpy loaded(view.get(), &LifecycleView::loaded);
    view->load(QStringLiteral("77"), rowsOf(events),
        [&byId, &readOn] { return std::make_unique<ProbeSource>(byId, &readOn, 20); });
    QVERIFY(view->isLoading());
    QTRY_VERIFY_WITH_TIMEOUT(readOn.load() != nullptr, kWaitMs);
    view.reset();
    QCoreApplication::processEvents();
    QCOMPARE(loaded.size(), 0);

    // A second load replaces the first: only the second one's result arrives.
    LifecycleView again;
    QSignalSpy loadedAgain(&again, &LifecycleView::loaded);
    again.load(QStringLiteral("77"), rowsOf(events),
        [&byId, &readOn] { return std::make_unique<ProbeSource>(byId, &readOn, 5); });
    again.load(QStringLiteral("42"), rowsOf(events), memoryFactory(events));
    QVERIFY(loadedAgain.wait(kWaitMs));
    QCOMPARE(again.lifecycle().requestId(), QStringLiteral("42"));
    QCOMPARE(loadedAgain.size(), 1);
}

QTEST_MAIN(tst_LifecycleView)
#include "tst_lifecycleview.moc"
