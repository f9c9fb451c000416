// One step of the explicit methods for a small fixed-size state: RK4 and Dormand-Prince 5(4).
#pragma once

#include <algorithm>
#include <array>
#include <cmath>

namespace lapicque::core {

template <int N>
using Vec = std::array<double, N>;

// Classical RK4 from (t, y) over h; f(t, y, dy).
template <int N, class F>
Vec<N> rk4_step(F&& f, double t, const Vec<N>& y, double h) {
  Vec<N> k1, k2, k3, k4, z;
  f(t, y.data(), k1.data());
  for (int i = 0; i < N; ++i) z[i] = y[i] + 0.5 * h * k1[i];
  f(t + 0.5 * h, z.data(), k2.data());
  for (int i = 0; i < N; ++i) z[i] = y[i] + 0.5 * h * k2[i];
  f(t + 0.5 * h, z.data(), k3.data());
  for (int i = 0; i < N; ++i) z[i] = y[i] + h * k3[i];
  f(t + h, z.data(), k4.data());
  Vec<N> out;
  for (int i = 0; i < N; ++i) out[i] = y[i] + h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
  return out;
}

// Dormand & Prince (1980) 5(4) pair. Returns the fifth-order solution and, in `error_norm`, the
// weighted max norm of the embedded error estimate (<= 1: accept).
template <int N, class F>
Vec<N> dopri5_step(F&& f, double t, const Vec<N>& y, const Vec<N>& k1, double h, double rtol, double atol,
                   double& error_norm, Vec<N>& k7) {
  constexpr double c2 = 1.0 / 5, c3 = 3.0 / 10, c4 = 4.0 / 5, c5 = 8.0 / 9;
  constexpr double a21 = 1.0 / 5;
  constexpr double a31 = 3.0 / 40, a32 = 9.0 / 40;
  constexpr double a41 = 44.0 / 45, a42 = -56.0 / 15, a43 = 32.0 / 9;
  constexpr double a51 = 19372.0 / 6561, a52 = -25360.0 / 2187, a53 = 64448.0 / 6561, a54 = -212.0 / 729;
  constexpr double a61 = 9017.0 / 3168, a62 = -355.0 / 33, a63 = 46732.0 / 5247, a64 = 49.0 / 176,
                   a65 = -5103.0 / 18656;
  constexpr double b1 = 35.0 / 384, b3 = 500.0 / 1113, b4 = 125.0 / 192, b5 = -2187.0 / 6784, b6 = 11.0 / 84;
  // error coefficients: b - b_hat
  constexpr double e1 = 71.0 / 57600, e3 = -71.0 / 16695, e4 = 71.0 / 1920, e5 = -17253.0 / 339200,
                   e6 = 22.0 / 525, e7 = -1.0 / 40;
  Vec<N> k2, k3, k4, k5, k6, z, out;
  for (int i = 0; i < N; ++i) z[i] = y[i] + h * a21 * k1[i];
  f(t + c2 * h, z.data(), k2.data());
  for (int i = 0; i < N; ++i) z[i] = y[i] + h * (a31 * k1[i] + a32 * k2[i]);
  f(t + c3 * h, z.data(), k3.data());
  for (int i = 0; i < N; ++i) z[i] = y[i] + h * (a41 * k1[i] + a42 * k2[i] + a43 * k3[i]);
  f(t + c4 * h, z.data(), k4.data());
  for (int i = 0; i < N; ++i) z[i] = y[i] + h * (a51 * k1[i] + a52 * k2[i] + a53 * k3[i] + a54 * k4[i]);
  f(t + c5 * h, z.data(), k5.data());
  for (int i = 0; i < N; ++i)
    z[i] = y[i] + h * (a61 * k1[i] + a62 * k2[i] + a63 * k3[i] + a64 * k4[i] + a65 * k5[i]);
  f(t + h, z.data(), k6.data());
  for (int i = 0; i < N; ++i)
    out[i] = y[i] + h * (b1 * k1[i] + b3 * k3[i] + b4 * k4[i] + b5 * k5[i] + b6 * k6[i]);
  f(t + h, out.data(), k7.data());
  error_norm = 0;
  for (int i = 0; i < N; ++i) {
    const double err = h * (e1 * k1[i] + e3 * k3[i] + e4 * k4[i] + e5 * k5[i] + e6 * k6[i] + e7 * k7[i]);
    const double scale = atol + rtol * std::max(std::abs(y[i]), std::abs(out[i]));
    const double ratio = std::abs(err) / scale;
    error_norm = std::isfinite(ratio) ? std::max(error_norm, ratio) : INFINITY;
  }
  return out;
}

// Cubic Hermite interpolation of one component over [0, h] from values and slopes at both ends.
inline double hermite(double y0, double y1, double f0, double f1, double h, double s) {
  const double u = s / h, u2 = u * u, u3 = u2 * u;
  return (2 * u3 - 3 * u2 + 1) * y0 + (u3 - 2 * u2 + u) * h * f0 + (-2 * u3 + 3 * u2) * y1 +
         (u3 - u2) * h * f1;
}

}  // namespace lapicque::core
