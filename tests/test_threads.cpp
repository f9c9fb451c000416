// The pieces the threads share: the engine's barrier (every thread sees every other's writes of
// the epoch, with more threads than cores too), arrays that start on cache lines, and the pinning
// of a region's threads to CPUs of their own (and back).
#include <gtest/gtest.h>
#include <omp.h>
#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <vector>

#include "core/line_aligned_vector.hpp"
#include "core/thread_pinning.hpp"
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

cpu_set_t own_affinity() {
  cpu_set_t set;
  CPU_ZERO(&set);
  pthread_getaffinity_np(pthread_self(), sizeof set, &set);
  return set;
}

TEST(ThreadPinning, EachThreadOnACpuOfItsOwnThenBack) {
  if (std::getenv("OMP_PROC_BIND") != nullptr || std::getenv("OMP_PLACES") != nullptr)
    GTEST_SKIP() << "a binding chosen through OMP_PROC_BIND or OMP_PLACES is left alone";
  const cpu_set_t before = own_affinity();
  if (CPU_COUNT(&before) < 2) GTEST_SKIP() << "one CPU: nothing to pin";
  std::vector<int> cpus(2, -1), counts(2, 0);
#pragma omp parallel num_threads(2)
  {
    const auto t = static_cast<std::size_t>(omp_get_thread_num());
    if (omp_get_num_threads() == 2) {
      const core::ThreadPinning pinning(t, 2);
      const cpu_set_t now = own_affinity();
      counts[t] = CPU_COUNT(&now);
      for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
        if (CPU_ISSET(cpu, &now)) cpus[t] = cpu;
    }
  }
  EXPECT_EQ(counts[0], 1);
  EXPECT_EQ(counts[1], 1);
  EXPECT_NE(cpus[0], cpus[1]);
  const cpu_set_t after = own_affinity();
  EXPECT_TRUE(CPU_EQUAL(&before, &after));  // the calling thread has its affinity back
  // One thread, or more threads than CPUs: nothing changes.
  {
    const core::ThreadPinning alone(0, 1);
    const cpu_set_t now = own_affinity();
    EXPECT_TRUE(CPU_EQUAL(&before, &now));
  }
  {
    const core::ThreadPinning crowded(0, static_cast<std::size_t>(CPU_COUNT(&before)) + 1);
    const cpu_set_t now = own_affinity();
    EXPECT_TRUE(CPU_EQUAL(&before, &now));
  }
}

}  // namespace
}  // namespace lapicque
