// Hodgkin & Huxley (1952) squid axon, in the modern sign convention (rest near -65 mV) and scaled
// to a 100 pF membrane, so that 1 uA/cm^2 of the textbook is 100 pA (as NEST's hh models).
//   C_m dV/dt = I - g_Na m^3 h (V - E_Na) - g_K n^4 (V - E_K) - g_L (V - E_L)
//   dx/dt = alpha_x(V) (1 - x) - beta_x(V) x,   x = m, h, n
// A spike is an upward crossing of V_spike (0 mV); there is no reset.
#pragma once

#include <cmath>
#include <optional>

#include "models/model_support.hpp"

namespace lapicque::models {

struct Hh {
  struct Params {
    double C_m = 100;       // [pF]
    double g_Na = 12000;    // [nS]
    double g_K = 3600;      // [nS]
    double g_L = 30;        // [nS]
    double E_Na = 50;       // [mV]
    double E_K = -77;       // [mV]
    double E_L = -54.402;   // [mV]
    double V_spike = 0;     // [mV] spike detection level
    double V_m = -65;       // [mV] initial
    double m = no_default;  // initial gates; default steady state at V_m
    double h = no_default;
    double n = no_default;
  };
  static constexpr std::string_view name = "hh";
  static constexpr std::string_view summary = "Hodgkin-Huxley (1952) squid axon, 100 pF membrane";
  static constexpr std::string_view equations =
      "C_m dV/dt = I - g_Na m^3 h (V - E_Na) - g_K n^4 (V - E_K) - g_L (V - E_L); dx/dt = alpha_x (1 - x) - "
      "beta_x x; spike: V crosses V_spike upwards";
  static constexpr std::string_view input_unit = "pA";
  static constexpr std::array<Field<Params>, 12> fields{{
      {"C_m", &Params::C_m, "pF", "membrane capacitance"},
      {"g_Na", &Params::g_Na, "nS", "peak sodium conductance"},
      {"g_K", &Params::g_K, "nS", "peak potassium conductance"},
      {"g_L", &Params::g_L, "nS", "leak conductance"},
      {"E_Na", &Params::E_Na, "mV", "sodium reversal potential"},
      {"E_K", &Params::E_K, "mV", "potassium reversal potential"},
      {"E_L", &Params::E_L, "mV", "leak reversal potential"},
      {"V_spike", &Params::V_spike, "mV", "a spike is an upward crossing of this level"},
      {"V_m", &Params::V_m, "mV", "initial membrane potential"},
      {"m", &Params::m, "1", "initial sodium activation (default steady state at V_m)"},
      {"h", &Params::h, "1", "initial sodium inactivation (default steady state at V_m)"},
      {"n", &Params::n, "1", "initial potassium activation (default steady state at V_m)"},
  }};
  static constexpr int n_state = 4;
  static constexpr std::array<StateInfo, n_state> state{{{"V_m", "mV", "membrane potential"},
                                                         {"m", "1", "sodium activation"},
                                                         {"h", "1", "sodium inactivation"},
                                                         {"n", "1", "potassium activation"}}};
  static constexpr std::array methods{Method::adaptive, Method::rk4, Method::euler};
  static constexpr bool has_reset = false;

  // x / (1 - exp(-x / s)), continuous through x = 0 (value s there).
  static double linoid(double x, double s) {
    return std::abs(x) < 1e-9 * s ? s + x / 2 : x / -std::expm1(-x / s);
  }
  struct Rates {
    double am, bm, ah, bh, an, bn;  // [1/ms]
  };
  static Rates rates(double V) {
    return {0.1 * linoid(V + 40, 10),        4 * std::exp(-(V + 65) / 18),
            0.07 * std::exp(-(V + 65) / 20), 1 / (1 + std::exp(-(V + 35) / 10)),
            0.01 * linoid(V + 55, 10),       0.125 * std::exp(-(V + 65) / 80)};
  }

  static Params defaults() { return {}; }

  template <std::size_t N>
  static Params resolve(Params p, const std::array<Field<Params>, N>& table, const Given<N>&) {
    require_positive("C_m", p.C_m, "pF", "membrane capacitance");
    require_non_negative("g_Na", p.g_Na, "nS", "conductance");
    require_non_negative("g_K", p.g_K, "nS", "conductance");
    require_positive("g_L", p.g_L, "nS", "leak conductance");
    for (const auto& field : table)
      if (field.name.size() > 1) require_finite(field.name, p.*field.member, field.unit);
    const Rates r = rates(p.V_m);
    if (std::isnan(p.m)) p.m = r.am / (r.am + r.bm);
    if (std::isnan(p.h)) p.h = r.ah / (r.ah + r.bh);
    if (std::isnan(p.n)) p.n = r.an / (r.an + r.bn);
    for (auto [key, value] : {std::pair{"m", p.m}, {"h", p.h}, {"n", p.n}})
      require(value >= 0 && value <= 1, key, value, "1", "a gating variable must lie in [0, 1]");
    return p;
  }
  // Forward Euler and RK4 must resolve the sodium current's time constant during a spike
  // (C_m / (g_Na m^3 h) ~ 0.03 ms at the default conductances).
  static void check_step(const Params& p, Method method, double dt) {
    const double tau_fast = std::min(0.25, p.C_m / (0.3 * p.g_Na + p.g_K + p.g_L));
    check_explicit_step(method, dt, tau_fast, "the fastest time constant during a spike");
  }

  static void initial_state(const Params& p, double* y) {
    y[0] = p.V_m;
    y[1] = p.m;
    y[2] = p.h;
    y[3] = p.n;
  }
  static void derivatives(const Params& p, const double* y, double I, double* dy) {
    const double V = y[0], m = y[1], h = y[2], n = y[3];
    const Rates r = rates(V);
    const double n2 = n * n;
    const double i_ion =
        p.g_Na * m * m * m * h * (V - p.E_Na) + p.g_K * n2 * n2 * (V - p.E_K) + p.g_L * (V - p.E_L);
    dy[0] = (I - i_ion) / p.C_m;
    dy[1] = r.am * (1 - m) - r.bm * m;
    dy[2] = r.ah * (1 - h) - r.bh * h;
    dy[3] = r.an * (1 - n) - r.bn * n;
  }
  static double spike_level(const Params& p) { return p.V_spike; }
  static double reset_level(const Params&) { return 0; }
  static double refractory_period(const Params&) { return 0; }
  static void reset(const Params&, double*) {}
  static std::optional<double> analytic_rate_hz(const Params&, double) { return std::nullopt; }
};

}  // namespace lapicque::models
