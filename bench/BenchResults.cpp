#include "BenchResults.h"

#include "BenchSupport.h"

#include <QMutexLocker>
#include <chrono>
#include <unistd.h>

BenchResults::BenchResults(double budgetSeconds)
{
    if (budgetSeconds > 0)
        m_watchdog = std::thread([this, budgetSeconds] { watch(budgetSeconds); });
}

BenchResults::~BenchResults()
{
    {
        std::lock_guard<std::mutex> lock(m_wakeMutex);
        m_done = true;
    }
    m_wake.notify_all();
    if (m_watchdog.joinable())
        m_watchdog.join();
}

void BenchResults::insert(const QString &key, const QJsonValue &value)
{
    QMutexLocker lock(&m_mutex);
    m_values.insert(key, value);
}

QJsonValue BenchResults::value(const QString &key) const
{
    QMutexLocker lock(&m_mutex);
    return m_values.value(key);
}

void BenchResults::step(const QString &name)
{
    {
        QMutexLocker lock(&m_mutex);
        m_step = name;
    }
    BenchSupport::progress(name);
}

void BenchResults::print()
{
    {
        QMutexLocker lock(&m_mutex);
        if (m_printed)
            return;
        m_printed = true;
        BenchSupport::printJson(m_values);
    }
    {
        std::lock_guard<std::mutex> lock(m_wakeMutex);
        m_done = true;
    }
    m_wake.notify_all();
}

void BenchResults::watch(double budgetSeconds)
{
    std::unique_lock<std::mutex> wakeLock(m_wakeMutex);
    const auto budget = std::chrono::milliseconds(static_cast<qint64>(budgetSeconds * 1000));
    if (m_wake.wait_for(wakeLock, budget, [this] { return m_done; }))
        return;
    QMutexLocker lock(&m_mutex);
    if (m_printed)
        return;
    m_printed = true;
    m_values.insert(QStringLiteral("timed_out_during"), m_step);
    m_values.insert(QStringLiteral("budget_s"), budgetSeconds);
    BenchSupport::printJson(m_values);
    BenchSupport::progress(QStringLiteral("time budget of %1 s spent during \"%2\": printed what was measured")
                               .arg(budgetSeconds)
                               .arg(m_step));
    // The main thread is inside a call that cannot be interrupted; its state needs no cleanup.
    ::_exit(0);
}
