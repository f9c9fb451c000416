// Turns a model definition (a struct in this folder) into the run-time Model interface.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "core/adex_euler_population.hpp"
#include "core/lif_exact_population.hpp"
#include "core/model_population.hpp"
#include "lapicque/model.hpp"
#include "models/adex.hpp"
#include "models/lif.hpp"
#include "models/model_support.hpp"

namespace lapicque::models {

template <class M>
class ModelAdapter final : public Model {
 public:
  using Params = typename M::Params;
  static constexpr std::size_t n_fields = M::fields.size();

  ModelAdapter() {
    const Params defaults = M::defaults();
    for (const auto& field : M::fields)
      parameters_.push_back({field.name, field.unit, defaults.*field.member, field.meaning});
  }

  std::string_view name() const override { return M::name; }
  std::string_view summary() const override { return M::summary; }
  std::string_view equations() const override { return M::equations; }
  std::string_view input_unit() const override { return M::input_unit; }
  std::span<const ParamInfo> parameters() const override { return parameters_; }
  std::span<const StateInfo> state() const override { return M::state; }
  std::vector<Method> methods() const override { return {M::methods.begin(), M::methods.end()}; }
  std::vector<Preset> presets() const override {
    std::vector<Preset> out;
    if constexpr (requires { M::presets; }) {
      for (const auto& preset : M::presets)
        out.push_back({preset.name,
                       preset.meaning,
                       {{"a", preset.a}, {"b", preset.b}, {"c", preset.c}, {"d", preset.d}}});
    }
    return out;
  }

  Params resolve_params(const ParamValues& given) const {
    Params p = M::defaults();
    Given<n_fields> is_given{};
    for (const auto& [key, value] : given) {
      const auto index = field_index(key);
      p.*M::fields[index].member = value;
      is_given[index] = true;
    }
    return M::resolve(p, M::fields, is_given);
  }

  ParamValues resolve(const ParamValues& given) const override {
    const Params p = resolve_params(given);
    ParamValues out;
    for (const auto& field : M::fields) out.emplace_back(std::string(field.name), p.*field.member);
    return out;
  }

  void check_integration(const ParamValues& given, const Integration& integration) const override {
    const Params p = resolve_params(given);
    if (std::find(M::methods.begin(), M::methods.end(), integration.method) == M::methods.end()) {
      std::string allowed;
      for (Method m : M::methods)
        allowed += (allowed.empty() ? "\"" : ", \"") + std::string(method_name(m)) + "\"";
      throw ParameterError("method", "\"" + std::string(method_name(integration.method)) + "\"",
                           "not available for " + std::string(M::name) + "; use one of " + allowed);
    }
    if (!(integration.dt > 0) || !std::isfinite(integration.dt))
      throw ParameterError("dt", with_unit(integration.dt, "ms"), "must be > 0 ms (the time step)");
    if (integration.method == Method::adaptive) {
      require(integration.rtol > 0 && integration.rtol < 1, "rtol", integration.rtol, "1",
              "must lie in (0, 1)");
      require(integration.atol > 0 && std::isfinite(integration.atol), "atol", integration.atol, "1",
              "must be > 0");
    }
    M::check_step(p, integration.method, integration.dt);
  }

  std::unique_ptr<Population> make_population(const ParamValues& given, std::size_t size,
                                              const Integration& integration) const override {
    check_integration(given, integration);
    if constexpr (std::is_same_v<M, Adex>) {
      const Params p = resolve_params(given);
      if (integration.method == Method::euler && p.Delta_T > 0)
        return std::make_unique<core::AdexEulerPopulation>(p, size, integration);
    }
    if constexpr (std::is_base_of_v<Lif, M>) {
      if (integration.method == Method::exact)
        return std::make_unique<core::LifExactPopulation<M>>(resolve_params(given), size, integration);
    }
    return std::make_unique<core::ModelPopulation<M>>(resolve_params(given), size, integration);
  }

  std::optional<double> analytic_rate_hz(const ParamValues& given, double input) const override {
    return M::analytic_rate_hz(resolve_params(given), input);
  }
  std::vector<std::optional<double>> analytic_rates_hz(const ParamValues& given,
                                                       std::span<const double> inputs) const override {
    const Params p = resolve_params(given);
    std::vector<std::optional<double>> rates;
    rates.reserve(inputs.size());
    for (double input : inputs) rates.push_back(M::analytic_rate_hz(p, input));
    return rates;
  }

 private:
  std::size_t field_index(const std::string& key) const {
    std::vector<std::string_view> names;
    for (std::size_t k = 0; k < n_fields; ++k) {
      if (M::fields[k].name == key) return k;
      names.push_back(M::fields[k].name);
    }
    throw ParameterError(key, "(unknown parameter)",
                         "model " + std::string(M::name) + " has no parameter `" + key + "`; " +
                             unknown_name_hint(key, names));
  }

  std::vector<ParamInfo> parameters_;
};

}  // namespace lapicque::models
