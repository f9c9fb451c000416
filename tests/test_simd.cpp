// The kernels' inline vector exponential against std::exp: within 1 ulp over the whole range of
// normal results (AdEx gives it (V - V_T) / Delta_T from far below rest to V_peak, the
// conductance kernel -dt G / C_m near 0), at random arguments, and exp's special values.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "core/simd.hpp"

namespace lapicque {
namespace {

double ulps_apart(double a, double b) {
  if (a == b) return 0;
  const double ulp = std::nextafter(std::abs(b), INFINITY) - std::abs(b);
  return std::abs(a - b) / ulp;
}

double worst_ulps(const std::vector<double>& arguments) {
  double worst = 0;
  for (std::size_t i = 0; i + core::simd_width <= arguments.size(); i += core::simd_width) {
    const core::Doubles args(arguments.data() + i, core::stdx::element_aligned);
    const core::Doubles values = core::exp(args);
    for (std::size_t lane = 0; lane < core::simd_width; ++lane)
      worst = std::max(worst, ulps_apart(values[lane], std::exp(static_cast<double>(args[lane]))));
  }
  return worst;
}

TEST(VectorExp, WithinOneUlpOfStdExpOnAGrid) {
  std::vector<double> grid;
  for (double x = -708; x < 709; x += 0.0137) grid.push_back(x);
  EXPECT_LE(worst_ulps(grid), 1.0);
}

TEST(VectorExp, WithinOneUlpOfStdExpAtRandomArguments) {
  std::mt19937_64 engine(2026);
  std::uniform_real_distribution<double> wide(-708, 709), near_zero(-1, 1), tiny(-1e-6, 1e-6);
  std::vector<double> args;
  for (int i = 0; i < 300000; ++i)
    args.push_back(i % 3 == 0 ? wide(engine) : i % 3 == 1 ? near_zero(engine) : tiny(engine));
  EXPECT_LE(worst_ulps(args), 1.0);
}

TEST(VectorExp, EdgesOfTheVectorRangeAndBeyond) {
  // Inside [-708, 709] the vector path; outside, std::exp lane by lane (overflow, subnormals).
  for (double x : {-745.0, -744.5, -720.0, -708.5, -708.0, -707.9, 708.9, 709.0, 709.5, 709.78})
    EXPECT_LE(ulps_apart(core::exp(core::Doubles(x))[0], std::exp(x)), 1.0) << x;
  core::Doubles mixed([](auto lane) { return lane % 2 == 0 ? -800.0 : 1.0; });
  const core::Doubles values = core::exp(mixed);
  for (std::size_t lane = 0; lane < core::simd_width; lane += 2) {
    EXPECT_EQ(values[lane], 0.0) << lane;
    EXPECT_LE(ulps_apart(values[lane + 1], std::exp(1.0)), 1.0) << lane + 1;
  }
}

TEST(VectorExp, ClampedIsExpInRangeAndItsEndsOutside) {
  // exp_clamped skips the check of the range: the same values inside it, exp(-708) below it and
  // exp(709) above it, NaN for NaN.
  for (double x = -708; x < 709; x += 0.731)
    EXPECT_EQ(core::exp_clamped(core::Doubles(x))[0], core::exp(core::Doubles(x))[0]) << x;
  const double low = core::exp(core::Doubles(-708.0))[0], high = core::exp(core::Doubles(709.0))[0];
  for (double x : {-708.5, -800.0, -1e6, -1e300, -double(INFINITY)})
    EXPECT_EQ(core::exp_clamped(core::Doubles(x))[0], low) << x;
  for (double x : {709.5, 1e6, double(INFINITY)})
    EXPECT_EQ(core::exp_clamped(core::Doubles(x))[0], high) << x;
  EXPECT_LT(low, 4e-308);
  EXPECT_EQ(-70.0 + low, -70.0);
  EXPECT_TRUE(std::isnan(static_cast<double>(core::exp_clamped(core::Doubles(NAN))[0])));
}

TEST(VectorExp, SpecialValues) {
  const core::Doubles values = core::exp(core::Doubles(-INFINITY));
  EXPECT_EQ(values[0], 0.0);
  EXPECT_EQ(core::exp(core::Doubles(INFINITY))[0], INFINITY);
  EXPECT_EQ(core::exp(core::Doubles(1000.0))[0], INFINITY);
  EXPECT_TRUE(std::isnan(static_cast<double>(core::exp(core::Doubles(NAN))[0])));
  EXPECT_EQ(core::exp(core::Doubles(0.0))[0], 1.0);
}

// The conductance kernel's (1 - exp(-x)) / x on [0, 1/2], against long double's expm1.
TEST(VectorOneMinusExpOverX, WithinTwoUlpOnItsRange) {
  std::mt19937_64 engine(7);
  std::uniform_real_distribution<double> range(0, core::one_minus_exp_over_x_limit);
  std::vector<double> args{0.0, 1e-300, 1e-12, 1e-6, core::one_minus_exp_over_x_limit};
  for (double x = 0; x <= core::one_minus_exp_over_x_limit; x += 1.0 / 4096) args.push_back(x);
  for (int i = 0; i < 100000; ++i) args.push_back(range(engine));
  double worst = 0;
  for (const double x : args) {
    const double value = core::one_minus_exp_over_x_small(core::Doubles(x))[0];
    const long double lx = x;
    const double exact = x == 0 ? 1.0 : static_cast<double>(-std::expm1(-lx) / lx);
    worst = std::max(worst, ulps_apart(value, exact));
  }
  EXPECT_LE(worst, 2.0);
  EXPECT_EQ(core::one_minus_exp_over_x_small(core::Doubles(0.0))[0], 1.0);
}

}  // namespace
}  // namespace lapicque
