#pragma once

#include "CapturedEvent.h"

#include <QAtomicInteger>
#include <QObject>
#include <QThread>
#include <memory>

class EventStore;

// Reads a capture file on a thread of its own, so neither the history load at start nor the body
// of a selected row ever waits on the disk in the GUI thread. Owned and used from the GUI thread;
// results arrive as queued signals.
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

    // Points the reader at another file (empty: none). Pending work for the old file is dropped.
    void setPath(const QString &path);
    QString path() const { return m_path; }

    // Every row with id <= upToId, oldest first, in rowsLoaded() batches, then historyLoaded().
    void loadHistory(qint64 upToId);
    // One whole event; only the newest request is answered when several queue up.
    void loadEvent(qint64 id);

signals:
    void rowsLoaded(const QList<EventRow> &rows);
    void historyLoaded(qint64 rowCount);
    void eventLoaded(const CapturedEvent &event);
    void eventMissing(qint64 id, const QString &reason);
    void failed(const QString &message);

private:
    class Worker;

    QThread m_thread;
    Worker *m_worker;
    QString m_path;
    quint64 m_generation = 0;
};
