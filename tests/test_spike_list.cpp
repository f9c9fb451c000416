// The spike list of one thread, sender and epoch: each step's neurons read back in the order
// pushed, whether the list fits in its first line or has moved to vectors, and after it is cleared
// and filled again shorter or longer than before.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "network/spike_list.hpp"

namespace lapicque::network {
namespace {

using Steps = std::vector<std::vector<std::uint32_t>>;

void fill(SpikeList& list, const Steps& steps) {
  list.clear();
  for (const auto& neurons : steps) {
    for (auto n : neurons) list.push(n);
    list.end_step();
  }
}

void expect_reads(const SpikeList& list, const Steps& steps) {
  ASSERT_EQ(list.steps(), steps.size());
  std::uint32_t size = 0;
  for (std::uint32_t k = 0; k < steps.size(); ++k) {
    const auto got = list.step(k);
    EXPECT_EQ(std::vector<std::uint32_t>(got.begin(), got.end()), steps[k]) << "step " << k;
    size += static_cast<std::uint32_t>(steps[k].size());
  }
  EXPECT_EQ(list.size(), size);
}

// Steps of the given sizes, neurons numbered from `first` on.
Steps steps_of(const std::vector<std::uint32_t>& sizes, std::uint32_t first) {
  Steps steps;
  for (auto size : sizes) {
    steps.emplace_back();
    for (std::uint32_t i = 0; i < size; ++i) steps.back().push_back(first++);
  }
  return steps;
}

TEST(SpikeList, EmptyStepsAndNoSteps) {
  SpikeList list;
  expect_reads(list, {});
  fill(list, {{}, {}});
  expect_reads(list, {{}, {}});
}

TEST(SpikeList, ShortListsStayInTheFirstLine) {
  SpikeList list;
  const Steps steps = steps_of({3, 0, SpikeList::inline_neurons - 3}, 100);
  fill(list, steps);
  expect_reads(list, steps);
}

TEST(SpikeList, MoreNeuronsOrStepsThanTheLineHolds) {
  SpikeList list;
  for (const auto& sizes : std::vector<std::vector<std::uint32_t>>{
           {SpikeList::inline_neurons + 1},                             // one neuron too many
           {5, 0, 7, 300, 1},                                           // many neurons
           std::vector<std::uint32_t>(SpikeList::inline_steps + 1, 1),  // one step too many
           std::vector<std::uint32_t>(15, 0),                           // Brunel's 15 steps, no spike
           std::vector<std::uint32_t>(40, 3)}) {                        // many of both
    const Steps steps = steps_of(sizes, 7);
    fill(list, steps);
    expect_reads(list, steps);
  }
}

TEST(SpikeList, ReusedShorterAndLongerAfterMovingToVectors) {
  SpikeList list;
  const Steps long_list = steps_of(std::vector<std::uint32_t>(20, 9), 0);
  const Steps short_list = steps_of({2, 1}, 1000);
  const Steps longer_list = steps_of(std::vector<std::uint32_t>(30, 11), 5000);
  for (const Steps* steps : {&long_list, &short_list, &long_list, &longer_list, &short_list}) {
    fill(list, *steps);
    expect_reads(list, *steps);
  }
}

// Lists side by side (one per thread) start each on a pair of lines of its own (see
// core::false_sharing_bytes), its first line the counts and short lists.
TEST(SpikeList, PairOfLinesOfItsOwn) {
  EXPECT_EQ(alignof(SpikeList), core::false_sharing_bytes);
  EXPECT_EQ(sizeof(SpikeList) % core::false_sharing_bytes, 0u);
  std::vector<SpikeList> lists(3);
  for (const auto& l : lists) EXPECT_EQ(reinterpret_cast<std::uintptr_t>(&l) % core::false_sharing_bytes, 0u);
}

}  // namespace
}  // namespace lapicque::network
