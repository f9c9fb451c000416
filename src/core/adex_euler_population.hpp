// AdEx under `euler`, vectorised: a SIMD register of neurons per instruction (eight with AVX-512,
// four with AVX2), the exponential inline (core/simd.hpp). A step in which a neuron is free
// and stays below V_peak, fires (crosses V_peak: stamped at the linear interpolation, reset at
// the end of the step, w += b) or stays held throughout is taken in the vector; a neuron whose
// hold ends inside the step, or whose state is no longer finite, takes the scalar reference
// stepper for that step. tests/test_adex_kernel.cpp holds the two against each other.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>
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

  // Under a constant input, with nothing recorded and no refractory period: each SIMD vector of
  // neurons runs the whole span at once, its state in registers, several vectors interleaved so
  // that their chains of dependent operations (one step waits for the last) overlap. The same
  // arithmetic as advance() (FreeStep), so the spikes are the same to the bit.
  bool can_leap() const override { return this->params_.t_ref == 0; }
  double leap_work(std::int64_t steps) const override { return static_cast<double>(steps); }
  bool leap(std::size_t begin, std::size_t end, std::int64_t from, std::int64_t to, double dt, double smooth,
            std::span<const double> held, SpikeTimes& spikes) override {
    if (!can_leap() || dt != dt_) return false;
    // Vectors in blocks of `chains`, the last block shorter (a block takes about the same time
    // whatever its length: the chain of one step's operations sets it).
    constexpr std::size_t chains = 6;
    std::size_t i = begin;
    for (; i + chains * simd_width <= end; i += chains * simd_width)
      leap_vectors<chains>(i, from, to, smooth, held, spikes);
    const std::size_t left = (end - i) / simd_width;
    leap_block(left, i, from, to, smooth, held, spikes, std::make_index_sequence<chains>{});
    i += left * simd_width;
    if (i < end) step_through(i, end, from, to, smooth, held, spikes);  // fewer than a vector left
    return true;
  }

 private:
  // One free Euler step of a vector of neurons; the exponential and dw/dt see min(V, V_peak).
  // Arranged for few operations and a short chain of dependent ones from V to the next V (the leap
  // waits for it at every step): the step's linear part is v (1 - dt/tau_m) + drive - w dt/(tau_m
  // g_L), its drive dt/tau_m (E_L + I/g_L) computed once per input (`drive`); the exponential's
  // term, dt/tau_m Delta_T exp((V - V_T)/Delta_T), is one exponential with the constant factor
  // moved into its argument, computed beside the rest; w's step is w (1 - dt/tau_w) + a dt/tau_w
  // (V - E_L): four multiply-adds beside the exponential's ten.
  struct FreeStep {
    Doubles V_peak, inverse_Delta_T, exponent_offset, v_keeps, w_to_v, leak_drive, w_keeps, v_to_w, w_offset;
    FreeStep(const models::Adex::Params& p, double step)
        : V_peak(p.V_peak),
          inverse_Delta_T(1 / p.Delta_T),
          exponent_offset(std::log(step / p.tau_m * p.Delta_T) - p.V_th / p.Delta_T),
          v_keeps(1 - step / p.tau_m),
          w_to_v(step / p.tau_m / p.g_L),
          leak_drive(step / p.tau_m * p.E_L),
          w_keeps(1 - step / p.tau_w),
          v_to_w(p.a * step / p.tau_w),
          w_offset(-p.a * step / p.tau_w * p.E_L) {}
    // The linear part's drive under input I [pA].
    [[gnu::always_inline]] Doubles drive(const Doubles& I) const { return I * w_to_v + leak_drive; }
    [[gnu::always_inline]] void operator()(const Doubles& v, const Doubles& w, const Doubles& drive,
                                           Doubles& v_next, Doubles& w_next) const {
      // (Products and sums that the compiler fuses: stdx::fma is computed lane by lane. The
      // exponential's clamped ends are no matter: 3e-308 beside V, or a term of 8e307 mV that
      // takes V past V_peak as infinity would.)
      const Doubles capped = stdx::min(v, V_peak);
      const Doubles spike_push = exp_clamped(capped * inverse_Delta_T + exponent_offset);
      v_next = ((v * v_keeps + drive) - w * w_to_v) + spike_push;
      w_next = capped * v_to_w + (w * w_keeps + w_offset);
    }
  };

  // The stepper's spike: the crossing of V_peak interpolated inside the step [t0, t0 + dt].
  double crossing(double t0, double v0, double v1) const {
    const double fraction = v0 >= this->params_.V_peak ? 0.0 : (this->params_.V_peak - v0) / (v1 - v0);
    return t0 + fraction * dt_;
  }

  template <std::size_t... counts>
  void leap_block(std::size_t vectors, std::size_t i, std::int64_t from, std::int64_t to, double smooth,
                  std::span<const double> held, SpikeTimes& spikes, std::index_sequence<counts...>) {
    ((vectors == counts && counts > 0 ? leap_vectors<counts>(i, from, to, smooth, held, spikes) : void()),
     ...);
  }

  template <std::size_t chains>
  void leap_vectors(std::size_t i, std::int64_t from, std::int64_t to, double smooth,
                    std::span<const double> held, SpikeTimes& spikes) {
    const auto& p = this->params_;
    double* V = this->state_[0].data();
    double* W = this->state_[1].data();
    const FreeStep free_step(p, dt_);
    const Doubles V_reset = p.V_reset, b = p.b, drive = smooth;
    // I: the drive of each vector's input. (Every loop over the chains is unrolled, so that their
    // states stay in registers.)
    std::array<Doubles, chains> v, w, I;
#pragma GCC unroll 16
    for (std::size_t k = 0; k < chains; ++k) {
      const std::size_t at = i + k * simd_width;
      v[k].copy_from(V + at, stdx::element_aligned);
      w[k].copy_from(W + at, stdx::element_aligned);
      I[k] = free_step.drive(Doubles(held.data() + at, stdx::element_aligned) + drive);
    }
    const auto store = [&] {
#pragma GCC unroll 16
      for (std::size_t k = 0; k < chains; ++k) {
        v[k].copy_to(V + i + k * simd_width, stdx::element_aligned);
        w[k].copy_to(W + i + k * simd_width, stdx::element_aligned);
      }
    };
    for (std::int64_t step = from; step < to; ++step) {
      std::array<Doubles, chains> v_next, w_next;
      std::array<DoubleMask, chains> moves;
      DoubleMask all_move(true);
#pragma GCC unroll 16
      for (std::size_t k = 0; k < chains; ++k) {
        free_step(v[k], w[k], I[k], v_next[k], w_next[k]);
        moves[k] = v_next[k] < free_step.V_peak;  // NaN compares false: not moved
        all_move = all_move && moves[k];
      }
      if (stdx::all_of(all_move)) [[likely]] {
        v = v_next;
        w = w_next;
        continue;
      }
      const double t0 = static_cast<double>(step) * dt_;
#pragma GCC unroll 16
      for (std::size_t k = 0; k < chains; ++k) {
        const DoubleMask fires = v_next[k] >= free_step.V_peak;
        if (!stdx::all_of(moves[k] || fires)) {
          // A state that is no longer finite: the rest of the span step by step, where the
          // reference stepper names the neuron and the time.
          store();
          step_through(i, i + chains * simd_width, step, to, smooth, held, spikes);
          return;
        }
        const std::size_t at = i + k * simd_width;
        for (std::size_t lane = 0; lane < simd_width; ++lane)
          if (fires[lane]) {
            spikes[at + lane].push_back(crossing(t0, v[k][lane], v_next[k][lane]));
            refractory_until_[at + lane] = static_cast<double>(step + 1) * dt_;
          }
        Doubles v_out = v_next[k], w_out = w_next[k];
        stdx::where(fires, v_out) = V_reset;
        stdx::where(fires, w_out) = w_next[k] + b;
        v[k] = v_out;
        w[k] = w_out;
      }
    }
    store();
  }

  // Steps [from, to) of neurons [begin, end) one at a time, under the constant input.
  void step_through(std::size_t begin, std::size_t end, std::int64_t from, std::int64_t to, double smooth,
                    std::span<const double> held, SpikeTimes& spikes) {
    struct Constant final : SmoothInput {
      double value = 0;
      double at(double /*t_ms*/) const override { return value; }
    } constant;
    constant.value = smooth;
    for (std::int64_t step = from; step < to; ++step)
      advance(begin, end, StepContext{step, static_cast<double>(step) * dt_, dt_, &constant}, held, spikes);
  }

  template <bool with_holds>
  void advance_vectors(std::size_t begin, std::size_t end, const StepContext& c, std::span<const double> held,
                       SpikeTimes& spikes) {
    const auto& p = this->params_;
    const double t0 = c.t, t1 = c.t_end();
    const double smooth = c.smooth ? c.smooth->at(t0) : 0.0;
    const double release = euler_release_time(c, t1, p.t_ref);
    const FreeStep free_step(p, dt_);
    const Doubles dt = dt_, drive = smooth, V_peak = p.V_peak, V_reset = p.V_reset, b = p.b;
    const Doubles inverse_tau_w = 1 / p.tau_w, start = t0, stop = t1, release_at = release;
    // While held, w relaxes towards a (V_reset - E_L) with V = V_reset.
    const Doubles held_drive = p.a * (std::min(p.V_reset, p.V_peak) - p.E_L);
    double* V = this->state_[0].data();
    double* W = this->state_[1].data();
    double* until = refractory_until_.data();
    std::size_t i = begin;
    for (; i + simd_width <= end; i += simd_width) {
      const Doubles v(V + i, stdx::element_aligned), w(W + i, stdx::element_aligned);
      const Doubles I = Doubles(held.data() + i, stdx::element_aligned) + drive;
      Doubles v_next, w_next;
      free_step(v, w, free_step.drive(I), v_next, w_next);
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
        if (fires[lane]) {
          spikes[i + lane].push_back(crossing(t0, v[lane], v_next[lane]));
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
