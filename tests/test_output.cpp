// Result files: headers as documented, numbers that read back as the same doubles, a summary with
// every parameter used.
#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>

#include "io/output.hpp"
#include "test_support.hpp"

namespace lapicque {
namespace {

using testing::experiment;

TEST(Output, TraceAndSpikesRoundTrip) {
  const auto e =
      experiment("alif", {{"tau_m", 10}, {"g_L", 10}}, {{"noise", {{"mean", 800.0}, {"sigma", 40.0}}}}, 0.1,
                 100, Method::exact, {"V_m", "w", "I"});
  const RunResult r = run(e);
  ASSERT_GT(r.spikes[0].size(), 2u);
  std::ostringstream trace, spikes;
  io::write_trace_csv(trace, r.trace);
  io::write_spikes_csv(spikes, r.spikes);
  std::istringstream trace_in(trace.str()), spikes_in(spikes.str());
  std::string line;
  std::getline(trace_in, line);
  EXPECT_EQ(line, "t_ms,V_m,w,I");
  for (std::size_t row = 0; std::getline(trace_in, line); ++row) {
    std::istringstream cells(line);
    std::string cell;
    std::getline(cells, cell, ',');
    ASSERT_EQ(std::strtod(cell.c_str(), nullptr), r.trace.t[row]);
    for (std::size_t c = 0; c < 3; ++c) {
      std::getline(cells, cell, ',');
      ASSERT_EQ(std::strtod(cell.c_str(), nullptr), r.trace.values[c][row])
          << "row " << row << " column " << c;
    }
  }
  std::getline(spikes_in, line);
  EXPECT_EQ(line, "neuron,t_ms");
  for (double t : r.spikes[0]) {
    std::getline(spikes_in, line);
    EXPECT_EQ(line.substr(0, 2), "0,");
    EXPECT_EQ(std::strtod(line.c_str() + 2, nullptr), t);
  }
}

TEST(Output, SummaryHoldsStatisticsAndEveryParameterUsed) {
  const auto e =
      experiment("lif", {{"g_L", 10}}, {{"constant", {{"amplitude", 400.0}}}}, 0.1, 500, Method::exact);
  const RunResult r = run(e);
  const auto stats = spike_statistics(r.spikes[0], 0, r.duration);
  const auto j = io::summary_json(e, r, stats, "test");
  for (const char* key : {"spike_count", "rate_hz", "mean_isi_ms", "cv", "first_spike_ms", "adaptation_index",
                          "firing_pattern", "method", "dt_ms", "duration_ms", "seed", "parameters", "inputs"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["spike_count"], r.spikes[0].size());
  EXPECT_EQ(j["method"], "exact");
  EXPECT_EQ(j["firing_pattern"], "tonic");
  // Derived values are reported as used: tau_m defaults to 10 ms, so C_m = g_L tau_m = 100 pF.
  EXPECT_EQ(j["parameters"]["C_m"], 100.0);
  EXPECT_EQ(j["parameters"]["V_m"], -70.0);
  EXPECT_EQ(j["parameters"].size(), 8u);
}

TEST(Output, FiTableColumns) {
  std::ostringstream out;
  io::write_fi_csv(out, {{100, 10, 9.5, 1, 2.5, 3.0}});
  EXPECT_EQ(out.str(), "I_pA,rate_hz,analytic_hz,count_rate_hz,spikes,first_spike_ms\n100,10,3,9.5,1,2.5\n");
}

}  // namespace
}  // namespace lapicque
