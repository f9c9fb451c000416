// What every model header uses: the parameter field table and the checks on values.
#pragma once

#include <array>
#include <cmath>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include "lapicque/error.hpp"
#include "lapicque/method.hpp"
#include "lapicque/parameters.hpp"

namespace lapicque::models {

inline constexpr double no_default = std::numeric_limits<double>::quiet_NaN();

// One user-visible parameter: its name, where it lives in the model's parameter struct, its
// unit and what it means. The table of these is the single description of a model's inputs.
template <class Params>
struct Field {
  std::string_view name;
  double Params::*member;
  std::string_view unit;
  std::string_view meaning;
};

// Which fields the user set explicitly (by index in the field table).
template <std::size_t N>
using Given = std::array<bool, N>;

inline std::string with_unit(double value, std::string_view unit) {
  std::string text = format_double(value);
  if (unit != "1" && !unit.empty()) text += " " + std::string(unit);
  return text;
}

// Throws a ParameterError naming the key and value unless `ok`. `allowed` is the text, or a
// function that makes it (so that checks that pass build no message).
template <class Allowed>
void require(bool ok, std::string_view key, double value, std::string_view unit, Allowed&& allowed) {
  if (ok) return;
  if constexpr (std::is_invocable_v<Allowed>)
    throw ParameterError(std::string(key), with_unit(value, unit), std::string(allowed()));
  else
    throw ParameterError(std::string(key), with_unit(value, unit), std::string(allowed));
}

inline void require_finite(std::string_view key, double value, std::string_view unit) {
  require(std::isfinite(value), key, value, unit, "must be a finite number");
}

inline void require_positive(std::string_view key, double value, std::string_view unit,
                             std::string_view meaning) {
  require_finite(key, value, unit);
  require(value > 0, key, value, unit, [&] { return "must be > 0 (" + std::string(meaning) + ")"; });
}

inline void require_non_negative(std::string_view key, double value, std::string_view unit,
                                 std::string_view meaning) {
  require_finite(key, value, unit);
  require(value >= 0, key, value, unit, [&] { return "must be >= 0 (" + std::string(meaning) + ")"; });
}

// Resolves the membrane triple C_m = g_L tau_m: any two given determine the third. When fewer
// than two are given the defaults fill in, tau_m first, then C_m.
template <class Params, std::size_t N>
void resolve_membrane(Params& p, const std::array<Field<Params>, N>& fields, const Given<N>& given) {
  auto is_given = [&](std::string_view name) {
    for (std::size_t k = 0; k < N; ++k)
      if (fields[k].name == name) return given[k];
    return false;
  };
  const bool c = is_given("C_m"), g = is_given("g_L"), tau = is_given("tau_m");
  if (c) require_positive("C_m", p.C_m, "pF", "membrane capacitance");
  if (g) require_positive("g_L", p.g_L, "nS", "leak conductance");
  if (tau) require_positive("tau_m", p.tau_m, "ms", "membrane time constant");
  if (c && g && tau) {
    const double implied = p.C_m / p.g_L;
    require(std::abs(implied - p.tau_m) <= 1e-9 * p.tau_m, "tau_m", p.tau_m, "ms", [&] {
      return "must equal C_m / g_L = " + format_double(implied) +
             " ms when all three are given; give only two of C_m, g_L, tau_m";
    });
  } else if (c && g) {
    p.tau_m = p.C_m / p.g_L;
  } else if (c && tau) {
    p.g_L = p.C_m / p.tau_m;
  } else if (g && tau) {
    p.C_m = p.g_L * p.tau_m;
  } else if (c) {
    p.g_L = p.C_m / p.tau_m;
  } else if (g) {
    p.C_m = p.g_L * p.tau_m;
  } else {
    p.g_L = p.C_m / p.tau_m;
  }
  require_positive("C_m", p.C_m, "pF", "membrane capacitance");
  require_positive("g_L", p.g_L, "nS", "leak conductance");
  require_positive("tau_m", p.tau_m, "ms", "membrane time constant");
}

// The common checks of an integrate-and-fire threshold, reset and refractory period.
inline void check_threshold_reset(double V_th, double V_reset, double t_ref,
                                  std::string_view th_name = "V_th",
                                  std::string_view reset_name = "V_reset") {
  require_finite(th_name, V_th, "mV");
  require_finite(reset_name, V_reset, "mV");
  require(V_reset < V_th, reset_name, V_reset, "mV", [&] {
    return "must be < " + std::string(th_name) + " = " + format_double(V_th) +
           " mV (the reset must lie below the threshold)";
  });
  require_non_negative("t_ref", t_ref, "ms", "refractory period");
}

// Forward Euler and RK4 need the step to resolve the fastest linear time constant.
inline void check_explicit_step(Method method, double dt, double tau_fastest, std::string_view what) {
  if (method == Method::euler && !(dt < tau_fastest))
    throw ParameterError(
        "dt", with_unit(dt, "ms"),
        "too coarse for euler: must be < " + std::string(what) + " = " + format_double(tau_fastest) +
            " ms (forward Euler is unstable or meaningless beyond it); use a smaller dt or method = "
            "\"adaptive\" (any step)");
  if (method == Method::rk4 && !(dt < 2.5 * tau_fastest))
    throw ParameterError("dt", with_unit(dt, "ms"),
                         "too coarse for rk4: must be < 2.5 x " + std::string(what) + " = " +
                             format_double(2.5 * tau_fastest) +
                             " ms; use a smaller dt or method = \"adaptive\"");
}

}  // namespace lapicque::models
