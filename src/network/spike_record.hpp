// The spikes one thread records for one population during a run, in chunks that never move.
//
// Why: kept in one growing vector, every reallocation copied all the spikes so far and wrote them
// to fresh pages, each page's first touch a fault into the kernel. On the 2-vCPU Zen 5 VM of
// 2026-12-07 (where faults are slow: a paravirtualised guest), recording cost COBA 16% of its
// simulation time (0.043 s against 0.036 s without recording, one thread). Chunks grow from 4,096
// spikes to 2 MiB, advised for huge pages from then on (core/huge_pages.hpp).
#pragma once

#include <algorithm>
#include <cstddef>
#include <span>
#include <vector>

#include "core/huge_pages.hpp"
#include "lapicque/network.hpp"

namespace lapicque::network {

class SpikeRecord {
 public:
  void append(std::span<const NetworkSpike> spikes) {
    while (!spikes.empty()) {
      if (chunks_.empty() || chunks_.back().size() == chunks_.back().capacity()) new_chunk();
      auto& chunk = chunks_.back();
      const std::size_t n = std::min(spikes.size(), chunk.capacity() - chunk.size());
      chunk.insert(chunk.end(), spikes.begin(), spikes.begin() + static_cast<std::ptrdiff_t>(n));
      spikes = spikes.subspan(n);
    }
  }
  std::size_t size() const {
    std::size_t n = 0;
    for (const auto& chunk : chunks_) n += chunk.size();
    return n;
  }
  // Appends the spikes, in the order recorded, to `out`.
  void append_to(std::vector<NetworkSpike>& out) const {
    for (const auto& chunk : chunks_) out.insert(out.end(), chunk.begin(), chunk.end());
  }

 private:
  static constexpr std::size_t first_chunk = 4096;  // spikes
  static constexpr std::size_t largest_chunk = core::huge_page_bytes / sizeof(NetworkSpike);

  void new_chunk() {
    const std::size_t capacity =
        chunks_.empty() ? first_chunk : std::min(2 * chunks_.back().capacity(), largest_chunk);
    chunks_.emplace_back();
    core::reserve_huge(chunks_.back(), capacity);
  }

  std::vector<std::vector<NetworkSpike>> chunks_;
};

}  // namespace lapicque::network
