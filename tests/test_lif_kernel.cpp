// The vectorised LIF kernel against the scalar reference stepper: the same spikes and voltages to
// rounding, under held and smooth inputs, through resets and refractory holds.
#include <gtest/gtest.h>

#include <cmath>

#include "core/lif_exact_population.hpp"
#include "core/model_population.hpp"
#include "models/lif.hpp"

namespace lapicque {
namespace {

class Sine final : public SmoothInput {
 public:
  double at(double t) const override { return 150 * std::sin(0.3 * t); }
};

TEST(LifKernel, MatchesTheReferenceStepper) {
  models::Lif::Params p;
  p.t_ref = 2.37;  // not a whole number of steps
  p.V_reset = -68;
  p.V_m = p.E_L;
  for (double dt : {0.1, 0.05}) {
    const Integration integration{Method::exact, dt, 1e-8, 1e-10};
    const std::size_t n = 203;  // not a multiple of the vector width
    core::LifExactPopulation<models::Lif> fast(p, n, integration);
    core::ModelPopulation<models::Lif> reference(p, n, integration);
    SpikeTimes fast_spikes(n), reference_spikes(n);
    std::vector<double> held(n);
    const Sine sine;
    for (std::int64_t step = 0; step < static_cast<std::int64_t>(300 / dt); ++step) {
      for (std::size_t i = 0; i < n; ++i)  // a different, changing current per neuron
        held[i] =
            10.0 * static_cast<double>(i) * (1 + 0.5 * std::sin(0.01 * static_cast<double>(step * (i % 7))));
      const StepContext context{step, static_cast<double>(step) * dt, dt, step % 2 ? &sine : nullptr};
      fast.advance(0, n, context, held, fast_spikes);
      reference.advance(0, n, context, held, reference_spikes);
      for (std::size_t i = 0; i < n; ++i)
        ASSERT_NEAR(fast.state(0, i), reference.state(0, i), 1e-10)
            << "neuron " << i << " step " << step << " spikes " << fast_spikes[i].size() << " "
            << reference_spikes[i].size() << " last " << (fast_spikes[i].empty() ? 0 : fast_spikes[i].back())
            << " " << (reference_spikes[i].empty() ? 0 : reference_spikes[i].back());
    }
    std::size_t total = 0;
    for (std::size_t i = 0; i < n; ++i) {
      ASSERT_EQ(fast_spikes[i].size(), reference_spikes[i].size()) << "neuron " << i;
      for (std::size_t k = 0; k < fast_spikes[i].size(); ++k)
        EXPECT_NEAR(fast_spikes[i][k], reference_spikes[i][k], 1e-12 * reference_spikes[i][k])
            << "neuron " << i;
      total += fast_spikes[i].size();
    }
    EXPECT_GT(total, 1000u);
  }
}

TEST(LifKernel, LeapingFromSpikeToSpikeMatchesStepping) {
  models::Lif::Params p;
  p.t_ref = 1.73;
  p.V_reset = -75;
  p.V_m = -60;
  const double dt = 0.1;
  const std::size_t n = 120;
  const Integration integration{Method::exact, dt, 1e-8, 1e-10};
  core::LifExactPopulation<models::Lif> stepped(p, n, integration), leapt(p, n, integration);
  SpikeTimes stepped_spikes(n), leapt_spikes(n);
  std::vector<double> held(n);
  for (std::size_t i = 0; i < n; ++i) held[i] = 8.0 * static_cast<double>(i);  // 0 .. 952 pA
  const std::int64_t steps = 5000;
  for (std::int64_t step = 0; step < steps; ++step)
    stepped.advance(0, n, {step, static_cast<double>(step) * dt, dt, nullptr}, held, stepped_spikes);
  // In two leaps, to check that a leap can start inside a refractory hold.
  ASSERT_TRUE(leapt.leap(0, n, 0, 1234, dt, 0.0, held, leapt_spikes));
  ASSERT_TRUE(leapt.leap(0, n, 1234, steps, dt, 0.0, held, leapt_spikes));
  for (std::size_t i = 0; i < n; ++i) {
    ASSERT_EQ(leapt_spikes[i].size(), stepped_spikes[i].size()) << "neuron " << i;
    for (std::size_t k = 0; k < leapt_spikes[i].size(); ++k)
      EXPECT_NEAR(leapt_spikes[i][k], stepped_spikes[i][k], 1e-12 * stepped_spikes[i][k]) << "neuron " << i;
    EXPECT_NEAR(leapt.state(0, i), stepped.state(0, i), 1e-9) << "neuron " << i;
    if (!leapt_spikes[i].empty()) {
      EXPECT_NEAR(leapt.refractory_until(i), stepped.refractory_until(i), 1e-9) << "neuron " << i;
    }
  }
}

// An input that drives the neuron faster than the model can describe (t_ref = 0, so the time from
// reset to threshold is nanoseconds) stops the run with a message, stepping or leaping.
TEST(LifKernel, RefusesMoreThanTenThousandSpikesAStep) {
  models::Lif::Params p;
  p.t_ref = 0;
  p.V_m = p.E_L;
  const double dt = 0.1;
  std::vector<double> held(24, 1e12);  // pA
  for (const bool leaping : {false, true}) {
    core::LifExactPopulation<models::Lif> fast(p, held.size(), {Method::exact, dt, 1e-8, 1e-10});
    SpikeTimes spikes(held.size());
    try {
      if (leaping)
        fast.leap(0, held.size(), 0, 50, dt, 0.0, held, spikes);
      else
        fast.advance(0, held.size(), {0, 0.0, dt, nullptr}, held, spikes);
      ADD_FAILURE() << (leaping ? "leaping" : "stepping") << ": no error";
    } catch (const SimulationError& e) {
      EXPECT_NE(std::string(e.what()).find("spikes"), std::string::npos) << e.what();
    }
    for (const auto& train : spikes) EXPECT_LE(train.size(), 10001u * 50);
  }
}

TEST(LifKernel, ReportsAStateThatIsNoLongerFinite) {
  models::Lif::Params p;
  p.V_m = p.E_L;
  core::LifExactPopulation<models::Lif> fast(p, 16, {Method::exact, 0.1, 1e-8, 1e-10});
  SpikeTimes spikes(16);
  std::vector<double> held(16, 0.0);
  held[5] = NAN;
  EXPECT_THROW(fast.advance(0, 16, {0, 0.0, 0.1, nullptr}, held, spikes), SimulationError);
}

}  // namespace
}  // namespace lapicque
