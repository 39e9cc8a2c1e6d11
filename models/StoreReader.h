#pragma once

#include "CapturedEvent.h"

#include <QAtomicInteger>
#include <QObject>
#include <QThread>
#include <memory>

class EventStore;

// Reads a capture on a thread of its own, so neither the history load at start nor the body of a
// selected row ever waits on the disk (or the network) in the GUI thread. Owned and used from the
// GUI thread; results arrive as queued signals.
//
// follow() is for a capture others write to, above all a team's PostgreSQL database: the rows
// in commit order, then every later commit as it happens. PostgreSQL tells the reader about each
// commit (LISTEN/NOTIFY) and the reader fetches only the rows after the last one it has; a SQLite
// file, which cannot notify, is checked once a second. A lost connection is reported and retried
// with backoff, and the reader catches up from where it was once back.
class StoreReader final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StoreReader)

public:
    // Rows per rowsLoaded() batch: large enough to be cheap, small enough that the first screen
    // shows at once.
    static constexpr int PageSize = 20000;

    explicit StoreReader(QObject *parent = nullptr);
    ~StoreReader() override;

    // Points the reader at another capture: a file path or a postgresql:// URL (StoreLocation);
    // empty for none. Pending work for the old one is dropped, and following stops.
    void setPath(const QString &path);
    QString path() const { return m_path; }

    // Every row with id <= upToId, oldest first, in rowsLoaded() batches, then historyLoaded().
    void loadHistory(qint64 upToId);
    // Every row in arrival order, in rowsLoaded() batches, then historyLoaded(), then
    // rowsArrived() for each later commit (by this process's receiver too) until setPath().
    void follow();
    // One whole event; only the newest request is answered when several queue up.
    void loadEvent(qint64 id);

    // Test hook: how often a followed capture without notifications is checked (default 1000 ms).
    void setPollIntervalForTesting(int ms);

signals:
    void rowsLoaded(const QList<EventRow> &rows);
    void historyLoaded(qint64 rowCount);
    // Rows committed after the history, in commit order, never one twice.
    void rowsArrived(const QList<EventRow> &rows);
    // While following PostgreSQL, after someone deleted events (another lead, a receiver's
    // retention): every id the capture still holds, ascending. Every row delivered before it is
    // either among them or gone.
    void rowsRemaining(const QList<qint64> &ids);
    void eventLoaded(const CapturedEvent &event);
    void eventMissing(qint64 id, const QString &reason);
    void failed(const QString &message);
    // While following PostgreSQL: the connection is gone (again after each failed attempt) and
    // back. Sentences for the status bar.
    void connectionLost(const QString &message);
    void connectionRestored(const QString &message);

private:
    class Worker;

    QThread m_thread;
    Worker *m_worker;
    QString m_path;
    quint64 m_generation = 0;
};
