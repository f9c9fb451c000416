// The integration methods agree with each other and with closed forms; spikes and refractory
// periods are handled the same way by all of them.
#include <gtest/gtest.h>

#include <cmath>

#include "lapicque/analysis.hpp"
#include "lapicque/error.hpp"
#include "test_support.hpp"

namespace lapicque {
namespace {

using testing::constant_input;
using testing::experiment;

const ParamValues lif_params{{"tau_m", 10}, {"g_L", 25},      {"E_L", -70},
                             {"V_th", -55}, {"V_reset", -68}, {"t_ref", 2}};

TEST(Methods, Rk4AndAdaptiveLocateLifSpikesLikeTheClosedForm) {
  const auto exact = run(experiment("lif", lif_params, {constant_input(600)}, 0.1, 300, Method::exact, {}));
  const auto rk4 = run(experiment("lif", lif_params, {constant_input(600)}, 0.1, 300, Method::rk4, {}));
  auto tight = experiment("lif", lif_params, {constant_input(600)}, 0.1, 300, Method::adaptive, {});
  tight.integration.rtol = 1e-11;
  tight.integration.atol = 1e-11;
  const auto adaptive = run(tight);
  ASSERT_GT(exact.spikes[0].size(), 10u);
  ASSERT_EQ(rk4.spikes[0].size(), exact.spikes[0].size());
  ASSERT_EQ(adaptive.spikes[0].size(), exact.spikes[0].size());
  for (std::size_t k = 0; k < exact.spikes[0].size(); ++k) {
    EXPECT_NEAR(rk4.spikes[0][k], exact.spikes[0][k], 1e-6);
    EXPECT_NEAR(adaptive.spikes[0][k], exact.spikes[0][k], 1e-8);
  }
}

TEST(Methods, Rk4ConvergesAtFourthOrder) {
  const std::vector<InputSpec> input{
      {"sine", {{"amplitude", 200.0}, {"frequency", 25.0}, {"offset", 500.0}}}};
  ParamValues params = lif_params;
  params.insert(params.end(), {{"a", 1}, {"b", 10}, {"tau_w", 50}});
  auto reference = experiment("alif", params, input, 0.1, 80, Method::adaptive, {});
  reference.integration.rtol = 1e-13;
  reference.integration.atol = 1e-13;
  const double t4 = run(reference).spikes[0].at(3);
  std::vector<double> errors;
  for (double dt : {0.4, 0.2, 0.1})
    errors.push_back(
        std::abs(run(experiment("alif", params, input, dt, 80, Method::rk4, {})).spikes[0].at(3) - t4));
  for (std::size_t k = 1; k < errors.size(); ++k) {
    const double order = std::log2(errors[k - 1] / errors[k]);
    EXPECT_GT(order, 3.5) << errors[k - 1] << " -> " << errors[k];
    EXPECT_LT(order, 4.6) << errors[k - 1] << " -> " << errors[k];
  }
}

TEST(Methods, AlifExactAgreesWithTightAdaptive) {
  const ParamValues params{{"C_m", 200},   {"g_L", 10}, {"E_L", -70}, {"V_th", -50}, {"V_reset", -58},
                           {"t_ref", 1.5}, {"a", 2},    {"b", 60},    {"tau_w", 120}};
  const auto exact =
      run(experiment("alif", params, {constant_input(500)}, 0.1, 500, Method::exact, {"V_m", "w"}));
  auto tight = experiment("alif", params, {constant_input(500)}, 0.1, 500, Method::adaptive, {"V_m", "w"});
  tight.integration.rtol = 1e-12;
  tight.integration.atol = 1e-12;
  const auto adaptive = run(tight);
  ASSERT_GT(exact.spikes[0].size(), 5u);
  ASSERT_EQ(adaptive.spikes[0].size(), exact.spikes[0].size());
  for (std::size_t k = 0; k < exact.spikes[0].size(); ++k)
    EXPECT_NEAR(adaptive.spikes[0][k], exact.spikes[0][k], 1e-8);
  for (std::size_t k = 0; k < exact.trace.t.size(); ++k) {
    ASSERT_NEAR(adaptive.trace.values[0][k], exact.trace.values[0][k], 1e-7);
    ASSERT_NEAR(adaptive.trace.values[1][k], exact.trace.values[1][k], 1e-7);
  }
}

TEST(Methods, AlifExactHandlesOscillatoryAndRealEigenvalues) {
  // a large: complex eigenvalues (damped subthreshold oscillation); a = 0: the plain LIF.
  for (double a : {0.0, 1.0, 50.0}) {
    const ParamValues params{{"C_m", 200}, {"g_L", 10},    {"E_L", -70}, {"V_th", 0},
                             {"a", a},     {"tau_w", 100}, {"w", 30}};
    const auto exact =
        run(experiment("alif", params, {constant_input(100)}, 0.5, 200, Method::exact, {"V_m", "w"}));
    auto tight = experiment("alif", params, {constant_input(100)}, 0.5, 200, Method::adaptive, {"V_m", "w"});
    tight.integration.rtol = 1e-12;
    tight.integration.atol = 1e-12;
    const auto adaptive = run(tight);
    for (std::size_t k = 0; k < exact.trace.t.size(); ++k) {
      ASSERT_NEAR(adaptive.trace.values[0][k], exact.trace.values[0][k], 1e-8) << "a " << a;
      ASSERT_NEAR(adaptive.trace.values[1][k], exact.trace.values[1][k], 1e-8) << "a " << a;
    }
  }
}

TEST(Methods, RefractoryClampIsExactForEveryMethod) {
  for (Method method : {Method::exact, Method::rk4, Method::adaptive}) {
    const double t_ref = 3.33;
    ParamValues params = lif_params;
    params.back() = {"t_ref", t_ref};
    const auto r = run(experiment("alif", params, {constant_input(900)}, 0.1, 100, method, {"V_m"}));
    ASSERT_GT(r.spikes[0].size(), 3u);
    for (std::size_t k = 0; k < r.trace.t.size(); ++k)
      for (double spike : r.spikes[0])
        if (r.trace.t[k] >= spike && r.trace.t[k] <= spike + t_ref) {
          ASSERT_EQ(r.trace.values[0][k], -68);
        }
    for (std::size_t k = 1; k < r.spikes[0].size(); ++k)
      EXPECT_GT(r.spikes[0][k] - r.spikes[0][k - 1], t_ref);
  }
}

TEST(Methods, AdexWithZeroSlopeIsExactlyAlif) {
  const ParamValues params{{"C_m", 250}, {"g_L", 16.7}, {"E_L", -70}, {"V_th", -55}, {"V_reset", -60},
                           {"t_ref", 2}, {"a", 3},      {"b", 20},    {"tau_w", 100}};
  ParamValues adex_params = params;
  adex_params.emplace_back("Delta_T", 0);
  const std::vector<InputSpec> input{constant_input(200),
                                     {"step", {{"start", 50.0}, {"stop", 150.0}, {"amplitude", 250.0}}}};
  for (Method method : {Method::exact, Method::euler, Method::rk4, Method::adaptive}) {
    const auto alif = run(experiment("alif", params, input, 0.01, 200, method, {"V_m", "w"}));
    const auto adex = run(experiment("adex", adex_params, input, 0.01, 200, method, {"V_m", "w"}));
    ASSERT_GT(alif.spikes[0].size(), 2u);
    EXPECT_EQ(adex.spikes[0], alif.spikes[0]) << method_name(method);
    EXPECT_EQ(adex.trace.values, alif.trace.values) << method_name(method);
  }
}

TEST(Methods, Rk4StageBeyondPeakDoesNotPoisonAdaptation) {
  // V_peak = 0 with RK4 at a coarse step: a stage overshoots far past V_peak; w must stay sane and
  // the neuron must keep firing at the rate the adaptive method finds.
  const ParamValues params{{"C_m", 200},  {"g_L", 10},      {"E_L", -70}, {"V_th", -50}, {"Delta_T", 2},
                           {"V_peak", 0}, {"V_reset", -58}, {"a", 2},     {"b", 0},      {"tau_w", 30}};
  const auto rk4 =
      run(experiment("adex", params, {constant_input(500)}, 0.1, 1000, Method::rk4, {"V_m", "w"}));
  const auto adaptive =
      run(experiment("adex", params, {constant_input(500)}, 0.1, 1000, Method::adaptive, {}));
  const double rk4_rate = spike_statistics(rk4.spikes[0], 500, 1000).rate_hz;
  const double reference_rate = spike_statistics(adaptive.spikes[0], 500, 1000).rate_hz;
  EXPECT_GT(reference_rate, 10);
  EXPECT_NEAR(rk4_rate, reference_rate, 0.05 * reference_rate);
  for (double w : rk4.trace.values[1]) ASSERT_LT(std::abs(w), 1000);
}

TEST(Methods, AdaptiveAndFineRk4AgreeForHodgkinHuxley) {
  const auto adaptive = run(experiment("hh", {}, {constant_input(1000)}, 0.1, 100, Method::adaptive, {}));
  const auto rk4 = run(experiment("hh", {}, {constant_input(1000)}, 0.005, 100, Method::rk4, {}));
  ASSERT_GT(adaptive.spikes[0].size(), 4u);
  ASSERT_EQ(rk4.spikes[0].size(), adaptive.spikes[0].size());
  for (std::size_t k = 0; k < rk4.spikes[0].size(); ++k)
    EXPECT_NEAR(rk4.spikes[0][k], adaptive.spikes[0][k], 1e-5);
}

TEST(Methods, IzhikevichPresetsFire) {
  for (const auto& [a, b, c, d] : {std::tuple{0.02, 0.2, -65.0, 8.0}, std::tuple{0.1, 0.2, -65.0, 2.0}}) {
    const auto r = run(experiment("izhikevich", {{"a", a}, {"b", b}, {"c", c}, {"d", d}},
                                  {constant_input(10)}, 0.1, 500, Method::adaptive, {"V_m", "U_m"}));
    EXPECT_GT(r.spikes[0].size(), 5u);
    for (double v : r.trace.values[0]) ASSERT_LE(v, 30);
  }
}

TEST(Methods, ExplicitMethodsRefuseAnUnstableStep) {
  EXPECT_THROW(validate(experiment("lif", lif_params, {}, 12, 100, Method::euler)), ParameterError);
  EXPECT_THROW(validate(experiment("lif", lif_params, {}, 30, 100, Method::rk4)), ParameterError);
  EXPECT_NO_THROW(validate(experiment("lif", lif_params, {}, 30, 100, Method::exact)));
  EXPECT_THROW(validate(experiment("hh", {}, {}, 0.1, 100, Method::euler)), ParameterError);
  EXPECT_THROW(validate(experiment("adex", {}, {}, 0.1, 100, Method::exact)), ParameterError);
}

}  // namespace
}  // namespace lapicque
