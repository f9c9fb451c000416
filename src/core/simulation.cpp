// Running an experiment: building the population and stimulus, stepping, recording.
#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>

#include "core/thread_team.hpp"
#include "lapicque/error.hpp"
#include "lapicque/experiment.hpp"
#include "lapicque/model.hpp"

namespace lapicque {

namespace {

// Re-throws a model's ParameterError with the key placed under `prefix` ("neuron.").
template <class F>
auto with_prefix(const std::string& prefix, F&& f) {
  try {
    return f();
  } catch (const ParameterError& e) {
    throw ParameterError(prefix + e.key(), e.value(), e.allowed());
  }
}

const Model& model_of(const Experiment& e) {
  const Model* model = find_model(e.model);
  if (model == nullptr)
    throw ParameterError("neuron.model", "\"" + e.model + "\"",
                         "unknown model; " + unknown_name_hint(e.model, model_names()));
  return *model;
}

Integration integration_of(const Experiment& e, const Model& model) {
  Integration integration = e.integration;
  if (!e.method_given) integration.method = model.default_method();
  return integration;
}

std::int64_t step_count(const Experiment& e) {
  return static_cast<std::int64_t>(std::ceil(e.duration / e.integration.dt - 1e-9));
}

// Index of each recorded column in the model's state, or -1 for the input "I".
std::vector<int> recorded_columns(const Experiment& e, const Model& model) {
  std::vector<std::string_view> names;
  for (const auto& s : model.state()) names.push_back(s.name);
  std::vector<int> columns;
  for (const auto& variable : e.record.variables) {
    if (variable == "I") {
      columns.push_back(-1);
      continue;
    }
    const auto it = std::find(names.begin(), names.end(), variable);
    if (it == names.end()) {
      auto allowed = names;
      allowed.push_back("I");
      throw ParameterError("record.variables", "\"" + variable + "\"",
                           "model " + e.model + " has no variable `" + variable + "`; " +
                               unknown_name_hint(variable, allowed));
    }
    columns.push_back(static_cast<int>(it - names.begin()));
  }
  return columns;
}

}  // namespace

void validate(const Experiment& e) {
  if (!(e.duration > 0) || !std::isfinite(e.duration))
    throw ParameterError("duration", format_double(e.duration) + " ms", "must be > 0 ms");
  if (!(e.integration.dt > 0) || !std::isfinite(e.integration.dt))
    throw ParameterError("dt", format_double(e.integration.dt) + " ms", "must be > 0 ms (the time step)");
  if (e.integration.dt > e.duration)
    throw ParameterError("dt", format_double(e.integration.dt) + " ms",
                         "must be <= duration = " + format_double(e.duration) + " ms");
  const double steps = std::ceil(e.duration / e.integration.dt);
  if (steps > 1e11)
    throw ParameterError("dt", format_double(e.integration.dt) + " ms",
                         fmt::format("gives {:.3g} steps over {} ms; use a larger dt or a shorter duration",
                                     steps, e.duration));
  const Model& model = model_of(e);
  with_prefix("neuron.", [&] { return model.resolve(e.neuron); });
  model.check_integration(e.neuron, integration_of(e, model));
  const Stimulus check(e.inputs, e.seed, e.integration.dt);
  const auto columns = recorded_columns(e, model);
  const double trace_bytes = (steps + 1) * static_cast<double>(columns.size() + 1) * sizeof(double);
  if (trace_bytes > 8e9)
    throw ParameterError(
        "record.variables", fmt::format("{} variables", columns.size()),
        fmt::format("the trace would need {:.1f} GB ({:.3g} steps); record fewer variables, a shorter "
                    "duration or a larger dt",
                    trace_bytes / 1e9, steps));
}

namespace {

// A neuron's spikes at or after `from_ms`, summarised.
SpikeSummary summary(const std::vector<double>& spikes, double from_ms) {
  SpikeSummary out;
  const auto first = std::lower_bound(spikes.begin(), spikes.end(), from_ms);
  out.count = static_cast<std::size_t>(spikes.end() - first);
  if (!spikes.empty()) out.first_of_all = spikes.front();
  if (out.count > 0) {
    out.first = *first;
    out.last = spikes.back();
  }
  return out;
}

// run() and run_summarized(): with `summaries`, each block's spike times are summarised as soon
// as the block is done.
RunResult simulate(const Experiment& e, std::size_t neurons, std::span<const double> extra_input,
                   const ProgressCallback& progress, double summarize_from,
                   std::vector<SpikeSummary>* summaries) {
  validate(e);
  const Model& model = model_of(e);
  const Integration integration = integration_of(e, model);
  auto population = model.make_population(e.neuron, neurons, integration);
  Stimulus stimulus(e.inputs, e.seed, integration.dt);
  stimulus.resize(neurons);

  RunResult result;
  result.used = model.resolve(e.neuron);
  result.method = integration.method;
  result.steps = step_count(e);
  result.duration = static_cast<double>(result.steps) * integration.dt;
  result.spikes.assign(neurons, {});

  const auto columns = recorded_columns(e, model);
  const bool recording = !columns.empty() && !e.record.neurons.empty() && e.record.neurons.front() < neurons;
  const std::size_t watched = recording ? e.record.neurons.front() : 0;
  if (recording) {
    result.trace.columns = e.record.variables;
    result.trace.t.reserve(static_cast<std::size_t>(result.steps) + 1);
    result.trace.values.assign(columns.size(), {});
    for (auto& v : result.trace.values) v.reserve(static_cast<std::size_t>(result.steps) + 1);
  }
  const bool draw_spikes = recording && e.record.draw_spikes;

  std::vector<double> held(neurons, 0.0);
  const SmoothInput* smooth = stimulus.has_smooth() ? &stimulus : nullptr;
  // Nothing to record and an input that never changes: populations with a closed form leap over
  // the whole run, those whose leap still costs every step leap in spans (below).
  const bool may_leap = !recording && stimulus.is_constant() && population->can_leap();
  // The neurons are cut into blocks that the threads take in turn from a shared counter, each
  // block run from the first step to the last (its state stays in the cache). Leaping blocks are
  // 48 neurons (whole lines and SIMD vectors at any width): a leap costs more for a neuron that
  // spikes more, and an f-I sweep's strong currents are at one end. Stepping blocks are about four
  // per thread, so that a call per step costs little beside the block's work, and at least 32
  // neurons (64 neurons on two threads: two blocks of 32, as even as halves).
  // Threads pay off only for enough work: a leap costs about one logarithm per spike, a step a few
  // operations per neuron.
  const double work = static_cast<double>(neurons) *
                      (may_leap ? population->leap_work(result.steps) : static_cast<double>(result.steps));
  const std::size_t threads =
      work >= 1e7 && neurons >= 64
          ? std::min<std::size_t>(static_cast<std::size_t>(std::max(1, omp_get_max_threads())), neurons / 32)
          : 1;
  constexpr std::size_t line = 16;  // doubles: two threads never write the same line
  const std::size_t block =
      may_leap
          ? 48
          : std::max<std::size_t>(2 * line, (neurons + 4 * threads * line - 1) / (4 * threads * line) * line);
  const std::size_t blocks = (neurons + block - 1) / block;
  core::BlockCounter next_block(blocks);
  std::vector<std::exception_ptr> errors(threads);
  // Thread 0 reports progress about every 2^16 neuron-steps of its own; any thread that fails, or
  // an interrupt from the progress callback, stops the others at their next check.
  std::atomic<bool> stop{false};
  std::atomic<double> done{0.0};  // neuron-steps completed, for the progress report
  const double total = static_cast<double>(neurons) * static_cast<double>(result.steps);
  const std::int64_t check_every =
      std::max<std::int64_t>(1, (std::int64_t{1} << 16) / static_cast<std::int64_t>(block));
  // Whether to go on; thread 0 reports progress.
  const auto check = [&](std::size_t thread) {
    if (stop.load(std::memory_order_relaxed)) return false;
    if (thread == 0 && progress) progress(done.load(std::memory_order_relaxed) / total);
    return true;
  };
  const auto count_done = [&](std::size_t neurons_done, std::int64_t steps_done) {
    done.fetch_add(static_cast<double>(neurons_done) * static_cast<double>(steps_done),
                   std::memory_order_relaxed);
  };

  // Summarised runs: each thread lends the neurons of its block spike vectors of its own, taken
  // back with their capacity once the block is summarised, so that the whole sweep allocates a
  // block's worth of them (allocating one per neuron touched a page of the heap every few).
  std::vector<SpikeTimes> lent(summaries != nullptr ? threads : 0, SpikeTimes(block));
  // Runs neurons [begin, end) from the first step to the last.
  const auto run_block = [&](std::size_t thread, std::size_t begin, std::size_t end) {
    if (summaries != nullptr)
      for (std::size_t i = begin; i < end; ++i) result.spikes[i].swap(lent[thread][i - begin]);
    const bool records = recording && watched >= begin && watched < end;
    std::size_t spikes_before = 0;
    // Without random inputs the held part never changes: filled once.
    const bool refill = stimulus.has_held();
    const auto fill_input = [&](std::int64_t step) {
      if (step > 0 && !refill) return;
      for (std::size_t i = begin; i < end; ++i) held[i] = extra_input.empty() ? 0.0 : extra_input[i];
      stimulus.add_held(step, begin, end, held);
    };
    const auto record_row = [&](std::int64_t step) {
      const double t = static_cast<double>(step) * integration.dt;
      const bool spiked = draw_spikes && result.spikes[watched].size() > spikes_before;
      spikes_before = result.spikes[watched].size();
      result.trace.t.push_back(t);
      for (std::size_t c = 0; c < columns.size(); ++c) {
        double value = columns[c] < 0 ? held[watched] + (smooth ? smooth->at(t) : 0.0)
                                      : population->state(static_cast<std::size_t>(columns[c]), watched);
        if (spiked && columns[c] == 0) value = e.record.spike_height;
        result.trace.values[c].push_back(value);
      }
    };
    std::int64_t step = 0;
    if (may_leap) {
      fill_input(0);
      // Leaps whose cost grows with the span go in spans as long as the stepping loop's checks are
      // apart, so that progress and interrupts are seen as often.
      const double per_step = population->leap_work(result.steps) / static_cast<double>(result.steps);
      const std::int64_t span = per_step >= 0.5 ? check_every : result.steps;
      while (step < result.steps) {
        if (!check(thread)) return;
        const std::int64_t to = std::min(step + span, result.steps);
        if (!population->leap(begin, end, step, to, integration.dt, stimulus.at(0), held, result.spikes))
          break;  // (a population that cannot leap says so at once; the rest is stepped)
        count_done(end - begin, to - step);
        step = to;
      }
    }
    std::int64_t counted = step;
    for (; step < result.steps; ++step) {
      if (step % check_every == 0) {
        count_done(end - begin, step - counted);
        counted = step;
        if (!check(thread)) return;
      }
      const StepContext context{step, static_cast<double>(step) * integration.dt, integration.dt, smooth};
      fill_input(step);
      if (records) record_row(step);
      population->advance(begin, end, context, held, result.spikes);
    }
    count_done(end - begin, step - counted);
    if (records) {
      fill_input(result.steps);
      record_row(result.steps);
    }
    if (summaries != nullptr)
      for (std::size_t i = begin; i < end; ++i) {
        (*summaries)[i] = summary(result.spikes[i], summarize_from);
        result.spikes[i].clear();
        result.spikes[i].swap(lent[thread][i - begin]);
      }
  };

  if (progress) progress(0.0);
  core::run_team(threads, [&](std::size_t thread, std::size_t /*count*/) {
    try {
      for (std::size_t b = 0; next_block.next(b) && !stop.load(std::memory_order_relaxed);)
        run_block(thread, b * block, std::min((b + 1) * block, neurons));
    } catch (...) {
      errors[thread] = std::current_exception();
      stop = true;
    }
  });
  for (const auto& error : errors)
    if (error) std::rethrow_exception(error);
  if (progress) progress(1.0);
  if (summaries != nullptr) result.spikes.clear();
  return result;
}

}  // namespace

RunResult run(const Experiment& e, std::size_t neurons, std::span<const double> extra_input,
              const ProgressCallback& progress) {
  return simulate(e, neurons, extra_input, progress, 0, nullptr);
}

RunResult run_summarized(const Experiment& e, std::size_t neurons, std::span<const double> extra_input,
                         double from_ms, std::vector<SpikeSummary>& summaries,
                         const ProgressCallback& progress) {
  summaries.assign(neurons, {});
  return simulate(e, neurons, extra_input, progress, from_ms, &summaries);
}

}  // namespace lapicque
