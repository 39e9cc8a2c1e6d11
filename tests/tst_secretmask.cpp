#include "SecretMask.h"

#include <QTest>

namespace {
const QString kDots(8, QChar(0x2022));

QByteArray mask(const char *count)
{
    return (kDots + QString::fromUtf8(count)).toUtf8();
}
} // namespace

class TestSecretMask : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void isSecretHeader_data()
    {
        QTest::addColumn<QByteArray>("name");
        QTest::addColumn<bool>("secret");

        QTest::newRow("authorization") << QByteArray("authorization") << true;
        QTest::newRow("mixed case") << QByteArray("aUtHoRiZaTiOn") << true;
        QTest::newRow("proxy") << QByteArray("Proxy-Authorization") << true;
        QTest::newRow("cookie") << QByteArray("Cookie") << true;
        QTest::newRow("x-api-key") << QByteArray("X-Api-Key") << true;
        QTest::newRow("api-key") << QByteArray("api-key") << true;
        QTest::newRow("x-webhook-secret") << QByteArray("X-Webhook-Secret") << true;
        QTest::newRow("x-thena-secret") << QByteArray("x-thena-secret") << true;
        QTest::newRow("x-auth-token") << QByteArray("X-Auth-Token") << true;
        QTest::newRow("x-service-apikey") << QByteArray("x-service-apikey") << true;
        QTest::newRow("x-db-password") << QByteArray("X-DB-Password") << true;
        QTest::newRow("padded") << QByteArray(" authorization ") << true;
        QTest::newRow("hint") << QByteArray("X-Authorization-Hint") << false;
        QTest::newRow("secret in the middle") << QByteArray("X-Secret-Version") << false;
        QTest::newRow("token count") << QByteArray("X-Token-Count") << false;
        QTest::newRow("signature") << QByteArray("X-Hub-Signature-256") << false;
        QTest::newRow("content-type") << QByteArray("content-type") << false;
        QTest::newRow("empty") << QByteArray() << false;
    }

    void isSecretHeader()
    {
        QFETCH(QByteArray, name);
        QFETCH(bool, secret);
        QCOMPARE(SecretMask::isSecretHeader(name), secret);
    }

    void maskedText_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<QString>("masked");

        QTest::newRow("twelve") << QByteArray("abcdefghijkl") << kDots + QStringLiteral(" (12 characters)");
        QTest::newRow("one") << QByteArray("x") << kDots + QStringLiteral(" (1 character)");
        QTest::newRow("utf-8 counts characters")
            << QByteArray("\xc3\xa9\xc3\xa9") << kDots + QStringLiteral(" (2 characters)");
        QTest::newRow("empty") << QByteArray() << QStringLiteral("(empty)");
        QTest::newRow("already masked") << mask(" (12 characters)") << kDots + QStringLiteral(" (12 characters)");
        QTest::newRow("already masked, one") << mask(" (1 character)") << kDots + QStringLiteral(" (1 character)");
        // Near misses are values like any other: masked, so nothing that merely resembles a mask
        // can smuggle a secret through.
        QTest::newRow("leading zero") << mask(" (012 characters)") << kDots + QStringLiteral(" (25 characters)");
        QTest::newRow("wrong plural") << mask(" (1 characters)") << kDots + QStringLiteral(" (23 characters)");
        QTest::newRow("zero") << mask(" (0 characters)") << kDots + QStringLiteral(" (23 characters)");
        QTest::newRow("suffix") << mask(" (3 characters)s3cret") << kDots + QStringLiteral(" (29 characters)");
        QTest::newRow("seven dots") << QString(7, QChar(0x2022)).toUtf8() + " (3 characters)"
                                    << kDots + QStringLiteral(" (22 characters)");
        QTest::newRow("not a number") << mask(" (x characters)") << kDots + QStringLiteral(" (23 characters)");
    }

    void maskedText()
    {
        QFETCH(QByteArray, value);
        QFETCH(QString, masked);
        QCOMPARE(SecretMask::maskedText(value), masked);
        QCOMPARE(SecretMask::displayValue("Authorization", value), masked);
        // Idempotent: masking a mask changes nothing.
        if (!value.isEmpty())
            QCOMPARE(SecretMask::maskedText(masked.toUtf8()), masked);
        QCOMPARE(SecretMask::maskedBytes(value), value.isEmpty() ? QByteArray() : masked.toUtf8());
        QCOMPARE(SecretMask::displayValue("Content-Type", value), QString::fromUtf8(value));
    }

    void maskedHeadersKeepsOrderAndOtherValues()
    {
        const HttpHeaders headers = { { "Host", "127.0.0.1:8080" }, { "Authorization", "Bearer abc" },
            { "Content-Type", "application/json" }, { "X-Webhook-Secret", "" }, { "Cookie", "a=b" } };
        const HttpHeaders expected = { { "Host", "127.0.0.1:8080" }, { "Authorization", mask(" (10 characters)") },
            { "Content-Type", "application/json" }, { "X-Webhook-Secret", "" }, { "Cookie", mask(" (3 characters)") } };
        QCOMPARE(SecretMask::maskedHeaders(headers), expected);
        QCOMPARE(SecretMask::maskedHeaders(expected), expected);
        QVERIFY(SecretMask::maskedHeaders({}).isEmpty());
    }

    void isMasked()
    {
        QVERIFY(SecretMask::isMasked(mask(" (12 characters)")));
        QVERIFY(SecretMask::isMasked(mask(" (1 character)")));
        QVERIFY(SecretMask::isMasked(mask(" (123456789 characters)")));
        QVERIFY(!SecretMask::isMasked(QByteArray()));
        QVERIFY(!SecretMask::isMasked("(empty)"));
        QVERIFY(!SecretMask::isMasked(mask("")));
        QVERIFY(!SecretMask::isMasked(mask(" (")));
        QVERIFY(!SecretMask::isMasked(mask(" (2 character)")));
        QVERIFY(!SecretMask::isMasked(mask(" (99999999999999999999 characters)")));
        QVERIFY(!SecretMask::isMasked(mask(" (\xd9\xa3 characters)"))); // Arabic-Indic three
    }
};

QTEST_GUILESS_MAIN(TestSecretMask)
#include "tst_secretmask.moc"
