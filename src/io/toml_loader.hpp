// Reading TOML files into the core's descriptions: parsing, --set overrides, typed values with
// every problem named by file, line, key, value and what is allowed. Shared by the experiment
// and network readers.
#pragma once

#include <toml++/toml.h>

#include <string>
#include <string_view>
#include <vector>

#include "io/experiment_file.hpp"
#include "lapicque/error.hpp"
#include "lapicque/input.hpp"

namespace lapicque::io {

class TomlLoader {
 public:
  TomlLoader(std::string path, SourceMap& sources, std::string origin);

  toml::table parse();
  // "key=value": the value is read as TOML (a number, "text", [list], true), or as plain text
  // when it is not TOML; the key is a dotted path (neuron.tau_m, input[0].amplitude).
  void apply_override(toml::table& root, const std::string& assignment);

  [[noreturn]] void fail(const std::string& key, const std::string& value, const std::string& allowed) const;
  // How a value appears in a message.
  static std::string value_text(const toml::node& node);
  // Remembers file:line of every key under `node`.
  void note_sources(const toml::node& node, const std::string& key);
  void check_keys(const toml::table& table, const std::string& prefix,
                  std::vector<std::string_view> allowed) const;
  double number(const toml::node& node, const std::string& key) const;
  double number(const toml::table& table, const std::string& name, const std::string& prefix,
                double fallback) const;
  std::string text(const toml::node& node, const std::string& key) const;
  bool flag(const toml::table& table, const std::string& name, const std::string& prefix,
            bool fallback) const;
  // One [[input]]-like table (type + settings); a `file` input's series is read here.
  InputSpec read_input(const toml::table& table, const std::string& prefix);
  const std::string& path() const { return path_; }
  SourceMap& sources() { return sources_; }

 private:
  void load_series(InputSpec& spec, const std::string& prefix);

  std::string path_;
  SourceMap& sources_;
  std::string origin_;  // how overrides are named in messages: "--set", or the front end's word
};

// The sequence every experiment file goes through: parse, apply the overrides, read with `read`
// (root table -> description), check the description with its validate(), naming the file and
// line of a bad value.
template <class Read>
auto read_checked(TomlLoader& loader, const std::vector<std::string>& overrides, Read&& read) {
  toml::table root = loader.parse();
  for (const auto& assignment : overrides) loader.apply_override(root, assignment);
  auto description = read(root);
  try {
    validate(description);
  } catch (const ParameterError& error) {
    throw UserError(loader.sources().describe(error));
  }
  return description;
}

}  // namespace lapicque::io
