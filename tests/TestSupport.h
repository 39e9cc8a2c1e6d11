#pragma once

// Helpers shared by the tests: the sample payloads and the JSON type-mangler. Header-only, so
// every tst_*.cpp stays one self-contained executable.

#include "EventRow.h"

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>
#include <QTest>
#include <functional>

namespace TestSupport {

// A sample payload from THENA_SAMPLES_DIR. A missing sample stops the run: an empty body would
// quietly turn the test into one about empty bodies.
inline QByteArray sample(const QString &name)
{
    QFile file(QDir(QStringLiteral(THENA_SAMPLES_DIR)).filePath(name));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot open sample %s", qPrintable(name));
    return file.readAll();
}

inline QByteArray sample(const char *name)
{
    return sample(QString::fromLatin1(name));
}

// Every *.json in THENA_SAMPLES_DIR: for tests that must also cover samples added later.
inline QStringList sampleFiles()
{
    return QDir(QStringLiteral(THENA_SAMPLES_DIR)).entryList({ QStringLiteral("*.json") });
}

// The four documented samples, one of each event shape.
inline QStringList sampleNames()
{
    return { QStringLiteral("request-created.json"), QStringLiteral("request-updated.json"),
        QStringLiteral("request-escalated.json"), QStringLiteral("platform-ticket-created.json") };
}

// For a _data() function: a "body" column and one row per sampleNames() entry, named after it.
inline void addSampleBodyRows()
{
    QTest::addColumn<QByteArray>("body");
    const QStringList names = sampleNames();
    for (const QString &name : names)
        QTest::newRow(qPrintable(QString(name).remove(QLatin1String(".json")))) << sample(name);
}

// A request-shape body with the given members inside "request".
inline QByteArray requestBody(const QByteArray &members, const QByteArray &action = QByteArrayLiteral("\"UPDATE\""))
{
    return "{\"action\":" + action + ",\"request\":{" + members + "}}";
}

// mangled is a whole document; path names the replaced value, e.g. "/request/activity/0".
using MangledVisitor = std::function<void(const QJsonValue &mangled, const QString &path)>;

// Calls visit with a copy of root in which the value at one path is replaced by each of
// replacements, for every path (object members and array elements) down to maxDepth levels
// below root; a negative maxDepth means all the way down. Each value is replaced before the
// values inside it.
inline void forEachMangled(const QJsonValue &root, const QList<QJsonValue> &replacements, const MangledVisitor &visit,
    int maxDepth = -1, const QString &path = QString())
{
    if (maxDepth == 0)
        return;
    auto mangleChild = [&](const QJsonValue &child, const QString &childPath,
                           const std::function<QJsonValue(const QJsonValue &)> &withChild) {
        for (const QJsonValue &replacement : replacements)
            visit(withChild(replacement), childPath);
        forEachMangled(
            child, replacements,
            [&](const QJsonValue &mangledChild, const QString &where) { visit(withChild(mangledChild), where); },
            maxDepth - 1, childPath);
    };
    if (root.isObject()) {
        const QJsonObject object = root.toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            const QString key = it.key();
            mangleChild(it.value(), path + QLatin1Char('/') + key, [&](const QJsonValue &value) {
                QJsonObject copy = object;
                copy.insert(key, value);
                return QJsonValue(copy);
            });
        }
    } else if (root.isArray()) {
        const QJsonArray array = root.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            mangleChild(array.at(i), path + QLatin1Char('/') + QString::number(i), [&](const QJsonValue &value) {
                QJsonArray copy = array;
                copy.replace(i, value);
                return QJsonValue(copy);
            });
        }
    }
}

// Every column of two rows, one QCOMPARE each so a failure names the field (the store tests:
// what was written is what is read back).
inline void compareRows(const EventRow &a, const EventRow &b)
{
    QCOMPARE(a.id, b.id);
    QCOMPARE(a.receivedMs, b.receivedMs);
    QCOMPARE(a.kind, b.kind);
    QCOMPARE(a.valid, b.valid);
    QCOMPARE(a.attempt, b.attempt);
    QCOMPARE(a.retryOf, b.retryOf);
    QCOMPARE(a.retryGapSeconds, b.retryGapSeconds);
    QCOMPARE(a.replies, b.replies);
    QCOMPARE(a.sizeBytes, b.sizeBytes);
    QCOMPARE(a.requestId, b.requestId);
    QCOMPARE(a.title, b.title);
    QCOMPARE(a.status, b.status);
    QCOMPARE(a.urgency, b.urgency);
    QCOMPARE(a.sentiment, b.sentiment);
    QCOMPARE(a.customer, b.customer);
    QCOMPARE(a.team, b.team);
    QCOMPARE(a.assignee, b.assignee);
    QCOMPARE(a.channel, b.channel);
    QCOMPARE(a.tags, b.tags);
    QCOMPARE(a.path, b.path);
    QCOMPARE(a.eventType, b.eventType);
    QCOMPARE(a.toFirstResponseMs, b.toFirstResponseMs);
    QCOMPARE(a.toAssignmentMs, b.toAssignmentMs);
    QCOMPARE(a.toCloseMs, b.toCloseMs);
    QCOMPARE(a.escalated, b.escalated);
}

} // namespace TestSupport
