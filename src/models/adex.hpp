// Adaptive exponential integrate-and-fire neuron (Brette & Gerstner 2005).
//   C_m dV/dt = -g_L (V - E_L) + g_L Delta_T exp((V - V_th)/Delta_T) - w + I
//   tau_w dw/dt = a (V - E_L) - w
//   V >= V_peak: spike, V = V_reset, w += b, V held for t_ref.
// Inside a step V may overshoot V_peak (an RK4 stage can reach 1e20 mV); the exponential and
// dw/dt see min(V, V_peak) so that such a stage cannot poison w. With Delta_T = 0 the model is
// exactly alif: no exponential, spike at V_th (as NEST's aeif models do).
#pragma once

#include <algorithm>
#include <cmath>

#include "models/alif.hpp"

namespace lapicque::models {

struct Adex : Alif {
  static constexpr std::string_view name = "adex";
  static constexpr std::string_view summary =
      "adaptive exponential integrate-and-fire neuron (Brette & Gerstner 2005)";
  static constexpr std::string_view equations =
      "C_m dV/dt = -g_L (V - E_L) + g_L Delta_T exp((V - V_th)/Delta_T) - w + I; tau_w dw/dt = a (V - E_L) - "
      "w; "
      "V >= V_peak: spike, V = V_reset, w += b, V held for t_ref";
  static constexpr std::array<Field<Params>, 14> fields{{
      {"C_m", &Params::C_m, "pF", "membrane capacitance (any two of C_m, g_L, tau_m)"},
      {"g_L", &Params::g_L, "nS", "leak conductance"},
      {"tau_m", &Params::tau_m, "ms", "membrane time constant C_m / g_L"},
      {"E_L", &Params::E_L, "mV", "leak reversal (resting) potential"},
      {"V_th", &Params::V_th, "mV", "exponential threshold V_T (spike level when Delta_T = 0)"},
      {"Delta_T", &Params::Delta_T, "mV", "slope factor of the exponential; 0 gives alif"},
      {"V_peak", &Params::V_peak, "mV", "spike detection level (used when Delta_T > 0)"},
      {"V_reset", &Params::V_reset, "mV", "reset potential after a spike"},
      {"t_ref", &Params::t_ref, "ms", "refractory period: V held at V_reset"},
      {"a", &Params::a, "nS", "subthreshold adaptation coupling"},
      {"b", &Params::b, "pA", "spike-triggered adaptation increment of w"},
      {"tau_w", &Params::tau_w, "ms", "adaptation time constant"},
      {"V_m", &Params::V_m, "mV", "initial membrane potential (default E_L)"},
      {"w", &Params::w, "pA", "initial adaptation current"},
  }};
  // exact only where Delta_T = 0 (checked in check_step)
  static constexpr std::array methods{Method::adaptive, Method::rk4, Method::euler, Method::exact};

  static Params defaults() { return {}; }

  template <std::size_t N>
  static Params resolve(Params p, const std::array<Field<Params>, N>& table, const Given<N>& given) {
    resolve_membrane(p, table, given);
    finish_adaptation(p);
    require_non_negative("Delta_T", p.Delta_T, "mV", "slope factor");
    require_finite("V_th", p.V_th, "mV");
    if (p.Delta_T > 0) {
      require_finite("V_peak", p.V_peak, "mV");
      require(p.V_peak > p.V_th, "V_peak", p.V_peak, "mV", [&] {
        return "must be > V_th = " + format_double(p.V_th) +
               " mV (spikes are detected above the exponential threshold)";
      });
      check_threshold_reset(p.V_peak, p.V_reset, p.t_ref, "V_peak");
    } else {
      check_threshold_reset(p.V_th, p.V_reset, p.t_ref);
    }
    return p;
  }

  static void check_step(const Params& p, Method method, double dt) {
    if (method == Method::exact && p.Delta_T > 0)
      throw ParameterError(
          "method", "\"exact\"",
          "adex has no closed form when Delta_T > 0; use \"adaptive\" (default), \"rk4\" or \"euler\"");
    Alif::check_step(p, method, dt);
  }

  static void derivatives(const Params& p, const double* y, double I, double* dy) {
    if (p.Delta_T > 0) {
      const double V = std::min(y[0], p.V_peak);  // guard against overshooting stages
      const double spike_drive = p.Delta_T * std::exp((V - p.V_th) / p.Delta_T);  // [mV]
      dy[0] = (-(y[0] - p.E_L) + spike_drive + (I - y[1]) / p.g_L) / p.tau_m;
      dy[1] = (p.a * (V - p.E_L) - y[1]) / p.tau_w;
    } else {
      Alif::derivatives(p, y, I, dy);
    }
  }
  static double spike_level(const Params& p) { return p.Delta_T > 0 ? p.V_peak : p.V_th; }
};

}  // namespace lapicque::models
