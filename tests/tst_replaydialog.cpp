#include "CaptureService.h"
#include "LifecycleSamples.h"
#include "ReplayDialog.h"
#include "SecretMask.h"

#include <QComboBox>
#include <QJsonDocument>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTcpServer>
#include <QTest>

namespace {
constexpr int kWaitMs = 10000;
const QByteArray kSecret = QByteArrayLiteral("s3cret"); // what LifecycleSamples::capture() records

struct Inspector
{
    Inspector()
    {
        QObject::connect(&service, &CaptureService::eventsCaptured, &service,
            [this](const QList<CapturedEvent> &batch) { events.append(batch); });
    }
    bool start()
    {
        QSignalSpy listening(&service, &CaptureService::listening);
        CaptureConfig config;
        config.port = 0;
        config.secret = kSecret;
        service.start(config);
        return listening.wait(kWaitMs);
    }
    CaptureService service;
    QList<CapturedEvent> events;
};

CapturedEvent escalation()
{
    return LifecycleSamples::story().at(5);
}
} // namespace

class tst_ReplayDialog : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void defaults();
    void headerChoiceAndPreview();
    void previewMasksEverySecretHeader_data();
    void previewMasksEverySecretHeader();
    void bodyUneditedIsByteForByte();
    void editFormatAndReset();
    void sendsAndShowsResults();
    void unconfirmedHostIsNotContacted();
    void confirmedOncePerHost();
    void previousResultsAndStop();
};

void tst_ReplayDialog::initTestCase()
{
    qRegisterMetaType<QList<ReplayClient::Result>>();
}

void tst_ReplayDialog::defaults()
{
    ReplayDialog dialog(escalation());
    QCOMPARE(dialog.windowTitle(), QStringLiteral("Replay event #6"));
    QCOMPARE(dialog.url(), QUrl(QStringLiteral("http://127.0.0.1:8080/thena")));
    QCOMPARE(dialog.count(), 1);
    QCOMPARE(dialog.headerChoice(), ReplayClient::HeaderChoice::ContentTypeAndAuthorization);
    QCOMPARE(dialog.body(), escalation().body);
    QVERIFY(!dialog.isBodyEdited());
    QVERIFY(!dialog.isSending());
    QVERIFY(dialog.results().isEmpty());
    QVERIFY(dialog.findChild<QPushButton *>(QStringLiteral("sendButton"))->isEnabled());
    QVERIFY(!dialog.findChild<QPushButton *>(QStringLiteral("stopButton"))->isEnabled());
    QVERIFY(!dialog.findChild<QPushButton *>(QStringLiteral("resetBodyButton"))->isEnabled());
    dialog.setCount(3);
    QCOMPARE(dialog.findChild<QSpinBox *>(QStringLiteral("countSpin"))->suffix(), QStringLiteral(" times"));
}

void tst_ReplayDialog::headerChoiceAndPreview()
{
    ReplayDialog dialog(escalation());
    auto *preview = dialog.findChild<QLabel *>(QStringLiteral("headersPreview"));
    // The secret is sent, never shown.
    QCOMPARE(preview->text(),
        QStringLiteral(
            "Content-Type: application/json\nauthorization: \u2022\u2022\u2022\u2022\u2022\u2022\u2022\u2022 "
            "(6 characters), sent as captured"));
    QVERIFY(!preview->text().contains(QString::fromLatin1(kSecret)));
    QCOMPARE(dialog.headersToSend().size(), 2);
    QCOMPARE(dialog.headersToSend().at(1).second, kSecret);
    dialog.findChild<QComboBox *>(QStringLiteral("headerChoice"))->setCurrentIndex(0);
    QCOMPARE(dialog.headerChoice(), ReplayClient::HeaderChoice::ContentType);
    QCOMPARE(preview->text(), QStringLiteral("Content-Type: application/json"));
    dialog.setHeaderChoice(ReplayClient::HeaderChoice::All);
    QCOMPARE(dialog.headersToSend().size(), 2); // Host and Content-Length are never replayed
}

void tst_ReplayDialog::previewMasksEverySecretHeader_data()
{
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<bool>("secret");
    QTest::newRow("x-webhook-secret") << QByteArray("X-Webhook-Secret") << QByteArray("whsec_0123456789") << true;
    QTest::newRow("cookie") << QByteArray("Cookie") << QByteArray("session=abc; csrf=def") << true;
    QTest::newRow("x-api-key") << QByteArray("X-API-Key") << QByteArray("key-42") << true;
    QTest::newRow("x-auth-token") << QByteArray("x-auth-token") << QByteArray("tok.en.value") << true;
    QTest::newRow("x-db-password") << QByteArray("X-DB-Password") << QByteArray("hunter2") << true;
    QTest::newRow("upper-case authorization") << QByteArray("AUTHORIZATION") << QByteArray("Bearer xyz") << true;
    QTest::newRow("empty secret") << QByteArray("X-Webhook-Secret") << QByteArray() << true;
    QTest::newRow("user-agent in clear") << QByteArray("User-Agent") << QByteArray("Thena-Webhooks/2") << false;
    QTest::newRow("x-request-id in clear") << QByteArray("X-Request-Id") << QByteArray("req-77") << false;
}

// "All captured headers" sends every credential a proxy or sender added; the preview shows none.
void tst_ReplayDialog::previewMasksEverySecretHeader()
{
    QFETCH(QByteArray, name);
    QFETCH(QByteArray, value);
    QFETCH(bool, secret);
    CapturedEvent event = escalation();
    event.headers.append({ name, value });
    ReplayDialog dialog(event);
    dialog.setHeaderChoice(ReplayClient::HeaderChoice::All);
    const QString text = dialog.findChild<QLabel *>(QStringLiteral("headersPreview"))->text();
    const QString shown
        = secret ? SecretMask::maskedText(value) + QStringLiteral(", sent as captured") : QString::fromUtf8(value);
    QVERIFY2(text.split(QLatin1Char('\n')).contains(QString::fromLatin1(name) + QStringLiteral(": ") + shown),
        qPrintable(text));
    if (secret && !value.isEmpty())
        QVERIFY2(!text.contains(QString::fromUtf8(value)), qPrintable(text));
    // The captured authorization is masked beside it, and both go out exactly as captured.
    QVERIFY(!text.contains(QString::fromLatin1(kSecret)));
    const HttpHeaders sent = dialog.headersToSend();
    QVERIFY(sent.contains(qMakePair(name, value)));
    QVERIFY(sent.contains(qMakePair(QByteArray("authorization"), kSecret)));
}

void tst_ReplayDialog::bodyUneditedIsByteForByte()
{
    CapturedEvent odd = escalation();
    odd.body = QByteArray("{\"a\":\"\xff\xfe\"}\r\n\x00tail", 15);
    ReplayDialog dialog(odd);
    QVERIFY(!dialog.isBodyEdited());
    QCOMPARE(dialog.body(), odd.body);
    QVERIFY(dialog.findChild<QLabel *>(QStringLiteral("bodyInfo"))->text().contains(QStringLiteral("byte for byte")));
}

void tst_ReplayDialog::editFormatAndReset()
{
    ReplayDialog dialog(escalation());
    auto *editor = dialog.findChild<QPlainTextEdit *>(QStringLiteral("bodyEdit"));
    QVERIFY(dialog.formatBody());
    QVERIFY(dialog.isBodyEdited());
    QVERIFY(dialog.body().contains("\n    \"request\": {"));
    QCOMPARE(QJsonDocument::fromJson(dialog.body()), QJsonDocument::fromJson(escalation().body));
    QVERIFY(dialog.findChild<QPushButton *>(QStringLiteral("resetBodyButton"))->isEnabled());
    QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("resetBodyButton")), Qt::LeftButton);
    QVERIFY(!dialog.isBodyEdited());
    QCOMPARE(dialog.body(), escalation().body);

    editor->setPlainText(QStringLiteral("{\"edited\":true}"));
    QCOMPARE(dialog.body(), QByteArray("{\"edited\":true}"));
    editor->setPlainText(QStringLiteral("not json"));
    QVERIFY(!dialog.formatBody());
    QVERIFY(dialog.findChild<QLabel *>(QStringLiteral("bodyInfo"))->text().contains(QStringLiteral("not valid JSON")));
}

void tst_ReplayDialog::sendsAndShowsResults()
{
    Inspector second;
    QVERIFY(second.start());
    ReplayDialog dialog(escalation());
    QSignalSpy ready(&dialog, &ReplayDialog::resultsReady);
    dialog.setUrl(second.service.url());
    dialog.setCount(2);
    QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("sendButton")), Qt::LeftButton);
    QVERIFY(dialog.isSending());
    QVERIFY(ready.wait(kWaitMs));
    QCOMPARE(ready.first().at(0).toLongLong(), qint64(6));
    const auto results = ready.first().at(1).value<QList<ReplayClient::Result>>();
    QCOMPARE(results.size(), 2);
    QCOMPARE(dialog.results().size(), 2);
    auto *table = dialog.findChild<QTableWidget *>(QStringLiteral("resultsTable"));
    QCOMPARE(table->rowCount(), 2);
    QCOMPARE(table->item(0, ReplayDialog::StatusColumn)->text(), QStringLiteral("200"));
    QVERIFY(table->item(1, ReplayDialog::ResponseColumn)->text().contains(QStringLiteral("\"ok\":true")));
    QVERIFY(table->item(1, ReplayDialog::TimeColumn)->text().endsWith(QStringLiteral(" ms")));
    QCOMPARE(dialog.statusText(), QStringLiteral("Done: 2 of 2 answered 2xx"));
    table->setCurrentCell(1, 0);
    QVERIFY(dialog.findChild<QPlainTextEdit *>(QStringLiteral("responseView"))
                ->toPlainText()
                .contains(QStringLiteral("\"id\"")));

    QTRY_COMPARE_WITH_TIMEOUT(second.events.size(), 2, kWaitMs);
    QCOMPARE(second.events.at(0).body, escalation().body);
    QCOMPARE(second.events.at(1).row.attempt, 2);
}

void tst_ReplayDialog::unconfirmedHostIsNotContacted()
{
    ReplayDialog dialog(escalation());
    QStringList asked;
    dialog.setConfirmationHandler([&asked](const QString &host) {
        asked.append(host);
        return false;
    });
    QSignalSpy confirmed(&dialog, &ReplayDialog::hostConfirmed);
    dialog.setUrl(QUrl(QStringLiteral("https://hooks.example.com/thena")));
    QVERIFY(!dialog.send());
    QCOMPARE(asked, QStringList { QStringLiteral("hooks.example.com") });
    QCOMPARE(confirmed.size(), 0);
    QVERIFY(!dialog.isSending());
    QCOMPARE(dialog.statusText(), QStringLiteral("Not sent: hooks.example.com was not confirmed"));
    QVERIFY(dialog.confirmedHosts().isEmpty());
}

void tst_ReplayDialog::confirmedOncePerHost()
{
    // 0.0.0.0 is not a loopback address, so it needs a confirmation, yet Linux delivers a
    // connection to it on this machine: the test's traffic stays local.
    Inspector second;
    QVERIFY(second.start());
    const QUrl anyAddress(QStringLiteral("http://0.0.0.0:%1/").arg(second.service.url().port()));
    QVERIFY(ReplayClient::needsConfirmation(anyAddress));
    ReplayDialog dialog(escalation());
    int asked = 0;
    dialog.setConfirmationHandler([&asked](const QString &) {
        ++asked;
        return true;
    });
    QSignalSpy confirmed(&dialog, &ReplayDialog::hostConfirmed);
    QSignalSpy ready(&dialog, &ReplayDialog::resultsReady);
    dialog.setUrl(anyAddress);
    QVERIFY(dialog.send());
    QVERIFY(ready.wait(kWaitMs));
    QVERIFY(dialog.send());
    QVERIFY(ready.wait(kWaitMs));
    QCOMPARE(asked, 1);
    QCOMPARE(confirmed.size(), 1);
    QCOMPARE(confirmed.first().first().toString(), QStringLiteral("0.0.0.0"));
    QCOMPARE(dialog.confirmedHosts(), QSet<QString> { QStringLiteral("0.0.0.0") });
    QCOMPARE(dialog.results().size(), 2);

    // A later dialog that carries the confirmation over does not ask again.
    ReplayDialog next(escalation());
    next.setConfirmedHosts(dialog.confirmedHosts());
    next.setConfirmationHandler([](const QString &) {
        qFatal("asked again");
        return false;
    });
    QSignalSpy nextReady(&next, &ReplayDialog::resultsReady);
    next.setUrl(anyAddress);
    QVERIFY(next.send());
    QVERIFY(nextReady.wait(kWaitMs));
    QTRY_COMPARE_WITH_TIMEOUT(second.events.size(), 3, kWaitMs);
}

void tst_ReplayDialog::previousResultsAndStop()
{
    ReplayClient::Result earlier;
    earlier.attempt = 1;
    earlier.status = 503;
    earlier.ms = 12;
    earlier.body = "{\"ok\":false}";
    ReplayDialog dialog(escalation());
    dialog.setPreviousResults({ earlier });
    auto *table = dialog.findChild<QTableWidget *>(QStringLiteral("resultsTable"));
    QCOMPARE(table->rowCount(), 1);
    QCOMPARE(table->item(0, ReplayDialog::AttemptColumn)->text(), QStringLiteral("1 (earlier)"));
    QCOMPARE(table->item(0, ReplayDialog::StatusColumn)->text(), QStringLiteral("503"));
    QVERIFY(dialog.results().isEmpty()); // only this dialog's own results are reported

    // A receiver that never answers: Stop ends the run.
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
    dialog.setUrl(QUrl(QStringLiteral("http://127.0.0.1:%1/").arg(silent.serverPort())));
    dialog.setCount(3);
    QSignalSpy ready(&dialog, &ReplayDialog::resultsReady);
    QVERIFY(dialog.send());
    auto *stop = dialog.findChild<QPushButton *>(QStringLiteral("stopButton"));
    QVERIFY(stop->isEnabled());
    QVERIFY(dialog.findChild<QPlainTextEdit *>(QStringLiteral("bodyEdit"))->isReadOnly());
    QTRY_VERIFY_WITH_TIMEOUT(silent.hasPendingConnections(), kWaitMs);
    QTest::mouseClick(stop, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 1, kWaitMs); // an abort may finish at once
    QCOMPARE(dialog.results().size(), 1);
    QCOMPARE(table->rowCount(), 2);
    QCOMPARE(table->item(1, ReplayDialog::StatusColumn)->text(), QStringLiteral("Cancelled"));
    QVERIFY(!stop->isEnabled());
    QVERIFY(!dialog.findChild<QPlainTextEdit *>(QStringLiteral("bodyEdit"))->isReadOnly());
}

QTEST_MAIN(tst_ReplayDialog)
#include "tst_replaydialog.moc"
