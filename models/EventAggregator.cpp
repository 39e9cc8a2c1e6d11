#include "EventAggregator.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace {
constexpr qint64 kMinuteMs = 60 * 1000;
constexpr qint64 kMinutesPerDay = 24 * 60;

// Floor division, so a (theoretical) time before 1970 still lands in the right bucket.
qint64 floorDiv(qint64 a, qint64 b)
{
    const qint64 q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

QString fold(const QString &value)
{
    return value.trimmed().toCaseFolded();
}

// Bucket widths a person reads without arithmetic, in minutes.
constexpr std::array<qint64, 12> kBucketSteps = { 1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, kMinutesPerDay };

qint64 bucketCount(qint64 firstMinute, qint64 lastMinute, qint64 step)
{
    return floorDiv(lastMinute, step) - floorDiv(firstMinute, step) + 1;
}

qint64 chooseStep(qint64 firstMinute, qint64 lastMinute, int maxBuckets)
{
    for (const qint64 step : kBucketSteps) {
        if (bucketCount(firstMinute, lastMinute, step) <= maxBuckets)
            return step;
    }
    // Longer than maxBuckets days: whole days per bucket.
    qint64 days = std::max<qint64>(2, (lastMinute - firstMinute) / kMinutesPerDay / maxBuckets);
    while (bucketCount(firstMinute, lastMinute, days * kMinutesPerDay) > maxBuckets)
        ++days;
    return days * kMinutesPerDay;
}
} // namespace

int EventAggregator::ValueTable::intern(const QString &value)
{
    const auto it = m_groupOfValue.constFind(value);
    if (it != m_groupOfValue.cend())
        return it.value();
    const QString folded = fold(value);
    int group = m_groupOfFolded.value(folded, -1);
    if (group < 0) {
        group = static_cast<int>(m_labels.size());
        m_groupOfFolded.insert(folded, group);
        m_labels.append(value.trimmed());
    }
    m_groupOfValue.insert(value, group);
    return group;
}

void EventAggregator::ValueTable::clear()
{
    m_groupOfValue.clear();
    m_groupOfFolded.clear();
    m_labels.clear();
}

EventAggregator::EventAggregator()
    : m_store(std::make_unique<EventRowStore>())
    , m_filterIndex(std::make_unique<FilterIndex>(*m_store))
{
    m_filterIndex->setRule(m_filter, m_hiddenKinds, false);
}

EventAggregator::~EventAggregator() = default;
EventAggregator::EventAggregator(EventAggregator &&) noexcept = default;
EventAggregator &EventAggregator::operator=(EventAggregator &&) noexcept = default;

bool EventAggregator::setFilter(const FilterQuery &query)
{
    const bool same = query == m_filter;
    // Keep the text even when the terms are equal, so filter() shows what the user typed.
    m_filter = query;
    if (same)
        return false;
    m_filterIndex->setRule(m_filter, m_hiddenKinds, false);
    reaggregate();
    return true;
}

bool EventAggregator::setKindVisible(EventKind kind, bool visible)
{
    const quint8 bit = static_cast<quint8>(1u << static_cast<unsigned>(kind));
    const quint8 next = visible ? static_cast<quint8>(m_hiddenKinds & ~bit) : static_cast<quint8>(m_hiddenKinds | bit);
    if (next == m_hiddenKinds)
        return false;
    m_hiddenKinds = next;
    m_filterIndex->setRule(m_filter, m_hiddenKinds, false);
    reaggregate();
    return true;
}

bool EventAggregator::isKindVisible(EventKind kind) const
{
    return (m_hiddenKinds & (1u << static_cast<unsigned>(kind))) == 0;
}

int EventAggregator::requestAt(int index)
{
    const EventKind kind = m_store->kind(index);
    if (!m_store->valid(index) || kind == EventKind::Invalid)
        return -1;
    // A row without any id is a request of its own.
    if (m_store->text(EventRowStore::Text::RequestId, index).isEmpty())
        return m_requestCount++;
    // Platform tickets and classic requests are numbered independently.
    std::vector<int> &requests = kind == EventKind::Platform ? m_ticketOfText : m_requestOfText;
    const size_t text = m_store->textId(EventRowStore::Text::RequestId, index);
    if (text >= requests.size())
        requests.resize(text + 1, -1);
    if (requests[text] < 0)
        requests[text] = m_requestCount++;
    return requests[text];
}

int EventAggregator::groupAt(ValueTable &table, std::vector<int> &groupOfText, EventRowStore::Text field, int index)
{
    const size_t text = m_store->textId(field, index);
    if (text >= groupOfText.size())
        groupOfText.resize(text + 1, -1);
    if (groupOfText[text] < 0)
        groupOfText[text] = table.intern(m_store->text(field, index));
    return groupOfText[text];
}

void EventAggregator::internAt(int index)
{
    Entry &entry = m_rows[static_cast<size_t>(index)];
    entry.request = requestAt(index);
    if (entry.request >= 0) {
        entry.urgency = groupAt(m_urgencies, m_urgencyOfText, EventRowStore::Text::Urgency, index);
        entry.sentiment = groupAt(m_sentiments, m_sentimentOfText, EventRowStore::Text::Sentiment, index);
        entry.team = groupAt(m_teams, m_teamOfText, EventRowStore::Text::Team, index);
        entry.customer = groupAt(m_customers, m_customerOfText, EventRowStore::Text::Customer, index);
    }
}

void EventAggregator::appendRows(const QList<EventRow> &rows, const QList<RequestTimes> &times)
{
    Q_ASSERT(times.isEmpty() || times.size() == rows.size());
    const int first = static_cast<int>(m_rows.size());
    // A row delivered twice (history and live overlapping) counts once. Nearly always there is
    // none, and the batch goes to the store as it is: no copy of a history page.
    bool allNew = true; // ids ascending, all past every id seen so far: no lookups needed
    qint64 previous = m_maxId;
    for (const EventRow &row : rows) {
        allNew = allNew && row.id > previous;
        previous = row.id;
    }
    QList<EventRow> fresh;
    bool copying = false;
    QSet<qint64> inBatch;
    for (qsizetype i = 0; i < rows.size(); ++i) {
        const EventRow &row = rows.at(i);
        const bool duplicate = !allNew && (m_store->indexOfId(row.id) >= 0 || inBatch.contains(row.id));
        if (duplicate && !copying) {
            copying = true;
            fresh = rows.first(i);
        }
        if (duplicate)
            continue;
        if (!allNew)
            inBatch.insert(row.id);
        m_maxId = std::max(m_maxId, row.id);
        if (copying)
            fresh.append(row);
        Entry entry;
        entry.times = times.isEmpty() ? RequestTimes() : times.at(i);
        m_rows.push_back(entry);
    }
    if (static_cast<int>(m_rows.size()) == first)
        return;
    m_store->append(copying ? fresh : rows);
    m_filterIndex->update();
    for (int index = first; index < static_cast<int>(m_rows.size()); ++index) {
        internAt(index);
        if (accepts(index))
            add(index);
    }
}

bool EventAggregator::setTimes(qint64 id, const RequestTimes &times)
{
    const int index = m_store->indexOfId(id);
    if (index < 0)
        return false;
    Entry &entry = m_rows[static_cast<size_t>(index)];
    if (entry.times == times)
        return true;
    const bool wasEmpty = entry.times.isEmpty();
    entry.times = times;
    if (!entry.accepted || entry.request < 0)
        return true;
    RequestState &state = m_requests[static_cast<size_t>(entry.request)];
    if (!times.isEmpty()) {
        if (state.newestWithTimes < 0 || m_store->id(state.newestWithTimes) <= id)
            state.newestWithTimes = index;
    } else if (!wasEmpty && state.newestWithTimes == index) {
        // The request's times now come from an older row: rare enough to recount everything.
        reaggregate();
    }
    return true;
}

void EventAggregator::addRejections(const QList<qint64> &receivedMs)
{
    for (const qint64 ms : receivedMs)
        ++m_rejectedMinutes[floorDiv(ms, kMinuteMs)];
    m_rejectedTotal += static_cast<int>(receivedMs.size());
}

void EventAggregator::removeIds(const QSet<qint64> &ids)
{
    if (ids.isEmpty())
        return;
    size_t kept = 0;
    for (size_t i = 0; i < m_rows.size(); ++i) {
        if (ids.contains(m_store->id(static_cast<int>(i))))
            continue;
        if (kept != i)
            m_rows[kept] = m_rows[i];
        ++kept;
    }
    if (kept == m_rows.size())
        return;
    m_rows.truncate(kept);
    // The same rows leave the store, which keeps its order too: the indexes stay aligned.
    m_store->remove(ids);
    Q_ASSERT(m_store->size() == static_cast<int>(m_rows.size()));
    m_filterIndex->setRule(m_filter, m_hiddenKinds, false);
    // Renumber from what is left, so a spelling seen only in deleted rows no longer labels a value.
    clearIndexes();
    for (int i = 0; i < static_cast<int>(m_rows.size()); ++i)
        internAt(i);
    reaggregate();
}

void EventAggregator::clearIndexes()
{
    for (std::vector<int> *ids :
        { &m_requestOfText, &m_ticketOfText, &m_urgencyOfText, &m_sentimentOfText, &m_teamOfText, &m_customerOfText })
        ids->clear();
    m_requestCount = 0;
    m_urgencies.clear();
    m_sentiments.clear();
    m_teams.clear();
    m_customers.clear();
}

void EventAggregator::clear()
{
    m_rows.clear();
    m_store->clear();
    m_maxId = std::numeric_limits<qint64>::min();
    m_filterIndex->setRule(m_filter, m_hiddenKinds, false);
    clearIndexes();
    m_rejectedMinutes.clear();
    m_rejectedTotal = 0;
    resetAggregates();
}

bool EventAggregator::hasTimes(qint64 id) const
{
    const int index = m_store->indexOfId(id);
    return index >= 0 && !m_rows[static_cast<size_t>(index)].times.isEmpty();
}

void EventAggregator::resetAggregates()
{
    m_acceptedCount = 0;
    m_acceptedRequests = 0;
    m_escalations = 0;
    m_minutes.clear();
    m_requests.assign(static_cast<size_t>(m_requestCount), RequestState());
    m_urgencyCounts.assign(static_cast<size_t>(m_urgencies.groupCount()), 0);
    m_sentimentCounts.assign(static_cast<size_t>(m_sentiments.groupCount()), 0);
    m_teamEscalations.assign(static_cast<size_t>(m_teams.groupCount()), 0);
    m_customerEscalations.assign(static_cast<size_t>(m_customers.groupCount()), 0);
}

void EventAggregator::reaggregate()
{
    resetAggregates();
    for (size_t i = 0; i < m_rows.size(); ++i)
        m_rows[i].accepted = false;
    if (m_filterIndex->acceptsEverything()) {
        for (size_t i = 0; i < m_rows.size(); ++i)
            add(static_cast<int>(i));
        return;
    }
    // Scanned on two threads for large captures, as the table does.
    for (const quint32 index : m_filterIndex->matchAll())
        add(static_cast<int>(index));
}

int EventAggregator::timelineSeriesOf(EventKind kind)
{
    switch (kind) {
    case EventKind::Created:
        return InsightsSnapshot::CreatedSeries;
    case EventKind::Updated:
        return InsightsSnapshot::UpdatedSeries;
    case EventKind::Escalated:
        return InsightsSnapshot::EscalatedSeries;
    case EventKind::Platform:
        return InsightsSnapshot::PlatformSeries;
    case EventKind::Unknown:
    case EventKind::Invalid:
        break;
    }
    return InsightsSnapshot::OtherSeries;
}

void EventAggregator::increment(std::vector<int> &counts, int group)
{
    if (static_cast<size_t>(group) >= counts.size())
        counts.resize(static_cast<size_t>(group) + 1, 0);
    ++counts[static_cast<size_t>(group)];
}

void EventAggregator::add(int index)
{
    Entry &entry = m_rows[static_cast<size_t>(index)];
    const qint64 id = m_store->id(index);
    const EventKind kind = m_store->kind(index);
    entry.accepted = true;
    ++m_acceptedCount;
    ++m_minutes[floorDiv(m_store->receivedMs(index), kMinuteMs)][static_cast<size_t>(timelineSeriesOf(kind))];

    if (entry.request < 0)
        return; // an invalid body: no request, urgency or team

    // A retry repeats the same escalation; Thena's retries are not new escalations.
    if (kind == EventKind::Escalated && m_store->attempt(index) <= 1) {
        ++m_escalations;
        increment(m_teamEscalations, entry.team);
        increment(m_customerEscalations, entry.customer);
    }

    if (static_cast<size_t>(entry.request) >= m_requests.size())
        m_requests.resize(static_cast<size_t>(m_requestCount));
    RequestState &state = m_requests[static_cast<size_t>(entry.request)];
    if (state.newest < 0) {
        ++m_acceptedRequests;
    } else if (m_store->id(state.newest) < id) {
        const Entry &previous = m_rows[static_cast<size_t>(state.newest)];
        --m_urgencyCounts[static_cast<size_t>(previous.urgency)];
        --m_sentimentCounts[static_cast<size_t>(previous.sentiment)];
    }
    if (state.newest < 0 || m_store->id(state.newest) < id) {
        state.newest = index;
        increment(m_urgencyCounts, entry.urgency);
        increment(m_sentimentCounts, entry.sentiment);
    }
    if (!entry.times.isEmpty() && (state.newestWithTimes < 0 || m_store->id(state.newestWithTimes) < id))
        state.newestWithTimes = index;
}

double EventAggregator::percentile(const std::vector<qint64> &sorted, double p)
{
    Q_ASSERT(!sorted.empty());
    const double rank = p * static_cast<double>(sorted.size() - 1);
    const auto lower = static_cast<size_t>(std::floor(rank));
    const size_t upper = std::min(lower + 1, sorted.size() - 1);
    const double fraction = rank - static_cast<double>(lower);
    return static_cast<double>(sorted[lower]) + fraction * static_cast<double>(sorted[upper] - sorted[lower]);
}

QList<InsightsSnapshot::Count> EventAggregator::ordered(
    const ValueTable &table, const std::vector<int> &counts, const QStringList &knownOrder)
{
    QList<InsightsSnapshot::Count> result;
    for (size_t g = 0; g < counts.size(); ++g) {
        if (counts[g] > 0)
            result.append({ table.label(static_cast<int>(g)), counts[g] });
    }
    // Known values in their natural order (low before high), then others by name, "none" last.
    const auto rank = [&knownOrder](const InsightsSnapshot::Count &c) {
        if (c.value.isEmpty())
            return static_cast<int>(knownOrder.size()) + 1;
        const qsizetype known = knownOrder.indexOf(c.value.toCaseFolded());
        return known < 0 ? static_cast<int>(knownOrder.size()) : static_cast<int>(known);
    };
    std::sort(
        result.begin(), result.end(), [&rank](const InsightsSnapshot::Count &a, const InsightsSnapshot::Count &b) {
            const int ra = rank(a);
            const int rb = rank(b);
            if (ra != rb)
                return ra < rb;
            return a.value.compare(b.value, Qt::CaseInsensitive) < 0;
        });
    return result;
}

InsightsSnapshot::Ranking EventAggregator::ranking(const ValueTable &table, const std::vector<int> &counts)
{
    QList<InsightsSnapshot::Count> all;
    for (size_t g = 0; g < counts.size(); ++g) {
        if (counts[g] > 0)
            all.append({ table.label(static_cast<int>(g)), counts[g] });
    }
    std::sort(all.begin(), all.end(), [](const InsightsSnapshot::Count &a, const InsightsSnapshot::Count &b) {
        if (a.count != b.count)
            return a.count > b.count;
        return a.value.compare(b.value, Qt::CaseInsensitive) < 0;
    });
    InsightsSnapshot::Ranking result;
    for (qsizetype i = 0; i < all.size(); ++i) {
        if (i < TopCount) {
            result.top.append(all.at(i));
        } else {
            result.otherCount += all.at(i).count;
            ++result.otherValues;
        }
    }
    return result;
}

InsightsSnapshot::Histogram EventAggregator::histogram(std::vector<qint64> &values, int pending, int inconsistent)
{
    InsightsSnapshot::Histogram h;
    h.counts = QList<int>(InsightsSnapshot::durationBinCount(), 0);
    h.samples = static_cast<int>(values.size());
    h.pending = pending;
    h.inconsistent = inconsistent;
    if (values.empty())
        return h;
    std::sort(values.begin(), values.end());
    for (const qint64 ms : values)
        ++h.counts[InsightsSnapshot::durationBin(ms)];
    h.medianMs = qRound64(percentile(values, 0.5));
    h.p90Ms = qRound64(percentile(values, 0.9));
    return h;
}

InsightsSnapshot EventAggregator::snapshot(int maxBuckets) const
{
    InsightsSnapshot s;
    s.totalEvents = static_cast<int>(m_rows.size());
    s.acceptedEvents = m_acceptedCount;
    s.acceptedRequests = m_acceptedRequests;
    s.escalations = m_escalations;
    s.rejectionsShown = m_filter.isEmpty();
    s.rejections = s.rejectionsShown ? m_rejectedTotal : 0;

    // Timeline: the span of what is shown, in the coarsest readable step that fits maxBuckets.
    maxBuckets = std::max(maxBuckets, MinBuckets);
    const bool withRejections = s.rejectionsShown && !m_rejectedMinutes.empty();
    if (!m_minutes.empty() || withRejections) {
        qint64 first = std::numeric_limits<qint64>::max();
        qint64 last = std::numeric_limits<qint64>::min();
        if (!m_minutes.empty()) {
            first = m_minutes.cbegin()->first;
            last = m_minutes.crbegin()->first;
        }
        if (withRejections) {
            first = std::min(first, m_rejectedMinutes.cbegin()->first);
            last = std::max(last, m_rejectedMinutes.crbegin()->first);
        }
        const qint64 step = chooseStep(first, last, maxBuckets);
        const qint64 lastBucket = floorDiv(last, step);
        const qint64 firstBucket = std::min(floorDiv(first, step), lastBucket - MinBuckets + 1);
        const auto count = static_cast<qsizetype>(lastBucket - firstBucket + 1);
        s.bucketMs = step * kMinuteMs;
        s.timelineStartMs = firstBucket * s.bucketMs;
        for (QList<int> &series : s.timeline)
            series = QList<int>(count, 0);
        for (const auto &[minute, counts] : m_minutes) {
            const auto bucket = static_cast<qsizetype>(floorDiv(minute, step) - firstBucket);
            for (size_t k = 0; k < counts.size(); ++k)
                s.timeline[k][bucket] += counts[k];
        }
        if (withRejections) {
            for (const auto &[minute, n] : m_rejectedMinutes)
                s.timeline[InsightsSnapshot::RejectedSeries][floorDiv(minute, step) - firstBucket] += n;
        }
    }

    static const QStringList urgencyOrder = { QStringLiteral("low"), QStringLiteral("medium"), QStringLiteral("high"),
        QStringLiteral("urgent"), QStringLiteral("critical") };
    static const QStringList sentimentOrder
        = { QStringLiteral("negative"), QStringLiteral("neutral"), QStringLiteral("positive") };
    s.urgency = ordered(m_urgencies, m_urgencyCounts, urgencyOrder);
    s.sentiment = ordered(m_sentiments, m_sentimentCounts, sentimentOrder);
    s.escalationsByTeam = ranking(m_teams, m_teamEscalations);
    s.escalationsByCustomer = ranking(m_customers, m_customerEscalations);

    std::vector<qint64> firstResponse;
    std::vector<qint64> toClose;
    int awaitingResponse = 0;
    int open = 0;
    int badResponse = 0;
    int badClose = 0;
    for (const RequestState &state : m_requests) {
        if (state.newestWithTimes < 0)
            continue;
        const Entry &entry = m_rows[static_cast<size_t>(state.newestWithTimes)];
        const RequestTimes &t = entry.times;
        if (t.firstResponseAtMs != 0) {
            if (t.firstResponseAtMs < t.createdAtMs)
                ++badResponse;
            else
                firstResponse.push_back(t.firstResponseAtMs - t.createdAtMs);
        } else if (m_store->kind(state.newestWithTimes) != EventKind::Platform) {
            // The platform envelope has no first response time at all: unknown, not awaiting.
            ++awaitingResponse;
        }
        if (t.closedAtMs == 0)
            ++open;
        else if (t.closedAtMs < t.createdAtMs)
            ++badClose;
        else
            toClose.push_back(t.closedAtMs - t.createdAtMs);
    }
    s.firstResponse = histogram(firstResponse, awaitingResponse, badResponse);
    s.timeToClose = histogram(toClose, open, badClose);
    return s;
}
