#pragma once

#include "CaptureStats.h"
#include "CapturedEvent.h"
#include "FailureDrill.h"

#include <QObject>
#include <QUrl>
#include <cstdio>

class CaptureService;

// The window-less mode: reports on stderr, one JSON line per captured event on stdout, so
// servers, scripts and our end-to-end tests can read what arrives.
class HeadlessRunner final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HeadlessRunner)

public:
    HeadlessRunner(CaptureService *service, FILE *out, FILE *err, QObject *parent = nullptr);

    // The JSON line printed for a captured event (without the newline): the same bytes
    // QJsonDocument would write for these keys, built directly because a flood prints thousands a
    // second.
    static QByteArray eventLine(const EventRow &row);
    static void appendEventLine(QByteArray &out, const EventRow &row);

    // One line on stderr when the run ends: what was captured, in how many commits, what was refused.
    void reportSummary(const CaptureStats &stats);

signals:
    // Emitted when the run should end, with the process exit code.
    void finished(int exitCode);

private:
    void report(const QString &line);
    void onListening(const QUrl &url);
    void onFailed(const QString &message);
    void onEvents(const QList<CapturedEvent> &batch);

    FILE *m_out;
    FILE *m_err;
    FailureDrill::Config m_drill;
    QByteArray m_lineBuffer; // reused from batch to batch
};
