#pragma once

#include "EventRow.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <random>

// Realistic table rows for the benchmarks, in arrival order: ids from 1 up, times 0-400 ms
// apart, the mix of kinds a busy workspace sends (mostly updates), a few thousand customers,
// tens of teams, hundreds of assignees and channels, tens of thousands of distinct titles,
// 0-4 tags, a few retries, and the derived times a payload gives (first response, assignment,
// close) for some rows. The same seed gives the same rows.
//
// Every string of every row is its own allocation, as if parsed from its own body: a model that
// interns repeated values shows it in the memory figure, and one that does not is not flattered
// by the generator sharing them.
class BenchRowGenerator
{
public:
    explicit BenchRowGenerator(quint64 seed = 20261201);

    EventRow next();
    QList<EventRow> next(int count);

    qint64 lastId() const { return m_nextId - 1; }

private:
    QString pick(const QStringList &values);
    QString makeTitle();

    void deriveTimes(EventRow &row);

    std::mt19937_64 m_random;
    // The derived times draw from their own stream, so the other columns are the same rows as
    // before they were added (figures stay comparable with earlier runs).
    std::mt19937_64 m_timesRandom;
    qint64 m_nextId = 1;
    qint64 m_nextMs;
    qint64 m_nextRequest = 10000;
    QStringList m_statuses;
    QStringList m_urgencies;
    QStringList m_sentiments;
    QStringList m_customers;
    QStringList m_teams;
    QStringList m_assignees;
    QStringList m_channels;
    QStringList m_tags;
    QStringList m_paths;
    QStringList m_platformTypes;
    QStringList m_subjects;
    QStringList m_problems;
    QStringList m_contexts;
};
