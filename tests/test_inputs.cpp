// Each input type's current, their sum, and the checks on their settings.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "lapicque/error.hpp"
#include "lapicque/input.hpp"
#include "test_support.hpp"

namespace lapicque {
namespace {

double value_at(const InputSpec& spec, double t) {
  return Stimulus({spec}, 1, 0.1).at(t);
}

TEST(Inputs, Constant) {
  EXPECT_EQ(value_at({"constant", {{"amplitude", 5.0}}}, 123), 5);
}

TEST(Inputs, StepWindowAndLists) {
  const InputSpec window{"step", {{"start", 10.0}, {"stop", 20.0}, {"amplitude", 3.0}}};
  EXPECT_EQ(value_at(window, 9.999), 0);
  EXPECT_EQ(value_at(window, 10), 3);
  EXPECT_EQ(value_at(window, 19.999), 3);
  EXPECT_EQ(value_at(window, 20), 0);
  const InputSpec lists{
      "step", {{"times", std::vector<double>{5, 10, 15}}, {"amplitudes", std::vector<double>{1, -2, 0}}}};
  EXPECT_EQ(value_at(lists, 4), 0);
  EXPECT_EQ(value_at(lists, 5), 1);
  EXPECT_EQ(value_at(lists, 12), -2);
  EXPECT_EQ(value_at(lists, 100), 0);
}

TEST(Inputs, PulseTrains) {
  const InputSpec train{
      "pulses", {{"amplitude", 7.0}, {"width", 2.0}, {"start", 10.0}, {"interval", 20.0}, {"count", 3.0}}};
  EXPECT_EQ(value_at(train, 9.9), 0);
  EXPECT_EQ(value_at(train, 10), 7);
  EXPECT_EQ(value_at(train, 11.9), 7);
  EXPECT_EQ(value_at(train, 12), 0);
  EXPECT_EQ(value_at(train, 50.5), 7);
  EXPECT_EQ(value_at(train, 70.5), 0);  // only three pulses
  const InputSpec listed{"pulses",
                         {{"amplitude", 1.0}, {"width", 0.5}, {"times", std::vector<double>{3, 1}}}};
  EXPECT_EQ(value_at(listed, 1.2), 1);
  EXPECT_EQ(value_at(listed, 2), 0);
  EXPECT_EQ(value_at(listed, 3.4), 1);
  const InputSpec by_rate{"pulses", {{"amplitude", 1.0}, {"width", 1.0}, {"frequency", 100.0}}};
  EXPECT_EQ(value_at(by_rate, 10.5), 1);
  EXPECT_EQ(value_at(by_rate, 15), 0);
}

TEST(Inputs, SineExpressesSeed004) {
  // 400 (sin(t) + 0.9) with t in ms.
  const InputSpec seed{"sine", {{"amplitude", 400.0}, {"angular_frequency", 1.0}, {"offset", 360.0}}};
  for (double t : {0.0, 0.3, 1.7, 100.0}) EXPECT_NEAR(value_at(seed, t), 400 * (std::sin(t) + 0.9), 1e-10);
  const InputSpec hz{"sine", {{"amplitude", 2.0}, {"frequency", 10.0}, {"phase", std::numbers::pi / 2}}};
  EXPECT_NEAR(value_at(hz, 0), 2, 1e-12);
  EXPECT_NEAR(value_at(hz, 50), -2, 1e-12);  // half a period of 100 ms
}

TEST(Inputs, RampExpressesSeed004AndIzhikevichClass2) {
  EXPECT_NEAR(value_at({"ramp", {{"slope", 10.0}}}, 37.5), 375, 1e-12);
  const std::vector<InputSpec> class2{{"constant", {{"amplitude", -0.5}}},
                                      {"ramp", {{"slope", 0.015}, {"start", 30.0}}}};
  const Stimulus sum(class2, 1, 0.25);
  EXPECT_NEAR(sum.at(20), -0.5, 1e-12);
  EXPECT_NEAR(sum.at(130), -0.5 + 0.015 * 100, 1e-12);
}

TEST(Inputs, WhiteNoiseStatisticsDoNotDependOnDt) {
  for (double dt : {0.1, 0.01}) {
    Stimulus noise({{"noise", {{"mean", 50.0}, {"sigma", 20.0}}}}, 7, dt);
    noise.resize(1);
    const int n = 200000;
    double sum = 0, squares = 0;
    std::vector<double> value(1);
    for (int step = 0; step < n; ++step) {
      value[0] = 0;
      noise.add_held(step, 0, 1, value);
      sum += value[0];
      squares += value[0] * value[0];
    }
    const double mean = sum / n, variance = squares / n - mean * mean;
    const double expected_sd = 20 / std::sqrt(dt);
    EXPECT_NEAR(mean, 50, 5 * expected_sd / std::sqrt(n));
    // The integral over 1 ms has variance sigma^2 x 1 ms whatever dt is.
    EXPECT_NEAR(variance * dt, 400, 400 * 5 * std::sqrt(2.0 / n));
  }
}

TEST(Inputs, OrnsteinUhlenbeckIsStationaryWithItsCorrelationTime) {
  const double dt = 0.1, tau = 5, sigma = 30, mean = 100;
  Stimulus ou({{"ou", {{"mean", mean}, {"sigma", sigma}, {"tau", tau}}}}, 3, dt);
  ou.resize(1);
  const int n = 400000, lag = static_cast<int>(tau / dt);
  std::vector<double> x(n);
  std::vector<double> value(1);
  for (int step = 0; step < n; ++step) {
    value[0] = 0;
    ou.add_held(step, 0, 1, value);
    x[step] = value[0];
  }
  double m = 0, v = 0, c = 0;
  for (double xi : x) m += xi;
  m /= n;
  for (int k = 0; k < n; ++k) v += (x[k] - m) * (x[k] - m);
  v /= n;
  for (int k = 0; k + lag < n; ++k) c += (x[k] - m) * (x[k + lag] - m);
  c /= (n - lag);
  EXPECT_NEAR(m, mean, 1.5);
  EXPECT_NEAR(std::sqrt(v), sigma, 1.0);
  EXPECT_NEAR(c / v, std::exp(-1.0), 0.03);
}

TEST(Inputs, FileSeriesInterpolates) {
  const InputSpec linear{"file",
                         {{"times", std::vector<double>{0, 10}}, {"values", std::vector<double>{0, 100}}}};
  EXPECT_NEAR(value_at(linear, 2.5), 25, 1e-12);
  EXPECT_EQ(value_at(linear, 11), 0);
  const InputSpec step{"file",
                       {{"times", std::vector<double>{0, 10}},
                        {"values", std::vector<double>{0, 100}},
                        {"interpolation", std::string("step")}}};
  EXPECT_EQ(value_at(step, 9.9), 0);
}

TEST(Inputs, SeveralInputsAreSummed) {
  const Stimulus sum({{"constant", {{"amplitude", 5.0}}},
                      {"ramp", {{"slope", 1.0}}},
                      {"step", {{"start", 2.0}, {"amplitude", 3.0}}}},
                     1, 0.1);
  EXPECT_NEAR(sum.at(4), 5 + 4 + 3, 1e-12);
}

TEST(Inputs, BadSettingsAreNamed) {
  try {
    Stimulus({{"sine", {{"amplitude", 1.0}, {"frequncy", 3.0}}}}, 1, 0.1);
    FAIL();
  } catch (const ParameterError& e) {
    EXPECT_EQ(e.key(), "input[0].frequncy");
    EXPECT_NE(std::string(e.what()).find("did you mean `frequency`"), std::string::npos) << e.what();
  }
  try {
    Stimulus({{"constant", {{"amplitude", 1.0}}}, {"sin", {}}}, 1, 0.1);
    FAIL();
  } catch (const ParameterError& e) {
    EXPECT_EQ(e.key(), "input[1].type");
    EXPECT_NE(std::string(e.what()).find("`sine`"), std::string::npos) << e.what();
  }
  EXPECT_THROW(Stimulus({{"step", {{"start", 1.0}}}}, 1, 0.1), ParameterError);  // amplitude missing
  EXPECT_THROW(Stimulus({{"noise", {{"sigma", -1.0}}}}, 1, 0.1), ParameterError);
  EXPECT_THROW(Stimulus({{"ou", {{"sigma", 1.0}, {"tau", 0.0}}}}, 1, 0.1), ParameterError);
  EXPECT_THROW(Stimulus({{"pulses", {{"amplitude", 1.0}, {"width", 5.0}, {"interval", 2.0}}}}, 1, 0.1),
               ParameterError);
}

}  // namespace
}  // namespace lapicque
