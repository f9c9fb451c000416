// The spikes one thread found in one epoch for one sender (a population or a source): the
// neurons in the order found, and where each step of the epoch ends among them.
//
// Every other thread reads the list after the epoch's barrier, so each line of it comes from the
// core that wrote it (on the 2-vCPU EPYC of 2026-12-06 such a transfer cost a few hundred cycles,
// and a list as three vectors -- sizes, step ends, neurons -- was three transfers one after the
// other: CUBA's delivery took 2.8k cycles an epoch on each of two threads against 1.4k for all of
// it on one thread). A few spikes and steps, what small networks send in an epoch, therefore lie
// in the one line that holds the counts; longer lists move to vectors of their own. Each list
// starts a pair of lines (core::false_sharing_bytes), so the lists of two threads side by side
// never share one.
#pragma once

#include <cstdint>
#include <span>

#include "core/line_aligned_vector.hpp"

namespace lapicque::network {

class alignas(core::false_sharing_bytes) SpikeList {
 public:
  // Held in the first line: up to this many step ends and this many neurons.
  static constexpr std::uint32_t inline_steps = 6, inline_neurons = 8;

  void clear() {
    size_ = 0;
    steps_ = 0;
  }
  void push(std::uint32_t neuron) { append(small_neurons_, neurons_, size_++, neuron); }
  // The neurons pushed since the last end_step() (or clear()) are the next step's.
  void end_step() { append(small_ends_, step_ends_, steps_++, size_); }

  std::uint32_t size() const { return size_; }
  std::uint32_t steps() const { return steps_; }
  // The neurons of step k < steps().
  std::span<const std::uint32_t> step(std::uint32_t k) const {
    const std::uint32_t* ends = steps_ <= inline_steps ? small_ends_ : step_ends_.data();
    const std::uint32_t* neurons = size_ <= inline_neurons ? small_neurons_ : neurons_.data();
    const std::uint32_t from = k == 0 ? 0 : ends[k - 1];
    return {neurons + from, neurons + ends[k]};
  }
  // Asks for the first line ahead of reading it (for a reader on another core: the lines of
  // several lists then travel at once).
  void prefetch() const { __builtin_prefetch(this); }

 private:
  // First line: the counts and the short lists.
  std::uint32_t size_ = 0, steps_ = 0;
  std::uint32_t small_ends_[inline_steps] = {};
  std::uint32_t small_neurons_[inline_neurons] = {};
  // Longer lists, whole (their storage on lines of its own, as every thread's buffers).
  core::LineAlignedVector<std::uint32_t> step_ends_, neurons_;

  // Sets item `used` of a list kept in `small` while it fits, then (copied over once, when it
  // outgrows it; the vector's capacity stays from epoch to epoch) in `large`.
  template <std::uint32_t capacity>
  static void append(std::uint32_t (&small)[capacity], core::LineAlignedVector<std::uint32_t>& large,
                     std::uint32_t used, std::uint32_t value) {
    if (used < capacity) {
      small[used] = value;
      return;
    }
    if (used == capacity) large.assign(small, small + capacity);
    large.push_back(value);
  }
};

static_assert(sizeof(std::uint32_t) * (2 + SpikeList::inline_steps + SpikeList::inline_neurons) ==
              core::cache_line);

}  // namespace lapicque::network
