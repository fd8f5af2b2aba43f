#include "heap_accounting.hpp"

#include <atomic>
#include <cstdlib>
#include <new>

namespace {

std::atomic<std::size_t> live_bytes{0};
std::atomic<std::size_t> peak_bytes{0};
constexpr std::size_t header = alignof(std::max_align_t);

void *counted_alloc(std::size_t size)
{
    auto *base = static_cast<unsigned char *>(std::malloc(size + header));
    if (base == nullptr)
        throw std::bad_alloc();
    *reinterpret_cast<std::size_t *>(base) = size;
    const std::size_t now = live_bytes.fetch_add(size) + size;
    std::size_t peak = peak_bytes.load();
    while (now > peak && !peak_bytes.compare_exchange_weak(peak, now)) {
    }
    return base + header;
}

void counted_free(void *p) noexcept
{
    if (p == nullptr)
        return;
    auto *base = static_cast<unsigned char *>(p) - header;
    live_bytes.fetch_sub(*reinterpret_cast<std::size_t *>(base));
    std::free(base);
}

} // namespace

void *operator new(std::size_t size) { return counted_alloc(size); }
void *operator new[](std::size_t size) { return counted_alloc(size); }
void operator delete(void *p) noexcept { counted_free(p); }
void operator delete[](void *p) noexcept { counted_free(p); }
void operator delete(void *p, std::size_t) noexcept { counted_free(p); }
void operator delete[](void *p, std::size_t) noexcept { counted_free(p); }

namespace tcplife::test {

std::size_t live_heap_bytes() { return live_bytes.load(); }
std::size_t peak_heap_bytes() { return peak_bytes.load(); }
void reset_peak_heap_bytes() { peak_bytes.store(live_bytes.load()); }

} // namespace tcplife::test
