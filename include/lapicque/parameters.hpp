// Descriptions of parameters and state variables shared by models and inputs: the one table
// that the file reader, the `models` listing, the recorders and the Python module all read.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lapicque {

struct ParamInfo {
  std::string_view name;
  std::string_view unit;  // "ms", "mV", "pA", "nS", "pF", "Hz", "1" for unitless
  double default_value;   // NaN: no default (derived from others, or required)
  std::string_view meaning;
};

struct StateInfo {
  std::string_view name;
  std::string_view unit;
  std::string_view meaning;
};

// Values the user set, by name, in the order given. Whatever is not set takes its default.
using ParamValues = std::vector<std::pair<std::string, double>>;

// The nearest name in `candidates` to `name` (edit distance), or "" when none is close.
std::string nearest_name(std::string_view name, const std::vector<std::string_view>& candidates);

// "did you mean `x`?" or the list of allowed names.
std::string unknown_name_hint(std::string_view name, const std::vector<std::string_view>& candidates);

// Shortest text that reads back as the same double (for messages and output files).
std::string format_double(double value);

}  // namespace lapicque
