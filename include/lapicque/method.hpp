// Integration methods and their settings.
#pragma once

#include <optional>
#include <string_view>

namespace lapicque {

enum class Method {
  euler,     // forward Euler on the grid: the teaching material's method
  exact,     // closed-form propagation of linear subthreshold dynamics
  rk4,       // classical fourth-order Runge-Kutta on the grid
  adaptive,  // Dormand-Prince 5(4) with error control inside each grid step
};

std::string_view method_name(Method method);
std::optional<Method> parse_method(std::string_view name);

struct Integration {
  Method method = Method::exact;
  double dt = 0.1;      // [ms] grid step: input sampling, recording
  double rtol = 1e-8;   // adaptive only: relative tolerance per internal step
  double atol = 1e-10;  // adaptive only: absolute tolerance (mV, pA) per internal step
};

}  // namespace lapicque
