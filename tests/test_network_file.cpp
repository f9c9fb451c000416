// Network experiment files: a full description reads into the spec it says, and every kind of
// bad input (point 7 of the network issue) gives one message with file, line, key, value and
// what is allowed.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "io/network_file.hpp"
#include "lapicque/network.hpp"

namespace lapicque {
namespace {

namespace fs = std::filesystem;

// COBA of Brette et al. (2007) as a file, with a drive, a source and recorders.
const std::string coba = R"(duration = 1000  # ms
dt = 0.1
seed = 3

[[population]]
name = "E"
size = 3200
model = "lif"
[population.neuron]
C_m = 200
g_L = 10
E_L = -60
V_th = -50
V_reset = -60
t_ref = 5
V_m = { distribution = "normal", mean = -55, std = 5, max = -50 }

[[population]]
name = "I"
size = 800
model = "lif"
[population.neuron]
C_m = 200
g_L = 10
E_L = -60
V_th = -50
V_reset = -60
t_ref = 5
V_m = { distribution = "uniform", low = -60, high = -50 }

[[source]]
name = "ext"
type = "poisson"
size = 100
rate = 5

[[projection]]
source = "E"
target = "E"
rule = "pairwise_bernoulli"
p = 0.02
autapses = false
synapse = "exp_conductance"
tau_syn = 5
E_rev = 0
weight = 6
delay = 0.1

[[projection]]
source = "I"
target = "E"
rule = "fixed_indegree"
indegree = 16
multapses = false
synapse = "exp_conductance"
tau_syn = 10
E_rev = -80
weight = { distribution = "lognormal", mu = 4.2, sigma = 0.1 }
delay = { distribution = "uniform", low = 0.1, high = 2 }

[[projection]]
source = "ext"
target = "I"
rule = "all_to_all"
synapse = "delta"
weight = 0.5
delay = 1.5

[[drive]]
target = "I"
type = "poisson"
rate = 1000
synapse = "exp_current"
tau_syn = 2
weight = 20

[[drive]]
target = "E"
type = "noise"
mean = 10
sigma = 5

[record]
spikes = ["E", "I"]
rate_bin = 1
[[record.state]]
population = "E"
variables = ["V_m"]
neurons = [0, 1, 2]
)";

class NetworkFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("lapicque-network-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& text) {
    const auto path = (dir_ / "network.toml").string();
    std::ofstream(path) << text;
    return path;
  }
  std::string message(const std::string& text, const std::vector<std::string>& overrides = {}) {
    try {
      io::load_network(write(text), overrides);
    } catch (const io::UserError& e) {
      return e.what();
    }
    ADD_FAILURE() << "no error";
    return "";
  }
  fs::path dir_;
};

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

#define EXPECT_HAS(text, part) EXPECT_NE((text).find(part), std::string::npos) << "message: " << (text)

TEST_F(NetworkFile, ReadsWhatItSays) {
  const auto path = write(coba);
  ASSERT_TRUE(io::is_network_file(path));
  const auto n = io::load_network(path).network;
  EXPECT_EQ(n.seed, 3u);
  ASSERT_EQ(n.populations.size(), 2u);
  EXPECT_EQ(n.populations[0].name, "E");
  EXPECT_EQ(n.populations[0].size, 3200u);
  const auto V_m = *std::find_if(n.populations[0].neuron.begin(), n.populations[0].neuron.end(),
                                 [](const auto& p) { return p.first == "V_m"; });
  EXPECT_EQ(V_m.second.kind, Distribution::Kind::normal);
  EXPECT_EQ(V_m.second.a, -55);
  EXPECT_EQ(V_m.second.b, 5);
  EXPECT_EQ(V_m.second.max, -50);
  ASSERT_EQ(n.projections.size(), 3u);
  EXPECT_EQ(n.projections[0].rule.rule, Rule::pairwise_bernoulli);
  EXPECT_EQ(n.projections[0].rule.p, 0.02);
  EXPECT_FALSE(n.projections[0].rule.autapses);
  EXPECT_EQ(n.projections[0].synapse, SynapseKind::exp_conductance);
  EXPECT_EQ(n.projections[1].rule.number, 16u);
  EXPECT_FALSE(n.projections[1].rule.multapses);
  EXPECT_EQ(n.projections[1].E_rev, -80);
  EXPECT_EQ(n.projections[1].weight.kind, Distribution::Kind::lognormal);
  EXPECT_EQ(n.projections[1].delay.kind, Distribution::Kind::uniform);
  EXPECT_EQ(n.projections[2].source, "ext");
  ASSERT_EQ(n.drives.size(), 2u);
  EXPECT_EQ(n.drives[0].input.type, "poisson");
  EXPECT_EQ(n.drives[0].rate, 1000);
  EXPECT_EQ(n.drives[1].input.type, "noise");
  EXPECT_EQ(n.record.state.at(0).neurons.size(), 3u);
  EXPECT_EQ(n.record.rate_bin, 1);
  const auto overridden = io::load_network(path, {"projection[0].p=0.05", "population[1].size=400"}).network;
  EXPECT_EQ(overridden.projections[0].rule.p, 0.05);
  EXPECT_EQ(overridden.populations[1].size, 400u);
  EXPECT_FALSE(io::is_network_file(write("duration = 10\n[neuron]\nmodel = \"lif\"\n")));
}

// record.spikes lists the populations whose spikes are kept: an empty list keeps none (they are
// still counted), no list keeps all.
TEST_F(NetworkFile, RecordedSpikesAreThoseListed) {
  const auto none =
      io::load_network(write(replace(coba, "spikes = [\"E\", \"I\"]", "spikes = []")), {"duration=20"});
  EXPECT_TRUE(none.network.record.spikes_listed);
  const auto r = simulate(none.network, 2);
  EXPECT_TRUE(r.populations[0].spikes.empty() && r.populations[1].spikes.empty());
  EXPECT_GT(r.populations[0].spike_count + r.populations[1].spike_count, 0u);
  const auto all = io::load_network(write(replace(coba, "spikes = [\"E\", \"I\"]\n", "")), {"duration=20"});
  EXPECT_FALSE(all.network.record.spikes_listed);
  const auto a = simulate(all.network, 2);
  EXPECT_EQ(a.populations[0].spikes.size() + a.populations[1].spikes.size(),
            a.populations[0].spike_count + a.populations[1].spike_count);
}

TEST_F(NetworkFile, MemoryEstimate) {
  const auto n = io::load_network(write(coba)).network;
  const auto m = estimate_memory(n);
  // 0.02 x 3200 x 3200 + 16 x 3200 + 100 x 800 synapses
  EXPECT_DOUBLE_EQ(m.synapses, 0.02 * 3200 * 3200 + 16.0 * 3200 + 100.0 * 800);
  EXPECT_EQ(m.largest, 0u);  // named when the network does not fit
  EXPECT_DOUBLE_EQ(m.largest_synapses, 0.02 * 3200 * 3200);
  EXPECT_GT(m.bytes, 4 * m.synapses);
  EXPECT_LT(m.bytes, 64 * m.synapses);
}

TEST_F(NetworkFile, UnknownPopulationInAProjection) {
  const auto m = message(replace(coba, "source = \"I\"\ntarget = \"E\"", "source = \"Inh\"\ntarget = \"E\""));
  EXPECT_HAS(m, "network.toml:50: projection[1].source = \"Inh\": no population or source of that name");
  EXPECT_HAS(m, "allowed: E, I, ext");
  EXPECT_HAS(message(replace(coba, "target = \"I\"\nrule = \"all_to_all\"",
                             "target = \"X\"\nrule = \"all_to_all\"")),
             "projection[2].target = \"X\": no population of that name");
}

TEST_F(NetworkFile, ProbabilitiesOutsideZeroToOne) {
  EXPECT_HAS(message(replace(coba, "p = 0.02", "p = 1.2")),
             ":41: projection[0].p = 1.2: a probability: must lie in [0, 1]");
  EXPECT_HAS(message(coba, {"projection[0].p=-0.1"}), "projection[0].p = -0.1: a probability");
}

TEST_F(NetworkFile, DelaysShorterThanDt) {
  EXPECT_HAS(message(replace(coba, "delay = 0.1\n", "delay = 0.05\n")),
             "projection[0].delay = 0.05 ms: delays must be >= dt = 0.1 ms");
  EXPECT_HAS(message(replace(coba, "low = 0.1, high = 2", "low = 0, high = 2")),
             "projection[1].delay = uniform, low = 0 ms: delays must be >= dt = 0.1 ms");
  EXPECT_HAS(
      message(replace(coba, "delay = 1.5", "delay = 1.55")),
      "projection[2].delay = 1.55 ms: must be a whole number of steps of dt = 0.1 ms (spikes travel on "
      "the grid), e.g. 1.5 or 1.6 ms");
  EXPECT_NO_THROW(io::load_network(write(replace(coba, "delay = 1.5", "delay = 1.7"))));
}

TEST_F(NetworkFile, InDegreeLargerThanTheSourceWithoutMultapses) {
  const auto m = message(replace(coba, "indegree = 16", "indegree = 900"));
  EXPECT_HAS(m, "projection[1].indegree = 900: must be <= 800 (the source neurons) without multapses");
  EXPECT_HAS(m, "multapses = true");
}

TEST_F(NetworkFile, OtherBadInput) {
  EXPECT_HAS(message(replace(coba, "rule = \"pairwise_bernoulli\"", "rule = \"pairwise_bernouli\"")),
             "did you mean `pairwise_bernoulli`?");
  EXPECT_HAS(message(replace(coba, "synapse = \"exp_conductance\"\ntau_syn = 5",
                             "synapse = \"exp_conductance\"\ntau_syn = 0")),
             "projection[0].tau_syn = 0 ms: the synaptic time constant must be > 0 ms");
  EXPECT_HAS(message(replace(coba, "weight = 6\n", "weight = -6\n")), "a conductance must be >= 0 nS");
  EXPECT_HAS(message(replace(coba, "size = 800", "size = 0")), "population[1].size = 0");
  EXPECT_HAS(message(replace(coba, "model = \"lif\"", "model = \"lifx\"")),
             "population[0].model = \"lifx\": unknown model");
  EXPECT_HAS(message(replace(coba, "t_ref = 5", "t_ref = -5")), "population[0].neuron.t_ref = -5 ms");
  EXPECT_HAS(message(replace(coba, "low = -60, high = -50", "low = -50, high = -60")), "needs high > low");
  EXPECT_HAS(
      message(replace(coba, "distribution = \"uniform\", low = -60", "distribution = \"gamma\", low = -60")),
      "unknown distribution");
  EXPECT_HAS(message(replace(coba, "name = \"I\"", "name = \"E\"")), "names must be unique");
  EXPECT_HAS(message(replace(coba, "neurons = [0, 1, 2]", "neurons = [0, 1, 5000]")),
             "record.state[0].neurons = 5000: population E has neurons 0 to 3199");
  EXPECT_HAS(message(replace(coba, "rate = 1000", "rate = -1")), "drive[0].rate = -1 Hz: must be >= 0 Hz");
  EXPECT_HAS(message(replace(coba, "sigma = 5\n", "sigma = -5\n")),
             ":81: drive[1].sigma = -5: must be >= 0 pA sqrt(ms)");
  EXPECT_HAS(message(replace(coba, "spikes = [\"E\", \"I\"]", "spikes = [\"E\", \"J\"]")),
             "record.spikes = \"J\"");
  EXPECT_HAS(message(replace(coba, "rule = \"fixed_indegree\"\nindegree = 16", "rule = \"fixed_indegree\"")),
             "projection[1].indegree = (missing): rule fixed_indegree needs `indegree`");
  EXPECT_HAS(message(replace(coba, "autapses = false", "autapses = 0")),
             "projection[0].autapses = 0: must be true or false");
  EXPECT_HAS(message(replace(coba, "delay = 1.5", "dleay = 1.5")), "projection[2].dleay");
}

// from_file: a connection list with its own weights and delays, read relative to the file; the
// network then delivers each listed synapse's weight after its own delay.
const std::string listed = R"(duration = 20
[[population]]
name = "post"
size = 3
neuron = { V_th = 1000 }
[[source]]
name = "pre"
type = "spike_times"
times = [[5.0], [10.0]]
[[projection]]
source = "pre"
target = "post"
rule = "from_file"
file = "synapses.csv"
synapse = "delta"
[[record.state]]
population = "post"
neurons = [0, 1, 2]
)";

// An edit of the COBA file and a part of the message it must give.
struct BadEdit {
  const char* from;
  const char* to;
  const char* message;
};

// Settings that would be ignored, or would have to be guessed, are refused.
TEST_F(NetworkFile, SettingsThatDoNotApplyAreRefused) {
  const BadEdit edits[] = {
      {"p = 0.02\n", "p = 0.02\nindegree = 5\n",
       ":42: projection[0].indegree = 5: `indegree` belongs to rule fixed_indegree; rule pairwise_bernoulli "
       "does not use it"},
      {"rule = \"all_to_all\"\n", "rule = \"all_to_all\"\np = 0.1\n",
       "projection[2].p = 0.1: `p` belongs to rule pairwise_bernoulli"},
      {"tau_syn = 2\n", "tau_syn = 2\nE_rev = 0\n",
       "drive[0].E_rev = 0: `exp_current` synapses have no reversal potential"},
      {"synapse = \"delta\"\n", "synapse = \"delta\"\ntau_syn = 3\n",
       "projection[2].tau_syn = 3: a delta synapse has no time constant"},
      {"tau_syn = 5\nE_rev = 0\n", "tau_syn = 5\n",
       "projection[0].E_rev = (missing): `exp_conductance` synapses need their reversal potential [mV]"},
      {"type = \"poisson\"\nsize = 100\nrate = 5",
       "type = \"spike_times\"\nsize = 2\ntimes = [[1.0], [2.0]]\nrate = 5",
       "source[0].rate = 5 Hz: a rate belongs to poisson sources"},
      {"type = \"poisson\"\nsize = 100\nrate = 5", "type = \"spike_times\"\nsize = 2",
       "source[0].times = 0 lists: a spike_times source needs one list of times [ms] per source (size = 2)"},
  };
  for (const auto& edit : edits) EXPECT_HAS(message(replace(coba, edit.from, edit.to)), edit.message);
}

// Values the engine cannot honour are refused, not clipped or mislabelled.
TEST_F(NetworkFile, ValuesBeyondWhatTheEngineHoldsAreRefused) {
  const BadEdit edits[] = {
      {"rate = 1000\n", "rate = 1e10\n",
       "drive[0].rate = 1e+10 Hz: 1e+06 events per step of dt = 0.1 ms; at most 100000"},
      {"rate = 5\n", "rate = 2e9\n", "source[0].rate = 2e+09 Hz"},
      {"synapse = \"exp_current\"\ntau_syn = 2\nweight = 20",
       "synapse = \"exp_conductance\"\ntau_syn = 2\nE_rev = -80\nweight = -20",
       "drive[0].weight = -20 nS: a conductance must be >= 0 nS"},
      {"rate_bin = 1\n", "rate_bin = 0.15\n",
       "record.rate_bin = 0.15 ms: must be a whole number of steps of dt = 0.1 ms, e.g. 0.1 or 0.2 ms"},
      {"rate_bin = 1\n", "rate_bin = 0.01\n", "e.g. 0.1 or 0.2 ms"},
      {"duration = 1000", "duration = 10.05",
       ":1: duration = 10.05 ms: must be a whole number of steps of dt = 0.1 ms (a network runs on the "
       "grid), "
       "e.g. 10 or 10.1 ms"},
      {"low = 0.1, high = 2", "low = 0.1, high = 7000",
       "projection[1].delay = uniform, high = 7000 ms: drawn delays are at most 65535 steps = 6553.5 ms"},
      // Windows of a normal law that hold almost none of it (drawing again would go on and on).
      {"mean = -55, std = 5, max = -50", "mean = -55, std = 0.1, min = -50, max = -49",
       "population[0].neuron.V_m = min = -50, max = -49: the window holds 0 of the normal distribution; it "
       "must hold at least 0.01"},
      {"distribution = \"lognormal\", mu = 4.2, sigma = 0.1",
       "distribution = \"normal\", mean = 66, std = 7, min = 1000, max = 2000",
       "projection[1].weight = min = 1000, max = 2000 nS: the window holds 0 of the normal"},
  };
  for (const auto& edit : edits) EXPECT_HAS(message(replace(coba, edit.from, edit.to)), edit.message);
  EXPECT_NO_THROW(io::load_network(
      write(replace(coba, "mean = -55, std = 5, max = -50", "mean = -55, std = 5, min = -60, max = -50"))));
}

TEST_F(NetworkFile, ConnectionsFromAFile) {
  std::ofstream(dir_ / "synapses.csv") << "source,target,weight,delay\n0,2,1.5,1.0\n1,0,-2,0.5\n0,0,3,2.0\n";
  const auto loaded = io::load_network(write(listed));
  const auto result = simulate(loaded.network);
  ASSERT_EQ(result.synapses, 3u);
  const auto at = [&](std::size_t neuron, double t) {
    return result.traces.at(neuron).values.at(static_cast<std::size_t>(std::lround(t / 0.1)));
  };
  EXPECT_DOUBLE_EQ(at(2, 5.9), -70);      // before 5 + 1.0 ms
  EXPECT_NEAR(at(2, 6.0), -68.5, 1e-12);  // + 1.5 mV at 6.0 ms
  EXPECT_DOUBLE_EQ(at(0, 6.9), -70);
  EXPECT_NEAR(at(0, 7.0), -67, 1e-12);      // + 3 mV at 5 + 2.0 ms
  EXPECT_NEAR(at(1, 12), -70, 1e-12);       // nothing reaches neuron 1
  EXPECT_LT(at(0, 10.5), at(0, 10.4) - 1);  // - 2 mV at 10 + 0.5 ms
}

TEST_F(NetworkFile, ConnectionListErrorsNameTheLine) {
  std::ofstream(dir_ / "synapses.csv") << "source,target,weight,delay\n0,2,1.5,1.0\n1,3,-2,0.5\n";
  EXPECT_HAS(message(listed), "synapses.csv:3");
  EXPECT_HAS(message(listed), "outside the populations");
  std::ofstream(dir_ / "synapses.csv") << "from,to\n0,1\n";
  EXPECT_HAS(message(listed), "must name the columns source and target");
  std::ofstream(dir_ / "synapses.csv") << "source,target,weight\n0,1,x\n";
  EXPECT_HAS(message(listed), "synapses.csv:2: `x` is not a number");
  std::ofstream(dir_ / "synapses.csv") << "source,target,weight,delay\n0,1,1,1\n0,1,1,1\n";
  EXPECT_HAS(message(replace(listed, "synapse = \"delta\"", "synapse = \"delta\"\nmultapses = false")),
             "listed twice");
  std::ofstream(dir_ / "synapses.csv") << "source,target,weight,delay\n0,2,1.5,1.0\n";
  EXPECT_HAS(message(replace(listed, "synapse = \"delta\"", "synapse = \"delta\"\nweight = 2")),
             "projection[0].weight = 2: the connection list gives every synapse its weight");
  // Delays off the grid, as for a constant delay (found when the list is built).
  std::ofstream(dir_ / "synapses.csv") << "source,target,weight,delay\n0,2,1.5,1.0\n1,0,1,1.05\n";
  try {
    simulate(io::load_network(write(listed)).network);
    ADD_FAILURE() << "no error";
  } catch (const ParameterError& e) {
    EXPECT_HAS(std::string(e.what()), "synapses.csv:3");
    EXPECT_HAS(std::string(e.what()), "delay 1.05 ms: must be a whole number of steps of dt = 0.1 ms");
  }
}

// The command line on network files: exit status, messages, and files only when complete.
int run_cli(const std::string& arguments) {
  const int status =
      std::system((std::string(LAPICQUE_BINARY) + " " + arguments + " > /dev/null 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST_F(NetworkFile, CommandLineRunsNetworksAndRefusesBadOnes) {
  const std::string out = (dir_ / "out").string();
  const std::string small = R"(duration = 100
[[population]]
name = "E"
size = 50
[[source]]
name = "ext"
size = 20
rate = 200
[[projection]]
source = "ext"
target = "E"
rule = "pairwise_bernoulli"
p = 0.5
synapse = "exp_current"
weight = 300
delay = 1
[record]
rate_bin = 5
)";
  EXPECT_EQ(run_cli("run " + write(replace(small, "p = 0.5", "p = 1.5")) + " --out " + out), 2);
  EXPECT_FALSE(fs::exists(out));
  const std::string huge =
      replace(replace(small, "size = 50", "size = 3000000"), "pairwise_bernoulli", "all_to_all");
  EXPECT_EQ(run_cli("run " + write(replace(huge, "size = 20", "size = 3000000")) + " --out " + out), 2);
  EXPECT_FALSE(fs::exists(out));
  // A state that becomes infinite stops the run with status 1 and no files.
  EXPECT_EQ(run_cli("run " + write(replace(small, "weight = 300", "weight = 1e308")) + " --out " + out), 1);
  EXPECT_FALSE(fs::exists(fs::path(out) / "spikes.csv"));
  ASSERT_EQ(run_cli("run " + write(small) + " --threads 2 --out " + out), 0);
  std::ifstream spikes(fs::path(out) / "spikes.csv");
  std::string header;
  std::getline(spikes, header);
  EXPECT_EQ(header, "population,neuron,t_ms");
  std::stringstream summary;
  summary << std::ifstream(fs::path(out) / "summary.json").rdbuf();
  for (const char* key : {"\"setup_s\"", "\"sim_s\"", "\"peak_rss_mb\"", "\"n_synapses\"",
                          "\"bytes_per_synapse\"", "\"storage\""})
    EXPECT_NE(summary.str().find(key), std::string::npos) << key;
  EXPECT_TRUE(fs::exists(fs::path(out) / "rates.csv"));
  // A run that records no rates into the same directory leaves none of the earlier run's.
  ASSERT_EQ(run_cli("run " + write(replace(small, "rate_bin = 5", "rate_bin = 0")) + " --out " + out), 0);
  EXPECT_FALSE(fs::exists(fs::path(out) / "rates.csv"));
  EXPECT_TRUE(fs::exists(fs::path(out) / "spikes.csv"));
}

}  // namespace
}  // namespace lapicque
