// Naming a spike train's firing pattern from its spike times (docs/analysis.md).
#include <algorithm>
#include <cmath>
#include <numeric>

#include "lapicque/analysis.hpp"

namespace lapicque {

namespace {

// Thresholds, chosen with wide margins on the eight patterns of Naud et al. (2008) at several dt
// and currents (docs/analysis.md lists the margins).
constexpr double bursting_gap_ratio = 3.0;     // sorted steady ISIs jump by this factor: bursts
constexpr double irregular_cv = 0.25;          // steady-state CV above this: irregular
constexpr double initial_burst_jump = 3.0;     // an early ISI this many times its predecessor
constexpr double adaptation_ratio = 1.5;       // late / early mean ISI: adapting (or 1/x: accelerating)
constexpr double delayed_latency_ratio = 2.0;  // latency / median steady ISI: delayed

double mean(std::span<const double> x) {
  return std::accumulate(x.begin(), x.end(), 0.0) / static_cast<double>(x.size());
}

double coefficient_of_variation(std::span<const double> x) {
  const double m = mean(x);
  double squares = 0;
  for (double v : x) squares += (v - m) * (v - m);
  return std::sqrt(squares / static_cast<double>(x.size())) / m;
}

}  // namespace

std::string classify_firing_pattern(std::span<const double> spikes_ms, double t_on, double t_off) {
  std::vector<double> spikes;
  for (double t : spikes_ms)
    if (t >= t_on && t <= t_off) spikes.push_back(t);
  if (spikes.empty()) return "silent";
  const double half = t_on + (t_off - t_on) / 2;
  if (spikes.back() < half) return "transient";  // spikes early on, then silence
  std::vector<double> isi, steady;
  for (std::size_t k = 1; k < spikes.size(); ++k) {
    isi.push_back(spikes[k] - spikes[k - 1]);
    if (spikes[k - 1] >= half) steady.push_back(isi.back());
  }
  if (steady.size() < 3) return "unclassified";
  const double latency = spikes.front() - t_on;

  // Bursts: the steady ISIs fall into two groups far apart (within bursts, between bursts).
  std::vector<double> sorted = steady;
  std::sort(sorted.begin(), sorted.end());
  double gap = 1;
  for (std::size_t k = 1; k < sorted.size(); ++k) gap = std::max(gap, sorted[k] / sorted[k - 1]);
  if (gap >= bursting_gap_ratio)
    return latency > 0.5 * sorted.back() ? "delayed regular bursting" : "regular bursting";
  if (coefficient_of_variation(steady) > irregular_cv) return "irregular";

  // A burst at onset: an abrupt jump among the first ISIs, then regular firing.
  for (std::size_t k = 1; k < std::min<std::size_t>(isi.size(), 4); ++k)
    if (isi[k] >= initial_burst_jump * isi[k - 1]) return "initial burst";

  const std::size_t n = std::min<std::size_t>(3, isi.size());
  const double late_over_early = mean(std::span(isi).last(n)) / mean(std::span(isi).first(n));
  if (late_over_early >= adaptation_ratio) return "adapting";
  if (late_over_early <= 1 / adaptation_ratio) {
    const double median = sorted[sorted.size() / 2];
    return latency >= delayed_latency_ratio * median ? "delayed accelerating" : "accelerating";
  }
  return "tonic";
}

}  // namespace lapicque
