// Naud, Marcille, Clopath & Gerstner (2008), "Firing patterns in the adaptive exponential
// integrate-and-fire model": the eight patterns, with the parameters of Brian2's example of the
// paper (shared/reference.md) and its protocol: the current on from t = 0 for 600 ms.
#include "lapicque/catalog.hpp"

namespace lapicque {

namespace {

NaudPattern pattern(std::string label, double C, double g_L, double E_L, double a, double tau_w, double b,
                    double V_r, double I, std::size_t spikes, double first) {
  return {std::move(label),
          {{"C_m", C},
           {"g_L", g_L},
           {"E_L", E_L},
           {"a", a},
           {"tau_w", tau_w},
           {"b", b},
           {"V_reset", V_r},
           {"Delta_T", 2},
           {"V_th", -50},
           {"V_peak", 0},
           {"t_ref", 0}},
          I,
          spikes,
          first};
}

}  // namespace

Experiment NaudPattern::experiment(Method method, double dt, double duration) const {
  Experiment e;
  e.model = "adex";
  e.neuron = params;
  e.inputs = {{"constant", {{"amplitude", current}}}};
  e.integration.dt = dt;
  e.integration.method = method;
  e.method_given = true;
  e.duration = duration;
  e.record.variables = {"V_m", "w", "I"};
  return e;
}

std::vector<NaudPattern> naud_2008_patterns() {
  //               label                       C    g_L  E_L  a    tau_w b    V_r  I    Brian2: spikes, first
  return {pattern("tonic", 200, 10, -70, 2, 30, 0, -58, 500, 60, 14.4),
          pattern("adapting", 200, 12, -70, 2, 300, 60, -58, 500, 12, 15.1),
          pattern("initial burst", 130, 18, -58, 4, 150, 120, -50, 400, 12, 5.7),
          pattern("regular bursting", 200, 10, -58, 2, 120, 100, -46, 210, 11, 16.4),
          pattern("delayed accelerating", 200, 12, -70, -10, 300, 0, -58, 300, 45, 33.8),
          pattern("delayed regular bursting", 100, 10, -65, -10, 90, 30, -47, 110, 32, 57.5),
          pattern("transient", 100, 10, -65, 10, 90, 100, -47, 180, 1, 30.4),
          pattern("irregular", 100, 12, -60, -11, 130, 30, -48, 160, 33, 15.9)};
}

}  // namespace lapicque
