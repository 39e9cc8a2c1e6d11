#include "RequestTimes.h"

#include "DerivedTimes.h"
#include "ThenaRequestDetails.h"

namespace {
qint64 msOf(const QDateTime &utc)
{
    // The epoch itself doubles as "absent": no support request was opened in 1970.
    return utc.isValid() ? utc.toMSecsSinceEpoch() : 0;
}
} // namespace

RequestTimes RequestTimes::fromDetails(const ThenaRequestDetails &details)
{
    RequestTimes times;
    if (!details.valid)
        return times;
    times.createdAtMs = msOf(details.createdAt.utc);
    times.firstResponseAtMs = msOf(details.firstResponseAt.utc);
    times.closedAtMs = msOf(details.closedOn.utc);
    return times;
}

RequestTimes RequestTimes::fromDerived(const DerivedTimes &derived)
{
    RequestTimes times;
    times.createdAtMs = msOf(derived.createdAt);
    times.firstResponseAtMs = msOf(derived.firstResponseAt);
    times.closedAtMs = msOf(derived.closedAt);
    return times;
}

RequestTimes RequestTimes::fromBody(const QByteArray &body)
{
    return fromDetails(ThenaRequestDetails::fromBody(body));
}
