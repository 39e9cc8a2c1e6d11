#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

// The shared sample payloads as templates whose identifying values change per request: the
// request's requestId, a platform event's eventId and ticketId. Without that every body would
// repeat one of four and the inspector would rightly count all but the first of each as retries
// (same body, or same eventId, within ten minutes).
class SampleBodyTemplates
{
public:
    // Loads every *.json in folder, in name order. False with errorString() when none loads or a
    // sample has no identifying value to vary.
    bool load(const QString &folder);
    QString errorString() const { return m_error; }

    int count() const { return static_cast<int>(m_templates.size()); }
    QStringList names() const;
    // Sample (n % count()) with its identifying values set from n, so different n give
    // different bodies.
    QByteArray body(qint64 n) const;

private:
    struct Slot
    {
        qsizetype offset = 0; // where the value starts in the original
        qsizetype length = 0; // original value's length, quotes excluded
        QByteArray prefix; // written before the number (an eventId stays a recognisable string)
    };
    struct Template
    {
        QString name;
        QByteArray original;
        QList<Slot> idSlots; // by offset
    };

    static bool findSlot(const QByteArray &json, const QByteArray &key, Slot &slot);

    QList<Template> m_templates;
    QString m_error;
};
