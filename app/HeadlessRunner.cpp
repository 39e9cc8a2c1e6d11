#include "HeadlessRunner.h"

#include "CaptureService.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

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
    connect(service, &CaptureService::storeFailed, this, [this](const QString &message) {
        report(QStringLiteral("thena-inspector: %1; keeping events in memory only").arg(message));
    });
    connect(service, &CaptureService::storeError, this, [this](const QString &message) {
        report(QStringLiteral("thena-inspector: deliveries answered 503, not stored: %1").arg(message));
    });
}

QByteArray HeadlessRunner::eventLine(const EventRow &row)
{
    QJsonObject line;
    line.insert(QStringLiteral("id"), row.id);
    line.insert(QStringLiteral("received"),
        QDateTime::fromMSecsSinceEpoch(row.receivedMs, Qt::UTC).toString(Qt::ISODateWithMs));
    line.insert(QStringLiteral("kind"), eventKindName(row.kind).toLower());
    line.insert(QStringLiteral("eventType"), row.eventType);
    line.insert(QStringLiteral("requestId"), row.requestId);
    line.insert(QStringLiteral("status"), row.status);
    line.insert(QStringLiteral("urgency"), row.urgency);
    line.insert(QStringLiteral("title"), row.title);
    line.insert(QStringLiteral("attempt"), row.attempt);
    if (row.retryOf != 0)
        line.insert(QStringLiteral("retryOf"), row.retryOf);
    line.insert(QStringLiteral("path"), row.path);
    line.insert(QStringLiteral("size"), row.sizeBytes);
    line.insert(QStringLiteral("valid"), row.valid);
    return QJsonDocument(line).toJson(QJsonDocument::Compact);
}

void HeadlessRunner::report(const QString &line)
{
    std::fprintf(m_err, "%s\n", line.toUtf8().constData());
    std::fflush(m_err);
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
    QByteArray text;
    for (const CapturedEvent &event : batch) {
        text += eventLine(event.row);
        text += '\n';
    }
    std::fwrite(text.constData(), 1, static_cast<size_t>(text.size()), m_out);
    // Readers are usually pipes: a line they cannot see yet is a line they do not have.
    std::fflush(m_out);
}
