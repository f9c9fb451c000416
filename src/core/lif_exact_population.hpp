// The LIF population under `exact`, vectorised: every neuron that neither fires nor leaves its
// refractory hold in a step is advanced by V <- V_inf + (V - V_inf) exp(-dt/tau_m), a whole SIMD
// register of neurons (eight with AVX-512) per instruction; the few that do are handed to the scalar
// reference stepper for that step. tests/test_lif_kernel.cpp holds the two against each other.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <experimental/simd>
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
        refractory_until_(size, -INFINITY) {}

  double refractory_until(std::size_t neuron) const override {
    return std::max(refractory_until_[neuron], this->clocks_[neuron].refractory_until);
  }

  void advance(std::size_t begin, std::size_t end, const StepContext& c, std::span<const double> held,
               SpikeTimes& spikes) override {
    namespace stdx = std::experimental;
    using Doubles = stdx::native_simd<double>;
    constexpr std::size_t width = Doubles::size();
    const auto& p = this->params_;
    const double t0 = c.t, t1 = c.t_end();
    const double smooth = c.smooth ? c.smooth->at(t0) : 0.0;
    const Doubles P = propagator_, E_L = p.E_L, V_th = p.V_th, inverse_g_L = inverse_g_L_, drive = smooth;
    double* V = this->state_[0].data();
    const double* until = refractory_until_.data();
    const double* input = held.data();
    // One vector of neurons: where each would go if nothing happened, and which of them may.
    const auto evaluate = [&](std::size_t first) {
      struct {
        Doubles v, V_inf, next;
        typename Doubles::mask_type moves, settled;
      } r;
      r.v = Doubles(V + first, stdx::element_aligned);
      const Doubles current(input + first, stdx::element_aligned);
      const Doubles hold_end(until + first, stdx::element_aligned);
      r.V_inf = E_L + (current + drive) * inverse_g_L;
      r.next = r.V_inf + (r.v - r.V_inf) * P;
      // Free neurons that stay below threshold move on (NaN compares false and is not kept);
      // neurons held for the whole step stay at V_reset.
      r.moves = hold_end <= t0 && r.next < V_th;
      r.settled = r.moves || hold_end >= t1;
      return r;
    };
    // In chunks: first the vectors where nothing happens, in a loop without calls that keeps its
    // constants in registers; then the few noted vectors, whose events take the closed-form step.
    constexpr std::size_t chunk = 64;
    std::array<std::size_t, chunk> noted;
    std::size_t i = begin;
    while (i + width <= end) {
      std::size_t count = 0;
      for (std::size_t k = 0; k < chunk && i + width <= end; ++k, i += width) {
        auto r = evaluate(i);
        if (stdx::all_of(r.settled)) {
          stdx::where(r.moves, r.v) = r.next;
          r.v.copy_to(V + i, stdx::element_aligned);
        } else {
          noted[count++] = i;
        }
      }
      for (std::size_t k = 0; k < count; ++k) {
        const std::size_t first = noted[k];
        auto r = evaluate(first);
        stdx::where(r.moves, r.v) = r.next;
        r.v.copy_to(V + first, stdx::element_aligned);
        for (std::size_t lane = 0; lane < width; ++lane)
          if (!r.settled[lane]) event_step(first + lane, t0, t1, r.V_inf[lane], spikes[first + lane]);
      }
    }
    for (; i < end; ++i)  // fewer than a vector left
      event_step(i, t0, t1, p.E_L + (input[i] + smooth) * inverse_g_L_, spikes[i]);
  }

  // Under a constant input the LIF's next spike has a closed form: jump from spike to spike.
  bool can_leap() const override { return true; }
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
      // The time from reset to threshold is the same after every spike: one logarithm per neuron.
      const double from_reset =
          V_inf > p.V_th ? p.tau_m * std::log((V_inf - p.V_reset) / (V_inf - p.V_th)) : INFINITY;
      if (std::isfinite(from_reset))  // room for every spike the leap will find
        spikes[i].reserve(spikes_before +
                          static_cast<std::size_t>(std::min((t_to - t) / (from_reset + p.t_ref), 1e6)) + 2);
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
        else if (v == p.V_reset)
          t_spike = t + from_reset;
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
        if (std::isfinite(from_reset)) {
          // Spike to spike, as the loop above goes from a reset (t = until, then t + from_reset),
          // written straight into the room reserved: a chain of two additions a spike, without
          // the loop's branches or push_back's check of capacity (a sweep of 1,000 currents
          // spends most of its simulation here). The loop above takes the end of the span.
          auto& out = spikes[i];
          const std::size_t filled = out.size();
          out.resize(std::min(out.capacity(), spikes_before + static_cast<std::size_t>(spike_limit)));
          double* slot = out.data() + filled;
          const double* const stop = out.data() + out.size();
          for (double next; until < t_to && slot < stop && (next = until + from_reset) <= t_to;) {
            *slot++ = next;
            t = next;
            until = next + p.t_ref;
          }
          out.resize(static_cast<std::size_t>(slot - out.data()));
        }
      }
      V[i] = v;
      refractory_until_[i] = until;
    }
    return true;
  }

 private:
  // One neuron over [t0, t1] under a constant input, event by event: the end of a hold, each
  // spike at its closed-form time. The same arithmetic as the vector lanes where nothing happens.
  // (leap() walks the same events over many steps but in the other order: within one step most
  // events end below threshold, so the exponential comes first and the logarithm only for a
  // spike; over a long leap nearly every interval ends in a spike, so the logarithm comes first
  // and is reused from spike to spike.)
  void event_step(std::size_t i, double t0, double t1, double V_inf, std::vector<double>& spikes) {
    const auto& p = this->params_;
    double t = t0, v = this->state_[0][i], until = refractory_until_[i];
    for (int count = 0;; ++count) {
      if (until > t) {
        if (until >= t1) {
          v = p.V_reset;
          break;
        }
        t = until;
        v = p.V_reset;
      }
      const double decay = t == t0 ? propagator_ : std::exp(-(t1 - t) / p.tau_m);
      const double next = V_inf + (v - V_inf) * decay;
      if (next < p.V_th) {
        v = next;
        break;
      }
      if (!std::isfinite(next))
        throw SimulationError(
            fmt::format("neuron {}: V_m became {} in the step from t = {} ms; check the input", i, next, t0));
      if (count > max_spikes_per_step)
        throw SimulationError(
            fmt::format("neuron {}: more than {} spikes within the step at t = {} ms: the input drives the "
                        "neuron faster than "
                        "the model can describe; lower the input or raise t_ref",
                        i, max_spikes_per_step, t0));
      const double t_spike = v >= p.V_th ? t : t + p.tau_m * std::log((V_inf - v) / (V_inf - p.V_th));
      spikes.push_back(t_spike);
      v = p.V_reset;
      until = t_spike + p.t_ref;
      t = t_spike;
    }
    this->state_[0][i] = v;
    refractory_until_[i] = until;
  }

  double propagator_, inverse_g_L_;
  std::vector<double> refractory_until_;  // [ms] per neuron, read by the vector loop
};

}  // namespace lapicque::core
