// An experiment on one neuron model (or a population of identical neurons under different
// currents), and running it.
#pragma once

#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "lapicque/input.hpp"
#include "lapicque/method.hpp"
#include "lapicque/parameters.hpp"
#include "lapicque/population.hpp"

namespace lapicque {

struct RecordSpec {
  std::vector<std::string> variables{"V_m"};  // state variables by name, and "I" for the input
  bool draw_spikes = false;                   // show V at spike_height on the step that ends with a spike
  double spike_height = 30;                   // [mV]
  std::vector<std::size_t> neurons{0};
};

struct Experiment {
  double duration = 1000;  // [ms]
  Integration integration;
  bool method_given = false;  // false: the model's default method
  std::uint64_t seed = 1;
  std::string model = "lif";
  ParamValues neuron;  // values the user set
  std::vector<InputSpec> inputs;
  RecordSpec record;
};

struct Trace {
  std::vector<std::string> columns;         // without the time column
  std::vector<double> t;                    // [ms]
  std::vector<std::vector<double>> values;  // one vector per column
};

struct RunResult {
  SpikeTimes spikes;  // per neuron [ms]
  Trace trace;        // of the first recorded neuron
  ParamValues used;   // every parameter of the model actually used
  Method method = Method::exact;
  std::int64_t steps = 0;
  double duration = 0;  // [ms] simulated: steps x dt
};

// Checks everything about the experiment that can be checked before running it (model, its
// parameters, method and step, inputs, recorded variables); throws ParameterError.
void validate(const Experiment& experiment);

// Told now and then how far a run has got (the fraction of its steps done, 0 to 1), always from
// the same thread and never concurrently. It may throw to stop the run (an interrupt): the run
// then stops within a few steps on every thread and rethrows it.
using ProgressCallback = std::function<void(double fraction)>;

// Runs `neurons` identical neurons; neuron i also receives `extra_input[i]` (constant, in the
// model's input unit) when given. Neurons are spread over threads; results are identical for
// any number of threads.
RunResult run(const Experiment& experiment, std::size_t neurons = 1, std::span<const double> extra_input = {},
              const ProgressCallback& progress = {});

// What an f-I curve needs of one neuron's spikes: those at or after a time, their count, the first
// and the last [ms], and the first spike of all (NaN where there is none).
struct SpikeSummary {
  std::size_t count = 0;
  double first = NAN, last = NAN, first_of_all = NAN;
};

// As run(), keeping of each neuron only its SpikeSummary for the spikes at or after `from_ms`
// (RunResult::spikes left empty): a sweep of thousands of currents then holds the spike times of
// one block of neurons at a time, not of all (the same spikes as run(), summarised).
RunResult run_summarized(const Experiment& experiment, std::size_t neurons,
                         std::span<const double> extra_input, double from_ms,
                         std::vector<SpikeSummary>& summaries, const ProgressCallback& progress = {});

}  // namespace lapicque
