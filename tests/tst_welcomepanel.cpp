#include "CaptureService.h"
#include "DesktopResources.h"
#include "EventTableModel.h"
#include "TestSupport.h"
#include "WelcomePanel.h"

#include <QAbstractItemModelTester>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <memory>

// The first-run panel: its instructions follow the server's state, and "Send sample events" fills
// a real capture service (and the table behind it) over real loopback HTTP.
class TestWelcomePanel : public QObject
{
    Q_OBJECT

private:
    struct Server
    {
        std::unique_ptr<CaptureService> service = std::make_unique<CaptureService>();
        std::unique_ptr<EventTableModel> model = std::make_unique<EventTableModel>();
        std::unique_ptr<QAbstractItemModelTester> tester;
        QUrl url;
    };

    // A capture service on a free loopback port, feeding a table model as the window does.
    static std::unique_ptr<Server> startServer(const QByteArray &secret = {})
    {
        auto server = std::make_unique<Server>();
        server->tester = std::make_unique<QAbstractItemModelTester>(
            server->model.get(), QAbstractItemModelTester::FailureReportingMode::Fatal);
        EventTableModel *model = server->model.get();
        QObject::connect(
            server->service.get(), &CaptureService::eventsCaptured, model, [model](const QList<CapturedEvent> &batch) {
                QList<EventRow> rows;
                for (const CapturedEvent &event : batch)
                    rows.append(event.row);
                model->appendRows(rows);
            });
        QSignalSpy listening(server->service.get(), &CaptureService::listening);
        CaptureConfig config;
        config.port = 0;
        config.secret = secret;
        server->service->start(config);
        if (!listening.wait(10000) && listening.isEmpty())
            return server;
        server->url = listening.at(0).at(0).toUrl();
        return server;
    }

    static QString sampleBaseName(const QString &file) { return QFileInfo(file).completeBaseName(); }

private slots:
    void samplesAreCompiledIn()
    {
        const QList<DesktopResources::Sample> samples = DesktopResources::samples();
        const QStringList files = TestSupport::sampleFiles();
        QCOMPARE(samples.size(), files.size());
        QStringList names;
        for (const DesktopResources::Sample &sample : samples) {
            names.append(sample.name);
            QCOMPARE(sample.body, TestSupport::sample(sample.name + QStringLiteral(".json")));
        }
        // The documented shapes first, in the order a request lives through them.
        QStringList expectedFirst;
        for (const QString &name : TestSupport::sampleNames())
            expectedFirst.append(sampleBaseName(name));
        QCOMPARE(names.mid(0, expectedFirst.size()), expectedFirst);
    }

    void iconAndDesktopIdentity()
    {
        const QIcon icon = DesktopResources::applicationIcon();
        QVERIFY(!icon.isNull());
        const QList<QSize> sizes = icon.availableSizes();
        for (const int size : { 16, 22, 24, 32, 48, 64, 128, 256, 512 })
            QVERIFY2(sizes.contains(QSize(size, size)), qPrintable(QString::number(size)));
        // Reverse DNS, as the desktop-entry and AppStream specifications ask.
        QVERIFY(DesktopResources::desktopFileName().count(QLatin1Char('.')) >= 2);
        const QUrl readme = DesktopResources::readmeUrl();
        QVERIFY(readme.isLocalFile());
        QCOMPARE(QFileInfo(readme.toLocalFile()).fileName(), QStringLiteral("README.md"));
    }

    void sampleTarget_data()
    {
        QTest::addColumn<QUrl>("endpoint");
        QTest::addColumn<QUrl>("target");
        QTest::newRow("loopback") << QUrl(QStringLiteral("http://127.0.0.1:8080/"))
                                  << QUrl(QStringLiteral("http://127.0.0.1:8080/"));
        QTest::newRow("other loopback") << QUrl(QStringLiteral("http://127.0.0.2:9/x"))
                                        << QUrl(QStringLiteral("http://127.0.0.2:9/"));
        QTest::newRow("ipv6 loopback") << QUrl(QStringLiteral("http://[::1]:8080/"))
                                       << QUrl(QStringLiteral("http://[::1]:8080/"));
        QTest::newRow("localhost") << QUrl(QStringLiteral("http://localhost:8081/"))
                                   << QUrl(QStringLiteral("http://127.0.0.1:8081/"));
        QTest::newRow("every ipv4 address")
            << QUrl(QStringLiteral("http://0.0.0.0:8080/")) << QUrl(QStringLiteral("http://127.0.0.1:8080/"));
        QTest::newRow("every ipv6 address")
            << QUrl(QStringLiteral("http://[::]:8080/")) << QUrl(QStringLiteral("http://[::1]:8080/"));
        QTest::newRow("a LAN address") << QUrl(QStringLiteral("http://192.168.1.20:8080/")) << QUrl();
        QTest::newRow("a public address") << QUrl(QStringLiteral("http://203.0.113.5:8080/")) << QUrl();
        QTest::newRow("a name") << QUrl(QStringLiteral("http://inspector.example:8080/")) << QUrl();
        QTest::newRow("https") << QUrl(QStringLiteral("https://127.0.0.1:8080/")) << QUrl();
        QTest::newRow("empty") << QUrl() << QUrl();
    }

    void sampleTarget()
    {
        QFETCH(QUrl, endpoint);
        QFETCH(QUrl, target);
        QCOMPARE(WelcomePanel::sampleTarget(endpoint), target);
    }

    void sendSampleEventsFillsTheTable()
    {
        std::unique_ptr<Server> server = startServer();
        QVERIFY(server->url.isValid());
        WelcomePanel panel;
        panel.resize(800, 600);
        panel.show();
        panel.setEndpoint(server->url);
        QPushButton *send = panel.sendSamplesButton();
        QVERIFY(send->isEnabled());

        QSignalSpy sent(&panel, &WelcomePanel::samplesSent);
        QTest::mouseClick(send, Qt::LeftButton);
        QVERIFY(panel.isSending());
        QVERIFY(!send->isEnabled()); // one round at a time
        QTRY_COMPARE_WITH_TIMEOUT(sent.size(), 1, 10000);
        const int count = static_cast<int>(panel.samples().size());
        QCOMPARE(sent.at(0).at(0).toInt(), count);
        QCOMPARE(sent.at(0).at(1).toInt(), 0);
        QVERIFY2(panel.statusText().contains(QStringLiteral("accepted them all")), qPrintable(panel.statusText()));
        QVERIFY(send->isEnabled());

        // The table has one row per sample, in the order sent, each marked by its path.
        QTRY_COMPARE_WITH_TIMEOUT(server->model->totalCount(), count, 10000);
        const QList<EventKind> kinds
            = { EventKind::Created, EventKind::Updated, EventKind::Escalated, EventKind::Platform };
        for (int i = 0; i < count; ++i) {
            const EventRow &row = server->model->rowAt(i);
            QCOMPARE(row.path, QStringLiteral("/sample/") + panel.samples().at(i).name);
            QVERIFY(row.valid);
            if (i < kinds.size())
                QCOMPARE(row.kind, kinds.at(i));
        }
        QCOMPARE(server->model->rowAt(2).requestId, QStringLiteral("1234"));
        server->service->stop();
    }

    void theSecretGoesAlong()
    {
        std::unique_ptr<Server> server = startServer("s3cret-value");
        QVERIFY(server->url.isValid());
        WelcomePanel panel;
        panel.setEndpoint(server->url);
        QSignalSpy sent(&panel, &WelcomePanel::samplesSent);

        // Without it the server refuses every sample, and the panel says why.
        panel.sendSamples();
        QTRY_COMPARE_WITH_TIMEOUT(sent.size(), 1, 10000);
        QCOMPARE(sent.at(0).at(0).toInt(), 0);
        QCOMPARE(sent.at(0).at(1).toInt(), static_cast<int>(panel.samples().size()));
        QVERIFY2(panel.statusText().contains(QStringLiteral("401")), qPrintable(panel.statusText()));
        QCOMPARE(server->model->totalCount(), 0);

        panel.setSecret("s3cret-value");
        panel.sendSamples();
        QTRY_COMPARE_WITH_TIMEOUT(sent.size(), 2, 10000);
        QCOMPARE(sent.at(1).at(1).toInt(), 0);
        QTRY_COMPARE_WITH_TIMEOUT(server->model->totalCount(), static_cast<int>(panel.samples().size()), 10000);
        // The panel says a secret is set, never what it is.
        const QList<QLabel *> labels = panel.findChildren<QLabel *>();
        for (const QLabel *label : labels)
            QVERIFY(!label->text().contains(QStringLiteral("s3cret")));
        QVERIFY(panel.findChild<QLabel *>(QStringLiteral("welcomeSecret"))->text().contains(QStringLiteral("is set")));
        server->service->stop();
    }

    void instructionsFollowTheServer()
    {
        WelcomePanel panel;
        panel.show();
        auto *heading = panel.findChild<QLabel *>(QStringLiteral("welcomeHeading"));
        auto *endpoint = panel.findChild<QLineEdit *>(QStringLiteral("welcomeEndpoint"));
        auto *tunnel = panel.findChild<QLabel *>(QStringLiteral("welcomeTunnel"));
        auto *error = panel.findChild<QLabel *>(QStringLiteral("welcomeError"));
        QVERIFY(heading && endpoint && tunnel && error);

        QVERIFY(heading->text().contains(QStringLiteral("Starting")));
        QVERIFY(!panel.sendSamplesButton()->isEnabled());
        QVERIFY(!endpoint->isVisible());

        panel.setEndpoint(QUrl(QStringLiteral("http://127.0.0.1:8099/")));
        QVERIFY(heading->text().contains(QStringLiteral("Waiting for Thena webhooks")));
        QVERIFY(endpoint->isVisible());
        QCOMPARE(endpoint->text(), QStringLiteral("http://127.0.0.1:8099/"));
        QVERIFY(endpoint->isReadOnly());
        // The tunnels are linked, with commands for this port, not bundled.
        QVERIFY(tunnel->text().contains(QStringLiteral("href='https://developers.cloudflare.com/")));
        QVERIFY(tunnel->text().contains(QStringLiteral("href='https://ngrok.com/")));
        QVERIFY(tunnel->text().contains(QStringLiteral("cloudflared tunnel --url http://127.0.0.1:8099")));
        QVERIFY(tunnel->text().contains(QStringLiteral("ngrok http 8099")));
        QVERIFY(panel.sendSamplesButton()->isEnabled());

        // Listening on every address: the tunnel and the samples use loopback.
        panel.setEndpoint(QUrl(QStringLiteral("http://0.0.0.0:8098/")));
        QVERIFY(tunnel->text().contains(QStringLiteral("cloudflared tunnel --url http://127.0.0.1:8098")));
        QVERIFY(panel.sendSamplesButton()->isEnabled());

        // A LAN address: samples would leave loopback, so the button is off and says why.
        panel.setEndpoint(QUrl(QStringLiteral("http://192.168.1.20:8080/")));
        QVERIFY(!panel.sendSamplesButton()->isEnabled());
        QVERIFY(
            panel.findChild<QLabel *>(QStringLiteral("welcomeSendNote"))->text().contains(QStringLiteral("loopback")));

        panel.setListenError(QStringLiteral("Port 8080 is in use <by another program>"));
        QVERIFY(heading->text().contains(QStringLiteral("not receiving")));
        QVERIFY(error->isVisible());
        QVERIFY(error->text().contains(QStringLiteral("in use &lt;by another program&gt;")));
        QVERIFY(!endpoint->isVisible());
        QVERIFY(!panel.sendSamplesButton()->isEnabled());

        panel.setEndpoint(QUrl(QStringLiteral("http://127.0.0.1:8100/")));
        QVERIFY(!error->isVisible());
        QVERIFY(panel.sendSamplesButton()->isEnabled());
    }

    void withoutSamplesTheButtonExplains()
    {
        WelcomePanel panel;
        panel.setSamples({});
        panel.setEndpoint(QUrl(QStringLiteral("http://127.0.0.1:8099/")));
        QVERIFY(!panel.sendSamplesButton()->isEnabled());
        QSignalSpy sent(&panel, &WelcomePanel::samplesSent);
        panel.sendSamples();
        QVERIFY(!panel.isSending());
        QCOMPARE(sent.size(), 0);
        QVERIFY(
            panel.findChild<QLabel *>(QStringLiteral("welcomeSendNote"))->text().contains(QStringLiteral("No sample")));
    }

    void settingsLink()
    {
        WelcomePanel panel;
        panel.setEndpoint(QUrl(QStringLiteral("http://127.0.0.1:8099/")));
        QSignalSpy settings(&panel, &WelcomePanel::settingsRequested);
        auto *secret = panel.findChild<QLabel *>(QStringLiteral("welcomeSecret"));
        QVERIFY(secret->text().contains(QStringLiteral("thena-inspector:settings")));
        emit secret->linkActivated(QStringLiteral("thena-inspector:settings"));
        QCOMPARE(settings.size(), 1);
    }
};

QTEST_MAIN(TestWelcomePanel)
#include "tst_welcomepanel.moc"
