// The network's LIF kernel alone, COBA's neurons (two exponential conductance channels whose input
// arrives as rows of doubles) and CUBA's (two exponential current channels whose input arrives as
// spike counts), for shares of several sizes: how the cost of one step grows with the neurons it covers, so
// that a fixed cost per call (which a thread's share of a small network pays at every step) shows.
// cuba_kernel_two_threads: the shares of one population on two threads against two populations.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "network/lif_network_population.hpp"
#include "network/poisson_counts.hpp"

namespace {

using namespace lapicque;

// Brette et al. 2007's neuron (C_m 200 pF, g_L 10 nS, V_th -50 mV, V_reset -60 mV, t_ref 5 ms)
// at rest E_L, with these channels, V spread between reset and threshold.
std::unique_ptr<network::LifNetworkPopulation> brette_population(
    std::size_t neurons, double E_L, const std::vector<network::ChannelSpec>& channels,
    const std::vector<std::size_t>& cuts = {}) {
  models::Lif::Params p;
  p.C_m = 200;
  p.g_L = 10;
  p.E_L = E_L;
  p.V_th = -50;
  p.V_reset = -60;
  p.t_ref = 5;
  p.V_m = -55;
  auto pop = std::make_unique<network::LifNetworkPopulation>("E", neurons, 0.1, std::vector{p});
  for (const auto& c : channels) pop->add_channel(c);
  pop->allocate({}, cuts.empty() ? std::vector<std::size_t>{0, pop->padded_size()} : cuts);
  for (std::size_t i = 0; i < neurons; ++i)
    pop->set_initial("V_m", i, -60 + 10.0 * static_cast<double>(i % 97) / 97);
  return pop;
}

// One step of the whole population an iteration, after feed(n) has written the input step n reads.
template <class Feed>
void step_each_iteration(benchmark::State& state, network::LifNetworkPopulation& pop, std::size_t neurons,
                         Feed&& feed) {
  network::SpikeBuffer spikes;
  std::int64_t n = 0;
  for (auto _ : state) {
    feed(n);
    spikes.clear();
    pop.step(0, pop.padded_size(), n, spikes);
    benchmark::DoNotOptimize(spikes.data());
    ++n;
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(neurons));
}

void coba_kernel(benchmark::State& state) {
  const auto neurons = static_cast<std::size_t>(state.range(0));
  auto pop = brette_population(
      neurons, -60,
      {{SynapseKind::exp_conductance, 5, 0, "g_E"}, {SynapseKind::exp_conductance, 10, -80, "g_I"}});
  step_each_iteration(state, *pop, neurons, [&](std::int64_t n) {
    // About COBA's input: each neuron receives a spike every few steps on each channel.
    double* e = pop->arrivals(0, n + 1, 0);
    double* in = pop->arrivals(1, n + 1, 0);
    for (std::size_t i = static_cast<std::size_t>(n % 7); i < neurons; i += 7) e[i] += 6;
    for (std::size_t i = static_cast<std::size_t>(n % 29); i < neurons; i += 29) in[i] += 67;
  });
}
BENCHMARK(coba_kernel)->RangeMultiplier(2)->Range(256, 16384);

// CUBA's neuron fires alone (E_L above V_th); each channel's only input arrives counted, in rows
// of the grid points a delay of one step reaches.
void cuba_kernel(benchmark::State& state) {
  const auto neurons = static_cast<std::size_t>(state.range(0));
  auto pop = brette_population(
      neurons, -49, {{SynapseKind::exp_current, 5, 0, "I_E"}, {SynapseKind::exp_current, 10, 0, "I_I"}});
  network::ShardedArray<std::uint16_t> excitatory(pop->padded_size(), 0, 2),
      inhibitory(pop->padded_size(), 0, 2);
  pop->read_counts(0, &excitatory, 16.2);
  pop->read_counts(1, &inhibitory, -90);
  step_each_iteration(state, *pop, neurons, [&](std::int64_t n) {
    // About CUBA's input: a spike every few steps on each channel.
    std::uint16_t* e = excitatory.base(0, static_cast<std::size_t>(n + 1) % 2);
    std::uint16_t* in = inhibitory.base(0, static_cast<std::size_t>(n + 1) % 2);
    for (std::size_t i = static_cast<std::size_t>(n % 11); i < neurons; i += 11) ++e[i];
    for (std::size_t i = static_cast<std::size_t>(n % 43); i < neurons; i += 43) ++in[i];
  });
}
BENCHMARK(cuba_kernel)->RangeMultiplier(4)->Range(256, 16384);

// CUBA's kernel on two threads, 2,048 neurons each: the two shares of one population of 4,096 (as
// the engine runs them; argument 0) against two populations of their own (argument 1). What one
// share's thread writes must not slow the other's: the two should match.
struct CubaShares {
  std::unique_ptr<network::LifNetworkPopulation> pop;
  network::ShardedArray<std::uint16_t> excitatory, inhibitory;
  CubaShares(std::size_t neurons, const std::vector<std::size_t>& cuts)
      : pop(brette_population(
            neurons, -49, {{SynapseKind::exp_current, 5, 0, "I_E"}, {SynapseKind::exp_current, 10, 0, "I_I"}},
            cuts)),
        excitatory(pop->padded_size(), 0, 2),
        inhibitory(pop->padded_size(), 0, 2) {
    excitatory.cut(cuts);
    inhibitory.cut(cuts);
    pop->read_counts(0, &excitatory, 16.2);
    pop->read_counts(1, &inhibitory, -90);
  }
};

void cuba_kernel_two_threads(benchmark::State& state) {
  constexpr std::size_t half = 2048;
  static std::unique_ptr<CubaShares> shared;  // argument 0: made by thread 0, between the barriers
  const auto t = static_cast<std::size_t>(state.thread_index());
  const bool one_population = state.range(0) == 0;
  if (one_population && t == 0)
    shared = std::make_unique<CubaShares>(2 * half, std::vector<std::size_t>{0, half, 2 * half});
  std::unique_ptr<CubaShares> own =
      one_population ? nullptr : std::make_unique<CubaShares>(half, std::vector<std::size_t>{0, half});
  network::SpikeBuffer spikes;
  std::int64_t n = 0;
  for (auto _ : state) {  // (the first iteration starts once every thread is here)
    CubaShares& p = one_population ? *shared : *own;
    const std::size_t share = one_population ? t : 0, begin = share * half, end = begin + half;
    std::uint16_t* e = p.excitatory.base(share, static_cast<std::size_t>(n + 1) % 2);
    std::uint16_t* in = p.inhibitory.base(share, static_cast<std::size_t>(n + 1) % 2);
    for (std::size_t i = begin + static_cast<std::size_t>(n % 11); i < end; i += 11) ++e[i];
    for (std::size_t i = begin + static_cast<std::size_t>(n % 43); i < end; i += 43) ++in[i];
    spikes.clear();
    p.pop->step(begin, end, n, spikes);
    benchmark::DoNotOptimize(spikes.data());
    ++n;
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(half));
}
BENCHMARK(cuba_kernel_two_threads)->Arg(0)->Arg(1)->Threads(2)->UseRealTime();

// Brunel's external drive: Poisson counts of mean 2 a step (eta = 2: 20 kHz of input onto each
// neuron, dt = 0.1 ms), weighted into a row of doubles, for 12,500 neurons a step.
void poisson_drive(benchmark::State& state) {
  const std::size_t neurons = 12500;
  const network::PoissonCounts drive(2.0, 1, 7);
  std::vector<double> row(neurons, 0.0);
  std::int64_t n = 0;
  for (auto _ : state) {
    drive.add(n++, 0, neurons, 0.1, row.data());
    benchmark::DoNotOptimize(row.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(neurons));
}
BENCHMARK(poisson_drive);

}  // namespace
