// Random123's Philox4x32-10 for eight counters at once, one per 32-bit lane of four AVX2 vectors
// (word w of block g is lane g of x[w]). One block alone is a chain of ten rounds that each wait
// for two products: in Brunel's set-up (perf), half of 0.28 s for 7.8 million blocks, about 40
// cycles a block. Eight in vectors share each round's instructions.
// The numbers are r123::Philox4x32's bit for bit (tests/test_philox_lanes.cpp).
#pragma once

#include <Random123/philox.h>

#include <cstdint>

#if defined(__AVX2__)
#include <immintrin.h>
#endif

namespace lapicque::core {

#if defined(__AVX2__)
struct PhiloxLanes {
  __m256i x[4];
};

// The ten rounds on eight counters (the lanes of `in`), under one key.
[[gnu::always_inline]] inline PhiloxLanes philox_lanes(PhiloxLanes in, r123::Philox4x32::key_type key) {
  __m256i x0 = in.x[0], x1 = in.x[1], x2 = in.x[2], x3 = in.x[3];
  std::uint32_t k0 = key[0], k1 = key[1];
  const __m256i m0 = _mm256_set1_epi64x(PHILOX_M4x32_0), m1 = _mm256_set1_epi64x(PHILOX_M4x32_1);
  // The 32 x 32-bit products of the even lanes and of the odd ones, their high and low halves
  // put back in lane order.
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
    k0 += PHILOX_W32_0;
    k1 += PHILOX_W32_1;
  }
  return {{x0, x1, x2, x3}};
}

// Counters c, c + e_w, ..., c + 7 e_w: word w counts up from c[w] lane by lane (no carry into
// the next word: the caller keeps c[w] + 7 below 2^32).
inline PhiloxLanes philox_counters(r123::Philox4x32::ctr_type c, int w) {
  PhiloxLanes lanes;
  for (int k = 0; k < 4; ++k) lanes.x[k] = _mm256_set1_epi32(static_cast<int>(c[k]));
  lanes.x[w] = _mm256_add_epi32(lanes.x[w], _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  return lanes;
}
#endif

}  // namespace lapicque::core
