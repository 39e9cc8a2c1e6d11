#pragma once

#include <QString>
#include <QStringView>
#include <optional>

// What a delivery is, decided from its body (see ThenaPayloadParser).
enum class EventKind : quint8
{
    Created,
    Updated,
    Escalated,
    Platform,
    Unknown,
    Invalid,
};

constexpr int EventKindCount = 6;

// Stable English name shown in the table and used by the filter ("created", "escalated"...).
QString eventKindName(EventKind kind);
// Case-insensitive inverse of eventKindName().
std::optional<EventKind> eventKindFromName(QStringView name);
