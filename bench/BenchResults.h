#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QMutex>
#include <QString>
#include <condition_variable>
#include <mutex>
#include <thread>

// The figures of one bench run, printed as one flat JSON line at the end, or, when the run
// passes its time budget, at that moment with what was measured so far and
// "timed_out_during": <the step that was running>. A model call that takes minutes cannot be
// interrupted, so a watchdog thread prints and ends the process instead: bench/run then shows
// the missing figures as timed out rather than waiting without end.
class BenchResults
{
public:
    explicit BenchResults(double budgetSeconds);
    ~BenchResults();
    BenchResults(const BenchResults &) = delete;
    BenchResults &operator=(const BenchResults &) = delete;

    void insert(const QString &key, const QJsonValue &value);
    QJsonValue value(const QString &key) const;
    // Names what runs now, for the timed-out line and the progress on stderr.
    void step(const QString &name);
    // Prints the line and stops the watchdog; call once, at the end.
    void print();

private:
    void watch(double budgetSeconds);

    mutable QMutex m_mutex;
    QJsonObject m_values;
    QString m_step;
    bool m_printed = false;
    std::mutex m_wakeMutex;
    std::condition_variable m_wake;
    bool m_done = false;
    std::thread m_watchdog;
};
