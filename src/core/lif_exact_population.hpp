// The LIF population under `exact`, vectorised: every neuron that neither fires nor leaves its
// refractory hold in a step is advanced by V <- V_inf + (V - V_inf) exp(-dt/tau_m), eight (AVX-512)
// neurons per instruction; the few that do are handed to the scalar reference stepper for that
// step. tests/test_lif_kernel.cpp holds the two against each other.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/model_population.hpp"
#include "models/lif.hpp"

namespace lapicque::core {

template <class M>
class LifExactPopulation final : public ModelPopulation<M> {
  using Base = ModelPopulation<M>;

 public:
  LifExactPopulation(const typename M::Params& params, std::size_t size, const Integration& integration)
      : Base(params, size, integration),
        propagator_(std::exp(-integration.dt / params.tau_m)),
        inverse_g_L_(1 / params.g_L),
        refractory_until_(size, -INFINITY),
        events_(size + 8, 0) {}

  double refractory_until(std::size_t neuron) const override {
    return std::max(refractory_until_[neuron], this->clocks_[neuron].refractory_until);
  }

  void advance(std::size_t begin, std::size_t end, const StepContext& c, std::span<const double> held,
               SpikeTimes& spikes) override {
    const auto& p = this->params_;
    const double t0 = c.t, t1 = c.t_end();
    const double smooth = c.smooth ? c.smooth->at(t0) : 0.0;
    const double P = propagator_, E_L = p.E_L, V_th = p.V_th, inv_g = inverse_g_L_;
    double* __restrict V = this->state_[0].data();
    const double* __restrict until = refractory_until_.data();
    const double* __restrict input = held.data();
    std::uint8_t* __restrict event = events_.data();
    // Fast path: free neurons that stay below threshold, and neurons held for the whole step.
#pragma omp simd
    for (std::size_t i = begin; i < end; ++i) {
      const double v = V[i];
      const double V_inf = E_L + (input[i] + smooth) * inv_g;
      const double next = V_inf + (v - V_inf) * P;
      const bool free = until[i] <= t0;
      const bool held_all_step = until[i] >= t1;
      const bool fires = free && next >= V_th;
      const bool not_finite = next - next != 0;  // NaN or infinite: let the stepper report it
      event[i] = static_cast<std::uint8_t>(fires || not_finite || !(free || held_all_step));
      V[i] = free && !fires && !not_finite ? next : v;
    }
    // The rest: the scalar reference stepper, one whole step each.
    for (std::size_t i = begin; i < end; ++i) {
      if (i % 8 == 0 && i + 8 <= end) {
        std::uint64_t eight;
        std::memcpy(&eight, event + i, 8);
        if (eight == 0) {
          i += 7;
          continue;
        }
      }
      if (event[i] == 0) continue;
      typename Base::Stepper::Clock& clock = this->clocks_[i];
      clock.refractory_until = refractory_until_[i];
      Vec<1> y{V[i]};
      this->stepper_.advance(y, clock, c, held[i], spikes[i]);
      this->check_finite(y, i, c);
      V[i] = y[0];
      refractory_until_[i] = clock.refractory_until;
    }
  }

  // Under a constant input the LIF's next spike has a closed form: jump from spike to spike.
  bool leap(std::size_t begin, std::size_t end, std::int64_t from, std::int64_t to, double dt, double smooth,
            std::span<const double> held, SpikeTimes& spikes) override {
    const auto& p = this->params_;
    const double t_from = static_cast<double>(from) * dt, t_to = static_cast<double>(to) * dt;
    const double spike_limit = max_spikes_per_step * static_cast<double>(to - from);
    double* V = this->state_[0].data();
    for (std::size_t i = begin; i < end; ++i) {
      const double V_inf = p.E_L + (held[i] + smooth) * inverse_g_L_;
      if (!std::isfinite(V_inf))
        throw SimulationError("neuron " + std::to_string(i) + ": the input current is not finite");
      double t = t_from, v = V[i], until = refractory_until_[i];
      const std::size_t spikes_before = spikes[i].size();
      while (true) {
        if (until > t) {
          if (until >= t_to) {
            v = p.V_reset;
            break;
          }
          t = until;
          v = p.V_reset;
        }
        double t_spike = INFINITY;
        if (v >= p.V_th)
          t_spike = t;
        else if (V_inf > p.V_th)
          t_spike = t + p.tau_m * std::log((V_inf - v) / (V_inf - p.V_th));
        if (t_spike > t_to) {
          v = V_inf + (v - V_inf) * std::exp(-(t_to - t) / p.tau_m);
          break;
        }
        spikes[i].push_back(t_spike);
        if (static_cast<double>(spikes[i].size() - spikes_before) > spike_limit)
          throw SimulationError(
              "neuron " + std::to_string(i) +
              ": more than 10000 spikes per step: the input drives the neuron faster than the model "
              "can describe; lower the input or raise t_ref");
        t = t_spike;
        v = p.V_reset;
        until = t_spike + p.t_ref;
      }
      V[i] = v;
      refractory_until_[i] = until;
    }
    return true;
  }

 private:
  double propagator_, inverse_g_L_;
  std::vector<double> refractory_until_;  // [ms] per neuron, read by the vector loop
  std::vector<std::uint8_t> events_;
};

}  // namespace lapicque::core
