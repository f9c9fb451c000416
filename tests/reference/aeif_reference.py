#!/usr/bin/env python3
"""High-accuracy reference trace for the adaptive exponential integrate-and-fire
(AdEx) neuron driven by a constant current, with no synaptic input.

Model (units: ms, mV, pA, nS, pF):

    C_m dV/dt  = -g_L (V - E_L) + g_L Delta_T exp((V - V_th) / Delta_T) - w + I_e
    tau_w dw/dt = a (V - E_L) - w

Threshold/reset rule:
    when V reaches V_peak from below, a spike is emitted at that instant,
    V is set to V_reset and w is incremented by b.  If t_ref > 0, V is then
    held at V_reset for t_ref while w keeps relaxing with V = V_reset (that
    stretch is solved in closed form).  The default protocol uses t_ref = 0,
    i.e. the membrane restarts integrating immediately after the reset.

The scenario (parameters, initial state, 100 ms duration) is the regular
spiking case used by NEST's aeif/LSODAR comparison test; the trace here is
computed independently with SciPy's solve_ivp at tight tolerances.  Each
inter-spike stretch is integrated separately: a terminal event function
locates V = V_peak, the state is reset, and a fresh integration starts from
the event time.  The piecewise dense output is then sampled on a uniform
grid (0.01 ms by default).

Usage:
    aeif_reference.py                 # write the CSV files next to tests/data
    aeif_reference.py --check         # also solve with the other method and
                                      # report the largest disagreement
"""

import argparse
import math
import pathlib
import sys

import numpy as np
from scipy.integrate import solve_ivp

# Neuron parameters of the scenario (t_ref is not set by the original test,
# so the AdEx default of 0 ms applies).
PARAMS = {
    "C_m": 200.0,      # pF
    "g_L": 11.0,       # nS
    "E_L": -70.0,      # mV
    "V_th": -50.0,     # mV
    "Delta_T": 2.0,    # mV
    "V_peak": 0.0,     # mV
    "V_reset": -58.0,  # mV
    "a": 3.0,          # nS
    "b": 0.0,          # pA
    "tau_w": 300.0,    # ms
    "I_e": 420.0,      # pA
    "t_ref": 0.0,      # ms
}
V_INIT = -70.0   # mV
W_INIT = 5.0     # pA
T_END = 100.0    # ms
DT_SAMPLE = 0.01  # ms

RTOL = 1e-12
ATOL = 1e-12
EXP_ARG_CAP = 700.0  # exp(700) ~ 1e304, still finite


def rhs(_t, y, p):
    """Time derivative of the state (V, w) below threshold."""
    v, w = y
    i_exp = 0.0
    if p["Delta_T"] > 0.0:
        # The exponent cap only matters for trial stages far above V_peak
        # (V > V_th + 700 Delta_T); it keeps loose-tolerance runs from
        # overflowing and never touches the solution below V_peak.
        arg = min((v - p["V_th"]) / p["Delta_T"], EXP_ARG_CAP)
        i_exp = p["g_L"] * p["Delta_T"] * math.exp(arg)
    dv = (-p["g_L"] * (v - p["E_L"]) + i_exp - w + p["I_e"]) / p["C_m"]
    dw = (p["a"] * (v - p["E_L"]) - w) / p["tau_w"]
    return np.array([dv, dw])


def jacobian(_t, y, p):
    """Analytic Jacobian, handed to the implicit (Radau) solver."""
    v = y[0]
    d_exp = 0.0
    if p["Delta_T"] > 0.0:
        d_exp = p["g_L"] * math.exp(min((v - p["V_th"]) / p["Delta_T"], EXP_ARG_CAP))
    return np.array([
        [(-p["g_L"] + d_exp) / p["C_m"], -1.0 / p["C_m"]],
        [p["a"] / p["tau_w"], -1.0 / p["tau_w"]],
    ])


class RefractorySegment:
    """V clamped at V_reset; w relaxes exponentially (closed-form solution)."""

    def __init__(self, t0, w0, p):
        self.t0 = t0
        self.w0 = w0
        self.v = p["V_reset"]
        self.w_inf = p["a"] * (p["V_reset"] - p["E_L"])
        self.tau_w = p["tau_w"]

    def __call__(self, t):
        t = np.asarray(t, dtype=float)
        w = self.w_inf + (self.w0 - self.w_inf) * np.exp(-(t - self.t0) / self.tau_w)
        return np.vstack([np.full_like(t, self.v), w])


def simulate(p=PARAMS, v0=V_INIT, w0=W_INIT, t_end=T_END,
             method="DOP853", rtol=RTOL, atol=ATOL):
    """Integrate the hybrid system on [0, t_end].

    Returns (segments, spikes): segments is a list of (t_start, t_stop,
    evaluator) covering [0, t_end] without gaps, where evaluator(t) gives the
    2 x n state array; spikes is a list of (t_spike, V, w) with the state at
    the moment of threshold crossing (before the reset is applied).
    """

    def reach_peak(t, y, p):
        return y[0] - p["V_peak"]
    reach_peak.terminal = True
    reach_peak.direction = 1.0

    extra = {"jac": jacobian} if method in ("Radau", "BDF", "LSODA") else {}

    segments = []
    spikes = []
    t0 = 0.0
    y0 = np.array([v0, w0], dtype=float)
    while t0 < t_end:
        sol = solve_ivp(rhs, (t0, t_end), y0, method=method, rtol=rtol,
                        atol=atol, events=reach_peak, dense_output=True,
                        args=(p,), **extra)
        if not sol.success:
            raise RuntimeError(f"integration failed at t={t0}: {sol.message}")
        segments.append((t0, sol.t[-1], sol.sol))
        if sol.status != 1:      # reached t_end without a spike
            break
        t_spk = float(sol.t_events[0][0])
        v_spk, w_spk = sol.y_events[0][0]
        spikes.append((t_spk, float(v_spk), float(w_spk)))
        # reset rule
        w_new = w_spk + p["b"]
        t0 = t_spk
        if p["t_ref"] > 0.0:
            t_free = min(t_spk + p["t_ref"], t_end)
            clamp = RefractorySegment(t_spk, w_new, p)
            segments.append((t_spk, t_free, clamp))
            w_new = float(clamp(t_free)[1][0])
            t0 = t_free
        y0 = np.array([p["V_reset"], w_new])
    return segments, spikes


def sample(segments, times):
    """Evaluate the piecewise solution; at a reset instant the post-reset
    state is returned (segments are treated as half-open [start, stop))."""
    times = np.asarray(times, dtype=float)
    starts = np.array([s[0] for s in segments])
    idx = np.searchsorted(starts, times, side="right") - 1
    out = np.empty((2, times.size))
    for k in np.unique(idx):
        mask = idx == k
        out[:, mask] = segments[k][2](times[mask])
    return out


def sample_grid(t_end=T_END, dt=DT_SAMPLE):
    n = int(round(t_end / dt))
    # k / (1/dt) keeps the printed times short (0.01, 0.02, ...)
    return np.arange(n + 1) / round(1.0 / dt)


def write_outputs(outdir, times, states, spikes):
    outdir.mkdir(parents=True, exist_ok=True)
    with open(outdir / "aeif_lsodar_reference.csv", "w") as fh:
        fh.write("t_ms,V_m,w\n")
        for t, v, w in zip(times, states[0], states[1]):
            fh.write(f"{float(t)!r},{float(v)!r},{float(w)!r}\n")
    with open(outdir / "aeif_lsodar_spikes.csv", "w") as fh:
        fh.write("spike_index,t_ms\n")
        for i, (t, _v, _w) in enumerate(spikes):
            fh.write(f"{i},{t!r}\n")


def main(argv=None):
    here = pathlib.Path(__file__).resolve().parent
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--method", default="DOP853", choices=["DOP853", "Radau"])
    ap.add_argument("--outdir", type=pathlib.Path, default=here.parent / "data")
    ap.add_argument("--check", action="store_true",
                    help="cross-check against the other integration method")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args(argv)

    times = sample_grid()
    segs, spikes = simulate(method=args.method)
    states = sample(segs, times)

    print(f"{args.method}: {len(spikes)} spikes")
    for i, (t, v, w) in enumerate(spikes):
        print(f"  spike {i}: t = {t!r} ms  (V = {v:.3e} mV, w = {w!r} pA)")

    if args.check:
        other = "Radau" if args.method == "DOP853" else "DOP853"
        segs2, spikes2 = simulate(method=other)
        states2 = sample(segs2, times)
        if len(spikes2) != len(spikes):
            print(f"spike count differs: {len(spikes)} vs {len(spikes2)}")
        else:
            dts = [abs(a[0] - b[0]) for a, b in zip(spikes, spikes2)]
            print(f"max |spike time difference| {args.method} vs {other}: "
                  f"{max(dts, default=0.0):.3e} ms")
        dv = np.abs(states[0] - states2[0])
        dw = np.abs(states[1] - states2[1])
        print(f"max |dV| on grid: {dv.max():.3e} mV (at t = {times[dv.argmax()]} ms)")
        print(f"max |dw| on grid: {dw.max():.3e} pA (at t = {times[dw.argmax()]} ms)")
        sub = states[0] < (PARAMS["V_th"] + PARAMS["V_peak"]) / 2.0
        print(f"max |dV| where V < -25 mV: {dv[sub].max():.3e} mV")

    if not args.no_write:
        write_outputs(args.outdir, times, states, spikes)
        print(f"wrote {args.outdir / 'aeif_lsodar_reference.csv'} "
              f"({times.size} rows) and aeif_lsodar_spikes.csv")
    return 0


if __name__ == "__main__":
    sys.exit(main())
