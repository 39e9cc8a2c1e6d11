#pragma once

#include <QByteArray>
#include <QIcon>
#include <QList>
#include <QString>
#include <QUrl>

// What the program carries for the desktop: its icon, the sample Thena events, where its README
// and desktop entry are. The icons and samples are compiled in by packaging/CMakeLists.txt; the
// samples may be missing (the shared folder was absent at build time), so callers check.
class DesktopResources
{
public:
    DesktopResources() = delete;

    struct Sample
    {
        QString name; // file name without ".json", e.g. "request-created"
        QByteArray body;
    };

    // Every size of the application icon (16 to 512 px); a null icon if none was compiled in.
    static QIcon applicationIcon();
    // The sample events, the documented Thena shapes first (created, updated, escalated, platform),
    // then any others by name.
    static QList<Sample> samples();
    // The desktop entry's name without ".desktop", for QGuiApplication::setDesktopFileName so that
    // Wayland compositors and docks match the window to its entry and icon.
    static QString desktopFileName();
    // The installed README (share/doc/thena-inspector next to the executable's prefix), else the
    // source tree's for a build that is not installed; empty when neither exists.
    static QUrl readmeUrl();
};
