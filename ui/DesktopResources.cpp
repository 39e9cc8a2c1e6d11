#include "DesktopResources.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <algorithm>

#ifndef THENA_APP_ID
#define THENA_APP_ID "thena-inspector"
#endif
#ifndef THENA_DOC_DIR
#define THENA_DOC_DIR "share/doc/thena-inspector"
#endif

namespace {
const QString kIconDir = QStringLiteral(":/thena-inspector/icons");
const QString kSampleDir = QStringLiteral(":/thena-inspector/samples");

int preferredRank(const QString &name)
{
    static const QStringList order = { QStringLiteral("request-created"), QStringLiteral("request-updated"),
        QStringLiteral("request-escalated"), QStringLiteral("platform-ticket-created") };
    const qsizetype rank = order.indexOf(name);
    return rank < 0 ? static_cast<int>(order.size()) : static_cast<int>(rank);
}
} // namespace

QIcon DesktopResources::applicationIcon()
{
    QIcon icon;
    const QStringList files = QDir(kIconDir).entryList({ QStringLiteral("thena-inspector-*.png") }, QDir::Files);
    for (const QString &file : files)
        icon.addFile(kIconDir + QLatin1Char('/') + file);
    return icon;
}

QList<DesktopResources::Sample> DesktopResources::samples()
{
    QList<Sample> samples;
    const QStringList files = QDir(kSampleDir).entryList({ QStringLiteral("*.json") }, QDir::Files, QDir::Name);
    for (const QString &file : files) {
        QFile in(kSampleDir + QLatin1Char('/') + file);
        if (!in.open(QIODevice::ReadOnly))
            continue;
        samples.append({ QFileInfo(file).completeBaseName(), in.readAll() });
    }
    // The order a request lives through, so the table reads like a story.
    std::stable_sort(samples.begin(), samples.end(),
        [](const Sample &a, const Sample &b) { return preferredRank(a.name) < preferredRank(b.name); });
    return samples;
}

QString DesktopResources::desktopFileName()
{
    return QStringLiteral(THENA_APP_ID);
}

QUrl DesktopResources::readmeUrl()
{
    QStringList candidates;
    if (QCoreApplication::instance()) {
        // bin/../share/doc/thena-inspector: wherever the package or `cmake --install` put us.
        candidates.append(
            QDir(QCoreApplication::applicationDirPath())
                .filePath(QStringLiteral("../") + QLatin1String(THENA_DOC_DIR) + QStringLiteral("/README.md")));
    }
#ifdef THENA_SOURCE_README
    candidates.append(QStringLiteral(THENA_SOURCE_README));
#endif
    for (const QString &candidate : std::as_const(candidates)) {
        const QFileInfo info(candidate);
        if (info.isFile())
            return QUrl::fromLocalFile(info.canonicalFilePath());
    }
    return {};
}
