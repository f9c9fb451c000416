#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "network/spike_record.hpp"

namespace lapicque::network {
namespace {

std::vector<NetworkSpike> numbered(std::size_t first, std::size_t n) {
  std::vector<NetworkSpike> out;
  for (std::size_t k = first; k < first + n; ++k) out.push_back({static_cast<std::uint32_t>(k), 0.1 * k});
  return out;
}

// Appends of every size, across the chunks' ends (4,096 spikes, then doubling): every spike once,
// in the order appended.
TEST(SpikeRecord, KeepsEverySpikeInOrderAcrossChunks) {
  SpikeRecord record;
  std::size_t total = 0;
  for (std::size_t n : {0, 1, 4094, 2, 3, 8191, 1, 70000, 131072, 5}) {
    record.append(numbered(total, n));
    total += n;
    EXPECT_EQ(record.size(), total);
  }
  std::vector<NetworkSpike> out{{7, 7.0}};  // appended after what is there
  record.append_to(out);
  ASSERT_EQ(out.size(), total + 1);
  EXPECT_EQ(out[0].neuron, 7u);
  for (std::size_t k = 0; k < total; ++k) {
    ASSERT_EQ(out[k + 1].neuron, k) << k;
    ASSERT_EQ(out[k + 1].t, 0.1 * k) << k;
  }
}

TEST(SpikeRecord, EmptyRecordAppendsNothing) {
  SpikeRecord record;
  record.append({});
  std::vector<NetworkSpike> out;
  record.append_to(out);
  EXPECT_EQ(record.size(), 0u);
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace lapicque::network
