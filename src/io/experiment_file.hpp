// Reading experiment files (TOML) into typed experiments. The only place that parses them.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "lapicque/error.hpp"
#include "lapicque/experiment.hpp"

namespace lapicque::io {

// A complete message for the user: where (file and line, or the command line), what, and what
// is allowed.
class UserError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Where each setting came from, to name it in messages.
class SourceMap {
 public:
  void set(const std::string& key, std::string where) { where_[key] = std::move(where); }
  // "file:line" of the key or of its nearest enclosing table.
  std::string where(const std::string& key) const;
  // The full message for an error from the core.
  std::string describe(const ParameterError& error) const;

 private:
  std::map<std::string, std::string> where_;
  std::string file_;
  friend class TomlLoader;
};

struct LoadedExperiment {
  Experiment experiment;
  SourceMap sources;
  std::string path;
};

// Reads `path`, applies `overrides` ("key=value", keys dotted paths such as neuron.tau_m or
// input[0].amplitude) and checks the result. Throws UserError. Messages name an override as
// "command line (--set key=value)", or as "<origin> key=value" for another origin.
LoadedExperiment load_experiment(const std::string& path, const std::vector<std::string>& overrides = {},
                                 const std::string& origin = "--set");

// Reads a two-column CSV time series (header, then t_ms,value rows) for `file` inputs.
void read_series(const std::string& path, const std::string& column, std::vector<double>& times,
                 std::vector<double>& values);

}  // namespace lapicque::io
