// The network's LIF kernel alone, COBA's neurons (two exponential conductance channels whose input
// arrives as rows of doubles) and CUBA's (two exponential current channels whose input arrives as
// spike counts), for shares of several sizes: how the cost of one step grows with the neurons it covers, so
// that a fixed cost per call (which a thread's share of a small network pays at every step) shows.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "network/lif_network_population.hpp"

namespace {

using namespace lapicque;

void coba_kernel(benchmark::State& state) {
  const auto neurons = static_cast<std::size_t>(state.range(0));
  models::Lif::Params p;  // Brette et al. 2007's COBA neuron
  p.C_m = 200;
  p.g_L = 10;
  p.E_L = -60;
  p.V_th = -50;
  p.V_reset = -60;
  p.t_ref = 5;
  p.V_m = -55;
  network::LifNetworkPopulation pop("E", neurons, 0.1, {p});
  pop.add_channel({SynapseKind::exp_conductance, 5, 0, "g_E"});
  pop.add_channel({SynapseKind::exp_conductance, 10, -80, "g_I"});
  pop.allocate(2, {0, pop.padded_size()});
  for (std::size_t i = 0; i < neurons; ++i)
    pop.set_initial("V_m", i, -60 + 10.0 * static_cast<double>(i % 97) / 97);
  network::SpikeBuffer spikes;
  std::int64_t n = 0;
  for (auto _ : state) {
    // About COBA's input: each neuron receives a spike every few steps on each channel.
    double* e = pop.arrivals(0, n + 1, 0);
    double* in = pop.arrivals(1, n + 1, 0);
    for (std::size_t i = static_cast<std::size_t>(n % 7); i < neurons; i += 7) e[i] += 6;
    for (std::size_t i = static_cast<std::size_t>(n % 29); i < neurons; i += 29) in[i] += 67;
    spikes.clear();
    pop.step(0, pop.padded_size(), n, spikes);
    benchmark::DoNotOptimize(spikes.data());
    ++n;
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(neurons));
}
BENCHMARK(coba_kernel)->RangeMultiplier(2)->Range(256, 16384);

void cuba_kernel(benchmark::State& state) {
  const auto neurons = static_cast<std::size_t>(state.range(0));
  models::Lif::Params p;  // Brette et al. 2007's CUBA neuron: it fires alone (E_L above V_th)
  p.C_m = 200;
  p.g_L = 10;
  p.E_L = -49;
  p.V_th = -50;
  p.V_reset = -60;
  p.t_ref = 5;
  p.V_m = -55;
  network::LifNetworkPopulation pop("E", neurons, 0.1, {p});
  pop.add_channel({SynapseKind::exp_current, 5, 0, "I_E"});
  pop.add_channel({SynapseKind::exp_current, 10, 0, "I_I"});
  pop.allocate(2, {0, pop.padded_size()});
  // Each channel's only input, counted: rows of the grid points the delay of one step reaches.
  network::ShardedArray<std::uint16_t> excitatory(pop.padded_size(), 0, 2),
      inhibitory(pop.padded_size(), 0, 2);
  pop.read_counts(0, &excitatory, 16.2);
  pop.read_counts(1, &inhibitory, -90);
  for (std::size_t i = 0; i < neurons; ++i)
    pop.set_initial("V_m", i, -60 + 10.0 * static_cast<double>(i % 97) / 97);
  network::SpikeBuffer spikes;
  std::int64_t n = 0;
  for (auto _ : state) {
    // About CUBA's input: a spike every few steps on each channel.
    std::uint16_t* e = excitatory.base(0, static_cast<std::size_t>(n + 1) % 2);
    std::uint16_t* in = inhibitory.base(0, static_cast<std::size_t>(n + 1) % 2);
    for (std::size_t i = static_cast<std::size_t>(n % 11); i < neurons; i += 11) ++e[i];
    for (std::size_t i = static_cast<std::size_t>(n % 43); i < neurons; i += 43) ++in[i];
    spikes.clear();
    pop.step(0, pop.padded_size(), n, spikes);
    benchmark::DoNotOptimize(spikes.data());
    ++n;
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(neurons));
}
BENCHMARK(cuba_kernel)->RangeMultiplier(4)->Range(256, 16384);

}  // namespace
