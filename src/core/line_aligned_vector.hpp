// A std::vector whose storage starts on a cache line (64 bytes) and is made of whole lines, so
// that no other allocation shares a line with it (nor the other line of its pair: see
// false_sharing_bytes).
//
// Threads own neurons in multiples of 32: with arrays that start on a line, the share of every
// thread is made of whole lines, and no two threads write the same line of a state array. (From
// malloc, an array starts on 16 bytes: the line at each share boundary went back and forth
// between the cores at every step, costing the network engine about a microsecond a step.)
#pragma once

#include <cstddef>
#include <new>
#include <vector>

namespace lapicque::core {

inline constexpr std::size_t cache_line = 64;
// What keeps two threads' data apart: two lines. The L2 prefetchers of AMD's Zen cores (and
// Intel's spatial prefetcher) fetch lines in aligned pairs, so a line next to one that another
// core writes comes back and forth as if shared. On the 2-vCPU Zen 5 VM of 2026-12-07, CUBA's
// kernel on two threads, each stepping its share of one population: 5.2-5.6 G neuron-steps/s with
// each share's kernel arguments on lines of their own, 6.1-6.9 G with them on pairs of lines;
// 6.9-7.1 G for two separate populations.
inline constexpr std::size_t false_sharing_bytes = 2 * cache_line;

template <class T>
struct LineAllocator {
  using value_type = T;
  LineAllocator() = default;
  template <class U>
  LineAllocator(const LineAllocator<U>& /*other*/) {}
  T* allocate(std::size_t n) {
    const std::size_t bytes =
        (n * sizeof(T) + false_sharing_bytes - 1) / false_sharing_bytes * false_sharing_bytes;
    return static_cast<T*>(::operator new (bytes, std::align_val_t{false_sharing_bytes}));
  }
  void deallocate(T* p, std::size_t /*n*/) { ::operator delete (p, std::align_val_t{false_sharing_bytes}); }
  template <class U>
  bool operator==(const LineAllocator<U>& /*other*/) const {
    return true;
  }
};

template <class T>
using LineAlignedVector = std::vector<T, LineAllocator<T>>;

}  // namespace lapicque::core
