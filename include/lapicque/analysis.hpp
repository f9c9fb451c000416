// Spike-train statistics, firing-rate curves and the rate nonlinearities of seed 002.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "lapicque/experiment.hpp"

namespace lapicque {

// Statistics of the spikes inside [t_start, t_stop] [ms]; NaN where undefined.
struct SpikeStatistics {
  std::size_t count = 0;
  double rate_hz = 0;         // count / window
  double mean_isi_ms = 0;     // NaN with fewer than 2 spikes
  double isi_rate_hz = 0;     // 1000 / mean ISI (steady rate); count rate with fewer than 2 spikes
  double cv = 0;              // std(ISI) / mean(ISI); NaN with fewer than 3 spikes
  double first_spike_ms = 0;  // latency of the first spike after t_start; NaN without spikes
  double adaptation_index =
      0;  // mean (ISI_{k+1} - ISI_k) / (ISI_{k+1} + ISI_k); NaN with fewer than 3 spikes
  std::vector<double> isi_ms;
};

SpikeStatistics spike_statistics(std::span<const double> spikes_ms, double t_start_ms, double t_stop_ms);

// Rate nonlinearities of seed 002 (unitless in, unitless out), and the LIF response curve.
double relu(double j);
double softplus(double j);
double logistic(double j);
double tanh_rate(double j);
// Seed 002's G[J] = 1 / (tau_ref - tau_rc ln(1 - 1/J)) for J > 1, else 0. Times in ms, result in Hz.
double lif_rate_normalised_hz(double j, double tau_rc_ms, double tau_ref_ms);
// The general closed form for a LIF with V_reset != E_L [Hz]:
// 1 / (t_ref + tau_m ln((V_inf - V_reset) / (V_inf - V_th))), V_inf = E_L + I / g_L > V_th.
double lif_rate_hz(double current_pA, double g_L_nS, double tau_m_ms, double E_L_mV, double V_th_mV,
                   double V_reset_mV, double t_ref_ms);

// The firing pattern of a spike train under a step of current on [t_on, t_off] [ms], from spike
// times only (the eight patterns of Naud et al. 2008, and tonic/adapting/bursting in general):
// "silent", "transient", "unclassified", "regular bursting", "delayed regular bursting",
// "irregular", "initial burst", "adapting", "accelerating", "delayed accelerating", "tonic".
// The rules and thresholds are in docs/analysis.md.
std::string classify_firing_pattern(std::span<const double> spikes_ms, double t_on_ms, double t_off_ms);

struct FiPoint {
  double current = 0;        // [input unit of the model]
  double rate_hz = 0;        // steady rate: 1000 / mean ISI after the skip (count rate with < 2 spikes)
  double count_rate_hz = 0;  // spikes after the skip / window
  std::size_t spikes = 0;
  double first_spike_ms = 0;
  std::optional<double> analytic_hz;  // closed form, where the model has one
};

// The experiment's neuron under each constant current in turn (its inputs replaced), all
// simulated at once as one population spread over the cores.
std::vector<FiPoint> fi_curve(const Experiment& experiment, std::span<const double> currents, double skip_ms,
                              const ProgressCallback& progress = {});

// Currents from `from` to `to` inclusive in steps of `step` (checked: step > 0, to >= from).
std::vector<double> current_range(double from, double to, double step);

// The smallest constant current that gives at least `min_spikes` spikes within the experiment's
// duration, to within `tolerance`, searched in [low, high].
std::optional<double> rheobase(const Experiment& experiment, double low, double high, double tolerance,
                               std::size_t min_spikes = 1);

}  // namespace lapicque
