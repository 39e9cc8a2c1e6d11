#pragma once

// Shared by the fuzz targets: an invariant that fails loudly (libFuzzer keeps the input that
// broke it), and a small deterministic generator for choices taken from the input itself.

#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace FuzzSupport {

inline void require(bool condition, const char *what)
{
    if (condition)
        return;
    std::fprintf(stderr, "fuzz invariant failed: %s\n", what);
    std::abort();
}

// splitmix64: the same input always makes the same choices, so a finding reproduces.
class Choices
{
public:
    explicit Choices(std::uint64_t seed)
        : m_state(seed)
    { }

    std::uint64_t next()
    {
        std::uint64_t z = (m_state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    // 1..max
    int between1And(int max) { return 1 + static_cast<int>(next() % static_cast<std::uint64_t>(max)); }
    bool flip() { return (next() & 1U) != 0; }

private:
    std::uint64_t m_state;
};

inline std::uint64_t seedOf(const std::uint8_t *data, std::size_t size)
{
    std::uint64_t hash = 1469598103934665603ULL; // FNV-1a
    for (std::size_t i = 0; i < size; ++i)
        hash = (hash ^ data[i]) * 1099511628211ULL;
    return hash;
}

} // namespace FuzzSupport
