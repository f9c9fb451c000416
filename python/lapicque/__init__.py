"""lapicque: exact, fast and reproducible integrate-and-fire neurons, from Python.

The same core, model names, parameter names and units as the ``lapicque`` command line and its
experiment files: time in ms, potential in mV, current in pA, conductance in nS, capacitance in
pF, rates in Hz.

    >>> import lapicque
    >>> n = lapicque.Neuron("lif", tau_m=10, g_L=10, E_L=-75, V_th=-55, V_reset=-75, t_ref=2)
    >>> r = n.constant(300).run(duration=400, dt=0.1)
    >>> r.spike_times[:3]                     # ms
    >>> r.t, r.V_m, r.I                       # numpy arrays: ms, mV, pA
    >>> curve = n.fi(range(0, 1001, 10))      # rate_hz beside the closed form analytic_hz
    >>> r = lapicque.run_file("examples/seed004/alif_step.toml", seed=3, neuron__tau_w=50)

Figures are in ``lapicque.plot``; the illustrated report of the seed curriculum is
``lapicque.demo`` (``lapicque demo`` on the command line).
"""

from ._core import ParameterError, SimulationError
from ._core import current_range as _current_range
from ._core import classify_firing_pattern as _classify
from . import _core
from ._neuron import Neuron, Result, FiCurve, run_file, fi_curve_file, spike_statistics
from ._catalog import izhikevich_features, naud_patterns
from ._network import NetworkResult, run_network

__all__ = [
    "Neuron", "Result", "FiCurve", "run_file", "fi_curve_file", "spike_statistics",
    "classify_firing_pattern", "current_range", "models", "model", "input_types",
    "relu", "softplus", "logistic", "tanh", "lif_rate", "lif_rate_general",
    "izhikevich_features", "naud_patterns", "ParameterError", "SimulationError",
    "run_network", "NetworkResult",
]


def models():
    """Every model as a dict: name, summary, equations, input_unit, methods (the default
    first), parameters (name, unit, default, meaning), state variables and presets."""
    return _core.models()


def model(name):
    """The description of one model (see ``models()``); ValueError if there is none of that name."""
    for m in _core.models():
        if m["name"] == name:
            return m
    names = ", ".join(m["name"] for m in _core.models())
    raise ParameterError(f"model = {name!r}: unknown model; one of {names}")


def input_types():
    """Every input type as a dict: name, formula and settings (name, kind, unit, default, meaning)."""
    return _core.input_types()


def current_range(start, stop, step):
    """Values from ``start`` to ``stop`` inclusive in steps of ``step``, each the decimal meant
    (0.1 x 28 gives 2.8, not 2.8000000000000003), as a numpy array."""
    import numpy as np
    return np.asarray(_current_range(float(start), float(stop), float(step)))


def classify_firing_pattern(spike_times, t_on, t_off):
    """The firing pattern of a spike train [ms] under a current step on [t_on, t_off] [ms]:
    "silent", "transient", "tonic", "adapting", "accelerating", "initial burst",
    "regular bursting", "irregular", ... (the rules are in docs/analysis.md)."""
    return _classify(list(map(float, spike_times)), float(t_on), float(t_off))


def relu(j):
    """Rectified linear unit max(0, J) (unitless), elementwise."""
    return _core.relu(j)


def softplus(j):
    """Softplus ln(1 + e^J) (unitless), elementwise."""
    return _core.softplus(j)


def logistic(j):
    """Logistic 1 / (1 + e^-J) (unitless), elementwise."""
    return _core.logistic(j)


def tanh(j):
    """Hyperbolic tangent tanh(J) (unitless), elementwise."""
    return _core.tanh_rate(j)


def lif_rate(j, tau_rc=20.0, tau_ref=2.0):
    """Seed 002's LIF response curve G[J] = 1 / (tau_ref - tau_rc ln(1 - 1/J)) for J > 1, else 0,
    in Hz, with tau_rc and tau_ref in ms and J unitless (threshold 1), elementwise."""
    return _core.lif_rate_normalised_hz(j, tau_rc, tau_ref)


def lif_rate_general(current, g_L, tau_m, E_L, V_th, V_reset, t_ref):
    """The closed-form steady rate [Hz] of a LIF under a constant current [pA]:
    1 / (t_ref + tau_m ln((V_inf - V_reset) / (V_inf - V_th))), V_inf = E_L + I / g_L, 0 where
    V_inf <= V_th. g_L in nS, tau_m and t_ref in ms, potentials in mV; elementwise in current."""
    return _core.lif_rate_hz(current, g_L, tau_m, E_L, V_th, V_reset, t_ref)
