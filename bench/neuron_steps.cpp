// Neuron-steps per second for each model and method: one population of 1,024 neurons under
// constant currents spread over a range that makes most of them fire, stepped on one core.
// Run: build/bench/lapicque_bench [--benchmark_filter=lif]
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "lapicque/model.hpp"

namespace {

using namespace lapicque;

struct Case {
  std::string model;
  Method method;
  double dt;         // [ms]
  double low, high;  // currents [input unit]
};

void neuron_steps(benchmark::State& state, Case c) {
  const std::size_t neurons = 1024;
  const Model* model = find_model(c.model);
  const Integration integration{c.method, c.dt, 1e-8, 1e-10};
  auto population = model->make_population({}, neurons, integration);
  std::vector<double> held(neurons);
  for (std::size_t i = 0; i < neurons; ++i)
    held[i] = c.low + (c.high - c.low) * static_cast<double>(i) / neurons;
  SpikeTimes spikes(neurons);
  std::int64_t step = 0;
  const std::int64_t steps_per_round = 100;
  for (auto _ : state) {
    for (std::int64_t k = 0; k < steps_per_round; ++k, ++step)
      population->advance(0, neurons, {step, static_cast<double>(step) * c.dt, c.dt, nullptr}, held, spikes);
    for (auto& s : spikes) s.clear();
  }
  state.SetItemsProcessed(state.iterations() * steps_per_round * static_cast<std::int64_t>(neurons));
  benchmark::DoNotOptimize(population->state(0, 0));
}

void register_all() {
  const std::vector<Case> cases{
      // lif rheobase is 375 pA (defaults): 0 - 375 never fires, 300 - 600 fires up to ~120 Hz
      {"lif", Method::exact, 0.1, 0, 370},        {"lif", Method::exact, 0.1, 300, 600},
      {"lif", Method::euler, 0.1, 300, 600},      {"lif", Method::rk4, 0.1, 300, 600},
      {"lif", Method::adaptive, 0.1, 300, 600},   {"alif", Method::exact, 0.1, 500, 1000},
      {"alif", Method::euler, 0.1, 500, 1000},    {"alif", Method::adaptive, 0.1, 500, 1000},
      {"adex", Method::adaptive, 0.1, 500, 1000}, {"adex", Method::rk4, 0.1, 500, 1000},
      {"adex", Method::euler, 0.1, 500, 1000},    {"izhikevich", Method::adaptive, 0.1, 0, 15},
      {"izhikevich", Method::euler, 0.1, 0, 15},  {"hh", Method::adaptive, 0.1, 0, 1500},
      {"hh", Method::rk4, 0.01, 0, 1500},
  };
  for (const auto& c : cases) {
    const std::string name =
        c.model + "/" + std::string(method_name(c.method)) + "/dt" + std::to_string(c.dt).substr(0, 4) +
        "/I" + std::to_string(static_cast<int>(c.low)) + "-" + std::to_string(static_cast<int>(c.high));
    benchmark::RegisterBenchmark(name.c_str(), neuron_steps, c)->Unit(benchmark::kMillisecond)->MinTime(0.5);
  }
}

}  // namespace

int main(int argc, char** argv) {
  register_all();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
}
