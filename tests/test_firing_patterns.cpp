// Naud et al. (2008)'s eight AdEx firing patterns (src/catalog/naud_2008.cpp), each named by the
// classifier, with Brian2's example protocol (current on from t = 0 for 600 ms, Euler at 0.1 ms, spike at V >
// 0 mV, no refractory period) and with lapicque's default adaptive method.
#include <gtest/gtest.h>

#include "lapicque/analysis.hpp"
#include "lapicque/catalog.hpp"

namespace lapicque {
namespace {

TEST(FiringPatterns, NaudPatternsWithBrian2sProtocol) {
  for (const auto& p : naud_2008_patterns()) {
    const auto r = run(p.experiment(Method::euler));
    EXPECT_EQ(classify_firing_pattern(r.spikes[0], 0, 600), p.label);
    // The same spikes as Brian2's example, each inside the step Brian2 stamps it with.
    EXPECT_EQ(r.spikes[0].size(), p.brian2_spikes) << p.label;
    ASSERT_FALSE(r.spikes[0].empty());
    EXPECT_GT(r.spikes[0][0], p.brian2_first_ms - 1e-9) << p.label;
    EXPECT_LE(r.spikes[0][0], p.brian2_first_ms + 0.1 + 1e-9) << p.label;
  }
}

TEST(FiringPatterns, NaudPatternsWithTheAdaptiveMethod) {
  for (const auto& p : naud_2008_patterns()) {
    const auto r = run(p.experiment(Method::adaptive));
    EXPECT_EQ(classify_firing_pattern(r.spikes[0], 0, 600), p.label);
  }
}

TEST(FiringPatterns, NaudPatternsAfterAQuietLeadIn) {
  // The current switched on at 100 ms and off at 700 ms: the classifier looks at that window.
  for (const auto& p : naud_2008_patterns()) {
    Experiment e = p.experiment(Method::adaptive, 0.05, 800);
    e.inputs = {{"step", {{"start", 100.0}, {"stop", 700.0}, {"amplitude", p.current}}}};
    const auto r = run(e);
    EXPECT_EQ(classify_firing_pattern(r.spikes[0], 100, 700), p.label);
  }
}

TEST(FiringPatterns, SyntheticTrains) {
  EXPECT_EQ(classify_firing_pattern({}, 0, 100), "silent");
  EXPECT_EQ(classify_firing_pattern(std::vector<double>{5, 9, 14}, 0, 100), "transient");
  std::vector<double> tonic, adapting, bursting;
  for (int k = 0; k < 50; ++k) tonic.push_back(10 + 10 * k);
  EXPECT_EQ(classify_firing_pattern(tonic, 0, 500), "tonic");
  double t = 5, isi = 5;
  while (t < 500) {
    adapting.push_back(t);
    t += isi;
    isi = std::min(isi * 1.5, 60.0);
  }
  EXPECT_EQ(classify_firing_pattern(adapting, 0, 500), "adapting");
  for (int burst = 0; burst < 10; ++burst)
    for (int k = 0; k < 3; ++k) bursting.push_back(10 + 50 * burst + 3 * k);
  EXPECT_EQ(classify_firing_pattern(bursting, 0, 500), "regular bursting");
}

}  // namespace
}  // namespace lapicque
