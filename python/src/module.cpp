// lapicque._core: the Python module's view of the C++ core. Experiments arrive as plain Python
// values (the same names as in experiment files), results leave as numpy arrays that own the
// core's vectors (moved, never copied). The Python package (python/lapicque/) builds its classes
// on these functions; nothing here simulates on its own.
#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "io/experiment_file.hpp"
#include "io/network_file.hpp"
#include "io/network_output.hpp"
#include "io/output.hpp"
#include "lapicque/analysis.hpp"
#include "lapicque/catalog.hpp"
#include "lapicque/error.hpp"
#include "lapicque/model.hpp"
#include "lapicque/network.hpp"

namespace py = pybind11;
using namespace lapicque;

namespace {

// A numpy array that takes over `values` (no copy): it frees them when Python drops the array.
py::array_t<double> to_numpy(std::vector<double>&& values) {
  auto* owner = new std::vector<double>(std::move(values));
  py::capsule release(owner, [](void* p) { delete static_cast<std::vector<double>*>(p); });
  return py::array_t<double>({owner->size()}, {sizeof(double)}, owner->data(), release);
}

template <class T>
py::array_t<T> to_numpy_of(std::vector<T>&& values) {
  auto* owner = new std::vector<T>(std::move(values));
  py::capsule release(owner, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>({owner->size()}, {sizeof(T)}, owner->data(), release);
}

py::dict to_dict(const ParamValues& values) {
  py::dict d;
  for (const auto& [k, v] : values) d[py::str(k)] = v;
  return d;
}

const Model& model_named(const std::string& name) {
  const Model* model = find_model(name);
  if (model == nullptr)
    throw ParameterError("model", "\"" + name + "\"",
                         "unknown model; " + unknown_name_hint(name, model_names()));
  return *model;
}

// ---- Python values -> an Experiment ---------------------------------------------------------

InputValue input_value(const std::string& key, const py::handle& value) {
  if (py::isinstance<py::str>(value)) return value.cast<std::string>();
  if (py::isinstance<py::bool_>(value))
    throw ParameterError(key, py::str(value).cast<std::string>(),
                         "must be a number, a list of numbers or text");
  if (py::isinstance<py::float_>(value) || py::isinstance<py::int_>(value)) return value.cast<double>();
  try {
    return py::cast<std::vector<double>>(value);  // a list, tuple or numpy array of numbers
  } catch (const py::cast_error&) {
    throw ParameterError(key, py::repr(value).cast<std::string>(),
                         "must be a number, a list of numbers or text");
  }
}

double number(const py::dict& spec, const char* key, double fallback) {
  if (!spec.contains(key) || spec[key].is_none()) return fallback;
  try {
    return spec[key].cast<double>();
  } catch (const py::cast_error&) {
    throw ParameterError(key, py::repr(spec[key]).cast<std::string>(), "must be a number");
  }
}

// spec: model, neuron {name: value}, inputs [{type, ...}], duration, dt, method, seed, rtol, atol,
// record [names], draw_spikes, spike_height.
Experiment experiment_from(const py::dict& spec) {
  Experiment e;
  e.model = spec["model"].cast<std::string>();
  if (spec.contains("neuron"))
    for (const auto& [k, v] : spec["neuron"].cast<py::dict>()) {
      const std::string key = py::str(k);
      try {
        e.neuron.emplace_back(key, v.cast<double>());
      } catch (const py::cast_error&) {
        throw ParameterError("neuron." + key, py::repr(v).cast<std::string>(), "must be a number");
      }
    }
  if (spec.contains("inputs")) {
    std::size_t index = 0;
    for (const auto& item : spec["inputs"]) {
      const auto table = item.cast<py::dict>();
      const std::string prefix = "input[" + std::to_string(index++) + "].";
      InputSpec input;
      input.type = table["type"].cast<std::string>();
      for (const auto& [k, v] : table) {
        const std::string key = py::str(k);
        if (key != "type") input.values.emplace_back(key, input_value(prefix + key, v));
      }
      e.inputs.push_back(std::move(input));
    }
  }
  e.duration = number(spec, "duration", e.duration);
  e.integration.dt = number(spec, "dt", e.integration.dt);
  e.integration.rtol = number(spec, "rtol", e.integration.rtol);
  e.integration.atol = number(spec, "atol", e.integration.atol);
  if (spec.contains("method") && !spec["method"].is_none()) {
    const std::string name = spec["method"].cast<std::string>();
    const auto method = parse_method(name);
    if (!method)
      throw ParameterError(
          "method", "\"" + name + "\"",
          "unknown method; " + unknown_name_hint(name, {"euler", "exact", "rk4", "adaptive"}));
    e.integration.method = *method;
    e.method_given = true;
  }
  if (spec.contains("seed")) {
    const auto seed = spec["seed"].cast<long long>();
    if (seed < 0) throw ParameterError("seed", std::to_string(seed), "must be a whole number >= 0");
    e.seed = static_cast<std::uint64_t>(seed);
  }
  if (spec.contains("record")) e.record.variables = spec["record"].cast<std::vector<std::string>>();
  if (spec.contains("draw_spikes")) e.record.draw_spikes = spec["draw_spikes"].cast<bool>();
  e.record.spike_height = number(spec, "spike_height", e.record.spike_height);
  return e;
}

// ---- an Experiment and its result -> Python values ---------------------------------------------

py::dict experiment_dict(const Experiment& e, Method method) {
  py::dict d;
  d["model"] = e.model;
  d["neuron"] = to_dict(e.neuron);
  d["duration"] = e.duration;
  d["dt"] = e.integration.dt;
  d["method"] = std::string(method_name(method));
  d["seed"] = e.seed;
  d["rtol"] = e.integration.rtol;
  d["atol"] = e.integration.atol;
  d["record"] = e.record.variables;
  py::list inputs;
  for (const auto& input : e.inputs) {
    py::dict table;
    table["type"] = input.type;
    for (const auto& [k, v] : input.values) std::visit([&](const auto& x) { table[py::str(k)] = x; }, v);
    inputs.append(table);
  }
  d["inputs"] = inputs;
  return d;
}

// Progress for the core: interrupts (Ctrl-C) become KeyboardInterrupt, and the Python callback,
// if any, is told the fraction done. Called on the thread that holds the interpreter.
ProgressCallback progress_of(const std::optional<py::function>& callback) {
  return [callback](double fraction) {
    py::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();
    if (callback) (*callback)(fraction);
  };
}

RunResult run_released(const Experiment& e, std::size_t neurons, std::span<const double> currents,
                       const std::optional<py::function>& progress) {
  const ProgressCallback report = progress_of(progress);
  py::gil_scoped_release released;
  return run(e, neurons, currents, report);
}

py::dict result_dict(const Experiment& e, RunResult&& r, const std::string& source) {
  const SpikeStatistics stats = spike_statistics(r.spikes[0], 0, r.duration);
  py::dict d;
  d["summary"] = py::module_::import("json").attr("loads")(io::summary_json(e, r, stats, source).dump());
  d["experiment"] = experiment_dict(e, r.method);
  d["parameters"] = to_dict(r.used);
  d["t"] = to_numpy(std::move(r.trace.t));
  py::dict trace;
  for (std::size_t c = 0; c < r.trace.columns.size(); ++c)
    trace[py::str(r.trace.columns[c])] = to_numpy(std::move(r.trace.values[c]));
  d["trace"] = trace;
  py::list spikes;
  for (auto& s : r.spikes) spikes.append(to_numpy(std::move(s)));
  d["spikes"] = spikes;
  d["steps"] = r.steps;
  d["duration"] = r.duration;
  return d;
}

py::dict fi_dict(const std::vector<FiPoint>& points) {
  std::vector<double> current, rate, count_rate, spikes, first, analytic;
  bool has_analytic = false;
  for (const auto& p : points) {
    current.push_back(p.current);
    rate.push_back(p.rate_hz);
    count_rate.push_back(p.count_rate_hz);
    spikes.push_back(static_cast<double>(p.spikes));
    first.push_back(p.first_spike_ms);
    analytic.push_back(p.analytic_hz.value_or(NAN));
    has_analytic = has_analytic || p.analytic_hz.has_value();
  }
  py::dict d;
  d["I"] = to_numpy(std::move(current));
  d["rate_hz"] = to_numpy(std::move(rate));
  d["count_rate_hz"] = to_numpy(std::move(count_rate));
  d["spikes"] = to_numpy(std::move(spikes));
  d["first_spike_ms"] = to_numpy(std::move(first));
  if (has_analytic) d["analytic_hz"] = to_numpy(std::move(analytic));
  return d;
}

io::LoadedExperiment load(const std::string& path, const std::vector<std::string>& overrides) {
  return io::load_experiment(path, overrides, "setting");
}

py::dict model_dict(const Model& m) {
  py::dict d;
  d["name"] = std::string(m.name());
  d["summary"] = std::string(m.summary());
  d["equations"] = std::string(m.equations());
  d["input_unit"] = std::string(m.input_unit());
  py::list methods;
  for (Method method : m.methods()) methods.append(std::string(method_name(method)));
  d["methods"] = methods;
  py::list parameters;
  for (const auto& p : m.parameters()) {
    py::dict q;
    q["name"] = std::string(p.name);
    q["unit"] = std::string(p.unit);
    q["default"] =
        std::isnan(p.default_value) ? py::object(py::none()) : py::object(py::float_(p.default_value));
    q["meaning"] = std::string(p.meaning);
    parameters.append(q);
  }
  d["parameters"] = parameters;
  py::list state;
  for (const auto& s : m.state()) {
    py::dict q;
    q["name"] = std::string(s.name);
    q["unit"] = std::string(s.unit);
    q["meaning"] = std::string(s.meaning);
    state.append(q);
  }
  d["state"] = state;
  py::list presets;
  for (const auto& p : m.presets()) {
    py::dict q;
    q["name"] = std::string(p.name);
    q["meaning"] = std::string(p.meaning);
    q["values"] = to_dict(p.values);
    presets.append(q);
  }
  d["presets"] = presets;
  return d;
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "The C++ core of lapicque (use the `lapicque` package, which wraps it).";

  // Errors: a bad value is a ValueError naming the setting; a run that goes wrong a RuntimeError.
  static py::exception<ParameterError> parameter_error(m, "ParameterError", PyExc_ValueError);
  static py::exception<SimulationError> simulation_error(m, "SimulationError", PyExc_RuntimeError);
  py::register_exception_translator([](std::exception_ptr error) {
    try {
      if (error) std::rethrow_exception(error);
    } catch (const ParameterError& e) {
      py::object exception = py::handle(parameter_error)(e.what());
      exception.attr("key") = e.key();
      exception.attr("value") = e.value();
      exception.attr("allowed") = e.allowed();
      PyErr_SetObject(parameter_error.ptr(), exception.ptr());
    } catch (const io::UserError& e) {  // a file's problem, already with file and line
      parameter_error(e.what());
    } catch (const SimulationError& e) {
      simulation_error(e.what());
    }
  });

  m.def(
      "models",
      [] {
        py::list out;
        for (const Model* model : all_models()) out.append(model_dict(*model));
        return out;
      },
      "Every model: name, summary, equations, input unit, methods (default first), parameters, state, "
      "presets.");
  m.def(
      "input_types",
      [] {
        py::list out;
        for (const auto& type : input_types()) {
          py::dict d;
          d["name"] = std::string(type.name);
          d["formula"] = std::string(type.formula);
          py::list params;
          for (const auto& p : type.params) {
            py::dict q;
            q["name"] = std::string(p.name);
            q["kind"] = std::string(p.kind);
            q["unit"] = std::string(p.unit);
            q["default"] = std::string(p.default_text);
            q["meaning"] = std::string(p.meaning);
            params.append(q);
          }
          d["settings"] = params;
          out.append(d);
        }
        return out;
      },
      "Every input type: name, formula and settings (name, kind, unit, default, meaning).");
  m.def(
      "resolve",
      [](const std::string& model, const py::dict& neuron) {
        py::dict spec;
        spec["model"] = model;
        spec["neuron"] = neuron;
        const Experiment e = experiment_from(spec);
        try {
          return to_dict(model_named(model).resolve(e.neuron));
        } catch (const ParameterError& error) {
          throw ParameterError("neuron." + error.key(), error.value(), error.allowed());
        }
      },
      py::arg("model"), py::arg("neuron"),
      "Every parameter the model would use, after defaults and derived values.");
  m.def(
      "validate", [](const py::dict& spec) { validate(experiment_from(spec)); }, py::arg("spec"),
      "Checks an experiment without running it.");
  m.def(
      "simulate",
      [](const py::dict& spec, std::optional<py::function> progress) {
        const Experiment e = experiment_from(spec);
        return result_dict(e, run_released(e, 1, {}, progress), "(python)");
      },
      py::arg("spec"), py::arg("progress") = py::none(),
      "Runs one neuron; returns its trace, spikes and summary.");
  m.def(
      "run_file",
      [](const std::string& path, const std::vector<std::string>& overrides,
         std::optional<py::function> progress) {
        const auto loaded = load(path, overrides);
        return result_dict(loaded.experiment, run_released(loaded.experiment, 1, {}, progress), path);
      },
      py::arg("path"), py::arg("overrides") = std::vector<std::string>{}, py::arg("progress") = py::none(),
      "Reads an experiment file as `lapicque run` does (overrides are key=value) and runs it.");
  m.def(
      "run_network",
      [](const std::string& path, const std::vector<std::string>& overrides, std::size_t threads,
         std::optional<py::function> progress) {
        const auto loaded = io::load_network(path, overrides, "setting");
        for (const auto& warning : network_warnings(loaded.network))
          if (PyErr_WarnEx(PyExc_UserWarning, loaded.sources.describe(warning).c_str(), 1) < 0)
            throw py::error_already_set();
        const ProgressCallback report = progress_of(progress);
        NetworkResult r;
        {
          py::gil_scoped_release released;
          r = simulate(loaded.network, threads, report);
        }
        py::dict d;
        d["summary"] = py::module_::import("json").attr("loads")(
            io::network_summary_json(loaded.network, r, path).dump());
        py::list populations;
        for (auto& p : r.populations) {
          std::vector<std::uint32_t> neurons;
          std::vector<double> times;
          neurons.reserve(p.spikes.size());
          times.reserve(p.spikes.size());
          for (const auto& s : p.spikes) {
            neurons.push_back(s.neuron);
            times.push_back(s.t);
          }
          py::dict q;
          q["name"] = p.name;
          q["size"] = p.size;
          q["neuron"] = to_numpy_of(std::move(neurons));
          q["t"] = to_numpy_of(std::move(times));
          populations.append(q);
        }
        d["populations"] = populations;
        py::list traces;
        for (auto& t : r.traces) {
          py::dict q;
          q["population"] = t.population;
          q["neuron"] = t.neuron;
          q["variable"] = t.variable;
          q["unit"] = t.unit;
          q["values"] = to_numpy_of(std::move(t.values));
          traces.append(q);
        }
        d["traces"] = traces;
        py::list rates;
        for (auto& rate : r.rates) rates.append(to_numpy_of(std::move(rate)));
        d["rates"] = rates;
        d["dt"] = loaded.network.dt;
        d["rate_bin"] = loaded.network.record.rate_bin;
        d["steps"] = r.steps;
        return d;
      },
      py::arg("path"), py::arg("overrides") = std::vector<std::string>{}, py::arg("threads") = 1,
      py::arg("progress") = py::none(),
      "Reads a network file as `lapicque run` does (overrides are key=value) and simulates it.");
  m.def(
      "load_file",
      [](const std::string& path, const std::vector<std::string>& overrides) {
        const auto loaded = load(path, overrides);
        const Model& model = model_named(loaded.experiment.model);
        const Method method =
            loaded.experiment.method_given ? loaded.experiment.integration.method : model.default_method();
        return experiment_dict(loaded.experiment, method);
      },
      py::arg("path"), py::arg("overrides") = std::vector<std::string>{},
      "Reads and checks an experiment file; returns it as a spec.");
  const auto fi = [](const Experiment& e, const std::vector<double>& currents, double skip,
                     const std::optional<py::function>& progress) {
    const ProgressCallback report = progress_of(progress);
    std::vector<FiPoint> points;
    {
      py::gil_scoped_release released;
      points = fi_curve(e, currents, skip, report);
    }
    return fi_dict(points);
  };
  m.def(
      "fi_curve",
      [fi](const py::dict& spec, const std::vector<double>& currents, double skip,
           std::optional<py::function> progress) {
        return fi(experiment_from(spec), currents, skip, progress);
      },
      py::arg("spec"), py::arg("currents"), py::arg("skip") = 0.0, py::arg("progress") = py::none(),
      "Firing rate under each constant current (all at once, over the cores).");
  m.def(
      "fi_curve_file",
      [fi](const std::string& path, const std::vector<std::string>& overrides,
           const std::vector<double>& currents, double skip, std::optional<py::function> progress) {
        return fi(load(path, overrides).experiment, currents, skip, progress);
      },
      py::arg("path"), py::arg("overrides"), py::arg("currents"), py::arg("skip") = 0.0,
      py::arg("progress") = py::none(),
      "fi_curve for the neuron of an experiment file, as `lapicque fi` does.");
  m.def(
      "rheobase",
      [](const py::dict& spec, double low, double high, double tolerance, std::size_t min_spikes) {
        const Experiment e = experiment_from(spec);
        py::gil_scoped_release released;
        return lapicque::rheobase(e, low, high, tolerance, min_spikes);
      },
      py::arg("spec"), py::arg("low"), py::arg("high"), py::arg("tolerance"), py::arg("min_spikes"),
      "The smallest constant current that fires, by bisection; None if even `high` does not.");
  m.def(
      "spike_train_text",
      [](const std::vector<std::vector<double>>& spikes, std::int64_t steps, double dt) {
        return io::spike_train_text(spikes, steps, dt);
      },
      py::arg("spikes"), py::arg("steps"), py::arg("dt"),
      "Seed 003's printout: `|` for a step with a spike, `_` otherwise, one line per neuron.");
  m.def("current_range", &current_range, py::arg("start"), py::arg("stop"), py::arg("step"),
        "Values from start to stop inclusive, the decimals meant.");
  m.def(
      "read_series",
      [](const std::string& path, const std::string& column) {
        std::vector<double> times, values;
        io::read_series(path, column, times, values);
        return py::make_tuple(to_numpy(std::move(times)), to_numpy(std::move(values)));
      },
      py::arg("path"), py::arg("column") = "", "A CSV time series (t_ms, value) as a `file` input reads it.");
  m.def(
      "spike_statistics",
      [](const std::vector<double>& spikes, double t_start, double t_stop) {
        SpikeStatistics s = spike_statistics(spikes, t_start, t_stop);
        py::dict d;
        d["count"] = s.count;
        d["rate_hz"] = s.rate_hz;
        d["mean_isi_ms"] = s.mean_isi_ms;
        d["isi_rate_hz"] = s.isi_rate_hz;
        d["cv"] = s.cv;
        d["first_spike_ms"] = s.first_spike_ms;
        d["adaptation_index"] = s.adaptation_index;
        d["isi_ms"] = to_numpy(std::move(s.isi_ms));
        return d;
      },
      py::arg("spikes"), py::arg("t_start"), py::arg("t_stop"));
  m.def(
      "classify_firing_pattern",
      [](const std::vector<double>& spikes, double t_on, double t_off) {
        return classify_firing_pattern(spikes, t_on, t_off);
      },
      py::arg("spikes"), py::arg("t_on"), py::arg("t_off"));

  m.def("relu", py::vectorize(relu));
  m.def("softplus", py::vectorize(softplus));
  m.def("logistic", py::vectorize(logistic));
  m.def("tanh_rate", py::vectorize(tanh_rate));
  m.def("lif_rate_normalised_hz", py::vectorize(lif_rate_normalised_hz), py::arg("j"), py::arg("tau_rc"),
        py::arg("tau_ref"));
  m.def("lif_rate_hz", py::vectorize(lif_rate_hz), py::arg("current"), py::arg("g_L"), py::arg("tau_m"),
        py::arg("E_L"), py::arg("V_th"), py::arg("V_reset"), py::arg("t_ref"));

  m.def(
      "izhikevich_features",
      [](int refine) {
        py::list out;
        for (const auto& f : izhikevich_2004_features(refine)) {
          py::dict d;
          d["panel"] = std::string(1, f.panel);
          d["name"] = f.name;
          d["figure_spikes"] = f.figure_spikes;
          d["figure_stamps"] = f.figure_stamps;
          d["spec"] = experiment_dict(f.experiment(), Method::euler);
          out.append(d);
        }
        return out;
      },
      py::arg("refine") = 1);
  m.def("naud_patterns", [] {
    py::list out;
    for (const auto& p : naud_2008_patterns()) {
      py::dict d;
      d["label"] = p.label;
      d["current"] = p.current;
      d["brian2_spikes"] = p.brian2_spikes;
      d["brian2_first_ms"] = p.brian2_first_ms;
      d["spec"] = experiment_dict(p.experiment(), Method::euler);
      out.append(d);
    }
    return out;
  });
}
