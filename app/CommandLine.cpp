#include "CommandLine.h"

#include "FailureDrill.h"
#include "StoreLocation.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QStandardPaths>
#include <limits>

namespace {
const QString kSecretEnv = QStringLiteral("THENA_INSPECTOR_SECRET");

QString versionLine()
{
    return QStringLiteral("thena-inspector ") + QLatin1String(THENA_INSPECTOR_VERSION);
}
} // namespace

bool CommandLine::parseListenAddress(const QString &text, CaptureConfig &config, QString *error)
{
    QString host;
    QString portText;
    const QString trimmed = text.trimmed();
    if (trimmed.startsWith(QLatin1Char('['))) {
        const int close = trimmed.indexOf(QLatin1Char(']'));
        if (close < 0 || close + 1 >= trimmed.size() || trimmed.at(close + 1) != QLatin1Char(':')) {
            *error = QStringLiteral("\"%1\" is not HOST:PORT (IPv6 addresses look like [::1]:8080)").arg(text);
            return false;
        }
        host = trimmed.mid(1, close - 1);
        portText = trimmed.mid(close + 2);
    } else {
        const int colon = trimmed.lastIndexOf(QLatin1Char(':'));
        if (colon < 0) {
            portText = trimmed;
        } else {
            host = trimmed.left(colon);
            portText = trimmed.mid(colon + 1);
        }
    }

    bool ok = false;
    const uint port = portText.toUInt(&ok);
    if (!ok || port > 65535) {
        *error = QStringLiteral("\"%1\" is not a port number from 0 to 65535").arg(portText);
        return false;
    }

    QHostAddress address(QHostAddress::LocalHost);
    if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0) {
        address = QHostAddress(QHostAddress::LocalHost);
    } else if (!host.isEmpty() && !address.setAddress(host)) {
        *error = QStringLiteral("\"%1\" is not an IP address (use 127.0.0.1, 0.0.0.0, ::1 or localhost)").arg(host);
        return false;
    }
    config.address = address;
    config.port = static_cast<quint16>(port);
    return true;
}

QString CommandLine::defaultStorePath()
{
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    return dir.isEmpty() ? QString() : dir + QStringLiteral("/events.sqlite");
}

bool CommandLine::needsNoWindow(const QStringList &arguments)
{
    for (const QString &arg : arguments.mid(1)) {
        if (arg == QLatin1String("--headless") || arg == QLatin1String("--help") || arg == QLatin1String("-h")
            || arg == QLatin1String("--version") || arg == QLatin1String("-v") || arg == QLatin1String("--help-all"))
            return true;
    }
    return false;
}

CommandLine::Result CommandLine::parse(const QStringList &arguments, const QProcessEnvironment &environment)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Thena Inspector receives Thena webhooks on a local HTTP server and shows them live.\n"
                       "The secret can also come from the environment variable THENA_INSPECTOR_SECRET."));
    const QCommandLineOption helpOption = parser.addHelpOption();
    const QCommandLineOption versionOption = parser.addVersionOption();
    const QCommandLineOption listenOption(QStringLiteral("listen"),
        QStringLiteral("Address and port to listen on (default 127.0.0.1:8080; "
                       "port 0 picks a free one)."),
        QStringLiteral("HOST:PORT"));
    const QCommandLineOption secretOption(QStringLiteral("secret"),
        QStringLiteral("Expected value of the authorization header."), QStringLiteral("VALUE"));
    const QCommandLineOption secretFileOption(QStringLiteral("secret-file"),
        QStringLiteral("Read the expected authorization value from FILE."), QStringLiteral("FILE"));
    const QCommandLineOption headlessOption(
        QStringLiteral("headless"), QStringLiteral("No window: print one JSON line per captured event to stdout."));
    const QCommandLineOption storeOption(QStringLiteral("store"),
        QStringLiteral("The capture: a SQLite file (default: events.sqlite in the application data folder), or a "
                       "team database postgresql://USER@HOST:PORT/DB[?schema=NAME&sslmode=MODE] whose password "
                       "comes from THENA_INSPECTOR_DB_PASSWORD or PGPASSWORD, never the command line."),
        QStringLiteral("FILE|URL"));
    const QCommandLineOption noStoreOption(
        QStringLiteral("no-store"), QStringLiteral("Keep events in memory only; nothing is written."));
    const QCommandLineOption keepEventsOption(QStringLiteral("keep-events"),
        QStringLiteral("Retention: keep at most N events (0 = no limit)."), QStringLiteral("N"));
    const QCommandLineOption keepDaysOption(QStringLiteral("keep-days"),
        QStringLiteral("Retention: drop events older than D days (0 = no limit)."), QStringLiteral("D"));
    const QCommandLineOption tlsCertOption(QStringLiteral("tls-cert"),
        QStringLiteral("Serve HTTPS with this certificate (PEM); needs --tls-key."), QStringLiteral("FILE"));
    const QCommandLineOption tlsKeyOption(QStringLiteral("tls-key"),
        QStringLiteral("The certificate's unencrypted private key (PEM)."), QStringLiteral("FILE"));
    const QCommandLineOption maxBodyOption(QStringLiteral("max-body"),
        QStringLiteral("Largest body accepted, in bytes (K and M suffixes work; "
                       "default 10M). Larger ones get 413."),
        QStringLiteral("SIZE"));
    const QCommandLineOption idleTimeoutOption(QStringLiteral("idle-timeout"),
        QStringLiteral("Seconds a connection may take to send a complete request (default 30)."),
        QStringLiteral("SECONDS"));
    const QCommandLineOption maxConnectionsOption(QStringLiteral("max-connections"),
        QStringLiteral("Simultaneous connections (default 256)."), QStringLiteral("N"));
    const QCommandLineOption drillOption(QStringLiteral("drill"),
        QStringLiteral("Failure drill: answer the first N attempts of each new body with STATUS (500, 503, 429) "
                       "or a delay (e.g. 2:503, 1:429:escalated, 3:30s). Off unless given; never saved."),
        QStringLiteral("N:STATUS"));
    parser.addOptions({ listenOption, secretOption, secretFileOption, headlessOption, storeOption, noStoreOption,
        keepEventsOption, keepDaysOption, tlsCertOption, tlsKeyOption, maxBodyOption, idleTimeoutOption,
        maxConnectionsOption, drillOption });

    Result result;
    if (!parser.parse(arguments)) {
        result.status = Status::Error;
        result.message = parser.errorText();
        return result;
    }
    if (parser.isSet(helpOption)) {
        result.status = Status::HelpRequested;
        result.message = parser.helpText();
        return result;
    }
    if (parser.isSet(versionOption)) {
        result.status = Status::VersionRequested;
        result.message = versionLine();
        return result;
    }
    if (!parser.positionalArguments().isEmpty()) {
        result.status = Status::Error;
        result.message = QStringLiteral("Unexpected argument: %1").arg(parser.positionalArguments().constFirst());
        return result;
    }

    InspectorOptions &options = result.options;
    options.headless = parser.isSet(headlessOption);
    if (parser.isSet(listenOption)) {
        QString error;
        if (!parseListenAddress(parser.value(listenOption), options.capture, &error)) {
            result.status = Status::Error;
            result.message = QStringLiteral("--listen: ") + error;
            return result;
        }
        options.hasListen = true;
    }

    if (parser.isSet(storeOption) && parser.isSet(noStoreOption)) {
        result.status = Status::Error;
        result.message = QStringLiteral("Give either --store or --no-store, not both.");
        return result;
    }
    options.hasStore = parser.isSet(storeOption) || parser.isSet(noStoreOption);
    if (parser.isSet(storeOption)) {
        options.capture.storePath = parser.value(storeOption);
        if (options.capture.storePath.isEmpty()) {
            result.status = Status::Error;
            result.message = QStringLiteral("--store needs a file name or a postgresql:// address.");
            return result;
        }
    } else if (!parser.isSet(noStoreOption)) {
        options.capture.storePath = defaultStorePath();
    }
    // A headless receiver on a team database that cannot be reached exits (systemd starts it
    // again) rather than answering 200 for events kept only in its own memory.
    options.capture.requireStore = options.headless && StoreLocation::isPostgreSqlUrl(options.capture.storePath);
    const auto parseCount = [&](const QCommandLineOption &option, qint64 *out) {
        if (!parser.isSet(option))
            return true;
        bool ok = false;
        const qint64 value = parser.value(option).toLongLong(&ok);
        if (!ok || value < 0) {
            result.status = Status::Error;
            result.message = QStringLiteral("--%1 takes a whole number of 0 or more, not \"%2\"")
                                 .arg(option.names().constFirst(), parser.value(option));
            return false;
        }
        *out = value;
        options.hasRetention = true;
        return true;
    };
    if (!parseCount(keepEventsOption, &options.capture.retainEvents)
        || !parseCount(keepDaysOption, &options.capture.retainDays))
        return result;

    if (parser.isSet(drillOption)) {
        QString error;
        const std::optional<FailureDrill::Config> drill = FailureDrill::parse(parser.value(drillOption), &error);
        if (!drill) {
            result.status = Status::Error;
            result.message = QStringLiteral("--drill: ") + error;
            return result;
        }
        options.capture.drill = *drill;
    }
    if (parser.isSet(tlsCertOption) != parser.isSet(tlsKeyOption)) {
        result.status = Status::Error;
        result.message = QStringLiteral("HTTPS needs both --tls-cert and --tls-key.");
        return result;
    }
    options.capture.certFile = parser.value(tlsCertOption);
    options.capture.keyFile = parser.value(tlsKeyOption);
    options.hasTls = parser.isSet(tlsCertOption);
    options.hasMaxBody = parser.isSet(maxBodyOption);
    options.hasIdleTimeout = parser.isSet(idleTimeoutOption);
    options.hasMaxConnections = parser.isSet(maxConnectionsOption);
    if (parser.isSet(maxBodyOption)) {
        QString text = parser.value(maxBodyOption).trimmed().toUpper();
        qint64 unit = 1;
        if (text.endsWith(QLatin1Char('K')))
            unit = 1024;
        else if (text.endsWith(QLatin1Char('M')))
            unit = 1024 * 1024;
        if (unit != 1)
            text.chop(1);
        bool ok = false;
        const qint64 value = text.toLongLong(&ok);
        if (!ok || value <= 0 || value > std::numeric_limits<qint64>::max() / unit) {
            result.status = Status::Error;
            result.message = QStringLiteral("--max-body takes a size such as 10M, 512K or 1048576, not \"%1\"")
                                 .arg(parser.value(maxBodyOption));
            return result;
        }
        options.capture.maxBodyBytes = value * unit;
    }
    const auto parsePositive = [&](const QCommandLineOption &option, qint64 max, qint64 *out) {
        if (!parser.isSet(option))
            return true;
        bool ok = false;
        const qint64 value = parser.value(option).toLongLong(&ok);
        if (!ok || value <= 0 || value > max) {
            result.status = Status::Error;
            result.message = QStringLiteral("--%1 takes a whole number from 1 to %2, not \"%3\"")
                                 .arg(option.names().constFirst())
                                 .arg(max)
                                 .arg(parser.value(option));
            return false;
        }
        *out = value;
        return true;
    };
    qint64 idleSeconds = options.capture.idleTimeoutMs / 1000;
    qint64 maxConnections = options.capture.maxConnections;
    if (!parsePositive(idleTimeoutOption, 3600, &idleSeconds)
        || !parsePositive(maxConnectionsOption, 100000, &maxConnections))
        return result;
    options.capture.idleTimeoutMs = static_cast<qint32>(idleSeconds * 1000);
    options.capture.maxConnections = static_cast<qint32>(maxConnections);

    if (parser.isSet(secretOption) && parser.isSet(secretFileOption)) {
        result.status = Status::Error;
        result.message = QStringLiteral("Give either --secret or --secret-file, not both.");
        return result;
    }
    if (parser.isSet(secretOption)) {
        options.capture.secret = parser.value(secretOption).toUtf8();
        options.secretSource = QStringLiteral("--secret");
    } else if (parser.isSet(secretFileOption)) {
        QFile file(parser.value(secretFileOption));
        if (!file.open(QIODevice::ReadOnly)) {
            result.status = Status::Error;
            result.message
                = QStringLiteral("--secret-file: cannot read %1: %2").arg(file.fileName(), file.errorString());
            return result;
        }
        // A trailing newline is an editor's, not part of the secret.
        options.capture.secret = file.readAll().trimmed();
        options.secretSource = QStringLiteral("--secret-file");
    } else if (environment.contains(kSecretEnv)) {
        options.capture.secret = environment.value(kSecretEnv).toUtf8();
        options.secretSource = kSecretEnv;
    }
    options.hasSecret = !options.secretSource.isEmpty();
    if (options.hasSecret && options.capture.secret.isEmpty()) {
        result.status = Status::Error;
        result.message = QStringLiteral("%1 gives an empty secret.").arg(options.secretSource);
        return result;
    }
    return result;
}
