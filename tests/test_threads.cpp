// The pieces the threads share: the engine's barrier (every thread sees every other's writes of
// the epoch, with more threads than cores too), arrays that start on cache lines, arrays cut into
// the threads' shares, the pinning of a region's threads to CPUs of their own (and back), the team
// of a single-neuron run (the caller works at once, every block is taken once) and sweeps whose
// threads take blocks of neurons from a shared counter.
#include <gtest/gtest.h>
#include <omp.h>
#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <thread>
#include <vector>

#include "core/line_aligned_vector.hpp"
#include "core/thread_pinning.hpp"
#include "core/thread_team.hpp"
#include "lapicque/analysis.hpp"
#include "network/sharded_array.hpp"
#include "network/spin_barrier.hpp"
#include "test_support.hpp"

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

// Indexed by neuron whatever the cut; values kept when re-cut; every share's part on pages of its
// own, its rows on lines.
TEST(ShardedArray, KeepsValuesAcrossCutsWithEachShareOnItsOwnPages) {
  network::ShardedArray<double> a(100, 0.0, 3);
  for (std::size_t row = 0; row < 3; ++row)
    for (std::size_t i = 0; i < 100; ++i) a.at(i, row) = static_cast<double>(1000 * row + i);
  for (const auto& cuts :
       std::vector<std::vector<std::size_t>>{{0, 32, 100}, {0, 0, 64, 96, 100}, {0, 100}}) {
    a.cut(cuts);
    ASSERT_EQ(a.shares(), cuts.size() - 1);
    for (std::size_t s = 0; s < a.shares(); ++s)
      for (std::size_t row = 0; row < 3; ++row) {
        if (cuts[s] == cuts[s + 1]) continue;
        const double* first = a.base(s, row) + cuts[s];
        EXPECT_EQ(reinterpret_cast<std::uintptr_t>(first) % core::cache_line, 0u);
        for (std::size_t i = cuts[s]; i < cuts[s + 1]; ++i)
          ASSERT_EQ(a.base(s, row)[i], static_cast<double>(1000 * row + i))
              << "share " << s << " row " << row;
      }
    for (std::size_t s = 1; s < a.shares(); ++s)
      if (cuts[s] < cuts[s + 1] && cuts[s - 1] < cuts[s]) {
        // different pages for neighbouring neurons of two shares
        const auto last = reinterpret_cast<std::uintptr_t>(&a.at(cuts[s] - 1, 2)) / network::page_bytes;
        const auto first = reinterpret_cast<std::uintptr_t>(&a.at(cuts[s], 0)) / network::page_bytes;
        EXPECT_NE(last, first);
      }
    for (std::size_t s = 0; s < a.shares(); ++s)
      for (std::size_t i = cuts[s]; i < cuts[s + 1]; ++i) ASSERT_EQ(a.share_of(i), s) << i;
  }
}

// A sweep under constant currents leaps, its threads taking blocks of neurons in turn: the same
// spikes on 1, 2 and 3 threads (AdEx under euler and LIF exact, 1,000 currents, so that the
// threads are used).
// The spikes of `currents` run as one population on 1, 2 and 3 threads (at least `least` in all):
// the same on each.
void expect_same_spikes_on_one_two_and_three_threads(const Experiment& e, const std::vector<double>& currents,
                                                     std::size_t least) {
  const int before = omp_get_max_threads();
  std::vector<RunResult> results;
  for (int threads : {1, 2, 3}) {
    omp_set_num_threads(threads);
    results.push_back(run(e, currents.size(), currents));
  }
  omp_set_num_threads(before);
  std::size_t spikes = 0;
  for (const auto& s : results[0].spikes) spikes += s.size();
  EXPECT_GT(spikes, least) << e.model;
  EXPECT_EQ(results[0].spikes, results[1].spikes) << e.model;
  EXPECT_EQ(results[0].spikes, results[2].spikes) << e.model;
}

TEST(LeapingSweep, IdenticalOnOneTwoAndThreeThreads) {
  const ParamValues adex{{"C_m", 281},       {"g_L", 30},   {"E_L", -70.6}, {"V_th", -50.4},
                         {"Delta_T", 2},     {"a", 4},      {"tau_w", 144}, {"b", 80.5},
                         {"V_reset", -70.6}, {"V_peak", 0}, {"t_ref", 0}};
  const ParamValues lif{{"C_m", 250},  {"g_L", 25},      {"E_L", -70},
                        {"V_th", -55}, {"V_reset", -70}, {"t_ref", 2}};
  std::vector<double> currents(1000);
  for (std::size_t i = 0; i < currents.size(); ++i) currents[i] = static_cast<double>(i);
  for (const auto& [model, params, method] :
       {std::tuple{"adex", adex, Method::euler}, std::tuple{"lif", lif, Method::exact}})
    expect_same_spikes_on_one_two_and_three_threads(
        testing::experiment(model, params, {}, 0.1, 1000, method, {}), currents, 5000);
}

// The caller is member 0 and takes blocks while another member is held back from starting: a
// member that starts late takes fewer blocks instead of holding the run up. Every block is taken
// exactly once.
TEST(ThreadTeam, CallerWorksAtOnceAndEveryBlockIsTakenOnce) {
  constexpr std::size_t blocks = 1000;
  core::BlockCounter counter(blocks);
  std::vector<std::atomic<int>> taken(blocks);
  std::atomic<bool> caller_done{false};
  std::vector<std::size_t> by_member(3, 0);
  const auto caller = std::this_thread::get_id();
  bool caller_is_zero = false;
  core::run_team(3, [&](std::size_t member, std::size_t count) {
    EXPECT_EQ(count, 3u);
    if (member == 0) caller_is_zero = std::this_thread::get_id() == caller;
    // Member 2 waits until the caller has run out of blocks (it would wait forever if the caller
    // waited for it to start).
    if (member == 2)
      while (!caller_done.load()) std::this_thread::sleep_for(std::chrono::microseconds(50));
    for (std::size_t b = 0; counter.next(b);) {
      taken[b].fetch_add(1);
      ++by_member[member];
    }
    if (member == 0) caller_done = true;
  });
  EXPECT_TRUE(caller_is_zero);
  for (std::size_t b = 0; b < blocks; ++b) EXPECT_EQ(taken[b].load(), 1) << "block " << b;
  EXPECT_EQ(by_member[2], 0u);
  EXPECT_EQ(by_member[0] + by_member[1], blocks);
}

// A sweep that steps (a sine: nothing leaps; 1e7 neuron-steps, enough for threads), its
// threads taking blocks of neurons from the counter: the same spikes on 1, 2 and 3 threads.
TEST(SteppingSweep, IdenticalOnOneTwoAndThreeThreads) {
  const ParamValues lif{{"C_m", 250},  {"g_L", 25},      {"E_L", -70},
                        {"V_th", -55}, {"V_reset", -70}, {"t_ref", 2}};
  std::vector<double> currents(700);
  for (std::size_t i = 0; i < currents.size(); ++i) currents[i] = static_cast<double>(i);
  expect_same_spikes_on_one_two_and_three_threads(
      testing::experiment("lif", lif, {{"sine", {{"amplitude", 100.0}, {"frequency", 10.0}}}}, 0.1, 1500,
                          Method::exact, {}),
      currents, 2000);
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
