// Counter-based random numbers (Philox4x32-10, Random123): every number is a pure function of
// (seed, stream, a, b, draw), so any split of the work over threads or processes draws the same
// numbers. `stream` names the consumer (an input, a projection), `a` and `b` the place (a neuron,
// a step), `draw` counts the numbers taken there.
#pragma once

#include <Random123/philox.h>

#include <Random123/boxmuller.hpp>
#include <cstdint>

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
    while (true) {
      const Wide m = static_cast<Wide>(next64()) * n;
      const auto low = static_cast<std::uint64_t>(m);
      if (low >= n || low >= (0 - n) % n) return static_cast<std::uint64_t>(m >> 64);
    }
  }
  // A standard normal number (Box-Muller).
  double normal() {
    const std::uint64_t u0 = next64(), u1 = next64();
    return r123::boxmuller(u0, u1).x;
  }

 private:
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
