#include "FailureDrill.h"

#include "DurationText.h"

#include <QCryptographicHash>
#include <QStringList>

namespace {
// "1500ms", "20s", "2min" -> milliseconds; -1 when the text is no duration.
qint64 parseDelay(QStringView text)
{
    struct Unit
    {
        const char *suffix;
        qint64 factor;
    };
    // "ms" before "s", so "1500ms" is not read as "1500m" + "s".
    static constexpr Unit units[] = { { "ms", 1 }, { "min", 60000 }, { "s", 1000 } };
    for (const Unit &unit : units) {
        const QLatin1String suffix(unit.suffix);
        if (!text.endsWith(suffix, Qt::CaseInsensitive))
            continue;
        bool ok = false;
        const qint64 value = text.chopped(suffix.size()).trimmed().toLongLong(&ok);
        // Bounded before multiplying, so a huge number cannot overflow into range.
        if (!ok || value < 0 || value > FailureDrill::MaxDelayMs || value * unit.factor > FailureDrill::MaxDelayMs)
            return -1;
        return value * unit.factor;
    }
    return -1;
}

QString delayText(int ms)
{
    if (ms % 60000 == 0)
        return QString::number(ms / 60000) + QStringLiteral("min");
    if (ms % 1000 == 0)
        return QString::number(ms / 1000) + QLatin1Char('s');
    return QString::number(ms) + QStringLiteral("ms");
}

bool isErrorStatus(int status)
{
    return status >= 400 && status <= 599;
}
} // namespace

FailureDrill::FailureDrill()
    : FailureDrill(Config())
{ }

FailureDrill::FailureDrill(const Config &config, qint64 windowMs)
    : m_config(config)
    , m_windowMs(windowMs)
{ }

void FailureDrill::setConfig(const Config &config)
{
    m_config = config;
    m_counts.clear();
    m_pruneAt = 1024;
}

FailureDrill::Decision FailureDrill::decide(const QByteArray &bodyKey, EventKind kind, qint64 nowMs)
{
    Decision decision;
    if (!m_config.isActive() || kind == EventKind::Invalid || (m_config.kind && *m_config.kind != kind))
        return decision;
    if (m_counts.size() >= m_pruneAt)
        prune(nowMs);
    Entry &entry = m_counts[bodyKey];
    if (entry.attempts > 0 && nowMs - entry.lastMs > m_windowMs)
        entry.attempts = 0; // the same body much later: a new event, as for RetryTracker
    entry.lastMs = nowMs;
    // Saturating: a body re-sent forever must not wrap back into the drilled range.
    if (entry.attempts < MaxAttempts + 1)
        ++entry.attempts;
    decision.attempt = entry.attempts;
    if (entry.attempts <= m_config.attempts) {
        decision.status = m_config.status;
        decision.delayMs = m_config.delayMs;
    }
    return decision;
}

void FailureDrill::prune(qint64 nowMs)
{
    for (auto it = m_counts.begin(); it != m_counts.end();) {
        if (nowMs - it->lastMs > m_windowMs)
            it = m_counts.erase(it);
        else
            ++it;
    }
    // Amortised: the next scan comes only after the hash has doubled again.
    m_pruneAt = std::max<qsizetype>(1024, m_counts.size() * 2);
}

QByteArray FailureDrill::bodyKey(const QByteArray &body, const QString &dedupKey)
{
    // A prefix byte keeps an eventId from ever colliding with a body's hash.
    if (!dedupKey.isEmpty())
        return 'e' + QCryptographicHash::hash(dedupKey.toUtf8(), QCryptographicHash::Sha1);
    return 'b' + QCryptographicHash::hash(body, QCryptographicHash::Sha1);
}

std::optional<FailureDrill::Config> FailureDrill::parse(QStringView text, QString *error)
{
    auto fail = [error](const QString &message) -> std::optional<Config> {
        if (error)
            *error = message;
        return std::nullopt;
    };
    const QString usage
        = QStringLiteral("expected N:STATUS or N:DELAY, optionally :KIND (for example 2:503, 1:429:escalated, 3:30s)");
    const QList<QStringView> parts = text.trimmed().split(QLatin1Char(':'));
    if (parts.size() < 2 || parts.size() > 3)
        return fail(QStringLiteral("Invalid failure drill \"%1\": %2").arg(text.toString(), usage));

    Config config;
    bool ok = false;
    config.attempts = parts.at(0).trimmed().toInt(&ok);
    if (!ok || config.attempts < 1 || config.attempts > MaxAttempts) {
        return fail(QStringLiteral("Invalid failure drill \"%1\": N must be a number of attempts from 1 to %2")
                        .arg(text.toString())
                        .arg(MaxAttempts));
    }

    const QStringView answer = parts.at(1).trimmed();
    const int status = answer.toInt(&ok);
    if (ok) {
        if (!isErrorStatus(status)) {
            return fail(QStringLiteral("Invalid failure drill \"%1\": the status must be an error, 400 to 599 "
                                       "(for example 500, 503 or 429)")
                            .arg(text.toString()));
        }
        config.status = status;
    } else {
        const qint64 delay = parseDelay(answer);
        if (delay <= 0) {
            return fail(QStringLiteral("Invalid failure drill \"%1\": \"%2\" is neither a status nor a delay "
                                       "from 1ms to %3s; %4")
                            .arg(text.toString(), answer.toString())
                            .arg(MaxDelayMs / 1000)
                            .arg(usage));
        }
        config.delayMs = static_cast<int>(delay);
    }

    if (parts.size() == 3) {
        const QStringView kindName = parts.at(2).trimmed();
        if (kindName.compare(QLatin1String("all"), Qt::CaseInsensitive) != 0) {
            config.kind = eventKindFromName(kindName);
            if (!config.kind || *config.kind == EventKind::Invalid) {
                return fail(QStringLiteral("Invalid failure drill \"%1\": unknown kind \"%2\" (created, updated, "
                                           "escalated, platform, unknown or all)")
                                .arg(text.toString(), kindName.toString()));
            }
        }
    }
    if (error)
        error->clear();
    return config;
}

QString FailureDrill::toText(const Config &config)
{
    if (!config.isActive())
        return {};
    // A drill with both a status and a delay has no command-line form; the status is the point.
    QString text = QString::number(config.attempts) + QLatin1Char(':')
        + (config.status != 0 ? QString::number(config.status) : delayText(config.delayMs));
    if (config.kind)
        text += QLatin1Char(':') + eventKindName(*config.kind).toLower();
    return text;
}

QString FailureDrill::describe(const Config &config)
{
    if (!config.isActive())
        return QStringLiteral("Failure drill off");
    const QString attempts = config.attempts == 1 ? QStringLiteral("the first attempt")
                                                  : QStringLiteral("the first %1 attempts").arg(config.attempts);
    QStringList how;
    if (config.delayMs > 0)
        how.append(QStringLiteral("held for ")
            + (config.delayMs % 1000 == 0 ? DurationText::format(config.delayMs)
                                          : QStringLiteral("%1 ms").arg(config.delayMs)));
    if (config.status != 0)
        how.append(QStringLiteral("answered %1").arg(config.status));
    const QString scope = config.kind ? QStringLiteral("%1 events only").arg(eventKindName(*config.kind).toLower())
                                      : QStringLiteral("every event");
    return QStringLiteral("Failure drill on: %1 of each new body %2 %3 (%4); the next attempt is accepted")
        .arg(attempts, config.attempts == 1 ? QStringLiteral("is") : QStringLiteral("are"),
            how.join(QStringLiteral(", then ")), scope);
}
