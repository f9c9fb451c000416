// An allocator for large arrays that are written in full right after they are sized: resize()
// leaves its new values uninitialised instead of zeroing them first (values given explicitly are
// still constructed as usual).
//
// Why: zeroing the 40 MB list of Brunel's largest projection (10 million synapses) was also the
// first touch of its pages, a pass on its own in the set-up before the pass that fills it
// (0.016-0.068 s of about 0.25 s on the 2-vCPU Zen 5 VM of 2026-12-07).
#pragma once

#include <memory>
#include <new>
#include <type_traits>
#include <utility>

namespace lapicque::core {

template <class T>
struct NoInitAllocator : std::allocator<T> {
  using value_type = T;
  template <class U>
  struct rebind {
    using other = NoInitAllocator<U>;
  };
  NoInitAllocator() = default;
  template <class U>
  NoInitAllocator(const NoInitAllocator<U>& /*other*/) noexcept {}

  template <class U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;  // default-initialised: trivial values stay as they are
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

}  // namespace lapicque::core
