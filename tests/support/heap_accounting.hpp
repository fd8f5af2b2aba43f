// Heap accounting for the memory tests and the core micro-benchmark: linking
// heap_accounting.cpp replaces the global operator new and delete of the program, so
// it can read how many bytes are live (and the peak) around the code it measures.
#pragma once

#include <cstddef>

namespace tcplife::test {

std::size_t live_heap_bytes();
std::size_t peak_heap_bytes();
void reset_peak_heap_bytes(); // the peak from now on starts at what is live now

} // namespace tcplife::test
