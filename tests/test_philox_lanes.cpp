// The vector Philox (core/philox_lanes.hpp) and the batched draws built on it give Random123's
// numbers and CounterRng's sequence exactly.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "core/counter_rng.hpp"
#include "core/philox_lanes.hpp"

namespace lapicque::core {
namespace {

#if defined(__AVX2__)
TEST(PhiloxLanes, EightBlocksAreRandom123s) {
  CounterRng pick(3, 11, 0);  // counters and keys of all sizes
  for (int trial = 0; trial < 200; ++trial) {
    const auto word = [&] { return static_cast<std::uint32_t>(pick.below(std::uint64_t{1} << 32)); };
    r123::Philox4x32::ctr_type c{{word(), word(), word(), word()}};
    const r123::Philox4x32::key_type key{{word(), word()}};
    const int w = trial % 4;
    c[w] = std::min<std::uint32_t>(c[w], 0xFFFFFFFFu - 7);  // (philox_counters' condition)
    const PhiloxLanes lanes = philox_lanes(philox_counters(c, w), key);
    alignas(32) std::uint32_t got[4][8];
    for (int k = 0; k < 4; ++k) _mm256_store_si256(reinterpret_cast<__m256i*>(got[k]), lanes.x[k]);
    for (std::uint32_t g = 0; g < 8; ++g) {
      r123::Philox4x32::ctr_type one = c;
      one[w] += g;
      const auto expected = r123::Philox4x32()(one, key);
      for (int k = 0; k < 4; ++k) ASSERT_EQ(got[k][g], expected[k]) << "trial " << trial << " lane " << g;
    }
  }
}
#endif

// below_each against a loop of below(), from a fresh stream and from one with half a block used,
// with bounds from 1 to 2^32 and fixed or changing; the streams go on alike afterwards.
TEST(CounterRng, BelowEachIsALoopOfBelow) {
  for (const std::uint64_t n : {std::uint64_t{1}, std::uint64_t{2}, std::uint64_t{10000},
                                std::uint64_t{3} << 30, std::uint64_t{1} << 32})
    for (const std::size_t count : {0, 1, 15, 16, 17, 33, 1000})
      for (const bool half_used : {false, true}) {
        CounterRng batched(7, 5, 42, 1), looped(7, 5, 42, 1);
        if (half_used) {
          EXPECT_EQ(batched.uniform(), looped.uniform());
        }
        const auto bound = [&](std::size_t i) { return n == 2 ? i + 1 : n; };  // (n = 2: 1, 2, 3, ...)
        std::vector<std::uint32_t> got(count), expected(count);
        batched.below_each(got, bound);
        for (std::size_t i = 0; i < count; ++i)
          expected[i] = static_cast<std::uint32_t>(looped.below(bound(i)));
        ASSERT_EQ(got, expected) << "n " << n << " count " << count << " half_used " << half_used;
        for (int k = 0; k < 5; ++k) ASSERT_EQ(batched.below(n), looped.below(n));
        for (std::size_t i = 0; i < count; ++i) ASSERT_LT(got[i], bound(i));
      }
}

}  // namespace
}  // namespace lapicque::core
