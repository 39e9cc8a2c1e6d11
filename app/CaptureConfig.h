#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QMetaType>

// How the capture server listens and whom it lets in. Built from the command line and settings.
struct CaptureConfig
{
    QHostAddress address = QHostAddress(QHostAddress::LocalHost);
    quint16 port = 8080; // 0 picks a free port
    QByteArray secret; // expected `authorization` header value; empty accepts every delivery
};

Q_DECLARE_METATYPE(CaptureConfig)
