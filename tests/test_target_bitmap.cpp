// A dense projection's bitmap: the counts it adds for a step's sources are, target by target,
// how many of those sources it connects, for any number of sources (one chunk of up to 255 or
// several), any thread's range of targets (starting on a word, ending anywhere), and nothing is
// written outside the range.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "network/target_bitmap.hpp"

namespace lapicque::network {
namespace {

TEST(TargetBitmap, AddsHowManyOfTheSourcesConnectToEachTarget) {
  constexpr std::size_t sources = 700, targets = 1000;  // 1000 = 15 words and 40 bits
  std::mt19937 rng(11);
  std::vector<std::vector<char>> connected(sources, std::vector<char>(targets, 0));
  TargetBitmap bitmap(sources, targets);
  for (std::size_t s = 0; s < sources; ++s) {
    // densities from none to all, so that counts fill every bit plane
    std::bernoulli_distribution draw(static_cast<double>(s % 11) / 10.0);
    for (std::size_t i = 0; i < targets; ++i)
      if (draw(rng)) {
        connected[s][i] = 1;
        bitmap.set(s, i);
      }
  }
  for (std::size_t s = 0; s < sources; ++s)
    for (std::size_t i = 0; i < targets; ++i) ASSERT_EQ(bitmap.test(s, i), connected[s][i] != 0);

  std::vector<const std::uint64_t*> scratch;
  std::uniform_int_distribution<std::uint32_t> pick(0, sources - 1);
  std::uniform_int_distribution<int> start(0, 1000);
  const std::vector<std::pair<std::size_t, std::size_t>> ranges = {
      {0, 1000}, {0, 64}, {64, 320}, {256, 1000}, {960, 1000}, {128, 130}, {512, 999}, {0, 0}};
  for (const std::size_t n : {0, 1, 2, 3, 7, 8, 15, 16, 63, 64, 127, 128, 255, 256, 300, 511, 700})
    for (const auto& [begin, end] : ranges) {
      std::vector<std::uint32_t> sent(n);
      for (auto& s : sent) s = pick(rng);
      std::vector<std::uint16_t> count(targets + 64), expected;
      for (auto& c : count) c = static_cast<std::uint16_t>(start(rng));
      expected = count;
      for (std::size_t i = begin; i < end; ++i)
        for (const auto s : sent) expected[i] = static_cast<std::uint16_t>(expected[i] + connected[s][i]);
      bitmap.add_counts(sent.data(), sent.size(), begin, end, count.data(), scratch);
      for (std::size_t i = 0; i < count.size(); ++i)
        ASSERT_EQ(count[i], expected[i])
            << n << " sources, targets [" << begin << ", " << end << "), target " << i;
    }
}

// A source sent twice in a step (which a population never does) counts twice.
TEST(TargetBitmap, ARowGivenTwiceCountsTwice) {
  TargetBitmap bitmap(2, 130);
  bitmap.set(0, 5);
  bitmap.set(0, 129);
  bitmap.set(1, 5);
  std::vector<std::uint16_t> count(192, 0);
  std::vector<const std::uint64_t*> scratch;
  const std::vector<std::uint32_t> sent = {0, 1, 0};
  bitmap.add_counts(sent.data(), sent.size(), 0, 130, count.data(), scratch);
  EXPECT_EQ(count[5], 3);
  EXPECT_EQ(count[129], 2);
  EXPECT_EQ(count[6], 0);
}

}  // namespace
}  // namespace lapicque::network
