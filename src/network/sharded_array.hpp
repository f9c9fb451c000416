// A per-neuron array (or a ring of per-neuron rows) that the network's threads write, cut into
// their shares, each share in an allocation of its own that starts on a page and is made of
// whole pages. Indexing stays by neuron: base(share)[i] for i in the share.
//
// Why: with two threads stepping the halves of one array, the hardware prefetcher of the core
// that owns the lower half runs on past its end into the first lines of the upper half, and the
// other core then waits for those lines at every step (the streamer prefetches ahead within a
// 4 KiB page). Measured on COBA's kernel alone (E 3,200 and I 800 neurons, two threads, medians of
// four runs): the thread with the upper halves took 8.1-9.8k cycles a step for E's 1,600 neurons
// and 2.9-4.7k for I's 400, against 6.2-8.5k and 1.8-2.6k with a share in allocations of its own,
// which is what one thread alone takes for a half.
//
// Each part starts a few lines into its first page, a different number for each part: arrays that
// all began at the same offset in a page had their loads and stores of one neuron at equal
// addresses modulo 4 KiB, which the core takes for a dependence until it checks (COBA on one
// thread was 8% slower with page-aligned arrays).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <vector>

namespace lapicque::network {

inline constexpr std::size_t page_bytes = 4096;

// The share of cut points `cuts` (0 = cuts[0] <= ... <= cuts.back()) that holds item i: the
// last one whose range starts at or before i (the last share for i = cuts.back()).
inline std::size_t share_of(const std::vector<std::size_t>& cuts, std::size_t i) {
  std::size_t s = 0;
  while (s + 2 < cuts.size() && i >= cuts[s + 1]) ++s;
  return s;
}

template <class T>
class ShardedArray {
 public:
  ShardedArray() = default;
  // `rows` rows of `size` values, every value `value`, in one share.
  explicit ShardedArray(std::size_t size, T value = T{}, std::size_t rows = 1) : rows_(rows) {
    cut({0, size}, value);
  }

  // Cuts at `cuts` (0 = cuts[0] <= cuts[1] <= ... <= cuts.back() = size): share s holds
  // [cuts[s], cuts[s + 1]). The values are kept.
  void cut(const std::vector<std::size_t>& cuts) { cut(cuts, T{}); }

  std::size_t size() const { return cuts_.empty() ? 0 : cuts_.back(); }
  std::size_t rows() const { return rows_; }
  std::size_t shares() const { return parts_.size(); }
  const std::vector<std::size_t>& cuts() const { return cuts_; }
  // The share that holds neuron i (the last one for i = size()).
  std::size_t share_of(std::size_t i) const { return network::share_of(cuts_, i); }
  // base(s, row)[i] is neuron i's value in that row, for i in share s.
  T* base(std::size_t s, std::size_t row = 0) { return bases_[s * rows_ + row]; }
  const T* base(std::size_t s, std::size_t row = 0) const { return bases_[s * rows_ + row]; }
  T& at(std::size_t i, std::size_t row = 0) { return base(share_of(i), row)[i]; }
  const T& at(std::size_t i, std::size_t row = 0) const { return base(share_of(i), row)[i]; }
  T& operator[](std::size_t i) { return at(i); }
  const T& operator[](std::size_t i) const { return at(i); }
  // Bytes allocated (whole pages).
  std::size_t bytes() const {
    std::size_t total = 0;
    for (std::size_t s = 0; s < parts_.size(); ++s)
      if (parts_[s]) total += part_bytes(s);
    return total;
  }

 private:
  struct PageFree {
    void operator()(T* p) const { ::operator delete[](p, std::align_val_t{page_bytes}); }
  };
  using Part = std::unique_ptr<T[], PageFree>;

  // Values of a share's row, rounded up to whole lines so that each row starts on a line.
  std::size_t stride(std::size_t s) const {
    constexpr std::size_t per_line = 64 / sizeof(T) > 0 ? 64 / sizeof(T) : 1;
    return (cuts_[s + 1] - cuts_[s] + per_line - 1) / per_line * per_line;
  }
  std::size_t part_bytes(std::size_t s) const {
    return (offsets_[s] + stride(s) * rows_ * sizeof(T) + page_bytes - 1) / page_bytes * page_bytes;
  }
  // The lines a new part starts into its page: 0, 7, 14, ... modulo a page's 64 lines.
  static std::size_t next_offset() {
    static std::atomic<std::size_t> parts{0};
    return parts.fetch_add(1, std::memory_order_relaxed) * 7 % (page_bytes / 64) * 64;
  }

  void cut(const std::vector<std::size_t>& cuts, T value) {
    std::vector<std::size_t> old_cuts = std::move(cuts_);
    std::vector<Part> old_parts = std::move(parts_);
    std::vector<T*> old_bases = std::move(bases_);
    const auto old_value = [&](std::size_t i, std::size_t row) {
      return old_bases[network::share_of(old_cuts, i) * rows_ + row][i];
    };
    cuts_ = cuts;
    parts_.clear();
    bases_.clear();
    offsets_.clear();
    for (std::size_t s = 0; s + 1 < cuts_.size(); ++s) {
      if (cuts_[s] == cuts_[s + 1]) {  // an empty share: no allocation, never read
        offsets_.push_back(0);
        parts_.emplace_back(nullptr);
        for (std::size_t row = 0; row < rows_; ++row) bases_.push_back(nullptr);
        continue;
      }
      offsets_.push_back(next_offset());
      const std::size_t count = part_bytes(s) / sizeof(T);
      parts_.emplace_back(static_cast<T*>(::operator new[](count * sizeof(T), std::align_val_t{page_bytes})));
      for (std::size_t k = 0; k < count; ++k) parts_.back()[k] = value;
      T* part = parts_.back().get() + offsets_[s] / sizeof(T);
      for (std::size_t row = 0; row < rows_; ++row) {
        // (An address, not pointer arithmetic: the base lies before the allocation for every share
        // but the first, and only [cuts[s], cuts[s + 1]) is ever read through it.)
        const auto address = reinterpret_cast<std::uintptr_t>(part + row * stride(s)) - cuts_[s] * sizeof(T);
        bases_.push_back(reinterpret_cast<T*>(address));
      }
    }
    if (!old_parts.empty())
      for (std::size_t row = 0; row < rows_; ++row)
        for (std::size_t i = 0; i < size(); ++i) at(i, row) = old_value(i, row);
  }

  std::size_t rows_ = 1;
  std::vector<std::size_t> cuts_;
  std::vector<Part> parts_;
  std::vector<T*> bases_;             // [share x row]
  std::vector<std::size_t> offsets_;  // [share]: bytes from the part's page to its first row
};

}  // namespace lapicque::network
