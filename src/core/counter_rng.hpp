// Counter-based random numbers (Philox4x32-10, Random123): every number is a pure function of
// (seed, stream, a, b, draw), so any split of the work over threads or processes draws the same
// numbers. `stream` names the consumer (an input, a projection), `a` and `b` the place (a neuron,
// a step), `draw` counts the numbers taken there.
#pragma once

#include <Random123/philox.h>

#include <Random123/boxmuller.hpp>
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/philox_lanes.hpp"

namespace lapicque::core {

class CounterRng {
  __extension__ typedef unsigned __int128 Wide;  // for Lemire's product (a GCC extension)

 public:
  CounterRng(std::uint64_t seed, std::uint64_t stream, std::uint64_t a, std::uint32_t b = 0) {
    // The key mixes seed and stream (splitmix64's finaliser): distinct pairs give distinct keys
    // but for a chance of 2^-64.
    std::uint64_t k = seed ^ (stream + 0x9E3779B97F4A7C15ull + (seed << 6) + (seed >> 2));
    k = (k ^ (k >> 30)) * 0xBF58476D1CE4E5B9ull;
    k = (k ^ (k >> 27)) * 0x94D049BB133111EBull;
    k ^= k >> 31;
    key_ = {{static_cast<std::uint32_t>(k), static_cast<std::uint32_t>(k >> 32)}};
    counter_ = {{static_cast<std::uint32_t>(a), static_cast<std::uint32_t>(a >> 32), b, 0}};
  }

  // A uniform double in (0, 1): 53 random bits, never 0 or 1.
  double uniform() { return (static_cast<double>(next64() >> 11) + 0.5) * 0x1p-53; }
  // A uniform integer in [0, n), n >= 1 (Lemire's multiply-shift with rejection: unbiased).
  std::uint64_t below(std::uint64_t n) {
    std::uint64_t value = 0;
    while (!lemire(next64(), n, value)) {
    }
    return value;
  }
  // out[i] = below(bound(i)) for i = 0, 1, ... in turn, each bound in [1, 2^32]: the numbers and
  // the state that a loop of below() leaves, with the Philox blocks computed eight at a time.
  template <class Bound>
  void below_each(std::span<std::uint32_t> out, Bound&& bound) {
    std::size_t i = 0;
#if defined(__AVX2__)
    for (; i < out.size() && used_ != 2; ++i) out[i] = static_cast<std::uint32_t>(below(bound(i)));
    // Eight blocks give 16 numbers, of which at most 16 are kept: they fit while 16 are left.
    while (out.size() - i >= 16) {
      alignas(32) std::uint32_t words[4][8];
      const PhiloxLanes blocks = philox_lanes(philox_counters(counter_, 3), key_);
      for (int w = 0; w < 4; ++w) _mm256_store_si256(reinterpret_cast<__m256i*>(words[w]), blocks.x[w]);
      counter_[3] += 8;
      for (int g = 0; g < 8; ++g)
        for (int half = 0; half < 2; ++half) {
          const std::uint64_t x = std::uint64_t{words[2 * half][g]} << 32 | words[2 * half + 1][g];
          std::uint64_t value = 0;
          if (lemire(x, bound(i), value)) out[i++] = static_cast<std::uint32_t>(value);
        }
    }
#endif
    for (; i < out.size(); ++i) out[i] = static_cast<std::uint32_t>(below(bound(i)));
  }
  // A standard normal number (Box-Muller).
  double normal() {
    const std::uint64_t u0 = next64(), u1 = next64();
    return r123::boxmuller(u0, u1).x;
  }

 private:
  // x taken to [0, n) as x n / 2^64 unless it falls in the few that would bias it (then false).
  static bool lemire(std::uint64_t x, std::uint64_t n, std::uint64_t& value) {
    const Wide m = static_cast<Wide>(x) * n;
    const auto low = static_cast<std::uint64_t>(m);
    value = static_cast<std::uint64_t>(m >> 64);
    return low >= n || low >= (0 - n) % n;
  }
  std::uint64_t next64() {
    if (used_ == 2) {
      block_ = r123::Philox4x32()(counter_, key_);
      ++counter_[3];  // the draw
      used_ = 0;
    }
    const std::uint64_t x = (static_cast<std::uint64_t>(block_[2 * used_]) << 32) | block_[2 * used_ + 1];
    ++used_;
    return x;
  }

  r123::Philox4x32::key_type key_;
  r123::Philox4x32::ctr_type counter_;
  r123::Philox4x32::ctr_type block_{};
  int used_ = 2;
};

}  // namespace lapicque::core
