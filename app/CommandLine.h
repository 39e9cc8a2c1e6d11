#pragma once

#include "InspectorOptions.h"

#include <QProcessEnvironment>
#include <QStringList>

// Parses the command line into InspectorOptions without exiting the process, so main() decides
// what to print and the tests can check every outcome.
class CommandLine
{
public:
    enum class Status
    {
        Ok,
        Error,
        HelpRequested,
        VersionRequested
    };

    struct Result
    {
        Status status = Status::Ok;
        InspectorOptions options;
        QString message; // the error, the help text or the version line
    };

    static Result parse(const QStringList &arguments,
        const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment());

    // "HOST:PORT", "[v6]:PORT", ":PORT" or "PORT"; false with a reason on bad input.
    static bool parseListenAddress(const QString &text, CaptureConfig &config, QString *error);

    // QStandardPaths::AppDataLocation/events.sqlite (the folder is created when the store opens).
    static QString defaultStorePath();

    // True when the arguments ask for no window (headless run, help or version), so main() can skip
    // creating a QApplication, which needs a display.
    static bool needsNoWindow(const QStringList &arguments);
};
