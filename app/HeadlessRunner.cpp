#include "HeadlessRunner.h"

#include "CaptureService.h"

#include <QDateTime>
#include <array>

HeadlessRunner::HeadlessRunner(CaptureService *service, FILE *out, FILE *err, QObject *parent)
    : QObject(parent)
    , m_out(out)
    , m_err(err)
    , m_drill(service->config().drill)
{
    connect(service, &CaptureService::listening, this, [this, service](const QUrl &url) {
        m_drill = service->config().drill;
        onListening(url);
    });
    connect(service, &CaptureService::failed, this, &HeadlessRunner::onFailed);
    connect(service, &CaptureService::eventsCaptured, this, &HeadlessRunner::onEvents);
    connect(service, &CaptureService::storeOpened, this, [this](const QString &path, qint64 maxId) {
        report(QStringLiteral("storing events in %1 (last id %2)").arg(path).arg(maxId));
    });
    connect(service, &CaptureService::storeFailed, this, [this, service](const QString &message) {
        if (!service->config().requireStore) // else failed() says it, and we exit
            report(QStringLiteral("thena-inspector: %1; keeping events in memory only").arg(message));
    });
    connect(service, &CaptureService::storeConnectionChanged, this, [this](bool connected, const QString &message) {
        report(connected
                ? QStringLiteral("thena-inspector: %1").arg(message)
                : QStringLiteral("thena-inspector: %1; deliveries are answered 503 until it is back").arg(message));
    });
    connect(service, &CaptureService::storeError, this, [this](const QString &message) {
        report(QStringLiteral("thena-inspector: deliveries answered 503, not stored: %1").arg(message));
    });
}

namespace {

// JSON string escaping exactly as QJsonDocument writes it (compact): the quote, the backslash
// and control characters escaped, everything else as UTF-8, a lone surrogate as a u-escape.
void appendJsonString(QByteArray &out, QStringView text)
{
    static constexpr char kHex[] = "0123456789abcdef";
    out += '"';
    const char16_t *p = text.utf16();
    const char16_t *const end = p + text.size();
    while (p != end) {
        const char16_t u = *p++;
        if (u < 0x80) {
            if (u >= 0x20 && u != u'"' && u != u'\\') {
                out += char(u);
                continue;
            }
            out += '\\';
            switch (u) {
            case u'"':
                out += '"';
                break;
            case u'\\':
                out += '\\';
                break;
            case u'\b':
                out += 'b';
                break;
            case u'\f':
                out += 'f';
                break;
            case u'\n':
                out += 'n';
                break;
            case u'\r':
                out += 'r';
                break;
            case u'\t':
                out += 't';
                break;
            default:
                out += "u00";
                out += kHex[u >> 4];
                out += kHex[u & 0xf];
            }
            continue;
        }
        if (u < 0x800) {
            out += char(0xc0 | (u >> 6));
            out += char(0x80 | (u & 0x3f));
        } else if (QChar::isHighSurrogate(u) && p != end && QChar::isLowSurrogate(*p)) {
            const char32_t c = QChar::surrogateToUcs4(u, *p++);
            out += char(0xf0 | (c >> 18));
            out += char(0x80 | ((c >> 12) & 0x3f));
            out += char(0x80 | ((c >> 6) & 0x3f));
            out += char(0x80 | (c & 0x3f));
        } else if (QChar::isSurrogate(u)) {
            out += "\\u";
            out += kHex[u >> 12];
            out += kHex[(u >> 8) & 0xf];
            out += kHex[(u >> 4) & 0xf];
            out += kHex[u & 0xf];
        } else {
            out += char(0xe0 | (u >> 12));
            out += char(0x80 | ((u >> 6) & 0x3f));
            out += char(0x80 | (u & 0x3f));
        }
    }
    out += '"';
}

void appendDigits(QByteArray &out, int value, int width)
{
    char digits[8];
    for (int i = width - 1; i >= 0; --i) {
        digits[i] = char('0' + value % 10);
        value /= 10;
    }
    out.append(digits, width);
}

// What QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs) gives, e.g.
// 2024-05-01T09:30:00.250Z, without building a QDateTime and formatting through QString.
void appendUtcTime(QByteArray &out, qint64 ms)
{
    // Years 0001-9999 only; anything else goes the slow, general way.
    constexpr qint64 kMinMs = -62135596800000LL; // 0001-01-01T00:00:00Z
    constexpr qint64 kMaxMs = 253402300799999LL; // 9999-12-31T23:59:59.999Z
    if (ms < kMinMs || ms > kMaxMs) {
        out += QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs).toUtf8();
        return;
    }
    const qint64 dayMs = 86400000;
    qint64 days = ms / dayMs;
    qint64 rest = ms % dayMs;
    if (rest < 0) {
        rest += dayMs;
        --days;
    }
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    const qint64 z = days + 719468;
    const qint64 era = (z >= 0 ? z : z - 146096) / 146097;
    const qint64 doe = z - era * 146097;
    const qint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const qint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const qint64 mp = (5 * doy + 2) / 153;
    const int day = int(doy - (153 * mp + 2) / 5 + 1);
    const int month = int(mp < 10 ? mp + 3 : mp - 9);
    const int year = int(yoe + era * 400 + (month <= 2 ? 1 : 0));
    appendDigits(out, year, 4);
    out += '-';
    appendDigits(out, month, 2);
    out += '-';
    appendDigits(out, day, 2);
    out += 'T';
    appendDigits(out, int(rest / 3600000), 2);
    out += ':';
    appendDigits(out, int(rest / 60000 % 60), 2);
    out += ':';
    appendDigits(out, int(rest / 1000 % 60), 2);
    out += '.';
    appendDigits(out, int(rest % 1000), 3);
    out += 'Z';
}

// The kind as a JSON string: "created", "escalated", ...
QByteArray kindJson(EventKind kind)
{
    QByteArray out;
    appendJsonString(out, eventKindName(kind).toLower());
    return out;
}

} // namespace

void HeadlessRunner::appendEventLine(QByteArray &out, const EventRow &row)
{
    // The names of the kinds, computed once: they are the same for every line.
    static const std::array<QByteArray, EventKindCount> kKinds = [] {
        std::array<QByteArray, EventKindCount> names;
        for (int i = 0; i < EventKindCount; ++i)
            names[size_t(i)] = kindJson(static_cast<EventKind>(i));
        return names;
    }();
    const auto kindIndex = static_cast<size_t>(row.kind);
    // Keys in the sorted order QJsonDocument writes them, so lines look as they always did.
    out += "{\"attempt\":";
    out += QByteArray::number(row.attempt);
    out += ",\"eventType\":";
    appendJsonString(out, row.eventType);
    out += ",\"id\":";
    out += QByteArray::number(row.id);
    out += ",\"kind\":";
    out += kindIndex < kKinds.size() ? kKinds[kindIndex] : kindJson(row.kind);
    out += ",\"path\":";
    appendJsonString(out, row.path);
    out += ",\"received\":\"";
    appendUtcTime(out, row.receivedMs);
    out += "\",\"requestId\":";
    appendJsonString(out, row.requestId);
    if (row.retryOf != 0) {
        out += ",\"retryOf\":";
        out += QByteArray::number(row.retryOf);
    }
    out += ",\"size\":";
    out += QByteArray::number(row.sizeBytes);
    out += ",\"status\":";
    appendJsonString(out, row.status);
    out += ",\"title\":";
    appendJsonString(out, row.title);
    out += ",\"urgency\":";
    appendJsonString(out, row.urgency);
    out += row.valid ? ",\"valid\":true}" : ",\"valid\":false}";
}

QByteArray HeadlessRunner::eventLine(const EventRow &row)
{
    QByteArray line;
    appendEventLine(line, row);
    return line;
}

void HeadlessRunner::report(const QString &line)
{
    std::fprintf(m_err, "%s\n", line.toUtf8().constData());
    std::fflush(m_err);
}

void HeadlessRunner::reportSummary(const CaptureStats &stats)
{
    QString line = QStringLiteral("captured %1 events").arg(stats.captured);
    // Each commit waits for one flush to disk: how many deliveries shared one tells whether the
    // disk or the senders set the pace.
    if (stats.commits > 0)
        line += QStringLiteral(" in %1 commits (%2 per commit)")
                    .arg(stats.commits)
                    .arg(double(stats.captured) / double(stats.commits), 0, 'f', 1);
    if (stats.rejected > 0)
        line += QStringLiteral(", refused %1 with 401").arg(stats.rejected);
    if (stats.storeFailures > 0)
        line += QStringLiteral(", answered 503 for %1").arg(stats.storeFailures);
    report(line);
}

void HeadlessRunner::onListening(const QUrl &url)
{
    report(QStringLiteral("listening on ") + url.toString());
    if (m_drill.isActive())
        report(QStringLiteral("FAILURE DRILL ACTIVE: ") + FailureDrill::describe(m_drill));
}

void HeadlessRunner::onFailed(const QString &message)
{
    report(QStringLiteral("thena-inspector: ") + message);
    emit finished(1);
}

void HeadlessRunner::onEvents(const QList<CapturedEvent> &batch)
{
    // One buffer for the batch, reused: a flood prints thousands of lines a second.
    QByteArray &text = m_lineBuffer;
    text.clear();
    for (const CapturedEvent &event : batch) {
        appendEventLine(text, event.row);
        text += '\n';
    }
    std::fwrite(text.constData(), 1, static_cast<size_t>(text.size()), m_out);
    // Readers are usually pipes: a line they cannot see yet is a line they do not have.
    std::fflush(m_out);
}
