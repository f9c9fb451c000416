// Locating the time at which a smooth function of time crosses zero inside a step.
#pragma once

#include <cmath>

namespace lapicque::core {

// Root of f in [a, b] with f(a) < 0 <= f(b), by the Illinois variant of regula falsi (superlinear,
// and never leaves the bracket). Returns the smallest bracketed point where f >= 0 to within
// ~1e-15 of the interval length.
template <class F>
double find_crossing(F&& f, double a, double b, double fa, double fb) {
  if (!(fa < 0)) return a;
  if (!(fb >= 0)) return b;
  int side = 0;
  for (int iteration = 0; iteration < 200; ++iteration) {
    const double width = b - a;
    if (width <= 4e-16 * (std::abs(a) + std::abs(b)) || width <= 1e-300) break;
    double c = (a * fb - b * fa) / (fb - fa);
    if (!(c > a && c < b)) c = 0.5 * (a + b);
    const double fc = f(c);
    if (fc >= 0) {
      b = c;
      fb = fc;
      if (side == -1) fa /= 2;
      side = -1;
    } else {
      a = c;
      fa = fc;
      if (side == 1) fb /= 2;
      side = 1;
    }
    if (fc == 0) break;
  }
  return b;
}

}  // namespace lapicque::core
