#pragma once

// What the flood tests share (tst_durablecapture, tst_teamcapture, tst_teamwindow): the real
// executable started headless on a free port, bodies that are all different, and raw HTTP/1.1
// requests and answers for keep-alive, pipelined connections. Header-only, like TestSupport.h.

#include "TestSupport.h"

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>
#include <QUrl>
#include <vector>

namespace FloodSupport {

// The shared samples in turn, each with an identity of its own ("<prefix>-N" as the request id)
// so no two bodies are alike; half of them indented, because a store must keep the bytes, not an
// equivalent JSON.
inline std::vector<QByteArray> variedBodies(const QString &prefix, int count)
{
    QList<QJsonObject> samples;
    const QStringList names = TestSupport::sampleNames();
    for (const QString &name : names)
        samples.append(QJsonDocument::fromJson(TestSupport::sample(name)).object());
    std::vector<QByteArray> bodies;
    bodies.reserve(static_cast<size_t>(count));
    for (int i = 0; i < count; ++i) {
        QJsonObject object = samples.at(i % samples.size());
        const QString identity = QStringLiteral("%1-%2").arg(prefix).arg(i);
        if (object.contains(QLatin1String("eventId"))) {
            object.insert(QLatin1String("eventId"), identity);
            QJsonObject payload = object.value(QLatin1String("payload")).toObject();
            QJsonObject ticket = payload.value(QLatin1String("ticket")).toObject();
            ticket.insert(QLatin1String("ticketId"), identity); // shown as the request id
            payload.insert(QLatin1String("ticket"), ticket);
            object.insert(QLatin1String("payload"), payload);
        } else {
            QJsonObject request = object.value(QLatin1String("request")).toObject();
            request.insert(QLatin1String("requestId"), identity);
            object.insert(QLatin1String("request"), request);
        }
        bodies.push_back(QJsonDocument(object).toJson(i % 2 ? QJsonDocument::Compact : QJsonDocument::Indented));
    }
    return bodies;
}

inline QByteArray postRequest(const QByteArray &body)
{
    return QByteArrayLiteral("POST /hooks/thena HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                             "Content-Length: ")
        + QByteArray::number(body.size()) + QByteArrayLiteral("\r\n\r\n") + body;
}

// Splits one response with a Content-Length off the front of `buffer`.
inline bool takeResponse(QByteArray &buffer, int &status, QByteArray &body)
{
    const qsizetype headEnd = buffer.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return false;
    const QByteArray head = buffer.left(headEnd);
    qsizetype length = 0;
    const QList<QByteArray> lines = head.split('\n');
    for (const QByteArray &line : lines) {
        if (line.toLower().startsWith("content-length:"))
            length = line.mid(15).trimmed().toLongLong();
    }
    if (buffer.size() < headEnd + 4 + length)
        return false;
    status = head.mid(9, 3).toInt();
    body = buffer.mid(headEnd + 4, length);
    buffer.remove(0, headEnd + 4 + length);
    return true;
}

} // namespace FloodSupport

// The executable in headless mode, on a free port, storing into a file or a postgresql:// URL
// (its password through PGPASSWORD in the environment, never the command line).
class HeadlessInspector
{
public:
    static constexpr int WaitMs = 10000;

    // True once it listens and said it is storing (not in memory after a refusal).
    bool start(const QString &store)
    {
        m_process.setProgram(QStringLiteral(THENA_INSPECTOR_BIN));
        m_process.setArguments({ QStringLiteral("--headless"), QStringLiteral("--listen"),
            QStringLiteral("127.0.0.1:0"), QStringLiteral("--store"), store });
        // Nobody reads the event lines: a full pipe must not slow the child down.
        m_process.setStandardOutputFile(QProcess::nullDevice());
        m_process.start();
        if (!m_process.waitForStarted(WaitMs))
            return false;
        const bool up = QTest::qWaitFor(
            [this] {
                m_stderr += m_process.readAllStandardError();
                const qsizetype at = m_stderr.indexOf("listening on ");
                return (at >= 0 && m_stderr.indexOf('\n', at) > 0) || m_process.state() == QProcess::NotRunning;
            },
            WaitMs);
        if (!up || m_process.state() == QProcess::NotRunning || !m_stderr.contains("storing events in"))
            return false;
        const qsizetype from = m_stderr.indexOf("listening on ") + 13;
        m_url = QUrl(QString::fromUtf8(m_stderr.mid(from, m_stderr.indexOf('\n', from) - from)));
        return m_url.port() > 0;
    }

    // SIGTERM, and true when it then exited normally with 0.
    bool stop()
    {
        m_process.terminate();
        return m_process.waitForFinished(WaitMs) && m_process.exitStatus() == QProcess::NormalExit
            && m_process.exitCode() == 0;
    }

    QProcess &process() { return m_process; }
    QUrl url() const { return m_url; }
    quint16 port() const { return quint16(m_url.port()); }
    QByteArray standardError()
    {
        m_stderr += m_process.readAllStandardError();
        return m_stderr;
    }

private:
    QProcess m_process;
    QByteArray m_stderr;
    QUrl m_url;
};
