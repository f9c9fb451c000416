// The threads of one single-neuron run: the calling thread is member 0 and works at once; the other
// members are threads started beside it, each on a CPU of its own (core/thread_pinning.hpp).
//
// Why not an OpenMP team: at its first parallel region libgomp makes the calling thread wait until
// every new thread has started. On a 2-core VM a new thread waited 3 to 7 ms for its CPU whenever
// that CPU was busy, even with a task at nice 19 (a two-thread AdEx sweep of 5.8 ms took 7-13 ms,
// measured 2026-12-06: docs/benchmarks.md). Here nobody waits: the members take blocks of work from
// a shared counter (`BlockCounter`), so a member that starts late takes fewer blocks. Neurons of a
// single-neuron run are independent, so which member computes a block never changes a result.
#pragma once

#include <atomic>
#include <cstddef>
#include <system_error>
#include <thread>
#include <vector>

#include "core/thread_pinning.hpp"

namespace lapicque::core {

// Hands out block numbers 0, 1, 2, ... to whichever member asks first.
class BlockCounter {
 public:
  explicit BlockCounter(std::size_t blocks) : blocks_(blocks) {}
  // The next block to work on, or false when all are taken.
  bool next(std::size_t& block) {
    block = next_.fetch_add(1, std::memory_order_relaxed);
    return block < blocks_;
  }

 private:
  alignas(64) std::atomic<std::size_t> next_{0};  // (on a line of its own: every member writes it)
  std::size_t blocks_;
};

// Runs member(thread, count) on `count` threads, the calling thread being thread 0, and returns when
// all have returned. `member` must not throw (catch inside and record). If the system refuses a
// thread, the team is smaller: with work shared through a BlockCounter that changes nothing but the
// time.
template <class Member>
void run_team(std::size_t count, Member&& member) {
  std::vector<std::thread> others;
  others.reserve(count > 0 ? count - 1 : 0);
  for (std::size_t k = 1; k < count; ++k) {
    try {
      others.emplace_back([&member, k, count] {
        const ThreadPinning pinning(k, count);
        member(k, count);
      });
    } catch (const std::system_error&) {
      break;
    }
  }
  {
    const ThreadPinning pinning(0, count);
    member(std::size_t{0}, count);
  }
  for (auto& t : others) t.join();
}

}  // namespace lapicque::core
