// AdEx under `euler`, vectorised: a SIMD register of neurons per instruction (eight with AVX-512,
// four with AVX2), the exponential inline (core/simd.hpp). A step in which a neuron is free
// and stays below V_peak, fires (crosses V_peak: stamped at the linear interpolation, reset at
// the end of the step, w += b) or stays held throughout is taken in the vector; a neuron whose
// hold ends inside the step, or whose state is no longer finite, takes the scalar reference
// stepper for that step. tests/test_adex_kernel.cpp holds the two against each other.
#pragma once

#include <algorithm>
#include <vector>

#include "core/model_population.hpp"
#include "core/simd.hpp"
#include "models/adex.hpp"

namespace lapicque::core {

class AdexEulerPopulation final : public ModelPopulation<models::Adex> {
  using Base = ModelPopulation<models::Adex>;

 public:
  AdexEulerPopulation(const models::Adex::Params& params, std::size_t size, const Integration& integration)
      : Base(params, size, integration), dt_(integration.dt), refractory_until_(size, -INFINITY) {}

  double refractory_until(std::size_t neuron) const override { return refractory_until_[neuron]; }

  void advance(std::size_t begin, std::size_t end, const StepContext& c, std::span<const double> held,
               SpikeTimes& spikes) override {
    // Without a refractory period (Brette & Gerstner's parameters) no neuron is ever held: the
    // loop need not read or write the end of each neuron's hold.
    if (this->params_.t_ref > 0)
      advance_vectors<true>(begin, end, c, held, spikes);
    else
      advance_vectors<false>(begin, end, c, held, spikes);
  }

 private:
  template <bool with_holds>
  void advance_vectors(std::size_t begin, std::size_t end, const StepContext& c, std::span<const double> held,
                       SpikeTimes& spikes) {
    const auto& p = this->params_;
    const double t0 = c.t, t1 = c.t_end();
    const double smooth = c.smooth ? c.smooth->at(t0) : 0.0;
    const double release = euler_release_time(c, t1, p.t_ref);
    const Doubles dt = dt_, drive = smooth, E_L = p.E_L, V_T = p.V_th, V_peak = p.V_peak, V_reset = p.V_reset;
    const Doubles Delta_T = p.Delta_T, inverse_Delta_T = 1 / p.Delta_T, inverse_g_L = 1 / p.g_L;
    const Doubles inverse_tau_m = 1 / p.tau_m, inverse_tau_w = 1 / p.tau_w, a = p.a, b = p.b;
    const Doubles start = t0, stop = t1, release_at = release;
    // While held, w relaxes towards a (V_reset - E_L) with V = V_reset.
    const Doubles held_drive = p.a * (std::min(p.V_reset, p.V_peak) - p.E_L);
    double* V = this->state_[0].data();
    double* W = this->state_[1].data();
    double* until = refractory_until_.data();
    std::size_t i = begin;
    for (; i + simd_width <= end; i += simd_width) {
      const Doubles v(V + i, stdx::element_aligned), w(W + i, stdx::element_aligned);
      const Doubles I = Doubles(held.data() + i, stdx::element_aligned) + drive;
      // Free: one Euler step; the exponential and dw/dt see min(V, V_peak).
      const Doubles capped = stdx::min(v, V_peak);
      const Doubles spike_drive = Delta_T * exp((capped - V_T) * inverse_Delta_T);
      const Doubles dv = (spike_drive - (v - E_L) + (I - w) * inverse_g_L) * inverse_tau_m;
      const Doubles dw = (a * (capped - E_L) - w) * inverse_tau_w;
      const Doubles v_next = v + dt * dv, w_next = w + dt * dw;
      DoubleMask free(true), held_all(false);
      Doubles hold_end;
      if constexpr (with_holds) {
        hold_end.copy_from(until + i, stdx::element_aligned);
        free = hold_end <= start;
        held_all = hold_end >= stop;
      }
      const DoubleMask moves = free && v_next < V_peak;  // NaN compares false: not moved
      const DoubleMask fires = free && v_next >= V_peak;
      Doubles v_out = v, w_out = w;
      stdx::where(moves, v_out) = v_next;
      stdx::where(moves, w_out) = w_next;
      stdx::where(fires, v_out) = V_reset;
      stdx::where(fires, w_out) = w_next + b;
      if constexpr (with_holds) {
        // Held all step: V stays at V_reset, w relaxes.
        stdx::where(held_all, v_out) = V_reset;
        stdx::where(held_all, w_out) = w + dt * ((held_drive - w) * inverse_tau_w);
        stdx::where(fires, hold_end) = release_at;
        hold_end.copy_to(until + i, stdx::element_aligned);
      }
      v_out.copy_to(V + i, stdx::element_aligned);
      w_out.copy_to(W + i, stdx::element_aligned);
      const DoubleMask settled = moves || held_all;
      if (stdx::all_of(settled)) continue;
      for (std::size_t lane = 0; lane < simd_width; ++lane) {
        if (fires[lane]) {  // the stepper's interpolation of the crossing inside the step
          const double v0 = v[lane], v1 = v_next[lane];
          const double fraction = v0 >= p.V_peak ? 0.0 : (p.V_peak - v0) / (v1 - v0);
          spikes[i + lane].push_back(t0 + fraction * dt_);
          if constexpr (!with_holds) until[i + lane] = release;
        } else if (!settled[lane]) {
          reference_step(i + lane, c, held, spikes);
        }
      }
    }
    for (; i < end; ++i) reference_step(i, c, held, spikes);  // fewer than a vector left
  }

  void reference_step(std::size_t i, const StepContext& c, std::span<const double> held, SpikeTimes& spikes) {
    Stepper::Clock& clock = this->clocks_[i];
    clock.refractory_until = refractory_until_[i];
    Vec<2> y{this->state_[0][i], this->state_[1][i]};
    this->stepper_.advance(y, clock, c, held[i], spikes[i]);
    this->check_finite(y, i, c);
    this->state_[0][i] = y[0];
    this->state_[1][i] = y[1];
    refractory_until_[i] = clock.refractory_until;
  }

  double dt_;
  std::vector<double> refractory_until_;  // [ms] per neuron, read by the vector loop
};

}  // namespace lapicque::core
