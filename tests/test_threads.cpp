// The pieces the threads share: the engine's barrier (every thread sees every other's writes of
// the epoch, with more threads than cores too) and arrays that start on cache lines.
#include <gtest/gtest.h>
#include <omp.h>

#include <atomic>
#include <cstdint>
#include <vector>

#include "core/line_aligned_vector.hpp"
#include "network/spin_barrier.hpp"

namespace lapicque {
namespace {

TEST(SpinBarrier, NoThreadLeavesBeforeAllArrive) {
  for (int threads = 1; threads <= 5; ++threads) {  // 3 to 5: more threads than this machine's cores
    network::SpinBarrier barrier(static_cast<std::size_t>(threads));
    std::atomic<long> arrivals{0};
    std::atomic<bool> early{false};
    constexpr int epochs = 200;
#pragma omp parallel num_threads(threads)
    {
      const auto t = static_cast<std::size_t>(omp_get_thread_num());
      if (omp_get_num_threads() == threads)
        for (int e = 0; e < epochs; ++e) {
          arrivals.fetch_add(1, std::memory_order_relaxed);
          barrier.wait(t);
          if (arrivals.load(std::memory_order_relaxed) < static_cast<long>(e + 1) * threads) early = true;
          barrier.wait(t);  // nobody starts the next epoch's arrival before all have checked
        }
    }
    EXPECT_FALSE(early) << threads << " threads";
    EXPECT_EQ(arrivals.load(), static_cast<long>(epochs) * threads);
  }
}

TEST(LineAlignedVector, StartsOnACacheLine) {
  for (std::size_t n : {1u, 3u, 8u, 100u, 4099u}) {
    core::LineAlignedVector<double> doubles(n, 1.0);
    core::LineAlignedVector<std::uint16_t> shorts(n, 1);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(doubles.data()) % core::cache_line, 0u) << n;
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(shorts.data()) % core::cache_line, 0u) << n;
  }
}

}  // namespace
}  // namespace lapicque
