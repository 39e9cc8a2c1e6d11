// thena-loadgen: floods one loopback HTTP endpoint with Thena-shaped POSTs and prints one JSON
// line: {requests, ok, non2xx, errors, seconds, rps, p50_ms, p99_ms, ...}.
//
// Raw non-blocking sockets and epoll in one thread: the machine has two cores and the receiver
// under test needs them more than we do, so the generator must cost as little CPU per request as
// possible (Qt Network's per-socket signals would cost more than a small server spends).
// Keep-alive connections, each with up to --pipeline requests in flight; bodies are the shared
// samples in turn, with their request/event ids varied per request. Bounded in count and time, and
// only ever to a loopback address.

#include "BenchSupport.h"
#include "SampleBodyTemplates.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QJsonObject>
#include <QUrl>
#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <deque>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <vector>

namespace {
constexpr int kMaxConnections = 1024;
constexpr qint64 kMaxRequests = 50'000'000;
constexpr double kMaxDurationSeconds = 600;
// A connection that fails this many times in a row is given up (the server is gone or refusing).
constexpr int kMaxConsecutiveFailures = 20;

qint64 nowNs()
{
    timespec ts {};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<qint64>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

struct Target
{
    sockaddr_storage address {};
    socklen_t length = 0;
    QByteArray hostHeader;
    QByteArray path;
};

// Only 127.0.0.0/8, ::1 and "localhost": nothing this tool sends may leave the machine.
bool resolveLoopback(const QUrl &url, Target &target, QString &error)
{
    if (url.scheme() != QLatin1String("http")) {
        error = QStringLiteral("only http:// URLs");
        return false;
    }
    QString host = url.host();
    if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0)
        host = QStringLiteral("127.0.0.1");
    const int port = url.port(80);
    const QByteArray hostBytes = host.toLatin1();
    auto *v4 = reinterpret_cast<sockaddr_in *>(&target.address);
    auto *v6 = reinterpret_cast<sockaddr_in6 *>(&target.address);
    if (inet_pton(AF_INET, hostBytes.constData(), &v4->sin_addr) == 1) {
        if ((ntohl(v4->sin_addr.s_addr) >> 24) != 127) {
            error
                = QStringLiteral("%1 is not a loopback address; this tool sends only to 127.0.0.0/8 or ::1").arg(host);
            return false;
        }
        v4->sin_family = AF_INET;
        v4->sin_port = htons(static_cast<quint16>(port));
        target.length = sizeof(sockaddr_in);
    } else if (inet_pton(AF_INET6, hostBytes.constData(), &v6->sin6_addr) == 1) {
        if (!IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr)) {
            error
                = QStringLiteral("%1 is not a loopback address; this tool sends only to 127.0.0.0/8 or ::1").arg(host);
            return false;
        }
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(static_cast<quint16>(port));
        target.length = sizeof(sockaddr_in6);
    } else {
        error = QStringLiteral("%1 is not an IP address or localhost").arg(url.host());
        return false;
    }
    target.hostHeader = url.authority().toLatin1();
    target.path = url.path(QUrl::FullyEncoded).toLatin1();
    if (target.path.isEmpty())
        target.path = "/";
    if (url.hasQuery())
        target.path += '?' + url.query(QUrl::FullyEncoded).toLatin1();
    return true;
}

struct Connection
{
    int fd = -1;
    bool connecting = false;
    bool watchingWrite = false;
    int consecutiveFailures = 0;
    bool dead = false;
    QByteArray out;
    qsizetype outOffset = 0;
    QByteArray in;
    std::deque<qint64> sentNs; // one per request in flight, oldest first
};

class LoadGenerator
{
public:
    struct Settings
    {
        Target target;
        int connections = 16;
        int pipeline = 1;
        qint64 requests = 100000;
        double durationSeconds = 60;
        double stallSeconds = 10;
        qint64 idBase = 0;
        QList<QByteArray> headers; // extra "Name: value" lines
    };

    LoadGenerator(const Settings &settings, const SampleBodyTemplates &bodies)
        : m_settings(settings)
        , m_bodies(bodies)
    {
        m_requestHead = "POST " + settings.target.path + " HTTP/1.1\r\nHost: " + settings.target.hostHeader
            + "\r\nUser-Agent: thena-loadgen\r\nContent-Type: application/json\r\n";
        for (const QByteArray &header : settings.headers)
            m_requestHead += header + "\r\n";
        m_requestHead += "Content-Length: ";
        m_latenciesUs.reserve(static_cast<size_t>(std::min<qint64>(settings.requests, 20'000'000)));
    }

    QJsonObject run()
    {
        const double cpuStart = cpuSeconds();
        m_epoll = epoll_create1(EPOLL_CLOEXEC);
        m_connections.resize(static_cast<size_t>(m_settings.connections));
        m_startNs = nowNs();
        m_deadlineNs = m_startNs + static_cast<qint64>(m_settings.durationSeconds * 1e9);
        m_lastProgressNs = m_startNs;
        for (size_t i = 0; i < m_connections.size(); ++i)
            open(i);

        std::vector<epoll_event> events(m_connections.size() + 1);
        for (;;) {
            const qint64 now = nowNs();
            if (finished())
                break;
            if (now - m_lastProgressNs > static_cast<qint64>(m_settings.stallSeconds * 1e9)) {
                m_stalled = true;
                break;
            }
            if (now >= m_deadlineNs)
                m_stopIssuing = true;
            const int n = epoll_wait(m_epoll, events.data(), static_cast<int>(events.size()), 50);
            for (int e = 0; e < n; ++e) {
                const size_t index = events[static_cast<size_t>(e)].data.u64;
                const quint32 flags = events[static_cast<size_t>(e)].events;
                Connection &c = m_connections[index];
                if (c.fd < 0)
                    continue;
                if (c.connecting && (flags & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
                    int error = 0;
                    socklen_t length = sizeof(error);
                    getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &error, &length);
                    if (error != 0) {
                        ++m_connectFailures;
                        fail(index);
                        continue;
                    }
                    c.connecting = false;
                    fill(index);
                    flush(index);
                    continue;
                }
                if (flags & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
                    if (!receive(index))
                        continue;
                }
                if ((flags & EPOLLOUT) && c.fd >= 0)
                    flush(index);
            }
            // Connections with nothing in flight (after a reconnect) get work here; one whose
            // connect failed at once is retried until it counts as dead.
            for (size_t i = 0; i < m_connections.size(); ++i) {
                Connection &c = m_connections[i];
                if (c.fd < 0 && !c.dead && canIssue()) {
                    ++m_reconnects;
                    open(i);
                    if (c.dead && allDead())
                        m_stopIssuing = true;
                } else if (c.fd >= 0 && !c.connecting && c.sentNs.empty() && canIssue()) {
                    fill(i);
                    flush(i);
                }
            }
        }
        const qint64 endNs = m_lastResponseNs > 0 ? m_lastResponseNs : nowNs();
        for (size_t i = 0; i < m_connections.size(); ++i) {
            m_errors += static_cast<qint64>(m_connections[i].sentNs.size());
            m_connections[i].sentNs.clear();
            closeConnection(i);
        }
        close(m_epoll);

        const double seconds = static_cast<double>(endNs - m_startNs) / 1e9;
        QJsonObject result;
        result.insert(QStringLiteral("requests"), m_issued);
        result.insert(QStringLiteral("ok"), m_ok);
        result.insert(QStringLiteral("non2xx"), m_non2xx);
        result.insert(QStringLiteral("errors"), m_errors);
        result.insert(QStringLiteral("seconds"), BenchSupport::rounded(seconds));
        result.insert(
            QStringLiteral("rps"), BenchSupport::rounded(seconds > 0 ? static_cast<double>(m_ok) / seconds : 0, 1));
        result.insert(
            QStringLiteral("p50_ms"), BenchSupport::rounded(BenchSupport::quantile(m_latenciesUs, 0.50) / 1000.0));
        result.insert(
            QStringLiteral("p99_ms"), BenchSupport::rounded(BenchSupport::quantile(m_latenciesUs, 0.99) / 1000.0));
        result.insert(
            QStringLiteral("max_ms"), BenchSupport::rounded(BenchSupport::quantile(m_latenciesUs, 1.0) / 1000.0));
        result.insert(QStringLiteral("connections"), m_settings.connections);
        result.insert(QStringLiteral("pipeline"), m_settings.pipeline);
        result.insert(QStringLiteral("reconnects"), m_reconnects);
        result.insert(QStringLiteral("connect_failures"), m_connectFailures);
        result.insert(QStringLiteral("stalled"), m_stalled);
        if (m_firstNon2xx != 0)
            result.insert(QStringLiteral("first_non2xx_status"), m_firstNon2xx);
        result.insert(QStringLiteral("body_bytes_sent"), m_bodyBytes);
        // What the generator itself took of the machine's CPUs: on two cores, every millisecond of
        // it is one the receiver under test did not get.
        result.insert(QStringLiteral("client_cpu_s"), BenchSupport::rounded(cpuSeconds() - cpuStart));
        return result;
    }

private:
    static double cpuSeconds()
    {
        rusage usage {};
        getrusage(RUSAGE_SELF, &usage);
        const auto seconds = [](const timeval &t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
        return seconds(usage.ru_utime) + seconds(usage.ru_stime);
    }

    bool canIssue() const { return !m_stopIssuing && m_issued < m_settings.requests; }

    bool finished() const
    {
        if (canIssue())
            return false;
        for (const Connection &c : m_connections) {
            if (!c.sentNs.empty())
                return false;
        }
        return true;
    }

    void open(size_t index)
    {
        Connection &c = m_connections[index];
        c.fd = socket(m_settings.target.address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (c.fd < 0) {
            c.dead = true;
            return;
        }
        const int one = 1;
        setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        c.in.clear();
        c.out.clear();
        c.outOffset = 0;
        const int rc
            = ::connect(c.fd, reinterpret_cast<const sockaddr *>(&m_settings.target.address), m_settings.target.length);
        c.connecting = rc != 0;
        if (rc != 0 && errno != EINPROGRESS) {
            ++m_connectFailures;
            ::close(c.fd);
            c.fd = -1;
            ++c.consecutiveFailures;
            c.dead = c.consecutiveFailures >= kMaxConsecutiveFailures;
            return;
        }
        epoll_event ev {};
        ev.events = EPOLLIN | EPOLLOUT;
        ev.data.u64 = index;
        c.watchingWrite = true;
        epoll_ctl(m_epoll, EPOLL_CTL_ADD, c.fd, &ev);
        if (!c.connecting)
            fill(index);
    }

    void closeConnection(size_t index)
    {
        Connection &c = m_connections[index];
        if (c.fd >= 0) {
            epoll_ctl(m_epoll, EPOLL_CTL_DEL, c.fd, nullptr);
            ::close(c.fd);
            c.fd = -1;
        }
        c.connecting = false;
    }

    // The connection broke: what was in flight is lost; reconnect while there is work left.
    void fail(size_t index)
    {
        Connection &c = m_connections[index];
        m_errors += static_cast<qint64>(c.sentNs.size());
        c.sentNs.clear();
        closeConnection(index);
        ++c.consecutiveFailures;
        if (c.consecutiveFailures >= kMaxConsecutiveFailures) {
            c.dead = true;
            if (allDead())
                m_stopIssuing = true;
            return;
        }
        if (canIssue()) {
            ++m_reconnects;
            open(index);
        }
    }

    bool allDead() const
    {
        for (const Connection &c : m_connections) {
            if (!c.dead)
                return false;
        }
        return true;
    }

    void fill(size_t index)
    {
        Connection &c = m_connections[index];
        while (static_cast<int>(c.sentNs.size()) < m_settings.pipeline && canIssue()) {
            const QByteArray body = m_bodies.body(m_settings.idBase + m_issued);
            c.out += m_requestHead;
            c.out += QByteArray::number(body.size());
            c.out += "\r\n\r\n";
            c.out += body;
            m_bodyBytes += body.size();
            c.sentNs.push_back(nowNs());
            ++m_issued;
        }
    }

    void watchWrite(size_t index, bool on)
    {
        Connection &c = m_connections[index];
        if (c.watchingWrite == on)
            return;
        epoll_event ev {};
        ev.events = EPOLLIN | (on ? EPOLLOUT : 0u);
        ev.data.u64 = index;
        epoll_ctl(m_epoll, EPOLL_CTL_MOD, c.fd, &ev);
        c.watchingWrite = on;
    }

    void flush(size_t index)
    {
        Connection &c = m_connections[index];
        while (c.outOffset < c.out.size()) {
            const ssize_t n = ::send(
                c.fd, c.out.constData() + c.outOffset, static_cast<size_t>(c.out.size() - c.outOffset), MSG_NOSIGNAL);
            if (n > 0) {
                c.outOffset += n;
                continue;
            }
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                watchWrite(index, true);
                return;
            }
            fail(index);
            return;
        }
        c.out.clear();
        c.outOffset = 0;
        watchWrite(index, false);
    }

    // Reads and handles complete responses; false when the connection was closed meanwhile.
    bool receive(size_t index)
    {
        Connection &c = m_connections[index];
        char buffer[65536];
        bool peerClosed = false;
        for (;;) {
            const ssize_t n = ::recv(c.fd, buffer, sizeof(buffer), 0);
            if (n > 0) {
                c.in.append(buffer, n);
                if (n < static_cast<ssize_t>(sizeof(buffer)))
                    break;
                continue;
            }
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                break;
            peerClosed = true; // 0: orderly close; <0: reset
            break;
        }
        bool closeAfter = false;
        qsizetype consumed = 0;
        while (!c.sentNs.empty()) {
            const qsizetype headEnd = c.in.indexOf("\r\n\r\n", consumed);
            if (headEnd < 0)
                break;
            int status = 0;
            qint64 contentLength = 0;
            bool close = false;
            parseHead(QByteArrayView(c.in.constData() + consumed, headEnd - consumed), status, contentLength, close);
            const qsizetype end = headEnd + 4 + contentLength;
            if (end > c.in.size())
                break;
            consumed = end;
            const qint64 now = nowNs();
            m_latenciesUs.push_back(static_cast<quint32>((now - c.sentNs.front()) / 1000));
            c.sentNs.pop_front();
            m_lastResponseNs = now;
            m_lastProgressNs = now;
            c.consecutiveFailures = 0;
            if (status >= 200 && status < 300) {
                ++m_ok;
            } else {
                ++m_non2xx;
                if (m_firstNon2xx == 0)
                    m_firstNon2xx = status;
            }
            if (close) {
                closeAfter = true;
                break;
            }
        }
        c.in.remove(0, consumed);
        if (closeAfter || peerClosed) {
            if (c.sentNs.empty() && !peerClosed) {
                // The server asked to close after a complete answer: not an error, just reconnect.
                closeConnection(index);
                if (canIssue()) {
                    ++m_reconnects;
                    open(index);
                }
            } else {
                fail(index);
            }
            return false;
        }
        fill(index);
        flush(index);
        return c.fd >= 0;
    }

    static void parseHead(QByteArrayView head, int &status, qint64 &contentLength, bool &close)
    {
        // "HTTP/1.1 200 OK"
        if (head.size() >= 12)
            status = QByteArrayView(head.data() + 9, 3).toInt();
        qsizetype lineStart = head.indexOf('\n');
        while (lineStart >= 0 && lineStart + 1 < head.size()) {
            qsizetype lineEnd = head.indexOf('\n', lineStart + 1);
            if (lineEnd < 0)
                lineEnd = head.size();
            QByteArrayView line = head.sliced(lineStart + 1, lineEnd - lineStart - 1).trimmed();
            const qsizetype colon = line.indexOf(':');
            if (colon > 0) {
                const QByteArrayView name = line.first(colon).trimmed();
                const QByteArrayView value = line.sliced(colon + 1).trimmed();
                if (name.compare("content-length", Qt::CaseInsensitive) == 0)
                    contentLength = value.toLongLong();
                else if (name.compare("connection", Qt::CaseInsensitive) == 0)
                    close = value.compare("close", Qt::CaseInsensitive) == 0;
            }
            lineStart = lineEnd;
        }
    }

    Settings m_settings;
    const SampleBodyTemplates &m_bodies;
    QByteArray m_requestHead;
    std::vector<Connection> m_connections;
    int m_epoll = -1;
    qint64 m_startNs = 0;
    qint64 m_deadlineNs = 0;
    qint64 m_lastProgressNs = 0;
    qint64 m_lastResponseNs = 0;
    bool m_stopIssuing = false;
    bool m_stalled = false;
    qint64 m_issued = 0;
    qint64 m_ok = 0;
    qint64 m_non2xx = 0;
    qint64 m_errors = 0;
    qint64 m_reconnects = 0;
    qint64 m_connectFailures = 0;
    qint64 m_bodyBytes = 0;
    int m_firstNon2xx = 0;
    std::vector<quint32> m_latenciesUs;
};

// A port nobody listens on right now, for starting a server that cannot pick its own.
int printFreePort()
{
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof(address)) != 0
        || getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length) != 0) {
        std::fprintf(stderr, "thena-loadgen: cannot find a free port: %s\n", std::strerror(errno));
        return 1;
    }
    std::fprintf(stdout, "%d\n", ntohs(address.sin_port));
    ::close(fd);
    return 0;
}

// Waits until something accepts connections at the target; for scripts starting a server.
bool waitUntilAccepting(const Target &target, double seconds)
{
    const qint64 deadline = nowNs() + static_cast<qint64>(seconds * 1e9);
    do {
        const int fd = socket(target.address.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        const bool ok
            = fd >= 0 && ::connect(fd, reinterpret_cast<const sockaddr *>(&target.address), target.length) == 0;
        if (fd >= 0)
            ::close(fd);
        if (ok)
            return true;
        usleep(50'000);
    } while (nowNs() < deadline);
    return false;
}
} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("thena-loadgen"));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Floods a loopback Thena webhook receiver with sample POSTs and prints one JSON line of results."));
    parser.addHelpOption();
    const QCommandLineOption urlOption(QStringLiteral("url"),
        QStringLiteral("Target, e.g. http://127.0.0.1:8080/ (loopback only)."), QStringLiteral("URL"));
    const QCommandLineOption connectionsOption(QStringLiteral("connections"),
        QStringLiteral("Keep-alive connections (default 16)."), QStringLiteral("N"), QStringLiteral("16"));
    const QCommandLineOption pipelineOption(QStringLiteral("pipeline"),
        QStringLiteral("Requests in flight per connection (default 1: no pipelining)."), QStringLiteral("N"),
        QStringLiteral("1"));
    const QCommandLineOption requestsOption(QStringLiteral("requests"),
        QStringLiteral("Total requests (default 100000)."), QStringLiteral("N"), QStringLiteral("100000"));
    const QCommandLineOption durationOption(QStringLiteral("duration"),
        QStringLiteral("Stop sending after this many seconds (default 60)."), QStringLiteral("S"),
        QStringLiteral("60"));
    const QCommandLineOption stallOption(QStringLiteral("stall-timeout"),
        QStringLiteral("Give up when no answer came for this many seconds (default 10)."), QStringLiteral("S"),
        QStringLiteral("10"));
    const QCommandLineOption samplesOption(QStringLiteral("samples"), QStringLiteral("Folder of *.json sample bodies."),
        QStringLiteral("DIR"), QStringLiteral(THENA_SAMPLES_DIR));
    const QCommandLineOption headerOption(QStringLiteral("header"),
        QStringLiteral("Extra request header \"Name: value\" (repeatable)."), QStringLiteral("LINE"));
    const QCommandLineOption idBaseOption(QStringLiteral("id-base"),
        QStringLiteral("First id put into the bodies (default: from the clock, so runs differ)."), QStringLiteral("N"));
    const QCommandLineOption waitOption(QStringLiteral("wait"),
        QStringLiteral("First wait up to S seconds for the target to accept connections."), QStringLiteral("S"),
        QStringLiteral("0"));
    const QCommandLineOption waitOnlyOption(
        QStringLiteral("wait-only"), QStringLiteral("Only wait (see --wait); exit 0 when the target accepts."));
    const QCommandLineOption freePortOption(
        QStringLiteral("print-free-port"), QStringLiteral("Print a free loopback TCP port and exit."));
    parser.addOptions({ urlOption, connectionsOption, pipelineOption, requestsOption, durationOption, stallOption,
        samplesOption, headerOption, idBaseOption, waitOption, waitOnlyOption, freePortOption });
    parser.process(app);

    if (parser.isSet(freePortOption))
        return printFreePort();

    auto fail = [](const QString &message) {
        std::fprintf(stderr, "thena-loadgen: %s\n", message.toLocal8Bit().constData());
        return 2;
    };
    if (!parser.isSet(urlOption))
        return fail(QStringLiteral("--url is required"));
    LoadGenerator::Settings settings;
    QString error;
    if (!resolveLoopback(QUrl(parser.value(urlOption)), settings.target, error))
        return fail(error);

    if (parser.value(waitOption).toDouble() > 0 || parser.isSet(waitOnlyOption)) {
        const bool up = waitUntilAccepting(settings.target, std::max(0.1, parser.value(waitOption).toDouble()));
        if (parser.isSet(waitOnlyOption))
            return up ? 0 : 1;
        if (!up)
            return fail(QStringLiteral("nothing accepts connections at %1").arg(parser.value(urlOption)));
    }

    bool ok = true;
    settings.connections = parser.value(connectionsOption).toInt(&ok);
    if (!ok || settings.connections < 1 || settings.connections > kMaxConnections)
        return fail(QStringLiteral("--connections must be 1..%1").arg(kMaxConnections));
    settings.pipeline = parser.value(pipelineOption).toInt(&ok);
    if (!ok || settings.pipeline < 1 || settings.pipeline > 1024)
        return fail(QStringLiteral("--pipeline must be 1..1024"));
    settings.requests = parser.value(requestsOption).toLongLong(&ok);
    if (!ok || settings.requests < 1 || settings.requests > kMaxRequests)
        return fail(QStringLiteral("--requests must be 1..%1").arg(kMaxRequests));
    settings.durationSeconds = parser.value(durationOption).toDouble(&ok);
    if (!ok || settings.durationSeconds <= 0 || settings.durationSeconds > kMaxDurationSeconds)
        return fail(QStringLiteral("--duration must be above 0 and at most %1").arg(kMaxDurationSeconds));
    settings.stallSeconds = parser.value(stallOption).toDouble(&ok);
    if (!ok || settings.stallSeconds <= 0)
        return fail(QStringLiteral("--stall-timeout must be above 0"));
    settings.idBase = parser.isSet(idBaseOption) ? parser.value(idBaseOption).toLongLong()
                                                 : QDateTime::currentSecsSinceEpoch() * 1'000'000;
    const QStringList headers = parser.values(headerOption);
    for (const QString &header : headers) {
        if (!header.contains(QLatin1Char(':')) || header.contains(QLatin1Char('\n'))
            || header.contains(QLatin1Char('\r')))
            return fail(QStringLiteral("--header wants one \"Name: value\" line"));
        settings.headers.append(header.toLatin1());
    }

    SampleBodyTemplates bodies;
    if (!bodies.load(parser.value(samplesOption)))
        return fail(bodies.errorString());

    LoadGenerator generator(settings, bodies);
    const QJsonObject result = generator.run();
    BenchSupport::printJson(result);
    // Not one answer: the target is down or refusing, and the figures mean nothing.
    if (result.value(QStringLiteral("ok")).toInteger() + result.value(QStringLiteral("non2xx")).toInteger() == 0) {
        std::fprintf(stderr, "thena-loadgen: no answer from %s\n", qPrintable(parser.value(urlOption)));
        return 1;
    }
    return 0;
}
