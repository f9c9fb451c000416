// Building experiments in tests without files.
#pragma once

#include <string>
#include <vector>

#include "lapicque/experiment.hpp"

namespace lapicque::testing {

inline InputSpec constant_input(double amplitude) {
  return {"constant", {{"amplitude", amplitude}}};
}

inline Experiment experiment(const std::string& model, ParamValues params, std::vector<InputSpec> inputs,
                             double dt, double duration, Method method,
                             std::vector<std::string> record = {"V_m"}) {
  Experiment e;
  e.model = model;
  e.neuron = std::move(params);
  e.inputs = std::move(inputs);
  e.integration.dt = dt;
  e.integration.method = method;
  e.method_given = true;
  e.duration = duration;
  e.record.variables = std::move(record);
  return e;
}

inline double relative(double a, double b) {
  return std::abs(a - b) / std::abs(b);
}

}  // namespace lapicque::testing
