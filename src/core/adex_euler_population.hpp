// AdEx under `euler`, vectorised: eight neurons per AVX-512 instruction, the exponential from
// SLEEF (1-ulp accuracy). Neurons that spike or leave their refractory hold inside a step are
// handed to the scalar reference stepper for that step. tests/test_adex_kernel.cpp holds the two
// against each other. Built only where AVX-512 is available; elsewhere AdEx uses the reference
// stepper throughout.
#pragma once

#if defined(__AVX512F__)
#define LAPICQUE_ADEX_EULER_KERNEL 1

#include <immintrin.h>
#include <sleef.h>

#include <vector>

#include "core/model_population.hpp"
#include "models/adex.hpp"

// GCC 12 warns about the deliberately undefined lanes of _mm512_min_pd's pass-through operand.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace lapicque::core {

class AdexEulerPopulation final : public ModelPopulation<models::Adex> {
  using Base = ModelPopulation<models::Adex>;

 public:
  AdexEulerPopulation(const models::Adex::Params& params, std::size_t size, const Integration& integration)
      : Base(params, size, integration), dt_(integration.dt), refractory_until_(size, -INFINITY) {}

  double refractory_until(std::size_t neuron) const override { return refractory_until_[neuron]; }

  void advance(std::size_t begin, std::size_t end, const StepContext& c, std::span<const double> held,
               SpikeTimes& spikes) override {
    const auto& p = this->params_;
    const double t0 = c.t, t1 = c.t_end();
    const double smooth = c.smooth ? c.smooth->at(t0) : 0.0;
    const __m512d dt = _mm512_set1_pd(dt_), drive = _mm512_set1_pd(smooth);
    const __m512d E_L = _mm512_set1_pd(p.E_L), V_T = _mm512_set1_pd(p.V_th),
                  V_peak = _mm512_set1_pd(p.V_peak);
    const __m512d Delta_T = _mm512_set1_pd(p.Delta_T), inverse_Delta_T = _mm512_set1_pd(1 / p.Delta_T);
    const __m512d inverse_g_L = _mm512_set1_pd(1 / p.g_L), inverse_tau_m = _mm512_set1_pd(1 / p.tau_m);
    const __m512d inverse_tau_w = _mm512_set1_pd(1 / p.tau_w), a = _mm512_set1_pd(p.a);
    const __m512d V_reset = _mm512_set1_pd(p.V_reset), start = _mm512_set1_pd(t0), stop = _mm512_set1_pd(t1);
    // While held, w relaxes towards a (V_reset - E_L) with V = V_reset.
    const __m512d held_drive = _mm512_set1_pd(p.a * (std::min(p.V_reset, p.V_peak) - p.E_L));
    double* V = this->state_[0].data();
    double* W = this->state_[1].data();
    std::size_t i = begin;
    for (; i + 8 <= end; i += 8) {
      const __m512d v = _mm512_loadu_pd(V + i), w = _mm512_loadu_pd(W + i);
      const __m512d I = _mm512_add_pd(_mm512_loadu_pd(held.data() + i), drive);
      const __m512d hold_end = _mm512_loadu_pd(refractory_until_.data() + i);
      // Free: one Euler step; the exponential and dw/dt see min(V, V_peak).
      const __m512d capped = _mm512_min_pd(v, V_peak);
      const __m512d spike_drive = _mm512_mul_pd(
          Delta_T, Sleef_expd8_u10avx512f(_mm512_mul_pd(_mm512_sub_pd(capped, V_T), inverse_Delta_T)));
      const __m512d dv = _mm512_mul_pd(_mm512_add_pd(_mm512_sub_pd(spike_drive, _mm512_sub_pd(v, E_L)),
                                                     _mm512_mul_pd(_mm512_sub_pd(I, w), inverse_g_L)),
                                       inverse_tau_m);
      const __m512d dw =
          _mm512_mul_pd(_mm512_sub_pd(_mm512_mul_pd(a, _mm512_sub_pd(capped, E_L)), w), inverse_tau_w);
      const __m512d v_next = _mm512_fmadd_pd(dt, dv, v), w_next = _mm512_fmadd_pd(dt, dw, w);
      // Held all step: V stays at V_reset, w relaxes.
      const __m512d w_held =
          _mm512_fmadd_pd(dt, _mm512_mul_pd(_mm512_sub_pd(held_drive, w), inverse_tau_w), w);
      const __mmask8 free = _mm512_cmp_pd_mask(hold_end, start, _CMP_LE_OQ);
      const __mmask8 held_all = _mm512_cmp_pd_mask(hold_end, stop, _CMP_GE_OQ);
      const __mmask8 moves = free & _mm512_cmp_pd_mask(v_next, V_peak, _CMP_LT_OQ);  // NaN: not moved
      _mm512_storeu_pd(V + i,
                       _mm512_mask_blend_pd(held_all, _mm512_mask_blend_pd(moves, v, v_next), V_reset));
      _mm512_storeu_pd(W + i, _mm512_mask_blend_pd(held_all, _mm512_mask_blend_pd(moves, w, w_next), w_held));
      const __mmask8 settled = moves | held_all;
      if (settled != 0xFF)
        for (unsigned lane = 0; lane < 8; ++lane)
          if (!(settled >> lane & 1u)) reference_step(i + lane, c, held, spikes);
    }
    for (; i < end; ++i) reference_step(i, c, held, spikes);  // fewer than eight left
  }

 private:
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

#pragma GCC diagnostic pop

#endif
