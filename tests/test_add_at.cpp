// Spike delivery's additions into the targets' counts and buffers: four at a time, the same values,
// bit for bit, as the plain loop `out[i] += w`, with targets repeated (multapses) inside and
// across the batches of four and lists of every length up to a few batches.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "network/add_at.hpp"

namespace lapicque::network {
namespace {

template <class Value, class Index, class Weight>
void expect_as_plain_loop(const std::vector<Index>& targets, Weight w, std::mt19937& rng) {
  std::vector<Value> plain(64), batched;
  std::uniform_real_distribution<double> start(-3, 3);
  for (auto& v : plain) v = static_cast<Value>(start(rng));
  batched = plain;
  for (auto i : targets) plain[i] = static_cast<Value>(plain[i] + w);
  add_at_batched(batched.data(), targets.data(), targets.data() + targets.size(), w);
  ASSERT_EQ(std::memcmp(plain.data(), batched.data(), plain.size() * sizeof(Value)), 0)
      << targets.size() << " targets";
}

TEST(AddAt, BatchedSameAsThePlainLoop) {
  std::mt19937 rng(3);
  for (std::size_t length = 0; length <= 13; ++length)
    for (int draw = 0; draw < 200; ++draw) {
      // Few distinct targets, so that twins are frequent, sorted as a source's targets are.
      std::uniform_int_distribution<std::uint32_t> pick(0, draw % 2 == 0 ? 5 : 63);
      std::vector<std::uint32_t> wide(length);
      for (auto& t : wide) t = pick(rng);
      std::sort(wide.begin(), wide.end());
      const std::vector<std::uint16_t> narrow(wide.begin(), wide.end());
      expect_as_plain_loop<double>(wide, 0.1, rng);  // (0.1 is inexact: the order shows in the bits)
      expect_as_plain_loop<double>(narrow, -1.7, rng);
      expect_as_plain_loop<std::uint16_t>(narrow, 1, rng);
    }
}

TEST(AddAt, AllOneTarget) {
  std::vector<std::uint16_t> counts(4, 0);
  const std::vector<std::uint16_t> same(11, 2);
  add_at_batched(counts.data(), same.data(), same.data() + same.size(), 1);
  EXPECT_EQ(counts, (std::vector<std::uint16_t>{0, 0, 11, 0}));
}

TEST(AddAt, PlainLoopForDistinctTargets) {
  std::vector<double> out(6, 1.0);
  const std::vector<std::uint32_t> targets{0, 2, 3, 5};
  add_at(out.data(), targets.data(), targets.data() + targets.size(), 0.5);
  EXPECT_EQ(out, (std::vector<double>{1.5, 1.0, 1.5, 1.5, 1.0, 1.5}));
}

}  // namespace
}  // namespace lapicque::network
