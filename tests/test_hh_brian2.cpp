// Hodgkin-Huxley spike times and rheobase against Brian2 at dt = 1 us (tests/data/README.md).
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "csv_reader.hpp"
#include "lapicque/analysis.hpp"
#include "test_support.hpp"

namespace lapicque {
namespace {

using testing::constant_input;
using testing::experiment;

TEST(HodgkinHuxleyBrian2, SpikeTimesUnderConstantCurrents) {
  auto data = testing::read_csv(LAPICQUE_TEST_DATA "/hh_brian2_spikes.csv");
  std::map<double, std::vector<double>> expected;
  for (std::size_t k = 0; k < data["I_pA"].size(); ++k) expected[data["I_pA"][k]].push_back(data["t_ms"][k]);
  ASSERT_GE(expected.size(), 8u);
  for (const auto& [current, times] : expected) {
    const auto r = run(experiment("hh", {}, {constant_input(current)}, 0.01, 100, Method::adaptive, {}));
    ASSERT_EQ(r.spikes[0].size(), times.size()) << current << " pA";
    for (std::size_t k = 0; k < times.size(); ++k)
      EXPECT_NEAR(r.spikes[0][k], times[k], 1e-4) << current << " pA";
  }
}

TEST(HodgkinHuxleyBrian2, Rheobase) {
  auto data = testing::read_csv(LAPICQUE_TEST_DATA "/hh_brian2_rheobase.csv");
  for (std::size_t k = 0; k < data["I_pA"].size(); ++k) {
    const double duration = data["duration_ms"][k], tolerance = data["tolerance_pA"][k];
    const auto min_spikes = static_cast<std::size_t>(data["min_spikes"][k]);
    const auto e = experiment("hh", {}, {}, 0.1, duration, Method::adaptive, {});
    const auto found = rheobase(e, 0, 2000, tolerance / 4, min_spikes);
    ASSERT_TRUE(found.has_value());
    // Brian2's threshold lies in (I - tolerance, I].
    EXPECT_GT(*found, data["I_pA"][k] - tolerance - 0.005) << min_spikes;
    EXPECT_LE(*found, data["I_pA"][k] + 0.005) << min_spikes;
  }
}

}  // namespace
}  // namespace lapicque
