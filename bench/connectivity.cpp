// Building connectivity: Brunel (2000)'s network, 12,500 targets each drawing 1,000 excitatory
// sources of 10,000 and 250 inhibitory of 2,500 (fixed_indegree, no autapses, multapses allowed),
// and COBA's pairwise_bernoulli p = 0.02 among 4,000. Items = synapses.
#include "network/connectivity.hpp"

#include <benchmark/benchmark.h>

namespace {

using namespace lapicque;
using lapicque::network::connect;

void brunel_connectivity(benchmark::State& state) {
  std::size_t synapses = 0;
  for (auto _ : state) {
    const auto e = connect({Rule::fixed_indegree, 0, 1000, false, true}, 10000, 12500, false, 1, 1);
    const auto i = connect({Rule::fixed_indegree, 0, 250, false, true}, 2500, 12500, false, 1, 2);
    synapses = e.size() + i.size();
    benchmark::DoNotOptimize(synapses);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(synapses));
}

void coba_connectivity(benchmark::State& state) {
  std::size_t synapses = 0;
  for (auto _ : state) {
    const auto c = connect({Rule::pairwise_bernoulli, 0.02, 0, false}, 4000, 4000, true, 1, 1);
    synapses = c.size();
    benchmark::DoNotOptimize(synapses);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(synapses));
}

BENCHMARK(brunel_connectivity)->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK(coba_connectivity)->Unit(benchmark::kMillisecond);

}  // namespace
