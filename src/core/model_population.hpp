// The generic population of model M: one array per state variable, stepped neuron by neuron with
// the scalar reference stepper.
#pragma once

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <vector>

#include "core/neuron_stepper.hpp"
#include "lapicque/population.hpp"

namespace lapicque::core {

template <class M>
class ModelPopulation : public Population {
 public:
  using Params = typename M::Params;
  static constexpr int N = M::n_state;
  using Stepper = NeuronStepper<M>;

  ModelPopulation(const Params& params, std::size_t size, const Integration& integration)
      : params_(params), stepper_(params, integration), clocks_(size) {
    Vec<N> initial;
    M::initial_state(params, initial.data());
    for (int k = 0; k < N; ++k) state_[k].assign(size, initial[k]);
  }

  std::size_t size() const override { return clocks_.size(); }
  std::span<const StateInfo> state_info() const override { return M::state; }
  double state(std::size_t variable, std::size_t neuron) const override { return state_[variable][neuron]; }
  double refractory_until(std::size_t neuron) const override { return clocks_[neuron].refractory_until; }
  void set_state(std::size_t variable, std::size_t neuron, double value) override {
    state_[variable][neuron] = value;
  }
  void add_to_state(std::size_t variable, std::size_t neuron, double delta) override {
    state_[variable][neuron] += delta;
  }

  void advance(std::size_t begin, std::size_t end, const StepContext& context, std::span<const double> held,
               SpikeTimes& spikes) override {
    for (std::size_t i = begin; i < end; ++i) {
      Vec<N> y;
      for (int k = 0; k < N; ++k) y[k] = state_[k][i];
      stepper_.advance(y, clocks_[i], context, held[i], spikes[i]);
      check_finite(y, i, context);
      for (int k = 0; k < N; ++k) state_[k][i] = y[k];
    }
  }

 protected:
  void check_finite(const Vec<N>& y, std::size_t neuron, const StepContext& context) const {
    for (int k = 0; k < N; ++k)
      if (!std::isfinite(y[k]))
        throw SimulationError(
            fmt::format("neuron {}: {} became {} in the step from t = {} ms: the integration diverged; use a "
                        "smaller dt or "
                        "method = \"adaptive\", and check the parameters and input",
                        neuron, M::state[k].name, y[k], context.t));
  }

  Params params_;
  Stepper stepper_;
  std::array<std::vector<double>, N> state_;
  std::vector<typename Stepper::Clock> clocks_;
};

}  // namespace lapicque::core
