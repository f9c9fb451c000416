// Leaky integrate-and-fire neuron (Lapicque 1907), in three spellings:
//   lif       C_m dV/dt = -g_L (V - E_L) + I                     (I in pA)
//   lif_rm    tau_m dV/dt = E_L - V + R_m I, R_m I given in mV   (seed 003's form)
//   lif_norm  tau_rc dv/dt = -v + J, v_th = 1, reset 0           (seed 002's normalised form)
// When V reaches V_th: a spike, V = V_reset, V held there for t_ref.
#pragma once

#include <cmath>
#include <optional>

#include "models/model_support.hpp"

namespace lapicque::models {

struct Lif {
  struct Params {
    double C_m = 250;         // [pF]
    double g_L = 25;          // [nS]
    double tau_m = 10;        // [ms]
    double E_L = -70;         // [mV]
    double V_th = -55;        // [mV]
    double V_reset = -70;     // [mV]
    double t_ref = 2;         // [ms]
    double V_m = no_default;  // [mV] initial value; default E_L
  };
  static constexpr std::string_view name = "lif";
  static constexpr std::string_view summary = "leaky integrate-and-fire neuron";
  static constexpr std::string_view equations =
      "C_m dV/dt = -g_L (V - E_L) + I; V >= V_th: spike, V = V_reset, held for t_ref";
  static constexpr std::string_view input_unit = "pA";
  static constexpr std::array<Field<Params>, 8> fields{{
      {"C_m", &Params::C_m, "pF", "membrane capacitance (any two of C_m, g_L, tau_m)"},
      {"g_L", &Params::g_L, "nS", "leak conductance"},
      {"tau_m", &Params::tau_m, "ms", "membrane time constant C_m / g_L"},
      {"E_L", &Params::E_L, "mV", "leak reversal (resting) potential"},
      {"V_th", &Params::V_th, "mV", "spike threshold"},
      {"V_reset", &Params::V_reset, "mV", "reset potential after a spike"},
      {"t_ref", &Params::t_ref, "ms", "refractory period: V held at V_reset"},
      {"V_m", &Params::V_m, "mV", "initial membrane potential (default E_L)"},
  }};
  static constexpr int n_state = 1;
  static constexpr std::array<StateInfo, n_state> state{{{"V_m", "mV", "membrane potential"}}};
  static constexpr std::array methods{Method::exact, Method::euler, Method::rk4, Method::adaptive};
  static constexpr bool has_reset = true;

  static Params defaults() { return {}; }

  template <std::size_t N>
  static Params resolve(Params p, const std::array<Field<Params>, N>& table, const Given<N>& given) {
    resolve_membrane(p, table, given);
    finish(p);
    return p;
  }
  static void finish(Params& p) {
    require_finite("E_L", p.E_L, "mV");
    check_threshold_reset(p.V_th, p.V_reset, p.t_ref);
    if (std::isnan(p.V_m)) p.V_m = p.E_L;
    require_finite("V_m", p.V_m, "mV");
  }

  static void check_step(const Params& p, Method method, double dt) {
    check_explicit_step(method, dt, p.tau_m, "tau_m");
  }

  static void initial_state(const Params& p, double* y) { y[0] = p.V_m; }
  static void derivatives(const Params& p, const double* y, double I, double* dy) {
    dy[0] = (-(y[0] - p.E_L) + I / p.g_L) / p.tau_m;
  }
  static double spike_level(const Params& p) { return p.V_th; }
  static double reset_level(const Params& p) { return p.V_reset; }
  static double refractory_period(const Params& p) { return p.t_ref; }
  static void reset(const Params& p, double* y) { y[0] = p.V_reset; }

  // Exact propagation over h [ms] under a constant input.
  static void exact_propagate(const Params& p, double* y, double I, double h) {
    const double V_inf = p.E_L + I * (1 / p.g_L);  // as the vectorised kernel computes it
    y[0] = V_inf + (y[0] - V_inf) * std::exp(-h / p.tau_m);
  }
  // Time after which V, starting at y, reaches V_th under constant I; called only when it does
  // within the step (V(h) >= V_th > V(0)).
  static double exact_crossing(const Params& p, const double* y, double I, double /*h*/) {
    const double V_inf = p.E_L + I / p.g_L;
    return p.tau_m * std::log((V_inf - y[0]) / (V_inf - p.V_th));
  }
  static void exact_clamped(const Params&, double*, double) {}

  // Closed form: t_th = tau_m ln((V_inf - V_reset)/(V_inf - V_th)), rate = 1/(t_ref + t_th).
  static std::optional<double> analytic_rate_hz(const Params& p, double I) {
    const double V_inf = p.E_L + I / p.g_L;
    if (!(V_inf > p.V_th)) return 0.0;
    const double t_th = p.tau_m * std::log((V_inf - p.V_reset) / (V_inf - p.V_th));
    return 1000.0 / (p.t_ref + t_th);
  }
};

// Seed 003: tau_m dV/dt = E_L - V + R_m I with the input given as R_m I in mV. The same
// dynamics as lif with g_L = 1 nS (so an input of x pA moves V_inf by x mV).
struct LifRm : Lif {
  static constexpr std::string_view name = "lif_rm";
  static constexpr std::string_view summary =
      "leaky integrate-and-fire, input given as R_m I in mV (seed 003)";
  static constexpr std::string_view equations =
      "tau_m dV/dt = E_L - V + R_m I; V >= V_th: spike, V = V_reset, held for t_ref";
  static constexpr std::string_view input_unit = "mV";
  static constexpr std::array<Field<Params>, 6> fields{{
      {"tau_m", &Params::tau_m, "ms", "membrane time constant"},
      {"E_L", &Params::E_L, "mV", "leak reversal (resting) potential"},
      {"V_th", &Params::V_th, "mV", "spike threshold"},
      {"V_reset", &Params::V_reset, "mV", "reset potential after a spike"},
      {"t_ref", &Params::t_ref, "ms", "refractory period: V held at V_reset"},
      {"V_m", &Params::V_m, "mV", "initial membrane potential (default E_L)"},
  }};
  static Params defaults() {
    Params p;
    p.t_ref = 0;
    return p;
  }
  template <std::size_t N>
  static Params resolve(Params p, const std::array<Field<Params>, N>&, const Given<N>&) {
    require_positive("tau_m", p.tau_m, "ms", "membrane time constant");
    p.g_L = 1;
    p.C_m = p.tau_m;
    finish(p);
    return p;
  }
};

// Seed 002: the normalised LIF, v_th = 1, v_reset = E_L = 0, R = 1, unitless input J.
// Times stay in ms, rates in Hz: G[J] = 1000 / (tau_ref - tau_rc ln(1 - 1/J)).
struct LifNorm : Lif {
  static constexpr std::string_view name = "lif_norm";
  static constexpr std::string_view summary =
      "normalised leaky integrate-and-fire, v_th = 1, reset 0 (seed 002)";
  static constexpr std::string_view equations =
      "tau_rc dv/dt = -v + J; v >= 1: spike, v = 0, held for tau_ref";
  static constexpr std::string_view input_unit = "1";
  static constexpr std::array<Field<Params>, 3> fields{{
      {"tau_rc", &Params::tau_m, "ms", "membrane (RC) time constant"},
      {"tau_ref", &Params::t_ref, "ms", "refractory period"},
      {"v", &Params::V_m, "1", "initial normalised potential (default 0)"},
  }};
  static Params defaults() {
    Params p;
    p.tau_m = 20;
    p.t_ref = 2;
    return p;
  }
  template <std::size_t N>
  static Params resolve(Params p, const std::array<Field<Params>, N>&, const Given<N>&) {
    require_positive("tau_rc", p.tau_m, "ms", "membrane time constant");
    require_non_negative("tau_ref", p.t_ref, "ms", "refractory period");
    p.g_L = 1;
    p.C_m = p.tau_m;
    p.E_L = 0;
    p.V_reset = 0;
    p.V_th = 1;
    finish(p);
    return p;
  }
};

}  // namespace lapicque::models
