// A barrier for the engine's epochs: threads spin (with the CPU's pause hint) rather than sleep in
// the kernel, since epochs can be one step of a few microseconds (COBA's delay of 0.1 ms); a
// thread that waits long yields, so more threads than cores still progress.
//
// A dissemination barrier (Hensgen, Finkel & Manber 1988): in round r, thread t raises its own
// flag for the epoch and waits for the flag of thread t - 2^r; after ceil(log2 T) rounds every
// thread has heard, directly or through others, from all. No line is written by two threads, so
// with two threads a barrier costs one transfer of a line each way at the same time (a shared
// counter costs a read-modify-write and then a release, one after the other). bench/barrier.cpp
// measures both.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <thread>
#include <vector>

#include "core/line_aligned_vector.hpp"
#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace lapicque::network {

class SpinBarrier {
 public:
  explicit SpinBarrier(std::size_t threads) : threads_(threads) {
    while ((std::size_t{1} << rounds_) < threads_) ++rounds_;
    flags_ = std::vector<Flag>(rounds_ * threads_);
    epochs_ = std::vector<Flag>(threads_);
  }

  // Called by thread `thread` (0 to T - 1); returns once all T threads have called it for the
  // same epoch. What each thread wrote before is then visible to all.
  void wait(std::size_t thread) {
    std::atomic<std::uint64_t>& own = epochs_[thread].value;
    const std::uint64_t epoch = own.load(std::memory_order_relaxed) + 1;
    own.store(epoch, std::memory_order_relaxed);
    for (std::size_t r = 0; r < rounds_; ++r) {
      flags_[r * threads_ + thread].value.store(epoch, std::memory_order_release);
      const std::size_t partner = (thread + threads_ - (std::size_t{1} << r) % threads_) % threads_;
      const auto& theirs = flags_[r * threads_ + partner].value;
      for (unsigned spins = 0; theirs.load(std::memory_order_acquire) < epoch; ++spins) {
        if (spins < 20000) {
#if defined(__x86_64__)
          _mm_pause();
#endif
        } else {
          std::this_thread::yield();
        }
      }
    }
  }

 private:
  struct alignas(core::false_sharing_bytes) Flag {  // a pair of lines of its own
    std::atomic<std::uint64_t> value{0};
  };
  std::size_t threads_;
  std::size_t rounds_ = 0;
  std::vector<Flag> flags_;   // [round x thread]: the last epoch the thread reached in that round
  std::vector<Flag> epochs_;  // [thread]: its own count of epochs (read by it alone)
};

}  // namespace lapicque::network
