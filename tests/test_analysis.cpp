// Spike statistics, rate functions, f-I curves and rheobase.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <tuple>

#include "lapicque/analysis.hpp"
#include "lapicque/error.hpp"
#include "test_support.hpp"

namespace lapicque {
namespace {

using testing::experiment;

TEST(Analysis, RegularTrain) {
  const std::vector<double> spikes{5, 15, 25, 35, 45};
  const auto s = spike_statistics(spikes, 0, 100);
  EXPECT_EQ(s.count, 5u);
  EXPECT_DOUBLE_EQ(s.rate_hz, 50);
  EXPECT_DOUBLE_EQ(s.mean_isi_ms, 10);
  EXPECT_DOUBLE_EQ(s.isi_rate_hz, 100);
  EXPECT_DOUBLE_EQ(s.cv, 0);
  EXPECT_DOUBLE_EQ(s.first_spike_ms, 5);
  EXPECT_DOUBLE_EQ(s.adaptation_index, 0);
}

TEST(Analysis, AdaptingTrainAndWindow) {
  const std::vector<double> spikes{10, 20, 40, 80, 160};
  const auto s = spike_statistics(spikes, 0, 200);
  EXPECT_NEAR(s.adaptation_index, 1.0 / 3.0, 1e-12);  // each ISI doubles: (2-1)/(2+1)
  EXPECT_NEAR(s.cv,
              std::sqrt(((10 - 37.5) * (10 - 37.5) + (20 - 37.5) * (20 - 37.5) + (40 - 37.5) * (40 - 37.5) +
                         (80 - 37.5) * (80 - 37.5)) /
                        3) /
                  37.5,
              1e-12);
  const auto late = spike_statistics(spikes, 30, 200);
  EXPECT_EQ(late.count, 3u);
  EXPECT_DOUBLE_EQ(late.first_spike_ms, 10);
  const auto none = spike_statistics({}, 0, 100);
  EXPECT_EQ(none.count, 0u);
  EXPECT_TRUE(std::isnan(none.mean_isi_ms));
  EXPECT_TRUE(std::isnan(none.first_spike_ms));
}

TEST(Analysis, RateNonlinearities) {
  EXPECT_EQ(relu(-2), 0);
  EXPECT_EQ(relu(3), 3);
  EXPECT_NEAR(softplus(0), std::log(2.0), 1e-15);
  EXPECT_NEAR(softplus(800), 800, 1e-12);  // no overflow
  EXPECT_NEAR(softplus(-800), 0, 1e-300);
  EXPECT_EQ(logistic(0), 0.5);
  EXPECT_NEAR(logistic(-800), 0, 1e-300);
  EXPECT_NEAR(tanh_rate(1), std::tanh(1.0), 1e-15);
  EXPECT_EQ(lif_rate_normalised_hz(1, 20, 2), 0);
  EXPECT_NEAR(lif_rate_normalised_hz(2, 20, 2), 1000 / (2 + 20 * std::log(2.0)), 1e-9);
  // The general LIF rate reduces to G[J] with E_L = V_reset = 0, V_th = 1, g_L = 1.
  for (double J : {1.1, 2.0, 7.0})
    EXPECT_NEAR(lif_rate_hz(J, 1, 20, 0, 1, 0, 2), lif_rate_normalised_hz(J, 20, 2), 1e-9);
}

TEST(Analysis, FiCurveOfLifHasTheClosedFormBesideIt) {
  const auto e = experiment(
      "lif", {{"tau_m", 10}, {"g_L", 10}, {"E_L", -75}, {"V_th", -55}, {"V_reset", -75}, {"t_ref", 2}},
      {{"constant", {{"amplitude", 1e6}}}}, 0.1, 1000, Method::exact);
  const auto currents = current_range(0, 600, 25);
  ASSERT_EQ(currents.size(), 25u);
  const auto points = fi_curve(e, currents, 100);
  for (const auto& p : points) {
    ASSERT_TRUE(p.analytic_hz.has_value());
    if (p.current <= 200)
      EXPECT_EQ(p.spikes, 0u) << p.current;  // rheobase g_L (V_th - E_L) = 200 pA
    else {
      EXPECT_NEAR(p.rate_hz, *p.analytic_hz, 1e-9 * *p.analytic_hz) << p.current;
    }
  }
  const auto adex =
      fi_curve(experiment("adex", {}, {}, 0.1, 300, Method::adaptive), current_range(0, 1000, 500), 0);
  EXPECT_FALSE(adex.front().analytic_hz.has_value());
  EXPECT_GT(adex.back().rate_hz, 0);
}

// A summarised run keeps of each neuron what run()'s spike times give: the count, first and last
// spike at or after the time, and the first of all; for noisy AdEx (stepped in blocks of neurons)
// and LIF under constant currents (leaping).
TEST(Analysis, SummarisedRunsSummariseTheSpikesOfRun) {
  const ParamValues adex{{"C_m", 281}, {"g_L", 30},    {"E_L", -70.6}, {"V_th", -50.4},    {"Delta_T", 2},
                         {"a", 4},     {"tau_w", 144}, {"b", 80.5},    {"V_reset", -70.6}, {"V_peak", 0}};
  std::vector<double> currents(300);
  for (std::size_t i = 0; i < currents.size(); ++i) currents[i] = 2.5 * static_cast<double>(i);
  for (const auto& e : {testing::experiment("adex", adex, {{"noise", {{"mean", 300.0}, {"sigma", 200.0}}}},
                                            0.1, 400, Method::euler, {}),
                        testing::experiment("lif", {}, {}, 0.1, 400, Method::exact, {})}) {
    const RunResult whole = run(e, currents.size(), currents);
    for (double from : {0.0, 123.4}) {
      std::vector<SpikeSummary> summaries;
      const RunResult summarised = run_summarized(e, currents.size(), currents, from, summaries);
      ASSERT_EQ(summaries.size(), currents.size());
      EXPECT_TRUE(summarised.spikes.empty());
      std::size_t firing = 0;
      for (std::size_t i = 0; i < currents.size(); ++i) {
        const auto& t = whole.spikes[i];
        const auto at = std::lower_bound(t.begin(), t.end(), from);
        const SpikeSummary& s = summaries[i];
        ASSERT_EQ(s.count, static_cast<std::size_t>(t.end() - at)) << e.model << " neuron " << i;
        if (s.count > 0) {
          ++firing;
          EXPECT_EQ(s.first, *at);
          EXPECT_EQ(s.last, t.back());
        } else {
          EXPECT_TRUE(std::isnan(s.first) && std::isnan(s.last));
        }
        if (t.empty())
          EXPECT_TRUE(std::isnan(s.first_of_all));
        else
          EXPECT_EQ(s.first_of_all, t.front());
      }
      EXPECT_GT(firing, 100u) << e.model;
      EXPECT_LT(firing, currents.size()) << e.model;
    }
  }
}

TEST(Analysis, CurrentRangesAreTheDecimalsMeant) {
  const auto js = current_range(-0.3, 5, 0.1);
  ASSERT_EQ(js.size(), 54u);
  EXPECT_EQ(js[3], 0.0);
  EXPECT_EQ(js[31], 2.8);
  EXPECT_EQ(js.back(), 5.0);
  EXPECT_EQ(current_range(0, 999, 1).size(), 1000u);
  // Every value is the double nearest to its decimal, whatever the step's binary rounding.
  for (const auto& [from, to, step, digits] :
       std::vector<std::tuple<double, double, double, int>>{{-0.3, 5, 0.1, 1},
                                                            {12.5, 400, 2.5, 1},
                                                            {0.001, 0.05, 0.0007, 4},
                                                            {-1000, 1000, 0.01, 2},
                                                            {1e-20, 5e-20, 1e-21, -1}}) {
    const auto values = current_range(from, to, step);
    for (std::size_t k = 0; k < values.size(); ++k) {
      const double meant = from + static_cast<double>(k) * step;
      const std::string text =
          digits >= 0 ? fmt::format("{:.{}f}", meant, digits) : fmt::format("{:.15g}", meant);
      EXPECT_EQ(values[k], std::strtod(text.c_str(), nullptr)) << from << " + " << k << " x " << step;
    }
  }
  EXPECT_THROW(current_range(0, 10, 0), ParameterError);
  EXPECT_THROW(current_range(10, 0, 1), ParameterError);
}

TEST(Analysis, RheobaseOfLif) {
  const auto e = experiment("lif", {{"tau_m", 10}, {"g_L", 25}, {"E_L", -70}, {"V_th", -55}}, {}, 0.1, 1000,
                            Method::exact, {});
  const auto found = rheobase(e, 0, 1000, 0.01);
  ASSERT_TRUE(found.has_value());
  // Within a finite window the neuron needs slightly more than g_L (V_th - E_L) = 375 pA.
  EXPECT_GE(*found, 375);
  EXPECT_LT(*found, 375.05);
}

}  // namespace
}  // namespace lapicque
