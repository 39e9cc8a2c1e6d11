#include "DesktopResources.h"
#include "TestSupport.h"

#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <memory>
#include <signal.h>

// The program as a user installs it: `cmake --install` into a scratch root and `cpack -G DEB` from
// this build folder, then the installed files checked with the freedesktop and AppStream
// validators, the package's Depends line read, and the packaged executable run from the extracted
// package (--version, and a headless capture of one sample over loopback). cpack packages what is
// built; this test depends on everything the package holds (the executable and the manual page).
// Needs desktop-file-utils, appstream and dpkg-dev (dpkg-shlibdeps).
class TestPackaging : public QObject
{
    Q_OBJECT

private:
    struct Run
    {
        int exitCode = -1;
        QByteArray out;
        QByteArray err;
        bool finished = false;
    };

    static Run run(const QString &program, const QStringList &arguments, const QString &workingDir = {},
        const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment(), int timeoutMs = 60000)
    {
        QProcess process;
        process.setProcessEnvironment(environment);
        if (!workingDir.isEmpty())
            process.setWorkingDirectory(workingDir);
        process.start(program, arguments);
        Run result;
        result.finished = process.waitForStarted() && process.waitForFinished(timeoutMs);
        result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        result.out = process.readAllStandardOutput();
        result.err = process.readAllStandardError();
        return result;
    }

    static QString describe(const Run &r)
    {
        return QStringLiteral("exit %1\nstdout: %2\nstderr: %3")
            .arg(r.exitCode)
            .arg(QString::fromUtf8(r.out), QString::fromUtf8(r.err));
    }

    static QString cacheValue(const QString &buildDir, const QString &name)
    {
        QFile cache(QDir(buildDir).filePath(QStringLiteral("CMakeCache.txt")));
        if (!cache.open(QIODevice::ReadOnly | QIODevice::Text))
            return {};
        const QRegularExpression line(QStringLiteral("^%1:[A-Z]+=(.*)$").arg(QRegularExpression::escape(name)));
        while (!cache.atEnd()) {
            const QRegularExpressionMatch match = line.match(QString::fromUtf8(cache.readLine()).trimmed());
            if (match.hasMatch())
                return match.captured(1);
        }
        return {};
    }

    // Every file under root, as paths relative to it.
    static QStringList filesUnder(const QString &root)
    {
        QStringList files;
        QDirIterator it(root, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext())
            files.append(QDir(root).relativeFilePath(it.next()));
        files.sort();
        return files;
    }

    static QString tool(const QString &name) { return QStandardPaths::findExecutable(name); }

    static QStringList optionsIn(const QByteArray &helpText)
    {
        QStringList options;
        const QRegularExpression option(QStringLiteral("(?:^|\\s|,)(--[a-z][a-z-]+)"));
        auto it = option.globalMatch(QString::fromUtf8(helpText));
        while (it.hasNext()) {
            const QString name = it.next().captured(1);
            if (!options.contains(name) && name != QLatin1String("--help-all"))
                options.append(name);
        }
        return options;
    }

    QTemporaryDir m_dir;
    QString m_buildDir;
    QString m_installRoot; // DESTDIR of `cmake --install --prefix /usr`
    QString m_debFile;
    QString m_debRoot; // the package extracted
    QString m_appId;

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_buildDir = QFileInfo(QStringLiteral(THENA_INSPECTOR_BIN)).dir().absoluteFilePath(QStringLiteral(".."));
        m_buildDir = QDir(m_buildDir).canonicalPath();
        QVERIFY2(QFile::exists(QDir(m_buildDir).filePath(QStringLiteral("CPackConfig.cmake"))),
            qPrintable(QStringLiteral("no CPackConfig.cmake in %1").arg(m_buildDir)));
        m_appId = DesktopResources::desktopFileName();
        for (const char *needed : { "dpkg-deb", "desktop-file-validate", "appstreamcli", "dpkg-shlibdeps", "gzip" }) {
            QVERIFY2(!tool(QLatin1String(needed)).isEmpty(),
                qPrintable(QStringLiteral("%1 is missing: apt-get install desktop-file-utils appstream dpkg-dev gzip")
                               .arg(QLatin1String(needed))));
        }
    }

    void installsUnderGnuInstallDirs()
    {
        QString cmake = cacheValue(m_buildDir, QStringLiteral("CMAKE_COMMAND"));
        if (cmake.isEmpty())
            cmake = tool(QStringLiteral("cmake"));
        m_installRoot = m_dir.filePath(QStringLiteral("install"));
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("DESTDIR"), m_installRoot);
        const Run install = run(cmake,
            { QStringLiteral("--install"), m_buildDir, QStringLiteral("--prefix"), QStringLiteral("/usr") }, {}, env);
        QVERIFY2(install.finished && install.exitCode == 0, qPrintable(describe(install)));

        const QDir usr(m_installRoot + QStringLiteral("/usr"));
        const QFileInfo binary(usr.filePath(QStringLiteral("bin/thena-inspector")));
        QVERIFY(binary.isFile());
        QVERIFY(binary.isExecutable());
        QVERIFY(usr.exists(QStringLiteral("share/applications/%1.desktop").arg(m_appId)));
        QVERIFY(usr.exists(QStringLiteral("share/metainfo/%1.metainfo.xml").arg(m_appId)));
        QVERIFY(usr.exists(QStringLiteral("share/man/man1/thena-inspector.1.gz")));
        QVERIFY(usr.exists(QStringLiteral("share/doc/thena-inspector/README.md")));
        QVERIFY(usr.exists(QStringLiteral("share/doc/thena-inspector/docs/screenshot.png")));
        for (const int size : { 16, 22, 24, 32, 48, 64, 128, 256, 512 }) {
            const QString icon
                = usr.filePath(QStringLiteral("share/icons/hicolor/%1x%1/apps/thena-inspector.png").arg(size));
            const QImage image(icon);
            QVERIFY2(!image.isNull(), qPrintable(icon));
            QCOMPARE(image.size(), QSize(size, size));
            QVERIFY(image.hasAlphaChannel());
        }
        // The team receiver's unit, pointing at the installed binary.
        QFile unit(usr.filePath(QStringLiteral("lib/systemd/system/thena-inspector-receiver.service")));
        QVERIFY(unit.open(QIODevice::ReadOnly));
        const QByteArray unitText = unit.readAll();
        QVERIFY(unitText.contains("ExecStart=/usr/bin/thena-inspector --headless "));
        QVERIFY(unitText.contains("EnvironmentFile="));
        // The password lives in the root-only environment file, never in the unit itself.
        for (const QByteArray &line : unitText.split('\n'))
            QVERIFY2(line.startsWith('#') || !line.contains("PASSWORD"), line.constData());
        // Nothing else: no static libraries, tests or headers end up in the package.
        QCOMPARE(filesUnder(m_installRoot).size(), 16);
    }

    void desktopEntryIsValid()
    {
        QVERIFY(!m_installRoot.isEmpty());
        const QString desktop = m_installRoot + QStringLiteral("/usr/share/applications/%1.desktop").arg(m_appId);
        const Run validate = run(tool(QStringLiteral("desktop-file-validate")), { desktop });
        QVERIFY2(validate.finished && validate.exitCode == 0, qPrintable(describe(validate)));
        QVERIFY2(!validate.out.contains("error") && !validate.out.contains("warning"), validate.out.constData());

        QFile file(desktop);
        QVERIFY(file.open(QIODevice::ReadOnly | QIODevice::Text));
        const QString text = QString::fromUtf8(file.readAll());
        QVERIFY(text.contains(QStringLiteral("\nExec=thena-inspector\n")));
        QVERIFY(text.contains(QStringLiteral("\nIcon=thena-inspector\n")));
        // On X11 the window's WM_CLASS, not the reverse-DNS file name, ties it to this entry.
        QVERIFY(text.contains(QStringLiteral("\nStartupWMClass=thena-inspector\n")));
    }

    void appStreamMetadataIsValid()
    {
        QVERIFY(!m_installRoot.isEmpty());
        const QString metainfo = m_installRoot + QStringLiteral("/usr/share/metainfo/%1.metainfo.xml").arg(m_appId);
        const QString appstream = tool(QStringLiteral("appstreamcli"));
        const Run validate = run(appstream, { QStringLiteral("validate"), QStringLiteral("--no-net"), metainfo });
        QVERIFY2(validate.finished && validate.exitCode == 0, qPrintable(describe(validate)));
        // The whole tree: the metainfo's launchable names a desktop entry that exists, with an icon.
        const Run tree = run(appstream,
            { QStringLiteral("validate-tree"), QStringLiteral("--no-net"), m_installRoot + QStringLiteral("/usr") });
        QVERIFY2(tree.finished && tree.exitCode == 0, qPrintable(describe(tree)));

        QFile file(metainfo);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray xml = file.readAll();
        QVERIFY(xml.contains(QByteArray("<id>" + m_appId.toUtf8() + "</id>")));
        QVERIFY(xml.contains("<release version=\"" THENA_INSPECTOR_VERSION "\""));
        QVERIFY(xml.contains("<binary>thena-inspector</binary>"));
    }

    void manualPageHasEveryOption()
    {
        QVERIFY(!m_installRoot.isEmpty());
        const Run unzip = run(tool(QStringLiteral("gzip")),
            { QStringLiteral("-dc"), m_installRoot + QStringLiteral("/usr/share/man/man1/thena-inspector.1.gz") });
        QVERIFY2(unzip.exitCode == 0, qPrintable(describe(unzip)));
        const QString page = QString::fromUtf8(unzip.out).replace(QStringLiteral("\\-"), QStringLiteral("-"));
        QVERIFY(page.contains(QStringLiteral(".TH THENA-INSPECTOR 1")));
        QVERIFY(page.contains(QStringLiteral("Thena Inspector " THENA_INSPECTOR_VERSION)));

        const QString binary = QStringLiteral(THENA_INSPECTOR_BIN);
        const Run help = run(binary, { QStringLiteral("--help") });
        const Run exportHelp = run(binary, { QStringLiteral("export"), QStringLiteral("--help") });
        QCOMPARE(help.exitCode, 0);
        QCOMPARE(exportHelp.exitCode, 0);
        const QStringList options = optionsIn(help.out) + optionsIn(exportHelp.out);
        QVERIFY(options.size() > 15);
        for (const QString &option : options)
            QVERIFY2(page.contains(option), qPrintable(option + QStringLiteral(" is not in the manual page")));
        QVERIFY(page.contains(QStringLiteral("THENA_INSPECTOR_SECRET")));
    }

    void buildsADebianPackage()
    {
        QString cpack = cacheValue(m_buildDir, QStringLiteral("CMAKE_CPACK_COMMAND"));
        if (cpack.isEmpty())
            cpack = tool(QStringLiteral("cpack"));
        const QString outDir = m_dir.filePath(QStringLiteral("cpack"));
        QElapsedTimer timer;
        timer.start();
        const Run pack = run(cpack,
            { QStringLiteral("--config"), QDir(m_buildDir).filePath(QStringLiteral("CPackConfig.cmake")),
                QStringLiteral("-G"), QStringLiteral("DEB"), QStringLiteral("-B"), outDir },
            m_buildDir, QProcessEnvironment::systemEnvironment(), 180000);
        qInfo("cpack took %lld ms", static_cast<long long>(timer.elapsed()));
        QVERIFY2(pack.finished && pack.exitCode == 0, qPrintable(describe(pack)));
        const QStringList debs = QDir(outDir).entryList({ QStringLiteral("*.deb") }, QDir::Files);
        QCOMPARE(debs.size(), 1);
        m_debFile = QDir(outDir).filePath(debs.constFirst());
        QVERIFY2(debs.constFirst().startsWith(QStringLiteral("thena-inspector_" THENA_INSPECTOR_VERSION "_")),
            qPrintable(debs.constFirst()));

        m_debRoot = m_dir.filePath(QStringLiteral("deb"));
        const Run extract = run(tool(QStringLiteral("dpkg-deb")), { QStringLiteral("-x"), m_debFile, m_debRoot });
        QVERIFY2(extract.exitCode == 0, qPrintable(describe(extract)));
        // The package holds exactly what `cmake --install` installs.
        QVERIFY(!m_installRoot.isEmpty());
        QCOMPARE(filesUnder(m_debRoot), filesUnder(m_installRoot));
        // Stripped: the RelWithDebInfo debug information stays out of the package.
        QVERIFY(QFileInfo(m_debRoot + QStringLiteral("/usr/bin/thena-inspector")).size()
            < QFileInfo(QStringLiteral(THENA_INSPECTOR_BIN)).size());
    }

    void controlFields()
    {
        QVERIFY(!m_debFile.isEmpty());
        const QString dpkgDeb = tool(QStringLiteral("dpkg-deb"));
        const auto field = [&](const char *name) {
            return QString::fromUtf8(run(dpkgDeb, { QStringLiteral("-f"), m_debFile, QLatin1String(name) }).out)
                .trimmed();
        };
        QCOMPARE(field("Package"), QStringLiteral("thena-inspector"));
        QCOMPARE(field("Version"), QStringLiteral(THENA_INSPECTOR_VERSION));
        QCOMPARE(field("Section"), QStringLiteral("net"));
        QVERIFY(!field("Maintainer").isEmpty());
        QVERIFY(field("Description").startsWith(QStringLiteral("live inspector for Thena")));

        const QString depends = field("Depends");
        QStringList names;
        for (const QString &entry : depends.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            // "libqt6core6 (>= 6.4.2)" or "a | b": the first alternative's name.
            names.append(entry.trimmed().section(QLatin1Char(' '), 0, 0).section(QLatin1Char('|'), 0, 0));
        }
        // Found by dpkg-shlibdeps in the executable...
        for (const char *linked : { "libc6", "libstdc++6", "libqt6core6", "libqt6gui6", "libqt6widgets6",
                 "libqt6network6", "libqt6sql6", "libqt6httpserver6" })
            QVERIFY2(names.contains(QLatin1String(linked)),
                qPrintable(QLatin1String(linked) + QStringLiteral(" not in: ") + depends));
        // ...and what Qt loads at run time, which it cannot see.
        for (const char *loaded : { "libqt6sql6-sqlite", "qt6-qpa-plugins", "fonts-dejavu-core" })
            QVERIFY2(names.contains(QLatin1String(loaded)),
                qPrintable(QLatin1String(loaded) + QStringLiteral(" not in: ") + depends));
        // Every name is a real Debian package: this machine has each of them installed.
        const Run installed = run(tool(QStringLiteral("dpkg-query")),
            QStringList { QStringLiteral("-W"), QStringLiteral("-f=${Package}\\n") } + names);
        QVERIFY2(installed.exitCode == 0, qPrintable(describe(installed)));
        // Team capture's driver is a plugin too, but only some users need it.
        QVERIFY2(field("Recommends").contains(QStringLiteral("libqt6sql6-psql")), qPrintable(field("Recommends")));
    }

    void packagedBinaryRuns()
    {
        QVERIFY(!m_debRoot.isEmpty());
        const QString binary = m_debRoot + QStringLiteral("/usr/bin/thena-inspector");
        const Run version = run(binary, { QStringLiteral("--version") });
        QCOMPARE(version.exitCode, 0);
        QCOMPARE(version.out.trimmed(), QByteArray("thena-inspector " THENA_INSPECTOR_VERSION));

        // A headless capture into a capture file: the SQLite driver comes from the system, as it
        // will on a machine that installed the package.
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("THENA_INSPECTOR_SECRET"));
        env.insert(QStringLiteral("HOME"), m_dir.filePath(QStringLiteral("home")));
        process.setProcessEnvironment(env);
        process.start(binary,
            { QStringLiteral("--headless"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                QStringLiteral("--store"), m_dir.filePath(QStringLiteral("packaged.sqlite")) });
        QVERIFY(process.waitForStarted());
        QByteArray err;
        QUrl url;
        const QRegularExpression listening(QStringLiteral("listening on (http://\\S+)"));
        QTRY_VERIFY_WITH_TIMEOUT(
            (err += process.readAllStandardError(), listening.match(QString::fromUtf8(err)).hasMatch())
                || process.state() == QProcess::NotRunning,
            10000);
        const QRegularExpressionMatch match = listening.match(QString::fromUtf8(err));
        QVERIFY2(match.hasMatch(), err.constData());
        url = QUrl(match.captured(1));
        QCOMPARE(url.host(), QStringLiteral("127.0.0.1"));
        QVERIFY2(err.contains("storing events in"), err.constData());

        QNetworkAccessManager network;
        network.setProxy(QNetworkProxy::NoProxy);
        QNetworkRequest request(url);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        std::unique_ptr<QNetworkReply> reply(network.post(request, TestSupport::sample("request-escalated.json")));
        QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 10000);
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);

        QByteArray out;
        QTRY_VERIFY_WITH_TIMEOUT((out += process.readAllStandardOutput()).contains('\n'), 10000);
        const QJsonObject line = QJsonDocument::fromJson(out.left(out.indexOf('\n'))).object();
        QCOMPARE(line.value(QStringLiteral("kind")).toString(), QStringLiteral("escalated"));
        QCOMPARE(line.value(QStringLiteral("requestId")).toString(), QStringLiteral("1234"));
        QCOMPARE(line.value(QStringLiteral("id")).toInt(), 1);

        ::kill(static_cast<pid_t>(process.processId()), SIGTERM);
        QVERIFY(process.waitForFinished(10000));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 0);
    }
};

QTEST_GUILESS_MAIN(TestPackaging)
#include "tst_packaging.moc"
