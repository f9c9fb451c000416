// The engine's barrier between epochs, two threads on CPUs of their own (as the engine runs them):
// the dissemination barrier of network/spin_barrier.hpp against a shared-counter barrier of the
// usual form (the one it replaced). Time = one barrier; no work between barriers.
//
// line_round_trip: the machine's floor under any barrier, a line written on one CPU and read on
// the other and back (thread 0 raises its flag and waits for thread 1's answer).
//
// Read the CPU column: with two threads Google Benchmark divides the wall time by both threads'
// iterations, so "Time" is half of one barrier or one round trip, "CPU" the whole.
#include <benchmark/benchmark.h>
#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <cstddef>
#include <cstdint>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "network/spin_barrier.hpp"

namespace {

using namespace lapicque;

// The last thread to arrive resets the count and opens the next generation.
// Benchmark thread t on CPU t, as the command line binds the engine's threads.
void pin(int thread) {
  cpu_set_t own;
  CPU_ZERO(&own);
  CPU_SET(thread, &own);
  pthread_setaffinity_np(pthread_self(), sizeof own, &own);
}

class CounterBarrier {
 public:
  explicit CounterBarrier(std::size_t threads) : threads_(threads) {}
  void wait() {
    const std::size_t generation = generation_.load(std::memory_order_acquire);
    if (arrived_.fetch_add(1, std::memory_order_acq_rel) + 1 == threads_) {
      arrived_.store(0, std::memory_order_relaxed);
      generation_.fetch_add(1, std::memory_order_acq_rel);
      return;
    }
    while (generation_.load(std::memory_order_acquire) == generation) {
#if defined(__x86_64__)
      _mm_pause();
#endif
    }
  }

 private:
  const std::size_t threads_;
  alignas(64) std::atomic<std::size_t> arrived_{0};
  alignas(64) std::atomic<std::size_t> generation_{0};
};

void dissemination_barrier(benchmark::State& state) {
  static network::SpinBarrier barrier(2);
  const auto t = static_cast<std::size_t>(state.thread_index());
  pin(state.thread_index());
  for (auto _ : state) barrier.wait(t);
}

void counter_barrier(benchmark::State& state) {
  static CounterBarrier barrier(2);
  pin(state.thread_index());
  for (auto _ : state) barrier.wait();
}

void line_round_trip(benchmark::State& state) {
  struct alignas(128) Flag {
    std::atomic<std::int64_t> value{0};
  };
  static Flag ping, pong;
  const bool first = state.thread_index() == 0;
  pin(state.thread_index());
  std::int64_t round = first ? ping.value.load() : pong.value.load();
  for (auto _ : state) {
    ++round;
    if (first) {
      ping.value.store(round, std::memory_order_release);
      while (pong.value.load(std::memory_order_acquire) < round) {
      }
    } else {
      while (ping.value.load(std::memory_order_acquire) < round) {
      }
      pong.value.store(round, std::memory_order_release);
    }
  }
}

}  // namespace

BENCHMARK(line_round_trip)->Threads(2)->UseRealTime();
BENCHMARK(dissemination_barrier)->Threads(2)->UseRealTime();
BENCHMARK(counter_barrier)->Threads(2)->UseRealTime();
