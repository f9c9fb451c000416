"""Published cases from the core's catalogue (src/catalog/): Izhikevich (2004)'s twenty features
and Naud et al. (2008)'s eight AdEx firing patterns, ready to run."""

from . import _core
from ._neuron import Result


class Case:
    """One published case: ``name``, ``spec`` (the experiment, as an experiment file holds it),
    what the paper or its reference implementation found, and ``run()``."""

    def __init__(self, raw, name):
        self.name = name
        self.spec = raw["spec"]
        self.raw = raw

    def run(self, **changes):
        """Runs the case (keyword changes replace top-level settings: method, dt, duration, ...)."""
        spec = dict(self.spec)
        spec.update(changes)
        return Result(_core.simulate(spec, None))

    def __repr__(self):
        return f"<lapicque case {self.name!r}>"


def izhikevich_features(refine=1):
    """Izhikevich (2004), figure 1: twenty cases with ``panel`` ("A" to "T"), ``name`` ("tonic
    spiking", ...), ``figure_spikes`` (spikes in figure1.m) and the figure's protocol (Euler at its
    step, divided by ``refine``)."""
    out = []
    for raw in _core.izhikevich_features(refine):
        case = Case(raw, raw["name"])
        case.panel = raw["panel"]
        case.figure_spikes = raw["figure_spikes"]
        out.append(case)
    return out


def naud_patterns():
    """Naud et al. (2008): the eight AdEx firing patterns with ``label`` (the classifier's name),
    ``current`` [pA], and Brian2's spike count for its example of the paper (Euler, 0.1 ms, 600 ms)."""
    out = []
    for raw in _core.naud_patterns():
        case = Case(raw, raw["label"])
        case.label = raw["label"]
        case.current = raw["current"]
        case.brian2_spikes = raw["brian2_spikes"]
        out.append(case)
    return out
