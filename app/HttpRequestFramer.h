#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <QtGlobal>

// Finds where one HTTP/1.x request ends in the bytes of a connection, and whether it may be read
// at all, without keeping its body. ConnectionGuard runs it over the bytes QHttpServer is about
// to read, so a request is refused (413, 431, 400, ...) before QHttpServer buffers it: Qt
// HttpServer 6.4 has no limits of its own.
//
// It is strict wherever QHttpServer 6.4 is lenient in a way that could make the two disagree on
// where a request ends (repeated or signed Content-Length, Transfer-Encoding next to
// Content-Length, bare LF in chunked framing, chunked trailers it cannot skip): such requests
// are refused rather than guessed at, which is what HTTP asks of a server that cannot frame a
// message reliably. Pure and allocation-light, so it is also fuzzed on its own.
class HttpRequestFramer
{
public:
    // Limits of Qt's own header parser (QHttpHeaderParser), which silently drops every header of a
    // request beyond them, Content-Length included. 6.4.2 drops them past 100 fields (measured);
    // later versions also past a field of 8 KiB (qtbase source), kept so an upgrade cannot bite.
    static constexpr int QtHeaderParserMaxFields = 100;
    static constexpr qsizetype QtHeaderParserMaxFieldBytes = 8 * 1024;

    struct Limits
    {
        qint64 maxBodyBytes = 10 * 1024 * 1024; // payload bytes; for chunked bodies, the sum of the chunks
        qsizetype maxHeadBytes = 64 * 1024; // request line, header lines and their line ends
        int maxHeaderLines = 100; // header lines, not counting the request line; at most QtHeaderParserMaxFields
    };

    enum class State
    {
        AwaitingRequest, // nothing of a request yet
        ReadingHead,
        ReadingBody,
        Complete, // the request ended; bytes after it belong to the next one (call reset())
        Failed, // refused: see errorStatus(); nothing more is read
    };

    // What the head says about how to answer and about the connection.
    struct Head
    {
        QByteArray method;
        QByteArray target;
        int minorVersion = 1; // HTTP/1.minorVersion; only major version 1 is accepted
        qint64 contentLength = 0; // the body length when not chunked
        bool chunked = false;
        bool expectContinue = false; // Expect: 100-continue from an HTTP/1.1 client
        bool closeRequested = false; // Connection: close
        bool keepAliveRequested = false; // Connection: keep-alive (what an HTTP/1.0 client must ask for)

        // Whether the connection may carry another request after the answer to this one.
        bool persistent() const { return minorVersion >= 1 ? !closeRequested : keepAliveRequested && !closeRequested; }
    };

    HttpRequestFramer() = default;
    explicit HttpRequestFramer(const Limits &limits);

    void setLimits(const Limits &limits) { m_limits = limits; }
    const Limits &limits() const { return m_limits; }

    // Forgets the current request: the next byte fed starts a new one.
    void reset();

    // Reads bytes of the current request and returns how many belong to it; it stops at the
    // request's end (state() Complete) or at the first byte it refuses (state() Failed).
    qsizetype feed(QByteArrayView bytes);
    // Bytes that feed() would count without looking at them (inside a body or a chunk's data):
    // the caller may pass skip(n) instead, up to this many, and need not copy them.
    qint64 skippable() const;
    qint64 skip(qint64 count);

    State state() const { return m_state; }
    bool hasStarted() const { return m_state != State::AwaitingRequest; }
    bool headComplete() const { return m_state == State::ReadingBody || m_state == State::Complete; }
    // Valid once headComplete().
    const Head &head() const { return m_head; }

    qsizetype headBytes() const { return m_headBytes; }
    qint64 bodyBytes() const { return m_bodyBytes; } // payload bytes seen so far

    // When Failed: the status to answer (400, 413, 414, 417, 431, 501 or 505) and why, in words.
    int errorStatus() const { return m_errorStatus; }
    QString errorMessage() const { return m_errorMessage; }

private:
    enum class ChunkState
    {
        Size,
        Data,
        DataEnd,
        LastEnd
    };

    qsizetype feedHead(QByteArrayView bytes);
    qsizetype feedChunked(QByteArrayView bytes);
    bool takeLine(QByteArrayView line);
    bool parseRequestLine(QByteArrayView line);
    bool parseHeaderLine(QByteArrayView line);
    bool finishHead();
    bool parseChunkSize(QByteArrayView line);
    bool fail(int status, const QString &message);

    Limits m_limits;
    State m_state = State::AwaitingRequest;
    Head m_head;
    QByteArray m_line; // the unterminated line so far (head lines, chunk-size lines)
    qsizetype m_headBytes = 0;
    int m_headerLines = 0;
    bool m_requestLineSeen = false;
    bool m_sawContentLength = false;
    bool m_sawTransferEncoding = false;
    int m_chunkedCodings = 0;
    bool m_otherCodings = false;
    bool m_chunkedNotLast = false;
    QString m_unsupportedExpectation;
    qint64 m_bodyBytes = 0;
    qint64 m_announcedBytes = 0; // sum of the chunk sizes so far
    qint64 m_remaining = 0; // body or chunk bytes still to come
    ChunkState m_chunkState = ChunkState::Size;
    int m_errorStatus = 0;
    QString m_errorMessage;
};
