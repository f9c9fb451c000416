// Statistics of one spike train.
#include <cmath>
#include <limits>
#include <numeric>

#include "lapicque/analysis.hpp"

namespace lapicque {

SpikeStatistics spike_statistics(std::span<const double> spikes, double t_start, double t_stop) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  SpikeStatistics s;
  std::vector<double> inside;
  for (double t : spikes)
    if (t >= t_start && t <= t_stop) inside.push_back(t);
  s.count = inside.size();
  const double window = t_stop - t_start;
  s.rate_hz = window > 0 ? 1000.0 * static_cast<double>(s.count) / window : nan;
  s.first_spike_ms = inside.empty() ? nan : inside.front() - t_start;
  for (std::size_t k = 1; k < inside.size(); ++k) s.isi_ms.push_back(inside[k] - inside[k - 1]);
  const std::size_t n = s.isi_ms.size();
  if (n == 0) {
    s.mean_isi_ms = nan;
    s.isi_rate_hz = s.rate_hz;
    s.cv = nan;
    s.adaptation_index = nan;
    return s;
  }
  // Mean ISI as span / count: exact for a regular train, no accumulated rounding.
  s.mean_isi_ms = (inside.back() - inside.front()) / static_cast<double>(n);
  s.isi_rate_hz = 1000.0 / s.mean_isi_ms;
  if (n >= 2) {
    double squares = 0;
    for (double isi : s.isi_ms) squares += (isi - s.mean_isi_ms) * (isi - s.mean_isi_ms);
    s.cv = std::sqrt(squares / static_cast<double>(n - 1)) / s.mean_isi_ms;
    double sum = 0;
    for (std::size_t k = 1; k < n; ++k)
      sum += (s.isi_ms[k] - s.isi_ms[k - 1]) / (s.isi_ms[k] + s.isi_ms[k - 1]);
    s.adaptation_index = sum / static_cast<double>(n - 1);
  } else {
    s.cv = nan;
    s.adaptation_index = nan;
  }
  return s;
}

}  // namespace lapicque
