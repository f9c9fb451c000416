// The LIF against its closed forms: subthreshold trajectory, first-spike time, steady rate.
#include <gtest/gtest.h>

#include <cmath>

#include "lapicque/analysis.hpp"
#include "lapicque/model.hpp"
#include "test_support.hpp"

namespace lapicque {
namespace {

using testing::constant_input;
using testing::experiment;
using testing::relative;

TEST(LifClosedForm, SubthresholdTrajectoryMatchesToANanovolt) {
  // V(t) = V_inf + (V0 - V_inf) exp(-t/tau_m), V_inf = E_L + I/g_L, threshold out of reach.
  for (double dt : {0.1, 0.37, 1.0}) {
    const double tau = 10, g_L = 25, E_L = -70, V0 = -80, I = 200;
    const auto e = experiment("lif", {{"tau_m", tau}, {"g_L", g_L}, {"E_L", E_L}, {"V_th", 100}, {"V_m", V0}},
                              {constant_input(I)}, dt, 500, Method::exact);
    const RunResult r = run(e);
    const double V_inf = E_L + I / g_L;
    ASSERT_EQ(r.trace.t.size(), static_cast<std::size_t>(r.steps + 1));
    for (std::size_t k = 0; k < r.trace.t.size(); ++k)
      ASSERT_NEAR(r.trace.values[0][k], V_inf + (V0 - V_inf) * std::exp(-r.trace.t[k] / tau), 1e-9)
          << "dt " << dt << " t " << r.trace.t[k];
  }
}

TEST(LifClosedForm, NestDcAccuracyCase) {
  // NEST's iaf_ps_dc_accuracy: E_L 0, V(0) 0, I 1000 pA, tau_m 10 ms, C_m 250 pF.
  const auto e =
      experiment("lif", {{"tau_m", 10}, {"C_m", 250}, {"E_L", 0}, {"V_reset", 0}, {"V_th", 1e6}, {"V_m", 0}},
                 {constant_input(1000)}, 0.1, 500, Method::exact);
  const RunResult r = run(e);
  const auto at = [&](double t) { return r.trace.values[0][static_cast<std::size_t>(std::lround(t / 0.1))]; };
  const double V_inf = 1000.0 / 25.0;
  EXPECT_NEAR(at(5), V_inf * (1 - std::exp(-0.5)), 1e-13);
  EXPECT_NEAR(at(500), V_inf * (1 - std::exp(-50.0)), 1e-9);
  // First spike with V_th = 15: t* = -tau_m ln(1 - C_m V_th / (tau_m I)).
  auto spiking = e;
  spiking.neuron.back() = {"V_m", 0};
  spiking.neuron[4] = {"V_th", 15};
  const RunResult s = run(spiking);
  ASSERT_FALSE(s.spikes[0].empty());
  EXPECT_LT(relative(s.spikes[0][0], -10 * std::log(1 - 250 * 15 / (10 * 1000.0))), 1e-12);
}

// First-spike time from V(0) = E_L and the steady rate with V_reset != E_L, for currents from just
// above rheobase to far above it, at two grid steps.
TEST(LifClosedForm, FirstSpikeAndRateToRelativeNanoPrecision) {
  const double tau = 10, g_L = 25, E_L = -70, V_th = -55, V_reset = -65, t_ref = 2;
  const double rheobase = g_L * (V_th - E_L);
  for (double dt : {0.1, 0.25}) {
    for (double factor : {1 + 1e-7, 1 + 1e-5, 1 + 1e-3, 1.01, 1.1, 1.5, 2.0, 5.0, 20.0, 200.0}) {
      const double I = rheobase * factor;
      const double V_inf = E_L + I / g_L;
      const double first = tau * std::log((V_inf - E_L) / (V_inf - V_th));
      const double rate = lif_rate_hz(I, g_L, tau, E_L, V_th, V_reset, t_ref);
      const double isi = 1000 / rate;
      const double duration = std::ceil((first + 4 * isi + 1) / dt) * dt;
      const auto e =
          experiment("lif",
                     {{"tau_m", tau},
                      {"g_L", g_L},
                      {"E_L", E_L},
                      {"V_th", V_th},
                      {"V_reset", V_reset},
                      {"t_ref", t_ref}},
                     {constant_input(I)}, dt, duration, Method::exact,
                     // Without a recording the population leaps from spike to spike; with one it steps.
                     dt == 0.1 ? std::vector<std::string>{} : std::vector<std::string>{"V_m"});
      const RunResult r = run(e);
      const auto& spikes = r.spikes[0];
      ASSERT_GE(spikes.size(), 4u) << "I = " << I;
      EXPECT_LT(relative(spikes[0], first), 1e-9) << "I = " << I << " dt " << dt;
      for (std::size_t k = 1; k < spikes.size(); ++k)
        EXPECT_LT(relative(spikes[k] - spikes[k - 1], isi), 1e-9)
            << "I = " << I << " dt " << dt << " ISI " << k;
      const SpikeStatistics stats = spike_statistics(spikes, spikes[0], r.duration);
      EXPECT_LT(relative(stats.isi_rate_hz, rate), 1e-9);
      const auto analytic = find_model("lif")->analytic_rate_hz(e.neuron, I);
      ASSERT_TRUE(analytic.has_value());
      EXPECT_LT(relative(*analytic, rate), 1e-12);
    }
  }
}

TEST(LifClosedForm, BelowRheobaseNeverFires) {
  const double rheobase = 25 * 15.0;
  const auto e = experiment("lif", {{"tau_m", 10}, {"g_L", 25}}, {constant_input(rheobase * (1 - 1e-9))}, 0.1,
                            2000, Method::exact, {});
  EXPECT_TRUE(run(e).spikes[0].empty());
  EXPECT_EQ(*find_model("lif")->analytic_rate_hz(e.neuron, rheobase), 0.0);
}

TEST(LifClosedForm, VoltageHeldAtResetForExactlyTheRefractoryPeriod) {
  const double t_ref = 2.05;  // not a multiple of dt
  const auto e = experiment("lif", {{"tau_m", 10}, {"g_L", 25}, {"t_ref", t_ref}, {"V_reset", -72}},
                            {constant_input(800)}, 0.1, 100, Method::exact);
  const RunResult r = run(e);
  ASSERT_GE(r.spikes[0].size(), 3u);
  for (std::size_t k = 0; k < r.trace.t.size(); ++k) {
    const double t = r.trace.t[k];
    for (double spike : r.spikes[0]) {
      if (t >= spike && t <= spike + t_ref) {
        ASSERT_EQ(r.trace.values[0][k], -72) << "t " << t;
      }
      if (t > spike + t_ref && t < spike + t_ref + 0.1) {
        const double expected = -72 + (-70 + 32 + 72) * -std::expm1(-(t - spike - t_ref) / 10);
        ASSERT_NEAR(r.trace.values[0][k], expected, 1e-9) << "released at t " << t;
      }
    }
  }
}

TEST(LifClosedForm, NormalisedLifMatchesSeed002ResponseCurve) {
  for (double tau_rc : {20.0, 50.0}) {
    for (double tau_ref : {1.0, 2.0, 5.0}) {
      for (double J : {1.05, 1.5, 2.0, 4.0, 10.0}) {
        const auto e = experiment("lif_norm", {{"tau_rc", tau_rc}, {"tau_ref", tau_ref}}, {constant_input(J)},
                                  0.1, 2000, Method::exact, {});
        const RunResult r = run(e);
        ASSERT_GE(r.spikes[0].size(), 3u);
        const SpikeStatistics s = spike_statistics(r.spikes[0], r.spikes[0][0], r.duration);
        EXPECT_LT(relative(s.isi_rate_hz, lif_rate_normalised_hz(J, tau_rc, tau_ref)), 1e-9)
            << tau_rc << " " << tau_ref << " " << J;
      }
    }
  }
}

}  // namespace
}  // namespace lapicque
