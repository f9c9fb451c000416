"""Networks from experiment files: the same engine and file format as ``lapicque run``."""

import os

import numpy as np

from . import _core
from ._neuron import _overrides
from ._progress import progress_for


def _grid_times(n, step):
    """Grid points 0 .. n - 1 of `step` [ms] as the engine writes them: k / (1 / step) where 1 / step
    is a whole number (one rounding: 117 / 10 = 11.7, where 117 * 0.1 = 11.700000000000001)."""
    per_ms = round(1 / step)
    if per_ms >= 1 and abs(per_ms * step - 1) < 1e-12:
        return np.arange(n) / float(per_ms)
    return np.arange(n) * step


class NetworkResult:
    """The spikes, recorded state and rates of a network run.

    ``populations``: names in file order. ``spikes(name)``: (neuron indices, times in ms), in time
    order. ``trace(name, neuron, variable)``: values at t_n = n dt (``t`` in ms). ``rate(name)``:
    population rate [Hz] in bins of ``rate_bin`` ms (``rate_t``: bin starts). ``summary``: the
    same dictionary as ``summary.json`` (rates, CVs, setup_s, sim_s, n_synapses, ...).
    """

    def __init__(self, raw):
        self.summary = raw["summary"]
        self._populations = {p["name"]: p for p in raw["populations"]}
        self.populations = [p["name"] for p in raw["populations"]]
        self._traces = {(q["population"], q["neuron"], q["variable"]): q for q in raw["traces"]}
        self._rates = dict(zip(self.populations, raw["rates"]))
        self.dt = raw["dt"]
        self.rate_bin = raw["rate_bin"]
        self.t = _grid_times(raw["steps"], self.dt)
        self.rate_t = _grid_times(len(raw["rates"][0]), self.rate_bin) if raw["rates"] else np.zeros(0)

    def spikes(self, population):
        p = self._population(population)
        return p["neuron"], p["t"]

    def size(self, population):
        return self._population(population)["size"]

    def trace(self, population, neuron, variable="V_m"):
        key = (population, int(neuron), variable)
        if key not in self._traces:
            recorded = ", ".join(f"{p}[{n}].{v}" for p, n, v in self._traces) or "nothing"
            raise KeyError(f"{population}[{neuron}].{variable} was not recorded (recorded: {recorded})")
        return self._traces[key]["values"]

    def rate(self, population):
        self._population(population)
        if population not in self._rates:
            raise KeyError("no population rates: set record.rate_bin in the file (or rate_bin=...)")
        return self._rates[population]

    def _population(self, name):
        if name not in self._populations:
            raise KeyError(f"no population {name!r}; populations: {', '.join(self.populations)}")
        return self._populations[name]

    def __repr__(self):
        parts = ", ".join(f"{n} {self.summary['populations'][n]['rate_hz']:.3g} Hz" for n in self.populations)
        return f"NetworkResult({self.summary['n_neurons']} neurons, {self.summary['n_synapses']} synapses: {parts})"


def run_network(path, threads=1, progress=None, **settings):
    """Reads a network file (``[[population]]`` tables) and simulates it, as ``lapicque run`` does.

    ``threads``: threads to use (0: every core); the spikes are the same on any number. Keyword
    settings override the file as ``--set`` does: ``seed=3``, ``duration=200``, or
    ``set={"projection[0].p": 0.05}``. Returns a ``NetworkResult``.
    """
    path = os.fspath(path)
    return NetworkResult(_core.run_network(path, _overrides(settings), int(threads), progress_for(path, progress)))
