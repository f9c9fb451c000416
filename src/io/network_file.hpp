// Reading network experiment files (TOML with [[population]] tables) into a NetworkSpec, every
// problem named with file, line, key, value and what is allowed.
#pragma once

#include <string>
#include <vector>

#include "io/experiment_file.hpp"
#include "lapicque/network.hpp"

namespace lapicque::io {

struct LoadedNetwork {
  NetworkSpec network;
  SourceMap sources;
  std::string path;
};

// True when the file describes a network (it has [[population]] tables) rather than one neuron.
bool is_network_file(const std::string& path);

// Reads `path`, applies `overrides` (key=value, e.g. projection[0].p=0.05) and checks the
// result. Throws UserError.
LoadedNetwork load_network(const std::string& path, const std::vector<std::string>& overrides = {},
                           const std::string& origin = "--set");

}  // namespace lapicque::io
