// A std::vector whose storage starts on a cache line (64 bytes) and is made of whole lines, so
// that no other allocation shares a line with it.
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

template <class T>
struct LineAllocator {
  using value_type = T;
  LineAllocator() = default;
  template <class U>
  LineAllocator(const LineAllocator<U>& /*other*/) {}
  T* allocate(std::size_t n) {
    const std::size_t bytes = (n * sizeof(T) + cache_line - 1) / cache_line * cache_line;
    return static_cast<T*>(::operator new (bytes, std::align_val_t{cache_line}));
  }
  void deallocate(T* p, std::size_t /*n*/) { ::operator delete (p, std::align_val_t{cache_line}); }
  template <class U>
  bool operator==(const LineAllocator<U>& /*other*/) const {
    return true;
  }
};

template <class T>
using LineAlignedVector = std::vector<T, LineAllocator<T>>;

}  // namespace lapicque::core
