// bare-receiver: the reference for the ingest figure. A plain Qt 6.4 QHttpServer on 127.0.0.1
// whose POST handler parses the body with QJsonDocument and answers 200 {"ok":true}: no storage,
// no table, no retry check, one thread. What the inspector adds on top of this is what the
// ingest ratio measures.

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QHostAddress>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonDocument>
#include <QJsonObject>
#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("bare-receiver"));
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Reference webhook receiver: QHttpServer + QJsonDocument, nothing else."));
    parser.addHelpOption();
    const QCommandLineOption portOption(QStringLiteral("port"),
        QStringLiteral("Port on 127.0.0.1 (0 picks a free one)."), QStringLiteral("PORT"), QStringLiteral("0"));
    parser.addOption(portOption);
    parser.process(app);

    quint64 parsed = 0;
    quint64 invalid = 0;
    QHttpServer server;
    server.route(QStringLiteral("/"), QHttpServerRequest::Method::Post, [&](const QHttpServerRequest &request) {
        QJsonParseError error {};
        const QJsonDocument document = QJsonDocument::fromJson(request.body(), &error);
        if (error.error != QJsonParseError::NoError || !document.isObject()) {
            ++invalid;
            return QHttpServerResponse(
                QJsonObject { { QStringLiteral("ok"), false } }, QHttpServerResponder::StatusCode::BadRequest);
        }
        ++parsed;
        return QHttpServerResponse(QJsonObject { { QStringLiteral("ok"), true } });
    });

    const quint16 port
        = server.listen(QHostAddress::LocalHost, static_cast<quint16>(parser.value(portOption).toUInt()));
    if (port == 0) {
        std::fprintf(stderr, "bare-receiver: cannot listen on 127.0.0.1:%s\n", qPrintable(parser.value(portOption)));
        return 1;
    }
    std::fprintf(stderr, "listening on http://127.0.0.1:%u/\n", port);
    std::fflush(stderr);
    return QCoreApplication::exec();
}
