// Poisson event counts per neuron and step, from counter-based random numbers: one Philox4x32
// call gives the uniforms of four neighbouring neurons in one step, and a count is read off the
// cumulative distribution of the step's mean (rate x dt), tabulated once in units of 2^-32.
#pragma once

#include <Random123/philox.h>

#if defined(__AVX2__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

namespace lapicque::network {

class PoissonCounts {
 public:
  // `mean`: expected events per neuron and step. `seed` and `stream` key the numbers.
  PoissonCounts(double mean, std::uint64_t seed, std::uint64_t stream) {
    std::uint64_t k = seed * 0x9E3779B97F4A7C15ull ^ (stream + 0xD1B54A32D192ED03ull);
    k = (k ^ (k >> 30)) * 0xBF58476D1CE4E5B9ull;
    k = (k ^ (k >> 27)) * 0x94D049BB133111EBull;
    k ^= k >> 31;
    key_ = {{static_cast<std::uint32_t>(k), static_cast<std::uint32_t>(k >> 32)}};
    // P(count <= c) x 2^32, up to where the tail is below 2^-40 (then certain).
    double term = std::exp(-mean), sum = term;
    for (std::uint32_t c = 0; mean > 0; ++c) {
      if (1 - sum < 0x1p-40 && c > mean) break;
      cumulative_.push_back(static_cast<std::uint64_t>(std::ldexp(sum, 32)));
      term *= mean / (c + 1);
      sum += term;
      if (c > 100000) break;
    }
    cumulative_.push_back(std::uint64_t{1} << 32);
  }

  // Adds count(neuron, step) x weight to out[i] for neurons [begin, end).
  void add(std::int64_t step, std::size_t begin, std::size_t end, double weight, double* out) const {
#if defined(__AVX2__)
    // Eight Philox blocks (32 neurons) at a time, the same numbers as the scalar path.
    std::size_t i = begin;
    if (cumulative_.size() == 1) return;
    if (cumulative_.size() <= 64) {
      for (; i % 32 != 0 && i < end; ++i) add_one(step, i, weight, out);
#if defined(__AVX512F__)
      for (; i + 64 <= end; i += 64) add_64(step, i, weight, out);
#endif
      for (; i + 32 <= end; i += 32) add_32(step, i, weight, out);
    }
    for_each(step, i, end, [&](std::size_t k, std::uint32_t count) { out[k] += count * weight; });
#else
    for_each(step, begin, end, [&](std::size_t i, std::uint32_t count) { out[i] += count * weight; });
#endif
  }

  // Calls f(neuron, count) for neurons [begin, end) with a count > 0, in increasing order.
  // Calls f(neuron, count) for neurons [begin, end) with a count > 0, in increasing order.
  // Neuron i takes word (i % 32) / 8 of Philox block (i / 32) * 8 + i % 8: eight blocks cover 32
  // neurons, and each output word covers eight neighbours (what one SIMD register holds).
  template <class F>
  void for_each(std::int64_t step, std::size_t begin, std::size_t end, F&& f) const {
    if (cumulative_.size() == 1) return;  // mean 0: no events
    const auto* table = cumulative_.data();
    const auto size = static_cast<std::ptrdiff_t>(cumulative_.size());
    const auto s = static_cast<std::uint64_t>(step);
    for (std::size_t first = begin / 32 * 32; first < end; first += 32) {
      std::array<r123::Philox4x32::ctr_type, 8> u;
      for (std::size_t lane = 0; lane < 8; ++lane) {
        const std::uint64_t block = first / 32 * 8 + lane;
        const r123::Philox4x32::ctr_type counter{
            {static_cast<std::uint32_t>(s), static_cast<std::uint32_t>(s >> 32),
             static_cast<std::uint32_t>(block), static_cast<std::uint32_t>(block >> 32)}};
        u[lane] = r123::Philox4x32()(counter, key_);
      }
      for (std::size_t k = 0; k < 32; ++k) {
        const std::size_t i = first + k;
        if (i < begin || i >= end) continue;
        // count = the first c with u < P(count <= c) 2^32; most counts are small
        std::uint32_t c = 0;
        const std::uint64_t x = u[k % 8][k / 8];
        if (x >= table[0]) c = static_cast<std::uint32_t>(std::upper_bound(table, table + size, x) - table);
        if (c > 0) f(i, c);
      }
    }
  }

 private:
  void add_one(std::int64_t step, std::size_t i, double weight, double* out) const {
    for_each(step, i, i + 1, [&](std::size_t k, std::uint32_t count) { out[k] += count * weight; });
  }

#if defined(__AVX2__)
  // Philox4x32-10 of the counters (step, group .. group + 7) in the lanes of four vectors: word w
  // of block g is lane g of x[w] (mulhilo by even and odd lanes, as Random123 defines the round).
  void add_32(std::int64_t step, std::size_t first, double weight, double* out) const {
    const auto s = static_cast<std::uint64_t>(step);
    const std::uint64_t group = first / 32 * 8;
    __m256i x0 = _mm256_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(s)));
    __m256i x1 = _mm256_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(s >> 32)));
    __m256i x2 = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(group))),
                                  _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    __m256i x3 = _mm256_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(group >> 32)));
    std::uint32_t k0 = key_[0], k1 = key_[1];
    const __m256i m0 = _mm256_set1_epi64x(0xD2511F53), m1 = _mm256_set1_epi64x(0xCD9E8D57);
    const auto mulhilo = [](__m256i a, __m256i m, __m256i& hi) {
      const __m256i even = _mm256_mul_epu32(a, m);
      const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), m);
      hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
      return _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
    };
    for (int round = 0; round < 10; ++round) {
      __m256i hi0, hi1;
      const __m256i lo0 = mulhilo(x0, m0, hi0), lo1 = mulhilo(x2, m1, hi1);
      const __m256i y0 = _mm256_xor_si256(_mm256_xor_si256(hi1, x1), _mm256_set1_epi32(static_cast<int>(k0)));
      const __m256i y2 = _mm256_xor_si256(_mm256_xor_si256(hi0, x3), _mm256_set1_epi32(static_cast<int>(k1)));
      x0 = y0;
      x1 = lo1;
      x2 = y2;
      x3 = lo0;
      k0 += 0x9E3779B9u;
      k1 += 0xBB67AE85u;
    }
    // count = the number of thresholds P(count <= c) 2^32 that u reaches (unsigned compares
    // through the sign bit).
    const __m256i bias = _mm256_set1_epi32(static_cast<int>(0x80000000u));
    const __m256i u[4] = {_mm256_xor_si256(x0, bias), _mm256_xor_si256(x1, bias), _mm256_xor_si256(x2, bias),
                          _mm256_xor_si256(x3, bias)};
    // Counted as (thresholds passed) - (thresholds not reached), four thresholds at a time so
    // that the early exit is taken at a predictable place.
    __m256i missed[4] = {_mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256(),
                         _mm256_setzero_si256()};
    const std::size_t thresholds = cumulative_.size() - 1;
    std::size_t passed = 0;
    while (passed < thresholds) {
      const std::size_t chunk_end = std::min(thresholds, passed + 4);
      __m256i all_missed = _mm256_set1_epi32(-1);
      for (; passed < chunk_end; ++passed) {
        const __m256i threshold = _mm256_set1_epi32(
            static_cast<int>(static_cast<std::uint32_t>(cumulative_[passed]) ^ 0x80000000u));
        for (int word = 0; word < 4; ++word) {
          const __m256i below = _mm256_cmpgt_epi32(threshold, u[word]);  // -1: u does not reach it
          missed[word] = _mm256_add_epi32(missed[word], below);
          all_missed = _mm256_and_si256(all_missed, below);
        }
      }
      if (_mm256_testc_si256(all_missed, _mm256_set1_epi32(-1))) break;  // no lane goes further
    }
    __m256i count[4];
    for (int word = 0; word < 4; ++word)
      count[word] = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(passed)), missed[word]);
    const __m256d w = _mm256_set1_pd(weight);
    for (int word = 0; word < 4; ++word) {  // word w: neurons first + 8 w .. first + 8 w + 7
      double* o = out + first + 8 * word;
      const __m256d low = _mm256_cvtepi32_pd(_mm256_castsi256_si128(count[word]));
      const __m256d high = _mm256_cvtepi32_pd(_mm256_extracti128_si256(count[word], 1));
      _mm256_storeu_pd(o, _mm256_fmadd_pd(low, w, _mm256_loadu_pd(o)));
      _mm256_storeu_pd(o + 4, _mm256_fmadd_pd(high, w, _mm256_loadu_pd(o + 4)));
    }
  }
#endif

#if defined(__AVX512F__)
  // add_32 twice over in one pass: the 16 Philox blocks of neurons [first, first + 64) in the
  // lanes of four 512-bit vectors (lanes 0-7 the first 32 neurons, 8-15 the next), with unsigned
  // compares into mask registers. The same numbers and the same sums as add_32.
  void add_64(std::int64_t step, std::size_t first, double weight, double* out) const {
    const auto s = static_cast<std::uint64_t>(step);
    const std::uint64_t group = first / 32 * 8;
    __m512i x0 = _mm512_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(s)));
    __m512i x1 = _mm512_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(s >> 32)));
    __m512i x2 = _mm512_add_epi32(_mm512_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(group))),
                                  _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
    __m512i x3 = _mm512_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(group >> 32)));
    std::uint32_t k0 = key_[0], k1 = key_[1];
    const __m512i m0 = _mm512_set1_epi64(0xD2511F53), m1 = _mm512_set1_epi64(0xCD9E8D57);
    constexpr __mmask16 odd_lanes = 0xAAAA;
    // The masked forms with every lane set: g++ 12 warns that the plain ones read an
    // uninitialised pass-through.
    constexpr __mmask8 all = 0xFF;
    const auto mulhilo = [all](__m512i a, __m512i m, __m512i& hi) {
      const __m512i even = _mm512_maskz_mul_epu32(all, a, m);
      const __m512i odd = _mm512_maskz_mul_epu32(all, _mm512_maskz_srli_epi64(all, a, 32), m);
      hi = _mm512_mask_blend_epi32(odd_lanes, _mm512_maskz_srli_epi64(all, even, 32), odd);
      return _mm512_mask_blend_epi32(odd_lanes, even, _mm512_maskz_slli_epi64(all, odd, 32));
    };
    for (int round = 0; round < 10; ++round) {
      __m512i hi0, hi1;
      const __m512i lo0 = mulhilo(x0, m0, hi0), lo1 = mulhilo(x2, m1, hi1);
      const __m512i y0 = _mm512_xor_si512(_mm512_xor_si512(hi1, x1), _mm512_set1_epi32(static_cast<int>(k0)));
      const __m512i y2 = _mm512_xor_si512(_mm512_xor_si512(hi0, x3), _mm512_set1_epi32(static_cast<int>(k1)));
      x0 = y0;
      x1 = lo1;
      x2 = y2;
      x3 = lo0;
      k0 += 0x9E3779B9u;
      k1 += 0xBB67AE85u;
    }
    // count = the number of thresholds P(count <= c) 2^32 that u reaches
    const __m512i u[4] = {x0, x1, x2, x3};
    __m512i count[4] = {_mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_setzero_si512(),
                        _mm512_setzero_si512()};
    const __m512i one = _mm512_set1_epi32(1);
    const std::size_t thresholds = cumulative_.size() - 1;
    for (std::size_t c = 0; c < thresholds; ++c) {
      const __m512i threshold =
          _mm512_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(cumulative_[c])));
      __mmask16 any = 0;
      for (int word = 0; word < 4; ++word) {
        const __mmask16 reached = _mm512_cmpge_epu32_mask(u[word], threshold);
        count[word] = _mm512_mask_add_epi32(count[word], reached, count[word], one);
        any = static_cast<__mmask16>(any | reached);
      }
      if (any == 0) break;  // no lane goes further
    }
    const __m512d w = _mm512_set1_pd(weight);
    for (int word = 0; word < 4; ++word) {  // word w: neurons first + 8 w + (0..7, 32..39)
      double* low_out = out + first + 8 * word;
      double* high_out = low_out + 32;
      const __m512d low = _mm512_maskz_cvtepi32_pd(all, _mm512_maskz_extracti64x4_epi64(0xF, count[word], 0));
      const __m512d high =
          _mm512_maskz_cvtepi32_pd(all, _mm512_maskz_extracti64x4_epi64(0xF, count[word], 1));
      _mm512_storeu_pd(low_out, _mm512_fmadd_pd(low, w, _mm512_loadu_pd(low_out)));
      _mm512_storeu_pd(high_out, _mm512_fmadd_pd(high, w, _mm512_loadu_pd(high_out)));
    }
  }
#endif

  r123::Philox4x32::key_type key_;
  std::vector<std::uint64_t> cumulative_;
};

}  // namespace lapicque::network
