// The benchmark networks of examples/ against what they are known to do: COBA and CUBA mean
// rates and CVs within the spread of Brian2's across seeds (tests/data/brian2_networks.csv, made
// by tests/reference/brian2_networks.py), and Brunel's four states showing their regimes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "io/network_file.hpp"
#include "lapicque/network.hpp"

namespace lapicque {
namespace {

struct Spread {
  double low = INFINITY, high = -INFINITY, sum = 0, sum2 = 0;
  int n = 0;
  void add(double x) {
    low = std::min(low, x);
    high = std::max(high, x);
    sum += x;
    sum2 += x * x;
    ++n;
  }
  double mean() const { return sum / n; }
  double sd() const { return std::sqrt(std::max(0.0, sum2 / n - mean() * mean())); }
};

// (network, population) -> spread of Brian2's rates and CVs over seeds.
std::map<std::string, std::pair<Spread, Spread>> brian2_reference() {
  std::ifstream in(std::string(LAPICQUE_TEST_DATA) + "/brian2_networks.csv");
  std::map<std::string, std::pair<Spread, Spread>> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line.rfind("network,", 0) == 0) continue;
    std::stringstream fields(line);
    std::string network, seed, population, rate, cv;
    std::getline(fields, network, ',');
    std::getline(fields, seed, ',');
    std::getline(fields, population, ',');
    std::getline(fields, rate, ',');
    std::getline(fields, cv, ',');
    auto& entry = out[network + "." + population];
    entry.first.add(std::stod(rate));
    entry.second.add(std::stod(cv));
  }
  return out;
}

// Our mean over seeds must lie within Brian2's spread: its range across seeds, widened by one
// standard deviation of the seeds (our own mean averages fewer seeds).
void expect_within_brian2(const std::string& network) {
  const auto reference = brian2_reference();
  ASSERT_FALSE(reference.empty()) << "tests/data/brian2_networks.csv missing";
  std::map<std::string, std::pair<Spread, Spread>> ours;
  for (int seed : {1, 2, 3}) {
    const auto loaded = io::load_network(std::string(LAPICQUE_EXAMPLES) + "/" + network + ".toml",
                                         {"seed=" + std::to_string(seed)});
    const auto result = simulate(loaded.network, 2);
    for (const auto& p : result.populations) {
      const auto a = population_activity(p, 0, result.duration);
      ours[p.name].first.add(a.rate_hz);
      ours[p.name].second.add(a.cv_isi);
    }
  }
  for (const auto& [population, values] : ours) {
    const auto& [rate, cv] = reference.at(network + "." + population);
    ASSERT_GE(rate.n, 5) << "too few reference seeds";
    EXPECT_GE(values.first.mean(), rate.low - rate.sd()) << network << " " << population << " rate [Hz]";
    EXPECT_LE(values.first.mean(), rate.high + rate.sd()) << network << " " << population << " rate [Hz]";
    EXPECT_GE(values.second.mean(), cv.low - cv.sd()) << network << " " << population << " CV";
    EXPECT_LE(values.second.mean(), cv.high + cv.sd()) << network << " " << population << " CV";
  }
}

TEST(NetworkBenchmarks, CubaRatesAndCvWithinBrian2Spread) {
  expect_within_brian2("cuba");
}
TEST(NetworkBenchmarks, CobaRatesAndCvWithinBrian2Spread) {
  expect_within_brian2("coba");
}

// Brunel 2000, states A-D (g, eta): the excitatory population's rate, the irregularity of its
// neurons (mean CV of the ISIs) and its synchrony (Fano factor of the population spike count in
// 1 ms bins: about 1 for independent neurons), after a 100 ms transient.
PopulationActivity brunel_state(double g, double eta) {
  const std::string w = std::to_string(-g * 0.1), rate = std::to_string(eta * 10.0 * 1000.0);
  const auto loaded =
      io::load_network(std::string(LAPICQUE_EXAMPLES) + "/brunel.toml",
                       {"duration=400", "projection[2].weight=" + w, "projection[3].weight=" + w,
                        "drive[0].rate=" + rate, "drive[1].rate=" + rate});
  const auto result = simulate(loaded.network, 2);
  return population_activity(result.populations[0], 100, result.duration);
}

TEST(NetworkBenchmarks, BrunelStatesShowTheirRegimes) {
  const auto A = brunel_state(3, 2), B = brunel_state(6, 4), C = brunel_state(5, 2),
             D = brunel_state(4.5, 0.9);
  // A: synchronous regular: near-saturated rates, clock-like neurons, the population in lockstep.
  EXPECT_GT(A.rate_hz, 150);
  EXPECT_LT(A.cv_isi, 0.2);
  EXPECT_GT(A.fano, 100);
  // B: synchronous irregular, fast: irregular neurons on a fast global oscillation.
  EXPECT_GT(B.cv_isi, 0.6);
  EXPECT_GT(B.fano, 30);
  // C: irregular at moderate rates, far less synchronous than A.
  EXPECT_GT(C.rate_hz, 10);
  EXPECT_LT(C.rate_hz, 100);
  EXPECT_GT(C.cv_isi, 0.3);
  EXPECT_LT(C.fano, A.fano / 5);
  // D: synchronous irregular, slow: low rates, irregular neurons, a synchronous population.
  EXPECT_LT(D.rate_hz, 15);
  EXPECT_GT(D.cv_isi, 0.3);
  EXPECT_GT(D.fano, 30);
}

}  // namespace
}  // namespace lapicque
