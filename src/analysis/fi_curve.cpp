// Firing rate against constant current, many currents simulated as one population.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "lapicque/analysis.hpp"
#include "lapicque/error.hpp"
#include "lapicque/model.hpp"

namespace lapicque {

std::vector<double> current_range(double from, double to, double step) {
  if (!std::isfinite(from)) throw ParameterError("--from", format_double(from), "must be a finite current");
  if (!std::isfinite(to) || to < from)
    throw ParameterError("--to", format_double(to), "must be finite and >= --from = " + format_double(from));
  if (!(step > 0) || !std::isfinite(step)) throw ParameterError("--step", format_double(step), "must be > 0");
  const double count = std::floor((to - from) / step + 1e-9) + 1;
  if (count > 1e7)
    throw ParameterError(
        "--step", format_double(step),
        "gives " + format_double(count) + " currents; at most 10,000,000: use a larger step");
  // from + k step carries the binary rounding of step (0.1 x 28 = 2.8000000000000003): the
  // currents are the decimals the user meant. When from and step have at most 15 decimals and
  // stay below 2^53 once scaled, (from' + k step') / 10^d is exact in integers and rounded once
  // by the division: the double nearest to the decimal. Otherwise each value is rounded to 15
  // significant digits.
  const auto n = static_cast<std::int64_t>(count);
  std::vector<double> currents;
  currents.reserve(static_cast<std::size_t>(n));
  double scale = 1;
  for (int decimals = 0; decimals <= 15; ++decimals, scale *= 10) {
    const double from_scaled = std::round(from * scale), step_scaled = std::round(step * scale);
    const double largest = std::abs(from_scaled) + step_scaled * static_cast<double>(n);
    if (largest > 0x1p53) break;
    if (std::abs(from_scaled - from * scale) > 1e-6 || std::abs(step_scaled - step * scale) > 1e-6 ||
        std::abs(from_scaled / scale - from) > 1e-12 * std::abs(from) ||
        std::abs(step_scaled / scale - step) > 1e-12 * step)
      continue;
    for (std::int64_t k = 0; k < n; ++k)
      currents.push_back((from_scaled + static_cast<double>(k) * step_scaled) / scale);
    return currents;
  }
  for (std::int64_t k = 0; k < n; ++k) {
    double current = from + static_cast<double>(k) * step;
    if (std::abs(current) < 1e-9 * step) current = 0;  // -0.3 + 3 x 0.1 is 2.8e-17, meant as 0
    currents.push_back(std::strtod(fmt::format("{:.15g}", current).c_str(), nullptr));
  }
  return currents;
}

std::vector<FiPoint> fi_curve(const Experiment& experiment, std::span<const double> currents, double skip_ms,
                              const ProgressCallback& progress) {
  if (!(skip_ms >= 0) || !(skip_ms < experiment.duration))
    throw ParameterError("--skip", format_double(skip_ms) + " ms",
                         "must lie in [0, duration = " + format_double(experiment.duration) + " ms)");
  Experiment e = experiment;
  e.inputs.clear();
  e.record.variables.clear();
  std::vector<SpikeSummary> spikes;
  const RunResult result = run_summarized(e, currents.size(), currents, skip_ms, spikes, progress);
  const auto analytic = find_model(e.model)->analytic_rates_hz(e.neuron, currents);
  std::vector<FiPoint> points(currents.size());
  for (std::size_t i = 0; i < currents.size(); ++i) {
    // Spikes after the skip: their count, and the span from the first to the last.
    const SpikeSummary& s = spikes[i];
    FiPoint& p = points[i];
    p.current = currents[i];
    p.spikes = s.count;
    p.count_rate_hz = 1000.0 * static_cast<double>(s.count) / (result.duration - skip_ms);
    p.rate_hz =
        s.count >= 2 ? 1000.0 * static_cast<double>(s.count - 1) / (s.last - s.first) : p.count_rate_hz;
    p.first_spike_ms = s.first_of_all;
    p.analytic_hz = analytic[i];
  }
  return points;
}

std::optional<double> rheobase(const Experiment& experiment, double low, double high, double tolerance,
                               std::size_t min_spikes) {
  Experiment e = experiment;
  e.record.variables.clear();
  const auto fires = [&](double current) {
    e.inputs = {InputSpec{"constant", {{"amplitude", current}}}};
    return run(e).spikes[0].size() >= min_spikes;
  };
  if (!fires(high)) return std::nullopt;
  if (fires(low)) return low;
  while (high - low > tolerance) {
    const double middle = 0.5 * (low + high);
    (fires(middle) ? high : low) = middle;
  }
  return high;
}

}  // namespace lapicque
