// Bad input: one clear message naming file, line, key, value and what is allowed; non-zero exit;
// no output that looks complete.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "io/experiment_file.hpp"

namespace lapicque {
namespace {

namespace fs = std::filesystem;

class BadInput : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("lapicque-errors-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& text) {
    const auto path = (dir_ / "experiment.toml").string();
    std::ofstream(path) << text;
    return path;
  }
  // The message of loading `text`; fails the test if it loads.
  std::string message(const std::string& text, const std::vector<std::string>& overrides = {}) {
    try {
      io::load_experiment(write(text), overrides);
    } catch (const io::UserError& e) {
      return e.what();
    }
    ADD_FAILURE() << "no error for:\n" << text;
    return "";
  }
  fs::path dir_;
};

const std::string good = R"(duration = 100
dt = 0.1
[neuron]
model = "lif"
tau_m = 10
[[input]]
type = "constant"
amplitude = 500
)";

std::string replace(std::string text, const std::string& from, const std::string& to) {
  text.replace(text.find(from), from.size(), to);
  return text;
}

#define EXPECT_HAS(text, part) EXPECT_NE((text).find(part), std::string::npos) << "message: " << (text)

TEST_F(BadInput, GoodFileLoads) {
  EXPECT_NO_THROW(io::load_experiment(write(good)));
}

TEST_F(BadInput, UnknownModelSuggestsNearest) {
  const auto m = message(replace(good, "\"lif\"", "\"lfi\""));
  EXPECT_HAS(m, "experiment.toml:4");
  EXPECT_HAS(m, "neuron.model");
  EXPECT_HAS(m, "\"lfi\"");
  EXPECT_HAS(m, "did you mean `lif`");
}

TEST_F(BadInput, UnknownInputTypeSuggestsNearest) {
  const auto m = message(replace(good, "\"constant\"", "\"constnt\""));
  EXPECT_HAS(m, "experiment.toml:7");
  EXPECT_HAS(m, "input[0].type");
  EXPECT_HAS(m, "did you mean `constant`");
}

TEST_F(BadInput, UnknownParameterSuggestsNearest) {
  const auto m = message(replace(good, "tau_m = 10", "tau_mm = 10"));
  EXPECT_HAS(m, "experiment.toml:5");
  EXPECT_HAS(m, "neuron.tau_mm");
  EXPECT_HAS(m, "did you mean `tau_m`");
}

TEST_F(BadInput, UnknownTopLevelSettingSuggestsNearest) {
  const auto m = message(replace(good, "duration", "duraton"));
  EXPECT_HAS(m, "experiment.toml:1");
  EXPECT_HAS(m, "did you mean `duration`");
}

TEST_F(BadInput, MissingValue) {
  const auto m = message(replace(good, "amplitude = 500", "start = 5"));
  EXPECT_HAS(m, "input[0]");
  const auto step = message(replace(good, "\"constant\"\namplitude = 500", "\"step\"\nstart = 5"));
  EXPECT_HAS(step, "input[0].amplitude");
  EXPECT_HAS(step, "required");
  EXPECT_HAS(step, "experiment.toml:6");
  EXPECT_HAS(message("duration = 10\n"), "[neuron]");
}

TEST_F(BadInput, MistypedValue) {
  const auto m = message(replace(good, "tau_m = 10", "tau_m = \"ten\""));
  EXPECT_HAS(m, "experiment.toml:5");
  EXPECT_HAS(m, "neuron.tau_m = \"ten\"");
  EXPECT_HAS(m, "must be a number");
}

TEST_F(BadInput, NonPhysicalValues) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"tau_m = -10", "neuron.tau_m = -10 ms: must be > 0"},
      {"tau_m = 0", "neuron.tau_m = 0 ms: must be > 0"},
      {"C_m = -1", "neuron.C_m = -1 pF: must be > 0"},
      {"t_ref = -1", "neuron.t_ref = -1 ms: must be >= 0"},
      {"V_reset = -50", "neuron.V_reset = -50 mV: must be < V_th = -55 mV"},
  };
  for (const auto& [line, expected] : cases) {
    const auto m = message(replace(good, "tau_m = 10", line));
    EXPECT_HAS(m, "experiment.toml:5");
    EXPECT_HAS(m, expected);
  }
  const auto dt = message(replace(good, "dt = 0.1", "dt = -0.1"));
  EXPECT_HAS(dt, "experiment.toml:2");
  EXPECT_HAS(dt, "dt = -0.1 ms: must be > 0");
}

TEST_F(BadInput, StepTooCoarseForTheMethod) {
  const auto m = message(replace(good, "dt = 0.1", "dt = 20\nmethod = \"euler\""));
  EXPECT_HAS(m, "experiment.toml:2");
  EXPECT_HAS(m, "too coarse for euler");
  EXPECT_HAS(m, "tau_m = 10 ms");
}

TEST_F(BadInput, WrongMethodForModel) {
  const auto m =
      message(replace(replace(good, "\"lif\"", "\"adex\""), "dt = 0.1", "dt = 0.1\nmethod = \"exact\""));
  EXPECT_HAS(m, "experiment.toml:3");
  EXPECT_HAS(m, "method = \"exact\"");
  const auto unknown = message(replace(good, "dt = 0.1", "dt = 0.1\nmethod = \"rk45\""));
  EXPECT_HAS(unknown, "did you mean `rk4`");
}

TEST_F(BadInput, SyntaxError) {
  const auto m = message(replace(good, "tau_m = 10", "tau_m = = 10"));
  EXPECT_HAS(m, "experiment.toml:5:");
  EXPECT_HAS(m, "TOML");
}

TEST_F(BadInput, CommandLineOverridesAreNamed) {
  const auto m = message(good, {"neuron.tau_m=-2"});
  EXPECT_HAS(m, "--set neuron.tau_m=-2");
  EXPECT_HAS(m, "must be > 0");
  EXPECT_HAS(message(good, {"neuron.tau_m"}), "expected key=value");
  const auto loaded = io::load_experiment(write(good), {"neuron.tau_m=12", "seed=3", "input[0].amplitude=7"});
  EXPECT_EQ(loaded.experiment.seed, 3u);
  EXPECT_EQ(loaded.experiment.neuron.back().second, 12);
  EXPECT_EQ(std::get<double>(loaded.experiment.inputs[0].values[0].second), 7);
}

TEST_F(BadInput, MissingInputFile) {
  const auto m = message(good + "[[input]]\ntype = \"file\"\npath = \"nowhere.csv\"\n");
  EXPECT_HAS(m, "input[1].path");
  EXPECT_HAS(m, "cannot open");
}

// The command line: exit status and no output files that look complete.
int run_cli(const std::string& arguments) {
  const int status =
      std::system((std::string(LAPICQUE_BINARY) + " " + arguments + " > /dev/null 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST_F(BadInput, CommandLineExitsNonZeroAndWritesNothing) {
  const std::string out = (dir_ / "out").string();
  EXPECT_EQ(run_cli("run " + write(replace(good, "tau_m = 10", "tau_m = -1")) + " --out " + out), 2);
  EXPECT_FALSE(fs::exists(out));
  // A state that becomes infinite: the input grows without bound.
  const auto diverging = replace(good, "\"constant\"\namplitude = 500", "\"ramp\"\nslope = 1e307");
  const auto izhikevich = replace(replace(diverging, "\"lif\"", "\"izhikevich\""), "tau_m = 10\n", "");
  EXPECT_EQ(run_cli("run " + write(izhikevich) + " --out " + out), 1);
  EXPECT_EQ(run_cli("run " + write(izhikevich) + " --set method=\"euler\" --out " + out), 1);
  EXPECT_FALSE(fs::exists(fs::path(out) / "spikes.csv"));
  EXPECT_EQ(run_cli("run " + write(good) + " --out " + out), 0);
  EXPECT_TRUE(fs::exists(fs::path(out) / "spikes.csv"));
  EXPECT_TRUE(fs::exists(fs::path(out) / "summary.json"));
  EXPECT_NE(run_cli("frobnicate"), 0);
  EXPECT_NE(run_cli("run"), 0);
  EXPECT_EQ(run_cli("models"), 0);
  EXPECT_EQ(run_cli("rheobase " + write(good)), 0);
  EXPECT_EQ(run_cli("fi " + write(good) + " --from 0 --to 100 --step 10 --out " + out + "/fi.csv"), 0);
  EXPECT_TRUE(fs::exists(fs::path(out) / "fi.csv"));
  EXPECT_EQ(run_cli("fi " + write(good) + " --from 0 --to 100 --step -1"), 2);
  EXPECT_EQ(run_cli("curve softplus --out " + out + "/softplus.csv"), 0);
}

}  // namespace
}  // namespace lapicque
