#include "RequestTimes.h"

#include "ThenaRequestDetails.h"

namespace {
qint64 msOf(const ThenaRequestDetails::Time &time)
{
    // The epoch itself doubles as "absent": no support request was opened in 1970.
    return time.utc.isValid() ? time.utc.toMSecsSinceEpoch() : 0;
}
} // namespace

RequestTimes RequestTimes::fromDetails(const ThenaRequestDetails &details)
{
    RequestTimes times;
    if (!details.valid)
        return times;
    times.createdAtMs = msOf(details.createdAt);
    times.firstResponseAtMs = msOf(details.firstResponseAt);
    times.closedAtMs = msOf(details.closedOn);
    return times;
}

RequestTimes RequestTimes::fromBody(const QByteArray &body)
{
    return fromDetails(ThenaRequestDetails::fromBody(body));
}
