// Published cases: the parameters and protocols of papers that users reproduce and that the
// tests check against (Izhikevich 2004's twenty features, Naud et al. 2008's eight AdEx firing
// patterns). One place for each, read by the tests, the Python module and the report.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "lapicque/experiment.hpp"

namespace lapicque {

// One panel of Izhikevich (2004), figure 1, with the parameters and protocol of its figure1.m.
struct IzhikevichFeature {
  char panel;        // 'A' .. 'T'
  std::string name;  // "tonic spiking", ...
  double a, b, c, d;
  double V_m;       // [mV] initial
  double dt;        // [ms] figure1.m's step (divided by `refine`)
  double duration;  // [ms]
  std::vector<InputSpec> inputs;
  ParamValues variant;                // the quadratic or recovery variant, where the panel uses one
  std::size_t figure_spikes;          // spikes in figure1.m
  std::vector<double> figure_stamps;  // [ms] figure1.m's stamps (start of the step), where listed
  Experiment experiment() const;      // izhikevich, euler at dt, recording V_m and I
  Experiment experiment_with(const IzhikevichFeature& neuron) const;  // this protocol, that neuron
};

// The twenty features; `refine` divides figure1.m's step (the protocols follow the finer grid).
std::vector<IzhikevichFeature> izhikevich_2004_features(int refine = 1);

// One of Naud et al. (2008)'s AdEx firing patterns with the parameters of Brian2's example of
// the paper: Delta_T 2 mV, V_T -50 mV, V_peak 0 mV, no refractory period, current on from t = 0.
struct NaudPattern {
  std::string label;  // the classifier's name of the pattern: "tonic", "adapting", ...
  ParamValues params;
  double current;             // [pA]
  std::size_t brian2_spikes;  // Brian2 2.5.1, Euler at 0.1 ms, 600 ms
  double brian2_first_ms;     // [ms] Brian2's first spike (start of the step)
  Experiment experiment(Method method = Method::euler, double dt = 0.1, double duration = 600) const;
};

std::vector<NaudPattern> naud_2008_patterns();

}  // namespace lapicque
