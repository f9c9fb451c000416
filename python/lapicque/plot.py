"""Figures of lapicque's results (matplotlib). Every function returns the matplotlib Figure it
drew on; axes are labelled with units (ms, mV, pA, Hz).

    import lapicque, lapicque.plot as lp
    r = lapicque.Neuron("lif").step(500, start=20, stop=180).run(200)
    lp.membrane(r).savefig("lif.png")
"""

import numpy as np

from . import _core

SPIKE_COLOR = "#c0392b"
INPUT_COLOR = "#2c7fb8"
LEVEL_COLOR = "#7f7f7f"


def _pyplot():
    import matplotlib.pyplot as plt
    return plt


def _input_unit(model):
    for m in _core.models():
        if m["name"] == model:
            return m["input_unit"]
    return "pA"


def _levels(result):
    """(spike level, its name, reset level) of the result's model, for marking on V(t)."""
    p = result.parameters
    model = result.model
    if model == "adex" and p.get("Delta_T", 0) > 0:
        return p["V_peak"], "V_peak", p["V_reset"]
    if model == "izhikevich":
        return p.get("V_peak", 30.0), "V_peak", p.get("c")
    if model == "hh":
        return p.get("V_spike", 0.0), "V_spike", None
    if model == "lif_norm":
        return 1.0, "v_th", 0.0
    return p.get("V_th"), "V_th", p.get("V_reset")


def _v_unit(result):
    return "1" if result.model == "lif_norm" else "mV"


def membrane(result, title=None, spike_height=None, fig=None):
    """V(t) above the input current I(t): threshold (dashed) and reset (dotted) marked, each
    spike drawn as a line from the threshold to ``spike_height`` (default +30 mV, the height
    seed 000 gives an action potential; 2 for the normalised LIF)."""
    plt = _pyplot()
    has_input = "I" in result.trace
    if fig is None:
        fig = plt.figure(figsize=(8, 4.2 if has_input else 3.2))
    grid = fig.add_gridspec(2 if has_input else 1, 1, height_ratios=[3, 1] if has_input else [1], hspace=0.08)
    ax = fig.add_subplot(grid[0])
    level, level_name, reset = _levels(result)
    unit = _v_unit(result)
    if spike_height is None:
        spike_height = 2.0 if result.model == "lif_norm" else 30.0
    ax.plot(result.t, result.V_m, color="black", lw=1, label="V_m")
    if result.model not in ("hh",) and len(result.spike_times):
        low = level if level is not None else np.nanmax(result.V_m)
        ax.vlines(result.spike_times, low, spike_height, color=SPIKE_COLOR, lw=1, label="spikes")
    if level is not None:
        ax.axhline(level, color=LEVEL_COLOR, ls="--", lw=0.8, label=f"{level_name} = {level:g} {unit}")
    if reset is not None and reset != level:
        ax.axhline(reset, color=LEVEL_COLOR, ls=":", lw=0.8, label=f"reset = {reset:g} {unit}")
    ax.set_ylabel(f"V_m [{unit}]")
    ax.set_xlim(result.t[0], result.t[-1])
    ax.legend(loc="upper right", fontsize=7, frameon=False, ncol=2)
    if title:
        ax.set_title(title)
    if has_input:
        ax.tick_params(labelbottom=False)
        ax_i = fig.add_subplot(grid[1], sharex=ax)
        ax_i.plot(result.t, result.I, color=INPUT_COLOR, lw=1)
        ax_i.set_ylabel(f"I [{_input_unit(result.model)}]")
        ax_i.set_xlabel("t [ms]")
    else:
        ax.set_xlabel("t [ms]")
    return fig


def adaptation(result, title=None, fig=None):
    """The adaptation current w(t) [pA] (alif, adex; u for izhikevich), spike times marked."""
    plt = _pyplot()
    name = "w" if "w" in result.trace else "U_m" if "U_m" in result.trace else None
    if name is None:
        raise ValueError("the result has no adaptation variable recorded (w or U_m)")
    if fig is None:
        fig = plt.figure(figsize=(8, 2.6))
    ax = fig.add_subplot(1, 1, 1)
    ax.plot(result.t, result.trace[name], color="#6a3d9a", lw=1)
    for t in result.spike_times:
        ax.axvline(t, color=SPIKE_COLOR, lw=0.4, alpha=0.5)
    ax.set_xlabel("t [ms]")
    ax.set_ylabel(f"{name} [{'pA' if name == 'w' else _input_unit(result.model)}]")
    ax.set_xlim(result.t[0], result.t[-1])
    if title:
        ax.set_title(title)
    return fig


def raster(spike_trains, labels=None, duration=None, title=None, fig=None):
    """One row of ticks per spike train [ms] (a list of arrays, or Results); seed 003's
    spike-train printout as a picture."""
    plt = _pyplot()
    trains = [getattr(s, "spike_times", s) for s in spike_trains]
    if fig is None:
        fig = plt.figure(figsize=(8, 0.6 + 0.35 * len(trains)))
    ax = fig.add_subplot(1, 1, 1)
    ax.eventplot([np.asarray(t) for t in trains], colors="black", linelengths=0.8, lineoffsets=range(len(trains)))
    ax.set_yticks(range(len(trains)))
    ax.set_yticklabels(labels if labels is not None else [str(k) for k in range(len(trains))])
    ax.set_ylabel("neuron")
    ax.set_xlabel("t [ms]")
    if duration is not None:
        ax.set_xlim(0, duration)
    ax.set_ylim(-0.6, len(trains) - 0.4)
    if title:
        ax.set_title(title)
    return fig


def isi_histogram(spike_times, bins=30, title=None, fig=None):
    """Histogram of the inter-spike intervals [ms] of a spike train (or a Result), with mean and CV."""
    plt = _pyplot()
    t = np.asarray(getattr(spike_times, "spike_times", spike_times))
    isi = np.diff(t)
    if fig is None:
        fig = plt.figure(figsize=(5, 3.2))
    ax = fig.add_subplot(1, 1, 1)
    if len(isi):
        ax.hist(isi, bins=bins, color="#555555")
        cv = isi.std() / isi.mean() if len(isi) > 1 else float("nan")
        ax.set_title(title or f"{len(isi)} intervals, mean {isi.mean():.3g} ms, CV {cv:.2f}", fontsize=9)
    elif title:
        ax.set_title(title)
    ax.set_xlabel("inter-spike interval [ms]")
    ax.set_ylabel("count")
    return fig


def fi_curves(curves, labels=None, title=None, fig=None, ax=None):
    """Firing rate [Hz] against constant current: each FiCurve simulated (solid), and its closed
    form (dashed) where the model has one."""
    plt = _pyplot()
    if ax is None:
        if fig is None:
            fig = plt.figure(figsize=(6, 4))
        ax = fig.add_subplot(1, 1, 1)
    else:
        fig = ax.figure
    for k, curve in enumerate(curves):
        label = labels[k] if labels is not None else curve.model
        line, = ax.plot(curve.I, curve.rate_hz, lw=1.5, label=f"{label} (simulated)")
        if curve.analytic_hz is not None:
            ax.plot(curve.I, curve.analytic_hz, ls="--", lw=1, color="black", alpha=0.7,
                    label=f"{label} (closed form)")
    unit = _input_unit(curves[0].model) if curves else "pA"
    ax.set_xlabel(f"I [{unit}]" if unit != "1" else "J (unitless)")
    ax.set_ylabel("firing rate [Hz]")
    ax.legend(fontsize=7, frameon=False)
    if title:
        ax.set_title(title)
    return fig


def response_curves(tau_rc=(20, 50), tau_ref=(1, 2, 5), j=None, title=None, fig=None):
    """Seed 002's figure 4: the LIF response curve G[J] [Hz] of the normalised LIF for several
    membrane time constants tau_rc [ms] and refractory periods tau_ref [ms]."""
    plt = _pyplot()
    j = np.linspace(0, 5, 501) if j is None else np.asarray(j)
    if fig is None:
        fig = plt.figure(figsize=(6, 4))
    ax = fig.add_subplot(1, 1, 1)
    styles = ["-", "--", ":", "-."]
    for a, rc in enumerate(tau_rc):
        for b, ref in enumerate(tau_ref):
            ax.plot(j, _core.lif_rate_normalised_hz(j, rc, ref), ls=styles[a % len(styles)], color=f"C{b}",
                    label=f"tau_rc {rc:g} ms, tau_ref {ref:g} ms")
    ax.set_xlabel("J (unitless, threshold 1)")
    ax.set_ylabel("G[J] [Hz]")
    ax.legend(fontsize=7, frameon=False)
    if title:
        ax.set_title(title)
    return fig


def nonlinearities(j=None, tau_rc=20, tau_ref=2, fig=None):
    """Seed 002's figure 6 beside the LIF: ReLU, softplus, logistic and tanh (unitless) and the
    LIF response curve G[J] [Hz], one panel each."""
    plt = _pyplot()
    j = np.linspace(-3, 5, 401) if j is None else np.asarray(j)
    if fig is None:
        fig = plt.figure(figsize=(12, 2.8))
    panels = [("ReLU  max(0, J)", _core.relu(j), "rate (unitless)"),
              ("softplus  ln(1 + e^J)", _core.softplus(j), "rate (unitless)"),
              ("logistic  1 / (1 + e^-J)", _core.logistic(j), "rate (unitless)"),
              ("tanh(J)", _core.tanh_rate(j), "rate (unitless)"),
              (f"LIF G[J] (tau_rc {tau_rc:g} ms, tau_ref {tau_ref:g} ms)",
               _core.lif_rate_normalised_hz(j, tau_rc, tau_ref), "rate [Hz]")]
    for k, (name, values, ylabel) in enumerate(panels):
        ax = fig.add_subplot(1, len(panels), k + 1)
        ax.plot(j, values, color="C3" if k == 4 else "C0")
        ax.axhline(0, color=LEVEL_COLOR, lw=0.5)
        ax.set_title(name, fontsize=8)
        ax.set_xlabel("J")
        ax.set_ylabel(ylabel)
    fig.tight_layout()
    return fig


def euler_vs_exact(neuron, dts=(1.0, 0.5, 0.1, 0.01), duration=100.0, fig=None):
    """Forward Euler against the exact solution as dt shrinks, for a LIF-type ``Neuron``: V(t)
    for each dt beside the exact trace, and the largest error of V against dt [ms] on log axes
    (first order: the error falls tenfold when dt does)."""
    plt = _pyplot()
    exact = neuron.run(duration, dt=min(dts), method="exact", record=["V_m"], progress=False)
    if fig is None:
        fig = plt.figure(figsize=(11, 3.6))
    ax = fig.add_subplot(1, 2, 1)
    ax.plot(exact.t, exact.V_m, color="black", lw=2, alpha=0.4, label="exact")
    errors = []
    for k, dt in enumerate(dts):
        r = neuron.run(duration, dt=dt, method="euler", record=["V_m"], progress=False)
        ax.plot(r.t, r.V_m, lw=0.8, color=f"C{k}", label=f"euler, dt {dt:g} ms")
        reference = np.interp(r.t, exact.t, exact.V_m)
        # Before the first spike both trajectories are smooth: the error of the integration alone.
        until = min(r.spike_times[0] if len(r.spike_times) else duration,
                    exact.spike_times[0] if len(exact.spike_times) else duration)
        mask = r.t < until - dt
        errors.append(np.max(np.abs(r.V_m[mask] - reference[mask])) if mask.any() else np.nan)
    ax.set_xlabel("t [ms]")
    ax.set_ylabel(f"V_m [{_v_unit(exact)}]")
    ax.legend(fontsize=7, frameon=False)
    ax2 = fig.add_subplot(1, 2, 2)
    ax2.loglog(dts, errors, "o-", color="C3", label="euler")
    d = np.asarray(dts)
    if np.isfinite(errors[0]):
        ax2.loglog(d, errors[0] * d / d[0], ls="--", color=LEVEL_COLOR, label="slope 1 (first order)")
    ax2.set_xlabel("dt [ms]")
    ax2.set_ylabel(f"max |V_euler - V_exact| before the first spike [{_v_unit(exact)}]")
    ax2.legend(fontsize=7, frameon=False)
    fig.tight_layout()
    return fig


def gallery(results, titles, columns=4, fig=None):
    """Small V(t) panels with the input beneath (the Izhikevich feature gallery, Naud's AdEx
    patterns), each titled; shared units ms, mV and the input's."""
    plt = _pyplot()
    rows = (len(results) + columns - 1) // columns
    if fig is None:
        fig = plt.figure(figsize=(3.2 * columns, 2.3 * rows))
    outer = fig.add_gridspec(rows, columns, hspace=0.55, wspace=0.35)
    for k, (r, title) in enumerate(zip(results, titles)):
        inner = outer[k // columns, k % columns].subgridspec(2, 1, height_ratios=[3, 1], hspace=0.05)
        ax = fig.add_subplot(inner[0])
        v = np.array(r.V_m, copy=True)
        ax.plot(r.t, v, color="black", lw=0.7)
        if len(r.spike_times):
            level, _, _ = _levels(r)
            ax.vlines(r.spike_times, level if level is not None else np.nanmax(v), 30, color=SPIKE_COLOR, lw=0.6)
        ax.set_title(title, fontsize=8)
        ax.tick_params(labelbottom=False, labelsize=6)
        ax.set_ylabel("V [mV]", fontsize=6)
        ax_i = fig.add_subplot(inner[1], sharex=ax)
        if "I" in r.trace:
            ax_i.plot(r.t, r.I, color=INPUT_COLOR, lw=0.7)
        ax_i.tick_params(labelsize=6)
        ax_i.set_ylabel(f"I [{_input_unit(r.model)}]", fontsize=6)
        ax_i.set_xlabel("t [ms]", fontsize=6)
    return fig
