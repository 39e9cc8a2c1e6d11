#include "SampleBodyTemplates.h"

#include <QDir>
#include <QFile>
#include <algorithm>
#include <cctype>

bool SampleBodyTemplates::findSlot(const QByteArray &json, const QByteArray &key, Slot &slot)
{
    const QByteArray quotedKey = '"' + key + '"';
    qsizetype at = json.indexOf(quotedKey);
    if (at < 0)
        return false;
    at += quotedKey.size();
    while (at < json.size() && (json.at(at) == ' ' || json.at(at) == '\n' || json.at(at) == '\t'))
        ++at;
    if (at >= json.size() || json.at(at) != ':')
        return false;
    ++at;
    while (at < json.size() && (json.at(at) == ' ' || json.at(at) == '\n' || json.at(at) == '\t'))
        ++at;
    if (at >= json.size())
        return false;
    if (json.at(at) == '"') {
        const qsizetype end = json.indexOf('"', at + 1);
        if (end < 0)
            return false;
        slot.offset = at + 1;
        slot.length = end - at - 1;
        slot.prefix = key == "eventId" ? QByteArrayLiteral("EVTB") : QByteArray();
        return true;
    }
    qsizetype end = at;
    while (end < json.size() && (std::isdigit(static_cast<unsigned char>(json.at(end))) || json.at(end) == '-'))
        ++end;
    if (end == at)
        return false;
    slot.offset = at;
    slot.length = end - at;
    return true;
}

bool SampleBodyTemplates::load(const QString &folder)
{
    m_templates.clear();
    m_error.clear();
    const QDir dir(folder);
    const QStringList files = dir.entryList({ QStringLiteral("*.json") }, QDir::Files, QDir::Name);
    for (const QString &name : files) {
        QFile file(dir.filePath(name));
        if (!file.open(QIODevice::ReadOnly)) {
            m_error = QStringLiteral("cannot read %1").arg(file.fileName());
            return false;
        }
        Template t;
        t.name = name;
        t.original = file.readAll();
        const QByteArray keys[] = { "requestId", "eventId", "ticketId" };
        for (const QByteArray &key : keys) {
            Slot slot;
            if (findSlot(t.original, key, slot))
                t.idSlots.append(slot);
        }
        if (t.idSlots.isEmpty()) {
            m_error = QStringLiteral("%1 has no requestId, eventId or ticketId to vary").arg(name);
            return false;
        }
        std::sort(t.idSlots.begin(), t.idSlots.end(), [](const Slot &a, const Slot &b) { return a.offset < b.offset; });
        m_templates.append(t);
    }
    if (m_templates.isEmpty()) {
        m_error = QStringLiteral("no *.json samples in %1").arg(folder);
        return false;
    }
    return true;
}

QStringList SampleBodyTemplates::names() const
{
    QStringList result;
    for (const Template &t : m_templates)
        result.append(t.name);
    return result;
}

QByteArray SampleBodyTemplates::body(qint64 n) const
{
    const Template &t = m_templates.at(static_cast<qsizetype>(n % m_templates.size()));
    const QByteArray number = QByteArray::number(n);
    QByteArray result;
    result.reserve(t.original.size() + 2 * number.size());
    qsizetype from = 0;
    for (const Slot &slot : t.idSlots) {
        result.append(t.original.constData() + from, slot.offset - from);
        result.append(slot.prefix);
        result.append(number);
        from = slot.offset + slot.length;
    }
    result.append(t.original.constData() + from, t.original.size() - from);
    return result;
}
