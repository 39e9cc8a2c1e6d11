#include "CaptureService.h"
#include "CommandLine.h"
#include "DesktopResources.h"
#include "ExportCommand.h"
#include "HeadlessRunner.h"
#include "MainWindow.h"
#include "UnixSignalWatcher.h"

#include <QApplication>
#include <QCoreApplication>
#include <csignal>
#include <cstdio>
#include <memory>

namespace {
void setApplicationIdentity()
{
    QCoreApplication::setOrganizationName(QStringLiteral("thena-inspector"));
    QCoreApplication::setApplicationName(QStringLiteral("thena-inspector"));
    QCoreApplication::setApplicationVersion(QLatin1String(THENA_INSPECTOR_VERSION));
}

int runHeadless(const InspectorOptions &options)
{
    CaptureService service;
    HeadlessRunner runner(&service, stdout, stderr);
    UnixSignalWatcher signalWatcher;
    signalWatcher.watch(SIGINT);
    signalWatcher.watch(SIGTERM);
    QObject::connect(&signalWatcher, &UnixSignalWatcher::signalReceived, QCoreApplication::instance(),
        [] { QCoreApplication::exit(0); });
    QObject::connect(&runner, &HeadlessRunner::finished, QCoreApplication::instance(),
        [](int code) { QCoreApplication::exit(code); });
    service.start(options.capture);
    const int code = QCoreApplication::exec();
    service.stop();
    if (code == 0)
        runner.reportSummary(service.stoppedStats());
    return code;
}
} // namespace

int main(int argc, char *argv[])
{
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));

    // `thena-inspector export ...` writes a capture to CSV or JSON Lines, without a window.
    if (arguments.size() > 1 && arguments.at(1) == QLatin1String("export")) {
        QCoreApplication app(argc, argv);
        setApplicationIdentity();
        return ExportCommand::run(arguments, stdout, stderr);
    }

    // A QApplication needs a display; headless servers, --help and --version must not.
    std::unique_ptr<QCoreApplication> app;
    if (CommandLine::needsNoWindow(arguments))
        app = std::make_unique<QCoreApplication>(argc, argv);
    else
        app = std::make_unique<QApplication>(argc, argv);
    setApplicationIdentity();

    const CommandLine::Result parsed = CommandLine::parse(arguments);
    switch (parsed.status) {
    case CommandLine::Status::HelpRequested:
    case CommandLine::Status::VersionRequested:
        std::fprintf(stdout, "%s\n", parsed.message.toLocal8Bit().constData());
        return 0;
    case CommandLine::Status::Error:
        std::fprintf(
            stderr, "thena-inspector: %s\nTry 'thena-inspector --help'.\n", parsed.message.toLocal8Bit().constData());
        return 2;
    case CommandLine::Status::Ok:
        break;
    }

    if (parsed.options.headless)
        return runHeadless(parsed.options);

    QGuiApplication::setDesktopFileName(DesktopResources::desktopFileName());
    QApplication::setWindowIcon(DesktopResources::applicationIcon());
    MainWindow window(parsed.options);
    // Ctrl+C or a TERM from a script closes the window properly: settings saved, store closed.
    UnixSignalWatcher signalWatcher;
    signalWatcher.watch(SIGINT);
    signalWatcher.watch(SIGTERM);
    QObject::connect(&signalWatcher, &UnixSignalWatcher::signalReceived, &window, &QWidget::close);
    window.show();
    window.startCapture();
    return QApplication::exec();
}
