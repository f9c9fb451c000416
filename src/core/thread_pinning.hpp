// Each thread of a parallel region on a CPU of its own, for the region's duration.
//
// Left to the scheduler, the threads of a short run (an f-I sweep of a few milliseconds, a network
// whose threads meet at a barrier every 0.1 ms) sometimes share one CPU of this 2-core VM for part
// of the run: measured, the same sweep took 7 ms or 13-18 ms from run to run, and 7-8 ms every
// time once pinned. OpenMP's own binding (OMP_PROC_BIND) is no substitute: it binds the initial
// thread at start-up even when every region has one thread, so independent one-thread runs (a
// sweep of jobs started side by side) all landed on CPU 0 and took twice as long. Here only teams
// of two or more are pinned, for the region, unless the user chose a binding through
// OMP_PROC_BIND or OMP_PLACES. The previous affinity comes back at the end of the region (the
// thread may be the Python interpreter's).
#pragma once

#include <pthread.h>
#include <sched.h>

#include <cstddef>
#include <cstdlib>

namespace lapicque::core {

class ThreadPinning {
 public:
  // Thread `thread` of `count` takes the thread-th CPU of those the process may use; nothing
  // happens for one thread, when there are fewer CPUs than threads, or under a user's binding.
  ThreadPinning(std::size_t thread, std::size_t count) {
    if (count < 2 || std::getenv("OMP_PROC_BIND") != nullptr || std::getenv("OMP_PLACES") != nullptr) return;
    if (pthread_getaffinity_np(pthread_self(), sizeof previous_, &previous_) != 0) return;
    if (static_cast<std::size_t>(CPU_COUNT(&previous_)) < count) return;
    std::size_t seen = 0;
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
      if (!CPU_ISSET(cpu, &previous_)) continue;
      if (seen++ == thread) {
        cpu_set_t own;
        CPU_ZERO(&own);
        CPU_SET(cpu, &own);
        pinned_ = pthread_setaffinity_np(pthread_self(), sizeof own, &own) == 0;
        return;
      }
    }
  }
  ~ThreadPinning() {
    if (pinned_) pthread_setaffinity_np(pthread_self(), sizeof previous_, &previous_);
  }
  ThreadPinning(const ThreadPinning&) = delete;
  ThreadPinning& operator=(const ThreadPinning&) = delete;

 private:
  cpu_set_t previous_{};
  bool pinned_ = false;
};

}  // namespace lapicque::core
