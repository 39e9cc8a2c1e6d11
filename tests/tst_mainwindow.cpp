#include "CaptureService.h"
#include "EventDetailView.h"
#include "EventTableModel.h"
#include "FilterBar.h"
#include "MainWindow.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPlainTextEdit>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTableView>
#include <QTcpServer>
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
    std::unique_ptr<MainWindow> makeWindow(quint16 port = 0)
    {
        InspectorOptions options;
        options.capture.port = port;
        options.hasListen = true;
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

    void postAppearsAsRowAndPanesFill()
    {
        auto window = makeWindow();
        QAbstractItemModelTester tester(window->model(), QAbstractItemModelTester::FailureReportingMode::Fatal);
        QTRY_VERIFY_WITH_TIMEOUT(window->listenUrl().isValid(), 10000);
        auto *welcome = window->findChild<QLabel *>(QStringLiteral("welcomePanel"));
        QVERIFY(welcome);
        QVERIFY(welcome->text().contains(window->listenUrl().toString()));

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
        auto *welcome = window->findChild<QLabel *>(QStringLiteral("welcomePanel"));
        QVERIFY(welcome->isVisible());
        QVERIFY(welcome->text().contains(QString::number(blocker.serverPort())));
        auto *listen = window->findChild<QLabel *>(QStringLiteral("listenLabel"));
        QVERIFY(listen->text().contains(QStringLiteral("Not receiving")));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
