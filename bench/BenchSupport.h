#pragma once

// Helpers shared by the bench programs. Header-only, like tests/TestSupport.h, so each program
// stays one file plus the shared generators.

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <malloc.h>
#include <vector>

namespace BenchSupport {

// Resident set size of this process, from /proc/self/status (VmRSS, in kB there), in bytes.
// -1 when it cannot be read (not Linux).
inline qint64 residentBytes()
{
    // Plain stdio: QFile::atEnd() is true at once for /proc files, which report a size of 0.
    FILE *status = std::fopen("/proc/self/status", "r");
    if (!status)
        return -1;
    char line[256];
    qint64 kb = -1;
    while (std::fgets(line, sizeof(line), status)) {
        if (std::strncmp(line, "VmRSS:", 6) == 0) {
            kb = std::strtoll(line + 6, nullptr, 10);
            break;
        }
    }
    std::fclose(status);
    return kb < 0 ? -1 : kb * 1024;
}

// Bytes malloc has handed out and not had back: what a structure keeps, without the freed
// memory of temporaries that the allocator holds on to (which RSS still counts).
inline qint64 heapBytesInUse()
{
    const struct mallinfo2 info = mallinfo2();
    return static_cast<qint64>(info.uordblks + info.hblkhd);
}

// Rounded so the printed JSON stays readable; figures here are never meaningful past 3 decimals.
inline double rounded(double value, int decimals = 3)
{
    const double scale = std::pow(10.0, decimals);
    return std::round(value * scale) / scale;
}

inline double ms(qint64 nanoseconds)
{
    return rounded(static_cast<double>(nanoseconds) / 1e6);
}

// The q-quantile (0..1) of the values by nearest rank; 0 for an empty list.
template <typename T> double quantile(std::vector<T> values, double q)
{
    if (values.empty())
        return 0;
    const size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(values.size())));
    const size_t index = std::min(values.size() - 1, rank == 0 ? 0 : rank - 1);
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(index), values.end());
    return static_cast<double>(values[index]);
}

// One flat JSON object on one line of stdout: bench/run reads it with sed, so keep it flat.
inline void printJson(const QJsonObject &object)
{
    const QByteArray text = QJsonDocument(object).toJson(QJsonDocument::Compact);
    std::fprintf(stdout, "%s\n", text.constData());
    std::fflush(stdout);
}

// Progress for the person waiting: stderr, so stdout stays one JSON line.
inline void progress(const QString &message)
{
    std::fprintf(stderr, "  %s\n", message.toLocal8Bit().constData());
    std::fflush(stderr);
}

} // namespace BenchSupport
