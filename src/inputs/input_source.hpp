// One input current. Each input type lives in input_types.cpp with its parameter table.
#pragma once

#include <cstdint>
#include <span>

namespace lapicque {

class InputSource {
 public:
  virtual ~InputSource() = default;
  // Smooth sources: the value at any time [input unit].
  virtual double at(double t_ms) const = 0;
  // Held sources: add each neuron's value for step `step` (constant over the step).
  virtual void add_held(std::int64_t /*step*/, std::size_t /*begin*/, std::size_t /*end*/,
                        std::span<double> /*out*/) {}
  virtual void resize(std::size_t /*neurons*/) {}
  virtual bool held() const { return false; }
  virtual bool constant() const { return false; }
};

}  // namespace lapicque
