#pragma once

#include "EventKind.h"

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QString>
#include <QStringView>
#include <array>
#include <optional>

// A failure drill tests a sender's retries: the first N attempts of each new body are answered
// with an error status (500, 503, 429...) or only after a delay, for every event or one kind, and
// the next attempt is accepted as usual. This class is the decision only; the capture server asks
// decide() for every valid delivery and answers accordingly.
//
// Off by default, and deliberately never saved: a drill left on by accident would make the real
// Thena workspace retry (and give up on) real events.
//
// Not thread-safe: one drill belongs to one capture server.
class FailureDrill
{
public:
    // The statuses offered first; any 4xx or 5xx status is accepted.
    static constexpr std::array<int, 3> SuggestedStatuses { 500, 503, 429 };
    static constexpr int MaxAttempts = 99;
    static constexpr int MaxDelayMs = 300 * 1000;
    // Bodies not seen for this long are forgotten, so a later identical body counts as new (the
    // same rule and window as RetryTracker's).
    static constexpr qint64 DefaultWindowMs = 10 * 60 * 1000;

    struct Config
    {
        int attempts = 0; // N: how many attempts of each new body are drilled; 0 = off
        int status = 0; // the answer for a drilled attempt; 0 = the usual answer (after delayMs)
        int delayMs = 0; // how long a drilled attempt waits for its answer; 0 = none
        std::optional<EventKind> kind; // only events of this kind; nullopt = every event

        bool isActive() const { return attempts > 0 && (status != 0 || delayMs > 0); }
        friend bool operator==(const Config &a, const Config &b)
        {
            return a.attempts == b.attempts && a.status == b.status && a.delayMs == b.delayMs && a.kind == b.kind;
        }
        friend bool operator!=(const Config &a, const Config &b) { return !(a == b); }
    };

    struct Decision
    {
        int status = 0; // the status to answer with; 0 = the usual answer
        int delayMs = 0; // wait this long before answering; 0 = answer at once
        int attempt = 0; // which attempt of this body this was; 0 when the drill does not apply

        bool isDrilled() const { return status != 0 || delayMs > 0; }
    };

    FailureDrill(); // off
    explicit FailureDrill(const Config &config, qint64 windowMs = DefaultWindowMs);

    // A new config starts afresh: every body is new again.
    void setConfig(const Config &config);
    Config config() const { return m_config; }
    bool isActive() const { return m_config.isActive(); }

    // Counts this delivery as the next attempt of bodyKey (see bodyKey()) and says how to answer
    // it. Deliveries outside the drill's kind, and invalid bodies (their 400 says more than any
    // drill), are not counted and get the usual answer. nowMs is expected to grow.
    Decision decide(const QByteArray &bodyKey, EventKind kind, qint64 nowMs);
    Decision decide(const QByteArray &bodyKey, EventKind kind)
    {
        return decide(bodyKey, kind, QDateTime::currentMSecsSinceEpoch());
    }

    // What makes two deliveries "the same body": the platform eventId when there is one (its
    // retries need not be byte-identical), else the body's bytes. Hashed, so the drill keeps 20
    // bytes per body whatever its size.
    static QByteArray bodyKey(const QByteArray &body, const QString &dedupKey);

    // The command line's form: "N:ANSWER[:KIND]" where ANSWER is a status ("503") or a delay
    // ("1500ms", "20s"), e.g. "2:503", "1:429:escalated", "3:30s". nullopt with *error set when
    // the text is no drill.
    static std::optional<Config> parse(QStringView text, QString *error = nullptr);
    // The inverse of parse(): "2:503", "3:30s:updated"; empty for an inactive config.
    static QString toText(const Config &config);
    // A sentence for the status bar and the headless mode's stderr: "Failure drill on: the first
    // 2 attempts of each new body are answered 503 (every event)"; "Failure drill off".
    static QString describe(const Config &config);

    qsizetype trackedCount() const { return m_counts.size(); }
    void clear() { m_counts.clear(); }

private:
    struct Entry
    {
        int attempts = 0;
        qint64 lastMs = 0;
    };

    void prune(qint64 nowMs);

    Config m_config;
    qint64 m_windowMs;
    QHash<QByteArray, Entry> m_counts;
    qsizetype m_pruneAt = 1024; // prune when the hash grows past this, then again at twice what is left
};
