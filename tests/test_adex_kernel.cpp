// The vectorised AdEx Euler kernel against the scalar reference stepper: the same spikes and
// states up to the last digits that the vector exponential (within 1 ulp), multiplication by
// reciprocals and the kernel's order of operations leave. Its leap (a constant input, the whole
// span per block of vectors) against its own steps: the same to the bit.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/adex_euler_population.hpp"
#include "core/model_population.hpp"

namespace lapicque {
namespace {

class Sine final : public SmoothInput {
 public:
  double at(double t) const override { return 200 * std::sin(0.2 * t); }
};

class AdexKernel : public testing::TestWithParam<double> {};

TEST_P(AdexKernel, MatchesTheReferenceStepper) {
  models::Adex::Params p;  // Brette & Gerstner (2005)
  p.t_ref = GetParam();
  p.V_m = p.E_L;
  const double dt = 0.05;
  const Integration integration{Method::euler, dt, 1e-8, 1e-10};
  const std::size_t n = 205;  // not a multiple of the vector width
  core::AdexEulerPopulation fast(p, n, integration);
  core::ModelPopulation<models::Adex> reference(p, n, integration);
  SpikeTimes fast_spikes(n), reference_spikes(n);
  std::vector<double> held(n);
  for (std::size_t i = 0; i < n; ++i) held[i] = 5.0 * static_cast<double>(i);  // 0 .. 1020 pA
  const Sine sine;
  for (std::int64_t step = 0; step < static_cast<std::int64_t>(200 / dt); ++step) {
    const StepContext context{step, static_cast<double>(step) * dt, dt, step > 2000 ? &sine : nullptr};
    fast.advance(0, n, context, held, fast_spikes);
    reference.advance(0, n, context, held, reference_spikes);
    for (std::size_t i = 0; i < n; ++i) {
      ASSERT_NEAR(fast.state(0, i), reference.state(0, i), 1e-6 * (1 + std::abs(reference.state(0, i))))
          << "neuron " << i << " step " << step;
      ASSERT_NEAR(fast.state(1, i), reference.state(1, i), 1e-9 * (1 + std::abs(reference.state(1, i))))
          << "neuron " << i << " step " << step;
    }
  }
  std::size_t total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    ASSERT_EQ(fast_spikes[i].size(), reference_spikes[i].size()) << "neuron " << i;
    for (std::size_t k = 0; k < fast_spikes[i].size(); ++k)
      EXPECT_NEAR(fast_spikes[i][k], reference_spikes[i][k], 1e-9) << "neuron " << i;
    total += fast_spikes[i].size();
  }
  EXPECT_GT(total, 300u);
}

// With and without a refractory period (the kernel has a path without holds).
INSTANTIATE_TEST_SUITE_P(RefractoryPeriods, AdexKernel, testing::Values(1.5, 0.0));

TEST(AdexKernelLeap, EqualsStepByStepToTheBit) {
  models::Adex::Params p;  // Brette & Gerstner (2005), no refractory period
  p.V_m = p.E_L;
  const double dt = 0.1, smooth = 40;  // [pA] on top of each neuron's own current
  const Integration integration{Method::euler, dt, 1e-8, 1e-10};
  // Sizes that leave blocks of every length and a scalar remainder; a leap from a later step.
  for (const std::size_t n : {std::size_t{3}, std::size_t{61}, std::size_t{205}}) {
    core::AdexEulerPopulation leaping(p, n, integration), stepping(p, n, integration);
    ASSERT_TRUE(leaping.can_leap());
    SpikeTimes leap_spikes(n), step_spikes(n);
    std::vector<double> held(n);
    for (std::size_t i = 0; i < n; ++i)  // 0 .. 1200 pA
      held[i] = 1200.0 * static_cast<double>(i) / static_cast<double>(n - 1);
    struct Constant final : SmoothInput {
      double at(double) const override { return 40; }
    } constant;
    const std::int64_t from = 7, to = 3000;
    for (std::int64_t step = 0; step < from; ++step) {
      const StepContext context{step, static_cast<double>(step) * dt, dt, &constant};
      leaping.advance(0, n, context, held, leap_spikes);
      stepping.advance(0, n, context, held, step_spikes);
    }
    ASSERT_TRUE(leaping.leap(0, n, from, to, dt, smooth, held, leap_spikes));
    for (std::int64_t step = from; step < to; ++step)
      stepping.advance(0, n, {step, static_cast<double>(step) * dt, dt, &constant}, held, step_spikes);
    std::size_t total = 0;
    for (std::size_t i = 0; i < n; ++i) {
      EXPECT_EQ(leaping.state(0, i), stepping.state(0, i)) << "n " << n << " neuron " << i;
      EXPECT_EQ(leaping.state(1, i), stepping.state(1, i)) << "n " << n << " neuron " << i;
      EXPECT_EQ(leap_spikes[i], step_spikes[i]) << "n " << n << " neuron " << i;
      total += step_spikes[i].size();
    }
    EXPECT_GT(total, n / 2) << n;
  }
}

TEST(AdexKernelLeap, OnlyWithoutARefractoryPeriodAndReportsDivergence) {
  models::Adex::Params p;
  p.V_m = p.E_L;
  p.t_ref = 2;
  EXPECT_FALSE(core::AdexEulerPopulation(p, 16, {Method::euler, 0.1, 1e-8, 1e-10}).can_leap());
  p.t_ref = 0;
  core::AdexEulerPopulation fast(p, 40, {Method::euler, 0.1, 1e-8, 1e-10});
  SpikeTimes spikes(40);
  std::vector<double> held(40, 0.0);
  held[35] = NAN;
  EXPECT_THROW(fast.leap(0, 40, 0, 100, 0.1, 0.0, held, spikes), SimulationError);
}

TEST(AdexKernelErrors, ReportsAStateThatIsNoLongerFinite) {
  models::Adex::Params p;
  p.V_m = p.E_L;
  core::AdexEulerPopulation fast(p, 16, {Method::euler, 0.1, 1e-8, 1e-10});
  SpikeTimes spikes(16);
  std::vector<double> held(16, 0.0);
  held[3] = NAN;
  EXPECT_THROW(fast.advance(0, 16, {0, 0.0, 0.1, nullptr}, held, spikes), SimulationError);
}

}  // namespace
}  // namespace lapicque
