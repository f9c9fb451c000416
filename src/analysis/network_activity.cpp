// Rate, irregularity and synchrony of a population's spikes.
#include <cmath>
#include <vector>

#include "lapicque/network.hpp"

namespace lapicque {

PopulationActivity population_activity(const PopulationResult& p, double t_start, double duration,
                                       double bin) {
  PopulationActivity a;
  const double window = duration - t_start;
  std::vector<std::vector<double>> trains(p.size);
  const auto bins = static_cast<std::size_t>(std::max(1.0, std::floor(window / bin)));
  std::vector<double> counts(bins, 0.0);
  std::size_t total = 0;
  for (const auto& s : p.spikes) {
    if (s.t < t_start || s.t > duration) continue;
    trains[s.neuron].push_back(s.t);
    ++total;
    counts[std::min(bins - 1, static_cast<std::size_t>((s.t - t_start) / bin))] += 1;
  }
  a.rate_hz = p.size > 0 && window > 0
                  ? 1000.0 * static_cast<double>(total) / (static_cast<double>(p.size) * window)
                  : 0;
  double cv_sum = 0;
  for (const auto& train : trains) {
    if (train.size() < 3) continue;
    double sum = 0, sum2 = 0;
    const double n = static_cast<double>(train.size() - 1);
    for (std::size_t k = 1; k < train.size(); ++k) {
      const double isi = train[k] - train[k - 1];
      sum += isi;
      sum2 += isi * isi;
    }
    const double mean = sum / n;
    cv_sum += std::sqrt(std::max(0.0, sum2 / n - mean * mean)) / mean;
    ++a.neurons_with_cv;
  }
  a.cv_isi = a.neurons_with_cv > 0 ? cv_sum / static_cast<double>(a.neurons_with_cv) : NAN;
  double mean = 0, var = 0;
  for (double c : counts) mean += c;
  mean /= static_cast<double>(bins);
  for (double c : counts) var += (c - mean) * (c - mean);
  var /= static_cast<double>(bins);
  a.fano = mean > 0 ? var / mean : NAN;
  return a;
}

}  // namespace lapicque
