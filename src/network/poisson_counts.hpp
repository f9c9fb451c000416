// Poisson event counts per neuron and step, from counter-based random numbers, read off the
// cumulative distribution of the step's mean (rate x dt), tabulated once in units of 2^-32:
// count = the number of thresholds P(count <= c) 2^32 that a uniform 32-bit u reaches.
//
// u is drawn in two halves. The high 16 bits settle the count unless a threshold lies inside
// their interval of 2^16 values, which happens once in 2^16 draws per threshold (a mean of 2 has
// about 15): only then are the low 16 bits drawn, from a Philox call of their own. Both halves
// uniform and independent, u is uniform on 32 bits and the law is that of a 32-bit inversion,
// while one Philox4x32 call (ten rounds, the costly part) serves eight neurons instead of four,
// and 16-bit comparisons test sixteen neurons a 256-bit vector.
//
// Layout: the eight Philox blocks (step, 8 b + g), g = 0..7, serve the 64 neurons
// [64 b, 64 b + 64); neuron 64 b + 16 w + e takes the 16-bit half e % 2 (the low one first) of
// word w of block 8 b + e / 2. So word w of the eight blocks, lane g of a vector, holds the
// sixteen neighbours 64 b + 16 w + 0..15 in order, as 16-bit elements. The low half of neuron
// i's u is the low 16 bits of word 0 of Philox(step, i + 2^63). The scalar path computes the
// same numbers neuron by neuron (tests/test_network_engine.cpp checks both against each other).
#pragma once

#include <Random123/philox.h>

#include "core/philox_lanes.hpp"

#if defined(__AVX2__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

namespace lapicque::network {

// The largest mean count per neuron and step (rate x dt) a network accepts: the table of
// thresholds below then holds about mean + 7 sqrt(mean) entries.
inline constexpr double max_poisson_mean = 1e5;

class PoissonCounts {
 public:
  // `mean`: expected events per neuron and step. `seed` and `stream` key the numbers.
  PoissonCounts(double mean, std::uint64_t seed, std::uint64_t stream) {
    std::uint64_t k = seed * 0x9E3779B97F4A7C15ull ^ (stream + 0xD1B54A32D192ED03ull);
    k = (k ^ (k >> 30)) * 0xBF58476D1CE4E5B9ull;
    k = (k ^ (k >> 27)) * 0x94D049BB133111EBull;
    k ^= k >> 31;
    key_ = {{static_cast<std::uint32_t>(k), static_cast<std::uint32_t>(k >> 32)}};
    // P(count <= c) x 2^32, up to where the tail is below 2^-40 (then certain). Terms by the
    // recurrence from e^-mean; above a mean of 700, where e^-mean underflows, each from its
    // logarithm.
    const bool small = mean < 700;
    const auto term_at = [&](double c) { return std::exp(c * std::log(mean) - mean - std::lgamma(c + 1)); };
    double term = small ? std::exp(-mean) : term_at(0), sum = term;
    const double last = mean + 50 * std::sqrt(mean) + 100;  // (far into the tail, whatever the rounding)
    for (std::uint32_t c = 0; mean > 0; ++c) {
      if ((1 - sum < 0x1p-40 && c > mean) || c > last) break;
      const auto threshold = static_cast<std::uint64_t>(std::ldexp(sum, 32));
      if (threshold > 0xFFFFFFFFull) break;  // beyond any u: certain
      thresholds_.push_back(static_cast<std::uint32_t>(threshold));
      term = small ? term * mean / (c + 1) : term_at(c + 1.0);
      sum += term;
    }
  }

  // Adds count(neuron, step) x weight to out[i] for neurons [begin, end).
  void add(std::int64_t step, std::size_t begin, std::size_t end, double weight, double* out) const {
    std::size_t i = begin;
#if defined(__AVX2__)
    if (thresholds_.empty()) return;
    if (thresholds_.size() <= max_vector_thresholds) {
      // A share that starts inside a block: its neurons up to the next block by the scalar path.
      const std::size_t aligned = std::min(end, (i + block_neurons - 1) / block_neurons * block_neurons);
      add_scalar(step, i, aligned, weight, out);
      for (i = aligned; i + block_neurons <= end; i += block_neurons) add_64(step, i, weight, out);
    }
#endif
    add_scalar(step, i, end, weight, out);
  }

  // Calls f(neuron, count) for neurons [begin, end) with a count > 0, in increasing order.
  template <class F>
  void for_each(std::int64_t step, std::size_t begin, std::size_t end, F&& f) const {
    if (thresholds_.empty()) return;  // mean 0: no events
    for (std::size_t first = begin / block_neurons * block_neurons; first < end; first += block_neurons) {
      std::array<r123::Philox4x32::ctr_type, 8> u;
      for (std::size_t g = 0; g < 8; ++g) u[g] = philox(step, first / block_neurons * 8 + g);
      for (std::size_t k = 0; k < block_neurons; ++k) {
        const std::size_t i = first + k;
        if (i < begin || i >= end) continue;
        const std::size_t w = k / 16, e = k % 16;
        const auto high = static_cast<std::uint32_t>((u[e / 2][w] >> (16 * (e % 2))) & 0xFFFF);
        const std::uint32_t c = count(high, step, i);
        if (c > 0) f(i, c);
      }
    }
  }

  // Neuron i's 32-bit u at `step`, both halves drawn, and the count a u gives: the law that
  // add() and for_each() follow, computed the slow way (for tests).
  std::uint32_t uniform(std::int64_t step, std::size_t i) const {
    const std::size_t k = i % block_neurons, w = k / 16, e = k % 16;
    const std::uint32_t word = philox(step, i / block_neurons * 8 + e / 2)[w];
    return ((word >> (16 * (e % 2))) & 0xFFFF) << 16 | low_half(step, i);
  }
  std::uint32_t count_of(std::uint32_t u) const {
    return static_cast<std::uint32_t>(std::upper_bound(thresholds_.begin(), thresholds_.end(), u) -
                                      thresholds_.begin());
  }

 private:
  static constexpr std::size_t block_neurons = 64;
  static constexpr std::size_t max_vector_thresholds = 64;

  r123::Philox4x32::ctr_type philox(std::int64_t step, std::uint64_t block) const {
    const auto s = static_cast<std::uint64_t>(step);
    const r123::Philox4x32::ctr_type counter{
        {static_cast<std::uint32_t>(s), static_cast<std::uint32_t>(s >> 32),
         static_cast<std::uint32_t>(block), static_cast<std::uint32_t>(block >> 32)}};
    return r123::Philox4x32()(counter, key_);
  }

  // The low 16 bits of neuron i's u (drawn only where the high ones leave the count open).
  std::uint32_t low_half(std::int64_t step, std::size_t i) const {
    return philox(step, static_cast<std::uint64_t>(i) | (std::uint64_t{1} << 63))[0] & 0xFFFF;
  }

  // The count of neuron i whose u has these high 16 bits.
  std::uint32_t count(std::uint32_t high, std::int64_t step, std::size_t i) const {
    // Thresholds at or below high x 2^16 are reached whatever the low bits.
    const std::uint32_t floor = high << 16;
    std::uint32_t c = count_of(floor);
    // Those inside (high x 2^16, high x 2^16 + 65535] need the low bits.
    if (c < thresholds_.size() && thresholds_[c] - floor <= 0xFFFF) {
      const std::uint32_t low = low_half(step, i);
      while (c < thresholds_.size() && thresholds_[c] - floor <= 0xFFFF && low >= thresholds_[c] - floor) ++c;
    }
    return c;
  }

  void add_scalar(std::int64_t step, std::size_t begin, std::size_t end, double weight, double* out) const {
    for_each(step, begin, end, [&](std::size_t k, std::uint32_t c) { out[k] += c * weight; });
  }

#if defined(__AVX2__)
  // Neurons [first, first + 64), first a multiple of 64: the eight Philox4x32-10 blocks in the
  // lanes of four vectors (word w of block g is lane g of x[w]), then sixteen neurons per vector
  // by 16-bit comparisons.
  void add_64(std::int64_t step, std::size_t first, double weight, double* out) const {
    const auto s = static_cast<std::uint64_t>(step);
    const std::uint64_t group = first / block_neurons * 8;  // (a multiple of 8: no carry below)
    const r123::Philox4x32::ctr_type counter{
        {static_cast<std::uint32_t>(s), static_cast<std::uint32_t>(s >> 32),
         static_cast<std::uint32_t>(group), static_cast<std::uint32_t>(group >> 32)}};
    const core::PhiloxLanes u = core::philox_lanes(core::philox_counters(counter, 2), key_);
    const __m256i high[4] = {u.x[0], u.x[1], u.x[2], u.x[3]};
    // Per threshold T: a lane counts it when high >= ceil(T / 2^16) (unsigned, by max and
    // equality), and is left open when high == floor(T / 2^16) and T's low bits are not 0.
    // Thresholds are taken four at a time; after each four, the pass ends once no lane's high
    // bits reach floor(T / 2^16) of the last (nor can they any later one's).
    __m256i counts[4], open = _mm256_setzero_si256();
    for (auto& c : counts) c = _mm256_setzero_si256();
    const std::size_t n = thresholds_.size();
    for (std::size_t c = 0; c < n;) {
      const std::size_t chunk_end = std::min(n, c + 4);
      for (; c < chunk_end; ++c) {
        const std::uint32_t T = thresholds_[c];
        const std::uint64_t ceil = (std::uint64_t{T} + 0xFFFF) >> 16;  // (up to 2^16)
        if (ceil <= 0xFFFF) {
          const __m256i at_ceil = _mm256_set1_epi16(static_cast<short>(ceil));
          for (int w = 0; w < 4; ++w)  // (-1 where passed)
            counts[w] =
                _mm256_sub_epi16(counts[w], _mm256_cmpeq_epi16(_mm256_max_epu16(high[w], at_ceil), high[w]));
        }
        if ((T & 0xFFFF) != 0) {
          const __m256i at_floor = _mm256_set1_epi16(static_cast<short>(T >> 16));
          for (int w = 0; w < 4; ++w) open = _mm256_or_si256(open, _mm256_cmpeq_epi16(high[w], at_floor));
        }
      }
      const __m256i last_floor = _mm256_set1_epi16(static_cast<short>(thresholds_[chunk_end - 1] >> 16));
      __m256i reach = _mm256_setzero_si256();
      for (int w = 0; w < 4; ++w)
        reach = _mm256_or_si256(reach, _mm256_cmpeq_epi16(_mm256_max_epu16(high[w], last_floor), high[w]));
      if (_mm256_testz_si256(reach, reach)) break;
    }
    alignas(32) std::uint16_t count[block_neurons];
    for (int w = 0; w < 4; ++w) _mm256_store_si256(reinterpret_cast<__m256i*>(count + 16 * w), counts[w]);
    if (!_mm256_testz_si256(open, open)) [[unlikely]] {
      alignas(32) std::uint16_t highs[block_neurons], opens[16];
      for (int w = 0; w < 4; ++w) _mm256_store_si256(reinterpret_cast<__m256i*>(highs + 16 * w), high[w]);
      _mm256_store_si256(reinterpret_cast<__m256i*>(opens), open);
      // (`open` gathers the lanes of all four vectors: each lane is checked again)
      for (std::size_t k = 0; k < block_neurons; ++k)
        if (opens[k % 16] != 0) count[k] = static_cast<std::uint16_t>(this->count(highs[k], step, first + k));
    }
    const __m256d w = _mm256_set1_pd(weight);
    for (std::size_t k = 0; k < block_neurons; k += 8) {
      const __m256i wide = _mm256_cvtepu16_epi32(_mm_load_si128(reinterpret_cast<const __m128i*>(count + k)));
      const __m256d low = _mm256_cvtepi32_pd(_mm256_castsi256_si128(wide));
      const __m256d high8 = _mm256_cvtepi32_pd(_mm256_extracti128_si256(wide, 1));
      double* o = out + first + k;
      _mm256_storeu_pd(o, _mm256_fmadd_pd(low, w, _mm256_loadu_pd(o)));
      _mm256_storeu_pd(o + 4, _mm256_fmadd_pd(high8, w, _mm256_loadu_pd(o + 4)));
    }
  }
#endif

  r123::Philox4x32::key_type key_;
  std::vector<std::uint32_t> thresholds_;  // P(count <= c) 2^32, c = 0, 1, ...
};

}  // namespace lapicque::network
