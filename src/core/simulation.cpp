// Running an experiment: building the population and stimulus, stepping, recording.
#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>

#include "core/thread_pinning.hpp"
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

RunResult run(const Experiment& e, std::size_t neurons, std::span<const double> extra_input,
              const ProgressCallback& progress) {
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
  // Threads pay off only for enough work: a leap costs about one logarithm per spike, a step a few
  // operations per neuron.
  const bool may_leap = !recording && stimulus.is_constant() && population->can_leap();
  const double work = static_cast<double>(neurons) *
                      (may_leap ? population->leap_work(result.steps) : static_cast<double>(result.steps));
  const int threads =
      work >= 1e7 && neurons >= 64 ? std::min<int>(omp_get_max_threads(), static_cast<int>(neurons / 32)) : 1;
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(threads));
  // Thread 0 reports progress about every 2^16 neuron-steps of its own; any thread that fails, or
  // an interrupt from the progress callback, stops the others at their next check.
  std::atomic<bool> stop{false};
  const std::int64_t check_every = std::max<std::int64_t>(
      1, (std::int64_t{1} << 16) / static_cast<std::int64_t>(std::max<std::size_t>(1, neurons / threads)));

#pragma omp parallel num_threads(threads) if (threads > 1)
  {
    const auto thread = static_cast<std::size_t>(omp_get_thread_num());
    const auto count = static_cast<std::size_t>(omp_get_num_threads());
    const core::ThreadPinning pinning(thread, count);
    // Shares of whole cache lines (16 doubles): two threads never write the same line of the
    // state arrays, and every share but the last is made of whole SIMD vectors.
    const auto share_start = [&](std::size_t k) {
      return k == count ? neurons : neurons * k / count / 16 * 16;
    };
    const std::size_t begin = share_start(thread), end = share_start(thread + 1);
    const bool records = recording && watched >= begin && watched < end;
    std::size_t spikes_before = 0;
    try {
      // Without random inputs the held part never changes: fill it once.
      const bool refill = stimulus.has_held();
      auto fill_range = [&](std::int64_t step, std::size_t from, std::size_t to) {
        for (std::size_t i = from; i < to; ++i) held[i] = extra_input.empty() ? 0.0 : extra_input[i];
        stimulus.add_held(step, from, to, held);
      };
      auto fill_input = [&](std::int64_t step) {
        if (step > 0 && !refill) return;
        fill_range(step, begin, end);
      };
      auto record_row = [&](std::int64_t step) {
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
      // Nothing to record and an input that never changes: populations with a closed form leap
      // over the whole run; those whose leap still costs every step leap in spans as long as the
      // stepping loop's checks are apart, so that progress and interrupts are seen as often.
      // A leap's cost grows with the neuron's spikes, so in an f-I sweep with contiguous shares
      // the thread with the strong currents finished last (AdEx euler, 1000 currents, one thread:
      // 5.6 ms for the lower half, 6.4 ms for the upper). Leaping threads take blocks of 48
      // neurons in turn instead (whole lines, and whole SIMD vectors at any width), each filling
      // the held input of its own blocks.
      constexpr std::size_t block = 48;
      const bool interleaved = may_leap && count > 1;
      const auto for_own_blocks = [&](auto&& f) {
        for (std::size_t from = thread * block; from < neurons; from += count * block)
          if (!f(from, std::min(from + block, neurons))) return false;
        return true;
      };
      if (interleaved)
        for_own_blocks([&](std::size_t from, std::size_t to) {
          fill_range(0, from, to);
          return true;
        });
      else
        fill_input(0);
      bool leapt = false;
      if (!records && stimulus.is_constant()) {
        const double per_step = population->leap_work(result.steps) / static_cast<double>(result.steps);
        const std::int64_t span = per_step >= 0.5 ? check_every : result.steps;
        for (std::int64_t step = 0; step < result.steps; step += span) {
          if (stop.load(std::memory_order_relaxed)) break;
          if (thread == 0 && progress)
            progress(static_cast<double>(step) / static_cast<double>(result.steps));
          const std::int64_t to = std::min(step + span, result.steps);
          const auto leap = [&](std::size_t from, std::size_t until) {
            return population->leap(from, until, step, to, integration.dt, stimulus.at(0), held,
                                    result.spikes);
          };
          if (!(interleaved ? for_own_blocks(leap) : leap(begin, end)))
            break;  // (a population that cannot leap says so at once)
          leapt = true;
        }
      }
      for (std::int64_t step = 0; !leapt && step < result.steps; ++step) {
        if (step % check_every == 0) {
          if (stop.load(std::memory_order_relaxed)) break;
          if (thread == 0 && progress)
            progress(static_cast<double>(step) / static_cast<double>(result.steps));
        }
        const StepContext context{step, static_cast<double>(step) * integration.dt, integration.dt, smooth};
        fill_input(step);
        if (records) record_row(step);
        population->advance(begin, end, context, held, result.spikes);
      }
      if (records) {
        fill_input(result.steps);
        record_row(result.steps);
      }
    } catch (...) {
      errors[thread] = std::current_exception();
      stop = true;
    }
  }
  for (const auto& error : errors)
    if (error) std::rethrow_exception(error);
  if (progress) progress(1.0);
  return result;
}

}  // namespace lapicque
