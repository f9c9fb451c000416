// A dense projection's synapses as a bitmap, one bit per (source, target) pair, and its spikes
// delivered by counting bits.
//
// Why: a spike sent along a list of targets adds into each target's count one by one, a load and
// a store at a scattered address each (about 1.1 ns an addition on the 2-vCPU EPYC of
// 2026-12-07, where Brunel's 590 million additions a second took half its run). Where a source
// reaches a tenth of its targets, the bitmap holds a pair in 1 bit where the list of 16-bit
// targets held a synapse in 16, and a step's spikes are counted a vector of targets at a time
// (256 with AVX): the rows of the step's sources are added, bit by bit, into counters kept as bit
// planes in registers (plane k holds bit k of every target's count), and the planes are then
// turned into counts.
//
// Only distinct pairs are bits: the second and later synapses of a pair (multapses) stay in a
// list. The counts are integers, the same whatever the path, so spikes are identical to the
// list's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <vector>

namespace lapicque::network {

class TargetBitmap {
 public:
  TargetBitmap() = default;
  // All bits clear: `sources` rows of `targets` bits.
  TargetBitmap(std::size_t sources, std::size_t targets);

  bool empty() const { return sources_ == 0; }
  std::size_t bytes() const { return sources_ * words_ * sizeof(std::uint64_t); }

  // Connects source s to target i (one thread a source at a time: rows are disjoint).
  void set(std::size_t s, std::size_t i) { row(s)[i / 64] |= std::uint64_t{1} << (i % 64); }
  // Source s's connections to targets [64 w, 64 w + 64), bit k for target 64 w + k.
  void set_word(std::size_t s, std::size_t w, std::uint64_t bits) { row(s)[w] = bits; }
  bool test(std::size_t s, std::size_t i) const { return (row(s)[i / 64] >> (i % 64)) & 1; }

  // count[i] += how many of the `n` sources connect to target i, for i in [begin, end): begin a
  // multiple of 64, end at most the number of targets. `rows` is the caller's scratch.
  void add_counts(const std::uint32_t* sources, std::size_t n, std::size_t begin, std::size_t end,
                  std::uint16_t* count, std::vector<const std::uint64_t*>& rows) const;

 private:
  struct LineFree {
    void operator()(std::uint64_t* p) const { ::operator delete[](p, std::align_val_t{64}); }
  };
  std::uint64_t* row(std::size_t s) { return bits_.get() + s * words_; }
  const std::uint64_t* row(std::size_t s) const { return bits_.get() + s * words_; }

  std::size_t sources_ = 0;
  std::size_t words_ = 0;  // per row: whole lines, so that rows start on a line
  std::unique_ptr<std::uint64_t[], LineFree> bits_;
};

}  // namespace lapicque::network
