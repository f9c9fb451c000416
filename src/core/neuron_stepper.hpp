// Advances one neuron of model M over one grid step [t_n, t_n + dt] with the chosen method,
// locating spikes inside the step and holding V for exactly t_ref after each. This is the
// scalar reference stepper of every model; fast kernels (lif_exact_kernel.hpp) are tested
// against it. The time-step contract it implements is written down in HACKING.md.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "core/explicit_steps.hpp"
#include "core/root_finding.hpp"
#include "lapicque/error.hpp"
#include "lapicque/method.hpp"
#include "lapicque/population.hpp"

namespace lapicque::core {

// Models may provide their own Euler scheme (Izhikevich's programs update u from the new v).
template <class M>
concept HasOwnEuler = requires(const typename M::Params& p, double* y) {
  M::euler_step(p, y, 0.0, 0.0);
};

// More spikes than this inside one step means the input drives the neuron faster than anything
// physical; stop instead of looping.
inline constexpr int max_spikes_per_step = 10000;

// [ms] Below this step length the adaptive method accepts a step that reaches the spike level
// even when its error estimate is large (the dynamics beyond the level do not matter).
inline constexpr double event_resolution = 1e-9;

// Models whose exact propagation over a step is a precomputable matrix (alif) let the stepper
// keep the one of a whole step.
template <class M>
concept HasPropagator = requires(const typename M::Params& p, double* y) {
  M::apply_propagator(p, M::propagator(p, 0.0), y, 0.0);
};

template <class M, bool = HasPropagator<M>>
struct FullStep {
  struct type {};
};
template <class M>
struct FullStep<M, true> {
  using type = decltype(M::propagator(std::declval<const typename M::Params&>(), 0.0));
};

// Under `euler`, the end of the hold after a reset at the end of step n (t_end = t_{n+1}): t_ref
// later, put exactly on the grid when t_ref is a whole number of steps (so that the clamp ends with
// a step, as in the seed programs). Fast Euler kernels use the same.
inline double euler_release_time(const StepContext& c, double t_end, double t_ref) {
  const double steps = t_ref / c.dt, whole = std::round(steps);
  if (std::abs(steps - whole) <= 1e-9 * std::max(1.0, steps))
    return static_cast<double>(c.step + 1 + static_cast<std::int64_t>(whole)) * c.dt;
  return t_end + t_ref;
}

template <class M>
class NeuronStepper {
 public:
  using Params = typename M::Params;
  static constexpr int N = M::n_state;
  using State = Vec<N>;

  // Per-neuron bookkeeping besides the model state.
  struct Clock {
    double refractory_until = -INFINITY;  // [ms]
    double adaptive_step = 0;             // [ms] last accepted internal step (adaptive only)
  };

  NeuronStepper(const Params& params, const Integration& integration)
      : p_(params),
        integration_(integration),
        level_(M::spike_level(params)),
        reset_level_(M::reset_level(params)),
        t_ref_(M::refractory_period(params)) {
    if constexpr (HasPropagator<M>) full_step_ = M::propagator(params, integration.dt);
  }

  void advance(State& y, Clock& clock, const StepContext& c, double held, std::vector<double>& spikes) const {
    // `exact` holds the whole input at its value at t_n over the step (zero-order hold).
    const Input input = integration_.method == Method::exact
                            ? Input{held + (c.smooth ? c.smooth->at(c.t) : 0.0), nullptr}
                            : Input{held, c.smooth};
    switch (integration_.method) {
      case Method::euler:
        advance_euler(y, clock, c, input, spikes);
        break;
      default:
        advance_continuous(y, clock, c, input, spikes);
        break;
    }
  }

 private:
  struct Input {
    double held;
    const SmoothInput* smooth;
    double operator()(double t) const { return smooth ? held + smooth->at(t) : held; }
  };

  // ---- euler: the teaching material's scheme --------------------------------------------
  // Input sampled at t_n; a crossing seen at t_n + dt is stamped at the linear interpolation of V
  // inside the step, the reset applied at t_n + dt and V held for t_ref from there.
  void euler_substep(State& y, double I, double h) const {
    if constexpr (HasOwnEuler<M>) {
      M::euler_step(p_, y.data(), I, h);
    } else {
      State dy;
      M::derivatives(p_, y.data(), I, dy.data());
      for (int i = 0; i < N; ++i) y[i] += h * dy[i];
    }
  }
  void clamped_euler_substep(State& y, double I, double h) const {
    State z = y, dy;
    z[0] = reset_level_;
    M::derivatives(p_, z.data(), I, dy.data());
    for (int i = 1; i < N; ++i) y[i] += h * dy[i];
    y[0] = reset_level_;
  }
  double release_time(const StepContext& c, double t_end) const {
    return euler_release_time(c, t_end, t_ref_);
  }
  void advance_euler(State& y, Clock& clock, const StepContext& c, const Input& input,
                     std::vector<double>& spikes) const {
    const double t_end = c.t_end();
    const double I = input(c.t);
    double t = c.t;
    if (M::has_reset && clock.refractory_until > t) {
      const double t1 = std::min(clock.refractory_until, t_end);
      clamped_euler_substep(y, I, t1 == t_end ? c.dt : t1 - t);
      t = t1;
    }
    if (!(t < t_end)) return;
    const double h = t == c.t ? c.dt : t_end - t;  // a whole step is exactly dt, as in the programs
    const double v0 = y[0];
    euler_substep(y, I, h);
    const double v1 = y[0];
    if (v1 >= level_ && (M::has_reset || v0 < level_)) {
      const double fraction = v0 >= level_ ? 0.0 : (level_ - v0) / (v1 - v0);
      spikes.push_back(t + fraction * h);
      if constexpr (M::has_reset) {
        M::reset(p_, y.data());
        clock.refractory_until = release_time(c, t_end);
      }
    }
  }

  // ---- exact, rk4, adaptive: spikes located and reset at their time inside the step ----------
  void advance_continuous(State& y, Clock& clock, const StepContext& c, const Input& input,
                          std::vector<double>& spikes) const {
    const double t_end = c.t_end();
    double t = c.t;
    int spikes_in_step = 0;
    while (t < t_end) {
      if (M::has_reset && clock.refractory_until > t) {
        const double t1 = std::min(clock.refractory_until, t_end);
        evolve_clamped(y, clock, t, t1, input);
        t = t1;
        continue;
      }
      double t_spike = 0;
      // A whole free step is exactly dt long (fast kernels use the same propagator).
      const double h = t == c.t ? c.dt : t_end - t;
      if (!evolve_free(y, clock, t, t_end, h, input, spikes, t_spike)) break;
      spikes.push_back(t_spike);
      M::reset(p_, y.data());
      clock.refractory_until = t_spike + t_ref_;
      t = t_spike;
      if (++spikes_in_step > max_spikes_per_step)
        throw SimulationError(
            fmt::format("more than {} spikes within the step at t = {} ms: the input drives the neuron "
                        "faster than the model "
                        "can describe; lower the input or raise t_ref",
                        max_spikes_per_step, c.t));
    }
  }

  // Derivatives of the free and the clamped (V held at its reset value) dynamics.
  auto free_rhs(const Input& input) const {
    return [this, &input](double t, const double* y, double* dy) { M::derivatives(p_, y, input(t), dy); };
  }
  auto clamped_rhs(const Input& input) const {
    return [this, &input](double t, const double* y, double* dy) {
      State z;
      std::copy(y, y + N, z.begin());
      z[0] = reset_level_;
      M::derivatives(p_, z.data(), input(t), dy);
      dy[0] = 0;
    };
  }

  void evolve_clamped(State& y, Clock& clock, double t0, double t1, const Input& input) const {
    const double h = t1 - t0;
    y[0] = reset_level_;
    if constexpr (N == 1) return;
    switch (integration_.method) {
      case Method::exact:
        if constexpr (requires { M::exact_clamped(p_, y.data(), h); }) M::exact_clamped(p_, y.data(), h);
        break;
      case Method::rk4:
        y = rk4_step<N>(clamped_rhs(input), t0, y, h);
        break;
      default:
        integrate_adaptive(clamped_rhs(input), y, clock, t0, t1, nullptr);
        break;
    }
    y[0] = reset_level_;
  }

  // Evolves y from t0 towards t1. For models with a reset, stops at the first time V reaches the
  // spike level: returns true with y the state there and t_spike its time. Models without reset
  // (hh) record each upward crossing in `spikes` and go on to t1.
  bool evolve_free(State& y, Clock& clock, double t0, double t1, double h, const Input& input,
                   std::vector<double>& spikes, double& t_spike) const {
    switch (integration_.method) {
      case Method::exact:
        if constexpr (requires { M::exact_propagate(p_, y.data(), 0.0, 0.0); }) {
          return exact_free(y, t0, h, input(t0), t_spike);
        }
        return false;
      case Method::rk4: {
        const auto f = free_rhs(input);
        const State y1 = rk4_step<N>(f, t0, y, t1 - t0);
        const auto step_to = [&](double tau) { return rk4_step<N>(f, t0, y, tau); };
        return settle_step(f, y, y1, t0, t1, step_to, spikes, t_spike);
      }
      default:
        return integrate_adaptive(free_rhs(input), y, clock, t0, t1, &spikes, &t_spike);
    }
  }

  bool exact_free(State& y, double t0, double h, double I, double& t_spike) const {
    if constexpr (requires { M::exact_crossing(p_, y.data(), 0.0, 0.0); }) {
      State y1 = y;
      if constexpr (HasPropagator<M>) {
        if (h == integration_.dt)
          M::apply_propagator(p_, full_step_, y1.data(), I);
        else
          M::exact_propagate(p_, y1.data(), I, h);
      } else {
        M::exact_propagate(p_, y1.data(), I, h);
      }
      if (y1[0] >= level_) {
        const double tau = y[0] >= level_ ? 0.0 : M::exact_crossing(p_, y.data(), I, h);
        M::exact_propagate(p_, y.data(), I, tau);
        t_spike = t0 + tau;
        return true;
      }
      y = y1;
    }
    return false;
  }

  // Given the step y -> y1 over [t0, t1]: if V reaches the spike level inside it, locate the time
  // on the cubic Hermite interpolant, refine it on the method's own solution (Newton inside the
  // bracket), and either stop there (reset models) or record it and accept y1 (no reset).
  template <class F, class StepTo>
  bool settle_step(F&& f, State& y, const State& y1, double t0, double t1, StepTo&& step_to,
                   std::vector<double>& spikes, double& t_spike) const {
    const bool reached = y1[0] >= level_;
    if (!reached || (!M::has_reset && y[0] >= level_)) {
      y = y1;
      return false;
    }
    double tau = 0;
    State at = y;
    if (y[0] < level_) {
      const double h = t1 - t0;
      State f0, f1;
      f(t0, y.data(), f0.data());
      f(t1, y1.data(), f1.data());
      const auto cubic = [&](double s) { return hermite(y[0], y1[0], f0[0], f1[0], h, s) - level_; };
      tau = find_crossing(cubic, 0.0, h, y[0] - level_, y1[0] - level_);
      double lo = 0, hi = h;
      for (int iteration = 0; iteration < 8; ++iteration) {
        at = step_to(tau);
        const double residual = at[0] - level_;
        if (std::abs(residual) <= 1e-12 * (1 + std::abs(level_))) break;
        (residual < 0 ? lo : hi) = tau;
        State slope;
        f(t0 + tau, at.data(), slope.data());
        double next = slope[0] > 0 ? tau - residual / slope[0] : 0.5 * (lo + hi);
        if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
        if (next == tau) break;
        tau = next;
      }
    }
    t_spike = t0 + tau;
    if constexpr (M::has_reset) {
      y = at;
      return true;
    } else {
      spikes.push_back(t_spike);
      y = y1;
      return false;
    }
  }

  // Dormand-Prince 5(4) with error control from t0 to t1 (internal steps never cross t1).
  template <class F>
  bool integrate_adaptive(F&& f, State& y, Clock& clock, double t0, double t1, std::vector<double>* spikes,
                          double* t_spike = nullptr) const {
    const double rtol = integration_.rtol, atol = integration_.atol;
    double t = t0;
    double h = clock.adaptive_step > 0 ? clock.adaptive_step : t1 - t0;
    int rejected = 0;
    // Near AdEx's blow-up accepted steps shrink with the time left to the singularity and would
    // never reach it; a step of event_resolution is tried instead, and taken if it crosses.
    bool try_event_step = spikes != nullptr && M::has_reset;
    while (t < t1) {
      const double remaining = t1 - t;
      bool last = h >= remaining * (1 - 1e-12);
      double step = last ? remaining : h;
      const bool event_step = try_event_step && step < event_resolution && remaining > event_resolution;
      if (event_step) {
        step = event_resolution;
        last = false;
      }
      State k1, k7;
      f(t, y.data(), k1.data());
      double error = 0;
      const State y1 = dopri5_step<N>(f, t, y, k1, step, rtol, atol, error, k7);
      if (!(error <= 1) && spikes != nullptr && M::has_reset && y1[0] >= level_ && y[0] < level_ &&
          step <= event_resolution) {
        // The step reaches the spike level but its error estimate sees the blow-up beyond it (AdEx's
        // exponential, capped at V_peak). The spike is resolved to `event_resolution` in time:
        // take the crossing on the cubic interpolant and stop there.
        const auto cubic = [&](double s) { return hermite(y[0], y1[0], k1[0], k7[0], step, s) - level_; };
        const double tau = find_crossing(cubic, 0.0, step, y[0] - level_, y1[0] - level_);
        double unused = 0;
        State k7b;
        y = dopri5_step<N>(f, t, y, k1, tau, rtol, atol, unused, k7b);
        *t_spike = t + tau;
        clock.adaptive_step = std::max(h, 1e-6);
        return true;
      }
      if (!(error <= 1) && event_step) {
        try_event_step = false;  // no spike here: go on with the step the error asks for
        continue;
      }
      if (!(error <= 1)) {
        h = step * std::max(0.1, std::isfinite(error) ? 0.9 * std::pow(error, -0.2) : 0.1);
        if (h < 1e-14 * (1 + std::abs(t)) || ++rejected > 100000)
          throw SimulationError(
              fmt::format("the adaptive method cannot meet rtol = {} and atol = {} at t = {} ms (step size "
                          "underflow); the state "
                          "is diverging: check the parameters or loosen the tolerances",
                          rtol, atol, t));
        continue;
      }
      try_event_step = spikes != nullptr && M::has_reset;
      const double grow = error == 0 ? 5.0 : std::clamp(0.9 * std::pow(error, -0.2), 0.2, 5.0);
      if (!last || step * grow < h) h = step * grow;
      clock.adaptive_step = h;
      if (spikes != nullptr) {
        State y_start = y;
        const auto step_to = [&](double tau) {
          State k1b, k7b;
          double unused = 0;
          f(t, y_start.data(), k1b.data());
          return dopri5_step<N>(f, t, y_start, k1b, tau, rtol, atol, unused, k7b);
        };
        if (settle_step(f, y, y1, t, t + step, step_to, *spikes, *t_spike)) return true;
      } else {
        y = y1;
      }
      t = last ? t1 : t + step;
    }
    return false;
  }

  Params p_;
  Integration integration_;
  double level_, reset_level_, t_ref_;
  typename FullStep<M>::type full_step_{};
};

}  // namespace lapicque::core
