// Large arrays that a network builds once (synapse lists, bitmaps, the lists drawn on the way)
// backed by 2 MiB pages where the kernel allows it: transparent huge pages in "madvise" mode,
// Debian's default, give them only to memory advised so.
//
// Why: every first touch of a 4 KiB page is a fault into the kernel, and on the 2-vCPU EPYC VM of
// 2026-12-07 faults were a quarter of Brunel's set-up (15.6 million synapses, some 150 MB touched
// once): with glibc's malloc asked for huge pages (GLIBC_TUNABLES=glibc.malloc.hugetlb=1) the
// set-up took 0.23-0.32 s instead of 0.48-0.49 s. Advice, not a demand: where the kernel refuses,
// memory stays in small pages and nothing else changes.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace lapicque::core {

inline constexpr std::size_t huge_page_bytes = std::size_t{2} << 20;

// Advises the whole 2 MiB pages inside [p, p + bytes); call it before the memory is first written.
inline void advise_huge_pages(const void* p, std::size_t bytes) {
  const auto first = reinterpret_cast<std::uintptr_t>(p);
  const std::uintptr_t begin = (first + huge_page_bytes - 1) & ~(huge_page_bytes - 1);
  const std::uintptr_t end = (first + bytes) & ~(huge_page_bytes - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

// v.reserve(n), the new storage advised for huge pages (v must be empty: nothing of it is written
// yet).
template <class T, class A>
void reserve_huge(std::vector<T, A>& v, std::size_t n) {
  v.reserve(n);
  advise_huge_pages(v.data(), n * sizeof(T));
}

}  // namespace lapicque::core
