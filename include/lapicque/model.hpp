// The run-time view of a neuron model: its description and a factory for populations.
// Each model is defined once, in src/models/<name>.hpp; this interface is generated from it.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "lapicque/method.hpp"
#include "lapicque/parameters.hpp"
#include "lapicque/population.hpp"

namespace lapicque {

// A named set of parameter values (Izhikevich's cell classes, ...).
struct Preset {
  std::string_view name;
  std::string_view meaning;
  ParamValues values;
};

class Model {
 public:
  virtual ~Model() = default;
  virtual std::string_view name() const = 0;
  virtual std::string_view summary() const = 0;
  virtual std::string_view equations() const = 0;
  virtual std::string_view input_unit() const = 0;  // unit of the input current ("pA", "mV", "1")
  virtual std::span<const ParamInfo> parameters() const = 0;
  virtual std::span<const StateInfo> state() const = 0;
  virtual std::vector<Method> methods() const = 0;  // the default first
  Method default_method() const { return methods().front(); }
  virtual std::vector<Preset> presets() const = 0;

  // Every parameter actually used, after defaults and derived values; throws ParameterError
  // (key = the parameter's name) for unknown names and values outside their allowed range.
  virtual ParamValues resolve(const ParamValues& given) const = 0;

  // Throws ParameterError (key "dt" or "method") when the method cannot integrate this model
  // at this step.
  virtual void check_integration(const ParamValues& given, const Integration& integration) const = 0;

  virtual std::unique_ptr<Population> make_population(const ParamValues& given, std::size_t size,
                                                      const Integration& integration) const = 0;

  // Closed-form steady firing rate [Hz] under a constant input, where the model has one.
  virtual std::optional<double> analytic_rate_hz(const ParamValues& given, double input) const = 0;
  // The same for many inputs at once (parameters resolved once); empty where there is none.
  virtual std::vector<std::optional<double>> analytic_rates_hz(const ParamValues& given,
                                                               std::span<const double> inputs) const = 0;
};

// Every model, in the order `lapicque models` lists them.
std::span<const Model* const> all_models();
// nullptr when there is no model of that name.
const Model* find_model(std::string_view name);
std::vector<std::string_view> model_names();

}  // namespace lapicque
