// The kernels' vector exponential (glibc's libmvec) against std::exp: within libmvec's documented
// 4 ulp over the arguments AdEx gives it ((V - V_T) / Delta_T from far below rest to V_peak) and
// beyond, with exp's special values.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/simd.hpp"

namespace lapicque {
namespace {

double ulps_apart(double a, double b) {
  if (a == b) return 0;
  const double ulp = std::nextafter(std::abs(b), INFINITY) - std::abs(b);
  return std::abs(a - b) / ulp;
}

TEST(VectorExp, WithinFourUlpOfStdExp) {
  double worst = 0;
  for (double x = -700; x < 700; x += 0.0137) {
    core::Doubles args([&](auto lane) { return x + 0.003 * static_cast<double>(lane); });
    const core::Doubles values = core::exp(args);
    for (std::size_t lane = 0; lane < core::simd_width; ++lane)
      worst = std::max(worst, ulps_apart(values[lane], std::exp(static_cast<double>(args[lane]))));
  }
  EXPECT_LE(worst, 4.0);
}

TEST(VectorExp, SpecialValues) {
  const core::Doubles values = core::exp(core::Doubles(-INFINITY));
  EXPECT_EQ(values[0], 0.0);
  EXPECT_EQ(core::exp(core::Doubles(INFINITY))[0], INFINITY);
  EXPECT_EQ(core::exp(core::Doubles(1000.0))[0], INFINITY);
  EXPECT_TRUE(std::isnan(static_cast<double>(core::exp(core::Doubles(NAN))[0])));
  EXPECT_EQ(core::exp(core::Doubles(0.0))[0], 1.0);
}

}  // namespace
}  // namespace lapicque
