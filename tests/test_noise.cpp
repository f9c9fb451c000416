// Noisy input: reproducible by seed and thread count, statistics independent of dt.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>

#include "lapicque/analysis.hpp"
#include "test_support.hpp"

namespace lapicque {
namespace {

using testing::experiment;

const ParamValues lif{{"tau_m", 10}, {"g_L", 25},      {"E_L", -70},
                      {"V_th", -55}, {"V_reset", -70}, {"t_ref", 2}};

Experiment noisy(double dt, std::uint64_t seed, double duration = 2000, double mean = 300) {
  auto e = experiment("lif", lif, {{"noise", {{"mean", mean}, {"sigma", 300.0}}}}, dt, duration,
                      Method::exact, {});
  e.seed = seed;
  return e;
}

TEST(Noise, SameSeedSameSpikesOtherSeedOtherSpikes) {
  const auto a = run(noisy(0.1, 11)), b = run(noisy(0.1, 11)), c = run(noisy(0.1, 12));
  ASSERT_GT(a.spikes[0].size(), 10u);
  EXPECT_EQ(a.spikes, b.spikes);
  EXPECT_NE(a.spikes, c.spikes);
}

TEST(Noise, IdenticalForAnyNumberOfThreads) {
  const std::vector<double> offsets(300, 20.0);
  auto e = noisy(0.1, 5, 500);
  e.inputs.push_back({"ou", {{"sigma", 50.0}, {"tau", 3.0}}});
  const int before = omp_get_max_threads();
  omp_set_num_threads(1);
  const auto one = run(e, offsets.size(), offsets);
  omp_set_num_threads(2);
  const auto two = run(e, offsets.size(), offsets);
  omp_set_num_threads(3);
  const auto three = run(e, offsets.size(), offsets);
  omp_set_num_threads(before);
  EXPECT_EQ(one.spikes, two.spikes);
  EXPECT_EQ(one.spikes, three.spikes);
  // Neurons draw independent noise.
  EXPECT_NE(one.spikes[0], one.spikes[1]);
}

// Rate and CV of 200 noise-driven neurons at two steps agree within their statistical error, in
// the mean-driven regime. (Where crossings are driven by the fluctuations, a grid method misses
// crossings between grid points and the rate is low by O(sqrt(dt/tau_m)); see HACKING.md.)
TEST(Noise, RateAndCvAgreeAcrossDt) {
  const std::size_t neurons = 200;
  const std::vector<double> none(neurons, 0.0);
  std::vector<double> rate_mean, rate_se, cv_mean, cv_se;
  for (double dt : {0.1, 0.05}) {
    const auto r = run(noisy(dt, 21, 5000, 450), neurons, none);
    std::vector<double> rates, cvs;
    for (const auto& spikes : r.spikes) {
      const auto s = spike_statistics(spikes, 0, r.duration);
      rates.push_back(s.rate_hz);
      cvs.push_back(s.cv);
    }
    for (auto [values, mean, se] :
         {std::tuple{&rates, &rate_mean, &rate_se}, std::tuple{&cvs, &cv_mean, &cv_se}}) {
      double m = 0, v = 0;
      for (double x : *values) m += x;
      m /= static_cast<double>(neurons);
      for (double x : *values) v += (x - m) * (x - m);
      v /= static_cast<double>(neurons - 1);
      mean->push_back(m);
      se->push_back(std::sqrt(v / static_cast<double>(neurons)));
    }
  }
  EXPECT_GT(rate_mean[0], 5);
  EXPECT_GT(cv_mean[0], 0.3);
  EXPECT_LT(std::abs(rate_mean[0] - rate_mean[1]), 4 * std::hypot(rate_se[0], rate_se[1]))
      << rate_mean[0] << " vs " << rate_mean[1];
  EXPECT_LT(std::abs(cv_mean[0] - cv_mean[1]), 4 * std::hypot(cv_se[0], cv_se[1]))
      << cv_mean[0] << " vs " << cv_mean[1];
}

}  // namespace
}  // namespace lapicque
