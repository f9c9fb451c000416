// A group of neurons of one model, state stored as one array per variable, advanced step by step.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "lapicque/parameters.hpp"

namespace lapicque {

// The deterministic part of the input, shared by all neurons of a population: a function of
// continuous time that methods with internal stages (rk4, adaptive) evaluate where they need it.
class SmoothInput {
 public:
  virtual ~SmoothInput() = default;
  virtual double at(double t_ms) const = 0;  // [input unit]
};

// Where one step of the simulation stands.
struct StepContext {
  std::int64_t step = 0;                // index n of the step [t_n, t_n + dt]
  double t = 0;                         // [ms] t_n = n dt
  double dt = 0;                        // [ms]
  const SmoothInput* smooth = nullptr;  // nullptr: no smooth input
  // [ms] t_{n+1}, computed as the next step's t is, so that steps tile time exactly.
  double t_end() const { return static_cast<double>(step + 1) * dt; }
};

// Spike times of each neuron, in the order they happened.
using SpikeTimes = std::vector<std::vector<double>>;

class Population {
 public:
  virtual ~Population() = default;
  virtual std::size_t size() const = 0;
  virtual std::span<const StateInfo> state_info() const = 0;
  virtual double state(std::size_t variable, std::size_t neuron) const = 0;
  // Time until which the neuron is held refractory [ms]; <= t when it is free.
  virtual double refractory_until(std::size_t neuron) const = 0;
  // Sets a state variable, or moves it by `delta` (a delta synapse's jump of V) [its unit].
  virtual void set_state(std::size_t variable, std::size_t neuron, double value) = 0;
  virtual void add_to_state(std::size_t variable, std::size_t neuron, double delta) = 0;

  // Advances neurons [begin, end) over one step. `held` is each neuron's input that stays
  // constant over the step (noise, file, per-neuron currents), indexed by neuron; the smooth
  // input of `context` adds to it. Spike times are appended to `spikes[neuron]`.
  virtual void advance(std::size_t begin, std::size_t end, const StepContext& context,
                       std::span<const double> held, SpikeTimes& spikes) = 0;

  // Advances neurons [begin, end) from step `from` to step `to` at once, when the input of every
  // neuron (held[i] + smooth) stays the same over all those steps. Populations whose dynamics
  // have a closed form jump from event to event, others may run many steps in one go; those
  // that cannot return false and are stepped.
  virtual bool can_leap() const { return false; }
  // What a leap over `steps` steps costs per neuron, in neuron-steps (for the choice of threads):
  // a closed form costs about a thousand, whatever the span.
  virtual double leap_work(std::int64_t /*steps*/) const { return 1e3; }
  virtual bool leap(std::size_t /*begin*/, std::size_t /*end*/, std::int64_t /*from*/, std::int64_t /*to*/,
                    double /*dt*/, double /*smooth*/, std::span<const double> /*held*/,
                    SpikeTimes& /*spikes*/) {
    return false;
  }
};

}  // namespace lapicque
