// Spike delivery's additions into the targets' counts and buffers: four at a time for distinct
// targets, the same values, bit for bit, as the plain loop `out[i] += w`; and the order that makes
// a sorted list with multapses fit for it (distinct targets first, then the repeats), which with
// one weight leaves every value as the plain loop over the sorted list makes it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "network/add_at.hpp"

namespace lapicque::network {
namespace {

// Adds w over `sorted` with the plain loop and over its reordered copy as the engine does.
template <class Value, class Index, class Weight>
void expect_as_plain_loop(const std::vector<Index>& sorted, Weight w, std::mt19937& rng) {
  std::vector<Value> plain(64), reordered;
  std::uniform_real_distribution<double> start(-3, 3);
  for (auto& v : plain) v = static_cast<Value>(start(rng));
  reordered = plain;
  for (auto i : sorted) plain[i] = static_cast<Value>(plain[i] + w);
  std::vector<Index> list = sorted;
  const Index* repeats = firsts_then_repeats(list.data(), list.data() + list.size());
  add_at_distinct(reordered.data(), list.data(), repeats, w);
  add_at(reordered.data(), repeats, list.data() + list.size(), w);
  ASSERT_EQ(std::memcmp(plain.data(), reordered.data(), plain.size() * sizeof(Value)), 0)
      << sorted.size() << " targets";
}

TEST(AddAt, DistinctTargetsThenRepeatsSameAsThePlainLoop) {
  std::mt19937 rng(3);
  for (std::size_t length = 0; length <= 13; ++length)
    for (int draw = 0; draw < 200; ++draw) {
      // Few distinct targets, so that multapses are frequent, sorted as a source's targets are.
      std::uniform_int_distribution<std::uint32_t> pick(0, draw % 2 == 0 ? 5 : 63);
      std::vector<std::uint32_t> wide(length);
      for (auto& t : wide) t = pick(rng);
      std::sort(wide.begin(), wide.end());
      const std::vector<std::uint16_t> narrow(wide.begin(), wide.end());
      expect_as_plain_loop<double>(wide, 0.1, rng);  // (0.1 is inexact: a lost addition shows)
      expect_as_plain_loop<double>(narrow, -1.7, rng);
      expect_as_plain_loop<std::uint16_t>(narrow, 1, rng);
    }
}

TEST(AddAt, FirstsThenRepeatsKeepsEveryIndex) {
  std::vector<std::uint16_t> list{0, 0, 0, 2, 3, 3, 7, 9, 9, 9, 9};
  const auto* repeats = firsts_then_repeats(list.data(), list.data() + list.size());
  EXPECT_EQ(repeats - list.data(), 5);
  EXPECT_EQ(list, (std::vector<std::uint16_t>{0, 2, 3, 7, 9, 0, 0, 3, 9, 9, 9}));
  std::vector<std::uint16_t> counts(10, 0);
  add_at_distinct(counts.data(), list.data(), repeats, 1);
  add_at(counts.data(), repeats, list.data() + list.size(), 1);
  EXPECT_EQ(counts, (std::vector<std::uint16_t>{3, 0, 1, 2, 0, 0, 0, 1, 0, 4}));
}

TEST(AddAt, DistinctTargets) {
  std::vector<double> out(8, 1.0);
  const std::vector<std::uint32_t> targets{0, 2, 3, 5, 6, 7};
  add_at_distinct(out.data(), targets.data(), targets.data() + targets.size(), 0.5);
  EXPECT_EQ(out, (std::vector<double>{1.5, 1.0, 1.5, 1.5, 1.0, 1.5, 1.5, 1.5}));
}

}  // namespace
}  // namespace lapicque::network
