#include "HttpRequestFramer.h"

#include <algorithm>
#include <limits>

namespace {

// A chunk-size line is a hex number and, rarely, an extension; nothing legitimate comes near this.
constexpr qsizetype kMaxChunkLineBytes = 1024;
// 15 hex digits already exceed any body limit; more would overflow.
constexpr int kMaxChunkSizeDigits = 15;
constexpr qint64 kHugeLength = std::numeric_limits<qint64>::max();

bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
        return true;
    default:
        return false;
    }
}

bool isToken(QByteArrayView text)
{
    return !text.isEmpty() && std::all_of(text.begin(), text.end(), isTokenChar);
}

bool isControl(char c)
{
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
}

bool isOws(char c)
{
    return c == ' ' || c == '\t';
}

// What QHttpServer skips before a request line; skipping the same keeps the two in step.
bool isLeadingSpace(char c)
{
    return c == '\r' || c == '\n' || c == ' ' || c == '\t' || c == '\v';
}

QByteArrayView trimmedOws(QByteArrayView text)
{
    while (!text.isEmpty() && isOws(text.front()))
        text = text.sliced(1);
    while (!text.isEmpty() && isOws(text.back()))
        text.chop(1);
    return text;
}

bool equalsIgnoringCase(QByteArrayView a, const char *b)
{
    return qstrnicmp(a.data(), a.size(), b) == 0;
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// Calls visit with each trimmed, non-empty element of a comma-separated header value.
template <typename Visit> bool forEachListElement(QByteArrayView value, Visit visit)
{
    while (true) {
        const qsizetype comma = value.indexOf(',');
        const QByteArrayView element = trimmedOws(comma < 0 ? value : value.first(comma));
        if (!element.isEmpty() && !visit(element))
            return false;
        if (comma < 0)
            return true;
        value = value.sliced(comma + 1);
    }
}

} // namespace

HttpRequestFramer::HttpRequestFramer(const Limits &limits)
    : m_limits(limits)
{ }

void HttpRequestFramer::reset()
{
    m_state = State::AwaitingRequest;
    m_head = Head();
    m_line.clear();
    m_headBytes = 0;
    m_headerLines = 0;
    m_requestLineSeen = false;
    m_sawContentLength = false;
    m_sawTransferEncoding = false;
    m_chunkedCodings = 0;
    m_otherCodings = false;
    m_chunkedNotLast = false;
    m_unsupportedExpectation.clear();
    m_bodyBytes = 0;
    m_announcedBytes = 0;
    m_remaining = 0;
    m_chunkState = ChunkState::Size;
    m_errorStatus = 0;
    m_errorMessage.clear();
}

qsizetype HttpRequestFramer::feed(QByteArrayView bytes)
{
    qsizetype used = 0;
    while (used < bytes.size()) {
        const QByteArrayView rest = bytes.sliced(used);
        switch (m_state) {
        case State::AwaitingRequest:
        case State::ReadingHead:
            used += feedHead(rest);
            break;
        case State::ReadingBody:
            used += m_head.chunked ? feedChunked(rest) : skip(rest.size());
            break;
        case State::Complete:
        case State::Failed:
            return used;
        }
    }
    return used;
}

qint64 HttpRequestFramer::skippable() const
{
    if (m_state != State::ReadingBody)
        return 0;
    if (m_head.chunked && m_chunkState != ChunkState::Data)
        return 0;
    return m_remaining;
}

qint64 HttpRequestFramer::skip(qint64 count)
{
    const qint64 n = std::min(std::max<qint64>(count, 0), skippable());
    m_remaining -= n;
    m_bodyBytes += n;
    if (n > 0 && m_remaining == 0) {
        if (m_head.chunked)
            m_chunkState = ChunkState::DataEnd;
        else
            m_state = State::Complete;
    }
    return n;
}

qsizetype HttpRequestFramer::feedHead(QByteArrayView bytes)
{
    qsizetype i = 0;
    if (m_state == State::AwaitingRequest) {
        while (i < bytes.size() && isLeadingSpace(bytes.at(i)))
            ++i;
        // Counted, so an endless stream of blank lines is refused like any oversized head.
        m_headBytes += i;
        if (m_headBytes > m_limits.maxHeadBytes) {
            fail(431, QStringLiteral("The request head is over %1 bytes").arg(m_limits.maxHeadBytes));
            return i;
        }
        if (i == bytes.size())
            return i;
        m_state = State::ReadingHead;
    }
    while (i < bytes.size() && m_state == State::ReadingHead) {
        const QByteArrayView rest = bytes.sliced(i);
        const qsizetype newline = rest.indexOf('\n');
        const qsizetype take = newline < 0 ? rest.size() : newline + 1;
        // Refused as soon as the limit is passed, terminated line or not.
        if (m_headBytes + take > m_limits.maxHeadBytes) {
            if (m_requestLineSeen)
                fail(431, QStringLiteral("The request head is over %1 bytes").arg(m_limits.maxHeadBytes));
            else
                fail(414, QStringLiteral("The request line is over %1 bytes").arg(m_limits.maxHeadBytes));
            return i + take;
        }
        m_headBytes += take;
        i += take;
        if (newline < 0) {
            m_line.append(rest);
            break;
        }
        m_line.append(rest.first(newline));
        QByteArrayView line(m_line);
        if (line.endsWith('\r'))
            line.chop(1);
        const bool ok = takeLine(line);
        m_line.clear();
        if (!ok)
            break;
    }
    return i;
}

bool HttpRequestFramer::takeLine(QByteArrayView line)
{
    if (!m_requestLineSeen) {
        m_requestLineSeen = true;
        return parseRequestLine(line);
    }
    if (line.isEmpty())
        return finishHead();
    // Past Qt's own limits QHttpServer would lose the Content-Length and read the body as the next
    // request; those limits therefore bound ours.
    const int maxLines = std::min(m_limits.maxHeaderLines, QtHeaderParserMaxFields);
    if (++m_headerLines > maxLines)
        return fail(431, QStringLiteral("The request has more than %1 header lines").arg(maxLines));
    if (line.size() > QtHeaderParserMaxFieldBytes)
        return fail(431, QStringLiteral("A header line is over %1 bytes").arg(QtHeaderParserMaxFieldBytes));
    return parseHeaderLine(line);
}

bool HttpRequestFramer::parseRequestLine(QByteArrayView line)
{
    const QString shape = QStringLiteral("The request line is not METHOD TARGET HTTP/1.x");
    const qsizetype firstSpace = line.indexOf(' ');
    if (firstSpace <= 0)
        return fail(400, shape);
    const qsizetype secondSpace = line.indexOf(' ', firstSpace + 1);
    if (secondSpace < 0 || secondSpace == firstSpace + 1)
        return fail(400, shape);
    const QByteArrayView method = line.first(firstSpace);
    const QByteArrayView target = line.sliced(firstSpace + 1, secondSpace - firstSpace - 1);
    const QByteArrayView version = line.sliced(secondSpace + 1);
    if (!isToken(method))
        return fail(400, shape);
    if (std::any_of(target.begin(), target.end(), [](char c) { return isControl(c) || c == ' '; }))
        return fail(400, QStringLiteral("The request target holds spaces or control characters"));
    if (version.size() != 8 || !version.startsWith("HTTP/") || version.at(6) != '.' || version.at(5) < '0'
        || version.at(5) > '9' || version.at(7) < '0' || version.at(7) > '9')
        return fail(400, shape);
    if (version.at(5) != '1')
        return fail(505, QStringLiteral("Only HTTP/1.0 and HTTP/1.1 are supported"));
    m_head.method = method.toByteArray();
    m_head.target = target.toByteArray();
    m_head.minorVersion = version.at(7) - '0';
    return true;
}

bool HttpRequestFramer::parseHeaderLine(QByteArrayView line)
{
    if (isOws(line.front()))
        return fail(400, QStringLiteral("Header lines continued on the next line (obsolete folding) are not accepted"));
    const qsizetype colon = line.indexOf(':');
    // A space before the colon is refused too: proxies disagree on what such a header means.
    if (colon <= 0 || !isToken(line.first(colon)))
        return fail(400, QStringLiteral("A header line is not NAME: VALUE"));
    const QByteArrayView name = line.first(colon);
    const QByteArrayView value = trimmedOws(line.sliced(colon + 1));
    if (std::any_of(value.begin(), value.end(), [](char c) { return c != '\t' && isControl(c); }))
        return fail(400, QStringLiteral("The %1 header holds control characters").arg(QString::fromLatin1(name)));

    if (equalsIgnoringCase(name, "content-length")) {
        // One decimal number, and the same in every Content-Length header: QHttpServer reads the
        // first one with toULongLong(), so a list or a sign would frame the body differently.
        if (value.isEmpty() || !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; }))
            return fail(400, QStringLiteral("Content-Length is not one decimal number"));
        qint64 length = 0;
        for (const char c : value) {
            if (length > (kHugeLength - 9) / 10) {
                length = kHugeLength; // over any limit: refused with 413 in finishHead
                break;
            }
            length = length * 10 + (c - '0');
        }
        if (m_sawContentLength && length != m_head.contentLength)
            return fail(400, QStringLiteral("Content-Length headers disagree"));
        m_sawContentLength = true;
        m_head.contentLength = length;
    } else if (equalsIgnoringCase(name, "transfer-encoding")) {
        m_sawTransferEncoding = true;
        // An empty one would hide a later "chunked" from QHttpServer, which reads only the first.
        if (trimmedOws(value).isEmpty() || value.startsWith(',') || value.endsWith(','))
            m_chunkedNotLast = true;
        forEachListElement(value, [this](QByteArrayView coding) {
            if (equalsIgnoringCase(coding, "chunked")) {
                ++m_chunkedCodings;
            } else {
                m_otherCodings = true;
                if (m_chunkedCodings > 0)
                    m_chunkedNotLast = true;
            }
            return true;
        });
    } else if (equalsIgnoringCase(name, "connection")) {
        forEachListElement(value, [this](QByteArrayView option) {
            if (equalsIgnoringCase(option, "close"))
                m_head.closeRequested = true;
            else if (equalsIgnoringCase(option, "keep-alive"))
                m_head.keepAliveRequested = true;
            return true;
        });
    } else if (equalsIgnoringCase(name, "expect")) {
        forEachListElement(value, [this](QByteArrayView expectation) {
            if (equalsIgnoringCase(expectation, "100-continue"))
                m_head.expectContinue = true;
            else if (m_unsupportedExpectation.isEmpty())
                m_unsupportedExpectation
                    = QString::fromLatin1(expectation.first(std::min<qsizetype>(expectation.size(), 64)));
            return true;
        });
    }
    return true;
}

bool HttpRequestFramer::finishHead()
{
    if (!m_unsupportedExpectation.isEmpty())
        return fail(417, QStringLiteral("Expect: %1 is not supported").arg(m_unsupportedExpectation));
    // HTTP/1.0 clients do not know 100 Continue (RFC 9110, 10.1.1).
    if (m_head.minorVersion == 0)
        m_head.expectContinue = false;

    if (m_sawTransferEncoding) {
        // Both at once is how request smuggling starts; HTTP lets a server refuse it (RFC 9112, 6.1).
        if (m_sawContentLength)
            return fail(400, QStringLiteral("Content-Length and Transfer-Encoding together are not accepted"));
        if (m_chunkedCodings == 0 || m_chunkedNotLast || m_chunkedCodings > 1)
            return fail(400, QStringLiteral("Transfer-Encoding must end in chunked, once"));
        if (m_otherCodings)
            return fail(501, QStringLiteral("Transfer codings other than chunked are not supported"));
        m_head.chunked = true;
        m_head.contentLength = 0;
        m_state = State::ReadingBody;
        m_chunkState = ChunkState::Size;
        return true;
    }
    if (m_head.contentLength > m_limits.maxBodyBytes) {
        const QString size
            = m_head.contentLength == kHugeLength ? QStringLiteral("too many") : QString::number(m_head.contentLength);
        return fail(
            413, QStringLiteral("The body is %1 bytes; at most %2 are accepted").arg(size).arg(m_limits.maxBodyBytes));
    }
    m_remaining = m_head.contentLength;
    m_state = m_remaining > 0 ? State::ReadingBody : State::Complete;
    return true;
}

qsizetype HttpRequestFramer::feedChunked(QByteArrayView bytes)
{
    qsizetype i = 0;
    while (i < bytes.size() && m_state == State::ReadingBody) {
        const QByteArrayView rest = bytes.sliced(i);
        switch (m_chunkState) {
        case ChunkState::Size: {
            const qsizetype newline = rest.indexOf('\n');
            const qsizetype take = newline < 0 ? rest.size() : newline + 1;
            if (m_line.size() + take > kMaxChunkLineBytes) {
                fail(400, QStringLiteral("A chunk-size line is over %1 bytes").arg(kMaxChunkLineBytes));
                return i + take;
            }
            i += take;
            if (newline < 0) {
                m_line.append(rest);
                break;
            }
            m_line.append(rest.first(newline));
            const bool ok = parseChunkSize(m_line);
            m_line.clear();
            if (!ok)
                return i;
            break;
        }
        case ChunkState::Data:
            i += skip(rest.size());
            break;
        case ChunkState::DataEnd:
        case ChunkState::LastEnd: {
            // Exactly CRLF: QHttpServer reads two bytes here without looking at them much, so
            // anything else (a bare LF, a trailer field) would make the two disagree.
            const char c = rest.front();
            ++i;
            if (m_line.isEmpty() && c == '\r') {
                m_line.append(c);
                break;
            }
            if (m_line == "\r" && c == '\n') {
                m_line.clear();
                if (m_chunkState == ChunkState::LastEnd)
                    m_state = State::Complete;
                else
                    m_chunkState = ChunkState::Size;
                break;
            }
            if (m_chunkState == ChunkState::LastEnd && m_line.isEmpty())
                fail(400, QStringLiteral("Trailer fields after a chunked body are not supported"));
            else
                fail(400, QStringLiteral("Chunked framing lines must end in CRLF"));
            return i;
        }
        }
    }
    return i;
}

bool HttpRequestFramer::parseChunkSize(QByteArrayView line)
{
    if (!line.endsWith('\r'))
        return fail(400, QStringLiteral("Chunked framing lines must end in CRLF"));
    line.chop(1);
    qsizetype digits = 0;
    qint64 size = 0;
    while (digits < line.size() && hexValue(line.at(digits)) >= 0) {
        if (digits == kMaxChunkSizeDigits)
            return fail(413, QStringLiteral("A chunk is over %1 bytes").arg(m_limits.maxBodyBytes));
        size = size * 16 + hexValue(line.at(digits));
        ++digits;
    }
    if (digits == 0)
        return fail(400, QStringLiteral("A chunk size is not a hexadecimal number"));
    // After the size only an extension may follow (";name=value"), which is ignored.
    const QByteArrayView extension = trimmedOws(line.sliced(digits));
    if (!extension.isEmpty()
        && (extension.front() != ';'
            || std::any_of(extension.begin(), extension.end(), [](char c) { return c != '\t' && isControl(c); })))
        return fail(400, QStringLiteral("A chunk size is not a hexadecimal number"));
    if (size == 0) {
        m_chunkState = ChunkState::LastEnd;
        return true;
    }
    if (size > m_limits.maxBodyBytes - m_announcedBytes)
        return fail(413, QStringLiteral("The chunked body is over %1 bytes").arg(m_limits.maxBodyBytes));
    m_announcedBytes += size;
    m_remaining = size;
    m_chunkState = ChunkState::Data;
    return true;
}

bool HttpRequestFramer::fail(int status, const QString &message)
{
    m_state = State::Failed;
    m_errorStatus = status;
    m_errorMessage = message;
    m_line.clear();
    return false;
}
