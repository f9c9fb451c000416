// Naud et al. (2008)'s eight AdEx firing patterns, each named by the classifier, with Brian2's
// example protocol (current on from t = 0 for 600 ms, Euler at 0.1 ms, spike at V > 0 mV, no
// refractory period) and with lapicque's default adaptive method.
#include <gtest/gtest.h>

#include "lapicque/analysis.hpp"
#include "test_support.hpp"

namespace lapicque {
namespace {

using testing::constant_input;
using testing::experiment;

struct Pattern {
  std::string label;
  double C, g_L, E_L, a, tau_w, b, V_r, I;
  std::size_t brian2_spikes;  // Brian2 2.5.1, Euler, dt 0.1 ms
  double brian2_first;        // [ms], stamped at the start of the step
};

// Parameters of Brian2's example of the paper (shared/reference.md); Delta_T 2 mV, V_T -50 mV.
const std::vector<Pattern> patterns{
    {"tonic", 200, 10, -70, 2, 30, 0, -58, 500, 60, 14.4},
    {"adapting", 200, 12, -70, 2, 300, 60, -58, 500, 12, 15.1},
    {"initial burst", 130, 18, -58, 4, 150, 120, -50, 400, 12, 5.7},
    {"regular bursting", 200, 10, -58, 2, 120, 100, -46, 210, 11, 16.4},
    {"delayed accelerating", 200, 12, -70, -10, 300, 0, -58, 300, 45, 33.8},
    {"delayed regular bursting", 100, 10, -65, -10, 90, 30, -47, 110, 32, 57.5},
    {"transient", 100, 10, -65, 10, 90, 100, -47, 180, 1, 30.4},
    {"irregular", 100, 12, -60, -11, 130, 30, -48, 160, 33, 15.9},
};

ParamValues params_of(const Pattern& p) {
  return {{"C_m", p.C},       {"g_L", p.g_L}, {"E_L", p.E_L}, {"a", p.a},    {"tau_w", p.tau_w}, {"b", p.b},
          {"V_reset", p.V_r}, {"Delta_T", 2}, {"V_th", -50},  {"V_peak", 0}, {"t_ref", 0}};
}

TEST(FiringPatterns, NaudPatternsWithBrian2sProtocol) {
  for (const auto& p : patterns) {
    const auto r = run(experiment("adex", params_of(p), {constant_input(p.I)}, 0.1, 600, Method::euler, {}));
    EXPECT_EQ(classify_firing_pattern(r.spikes[0], 0, 600), p.label);
    // The same spikes as Brian2's example, each inside the step Brian2 stamps it with.
    EXPECT_EQ(r.spikes[0].size(), p.brian2_spikes) << p.label;
    ASSERT_FALSE(r.spikes[0].empty());
    EXPECT_GT(r.spikes[0][0], p.brian2_first - 1e-9) << p.label;
    EXPECT_LE(r.spikes[0][0], p.brian2_first + 0.1 + 1e-9) << p.label;
  }
}

TEST(FiringPatterns, NaudPatternsWithTheAdaptiveMethod) {
  for (const auto& p : patterns) {
    const auto r =
        run(experiment("adex", params_of(p), {constant_input(p.I)}, 0.1, 600, Method::adaptive, {}));
    EXPECT_EQ(classify_firing_pattern(r.spikes[0], 0, 600), p.label);
  }
}

TEST(FiringPatterns, NaudPatternsAfterAQuietLeadIn) {
  // The current switched on at 100 ms and off at 700 ms: the classifier looks at that window.
  for (const auto& p : patterns) {
    const auto r = run(experiment("adex", params_of(p),
                                  {{"step", {{"start", 100.0}, {"stop", 700.0}, {"amplitude", p.I}}}}, 0.05,
                                  800, Method::adaptive, {}));
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
