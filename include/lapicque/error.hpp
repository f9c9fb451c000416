// Typed errors that carry the context a user needs to fix their input.
#pragma once

#include <stdexcept>
#include <string>

namespace lapicque {

// A value the user gave (or left out) is not acceptable. `key` is the dotted path of the
// setting ("neuron.tau_m"); the front end that read the file adds where it came from.
class ParameterError : public std::runtime_error {
 public:
  ParameterError(std::string key, std::string value, std::string allowed)
      : std::runtime_error(key + " = " + value + ": " + allowed),
        key_(std::move(key)),
        value_(std::move(value)),
        allowed_(std::move(allowed)) {}
  const std::string& key() const { return key_; }
  const std::string& value() const { return value_; }
  const std::string& allowed() const { return allowed_; }

 private:
  std::string key_, value_, allowed_;
};

// The simulation itself went wrong (state became NaN, a neuron fires faster than the step
// can resolve, ...). Says at what time and in which neuron, and what to change.
class SimulationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace lapicque
