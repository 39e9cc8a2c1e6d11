#pragma once

#include "FailureDrill.h"

#include <QByteArray>
#include <QHostAddress>
#include <QMetaType>
#include <QString>

// How the capture server listens, whom it lets in and where it keeps what it receives. Built
// from the command line and settings.
struct CaptureConfig
{
    QHostAddress address = QHostAddress(QHostAddress::LocalHost);
    quint16 port = 8080; // 0 picks a free port
    QByteArray secret; // expected `authorization` header value; empty accepts every delivery

    // The SQLite capture file; empty keeps events in memory only. With a file, a delivery is
    // answered 200 only once its transaction has committed.
    QString storePath;
    // Refuse to listen when the store cannot be opened, instead of capturing in memory: a team
    // receiver must never answer 200 for deliveries that no lead will ever see.
    bool requireStore = false;
    qint64 retainEvents = 0; // keep at most this many events; 0 = no limit
    qint64 retainDays = 0; // drop events older than this many days; 0 = no limit

    // Limits against broken or hostile clients (see ConnectionGuard). A value of 0 or less means
    // the default.
    qint64 maxBodyBytes = 10 * 1024 * 1024; // larger bodies get 413 before they are read
    qint32 maxHeaderBytes = 64 * 1024; // request line and headers; larger heads get 431
    qint32 maxHeaderLines = 100; // more header lines get 431; Qt's own parser caps this at 100
    qint32 idleTimeoutMs = 30000; // a request must be complete this long after its first byte (else
                                  // 408), and a connection with nothing going on is closed after it
    qint32 maxConnections = 256; // more simultaneous connections are refused (503 or closed)

    // HTTPS: with both set the server speaks only TLS with this certificate (PEM or DER, the
    // chain after it) and unencrypted private key. A missing or bad file fails the start; it never
    // falls back to plain HTTP.
    QString certFile;
    QString keyFile;

    // A failure drill (--drill, or the Capture menu): the first attempts of each new body are
    // answered with an error or late. Never read from or written to the settings, so a drill
    // cannot survive a restart unnoticed.
    FailureDrill::Config drill;

    bool usesTls() const { return !certFile.isEmpty() || !keyFile.isEmpty(); }
};

Q_DECLARE_METATYPE(CaptureConfig)
