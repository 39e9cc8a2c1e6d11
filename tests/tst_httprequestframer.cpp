// HttpRequestFramer on its own: what it accepts, what it refuses and with which status, and
// that it frames the same whether the bytes come at once, one by one, or skipped as body.

#include "HttpRequestFramer.h"

#include <QTest>

namespace {

using State = HttpRequestFramer::State;

HttpRequestFramer::Limits smallLimits()
{
    HttpRequestFramer::Limits limits;
    limits.maxBodyBytes = 100;
    limits.maxHeadBytes = 200;
    limits.maxHeaderLines = 5;
    return limits;
}

struct Framed
{
    QList<QByteArray> methods; // of the requests that completed, in order
    QList<qint64> bodies; // their body sizes
    qsizetype consumed = 0; // bytes that belonged to completed requests
    State state = State::AwaitingRequest; // where it stopped
    int status = 0;
};

// Frames requests one after another, feeding `step` bytes at a time (0: all at once); with
// `skipBody`, body bytes go through skip() as ConnectionGuard passes them.
Framed frame(const QByteArray &input, qsizetype step, bool skipBody)
{
    Framed result;
    HttpRequestFramer framer(smallLimits());
    qsizetype offset = 0;
    while (offset < input.size()) {
        const qsizetype before = offset;
        const qsizetype end = step == 0 ? input.size() : std::min(input.size(), offset + step);
        while (offset < end) {
            const qint64 skippable = framer.skippable();
            const qsizetype used = skipBody && skippable > 0
                ? framer.skip(std::min<qint64>(skippable, end - offset))
                : framer.feed(QByteArrayView(input).sliced(offset, end - offset));
            offset += used;
            if (framer.state() == State::Complete) {
                result.methods.append(framer.head().method);
                result.bodies.append(framer.bodyBytes());
                result.consumed = offset;
                framer.reset();
            } else if (framer.state() == State::Failed) {
                result.state = State::Failed;
                result.status = framer.errorStatus();
                return result;
            } else if (used == 0) {
                break;
            }
        }
        if (offset == before)
            break; // stuck: the comparisons will say so
    }
    result.state = framer.state();
    return result;
}

} // namespace

class TestHttpRequestFramer : public QObject
{
    Q_OBJECT

private slots:
    void framing_data();
    void framing();
    void head();
    void persistence_data();
    void persistence();
    void limitsAreInclusive();
    void resetForgetsEverything();
};

void TestHttpRequestFramer::framing_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QList<QByteArray>>("methods");
    QTest::addColumn<QList<qint64>>("bodies");
    QTest::addColumn<int>("status"); // 0: no refusal

    QTest::newRow("get") << QByteArray("GET / HTTP/1.1\r\nHost: x\r\n\r\n") << QList<QByteArray> { "GET" }
                         << QList<qint64> { 0 } << 0;
    QTest::newRow("bare LF head") << QByteArray("GET / HTTP/1.1\nHost: x\n\n") << QList<QByteArray> { "GET" }
                                  << QList<qint64> { 0 } << 0;
    QTest::newRow("leading blank lines") << QByteArray("\r\n\r\nGET / HTTP/1.1\r\n\r\n") << QList<QByteArray> { "GET" }
                                         << QList<qint64> { 0 } << 0;
    QTest::newRow("content-length") << QByteArray("POST /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello")
                                    << QList<QByteArray> { "POST" } << QList<qint64> { 5 } << 0;
    QTest::newRow("same content-length twice")
        << QByteArray("POST /a HTTP/1.1\r\nContent-Length: 2\r\ncontent-length: 2\r\n\r\n{}")
        << QList<QByteArray> { "POST" } << QList<qint64> { 2 } << 0;
    QTest::newRow("chunked with extension") << QByteArray(
        "POST / HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n3;x=y\r\nabc\r\nA\r\n0123456789\r\n0\r\n\r\n")
                                            << QList<QByteArray> { "POST" } << QList<qint64> { 13 } << 0;
    QTest::newRow("pipelined") << QByteArray(
        "POST / HTTP/1.1\r\nContent-Length: 1\r\n\r\nxGET / HTTP/1.1\r\n\r\nPUT / HTTP/1.0\r\n"
        "Transfer-Encoding: chunked\r\n\r\n1\r\nz\r\n0\r\n\r\n")
                               << QList<QByteArray> { "POST", "GET", "PUT" } << QList<qint64> { 1, 0, 1 } << 0;
    QTest::newRow("then refused") << QByteArray("GET / HTTP/1.1\r\n\r\nGET / HTTP/3.0\r\n\r\n")
                                  << QList<QByteArray> { "GET" } << QList<qint64> { 0 } << 505;

    QTest::newRow("body over the limit") << QByteArray("POST / HTTP/1.1\r\nContent-Length: 101\r\n\r\n")
                                         << QList<QByteArray>() << QList<qint64>() << 413;
    QTest::newRow("chunks over the limit") << QByteArray(
        "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n32\r\n" + QByteArray(50, 'a') + "\r\n33\r\n")
                                           << QList<QByteArray>() << QList<qint64>() << 413;
    QTest::newRow("chunk size overflowing")
        << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\n")
        << QList<QByteArray>() << QList<qint64>() << 413;
    QTest::newRow("head over the limit") << QByteArray("GET / HTTP/1.1\r\nX: " + QByteArray(200, 'h') + "\r\n\r\n")
                                         << QList<QByteArray>() << QList<qint64>() << 431;
    QTest::newRow("request line over the limit")
        << QByteArray("GET /" + QByteArray(200, 'p')) << QList<QByteArray>() << QList<qint64>() << 414;
    QTest::newRow("six header lines") << QByteArray(
        "GET / HTTP/1.1\r\na: 1\r\nb: 2\r\nc: 3\r\nd: 4\r\ne: 5\r\nf: 6\r\n\r\n")
                                      << QList<QByteArray>() << QList<qint64>() << 431;
    QTest::newRow("negative length") << QByteArray("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n")
                                     << QList<QByteArray>() << QList<qint64>() << 400;
    QTest::newRow("empty length") << QByteArray("POST / HTTP/1.1\r\nContent-Length:\r\n\r\n") << QList<QByteArray>()
                                  << QList<qint64>() << 400;
    QTest::newRow("empty transfer-encoding") << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: \r\n\r\n")
                                             << QList<QByteArray>() << QList<qint64>() << 400;
    QTest::newRow("chunked twice") << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: chunked, chunked\r\n\r\n")
                                   << QList<QByteArray>() << QList<qint64>() << 400;
    QTest::newRow("identity coding") << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: identity, chunked\r\n\r\n")
                                     << QList<QByteArray>() << QList<qint64>() << 501;
    QTest::newRow("chunk with 0x prefix")
        << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n")
        << QList<QByteArray>() << QList<qint64>() << 400;
    QTest::newRow("space in method") << QByteArray("G T / HTTP/1.1\r\n\r\n") << QList<QByteArray>() << QList<qint64>()
                                     << 400;
    QTest::newRow("two spaces") << QByteArray("GET  / HTTP/1.1\r\n\r\n") << QList<QByteArray>() << QList<qint64>()
                                << 400;
    QTest::newRow("lowercase version") << QByteArray("GET / http/1.1\r\n\r\n") << QList<QByteArray>() << QList<qint64>()
                                       << 400;
    QTest::newRow("expectation") << QByteArray("GET / HTTP/1.1\r\nExpect: 200-ok\r\n\r\n") << QList<QByteArray>()
                                 << QList<qint64>() << 417;
}

void TestHttpRequestFramer::framing()
{
    QFETCH(QByteArray, input);
    QFETCH(QList<QByteArray>, methods);
    QFETCH(QList<qint64>, bodies);
    QFETCH(int, status);

    // All at once, then every piece size up to a few bytes, with and without skip().
    for (const qsizetype step : { qsizetype(0), qsizetype(1), qsizetype(2), qsizetype(3), qsizetype(7) }) {
        for (const bool skipBody : { false, true }) {
            const Framed framed = frame(input, step, skipBody);
            const QByteArray where = "step " + QByteArray::number(step) + (skipBody ? " skipping" : "");
            QVERIFY2(framed.methods == methods, where.constData());
            QVERIFY2(framed.bodies == bodies, where.constData());
            QVERIFY2(framed.status == status, where.constData());
            if (status == 0) {
                QVERIFY2(framed.consumed == input.size(), where.constData());
                QVERIFY2(framed.state == State::AwaitingRequest, where.constData());
            }
        }
    }
}

void TestHttpRequestFramer::head()
{
    HttpRequestFramer framer(smallLimits());
    const QByteArray request
        = "POST /hooks/thena?x=1 HTTP/1.1\r\nHost: x\r\nExpect: 100-Continue\r\nContent-Length: 4\r\n"
          "\r\n{}{}GET";
    QCOMPARE(framer.feed(request), request.size() - 3); // stops where the next request starts
    QCOMPARE(framer.state(), State::Complete);
    QVERIFY(framer.headComplete());
    QCOMPARE(framer.head().method, QByteArray("POST"));
    QCOMPARE(framer.head().target, QByteArray("/hooks/thena?x=1"));
    QCOMPARE(framer.head().minorVersion, 1);
    QCOMPARE(framer.head().contentLength, qint64(4));
    QVERIFY(framer.head().expectContinue);
    QVERIFY(!framer.head().chunked);
    QCOMPARE(framer.bodyBytes(), qint64(4));
    QCOMPARE(framer.headBytes(), request.size() - 7);

    // 100-continue means nothing to an HTTP/1.0 client.
    framer.reset();
    framer.feed("POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n");
    QCOMPARE(framer.state(), State::ReadingBody);
    QVERIFY(!framer.head().expectContinue);
    QCOMPARE(framer.skippable(), qint64(4));
}

void TestHttpRequestFramer::persistence_data()
{
    QTest::addColumn<QByteArray>("version");
    QTest::addColumn<QByteArray>("connection");
    QTest::addColumn<bool>("persistent");
    QTest::newRow("1.1") << QByteArray("1.1") << QByteArray() << true;
    QTest::newRow("1.1 close") << QByteArray("1.1") << QByteArray("Connection: Close\r\n") << false;
    QTest::newRow("1.1 list with close") << QByteArray("1.1") << QByteArray("Connection: te, close\r\n") << false;
    QTest::newRow("1.0") << QByteArray("1.0") << QByteArray() << false;
    QTest::newRow("1.0 keep-alive") << QByteArray("1.0") << QByteArray("Connection: Keep-Alive\r\n") << true;
    QTest::newRow("1.0 keep-alive and close")
        << QByteArray("1.0") << QByteArray("Connection: keep-alive, close\r\n") << false;
}

void TestHttpRequestFramer::persistence()
{
    QFETCH(QByteArray, version);
    QFETCH(QByteArray, connection);
    QFETCH(bool, persistent);
    HttpRequestFramer framer;
    framer.feed(QByteArray("GET / HTTP/" + version + "\r\n" + connection + "\r\n"));
    QCOMPARE(framer.state(), State::Complete);
    QCOMPARE(framer.head().persistent(), persistent);
}

void TestHttpRequestFramer::limitsAreInclusive()
{
    HttpRequestFramer framer(smallLimits());
    // A head of exactly maxHeadBytes and a body of exactly maxBodyBytes pass.
    QByteArray head = "POST / HTTP/1.1\r\nContent-Length: 100\r\nX: ";
    head += QByteArray(200 - head.size() - 4, 'h') + "\r\n\r\n";
    QCOMPARE(head.size(), 200);
    QCOMPARE(framer.feed(QByteArray(head + QByteArray(100, 'b'))), qsizetype(300));
    QCOMPARE(framer.state(), State::Complete);

    // Five header lines pass, the sixth is refused.
    framer.reset();
    framer.feed("GET / HTTP/1.1\r\na: 1\r\nb: 2\r\nc: 3\r\nd: 4\r\ne: 5\r\n\r\n");
    QCOMPARE(framer.state(), State::Complete);

    // Qt's own parser loses every header past 100 fields, so more are never allowed.
    HttpRequestFramer::Limits generous;
    generous.maxHeaderLines = 500;
    generous.maxHeadBytes = 1 << 20;
    HttpRequestFramer wide(generous);
    QByteArray many = "GET / HTTP/1.1\r\n";
    for (int i = 0; i <= HttpRequestFramer::QtHeaderParserMaxFields; ++i)
        many += "h" + QByteArray::number(i) + ": v\r\n";
    wide.feed(QByteArray(many + "\r\n"));
    QCOMPARE(wide.state(), State::Failed);
    QCOMPARE(wide.errorStatus(), 431);
}

void TestHttpRequestFramer::resetForgetsEverything()
{
    HttpRequestFramer framer(smallLimits());
    framer.feed("POST / HTTP/1.1\r\nContent-Length: 500\r\n\r\n");
    QCOMPARE(framer.state(), State::Failed);
    QCOMPARE(framer.errorStatus(), 413);
    QVERIFY(framer.errorMessage().contains(QLatin1String("500")));
    QCOMPARE(framer.feed("more"), qsizetype(0)); // nothing after a refusal
    framer.reset();
    QCOMPARE(framer.state(), State::AwaitingRequest);
    QVERIFY(!framer.hasStarted());
    QCOMPARE(framer.errorStatus(), 0);
    framer.feed("GET / HTTP/1.1\r\n\r\n");
    QCOMPARE(framer.state(), State::Complete);
}

QTEST_GUILESS_MAIN(TestHttpRequestFramer)
#include "tst_httprequestframer.moc"
