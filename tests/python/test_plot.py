"""Every figure of lapicque.plot carries axis labels with units and draws data (not pixels)."""

import re

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import lapicque  # noqa: E402
from lapicque import plot as lp  # noqa: E402

UNIT = re.compile(r"\[[^\]]+\]|unitless|count|neuron|^J$|rate")


def check(fig):
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert axes, "no axes"
    for ax in axes:
        # An axes stacked on another that shares its time axis is labelled by the one below.
        xlabels = [a.get_xlabel() for a in ax.get_shared_x_axes().get_siblings(ax)]
        assert any(UNIT.search(x) for x in xlabels), f"x label without unit: {ax.get_xlabel()!r}"
        assert UNIT.search(ax.get_ylabel()), f"y label without unit: {ax.get_ylabel()!r}"
        points = sum(len(line.get_xdata()) for line in ax.get_lines())
        points += sum(len(c.get_paths()) or len(c.get_offsets()) for c in ax.collections)
        points += len(ax.patches)
        assert points > 1, f"no data on the axes {ax.get_ylabel()!r}"
    matplotlib.pyplot.close(fig)


@pytest.fixture(scope="module")
def alif_step():
    n = lapicque.Neuron("alif", V_th=-55, V_reset=-75, tau_m=10, g_L=10, E_L=-75, t_ref=2, a=6, b=10, tau_w=100)
    return n.step(500, start=50, stop=300).run(400)


def test_membrane_with_input_threshold_reset_and_spikes(alif_step):
    fig = lp.membrane(alif_step, title="alif")
    v, i = fig.axes
    assert v.get_ylabel() == "V_m [mV]" and i.get_ylabel() == "I [pA]" and i.get_xlabel() == "t [ms]"
    dashed = [line for line in v.get_lines() if line.get_linestyle() == "--"]
    assert dashed and dashed[0].get_ydata()[0] == -55  # the threshold
    spikes = v.collections[0]
    assert len(spikes.get_segments()) == alif_step.stats()["count"]
    check(fig)


def test_adaptation_raster_and_isi(alif_step):
    fig = lp.adaptation(alif_step)
    assert fig.axes[0].get_ylabel() == "w [pA]"
    check(fig)
    check(lp.raster([alif_step, alif_step.spike_times], labels=["a", "b"], duration=400))
    check(lp.isi_histogram(alif_step))


def test_fi_curves_show_the_closed_form():
    c = lapicque.Neuron("lif").fi(np.arange(0, 1001, 20))
    fig = lp.fi_curves([c])
    ax = fig.axes[0]
    assert ax.get_xlabel() == "I [pA]" and ax.get_ylabel() == "firing rate [Hz]"
    assert len(ax.get_lines()) == 2  # simulated and closed form
    check(fig)


def test_rate_curves_and_euler_against_exact():
    check(lp.response_curves())
    check(lp.nonlinearities())
    fig = lp.euler_vs_exact(lapicque.Neuron("lif").constant(500), dts=(0.5, 0.1, 0.02), duration=30)
    errors = fig.axes[1].get_lines()[0].get_ydata()
    assert errors[0] > errors[1] > errors[2]  # smaller steps, smaller errors
    check(fig)


def test_gallery():
    cases = lapicque.naud_patterns()[:2]
    check(lp.gallery([c.run() for c in cases], [c.label for c in cases], columns=2))
