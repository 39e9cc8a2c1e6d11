#pragma once

#include <QMetaType>
#include <QString>
#include <QtGlobal>

// Counters of the capture server, sent to the GUI with each batch in which they changed. They
// survive a restart of the service (settings changed), so rates computed from them never go back.
struct CaptureStats
{
    quint64 captured = 0; // deliveries kept, valid or not (with a capture file: committed)
    quint64 invalid = 0; // of those, bodies that are not a JSON object
    quint64 rejected = 0; // refused with 401 (wrong or missing authorization); bodies not kept
    qint64 lastRejectedMs = 0; // UTC ms since the epoch of the last refusal, 0 if none
    QString lastRejectedAddress; // remote address of the last refusal
    quint64 storeFailures = 0; // deliveries answered 503 because their transaction failed; not kept
    // Transactions that committed deliveries: captured / commits is how many each flush carried.
    quint64 commits = 0;
    QString lastStoreError; // why the last of those failed, empty if none

    // Refused by the connection guard (see ConnectionSupervisor::Refusal); none of them is kept.
    quint64 tooLarge = 0; // 413: body over the limit
    quint64 headerTooLarge = 0; // 431 (or 414): request head over the limit
    quint64 timedOut = 0; // 408, or closed without ever sending a request
    quint64 refusedConnections = 0; // over the connection cap
    quint64 malformed = 0; // 400/417/501/505: HTTP that cannot be read reliably

    friend bool operator==(const CaptureStats &a, const CaptureStats &b)
    {
        return a.captured == b.captured && a.invalid == b.invalid && a.rejected == b.rejected
            && a.lastRejectedMs == b.lastRejectedMs && a.lastRejectedAddress == b.lastRejectedAddress
            && a.storeFailures == b.storeFailures && a.commits == b.commits && a.lastStoreError == b.lastStoreError
            && a.tooLarge == b.tooLarge && a.headerTooLarge == b.headerTooLarge && a.timedOut == b.timedOut
            && a.refusedConnections == b.refusedConnections && a.malformed == b.malformed;
    }
    friend bool operator!=(const CaptureStats &a, const CaptureStats &b) { return !(a == b); }
};

Q_DECLARE_METATYPE(CaptureStats)
