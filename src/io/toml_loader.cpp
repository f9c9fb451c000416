// Reading TOML files: parsing, overrides, typed values, messages with file and line.
#include "io/toml_loader.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace lapicque::io {

TomlLoader::TomlLoader(std::string path, SourceMap& sources, std::string origin)
    : path_(std::move(path)), sources_(sources), origin_(std::move(origin)) {
  sources_.file_ = path_;
}

toml::table TomlLoader::parse() {
  try {
    return toml::parse_file(path_);
  } catch (const toml::parse_error& e) {
    const auto& begin = e.source().begin;
    throw UserError(fmt::format("{}:{}:{}: not a valid experiment file (TOML): {}", path_, begin.line,
                                begin.column, e.description()));
  }
}

void TomlLoader::apply_override(toml::table& root, const std::string& assignment) {
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
  const std::string where =
      origin_ == "--set" ? "command line (--set " + assignment + ")" : origin_ + " " + assignment;
  toml::node* node = &root;
  for (std::size_t k = 0; k + 1 < parts.size(); ++k) {
    const std::string& part = parts[k];
    const bool index = !part.empty() && std::all_of(part.begin(), part.end(), ::isdigit);
    if (index) {
      auto* array = node->as_array();
      const std::size_t i = std::stoul(part);
      if (array == nullptr || i >= array->size())
        throw UserError(fmt::format("{} {}: there is no {}[{}] in {}", origin_, assignment, path, i, path_));
      node = array->get(i);
      path += "[" + part + "]";
    } else {
      auto* table = node->as_table();
      if (table == nullptr)
        throw UserError(fmt::format("{} {}: {} is not a table", origin_, assignment, path));
      const bool created = !table->contains(part);
      if (created) table->insert(part, toml::table{});
      node = table->get(part);
      path += (path.empty() ? "" : ".") + part;
      if (created) sources_.set(path, where);  // (a table the file lacks is this assignment's)
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
  sources_.set((path.empty() ? "" : path + ".") + parts.back(), where);
}

void TomlLoader::fail(const std::string& key, const std::string& value, const std::string& allowed) const {
  throw UserError(sources_.describe(ParameterError(key, value, allowed)));
}

std::string TomlLoader::value_text(const toml::node& node) {
  if (const auto* s = node.as_string()) return "\"" + s->get() + "\"";
  if (const auto* i = node.as_integer()) return std::to_string(i->get());
  if (const auto* f = node.as_floating_point()) return format_double(f->get());
  if (const auto* b = node.as_boolean()) return b->get() ? "true" : "false";
  if (node.is_array()) return "(a list)";
  if (node.is_table()) return "(a table)";
  return "(a date or time)";
}

void TomlLoader::note_sources(const toml::node& node, const std::string& key) {
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

void TomlLoader::check_keys(const toml::table& table, const std::string& prefix,
                            std::vector<std::string_view> allowed) const {
  for (const auto& [k, v] : table) {
    const std::string key(k.str());
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
      fail(prefix + key, "(unknown setting)", "not a setting here; " + unknown_name_hint(key, allowed));
  }
}

double TomlLoader::number(const toml::node& node, const std::string& key) const {
  if (const auto value = node.value<double>(); value && node.is_number()) return *value;
  fail(key, value_text(node), "must be a number");
}
double TomlLoader::number(const toml::table& table, const std::string& name, const std::string& prefix,
                          double fallback) const {
  const auto* node = table.get(name);
  return node == nullptr ? fallback : number(*node, prefix + name);
}
std::string TomlLoader::text(const toml::node& node, const std::string& key) const {
  if (const auto value = node.value<std::string>(); value && node.is_string()) return *value;
  fail(key, value_text(node), "must be text in quotes");
}

bool TomlLoader::flag(const toml::table& table, const std::string& name, const std::string& prefix,
                      bool fallback) const {
  const auto* node = table.get(name);
  if (node == nullptr) return fallback;
  if (!node->is_boolean()) fail(prefix + name, value_text(*node), "must be true or false");
  return **node->as_boolean();
}

InputSpec TomlLoader::read_input(const toml::table& table, const std::string& prefix) {
  InputSpec spec;
  const auto* type = table.get("type");
  if (type == nullptr)
    fail(prefix + ".type", "(missing)",
         "each [[input]] needs a type: " + unknown_name_hint("", input_type_names()));
  spec.type = text(*type, prefix + ".type");
  for (const auto& [k, v] : table) {
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
      fail(full, value_text(v), "must be a number, a list of numbers or text");
    }
  }
  if (spec.type == "file") load_series(spec, prefix);
  return spec;
}

void TomlLoader::load_series(InputSpec& spec, const std::string& prefix) {
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

}  // namespace lapicque::io
