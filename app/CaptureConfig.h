#pragma once

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
    qint64 retainEvents = 0; // keep at most this many events; 0 = no limit
    qint64 retainDays = 0; // drop events older than this many days; 0 = no limit
};

Q_DECLARE_METATYPE(CaptureConfig)
