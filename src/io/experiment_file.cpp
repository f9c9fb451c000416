// Experiment files: TOML in, a typed Experiment out, every problem named with file and line.
#include "io/experiment_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "io/csv_table.hpp"
#include "io/toml_loader.hpp"
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

class ExperimentReader {
 public:
  explicit ExperimentReader(TomlLoader& loader) : toml_(loader) {}

  Experiment read(const toml::table& root) {
    Experiment e;
    toml_.note_sources(root, "");
    toml_.check_keys(root, "",
                     {"title", "description", "duration", "dt", "method", "seed", "rtol", "atol", "neuron",
                      "input", "record", "fi"});
    e.duration = toml_.number(root, "duration", "", e.duration);
    e.integration.dt = toml_.number(root, "dt", "", e.integration.dt);
    e.integration.rtol = toml_.number(root, "rtol", "", e.integration.rtol);
    e.integration.atol = toml_.number(root, "atol", "", e.integration.atol);
    if (const auto* method = root.get("method")) {
      const std::string name = toml_.text(*method, "method");
      const auto parsed = parse_method(name);
      if (!parsed)
        toml_.fail("method", "\"" + name + "\"",
                   "unknown method; " + unknown_name_hint(name, {"euler", "exact", "rk4", "adaptive"}));
      e.integration.method = *parsed;
      e.method_given = true;
    }
    if (const auto* seed = root.get("seed")) {
      const auto value = seed->value<std::int64_t>();
      if (!value || *value < 0) toml_.fail("seed", toml_.value_text(*seed), "must be a whole number >= 0");
      e.seed = static_cast<std::uint64_t>(*value);
    }
    read_neuron(root, e);
    read_inputs(root, e);
    read_record(root, e);
    return e;
  }

 private:
  void read_neuron(const toml::table& root, Experiment& e) {
    const auto* node = root.get("neuron");
    if (node == nullptr)
      toml_.fail("neuron", "(missing)", "an experiment needs a [neuron] table with a `model`");
    const auto* table = node->as_table();
    if (table == nullptr) toml_.fail("neuron", "(not a table)", "must be a table: [neuron]");
    const auto* model_node = table->get("model");
    if (model_node == nullptr)
      toml_.fail("neuron.model", "(missing)", "name the model: " + unknown_name_hint("", model_names()));
    e.model = toml_.text(*model_node, "neuron.model");
    const Model* model = find_model(e.model);
    if (model == nullptr)
      toml_.fail("neuron.model", "\"" + e.model + "\"",
                 "unknown model; " + unknown_name_hint(e.model, model_names()));
    if (const auto* preset_node = table->get("preset")) {
      const std::string preset = toml_.text(*preset_node, "neuron.preset");
      const auto presets = model->presets();
      std::vector<std::string_view> names;
      for (const auto& p : presets) names.push_back(p.name);
      const auto it =
          std::find_if(presets.begin(), presets.end(), [&](const auto& p) { return p.name == preset; });
      if (it == presets.end())
        toml_.fail("neuron.preset", "\"" + preset + "\"",
                   names.empty() ? "model " + e.model + " has no presets"
                                 : "unknown preset of " + e.model + "; " + unknown_name_hint(preset, names));
      e.neuron = it->values;
    }
    for (const auto& [k, v] : *table) {
      const std::string key(k.str());
      if (key == "model" || key == "preset") continue;
      e.neuron.emplace_back(key, toml_.number(v, "neuron." + key));
    }
  }

  void read_inputs(const toml::table& root, Experiment& e) {
    const auto* node = root.get("input");
    if (node == nullptr) return;
    const auto* array = node->as_array();
    if (array == nullptr)
      toml_.fail("input", "(not a list of tables)", "write each input as an [[input]] table");
    for (std::size_t i = 0; i < array->size(); ++i) {
      const std::string prefix = "input[" + std::to_string(i) + "]";
      const auto* table = array->get(i)->as_table();
      if (table == nullptr) toml_.fail(prefix, "(not a table)", "write each input as an [[input]] table");
      e.inputs.push_back(toml_.read_input(*table, prefix));
    }
  }

  void read_record(const toml::table& root, Experiment& e) {
    const auto* node = root.get("record");
    if (node == nullptr) return;
    const auto* table = node->as_table();
    if (table == nullptr) toml_.fail("record", "(not a table)", "must be a table: [record]");
    toml_.check_keys(*table, "record.", {"variables", "draw_spikes", "spike_height"});
    if (const auto* variables = table->get("variables")) {
      const auto* list = variables->as_array();
      if (list == nullptr)
        toml_.fail("record.variables", toml_.value_text(*variables),
                   "must be a list of names, e.g. [\"V_m\", \"I\"]");
      e.record.variables.clear();
      for (std::size_t j = 0; j < list->size(); ++j)
        e.record.variables.push_back(
            toml_.text(*list->get(j), "record.variables[" + std::to_string(j) + "]"));
    }
    e.record.draw_spikes = toml_.flag(*table, "draw_spikes", "record.", e.record.draw_spikes);
    e.record.spike_height = toml_.number(*table, "spike_height", "record.", e.record.spike_height);
  }

  TomlLoader& toml_;
};

LoadedExperiment load_experiment(const std::string& path, const std::vector<std::string>& overrides,
                                 const std::string& origin) {
  LoadedExperiment loaded;
  loaded.path = path;
  TomlLoader loader(path, loaded.sources, origin);
  loaded.experiment = read_checked(
      loader, overrides, [&](const toml::table& root) { return ExperimentReader(loader).read(root); });
  return loaded;
}

void read_series(const std::string& path, const std::string& column, std::vector<double>& times,
                 std::vector<double>& values) {
  const CsvTable table = read_csv_table(path);
  long value_column = 1;
  if (!column.empty()) {
    value_column = table.column(column);
    if (value_column < 0) throw UserError(path + ":1: no column named `" + column + "` in the header");
  }
  if (table.header.size() < 2 || value_column == 0)
    throw UserError(path + ":1: expected a header of at least two columns: t_ms,value");
  const auto& t = table.columns[0];
  for (std::size_t r = 0; r < t.size(); ++r) {
    if (r > 0 && !(t[r] > t[r - 1]))
      throw UserError(fmt::format("{}:{}: time {} ms does not increase", path, table.lines[r], t[r]));
    times.push_back(t[r]);
    values.push_back(table.columns[static_cast<std::size_t>(value_column)][r]);
  }
  if (times.empty()) throw UserError(path + ": no data rows");
}

}  // namespace lapicque::io
