#include "EventKind.h"

#include <array>

namespace {
constexpr std::array<const char *, EventKindCount> kNames = {
    "Created",
    "Updated",
    "Escalated",
    "Platform",
    "Unknown",
    "Invalid",
};
}

QString eventKindName(EventKind kind)
{
    return QString::fromLatin1(kNames[static_cast<size_t>(kind)]);
}

std::optional<EventKind> eventKindFromName(QStringView name)
{
    for (size_t i = 0; i < kNames.size(); ++i) {
        if (name.compare(QLatin1String(kNames[i]), Qt::CaseInsensitive) == 0)
            return static_cast<EventKind>(i);
    }
    return std::nullopt;
}
