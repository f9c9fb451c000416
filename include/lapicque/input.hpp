// Input currents: the descriptions users write and the stimulus the core evaluates.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "lapicque/population.hpp"

namespace lapicque {

using InputValue = std::variant<double, std::vector<double>, std::string>;

// One input as written in an experiment: its type and its settings by name.
struct InputSpec {
  std::string type;
  std::vector<std::pair<std::string, InputValue>> values;
};

struct InputParamInfo {
  std::string_view name;
  std::string_view kind;  // "number", "list", "string"
  std::string_view unit;
  std::string_view default_text;  // "" when required
  std::string_view meaning;
};

struct InputTypeInfo {
  std::string_view name;
  std::string_view formula;
  std::vector<InputParamInfo> params;
};

std::span<const InputTypeInfo> input_types();
std::vector<std::string_view> input_type_names();

class InputSource;

// The sum of all inputs of an experiment. Deterministic inputs (constant, step, pulses, sine,
// ramp, file) form the smooth part, a function of continuous time; random inputs (noise, ou) and
// per-neuron offsets form the held part, constant over each step and different for each neuron.
class Stimulus final : public SmoothInput {
 public:
  // Throws ParameterError with keys "input[k].name" (k counts from 0 in the order given).
  Stimulus(const std::vector<InputSpec>& specs, std::uint64_t seed, double dt);
  ~Stimulus() override;
  Stimulus(Stimulus&&) noexcept;

  double at(double t_ms) const override;
  bool has_smooth() const { return !smooth_.empty(); }
  // True when the whole input is the same at all times (only `constant` inputs).
  bool is_constant() const;
  bool has_held() const { return !held_.empty(); }

  // Adds the held part of step `step` for neurons [begin, end) to out[i]. Random sources draw
  // from counter-based streams keyed by (seed, input, neuron, step): the result does not depend
  // on how neurons are split over threads. Stateful sources (ou) must see steps in order.
  void add_held(std::int64_t step, std::size_t begin, std::size_t end, std::span<double> out);
  // Prepares per-neuron state (ou) for `neurons` neurons.
  void resize(std::size_t neurons);

 private:
  std::vector<std::unique_ptr<InputSource>> smooth_, held_;
};

}  // namespace lapicque
