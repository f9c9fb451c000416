// Izhikevich (2003) simple model, with the generalised coefficients that the variants of
// Izhikevich (2004)'s 20 features need:
//   dv/dt = k2 v^2 + k1 v + k0 - u + I        (k2, k1, k0 = 0.04, 5, 140)
//   du/dt = a (b (v - v_u) - u_decay u)       (v_u = 0, u_decay = 1)
//   v >= V_peak: spike, v = c, u += d.
// As in the paper (and NEST), I enters dv/dt as it is. `euler` follows the paper's programs:
// v first, then u from the new v.
#pragma once

#include <cmath>
#include <optional>
#include <string_view>

#include "models/model_support.hpp"

namespace lapicque::models {

struct Izhikevich {
  struct Params {
    double a = 0.02;          // [1/ms] recovery rate
    double b = 0.2;           // [1] sensitivity of u to v
    double c = -65;           // [mV] reset
    double d = 8;             // [pA] jump of u at a spike
    double k2 = 0.04;         // [1/(mV ms)]
    double k1 = 5;            // [1/ms]
    double k0 = 140;          // [mV/ms]
    double v_u = 0;           // [mV] offset of v in du/dt
    double u_decay = 1;       // [1] weight of -u in du/dt (0 for the accommodation variant)
    double V_peak = 30;       // [mV] spike cut-off
    double V_m = -65;         // [mV] initial v
    double U_m = no_default;  // [pA] initial u; default b (V_m - v_u)
  };
  static constexpr std::string_view name = "izhikevich";
  static constexpr std::string_view summary = "Izhikevich (2003) simple spiking model";
  static constexpr std::string_view equations =
      "dv/dt = k2 v^2 + k1 v + k0 - u + I; du/dt = a (b (v - v_u) - u_decay u); v >= V_peak: spike, v = c, u "
      "+= d";
  static constexpr std::string_view input_unit = "pA";
  static constexpr std::array<Field<Params>, 12> fields{{
      {"a", &Params::a, "1/ms", "time scale of the recovery variable u"},
      {"b", &Params::b, "1", "sensitivity of u to v"},
      {"c", &Params::c, "mV", "reset value of v after a spike"},
      {"d", &Params::d, "pA", "increment of u at a spike"},
      {"k2", &Params::k2, "1/(mV ms)", "quadratic coefficient of dv/dt"},
      {"k1", &Params::k1, "1/ms", "linear coefficient of dv/dt"},
      {"k0", &Params::k0, "mV/ms", "constant term of dv/dt"},
      {"v_u", &Params::v_u, "mV", "offset of v in du/dt"},
      {"u_decay", &Params::u_decay, "1", "weight of -u in du/dt (1; 0 for the accommodation variant)"},
      {"V_peak", &Params::V_peak, "mV", "spike cut-off"},
      {"V_m", &Params::V_m, "mV", "initial membrane potential v"},
      {"U_m", &Params::U_m, "pA", "initial recovery variable u (default b (V_m - v_u))"},
  }};
  struct Preset {
    std::string_view name, meaning;
    double a, b, c, d;
  };
  // Izhikevich (2003), figure 2.
  static constexpr std::array<Preset, 7> presets{{
      {"RS", "regular spiking", 0.02, 0.2, -65, 8},
      {"IB", "intrinsically bursting", 0.02, 0.2, -55, 4},
      {"CH", "chattering", 0.02, 0.2, -50, 2},
      {"FS", "fast spiking", 0.1, 0.2, -65, 2},
      {"LTS", "low-threshold spiking", 0.02, 0.25, -65, 2},
      {"TC", "thalamo-cortical", 0.02, 0.25, -65, 0.05},
      {"RZ", "resonator", 0.1, 0.26, -65, 2},
  }};
  static constexpr int n_state = 2;
  static constexpr std::array<StateInfo, n_state> state{
      {{"V_m", "mV", "membrane potential v"}, {"U_m", "pA", "recovery variable u"}}};
  static constexpr std::array methods{Method::adaptive, Method::euler, Method::rk4};
  static constexpr bool has_reset = true;

  static Params defaults() { return {}; }

  template <std::size_t N>
  static Params resolve(Params p, const std::array<Field<Params>, N>& table, const Given<N>&) {
    for (const auto& field : table)
      if (field.member != &Params::U_m) require_finite(field.name, p.*field.member, field.unit);
    require(p.V_peak > p.c, "c", p.c, "mV", [&] {
      return "must be < V_peak = " + format_double(p.V_peak) +
             " mV (the reset must lie below the spike cut-off)";
    });
    require_finite("V_m", p.V_m, "mV");
    if (std::isnan(p.U_m)) p.U_m = p.b * (p.V_m - p.v_u);
    require_finite("U_m", p.U_m, "pA");
    return p;
  }
  static void check_step(const Params&, Method, double) {}

  static void initial_state(const Params& p, double* y) {
    y[0] = p.V_m;
    y[1] = p.U_m;
  }
  static void derivatives(const Params& p, const double* y, double I, double* dy) {
    const double v = std::min(y[0], p.V_peak);  // an overshooting stage must not blow up u
    dy[0] = (p.k2 * y[0] + p.k1) * y[0] + p.k0 - y[1] + I;
    dy[1] = p.a * (p.b * (v - p.v_u) - p.u_decay * y[1]);
  }
  // The paper's scheme: v advanced first, u then advanced from the new v.
  static void euler_step(const Params& p, double* y, double I, double h) {
    y[0] += h * ((p.k2 * y[0] + p.k1) * y[0] + p.k0 - y[1] + I);
    y[1] += h * p.a * (p.b * (y[0] - p.v_u) - p.u_decay * y[1]);
  }
  static double spike_level(const Params& p) { return p.V_peak; }
  static double reset_level(const Params& p) { return p.c; }
  static double refractory_period(const Params&) { return 0; }
  static void reset(const Params& p, double* y) {
    y[0] = p.c;
    y[1] += p.d;
  }
  static std::optional<double> analytic_rate_hz(const Params&, double) { return std::nullopt; }
};

}  // namespace lapicque::models
