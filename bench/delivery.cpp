// Spike delivery's inner loop alone: one source's 1,000 targets (Brunel's out-degree) among a
// target population of N, counted into 16-bit counts, as the engine orders them (distinct
// targets first, add_at_distinct; then the repeats of multapses, add_at) against the plain loop
// over the sorted list. The lists come from a pool of 16 MB, taken in random order with the list
// two ahead asked for, as in delivery. Items are additions.
//
// delivery_bitmap: the same projection dense, as Brunel's E to E (10,000 sources and targets, a
// pair in 10 connected: 12.5 MB of bits), a step's spikes (the argument: Brunel sends 38 a step
// from E) counted into all targets at once. Items are the synapses delivered.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "network/add_at.hpp"
#include "network/target_bitmap.hpp"

namespace {

using lapicque::network::add_at;
using lapicque::network::add_to_part;
using lapicque::network::firsts_then_repeats;

constexpr std::size_t out_degree = 1000, pool = 8000;  // lists of 2 kB: 16 MB

struct Lists {
  std::vector<std::uint16_t> targets;  // pool lists of out_degree, sorted, then reordered
  std::vector<std::uint16_t*> repeats;
  std::vector<std::uint32_t> order;  // the lists' order of delivery
  Lists(std::size_t n, bool reorder) : targets(pool * out_degree), order(1 << 16) {
    std::mt19937 rng(7);
    std::uniform_int_distribution<std::uint32_t> pick(0, static_cast<std::uint32_t>(n - 1));
    for (std::size_t l = 0; l < pool; ++l) {
      auto* list = targets.data() + l * out_degree;
      for (std::size_t e = 0; e < out_degree; ++e) list[e] = static_cast<std::uint16_t>(pick(rng));
      std::sort(list, list + out_degree);
      repeats.push_back(reorder ? firsts_then_repeats(list, list + out_degree) : list);
    }
    std::uniform_int_distribution<std::uint32_t> any(0, pool - 1);
    for (auto& o : order) o = any(rng);
  }
  const std::uint16_t* list(std::size_t q) const {
    return targets.data() + order[q % order.size()] * out_degree;
  }
  void ask_for(std::size_t q) const {
    const auto* bytes = reinterpret_cast<const char*>(list(q));
    for (std::size_t at = 0; at < out_degree * sizeof(std::uint16_t); at += 64)
      __builtin_prefetch(bytes + at);
  }
};

void deliver(benchmark::State& state, bool engine_order) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const Lists lists(n, engine_order);
  std::vector<std::uint16_t> counts(n, 0);
  std::size_t q = 0;
  for (auto _ : state) {
    lists.ask_for(q + 2);
    const std::uint16_t* list = lists.list(q);
    if (engine_order)
      add_to_part(counts.data(), list, lists.repeats[lists.order[q % lists.order.size()]], list + out_degree,
                  std::uint16_t{1});
    else
      add_at(counts.data(), list, list + out_degree, std::uint16_t{1});
    ++q;
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * out_degree));
}

void delivery_engine_order(benchmark::State& state) {
  deliver(state, true);
}
void delivery_plain_loop(benchmark::State& state) {
  deliver(state, false);
}
BENCHMARK(delivery_engine_order)->Arg(2500)->Arg(10000)->Arg(50000);
BENCHMARK(delivery_plain_loop)->Arg(2500)->Arg(10000)->Arg(50000);

void delivery_bitmap(benchmark::State& state) {
  constexpr std::size_t n = 10000;
  const auto spikes = static_cast<std::size_t>(state.range(0));
  lapicque::network::TargetBitmap bitmap(n, n);
  std::mt19937 rng(7);
  std::bernoulli_distribution connected(0.1);
  std::uint64_t synapses = 0;
  for (std::size_t s = 0; s < n; ++s)
    for (std::size_t i = 0; i < n; ++i)
      if (connected(rng)) {
        bitmap.set(s, i);
        ++synapses;
      }
  std::vector<std::uint32_t> order(1 << 16);
  std::uniform_int_distribution<std::uint32_t> any(0, n - 1);
  for (auto& o : order) o = any(rng);
  std::vector<std::uint16_t> counts(n, 0);
  std::vector<const std::uint64_t*> rows;
  std::size_t q = 0;
  for (auto _ : state) {
    bitmap.add_counts(order.data() + q, spikes, 0, n, counts.data(), rows);
    q = (q + spikes) % (order.size() - spikes);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * spikes * synapses / n));
}
BENCHMARK(delivery_bitmap)->Arg(10)->Arg(38)->Arg(100);

}  // namespace
