"""Neurons, runs and their results: the Python face of the core's experiments."""

import json
import math
import os

import numpy as np

from . import _core
from ._progress import progress_for

# Times [ms], potentials [mV], currents in the model's input unit (pA for most), conductances [nS].


class Result:
    """The outcome of one run.

    Attributes (numpy arrays, units in brackets):
        t             sample times [ms], t_n = n dt
        V_m, w, I, …  each recorded variable at t_n (V_m [mV], w [pA], I [input unit]; HH gates
                      unitless); also ``result["V_m"]`` and ``result.trace`` (a dict)
        spike_times   spike times of the neuron [ms], located inside the step
        spikes        spike times of every neuron simulated (a list of arrays)
        parameters    every model parameter actually used (a dict)
        summary       what ``lapicque run`` writes to summary.json (a dict)
        model, method, dt [ms], duration [ms], steps
    and spike statistics over the whole run: count, rate_hz, mean_isi_ms, isi_ms, cv,
    first_spike_ms, adaptation_index (``stats(t_start, t_stop)`` for another window).
    """

    def __init__(self, raw):
        self._raw = raw
        self.t = raw["t"]
        self.trace = dict(raw["trace"])
        self.spikes = list(raw["spikes"])
        self.spike_times = self.spikes[0]
        self.parameters = dict(raw["parameters"])
        self.summary = raw["summary"]
        self.experiment = raw["experiment"]
        self.model = self.experiment["model"]
        self.method = self.experiment["method"]
        self.dt = self.experiment["dt"]
        self.duration = raw["duration"]
        self.steps = raw["steps"]
        self._stats = None

    def __getattr__(self, name):
        trace = self.__dict__.get("trace", {})
        if name in trace:
            return trace[name]
        if name in ("count", "rate_hz", "mean_isi_ms", "isi_rate_hz", "cv", "first_spike_ms",
                    "adaptation_index", "isi_ms"):
            return self.stats()[name]
        recorded = ", ".join(trace) or "nothing"
        raise AttributeError(f"{name!r} was not recorded (recorded: {recorded}); pass record=[...] "
                             f"to run() to choose the variables")

    def __getitem__(self, name):
        if name == "t":
            return self.t
        return self.trace[name]

    def stats(self, t_start=0.0, t_stop=None):
        """Spike statistics inside [t_start, t_stop] [ms] (default: the whole run): count,
        rate_hz, mean_isi_ms, isi_rate_hz, cv, first_spike_ms, adaptation_index, isi_ms."""
        whole = t_start == 0.0 and t_stop is None
        if whole and self._stats is not None:
            return self._stats
        s = spike_statistics(self.spike_times, t_start, self.duration if t_stop is None else t_stop)
        if whole:
            self._stats = s
        return s

    def __repr__(self):
        s = self.stats()
        return (f"<lapicque.Result {self.model} ({self.method}, dt {self.dt} ms, {self.duration} ms): "
                f"{s['count']} spikes, {s['rate_hz']:.4g} Hz>")


class FiCurve:
    """Firing rate against constant current.

    Attributes (numpy arrays): I (the currents, in the model's input unit), rate_hz (1000 / mean
    ISI after the skipped transient), count_rate_hz (spikes after the skip / window), spikes,
    first_spike_ms, and analytic_hz (the closed form) where the model has one, else None.
    """

    def __init__(self, raw, model, parameters):
        self.I = raw["I"]
        self.rate_hz = raw["rate_hz"]
        self.count_rate_hz = raw["count_rate_hz"]
        self.spikes = raw["spikes"].astype(int)
        self.first_spike_ms = raw["first_spike_ms"]
        self.analytic_hz = raw.get("analytic_hz")
        self.model = model
        self.parameters = parameters

    def __len__(self):
        return len(self.I)

    def __repr__(self):
        return f"<lapicque.FiCurve {self.model}: {len(self)} currents from {self.I[0]:g} to {self.I[-1]:g}>"


def spike_statistics(spike_times, t_start, t_stop):
    """Statistics of the spikes [ms] inside [t_start, t_stop] [ms]: count, rate_hz (count /
    window), mean_isi_ms, isi_rate_hz (1000 / mean ISI), cv, first_spike_ms (latency after
    t_start), adaptation_index and isi_ms; NaN where undefined."""
    return _core.spike_statistics(np.asarray(spike_times, dtype=float).tolist(), float(t_start), float(t_stop))


def _toml_value(value):
    """A Python value as TOML text, for an override of an experiment file."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, (list, tuple, np.ndarray)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot use {value!r} as a setting: give a number, text, a list or true/false")


def _overrides(settings):
    """keyword settings -> "key=value" overrides: `neuron__tau_m=12` sets neuron.tau_m, and a dict
    under `set` takes dotted keys as they are ({"input[0].amplitude": 250})."""
    out = []
    for key, value in settings.items():
        if key == "set":
            out += [f"{k}={_toml_value(v)}" for k, v in dict(value).items()]
        else:
            out.append(f"{key.replace('__', '.')}={_toml_value(value)}")
    return out


def run_file(path, progress=None, **settings):
    """Reads an experiment file as ``lapicque run`` does and runs it; returns a ``Result``.

    Keyword settings override the file, as ``--set`` does: ``seed=3``, ``duration=200``,
    ``neuron__tau_m=12`` (``__`` for the dots of ``neuron.tau_m``), or
    ``set={"input[0].amplitude": 250}``. A bad file or value raises ParameterError (a ValueError)
    naming the file, line, key, value and what is allowed. ``progress``: None shows a bar on a
    terminal for long runs, False never, or a callable taking the fraction done.
    """
    path = os.fspath(path)
    return Result(_core.run_file(path, _overrides(settings), progress_for(path, progress)))


def fi_curve_file(path, currents, skip=0.0, progress=None, **settings):
    """The f-I curve of an experiment file's neuron (its inputs replaced by each constant current
    in turn), as ``lapicque fi`` computes it; settings override the file as in ``run_file``."""
    path = os.fspath(path)
    raw = _core.fi_curve_file(path, _overrides(settings), np.asarray(currents, dtype=float).tolist(), float(skip),
                              progress_for(path, progress))
    spec = _core.load_file(path, _overrides(settings))
    return FiCurve(raw, spec["model"], _core.resolve(spec["model"], spec["neuron"]))


class Neuron:
    """A neuron model with its parameters, the inputs it receives, and ways to run it.

        Neuron("lif", tau_m=10, g_L=10, E_L=-75, V_th=-55, V_reset=-75, t_ref=2)
        Neuron("izhikevich", preset="RS")
        Neuron("adex", Delta_T=2, a=4, b=80.5, tau_w=144)

    Parameters are those of ``lapicque models`` (units there: ms, mV, pA, nS, pF); missing ones
    take their defaults, and every value is checked at once: a bad one raises ParameterError
    (a ValueError) naming it, its value and the allowed range. Inputs add up; each input method
    returns the neuron, so calls chain: ``Neuron("lif").constant(300).noise(0, 20).run(500)``.
    """

    def __init__(self, model, preset=None, **parameters):
        info = _model_info(model)
        values = {}
        if preset is not None:
            presets = {p["name"]: p["values"] for p in info["presets"]}
            if preset not in presets:
                names = ", ".join(presets) or "none"
                raise _core.ParameterError(f"neuron.preset = {preset!r}: unknown preset of {model}; presets: {names}")
            values.update(presets[preset])
        values.update({k: float(v) for k, v in parameters.items()})
        self.model = model
        self.preset = preset
        self.given = values
        self.parameters = _core.resolve(model, values)  # checks every value now
        self.inputs = []
        self.info = info

    def __repr__(self):
        given = ", ".join(f"{k}={v:g}" for k, v in self.given.items())
        inputs = " + ".join(i["type"] for i in self.inputs) or "no input"
        return f"<lapicque.Neuron {self.model}({given}); {inputs}>"

    # ---- inputs (summed) ----------------------------------------------------------------------
    def add_input(self, type, **settings):
        """Adds an input of any type of ``lapicque.input_types()`` with its settings."""
        self.inputs.append({"type": type, **settings})
        return self

    def constant(self, amplitude):
        """A constant current [pA]."""
        return self.add_input("constant", amplitude=amplitude)

    def step(self, amplitude=None, start=0.0, stop=None, times=None, amplitudes=None):
        """A step of ``amplitude`` [pA] on [start, stop) [ms], or piecewise constant: ``times`` [ms]
        at which the current becomes ``amplitudes`` [pA]."""
        if times is not None:
            return self.add_input("step", times=list(times), amplitudes=list(amplitudes))
        settings = {"amplitude": amplitude, "start": start}
        if stop is not None:
            settings["stop"] = stop
        return self.add_input("step", **settings)

    def pulses(self, amplitude, width, times=None, start=None, interval=None, frequency=None, count=None):
        """Rectangular pulses of ``amplitude`` [pA] and ``width`` [ms]: at ``times`` [ms], or from
        ``start`` every ``interval`` [ms] (or at ``frequency`` [Hz]), ``count`` of them."""
        settings = {"amplitude": amplitude, "width": width}
        for key, value in (("times", times), ("start", start), ("interval", interval),
                           ("frequency", frequency), ("count", count)):
            if value is not None:
                settings[key] = list(value) if key == "times" else value
        return self.add_input("pulses", **settings)

    def sine(self, amplitude, frequency=None, angular_frequency=None, phase=0.0, offset=0.0, start=0.0,
             stop=None):
        """offset + amplitude sin(2 pi f t + phase) [pA] on [start, stop) [ms], ``frequency`` in Hz
        (t in ms), or ``angular_frequency`` in rad/ms (seed 004's 400 (sin t + 0.9): amplitude
        400, angular_frequency 1, offset 360)."""
        settings = {"amplitude": amplitude, "phase": phase, "offset": offset, "start": start}
        if stop is not None:
            settings["stop"] = stop
        if frequency is not None:
            settings["frequency"] = frequency
        if angular_frequency is not None:
            settings["angular_frequency"] = angular_frequency
        return self.add_input("sine", **settings)

    def ramp(self, slope, start=0.0, offset=0.0, stop=None):
        """offset + slope (t - start) [pA] for t >= start, ``slope`` in pA/ms (until ``stop`` [ms])."""
        settings = {"slope": slope, "start": start, "offset": offset}
        if stop is not None:
            settings["stop"] = stop
        return self.add_input("ramp", **settings)

    def noise(self, mean=0.0, sigma=0.0, start=0.0, stop=None):
        """Gaussian white noise on [start, stop) [ms]: each step mean [pA] + sigma [pA sqrt(ms)]
        xi / sqrt(dt), xi standard normal, so its statistics do not depend on dt."""
        settings = {"mean": mean, "sigma": sigma, "start": start}
        if stop is not None:
            settings["stop"] = stop
        return self.add_input("noise", **settings)

    def ou(self, mean=0.0, sigma=0.0, tau=10.0):
        """An Ornstein-Uhlenbeck current: mean and standard deviation sigma [pA], correlation time tau [ms]."""
        return self.add_input("ou", mean=mean, sigma=sigma, tau=tau)

    def file(self, path, column="", interpolation="linear", scale=1.0):
        """A time series from a CSV file (header, then rows t_ms,value), 0 outside it."""
        times, values = _core.read_series(os.fspath(path), column)
        return self.add_input("file", path=os.fspath(path), times=times, values=values,
                              interpolation=interpolation, scale=scale)

    def clear_inputs(self):
        """Removes every input."""
        self.inputs = []
        return self

    # ---- running --------------------------------------------------------------------------------
    def spec(self, duration=1000.0, dt=0.1, method=None, seed=1, record=None, draw_spikes=False,
             spike_height=30.0, rtol=None, atol=None):
        """The experiment as the core reads it (the same keys as an experiment file)."""
        if record is None:
            record = [s["name"] for s in self.info["state"]] + ["I"]
        spec = {"model": self.model, "neuron": dict(self.given), "inputs": list(self.inputs),
                "duration": duration, "dt": dt, "method": method, "seed": seed,
                "record": list(record), "draw_spikes": draw_spikes, "spike_height": spike_height}
        if rtol is not None:
            spec["rtol"] = rtol
        if atol is not None:
            spec["atol"] = atol
        return spec

    def run(self, duration=1000.0, dt=0.1, method=None, seed=1, record=None, draw_spikes=False,
            spike_height=30.0, rtol=None, atol=None, progress=None):
        """Simulates ``duration`` ms at step ``dt`` ms; returns a ``Result``.

        method: "euler", "exact", "rk4" or "adaptive" (default: the model's own); seed: for the
        noise inputs; record: the variables to trace (default: every state variable and I);
        draw_spikes: V_m shown at spike_height [mV] on the step of each spike (display only);
        rtol, atol: tolerances of "adaptive"; progress: see ``run_file``.
        """
        spec = self.spec(duration, dt, method, seed, record, draw_spikes, spike_height, rtol, atol)
        return Result(_core.simulate(spec, progress_for(f"{self.model} ({duration:g} ms)", progress)))

    def fi(self, currents, duration=1000.0, dt=0.1, skip=0.0, method=None, progress=None):
        """Firing rate under each constant current [input unit] (the neuron's inputs are
        replaced), all simulated at once over the cores; returns a ``FiCurve`` with the closed
        form beside the simulated rate where the model has one."""
        spec = self.spec(duration, dt, method, record=[])
        spec["inputs"] = []
        currents = np.asarray(currents, dtype=float).tolist()
        raw = _core.fi_curve(spec, currents, float(skip), progress_for(f"{self.model} f-I", progress))
        return FiCurve(raw, self.model, self.parameters)

    def rheobase(self, low=0.0, high=10000.0, tolerance=0.01, duration=1000.0, dt=0.1, method=None,
                 min_spikes=1):
        """The smallest constant current [input unit] that gives ``min_spikes`` spikes within
        ``duration`` ms, to ``tolerance``, searched in [low, high]; None if even ``high`` does not."""
        spec = self.spec(duration, dt, method, record=[])
        spec["inputs"] = []
        return _core.rheobase(spec, float(low), float(high), float(tolerance), int(min_spikes))


def _model_info(name):
    for m in _core.models():
        if m["name"] == name:
            return m
    names = ", ".join(m["name"] for m in _core.models())
    raise _core.ParameterError(f"neuron.model = {name!r}: unknown model; one of {names}")
