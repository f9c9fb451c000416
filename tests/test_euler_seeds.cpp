// `euler` reproduces the seeds' programs step for step and converges at first order.
#include <gtest/gtest.h>

#include <cmath>

#include "lapicque/analysis.hpp"
#include "test_support.hpp"

namespace lapicque {
namespace {

using testing::constant_input;
using testing::experiment;

// Seed 003's program, transcribed: v += (e_l - v + r_i) dt / tau_m; v >= v_t: `|`, v = e_l.
TEST(EulerSeeds, Seed003ProgramStepForStep) {
  for (double r_i : {10.0, 16.0, 30.0}) {
    const double e_l = -70, tau_m = 10, v_t = -55, delta_t = 0.1, big_t = 2000;
    std::vector<double> program_v;
    std::vector<bool> program_spike;
    double v = e_l;
    for (double t = 0; t <= big_t; t += delta_t) {
      v += (e_l - v + r_i) * delta_t / tau_m;
      const bool spike = v >= v_t;
      if (spike) v = e_l;
      program_v.push_back(v);
      program_spike.push_back(spike);
    }
    const auto e = experiment("lif_rm", {{"tau_m", tau_m}, {"E_L", e_l}, {"V_th", v_t}, {"V_reset", e_l}},
                              {constant_input(r_i)}, delta_t, big_t, Method::euler);
    const RunResult r = run(e);
    const std::size_t steps = std::min<std::size_t>(program_v.size(), static_cast<std::size_t>(r.steps));
    ASSERT_GE(steps, 20000u);
    std::size_t spike_index = 0, program_spikes = 0;
    for (std::size_t k = 0; k < steps; ++k) {
      ASSERT_NEAR(r.trace.values[0][k + 1], program_v[k], 1e-10) << "r_i " << r_i << " step " << k;
      if (program_spike[k]) {
        ++program_spikes;
        ASSERT_LT(spike_index, r.spikes[0].size());
        const double t = r.spikes[0][spike_index++];
        // Stamped inside the step that the program marks with `|`.
        EXPECT_GT(t, static_cast<double>(k) * delta_t - 1e-12);
        EXPECT_LE(t, static_cast<double>(k + 1) * delta_t + 1e-12);
      }
    }
    EXPECT_EQ(spike_index, program_spikes);
    if (r_i == 10.0)
      EXPECT_EQ(program_spikes, 0u);  // E_L + R I = -60 mV stays below -55 mV
    else {
      EXPECT_GT(program_spikes, 10u);
    }
  }
}

// Seed 004's programs (Neuromatch-style loop), transcribed for LIF, adaptive LIF and AdEx: at each
// grid point a held neuron is set to V_reset; else V >= threshold is a spike, V = V_reset, w += b
// and the hold counter is set to t_ref/dt; then V and w take an Euler step with I sampled there.
struct Seed004 {
  double V_th = -55, V_reset = -75, tau_m = 10, g_L = 10, V_init = -65, E_L = -75, t_ref = 2, T = 400,
         dt = 0.1;
  double Delta_T = 1, a = 6, b = 10, tau_w = 100, V_peak = 0;
};

void seed004_program(const Seed004& p, const std::string& model, const std::vector<double>& I,
                     std::vector<double>& v, std::vector<double>& w) {
  const std::size_t Lt = I.size();
  v.assign(Lt, 0);
  w.assign(Lt, 0);
  v[0] = p.V_init;
  double tr = 0;
  const double level = model == "adex" ? p.V_peak : p.V_th;
  for (std::size_t it = 0; it + 1 < Lt; ++it) {
    if (tr > 0) {
      v[it] = p.V_reset;
      tr = tr - 1;
    } else if (v[it] >= level) {
      v[it] = p.V_reset;
      if (model != "lif") w[it] += p.b;
      tr = p.t_ref / p.dt;
    }
    double drive = -(v[it] - p.E_L) + I[it] / p.g_L;
    if (model != "lif") drive -= w[it] / p.g_L;
    if (model == "adex") drive += p.Delta_T * std::exp((v[it] - p.V_th) / p.Delta_T);
    v[it + 1] = v[it] + drive * (p.dt / p.tau_m);
    w[it + 1] = model == "lif" ? 0 : w[it] + (p.a * (v[it] - p.E_L) - w[it]) * (p.dt / p.tau_w);
  }
}

TEST(EulerSeeds, Seed004ProgramsStepForStep) {
  const Seed004 p;
  const std::vector<std::vector<InputSpec>> inputs{
      {constant_input(300)},
      {{"sine", {{"amplitude", 400.0}, {"angular_frequency", 1.0}, {"offset", 360.0}}}},
      {{"step", {{"start", 100.0}, {"stop", 300.0}, {"amplitude", 300.0}}}},
      {{"ramp", {{"slope", 10.0}}}},
      {{"noise", {{"mean", 250.0}, {"sigma", 50.0}}}},
  };
  for (const std::string model : {"lif", "alif", "adex"}) {
    for (const auto& input : inputs) {
      ParamValues params{{"V_th", p.V_th},  {"V_reset", p.V_reset}, {"tau_m", p.tau_m}, {"g_L", p.g_L},
                         {"V_m", p.V_init}, {"E_L", p.E_L},         {"t_ref", p.t_ref}};
      if (model != "lif") {
        params.insert(params.end(), {{"a", p.a}, {"b", p.b}, {"tau_w", p.tau_w}});
      }
      if (model == "adex") params.insert(params.end(), {{"Delta_T", p.Delta_T}, {"V_peak", p.V_peak}});
      std::vector<std::string> record{"V_m", "I"};
      if (model != "lif") record.push_back("w");
      const RunResult r = run(experiment(model, params, input, p.dt, p.T, Method::euler, record));
      std::vector<double> v, w;
      seed004_program(p, model, r.trace.values[1], v, w);  // the same input samples
      // The program overwrites a spike's grid value with V_reset; lapicque records the state after
      // the step, which is the same value.
      // (The program never checks its last grid point for a spike, so that one is left out.)
      // The two differ only in the order of floating-point operations; AdEx's exponential upswing
      // amplifies those last-digit differences, hence its wider bound.
      const double tolerance = model == "adex" ? 1e-6 : 1e-10;
      for (std::size_t k = 0; k + 1 < v.size(); ++k) {
        ASSERT_NEAR(r.trace.values[0][k], v[k], tolerance)
            << model << " " << input[0].type << " t " << r.trace.t[k];
        if (model != "lif") {
          ASSERT_NEAR(r.trace.values[2][k], w[k], tolerance) << model << " " << input[0].type;
        }
      }
      EXPECT_GT(r.spikes[0].size(), 0u) << model << " " << input[0].type;
    }
  }
}

// Errors of the first spike time and of V at 6 ms against a fine adaptive reference at dt, dt/2,
// dt/4, dt/8: each halving of dt halves the error (first order). (Later spikes also carry the
// reset's grid placement, an O(dt) error that jumps with the fraction of the step.)
TEST(EulerSeeds, ConvergesAtFirstOrder) {
  for (const std::string model : {"lif", "alif"}) {
    const ParamValues params{{"tau_m", 10}, {"g_L", 10},      {"E_L", -75},
                             {"V_th", -55}, {"V_reset", -75}, {"t_ref", 2}};
    const std::vector<InputSpec> input{
        {"sine", {{"amplitude", 100.0}, {"frequency", 20.0}, {"offset", 300.0}}}};
    auto reference = experiment(model, params, input, 0.04, 60, Method::adaptive);
    reference.integration.rtol = 1e-12;
    reference.integration.atol = 1e-12;
    const auto exact = run(reference);
    const double t1 = exact.spikes[0].at(0), V6 = exact.trace.values[0].at(150);
    std::vector<double> spike_errors, voltage_errors;
    for (double dt : {0.04, 0.02, 0.01, 0.005}) {
      const RunResult r = run(experiment(model, params, input, dt, 60, Method::euler));
      spike_errors.push_back(std::abs(r.spikes[0].at(0) - t1));
      voltage_errors.push_back(
          std::abs(r.trace.values[0].at(static_cast<std::size_t>(std::lround(6 / dt))) - V6));
    }
    for (const auto& errors : {spike_errors, voltage_errors}) {
      for (std::size_t k = 1; k < errors.size(); ++k) {
        const double order = std::log2(errors[k - 1] / errors[k]);
        EXPECT_GT(order, 0.85) << model << " errors " << errors[k - 1] << " -> " << errors[k];
        EXPECT_LT(order, 1.15) << model << " errors " << errors[k - 1] << " -> " << errors[k];
      }
    }
  }
}

}  // namespace
}  // namespace lapicque
