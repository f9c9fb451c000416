// The `lapicque` command line: reads arguments, calls io and the core, prints. Nothing else.
#include <fmt/format.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <iostream>
#include <new>
#include <sstream>
#include <thread>

#include "io/experiment_file.hpp"
#include "io/network_file.hpp"
#include "io/network_output.hpp"
#include "io/output.hpp"
#include "lapicque/analysis.hpp"
#include "lapicque/model.hpp"
#include "progress_bar.hpp"

namespace {

using namespace lapicque;

struct RunOptions {
  std::string experiment, out;
  std::vector<std::string> overrides;
  bool raster = false, quiet = false;
  std::size_t threads = 1;
};

struct FiOptions {
  std::string experiment, out = "-";
  std::vector<std::string> overrides;
  double from = 0, to = 0, step = 0, skip = 0;
  bool timing = false;
};

struct RheobaseOptions {
  std::string experiment;
  std::vector<std::string> overrides;
  double low = 0, high = 10000, tolerance = 0.01;
  std::size_t min_spikes = 1;
};

struct CurveOptions {
  std::string function, out = "-";
  double from = -2, to = 5, step = 0.01, tau_rc = 20, tau_ref = 2;
};

std::string default_out_dir(const std::string& experiment) {
  return "out/" + std::filesystem::path(experiment).stem().string();
}

int command_run_network(const RunOptions& o) {
  const auto loaded = io::load_network(o.experiment, o.overrides);
  const NetworkSpec& spec = loaded.network;
  NetworkResult result;
  for (const auto& warning : network_warnings(spec))
    std::cerr << "lapicque: warning: " << loaded.sources.describe(warning) << "\n";
  if (const unsigned cores = std::thread::hardware_concurrency(); cores > 0 && o.threads > cores)
    std::cerr << "lapicque: warning: " << o.threads << " threads on " << cores
              << " cores: the threads wait for each other at every epoch and the run is much slower; "
                 "use --threads "
              << cores << " or fewer\n";
  try {
    app::ProgressBar bar(o.experiment);
    result = simulate(spec, o.threads, std::ref(bar));
  } catch (const ParameterError& error) {  // (found while building: named with its file and line)
    throw io::UserError(loaded.sources.describe(error));
  } catch (const std::bad_alloc&) {
    throw io::UserError(o.experiment +
                        ": the network needs more memory than this machine could give (beyond the "
                        "estimate made before building): make the populations, in-degrees, duration "
                        "or recordings smaller, or dt larger");
  }
  std::ostringstream spikes, trace, rates;
  io::write_network_spikes_csv(spikes, result);
  std::vector<std::pair<std::string, std::string>> files{{"spikes.csv", spikes.str()}};
  if (!result.traces.empty()) {
    io::write_network_trace_csv(trace, result, spec.dt);
    files.emplace_back("trace.csv", trace.str());
  }
  if (spec.record.rate_bin > 0) {
    io::write_network_rates_csv(rates, result, spec.record.rate_bin);
    files.emplace_back("rates.csv", rates.str());
  }
  const auto summary = io::network_summary_json(spec, result, o.experiment);
  files.emplace_back("summary.json", summary.dump(2) + "\n");
  const std::string dir = o.out.empty() ? default_out_dir(o.experiment) : o.out;
  std::vector<std::string> unwritten;  // (left by an earlier run that recorded them)
  for (const char* name : {"trace.csv", "rates.csv"})
    if (std::none_of(files.begin(), files.end(), [&](const auto& f) { return f.first == name; }))
      unwritten.emplace_back(name);
  io::write_files(dir, files, unwritten);
  if (!o.quiet) {
    std::cout << fmt::format(
        "{}: {} neurons, {} synapses, {} ms on {} thread(s): setup {:.3g} s, simulation {:.3g} s\n",
        o.experiment, summary["n_neurons"].get<std::size_t>(), result.synapses, result.duration,
        result.threads, result.setup_s, result.sim_s);
    for (const auto& p : result.populations)
      std::cout << fmt::format("  {}: {} spikes, {:.4g} Hz\n", p.name, p.spike_count,
                               summary["populations"][p.name]["rate_hz"].get<double>());
    std::cout << fmt::format("  -> {}/\n", dir);
  }
  return 0;
}

int command_run(const RunOptions& o) {
  if (io::is_network_file(o.experiment)) return command_run_network(o);
  if (o.threads != 1)
    throw io::UserError("--threads applies to networks; a single-neuron experiment runs on one");
  const auto loaded = io::load_experiment(o.experiment, o.overrides);
  const Experiment& e = loaded.experiment;
  const RunResult result = [&] {
    app::ProgressBar bar(o.experiment);  // erased when the run ends
    return run(e, 1, {}, std::ref(bar));
  }();
  const SpikeStatistics stats = spike_statistics(result.spikes[0], 0, result.duration);
  std::ostringstream spikes, trace;
  io::write_spikes_csv(spikes, result.spikes);
  io::write_trace_csv(trace, result.trace);
  const std::string summary = io::summary_json(e, result, stats, o.experiment).dump(2) + "\n";
  const std::string dir = o.out.empty() ? default_out_dir(o.experiment) : o.out;
  io::write_files(dir, {{"spikes.csv", spikes.str()}, {"trace.csv", trace.str()}, {"summary.json", summary}});
  if (o.raster) std::cout << io::spike_train_text(result.spikes, result.steps, e.integration.dt);
  if (!o.quiet) {
    std::cout << fmt::format("{}: {} ({}, dt {} ms, {} ms): {} spikes, {:.4g} Hz", o.experiment, e.model,
                             method_name(result.method), e.integration.dt, result.duration, stats.count,
                             stats.rate_hz);
    if (stats.count >= 2) std::cout << fmt::format(", mean ISI {:.4g} ms", stats.mean_isi_ms);
    if (stats.count >= 3) std::cout << fmt::format(", CV {:.3g}", stats.cv);
    if (stats.count >= 1) std::cout << fmt::format(", first spike {:.4g} ms", stats.first_spike_ms);
    std::cout << fmt::format(" -> {}/\n", dir);
  }
  return 0;
}

int command_fi(const FiOptions& o) {
  const auto loaded = io::load_experiment(o.experiment, o.overrides);
  std::vector<double> currents;
  std::vector<FiPoint> points;
  try {
    currents = current_range(o.from, o.to, o.step);
    const auto start = std::chrono::steady_clock::now();
    {
      app::ProgressBar bar(fmt::format("{} ({} currents)", o.experiment, currents.size()));
      points = fi_curve(loaded.experiment, currents, o.skip, std::ref(bar));
    }
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    if (o.timing)
      std::cerr << fmt::format("simulation_seconds={:.6f} currents={} duration_ms={}\n", elapsed.count(),
                               currents.size(), loaded.experiment.duration);
  } catch (const ParameterError& error) {
    throw io::UserError(error.key() + " = " + error.value() + ": " + error.allowed());
  }
  io::write_file(o.out, io::fi_csv(points));
  return 0;
}

int command_rheobase(const RheobaseOptions& o) {
  const auto loaded = io::load_experiment(o.experiment, o.overrides);
  if (!(o.tolerance > 0) || !(o.high > o.low))
    throw io::UserError("--tolerance must be > 0 and --to > --from (currents in the model's input unit)");
  const auto found = rheobase(loaded.experiment, o.low, o.high, o.tolerance, o.min_spikes);
  const Model* model = find_model(loaded.experiment.model);
  if (!found) {
    std::cout << fmt::format("no rheobase below {} {}: fewer than {} spike(s) in {} ms even there\n", o.high,
                             model->input_unit(), o.min_spikes, loaded.experiment.duration);
    return 0;
  }
  std::cout << fmt::format(
      "rheobase {} {} (+- {}): the smallest constant input giving {} spike(s) in {} ms\n",
      io::number_text(*found), model->input_unit(), o.tolerance, o.min_spikes, loaded.experiment.duration);
  return 0;
}

int command_curve(const CurveOptions& o) {
  std::vector<double> js;
  try {
    js = current_range(o.from, o.to, o.step);
  } catch (const ParameterError& error) {
    throw io::UserError(error.key() + " = " + error.value() + ": " + error.allowed());
  }
  std::ostringstream table;
  table << "J,rate\n";
  for (double j : js) {
    double rate = 0;
    if (o.function == "relu")
      rate = relu(j);
    else if (o.function == "softplus")
      rate = softplus(j);
    else if (o.function == "logistic")
      rate = logistic(j);
    else if (o.function == "tanh")
      rate = tanh_rate(j);
    else
      rate = lif_rate_normalised_hz(j, o.tau_rc, o.tau_ref);
    table << io::number_text(j) << ',' << io::number_text(rate) << '\n';
  }
  io::write_file(o.out, table.str());
  return 0;
}

// The report is drawn by the Python module (matplotlib): hand over to /usr/bin/python3, with the
// package beside this command when it runs from the build tree (build/apps -> build/python).
int command_demo(const char* self, const std::string& out, bool quiet) {
  namespace fs = std::filesystem;
  std::error_code ignored;
  fs::path exe = fs::read_symlink("/proc/self/exe", ignored);
  if (exe.empty()) exe = fs::absolute(self, ignored);
  const fs::path build_package = exe.parent_path().parent_path() / "python";
  if (fs::exists(build_package / "lapicque" / "__init__.py", ignored)) {
    const char* old = std::getenv("PYTHONPATH");
    const std::string path =
        build_package.string() + (old != nullptr && *old != 0 ? ":" + std::string(old) : "");
    setenv("PYTHONPATH", path.c_str(), 1);
  }
  std::vector<std::string> words{LAPICQUE_PYTHON_EXECUTABLE, "-m", "lapicque.demo"};
  if (!out.empty()) words.insert(words.end(), {"--out", out});
  if (quiet) words.emplace_back("--quiet");
  std::vector<char*> args;
  for (auto& w : words) args.push_back(w.data());
  args.push_back(nullptr);
  execv(args[0], args.data());
  throw io::UserError(std::string("cannot start ") + LAPICQUE_PYTHON_EXECUTABLE + " for the report (" +
                      std::strerror(errno) + "); install python3-matplotlib and build the Python module");
}

int command_models(const std::string& only) {
  if (!only.empty() && find_model(only) == nullptr && only != "inputs")
    throw io::UserError("no model `" + only + "`; " + unknown_name_hint(only, model_names()));
  for (const Model* model : all_models()) {
    if (!only.empty() && model->name() != only) continue;
    std::cout << fmt::format("{}: {}\n  {}\n  input in {}; methods:", model->name(), model->summary(),
                             model->equations(), model->input_unit());
    for (Method m : model->methods()) std::cout << ' ' << method_name(m);
    std::cout << " (default " << method_name(model->default_method()) << ")\n  parameters:\n";
    for (const auto& p : model->parameters())
      std::cout << fmt::format("    {:<8} {:>12} [{}]  {}\n", p.name,
                               std::isnan(p.default_value) ? "-" : io::number_text(p.default_value), p.unit,
                               p.meaning);
    std::cout << "  state:";
    for (const auto& s : model->state()) std::cout << fmt::format(" {} [{}]", s.name, s.unit);
    std::cout << '\n';
    for (const auto& preset : model->presets()) {
      std::cout << fmt::format("  preset {} ({}):", preset.name, preset.meaning);
      for (const auto& [k, v] : preset.values) std::cout << fmt::format(" {}={}", k, v);
      std::cout << '\n';
    }
    std::cout << '\n';
  }
  if (only.empty() || only == "inputs") {
    std::cout << "inputs ([[input]] type = ...), summed when several are given:\n";
    for (const auto& type : input_types()) {
      std::cout << fmt::format("  {}: {}\n", type.name, type.formula);
      for (const auto& p : type.params)
        std::cout << fmt::format("    {:<18} {:>10} [{}]  {}\n", p.name,
                                 p.default_text.empty() ? "-" : p.default_text,
                                 p.unit.empty() ? p.kind : p.unit, p.meaning);
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "lapicque: exact, fast and reproducible integrate-and-fire neurons (units: ms, mV, pA, nS, pF, Hz)"};
  app.require_subcommand(1);

  RunOptions run_options;
  auto* run_cmd =
      app.add_subcommand("run", "simulate one experiment file; writes spikes.csv, trace.csv, summary.json");
  run_cmd->add_option("experiment", run_options.experiment, "experiment file (TOML)")->required();
  run_cmd->add_option("--set", run_options.overrides,
                      "override a setting: key=value (e.g. neuron.tau_m=12, seed=3)");
  run_cmd->add_option("--out", run_options.out, "output directory (default out/<experiment name>)");
  run_cmd->add_flag("--raster", run_options.raster,
                    "print the spike train: | on a step with a spike, _ otherwise");
  run_cmd->add_flag("-q,--quiet", run_options.quiet, "print no summary");
  run_cmd
      ->add_option("--threads", run_options.threads,
                   "networks: threads to use (0: every core); same spikes on any number")
      ->check(CLI::Range(0, 1024));

  FiOptions fi_options;
  auto* fi_cmd =
      app.add_subcommand("fi", "firing rate against constant current (CSV I_pA,rate_hz[,analytic_hz],...)");
  fi_cmd->add_option("experiment", fi_options.experiment, "experiment file (TOML); its inputs are replaced")
      ->required();
  fi_cmd->add_option("--from", fi_options.from, "first current [pA]")->required();
  fi_cmd->add_option("--to", fi_options.to, "last current [pA]")->required();
  fi_cmd->add_option("--step", fi_options.step, "current step [pA]")->required();
  fi_cmd->add_option("--skip", fi_options.skip, "transient to leave out of the rate [ms]");
  fi_cmd->add_option("--out", fi_options.out, "output CSV file (default: standard output)");
  fi_cmd->add_option("--set", fi_options.overrides, "override a setting: key=value");
  fi_cmd->add_flag("--timing", fi_options.timing, "print the simulation's wall-clock time to standard error");

  RheobaseOptions rheobase_options;
  auto* rheobase_cmd =
      app.add_subcommand("rheobase", "the smallest constant current that makes the neuron fire (bisection)");
  rheobase_cmd
      ->add_option("experiment", rheobase_options.experiment,
                   "experiment file (TOML); its inputs are replaced")
      ->required();
  rheobase_cmd->add_option("--from", rheobase_options.low, "lowest current to consider [pA]");
  rheobase_cmd->add_option("--to", rheobase_options.high, "highest current to consider [pA]");
  rheobase_cmd->add_option("--tolerance", rheobase_options.tolerance, "precision of the answer [pA]");
  rheobase_cmd->add_option("--min-spikes", rheobase_options.min_spikes,
                           "spikes within the duration that count as firing");
  rheobase_cmd->add_option("--set", rheobase_options.overrides, "override a setting: key=value");

  CurveOptions curve_options;
  auto* curve_cmd = app.add_subcommand("curve", "a rate nonlinearity of seed 002 as a table (CSV J,rate)");
  curve_cmd
      ->add_option("function", curve_options.function, "relu, softplus, logistic, tanh or lif (G[J] in Hz)")
      ->required()
      ->check(CLI::IsMember({"relu", "softplus", "logistic", "tanh", "lif"}));
  curve_cmd->add_option("--from", curve_options.from, "first J (unitless)");
  curve_cmd->add_option("--to", curve_options.to, "last J");
  curve_cmd->add_option("--step", curve_options.step, "step of J");
  curve_cmd->add_option("--tau-rc", curve_options.tau_rc, "lif: membrane time constant [ms]");
  curve_cmd->add_option("--tau-ref", curve_options.tau_ref, "lif: refractory period [ms]");
  curve_cmd->add_option("--out", curve_options.out, "output CSV file (default: standard output)");

  std::string demo_out;
  auto* demo_cmd = app.add_subcommand(
      "demo", "run the seed curriculum and write an illustrated report (report/index.html; Python module)");
  demo_cmd->add_option("--out", demo_out, "directory of the report (default: report)");
  bool demo_quiet = false;
  demo_cmd->add_flag("-q,--quiet", demo_quiet, "print only where the report is");

  std::string model_name;
  auto* models_cmd =
      app.add_subcommand("models", "every model and input: parameters, units, defaults, meaning");
  models_cmd->add_option("name", model_name, "only this model (or `inputs`)");

  CLI11_PARSE(app, argc, argv);
  try {
    if (*run_cmd) return command_run(run_options);
    if (*fi_cmd) return command_fi(fi_options);
    if (*curve_cmd) return command_curve(curve_options);
    if (*rheobase_cmd) return command_rheobase(rheobase_options);
    if (*demo_cmd) return command_demo(argv[0], demo_out, demo_quiet);
    return command_models(model_name);
  } catch (const io::UserError& error) {
    std::cerr << "lapicque: error: " << error.what() << '\n';
    return 2;
  } catch (const ParameterError& error) {
    std::cerr << "lapicque: error: " << error.what() << '\n';
    return 2;
  } catch (const SimulationError& error) {
    std::cerr << "lapicque: simulation failed: " << error.what() << '\n';
    return 1;
  } catch (const std::exception& error) {
    std::cerr << "lapicque: error: " << error.what() << '\n';
    return 1;
  }
}
