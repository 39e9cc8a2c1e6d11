#pragma once

#include <QtGlobal>
#include <memory>
#include <vector>

// One column of EventRowStore: values of a plain type in blocks of 65536. Growing never moves
// what is stored, unlike a std::vector that doubles: at a million rows a doubling copies about a
// hundred megabytes across the store's columns at once, a GUI stall of a few hundred milliseconds.
// Reading costs one more (cached) load.
template <typename T> class ChunkedColumn
{
public:
    static constexpr int BlockBits = 16;
    static constexpr size_t BlockSize = size_t(1) << BlockBits;

    size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }

    const T &operator[](size_t i) const { return m_blocks[i >> BlockBits][i & (BlockSize - 1)]; }
    T &operator[](size_t i) { return m_blocks[i >> BlockBits][i & (BlockSize - 1)]; }
    const T &back() const { return (*this)[m_size - 1]; }

    void push_back(const T &value)
    {
        if ((m_size & (BlockSize - 1)) == 0 && (m_size >> BlockBits) == m_blocks.size())
            // Not value-initialised: pages are only touched as rows arrive.
            m_blocks.push_back(std::unique_ptr<T[]>(new T[BlockSize]));
        (*this)[m_size++] = value;
    }

    // Keeps the first count values.
    void truncate(size_t count)
    {
        m_size = count;
        m_blocks.resize((count + BlockSize - 1) >> BlockBits);
    }

    void clear() { truncate(0); }

private:
    std::vector<std::unique_ptr<T[]>> m_blocks;
    size_t m_size = 0;
};
