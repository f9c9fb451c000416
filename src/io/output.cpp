#include "io/output.hpp"

#include <fmt/compile.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

#include "io/experiment_file.hpp"
#include "lapicque/model.hpp"

namespace lapicque::io {

std::string number_text(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  return fmt::format("{}", value);  // shortest round-trip representation
}

// (Tables are formatted into one buffer with compiled formats: a trace can have millions of rows.
// fmt writes doubles shortest round-trip, "nan" and "inf" as number_text does.)
void write_spikes_csv(std::ostream& out, const SpikeTimes& spikes) {
  fmt::memory_buffer text;
  const auto to = fmt::appender(text);
  fmt::format_to(to, "neuron,t_ms\n");
  for (std::size_t i = 0; i < spikes.size(); ++i)
    for (double t : spikes[i]) fmt::format_to(to, FMT_COMPILE("{},{}\n"), i, t);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

void write_trace_csv(std::ostream& out, const Trace& trace) {
  fmt::memory_buffer text;
  const auto to = fmt::appender(text);
  fmt::format_to(to, "t_ms");
  for (const auto& column : trace.columns) fmt::format_to(to, ",{}", column);
  fmt::format_to(to, "\n");
  for (std::size_t row = 0; row < trace.t.size(); ++row) {
    fmt::format_to(to, FMT_COMPILE("{}"), trace.t[row]);
    for (const auto& values : trace.values) fmt::format_to(to, FMT_COMPILE(",{}"), values[row]);
    fmt::format_to(to, FMT_COMPILE("\n"));
  }
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

std::string spike_train_text(const SpikeTimes& spikes, std::int64_t steps, double dt) {
  std::string text;
  for (const auto& train : spikes) {
    std::vector<bool> marks(static_cast<std::size_t>(steps), false);
    for (double t : train) {
      auto step = static_cast<std::int64_t>(std::ceil(t / dt - 1e-9)) - 1;  // the step (t_n, t_n+1] holding t
      step = std::clamp<std::int64_t>(step, 0, steps - 1);
      marks[static_cast<std::size_t>(step)] = true;
    }
    for (std::size_t k = 0; k < marks.size(); ++k) {
      if (k > 0) text += ' ';
      text += marks[k] ? '|' : '_';
    }
    text += '\n';
  }
  return text;
}

std::string fi_csv(const std::vector<FiPoint>& points) {
  const bool analytic = !points.empty() && points.front().analytic_hz.has_value();
  std::string text;
  text.reserve(64 + 96 * points.size());  // (grown once: a sweep's table is thousands of rows)
  const auto to = std::back_inserter(text);
  fmt::format_to(to, "I_pA,rate_hz{},count_rate_hz,spikes,first_spike_ms\n", analytic ? ",analytic_hz" : "");
  // fmt writes doubles shortest round-trip, "nan" and "inf" as such; the formats are compiled.
  for (const auto& p : points) {
    fmt::format_to(to, FMT_COMPILE("{},{}"), p.current, p.rate_hz);
    if (analytic) fmt::format_to(to, FMT_COMPILE(",{}"), p.analytic_hz.value_or(NAN));
    fmt::format_to(to, FMT_COMPILE(",{},{},{}\n"), p.count_rate_hz, p.spikes, p.first_spike_ms);
  }
  return text;
}

void write_fi_csv(std::ostream& out, const std::vector<FiPoint>& points) {
  out << fi_csv(points);
}

namespace {
nlohmann::json number_or_null(double value) {
  return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}
}  // namespace

nlohmann::json summary_json(const Experiment& e, const RunResult& result, const SpikeStatistics& s,
                            const std::string& source) {
  nlohmann::json j;
  j["experiment"] = source;
  j["model"] = e.model;
  j["method"] = std::string(method_name(result.method));
  j["dt_ms"] = e.integration.dt;
  j["duration_ms"] = result.duration;
  j["steps"] = result.steps;
  j["seed"] = e.seed;
  if (result.method == Method::adaptive) {
    j["rtol"] = e.integration.rtol;
    j["atol"] = e.integration.atol;
  }
  j["spike_count"] = s.count;
  j["rate_hz"] = number_or_null(s.rate_hz);
  j["mean_isi_ms"] = number_or_null(s.mean_isi_ms);
  j["isi_rate_hz"] = number_or_null(s.isi_rate_hz);
  j["cv"] = number_or_null(s.cv);
  j["first_spike_ms"] = number_or_null(s.first_spike_ms);
  j["adaptation_index"] = number_or_null(s.adaptation_index);
  j["firing_pattern"] = classify_firing_pattern(result.spikes[0], 0, result.duration);
  const Model* model = find_model(e.model);
  nlohmann::json parameters = nlohmann::json::object();
  nlohmann::json units = nlohmann::json::object();
  for (const auto& [name, value] : result.used) parameters[name] = number_or_null(value);
  for (const auto& info : model->parameters()) units[std::string(info.name)] = std::string(info.unit);
  j["parameters"] = parameters;
  j["parameter_units"] = units;
  j["input_unit"] = std::string(model->input_unit());
  nlohmann::json inputs = nlohmann::json::array();
  for (const auto& spec : e.inputs) {
    nlohmann::json input;
    input["type"] = spec.type;
    for (const auto& [key, value] : spec.values) {
      if (spec.type == "file" && (key == "times" || key == "values")) continue;
      std::visit([&](const auto& v) { input[key] = v; }, value);
    }
    inputs.push_back(input);
  }
  j["inputs"] = inputs;
  return j;
}

void write_file(const std::string& path, const std::string& contents) {
  if (path == "-") {
    std::cout << contents;
    return;
  }
  const std::filesystem::path target(path);
  if (target.has_parent_path()) std::filesystem::create_directories(target.parent_path());
  const std::string partial = path + ".partial";
  {
    std::ofstream out(partial, std::ios::binary);
    out << contents;
    out.close();
    if (!out) {
      std::remove(partial.c_str());
      throw UserError("cannot write " + path + " (disk full or no permission?)");
    }
  }
  // Removing the old file first keeps ext4 from flushing the new one to disk on a replacing rename
  // (auto_da_alloc), which would cost more than the whole simulation of a small sweep.
  std::error_code error;
  std::filesystem::remove(target, error);
  std::filesystem::rename(partial, target, error);
  if (error) throw UserError("cannot write " + path + ": " + error.message());
}

void write_files(const std::string& directory, const std::vector<std::pair<std::string, std::string>>& files,
                 const std::vector<std::string>& unwritten) {
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (error) throw UserError("cannot create the output directory " + directory + ": " + error.message());
  // Remove old results first so that a mix of old and new files can never be mistaken for a run.
  for (const auto& [name, contents] : files)
    std::filesystem::remove(std::filesystem::path(directory) / name, error);
  for (const auto& name : unwritten) std::filesystem::remove(std::filesystem::path(directory) / name, error);
  for (const auto& [name, contents] : files)
    write_file((std::filesystem::path(directory) / name).string(), contents);
}

}  // namespace lapicque::io
