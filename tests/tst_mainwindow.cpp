#include "CaptureService.h"
#include "EventDetailView.h"
#include "EventStore.h"
#include "EventTableModel.h"
#include "ExportDialog.h"
#include "FilterBar.h"
#include "HeadlessInspector.h"
#include "InsightsDashboard.h"
#include "InsightsEngine.h"
#include "LifecycleView.h"
#include "MainWindow.h"
#include "RawHttpClient.h"
#include "WelcomePanel.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QClipboard>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPlainTextEdit>
#include <QScopeGuard>
#include <QSettings>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTableView>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTextEdit>
#include <QToolButton>
#include <QTreeView>
#include <memory>

namespace {
QByteArray sample(const char *name)
{
    QFile file(QStringLiteral(THENA_SAMPLES_DIR "/") + QLatin1String(name));
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void collectModelText(const QAbstractItemModel *model, const QModelIndex &parent, QStringList &out, int depth = 0)
{
    if (!model || depth > 6)
        return;
    for (int row = 0; row < model->rowCount(parent); ++row) {
        for (int column = 0; column < model->columnCount(parent); ++column)
            out << model->index(row, column, parent).data().toString();
        collectModelText(model, model->index(row, 0, parent), out, depth + 1);
    }
}

// Everything a user could read in a pane, whatever widgets it is made of.
QString visibleText(const QWidget *root)
{
    QStringList out;
    for (const QLabel *label : root->findChildren<QLabel *>())
        out << label->text();
    for (const QLineEdit *edit : root->findChildren<QLineEdit *>())
        out << edit->text();
    for (const QPlainTextEdit *edit : root->findChildren<QPlainTextEdit *>())
        out << edit->toPlainText();
    for (const QTextEdit *edit : root->findChildren<QTextEdit *>())
        out << edit->toPlainText();
    for (const QAbstractItemView *view : root->findChildren<QAbstractItemView *>())
        collectModelText(view->model(), {}, out);
    return out.join(QLatin1Char('\n'));
}
} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<MainWindow> makeWindow(quint16 port = 0, const QString &store = {})
    {
        InspectorOptions options;
        options.capture.port = port;
        options.capture.storePath = store;
        options.hasListen = true;
        options.hasStore = true;
        auto window = std::make_unique<MainWindow>(options);
        window->show();
        window->startCapture();
        return window;
    }

    int post(const QUrl &url, const QByteArray &body)
    {
        QNetworkRequest request(url);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        request.setRawHeader("authorization", "Bearer top-secret-value");
        request.setRawHeader("x-thena-test", "yes");
        std::unique_ptr<QNetworkReply> reply(m_nam.post(request, body));
        [&] { QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 10000); }();
        return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    }

    QNetworkAccessManager m_nam;

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("thena-inspector-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_mainwindow"));
    }

    void retentionPrunesTheTableAndInsights()
    {
        // --keep-events: once the writer prunes the file (after every 1000 commits), the table,
        // the insights and the detail panes drop what it removed; the selection stays put.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("kept.sqlite"));
        InspectorOptions options;
        options.capture.storePath = path;
        options.capture.retainEvents = 5;
        options.hasListen = options.hasStore = options.hasRetention = true;
        MainWindow window(options);
        window.show();
        window.startCapture();
        QAbstractItemModelTester tester(window.model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
        QTRY_VERIFY_WITH_TIMEOUT(window.listenUrl().isValid(), 10000);

        constexpr int kEvents = 1010;
        const std::vector<QByteArray> bodies = FloodSupport::variedBodies(QStringLiteral("kept"), kEvents);
        RawHttpClient client(quint16(window.listenUrl().port()));
        QVERIFY(client.waitConnected());
        QByteArray wire;
        for (int i = 0; i < 900; ++i)
            wire += FloodSupport::postRequest(bodies[size_t(i)]);
        client.send(wire);
        for (int i = 0; i < 900; ++i) {
            const std::optional<RawHttpResponse> response = client.next(20000);
            QVERIFY(response.has_value());
            QCOMPARE(response->status, 200);
        }
        QTRY_COMPARE_WITH_TIMEOUT(window.model()->totalCount(), 900, 10000);
        // The newest row is selected, the view follows the bottom.
        window.selectEventId(900);
        QTRY_COMPARE_WITH_TIMEOUT(window.detailView()->eventId(), qint64(900), 10000);

        wire.clear();
        for (int i = 900; i < kEvents; ++i)
            wire += FloodSupport::postRequest(bodies[size_t(i)]);
        client.send(wire);
        for (int i = 900; i < kEvents; ++i) {
            const std::optional<RawHttpResponse> response = client.next(20000);
            QVERIFY(response.has_value());
            QCOMPARE(response->status, 200);
        }

        // What the file still holds, once the writer has pruned it.
        qint64 kept = 0;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                EventStore reader;
                if (!reader.open(path, EventStore::Mode::ReadOnly))
                    return false;
                kept = reader.count();
                return kept < kEvents;
            }(),
            10000);
        QVERIFY(kept >= 5 && kept <= 5 + (kEvents - 1000));
        QTRY_COMPARE_WITH_TIMEOUT(window.model()->totalCount(), int(kept), 10000 + MainWindow::PruneIntervalMs);
        const qint64 firstKept = kEvents - kept + 1;
        QCOMPARE(window.model()->rowAt(0).id, firstKept);
        QCOMPARE(window.model()->rowAt(window.model()->rowCount() - 1).id, qint64(kEvents));
        QCOMPARE(window.insightsDashboard()->engine()->snapshotNow().totalEvents, int(kept));
        // Event 900 was pruned: its panes are empty, nothing is selected in its place.
        QCOMPARE(window.detailView()->eventId(), qint64(0));
        QVERIFY(window.selectedEventIds().isEmpty());

        // A surviving selection survives the next prune.
        window.selectEventId(kEvents);
        QTRY_COMPARE_WITH_TIMEOUT(window.detailView()->eventId(), qint64(kEvents), 10000);
        const QList<qint64> before = window.model()->idsThrough(kEvents - 2);
        QVERIFY(!before.isEmpty());
        // The same path retention takes, for ids the file no longer holds.
        QMetaObject::invokeMethod(window.captureService(), "retentionApplied", Q_ARG(qint64, kEvents - 2));
        QTRY_COMPARE_WITH_TIMEOUT(window.model()->totalCount(), 2, 10000 + MainWindow::PruneIntervalMs);
        QCOMPARE(window.selectedEventIds(), QList<qint64> { kEvents });
        QCOMPARE(window.detailView()->eventId(), qint64(kEvents));
    }

    void postAppearsAsRowAndPanesFill()
    {
        auto window = makeWindow();
        QAbstractItemModelTester tester(window->model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
        QTRY_VERIFY_WITH_TIMEOUT(window->listenUrl().isValid(), 10000);
        WelcomePanel *welcome = window->welcomePanel();
        QVERIFY(welcome->isVisible());
        QCOMPARE(welcome->endpoint(), window->listenUrl());
        QVERIFY(visibleText(welcome).contains(window->listenUrl().toString()));

        QUrl hook = window->listenUrl();
        hook.setPath(QStringLiteral("/thena"));
        QCOMPARE(post(hook, sample("request-escalated.json")), 200);
        QTRY_COMPARE_WITH_TIMEOUT(window->model()->rowCount(), 1, 10000);
        QVERIFY(window->tableView()->isVisible());
        QCOMPARE(window->model()->index(0, EventTableModel::KindColumn).data().toString(), QStringLiteral("Escalated"));

        window->selectEventId(window->model()->rowAt(0).id);
        EventDetailView *details = window->detailView();
        QCOMPARE(details->eventId(), window->model()->rowAt(0).id);
        const QString overview = visibleText(details->widget(0));
        QVERIFY2(overview.contains(QStringLiteral("Lorem Ipsum Team")), qPrintable(overview));
        const QString escalations = visibleText(details->widget(2));
        QVERIFY2(!escalations.isEmpty(), "escalations pane is empty");
        const QString ai = visibleText(details->widget(3));
        QVERIFY2(ai.contains(QStringLiteral("Lorem Ipsum Dolor Sit Amet")), qPrintable(ai));
        const QString raw = visibleText(details->widget(4));
        QVERIFY2(raw.contains(QStringLiteral("escalation_details")), qPrintable(raw.left(500)));
        const QString headers = visibleText(details->widget(5));
        QVERIFY2(headers.contains(QStringLiteral("x-thena-test"), Qt::CaseInsensitive), qPrintable(headers));
        QVERIFY2(!headers.contains(QStringLiteral("top-secret-value")), "authorization value shown unmasked");
        QVERIFY(window->selectedEventJson().contains(QStringLiteral("escalation_type")));
    }

    void filterBarAndKindToggles()
    {
        auto window = makeWindow();
        QAbstractItemModelTester tester(window->model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
        QTRY_VERIFY_WITH_TIMEOUT(window->listenUrl().isValid(), 10000);
        QCOMPARE(post(window->listenUrl(), sample("request-created.json")), 200);
        QCOMPARE(post(window->listenUrl(), sample("request-updated.json")), 200);
        QCOMPARE(post(window->listenUrl(), sample("request-escalated.json")), 200);
        QCOMPARE(post(window->listenUrl(), sample("platform-ticket-created.json")), 200);
        QTRY_COMPARE_WITH_TIMEOUT(window->model()->rowCount(), 4, 10000);

        FilterBar *bar = window->filterBar();
        QTest::keyClicks(bar->lineEdit(), QStringLiteral("kind:escalated"));
        QCOMPARE(window->model()->rowCount(), 1);
        QCOMPARE(window->model()->rowAt(0).kind, EventKind::Escalated);
        QVERIFY(bar->errorText().isEmpty());

        bar->setText(QStringLiteral("-kind:escalated"));
        QCOMPARE(window->model()->rowCount(), 3);

        bar->setText(QStringLiteral("colour:red"));
        QVERIFY(!bar->errorText().isEmpty());
        QVERIFY(bar->errorText().contains(QStringLiteral("colour")));

        bar->setText(QString());
        QCOMPARE(window->model()->rowCount(), 4);
        bar->kindButton(EventKind::Updated)->click();
        QCOMPARE(window->model()->rowCount(), 3);
        bar->kindButton(EventKind::Updated)->click();
        QCOMPARE(window->model()->rowCount(), 4);
    }

    void guardRefusalsAreCountedInTheStatusBar()
    {
        auto window = makeWindow();
        QTRY_VERIFY_WITH_TIMEOUT(window->listenUrl().isValid(), 10000);
        auto *refused = window->findChild<QLabel *>(QStringLiteral("refusedLabel"));
        QVERIFY(refused);
        QVERIFY(!refused->isVisible());

        const auto port = quint16(window->listenUrl().port());
        RawHttpClient tooLarge(port);
        QVERIFY(tooLarge.waitConnected());
        tooLarge.send("POST /hook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      "Content-Length: 999999999\r\n\r\n{");
        const auto answer = tooLarge.next();
        QVERIFY(answer);
        QCOMPARE(answer->status, 413);
        RawHttpClient garbage(port);
        QVERIFY(garbage.waitConnected());
        garbage.send("NOT HTTP AT ALL\r\n\r\n");
        QVERIFY(garbage.waitClosedByServer());

        QTRY_VERIFY_WITH_TIMEOUT(refused->isVisible(), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(refused->text(), QStringLiteral("Refused: 2"), 10000);
        QVERIFY2(refused->toolTip().contains(QStringLiteral("1 × 413 body over the size limit")),
            qPrintable(refused->toolTip()));
        QVERIFY2(refused->toolTip().contains(QStringLiteral("1 × 400 HTTP that could not be read")),
            qPrintable(refused->toolTip()));
        // None of them is an event.
        QCOMPARE(window->model()->totalCount(), 0);
    }

    void limitsComeFromSettingsUnlessTheCommandLineSaysOtherwise()
    {
        QSettings settings;
        settings.setValue(QStringLiteral("capture/maxBodyBytes"), 1000);
        const auto cleanup = qScopeGuard([] { QSettings().remove(QStringLiteral("capture/maxBodyBytes")); });
        {
            auto window = makeWindow();
            QTRY_VERIFY_WITH_TIMEOUT(window->listenUrl().isValid(), 10000);
            QCOMPARE(post(window->listenUrl(), QByteArray(999, ' ') + "{}"), 413);
            QCOMPARE(post(window->listenUrl(), QByteArrayLiteral("{\"action\":\"CREATE\"}")), 200);
        }
        InspectorOptions options;
        options.capture.port = 0;
        options.capture.maxBodyBytes = 1024 * 1024;
        options.hasMaxBody = true; // --max-body 1M
        options.hasListen = true;
        options.hasStore = true;
        MainWindow window(options);
        window.show();
        window.startCapture();
        QTRY_VERIFY_WITH_TIMEOUT(window.listenUrl().isValid(), 10000);
        QCOMPARE(post(window.listenUrl(), sample("request-created.json")), 200);
    }

    void invalidBodyIsShownRaw()
    {
        auto window = makeWindow();
        QTRY_VERIFY_WITH_TIMEOUT(window->listenUrl().isValid(), 10000);
        QCOMPARE(post(window->listenUrl(), QByteArrayLiteral("{\"action\": \"CREATE\", oops}")), 400);
        QTRY_COMPARE_WITH_TIMEOUT(window->model()->rowCount(), 1, 10000);
        QCOMPARE(window->model()->rowAt(0).kind, EventKind::Invalid);
        window->selectEventId(window->model()->rowAt(0).id);
        const QString raw = visibleText(window->detailView()->widget(4));
        QVERIFY2(raw.contains(QStringLiteral("oops")), qPrintable(raw));
    }

    void pauseHoldsRowsUntilResume()
    {
        auto window = makeWindow();
        QTRY_VERIFY_WITH_TIMEOUT(window->listenUrl().isValid(), 10000);
        window->setPaused(true);
        QCOMPARE(post(window->listenUrl(), sample("request-created.json")), 200);
        QTRY_COMPARE_WITH_TIMEOUT(window->heldEventCount(), 1, 10000);
        QCOMPARE(window->model()->rowCount(), 0);
        window->setPaused(false);
        QCOMPARE(window->model()->rowCount(), 1);
        QCOMPARE(window->heldEventCount(), 0);

        window->clearEvents();
        QCOMPARE(window->model()->rowCount(), 0);
        QCOMPARE(window->model()->totalCount(), 0);
    }

    void portInUseShownInWindow()
    {
        QTcpServer blocker;
        QVERIFY(blocker.listen(QHostAddress::LocalHost, 0));
        auto window = makeWindow(blocker.serverPort());
        QTRY_VERIFY_WITH_TIMEOUT(!window->listenError().isEmpty(), 10000);
        QVERIFY(window->listenError().contains(QString::number(blocker.serverPort())));
        WelcomePanel *welcome = window->welcomePanel();
        QVERIFY(welcome->isVisible());
        QVERIFY(welcome->listenError().contains(QString::number(blocker.serverPort())));
        auto *listen = window->findChild<QLabel *>(QStringLiteral("listenLabel"));
        QVERIFY(listen->text().contains(QStringLiteral("Not receiving")));
    }

    void memoryModeSaysSoInStatusBar()
    {
        auto window = makeWindow();
        QTRY_VERIFY_WITH_TIMEOUT(window->listenUrl().isValid(), 10000);
        auto *store = window->findChild<QLabel *>(QStringLiteral("storeLabel"));
        QVERIFY(store->text().contains(QStringLiteral("memory"), Qt::CaseInsensitive));
        QVERIFY(window->storePath().isEmpty());
    }

    void storeSurvivesRestartAndBodiesComeFromDisk()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("capture.sqlite"));
        {
            auto window = makeWindow(0, path);
            QTRY_VERIFY_WITH_TIMEOUT(window->listenUrl().isValid(), 10000);
            QTRY_COMPARE(window->storePath(), path);
            QVERIFY(window->storeStatusText().contains(path));
            QCOMPARE(post(window->listenUrl(), sample("request-created.json")), 200);
            QCOMPARE(post(window->listenUrl(), sample("request-escalated.json")), 200);
            QTRY_COMPARE_WITH_TIMEOUT(window->model()->rowCount(), 2, 10000);
        }
        auto window = makeWindow(0, path);
        QAbstractItemModelTester tester(window->model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
        QTRY_VERIFY_WITH_TIMEOUT(!window->isLoadingHistory() && window->model()->rowCount() == 2, 10000);
        QCOMPARE(window->model()->rowAt(0).kind, EventKind::Created);
        QCOMPARE(window->model()->rowAt(1).kind, EventKind::Escalated);
        QTRY_VERIFY_WITH_TIMEOUT(window->listenUrl().isValid(), 10000);
        QCOMPARE(post(window->listenUrl(), sample("request-updated.json")), 200);
        QTRY_COMPARE_WITH_TIMEOUT(window->model()->rowCount(), 3, 10000);
        QCOMPARE(window->model()->rowAt(2).id, 3); // ids continue after the stored ones

        window->selectEventId(2);
        QTRY_VERIFY_WITH_TIMEOUT(window->selectedEventJson().contains(QStringLiteral("escalation_details")), 10000);
        QCOMPARE(window->detailView()->eventId(), 2);
        QVERIFY(visibleText(window->detailView()->widget(3)).contains(QStringLiteral("Lorem Ipsum Dolor Sit Amet")));
        QVERIFY(window->recentCaptures().contains(path));
    }

    void corruptStoreKeepsCapturingInMemory()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("broken.sqlite"));
        const QByteArray garbage(4096, 'x');
        {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(garbage);
        }
        auto window = makeWindow(0, path);
        QTRY_VERIFY_WITH_TIMEOUT(window->listenUrl().isValid(), 10000);
        auto *banner = window->findChild<QLabel *>(QStringLiteral("windowBanner"));
        QTRY_VERIFY_WITH_TIMEOUT(banner->isVisible(), 10000);
        QVERIFY2(banner->text().contains(path), qPrintable(banner->text()));
        QVERIFY(window->storeStatusText().contains(QStringLiteral("Not saved")));
        QCOMPARE(post(window->listenUrl(), sample("request-created.json")), 200);
        QTRY_COMPARE_WITH_TIMEOUT(window->model()->rowCount(), 1, 10000);
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), garbage);
    }

    void deleteSelectedAndClearAllReachTheStore()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("del.sqlite"));
        auto window = makeWindow(0, path);
        QTRY_VERIFY_WITH_TIMEOUT(window->listenUrl().isValid(), 10000);
        QTRY_COMPARE(window->storePath(), path);
        for (const char *name : { "request-created.json", "request-updated.json", "request-escalated.json" })
            QCOMPARE(post(window->listenUrl(), sample(name)), 200);
        QTRY_COMPARE_WITH_TIMEOUT(window->model()->rowCount(), 3, 10000);
        window->selectEventId(2);
        QCOMPARE(window->selectedEventIds(), QList<qint64>({ 2 }));
        window->deleteEvents(window->selectedEventIds());
        QCOMPARE(window->model()->totalCount(), 2);
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                EventStore store;
                return store.open(path, EventStore::Mode::ReadOnly) && store.count() == 2 && !store.loadEvent(2);
            }(),
            10000);
        window->clearEvents();
        QCOMPARE(window->model()->totalCount(), 0);
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                EventStore store;
                return store.open(path, EventStore::Mode::ReadOnly) && store.count() == 0;
            }(),
            10000);
    }

    void saveAsThenOpenCapture()
    {
        QTemporaryDir dir;
        auto window = makeWindow(); // memory mode
        QTRY_VERIFY_WITH_TIMEOUT(window->listenUrl().isValid(), 10000);
        QCOMPARE(post(window->listenUrl(), sample("request-created.json")), 200);
        QCOMPARE(post(window->listenUrl(), sample("platform-ticket-created.json")), 200);
        QTRY_COMPARE_WITH_TIMEOUT(window->model()->rowCount(), 2, 10000);
        const QString saved = dir.filePath(QStringLiteral("saved.sqlite"));
        QString error;
        QVERIFY2(window->saveCaptureAs(saved, &error), qPrintable(error));
        {
            EventStore store;
            QVERIFY(store.open(saved, EventStore::Mode::ReadOnly));
            QCOMPARE(store.count(), 2);
            QCOMPARE(store.loadEvent(2)->body, sample("platform-ticket-created.json"));
        }
        window->clearEvents();
        window->openCapture(saved);
        QTRY_COMPARE_WITH_TIMEOUT(window->storePath(), saved, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(window->model()->rowCount(), 2, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(window->listenUrl().isValid(), 10000);
        QCOMPARE(post(window->listenUrl(), sample("request-updated.json")), 200);
        QTRY_COMPARE_WITH_TIMEOUT(window->model()->rowCount(), 3, 10000);
    }

    void exportAndImportFromTheWindow()
    {
        QTemporaryDir dir;
        auto window = makeWindow();
        QTRY_VERIFY_WITH_TIMEOUT(window->listenUrl().isValid(), 10000);
        QCOMPARE(post(window->listenUrl(), sample("request-created.json")), 200);
        QCOMPARE(post(window->listenUrl(), sample("request-escalated.json")), 200);
        QTRY_COMPARE_WITH_TIMEOUT(window->model()->rowCount(), 2, 10000);

        std::unique_ptr<ExportDialog> dialog(window->createExportDialog());
        dialog->setFormat(EventExporter::Format::JsonLines);
        const QString jsonl = dir.filePath(QStringLiteral("events.jsonl"));
        QVERIFY2(dialog->runExport(jsonl), qPrintable(dialog->errorString()));
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(jsonl).size() > 0, 10000);

        window->clearEvents();
        QString error;
        QVERIFY2(window->importJsonLines(jsonl, &error), qPrintable(error));
        QTRY_COMPARE_WITH_TIMEOUT(window->model()->rowCount(), 2, 10000);
        QCOMPARE(window->model()->rowAt(0).kind, EventKind::Created);
        QCOMPARE(window->model()->rowAt(1).kind, EventKind::Escalated);
        window->selectEventId(window->model()->rowAt(1).id);
        QVERIFY(window->selectedEventJson().contains(QStringLiteral("escalation_type")));
    }

    void sendSampleEventsFillsTheTable()
    {
        auto window = makeWindow();
        QTRY_VERIFY_WITH_TIMEOUT(window->listenUrl().isValid(), 10000);
        QSignalSpy sent(window->welcomePanel(), &WelcomePanel::samplesSent);
        window->welcomePanel()->sendSamples();
        QTRY_COMPARE_WITH_TIMEOUT(sent.size(), 1, 10000);
        const int accepted = sent.first().at(0).toInt();
        QVERIFY(accepted >= 4);
        QTRY_COMPARE_WITH_TIMEOUT(window->model()->rowCount(), accepted, 10000);
        QVERIFY(window->tableView()->isVisible());
    }

    void chartClickSetsTheFilter()
    {
        auto window = makeWindow();
        QTRY_VERIFY_WITH_TIMEOUT(window->listenUrl().isValid(), 10000);
        for (const char *name : { "request-created.json", "request-updated.json", "request-escalated.json" })
            QCOMPARE(post(window->listenUrl(), sample(name)), 200);
        QTRY_COMPARE_WITH_TIMEOUT(window->model()->rowCount(), 3, 10000);
        window->showInsights();
        QVERIFY(window->insightsDashboard()->isVisible());
        emit window->insightsDashboard()->filterRequested(QStringLiteral("urgency:high"));
        QCOMPARE(window->filterBar()->text(), QStringLiteral("urgency:high"));
        QCOMPARE(window->model()->rowCount(), 1);
        QCOMPARE(window->model()->rowAt(0).urgency, QStringLiteral("High"));
    }

    void followRequestFromTheFilterAndHideRetries()
    {
        auto window = makeWindow();
        QTRY_VERIFY_WITH_TIMEOUT(window->listenUrl().isValid(), 10000);
        const QByteArray updated = sample("request-updated.json");
        QCOMPARE(post(window->listenUrl(), sample("request-created.json")), 200);
        QCOMPARE(post(window->listenUrl(), updated), 200);
        QCOMPARE(post(window->listenUrl(), updated), 200); // Thena's retry: same body again
        QTRY_COMPARE_WITH_TIMEOUT(window->model()->rowCount(), 3, 10000);
        QCOMPARE(window->model()->rowAt(2).attempt, 2);

        window->filterBar()->hideRetriesButton()->click();
        QCOMPARE(window->model()->rowCount(), 2);
        window->filterBar()->hideRetriesButton()->click();
        QCOMPARE(window->model()->rowCount(), 3);

        const QString id = window->model()->rowAt(1).requestId;
        QVERIFY(!id.isEmpty());
        QSignalSpy follow(window->filterBar(), &FilterBar::followRequested);
        window->filterBar()->setText(QStringLiteral("request:") + id);
        QTest::keyClick(window->filterBar()->lineEdit(), Qt::Key_Return);
        QCOMPARE(follow.size(), 1);
        QCOMPARE(follow.first().first().toString(), id);
        LifecycleView *view = window->findChild<LifecycleView *>();
        QVERIFY(view);
        QCOMPARE(view->requestId(), id);
        QTRY_VERIFY_WITH_TIMEOUT(!view->isLoading(), 10000);
        QVERIFY2(!view->timelineText().isEmpty(), qPrintable(view->noticeText()));
        QCOMPARE(window->followRequest(id), view); // raised, not opened twice
    }

    void copyAsCurlMasksTheSecret()
    {
        auto window = makeWindow();
        QTRY_VERIFY_WITH_TIMEOUT(window->listenUrl().isValid(), 10000);
        QCOMPARE(post(window->listenUrl(), sample("request-created.json")), 200);
        QTRY_COMPARE_WITH_TIMEOUT(window->model()->rowCount(), 1, 10000);
        window->selectEventId(window->model()->rowAt(0).id);
        const QString masked = window->selectedEventAsCurl(false);
        QVERIFY2(masked.startsWith(QStringLiteral("curl")), qPrintable(masked));
        QVERIFY(masked.contains(window->listenUrl().host()));
        QVERIFY(!masked.contains(QStringLiteral("top-secret-value")));
        QVERIFY(window->selectedEventAsCurl(true).contains(QStringLiteral("top-secret-value")));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
