// A barrier for the engine's epochs: threads spin on a generation counter (with the CPU's pause
// hint) rather than sleeping in the kernel, since epochs can be one step of a few microseconds
// (COBA's delay of 0.1 ms); a thread that waits long yields, so more threads than cores still
// progress.
#pragma once

#include <atomic>
#include <cstddef>
#include <thread>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace lapicque::network {

class SpinBarrier {
 public:
  explicit SpinBarrier(std::size_t threads) : threads_(threads) {}

  // Returns once all threads have called it; what each wrote before is then visible to all.
  void wait() {
    const std::size_t generation = generation_.load(std::memory_order_acquire);
    if (arrived_.fetch_add(1, std::memory_order_acq_rel) + 1 == threads_) {
      arrived_.store(0, std::memory_order_relaxed);
      generation_.fetch_add(1, std::memory_order_acq_rel);
      return;
    }
    for (unsigned spins = 0; generation_.load(std::memory_order_acquire) == generation; ++spins) {
      if (spins < 20000) {
#if defined(__x86_64__)
        _mm_pause();
#endif
      } else {
        std::this_thread::yield();
      }
    }
  }

 private:
  const std::size_t threads_;
  alignas(64) std::atomic<std::size_t> arrived_{0};
  alignas(64) std::atomic<std::size_t> generation_{0};
};

}  // namespace lapicque::network
