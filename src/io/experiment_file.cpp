// Experiment files: TOML in, a typed Experiment out, every problem named with file and line.
#include "io/experiment_file.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "lapicque/model.hpp"

namespace lapicque::io {

std::string SourceMap::where(const std::string& key) const {
  std::string k = key;
  while (true) {
    if (const auto it = where_.find(k); it != where_.end()) return it->second;
    const auto cut = k.find_last_of(".[");
    if (cut == std::string::npos) return file_;
    k = k.substr(0, cut);
  }
}

std::string SourceMap::describe(const ParameterError& e) const {
  return where(e.key()) + ": " + e.key() + " = " + e.value() + ": " + e.allowed();
}

class ExperimentLoader {
 public:
  ExperimentLoader(std::string path, SourceMap& sources, std::string origin)
      : path_(std::move(path)), sources_(sources), origin_(std::move(origin)) {
    sources_.file_ = path_;
  }

  toml::table parse() {
    try {
      return toml::parse_file(path_);
    } catch (const toml::parse_error& e) {
      const auto& begin = e.source().begin;
      throw UserError(fmt::format("{}:{}:{}: not a valid experiment file (TOML): {}", path_, begin.line,
                                  begin.column, e.description()));
    }
  }

  // "key=value" from the command line: the value is read as TOML (a number, "text", [list], true),
  // or as plain text when it is not TOML.
  void apply_override(toml::table& root, const std::string& assignment) {
    const auto eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0)
      throw UserError(origin_ + " " + assignment + ": expected key=value, e.g. neuron.tau_m=12");
    const std::string key = assignment.substr(0, eq), text = assignment.substr(eq + 1);
    toml::node_view<toml::node> parent{root};
    std::string path;
    std::vector<std::string> parts;
    {
      std::string part;
      for (char c : key) {
        if (c == '.' || c == '[' || c == ']') {
          if (!part.empty()) parts.push_back(part);
          part.clear();
        } else {
          part += c;
        }
      }
      if (!part.empty()) parts.push_back(part);
    }
    if (parts.empty()) throw UserError(origin_ + " " + assignment + ": empty key");
    toml::node* node = &root;
    for (std::size_t k = 0; k + 1 < parts.size(); ++k) {
      const std::string& part = parts[k];
      const bool index = !part.empty() && std::all_of(part.begin(), part.end(), ::isdigit);
      if (index) {
        auto* array = node->as_array();
        const std::size_t i = std::stoul(part);
        if (array == nullptr || i >= array->size())
          throw UserError(
              fmt::format("{} {}: there is no {}[{}] in {}", origin_, assignment, path, i, path_));
        node = array->get(i);
        path += "[" + part + "]";
      } else {
        auto* table = node->as_table();
        if (table == nullptr)
          throw UserError(fmt::format("{} {}: {} is not a table", origin_, assignment, path));
        if (!table->contains(part)) table->insert(part, toml::table{});
        node = table->get(part);
        path += (path.empty() ? "" : ".") + part;
      }
    }
    auto* table = node->as_table();
    if (table == nullptr) throw UserError(fmt::format("{} {}: {} is not a table", origin_, assignment, path));
    toml::table parsed;
    try {
      parsed = toml::parse("value = " + text);
    } catch (const toml::parse_error&) {
      parsed.insert("value", text);
    }
    table->insert_or_assign(parts.back(), *parsed.get("value"));
    sources_.set((path.empty() ? "" : path + ".") + parts.back(),
                 origin_ == "--set" ? "command line (--set " + assignment + ")" : origin_ + " " + assignment);
  }

  Experiment read(const toml::table& root) {
    Experiment e;
    note_sources(root, "");
    check_keys(root, "",
               {"title", "description", "duration", "dt", "method", "seed", "rtol", "atol", "neuron", "input",
                "record", "fi"});
    e.duration = number(root, "duration", "", e.duration);
    e.integration.dt = number(root, "dt", "", e.integration.dt);
    e.integration.rtol = number(root, "rtol", "", e.integration.rtol);
    e.integration.atol = number(root, "atol", "", e.integration.atol);
    if (const auto* method = root.get("method")) {
      const std::string name = text(*method, "method");
      const auto parsed = parse_method(name);
      if (!parsed)
        fail("method", "\"" + name + "\"",
             "unknown method; " + unknown_name_hint(name, {"euler", "exact", "rk4", "adaptive"}));
      e.integration.method = *parsed;
      e.method_given = true;
    }
    if (const auto* seed = root.get("seed")) {
      const auto value = seed->value<std::int64_t>();
      if (!value || *value < 0) fail("seed", seed_text(*seed), "must be a whole number >= 0");
      e.seed = static_cast<std::uint64_t>(*value);
    }
    read_neuron(root, e);
    read_inputs(root, e);
    read_record(root, e);
    return e;
  }

  [[noreturn]] void fail(const std::string& key, const std::string& value, const std::string& allowed) const {
    throw UserError(sources_.describe(ParameterError(key, value, allowed)));
  }

 private:
  // How a value appears in a message.
  static std::string seed_text(const toml::node& node) {
    if (const auto* s = node.as_string()) return "\"" + s->get() + "\"";
    if (const auto* i = node.as_integer()) return std::to_string(i->get());
    if (const auto* f = node.as_floating_point()) return format_double(f->get());
    if (const auto* b = node.as_boolean()) return b->get() ? "true" : "false";
    if (node.is_array()) return "(a list)";
    if (node.is_table()) return "(a table)";
    return "(a date or time)";
  }

  void note_sources(const toml::node& node, const std::string& key) {
    if (!key.empty() && node.source().begin.line > 0 && !sources_.where_.contains(key))
      sources_.set(key, fmt::format("{}:{}", path_, node.source().begin.line));
    if (const auto* table = node.as_table()) {
      for (const auto& [k, v] : *table)
        note_sources(v, key.empty() ? std::string(k.str()) : key + "." + std::string(k.str()));
    } else if (const auto* array = node.as_array()) {
      for (std::size_t i = 0; i < array->size(); ++i)
        note_sources(*array->get(i), key + "[" + std::to_string(i) + "]");
    }
  }

  void check_keys(const toml::table& table, const std::string& prefix,
                  std::vector<std::string_view> allowed) {
    for (const auto& [k, v] : table) {
      const std::string key(k.str());
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
        fail(prefix + key, "(unknown setting)", "not a setting here; " + unknown_name_hint(key, allowed));
    }
  }

  double number(const toml::node& node, const std::string& key) const {
    if (const auto value = node.value<double>(); value && node.is_number()) return *value;
    fail(key, seed_text(node), "must be a number");
  }
  double number(const toml::table& table, const std::string& name, const std::string& prefix,
                double fallback) const {
    const auto* node = table.get(name);
    return node == nullptr ? fallback : number(*node, prefix + name);
  }
  std::string text(const toml::node& node, const std::string& key) const {
    if (const auto value = node.value<std::string>(); value && node.is_string()) return *value;
    fail(key, seed_text(node), "must be text in quotes");
  }

  void read_neuron(const toml::table& root, Experiment& e) {
    const auto* node = root.get("neuron");
    if (node == nullptr) fail("neuron", "(missing)", "an experiment needs a [neuron] table with a `model`");
    const auto* table = node->as_table();
    if (table == nullptr) fail("neuron", "(not a table)", "must be a table: [neuron]");
    const auto* model_node = table->get("model");
    if (model_node == nullptr)
      fail("neuron.model", "(missing)", "name the model: " + unknown_name_hint("", model_names()));
    e.model = text(*model_node, "neuron.model");
    const Model* model = find_model(e.model);
    if (model == nullptr)
      fail("neuron.model", "\"" + e.model + "\"",
           "unknown model; " + unknown_name_hint(e.model, model_names()));
    if (const auto* preset_node = table->get("preset")) {
      const std::string preset = text(*preset_node, "neuron.preset");
      const auto presets = model->presets();
      std::vector<std::string_view> names;
      for (const auto& p : presets) names.push_back(p.name);
      const auto it =
          std::find_if(presets.begin(), presets.end(), [&](const auto& p) { return p.name == preset; });
      if (it == presets.end())
        fail("neuron.preset", "\"" + preset + "\"",
             names.empty() ? "model " + e.model + " has no presets"
                           : "unknown preset of " + e.model + "; " + unknown_name_hint(preset, names));
      e.neuron = it->values;
    }
    for (const auto& [k, v] : *table) {
      const std::string key(k.str());
      if (key == "model" || key == "preset") continue;
      e.neuron.emplace_back(key, number(v, "neuron." + key));
    }
  }

  void read_inputs(const toml::table& root, Experiment& e) {
    const auto* node = root.get("input");
    if (node == nullptr) return;
    const auto* array = node->as_array();
    if (array == nullptr) fail("input", "(not a list of tables)", "write each input as an [[input]] table");
    for (std::size_t i = 0; i < array->size(); ++i) {
      const std::string prefix = "input[" + std::to_string(i) + "]";
      const auto* table = array->get(i)->as_table();
      if (table == nullptr) fail(prefix, "(not a table)", "write each input as an [[input]] table");
      InputSpec spec;
      const auto* type = table->get("type");
      if (type == nullptr)
        fail(prefix + ".type", "(missing)",
             "each [[input]] needs a type: " + unknown_name_hint("", input_type_names()));
      spec.type = text(*type, prefix + ".type");
      for (const auto& [k, v] : *table) {
        const std::string key(k.str()), full = prefix + "." + key;
        if (key == "type") continue;
        if (v.is_number()) {
          spec.values.emplace_back(key, number(v, full));
        } else if (v.is_string()) {
          spec.values.emplace_back(key, text(v, full));
        } else if (const auto* list = v.as_array()) {
          std::vector<double> values;
          for (std::size_t j = 0; j < list->size(); ++j)
            values.push_back(number(*list->get(j), full + "[" + std::to_string(j) + "]"));
          spec.values.emplace_back(key, std::move(values));
        } else {
          fail(full, seed_text(v), "must be a number, a list of numbers or text");
        }
      }
      if (spec.type == "file") load_series(spec, prefix);
      e.inputs.push_back(std::move(spec));
    }
  }

  void load_series(InputSpec& spec, const std::string& prefix) {
    std::string path, column;
    for (const auto& [k, v] : spec.values) {
      if (k == "path" && std::holds_alternative<std::string>(v)) path = std::get<std::string>(v);
      if (k == "column" && std::holds_alternative<std::string>(v)) column = std::get<std::string>(v);
    }
    if (path.empty()) fail(prefix + ".path", "(missing)", "a file input needs the path of a CSV file");
    // Relative paths are relative to the experiment file.
    if (path.front() != '/') {
      const auto slash = path_.find_last_of('/');
      if (slash != std::string::npos) path = path_.substr(0, slash + 1) + path;
    }
    std::vector<double> times, values;
    try {
      read_series(path, column, times, values);
    } catch (const UserError& error) {
      fail(prefix + ".path", "\"" + path + "\"", error.what());
    }
    spec.values.emplace_back("times", std::move(times));
    spec.values.emplace_back("values", std::move(values));
  }

  void read_record(const toml::table& root, Experiment& e) {
    const auto* node = root.get("record");
    if (node == nullptr) return;
    const auto* table = node->as_table();
    if (table == nullptr) fail("record", "(not a table)", "must be a table: [record]");
    check_keys(*table, "record.", {"variables", "draw_spikes", "spike_height"});
    if (const auto* variables = table->get("variables")) {
      const auto* list = variables->as_array();
      if (list == nullptr)
        fail("record.variables", seed_text(*variables), "must be a list of names, e.g. [\"V_m\", \"I\"]");
      e.record.variables.clear();
      for (std::size_t j = 0; j < list->size(); ++j)
        e.record.variables.push_back(text(*list->get(j), "record.variables[" + std::to_string(j) + "]"));
    }
    if (const auto* draw = table->get("draw_spikes")) {
      if (!draw->is_boolean()) fail("record.draw_spikes", seed_text(*draw), "must be true or false");
      e.record.draw_spikes = **draw->as_boolean();
    }
    e.record.spike_height = number(*table, "spike_height", "record.", e.record.spike_height);
  }

  std::string path_;
  SourceMap& sources_;
  std::string origin_;  // how overrides are named in messages: "--set", or the front end's word
};

LoadedExperiment load_experiment(const std::string& path, const std::vector<std::string>& overrides,
                                 const std::string& origin) {
  LoadedExperiment loaded;
  loaded.path = path;
  ExperimentLoader loader(path, loaded.sources, origin);
  toml::table root = loader.parse();
  for (const auto& assignment : overrides) loader.apply_override(root, assignment);
  loaded.experiment = loader.read(root);
  try {
    validate(loaded.experiment);
  } catch (const ParameterError& error) {
    throw UserError(loaded.sources.describe(error));
  }
  return loaded;
}

void read_series(const std::string& path, const std::string& column, std::vector<double>& times,
                 std::vector<double>& values) {
  std::ifstream in(path);
  if (!in) throw UserError("cannot open " + path);
  std::string line;
  if (!std::getline(in, line))
    throw UserError(path + " is empty: expected a header line, then rows of t_ms,value");
  std::vector<std::string> header;
  {
    std::stringstream cells(line);
    std::string cell;
    while (std::getline(cells, cell, ',')) header.push_back(cell);
  }
  std::size_t value_column = 1;
  if (!column.empty()) {
    const auto it = std::find(header.begin(), header.end(), column);
    if (it == header.end()) throw UserError(path + ":1: no column named `" + column + "` in the header");
    value_column = static_cast<std::size_t>(it - header.begin());
  }
  if (header.size() < 2 || value_column == 0)
    throw UserError(path + ":1: expected a header of at least two columns: t_ms,value");
  std::size_t row = 1;
  while (std::getline(in, line)) {
    ++row;
    if (line.empty() || line == "\r") continue;
    std::stringstream cells(line);
    std::string cell;
    std::vector<double> numbers;
    while (std::getline(cells, cell, ',')) {
      try {
        std::size_t used = 0;
        numbers.push_back(std::stod(cell, &used));
      } catch (const std::exception&) {
        throw UserError(fmt::format("{}:{}: `{}` is not a number", path, row, cell));
      }
    }
    if (numbers.size() <= value_column)
      throw UserError(fmt::format("{}:{}: expected {} columns", path, row, header.size()));
    if (!times.empty() && !(numbers[0] > times.back()))
      throw UserError(fmt::format("{}:{}: time {} ms does not increase", path, row, numbers[0]));
    times.push_back(numbers[0]);
    values.push_back(numbers[value_column]);
  }
  if (times.empty()) throw UserError(path + ": no data rows");
}

}  // namespace lapicque::io
