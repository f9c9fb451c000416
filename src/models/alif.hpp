// Adaptive leaky integrate-and-fire neuron (seed 004): LIF plus an adaptation current w.
//   tau_m dV/dt = -(V - E_L) - w / g_L + I / g_L
//   tau_w dw/dt = a (V - E_L) - w
//   V >= V_th: spike, V = V_reset, w += b, V held for t_ref (w keeps evolving with V = V_reset).
// The subthreshold dynamics are linear, so `exact` propagates them in closed form (2x2 matrix
// exponential).
#pragma once

#include <cmath>
#include <optional>

#include "core/root_finding.hpp"
#include "models/model_support.hpp"

namespace lapicque::models {

// Parameters shared by alif and adex (Brette & Gerstner 2005 defaults).
struct AdaptiveParams {
  double C_m = 281;             // [pF]
  double g_L = 30;              // [nS]
  double tau_m = 281.0 / 30.0;  // [ms]
  double E_L = -70.6;           // [mV]
  double V_th = -50.4;          // [mV] alif: spike threshold; adex: exponential threshold V_T
  double Delta_T = 2;           // [mV] adex only
  double V_peak = 0;            // [mV] adex only: spike detection level
  double V_reset = -70.6;       // [mV]
  double t_ref = 0;             // [ms]
  double a = 4;                 // [nS]
  double b = 80.5;              // [pA]
  double tau_w = 144;           // [ms]
  double V_m = no_default;      // [mV] initial; default E_L
  double w = 0;                 // [pA] initial
};

// Eigen-decomposition-free exponential of the 2x2 alif system matrix: e^{A h} = e^{mu h}
// (C I + S (A - mu I)), mu = trace/2, with C, S from cosh/sinh, cos/sin or the degenerate limit.
struct Propagator2 {
  double p00, p01, p10, p11;
};

struct Alif {
  using Params = AdaptiveParams;
  static constexpr std::string_view name = "alif";
  static constexpr std::string_view summary = "adaptive leaky integrate-and-fire neuron (seed 004)";
  static constexpr std::string_view equations =
      "tau_m dV/dt = -(V - E_L) - w/g_L + I/g_L; tau_w dw/dt = a (V - E_L) - w; V >= V_th: spike, V = "
      "V_reset, w += b, V held for t_ref";
  static constexpr std::string_view input_unit = "pA";
  static constexpr std::array<Field<Params>, 12> fields{{
      {"C_m", &Params::C_m, "pF", "membrane capacitance (any two of C_m, g_L, tau_m)"},
      {"g_L", &Params::g_L, "nS", "leak conductance"},
      {"tau_m", &Params::tau_m, "ms", "membrane time constant C_m / g_L"},
      {"E_L", &Params::E_L, "mV", "leak reversal (resting) potential"},
      {"V_th", &Params::V_th, "mV", "spike threshold"},
      {"V_reset", &Params::V_reset, "mV", "reset potential after a spike"},
      {"t_ref", &Params::t_ref, "ms", "refractory period: V held at V_reset"},
      {"a", &Params::a, "nS", "subthreshold adaptation coupling"},
      {"b", &Params::b, "pA", "spike-triggered adaptation increment of w"},
      {"tau_w", &Params::tau_w, "ms", "adaptation time constant"},
      {"V_m", &Params::V_m, "mV", "initial membrane potential (default E_L)"},
      {"w", &Params::w, "pA", "initial adaptation current"},
  }};
  static constexpr int n_state = 2;
  static constexpr std::array<StateInfo, n_state> state{
      {{"V_m", "mV", "membrane potential"}, {"w", "pA", "adaptation current"}}};
  static constexpr std::array methods{Method::exact, Method::euler, Method::rk4, Method::adaptive};
  static constexpr bool has_reset = true;

  static Params defaults() {
    Params p;
    p.Delta_T = 0;
    return p;
  }

  template <std::size_t N>
  static Params resolve(Params p, const std::array<Field<Params>, N>& table, const Given<N>& given) {
    resolve_membrane(p, table, given);
    finish_adaptation(p);
    check_threshold_reset(p.V_th, p.V_reset, p.t_ref);
    return p;
  }
  static void finish_adaptation(Params& p) {
    require_finite("E_L", p.E_L, "mV");
    require_finite("a", p.a, "nS");
    require_finite("b", p.b, "pA");
    require_positive("tau_w", p.tau_w, "ms", "adaptation time constant");
    if (std::isnan(p.V_m)) p.V_m = p.E_L;
    require_finite("V_m", p.V_m, "mV");
    require_finite("w", p.w, "pA");
  }

  // The fastest linear time constant of the (V, w) system [ms].
  static double fastest_time_constant(const Params& p) {
    const double trace = -(1 / p.tau_m + 1 / p.tau_w);
    const double det = (1 + p.a / p.g_L) / (p.tau_m * p.tau_w);
    const double mu = trace / 2, disc = mu * mu - det;
    const double largest = disc >= 0 ? std::abs(mu) + std::sqrt(disc) : std::sqrt(std::abs(det));
    return 1 / largest;
  }
  static void check_step(const Params& p, Method method, double dt) {
    // The closed form needs the fixed point V* = E_L + I / (g_L + a).
    if (method == Method::exact)
      require(p.a > -p.g_L, "a", p.a, "nS", [&] {
        return "must be > -g_L = " + format_double(-p.g_L) +
               " nS for method \"exact\" (at and below it the subthreshold system has no stable fixed "
               "point); "
               "use \"adaptive\"";
      });
    check_explicit_step(method, dt, fastest_time_constant(p), "the fastest time constant of (V, w)");
  }

  static void initial_state(const Params& p, double* y) {
    y[0] = p.V_m;
    y[1] = p.w;
  }
  static void derivatives(const Params& p, const double* y, double I, double* dy) {
    dy[0] = (-(y[0] - p.E_L) + (I - y[1]) / p.g_L) / p.tau_m;
    dy[1] = (p.a * (y[0] - p.E_L) - y[1]) / p.tau_w;
  }
  static double spike_level(const Params& p) { return p.V_th; }
  static double reset_level(const Params& p) { return p.V_reset; }
  static double refractory_period(const Params& p) { return p.t_ref; }
  static void reset(const Params& p, double* y) {
    y[0] = p.V_reset;
    y[1] += p.b;
  }

  static Propagator2 propagator(const Params& p, double h) {
    const double a00 = -1 / p.tau_m, a01 = -1 / (p.g_L * p.tau_m);
    const double a10 = p.a / p.tau_w, a11 = -1 / p.tau_w;
    const double mu = (a00 + a11) / 2, det = a00 * a11 - a01 * a10;
    const double disc = mu * mu - det;
    double c, s;  // C(h) and S(h)
    if (disc > 0) {
      const double r = std::sqrt(disc);
      c = std::cosh(r * h);
      s = r * h < 1e-4 ? h * (1 + (r * h) * (r * h) / 6) : std::sinh(r * h) / r;
    } else if (disc < 0) {
      const double r = std::sqrt(-disc);
      c = std::cos(r * h);
      s = r * h < 1e-4 ? h * (1 - (r * h) * (r * h) / 6) : std::sin(r * h) / r;
    } else {
      c = 1;
      s = h;
    }
    const double e = std::exp(mu * h);
    return {e * (c + s * (a00 - mu)), e * s * a01, e * s * a10, e * (c + s * (a11 - mu))};
  }
  // Fixed point (V*, w*) under constant I: V* = E_L + I / (g_L + a), w* = a (V* - E_L).
  static std::pair<double, double> fixed_point(const Params& p, double I) {
    const double x = I / (p.g_L + p.a);
    return {p.E_L + x, p.a * x};
  }
  static void exact_propagate(const Params& p, double* y, double I, double h) {
    apply_propagator(p, propagator(p, h), y, I);
  }
  // The same with the propagator of h computed beforehand (the stepper keeps the one of dt).
  static void apply_propagator(const Params& p, const Propagator2& m, double* y, double I) {
    const auto [V_star, w_star] = fixed_point(p, I);
    const double dv = y[0] - V_star, dw = y[1] - w_star;
    y[0] = V_star + m.p00 * dv + m.p01 * dw;
    y[1] = w_star + m.p10 * dv + m.p11 * dw;
  }
  // First time in (0, h] at which V reaches V_th; called when V(0) < V_th <= V(h).
  static double exact_crossing(const Params& p, const double* y, double I, double h) {
    auto excess = [&](double tau) {
      double z[2] = {y[0], y[1]};
      exact_propagate(p, z, I, tau);
      return z[0] - p.V_th;
    };
    return core::find_crossing(excess, 0.0, h, y[0] - p.V_th, excess(h));
  }
  // V held at V_reset for h: w relaxes exactly towards a (V_reset - E_L).
  static void exact_clamped(const Params& p, double* y, double h) {
    const double w_target = p.a * (p.V_reset - p.E_L);
    y[1] = w_target + (y[1] - w_target) * std::exp(-h / p.tau_w);
  }

  static std::optional<double> analytic_rate_hz(const Params&, double) { return std::nullopt; }
};

}  // namespace lapicque::models
