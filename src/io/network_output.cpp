#include "io/network_output.hpp"

#include <fmt/compile.h>
#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <string>

namespace lapicque::io {

namespace {
nlohmann::json finite_or_null(double value) {
  return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json(nullptr);
}
}  // namespace

void write_network_spikes_csv(std::ostream& out, const NetworkResult& result) {
  // Merge the populations' time-ordered lists.
  struct Cursor {
    std::size_t population, next;
  };
  std::vector<Cursor> cursors;
  for (std::size_t p = 0; p < result.populations.size(); ++p)
    if (!result.populations[p].spikes.empty()) cursors.push_back({p, 0});
  fmt::memory_buffer text;
  const auto to = fmt::appender(text);
  fmt::format_to(to, "population,neuron,t_ms\n");
  while (!cursors.empty()) {
    std::size_t best = 0;
    for (std::size_t c = 1; c < cursors.size(); ++c)
      if (result.populations[cursors[c].population].spikes[cursors[c].next].t <
          result.populations[cursors[best].population].spikes[cursors[best].next].t)
        best = c;
    auto& cursor = cursors[best];
    const auto& population = result.populations[cursor.population];
    const double t = population.spikes[cursor.next].t;
    // every spike of this population at this same time, in neuron order
    while (cursor.next < population.spikes.size() && population.spikes[cursor.next].t == t) {
      fmt::format_to(to, FMT_COMPILE("{},{},{}\n"), population.name, population.spikes[cursor.next].neuron,
                     t);
      ++cursor.next;
    }
    if (cursor.next == population.spikes.size())
      cursors.erase(cursors.begin() + static_cast<std::ptrdiff_t>(best));
  }
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

void write_network_trace_csv(std::ostream& out, const NetworkResult& result, double dt) {
  fmt::memory_buffer text;
  const auto to = fmt::appender(text);
  fmt::format_to(to, "t_ms");
  for (const auto& trace : result.traces)
    fmt::format_to(to, ",{}.{}.{}", trace.population, trace.neuron, trace.variable);
  fmt::format_to(to, "\n");
  for (std::int64_t n = 0; n < result.steps; ++n) {
    fmt::format_to(to, FMT_COMPILE("{}"), grid_time(static_cast<std::int64_t>(n), dt));
    for (const auto& trace : result.traces)
      fmt::format_to(to, FMT_COMPILE(",{}"), trace.values[static_cast<std::size_t>(n)]);
    fmt::format_to(to, FMT_COMPILE("\n"));
  }
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

void write_network_rates_csv(std::ostream& out, const NetworkResult& result, double bin_ms) {
  fmt::memory_buffer text;
  const auto to = fmt::appender(text);
  fmt::format_to(to, "t_ms");
  for (const auto& p : result.populations) fmt::format_to(to, ",{}_hz", p.name);
  fmt::format_to(to, "\n");
  const std::size_t bins = result.rates.empty() ? 0 : result.rates[0].size();
  for (std::size_t b = 0; b < bins; ++b) {
    fmt::format_to(to, FMT_COMPILE("{}"), grid_time(static_cast<std::int64_t>(b), bin_ms));
    for (const auto& rate : result.rates) fmt::format_to(to, FMT_COMPILE(",{}"), rate[b]);
    fmt::format_to(to, FMT_COMPILE("\n"));
  }
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

double peak_rss_mb() {
  // The high-water mark of this program's own memory (VmHWM, kB): it starts afresh at exec. The
  // rusage figure does not: it keeps the resident size of the process that forked us (a Python
  // script's 30 MB or more), so it is only the fallback where /proc is missing.
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmHWM:", 0) == 0) return std::strtod(line.c_str() + 6, nullptr) / 1024.0;
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in kB on Linux
}

nlohmann::json network_summary_json(const NetworkSpec& spec, const NetworkResult& r,
                                    const std::string& source) {
  nlohmann::json j;
  j["experiment"] = source;
  j["duration_ms"] = r.duration;
  j["dt_ms"] = spec.dt;
  j["steps"] = r.steps;
  j["seed"] = spec.seed;
  j["threads"] = r.threads;
  j["setup_s"] = r.setup_s;
  j["sim_s"] = r.sim_s;
  j["realtime_factor"] = r.sim_s > 0 ? r.duration * 1e-3 / r.sim_s : 0.0;
  j["peak_rss_mb"] = peak_rss_mb();
  j["n_synapses"] = r.synapses;
  j["bytes_per_synapse"] = r.synapses > 0 ? finite_or_null(r.synapse_bytes / static_cast<double>(r.synapses))
                                          : nlohmann::json(nullptr);
  j["memory_estimate_mb"] = estimate_memory(spec).bytes / 1e6;
  nlohmann::json projections = nlohmann::json::array();
  for (const auto& q : r.projections) {
    nlohmann::json entry;
    entry["source"] = q.source;
    entry["target"] = q.target;
    entry["n_synapses"] = q.synapses;
    entry["bytes_per_synapse"] =
        q.synapses > 0 ? finite_or_null(q.bytes / static_cast<double>(q.synapses)) : nlohmann::json(nullptr);
    entry["storage"] = q.storage;
    projections.push_back(std::move(entry));
  }
  j["projections"] = std::move(projections);
  nlohmann::json populations = nlohmann::json::object();
  std::size_t neurons = 0;
  std::uint64_t spikes = 0;
  for (std::size_t p = 0; p < r.populations.size(); ++p) {
    const auto& pop = r.populations[p];
    nlohmann::json entry;
    entry["size"] = pop.size;
    entry["model"] = spec.populations[p].model;
    entry["spike_count"] = pop.spike_count;
    entry["rate_hz"] = pop.size > 0 && r.duration > 0 ? 1000.0 * static_cast<double>(pop.spike_count) /
                                                            (static_cast<double>(pop.size) * r.duration)
                                                      : 0.0;
    entry["recorded"] = !pop.spikes.empty() || pop.spike_count == 0;
    if (!pop.spikes.empty()) {
      const auto activity = population_activity(pop, 0, r.duration);
      entry["cv_isi"] = finite_or_null(activity.cv_isi);
      entry["fano_1ms"] = finite_or_null(activity.fano);
    }
    neurons += pop.size;
    spikes += pop.spike_count;
    populations[pop.name] = entry;
  }
  j["populations"] = populations;
  j["n_neurons"] = neurons;
  j["spike_count"] = spikes;
  return j;
}

}  // namespace lapicque::io
