// Writing results: spikes.csv, trace.csv, summary.json and f-I tables, with full double
// precision. Files appear only when complete (written under a temporary name, then renamed).
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "lapicque/analysis.hpp"
#include "lapicque/experiment.hpp"

namespace lapicque::io {

// Shortest text that reads back as the same double; "nan", "inf" as such.
std::string number_text(double value);

void write_spikes_csv(std::ostream& out, const SpikeTimes& spikes);
void write_trace_csv(std::ostream& out, const Trace& trace);
void write_fi_csv(std::ostream& out, const std::vector<FiPoint>& points);
std::string fi_csv(const std::vector<FiPoint>& points);  // the same table as text

// Seed 003's display of spike trains: one line per neuron, one character per step of dt [ms]
// (`|` for a step that holds a spike, `_` otherwise), separated by spaces.
std::string spike_train_text(const SpikeTimes& spikes, std::int64_t steps, double dt);

nlohmann::json summary_json(const Experiment& experiment, const RunResult& result,
                            const SpikeStatistics& stats, const std::string& source);

// Writes `files` (name, contents) into `directory` (created if missing) so that each file is
// either absent or complete, after removing `unwritten`: the files an earlier run may have left
// there that this one does not write. Throws UserError on failure.
void write_files(const std::string& directory, const std::vector<std::pair<std::string, std::string>>& files,
                 const std::vector<std::string>& unwritten = {});

// Writes one file atomically ("-" writes to standard output).
void write_file(const std::string& path, const std::string& contents);

}  // namespace lapicque::io
