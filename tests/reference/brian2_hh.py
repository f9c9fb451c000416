#!/usr/bin/python3
"""Brian2 reference data for lapicque's Hodgkin-Huxley neuron.

This script integrates the classic Hodgkin-Huxley point neuron with Brian2 at
a fine time step and writes two CSV files that the C++ tests read:

  tests/data/hh_brian2_spikes.csv    header: I_pA,spike_index,t_ms
      Spike times for a set of constant currents switched on at t = 0 and held
      for 100 ms, starting from rest.
  tests/data/hh_brian2_rheobase.csv  header: definition,duration_ms,min_spikes,I_pA,tolerance_pA
      Threshold currents (rheobase) for two spike-count criteria.

Model (parameters and equations as NEST's hh_psc_alpha, without synapses)
--------------------------------------------------------------------------
Units: time ms, voltage mV, current pA, conductance nS, capacitance pF.
The membrane is 100 pF, so 1 uA/cm^2 of the original squid-axon model
corresponds to 100 pA here.

    C_m dV/dt = I - g_Na m^3 h (V - E_Na) - g_K n^4 (V - E_K) - g_L (V - E_L)
    dx/dt     = alpha_x(V) (1 - x) - beta_x(V) x        for x in {m, h, n}

    C_m = 100 pF, g_Na = 12000 nS, g_K = 3600 nS, g_L = 30 nS,
    E_Na = 50 mV, E_K = -77 mV, E_L = -54.402 mV.

Rate functions, in 1/ms with V in mV:

    alpha_m = 0.1 (V+40) / (1 - exp(-(V+40)/10))    beta_m = 4 exp(-(V+65)/18)
    alpha_h = 0.07 exp(-(V+65)/20)                  beta_h = 1 / (1 + exp(-(V+35)/10))
    alpha_n = 0.01 (V+55) / (1 - exp(-(V+55)/10))   beta_n = 0.125 exp(-(V+65)/80)

alpha_m and alpha_n have a removable 0/0 at V = -40 mV and V = -55 mV.  In the
Brian2 equations they are written with exprel(x) = (exp(x) - 1)/x, which is
algebraically identical (with u = -(V+40)/10: alpha_m = 1/exprel(u), and with
u = -(V+55)/10: alpha_n = 0.1/exprel(u)) but stays finite and accurate at the
singular points.

Initial state: V = -65 mV, each gate at its steady state
x_inf = alpha_x / (alpha_x + beta_x) evaluated at V = -65 mV.

Spike definition
----------------
A spike is an upward crossing of 0 mV: V(t_k) < 0 <= V(t_k + dt).  Its time is
refined by linear interpolation of V between those two samples:

    t_spike = t_k + dt * (0 - V(t_k)) / (V(t_k + dt) - V(t_k))

(Note: NEST's hh_psc_alpha itself reports a spike at the grid step where V is
>= 0 mV *and* has just passed a local maximum, followed by a 2 ms dead time;
the crossing definition used here is lapicque's, not NEST's.)

As a diagnostic, the crossing is also located with a cubic Hermite
interpolant built from V and dV/dt at both samples; the largest difference
between the two estimates is printed (it measures the interpolation error).

Numerics
--------
dt = 0.001 ms with the classical 4th-order Runge-Kutta scheme ('rk4').
rk4 is chosen over 'exponential_euler' because it is the more accurate of the
two: its global error is O(dt^4), whereas exponential Euler is only first
order (it is exact for the gating equations with V frozen over a step, but
the V-gate coupling gives an O(dt) error).  Exponential Euler's advantage,
stability at large dt, is irrelevant here: the fastest time constant of the
system (about 0.04 ms for V at the spike peak, 0.1 ms for m) is far longer
than 0.001 ms.  The run is repeated at dt = 0.002 ms, and the differences in
spike times and rheobase values are printed as an estimate of the numerical
error of the reference.

Rheobase search
---------------
For a criterion "at least `min_spikes` spikes (0 mV crossings) within
`duration_ms` of a constant current switched on at t = 0 from rest":
  1. a coarse scan 0, 10, ..., 1000 pA brackets the threshold;
  2. the bracket [lo, hi] is refined by parallel multisection (bisection
     generalised to 31 interior test currents per round, all simulated as one
     vectorised Brian2 group), until hi - lo <= 0.01 pA.
Every round checks that the criterion is monotone in I (false below some
current, true above); the script stops with an error if it is not.
The CSV reports I_pA = hi, the smallest tested current that meets the
criterion, and tolerance_pA = hi - lo: the criterion fails at
I_pA - tolerance_pA, so the true threshold lies in (I_pA - tolerance_pA, I_pA].
Because the bracket starts at a multiple of 10 pA and is divided by 32 per
round, all test currents are exact binary fractions (final width 10/1024 pA).

Criteria:
  single_spike: at least 1 spike within 100 ms.
  repetitive:   at least 3 spikes within 200 ms.  Above the single-spike
      threshold the neuron fires one onset spike; with increasing current it
      fires 2, then 3, 4, ... spikes before settling (a staircase of
      transient bursts between roughly 617 and 626 pA), and fires tonically
      above roughly 626 pA.  "At least 3 spikes in 200 ms" marks the first
      step of that staircase beyond an onset doublet: the third spike appears
      at about 43 ms, far from the window edge, so the criterion is not
      sensitive to the window length.

Usage
-----
    /usr/bin/python3 tests/reference/brian2_hh.py [--outdir DIR]
        [--target cython|numpy] [--no-dt-check]

Runs Brian2 in runtime mode (no standalone build), single-threaded.
Tested with Brian2 2.5.1 (Debian python3-brian), NumPy 1.24, Python 3.11.
"""

import argparse
import csv
import datetime
import os
import sys
import time
import warnings

# Debian's pythran (pulled in by brian2) emits FutureWarnings on import with
# NumPy 1.24; they are harmless noise.
warnings.filterwarnings("ignore", category=FutureWarning)

import numpy as np  # noqa: E402
import brian2 as b2  # noqa: E402
from brian2 import ms, mV, pA, nS, pF  # noqa: E402

# ---------------------------------------------------------------------------
# Model parameters (units in the names / comments)
# ---------------------------------------------------------------------------
C_M_PF = 100.0       # membrane capacitance, pF
G_NA_NS = 12000.0    # peak sodium conductance, nS
G_K_NS = 3600.0      # peak potassium conductance, nS
G_L_NS = 30.0        # leak conductance, nS
E_NA_MV = 50.0       # sodium reversal potential, mV
E_K_MV = -77.0       # potassium reversal potential, mV
E_L_MV = -54.402     # leak reversal potential, mV
V_INIT_MV = -65.0    # initial membrane potential, mV
V_SPIKE_MV = 0.0     # spike = upward crossing of this level, mV

# Constant currents (pA) for the spike-time table, each applied for 100 ms.
# Chosen to avoid the immediate neighbourhood of any change in spike count
# (see the docstring): 230 and 250 are just above the single-spike rheobase,
# 300-500 give one onset spike, 610 an onset doublet, 650 and up tonic firing.
SPIKE_TABLE_CURRENTS_PA = [230.0, 250.0, 300.0, 500.0, 610.0,
                           650.0, 700.0, 1000.0, 1500.0, 2000.0]
SPIKE_TABLE_DURATION_MS = 100.0

# Rheobase criteria: (name, duration in ms, minimum number of spikes).
RHEOBASE_CRITERIA = [
    ("single_spike", 100.0, 1),
    ("repetitive", 200.0, 3),
]
COARSE_SCAN_PA = np.arange(0.0, 1000.0 + 1e-9, 10.0)  # 0, 10, ..., 1000 pA
REFINE_POINTS = 31          # interior test currents per multisection round
RHEOBASE_TOLERANCE_PA = 0.01

DT_REFERENCE_MS = 0.001
DT_CHECK_MS = 0.002

# ---------------------------------------------------------------------------
# Brian2 model
# ---------------------------------------------------------------------------
# Brian2 works with physical quantities; the rate functions are written with
# V expressed in mV (v/mV) and produce rates in 1/ms.
HH_EQUATIONS = """
dv/dt = dvdt : volt
dvdt = (I - g_Na*m**3*h*(v - E_Na) - g_K*n**4*(v - E_K) - g_L*(v - E_L)) / C_m : volt/second
dm/dt = alpha_m*(1 - m) - beta_m*m : 1
dh/dt = alpha_h*(1 - h) - beta_h*h : 1
dn/dt = alpha_n*(1 - n) - beta_n*n : 1
alpha_m = 1.0/exprel(-(v/mV + 40.0)/10.0) / ms : Hz
beta_m  = 4.0*exp(-(v/mV + 65.0)/18.0) / ms : Hz
alpha_h = 0.07*exp(-(v/mV + 65.0)/20.0) / ms : Hz
beta_h  = 1.0/(1.0 + exp(-(v/mV + 35.0)/10.0)) / ms : Hz
alpha_n = 0.1/exprel(-(v/mV + 55.0)/10.0) / ms : Hz
beta_n  = 0.125*exp(-(v/mV + 65.0)/80.0) / ms : Hz
I : amp (constant)
v_prev : volt
dvdt_prev : volt/second
"""

HH_NAMESPACE = {
    "C_m": C_M_PF * pF,
    "g_Na": G_NA_NS * nS,
    "g_K": G_K_NS * nS,
    "g_L": G_L_NS * nS,
    "E_Na": E_NA_MV * mV,
    "E_K": E_K_MV * mV,
    "E_L": E_L_MV * mV,
    "V_spike": V_SPIKE_MV * mV,
}


def steady_state_gates(v_mv):
    """Steady-state (m, h, n) at membrane potential v_mv (mV), written in the
    direct form of the rate functions (no singularity at -65 mV)."""
    a_m = 0.1 * (v_mv + 40.0) / (1.0 - np.exp(-(v_mv + 40.0) / 10.0))
    b_m = 4.0 * np.exp(-(v_mv + 65.0) / 18.0)
    a_h = 0.07 * np.exp(-(v_mv + 65.0) / 20.0)
    b_h = 1.0 / (1.0 + np.exp(-(v_mv + 35.0) / 10.0))
    a_n = 0.01 * (v_mv + 55.0) / (1.0 - np.exp(-(v_mv + 55.0) / 10.0))
    b_n = 0.125 * np.exp(-(v_mv + 65.0) / 80.0)
    return a_m / (a_m + b_m), a_h / (a_h + b_h), a_n / (a_n + b_n)


def hermite_crossing(v0, v1, d0, d1, dt):
    """Fraction theta in [0, 1] of the step where the cubic Hermite
    interpolant through (V, dV/dt) at both ends of a step crosses 0.
    v0, v1 in mV; d0, d1 in mV/ms; dt in ms.  Newton iteration from the
    linear-interpolation estimate."""
    theta = -v0 / (v1 - v0)
    for _ in range(50):
        t2, t3 = theta * theta, theta * theta * theta
        p = ((2 * t3 - 3 * t2 + 1) * v0 + (t3 - 2 * t2 + theta) * dt * d0
             + (-2 * t3 + 3 * t2) * v1 + (t3 - t2) * dt * d1)
        dp = ((6 * t2 - 6 * theta) * v0 + (3 * t2 - 4 * theta + 1) * dt * d0
              + (-6 * t2 + 6 * theta) * v1 + (3 * t2 - 2 * theta) * dt * d1)
        step = p / dp
        theta -= step
        if abs(step) < 1e-15:
            break
    return theta


def simulate(currents_pa, duration_ms, dt_ms):
    """Simulate one HH neuron per entry of currents_pa (pA), each starting at
    rest with its current switched on at t = 0, for duration_ms (ms) with
    time step dt_ms (ms).

    Returns (linear, hermite): two lists (one entry per current) of NumPy
    arrays of spike times in ms, i.e. the 0 mV upward crossings in
    (0, duration_ms], located by linear and by cubic Hermite interpolation.
    """
    currents_pa = np.asarray(currents_pa, dtype=float)
    group = b2.NeuronGroup(
        len(currents_pa), HH_EQUATIONS,
        # upward crossing within the step just taken: V(t_k) < 0 <= V(t_k+dt)
        threshold="v >= V_spike and v_prev < V_spike", reset="",
        method="rk4", namespace=HH_NAMESPACE, dt=dt_ms * ms, name="hh")
    # Remember V and dV/dt at the start of each step (before the update), so
    # the threshold and the interpolation see both ends of the step.
    group.run_regularly("v_prev = v\ndvdt_prev = dvdt", when="start",
                        name="hh_remember_previous")
    m0, h0, n0 = steady_state_gates(V_INIT_MV)
    group.v = V_INIT_MV * mV
    group.m = m0
    group.h = h0
    group.n = n0
    group.I = currents_pa * pA
    # SpikeMonitor's t is the start t_k of the step in which the crossing
    # happened; v, dvdt are recorded after the update (at t_k + dt).
    monitor = b2.SpikeMonitor(
        group, variables=["v", "v_prev", "dvdt", "dvdt_prev"],
        name="hh_spikes")
    net = b2.Network(group, monitor)
    # The monitor evaluates the subexpression dvdt, so it needs the namespace.
    net.run(duration_ms * ms, namespace=HH_NAMESPACE)

    idx = np.asarray(monitor.i[:])
    # Grid time of the step start: Brian2 uses t_k = k * dt with an integer
    # step count k, so recover k and rebuild t_k in ms.
    k = np.rint(np.asarray(monitor.t[:] / ms) / dt_ms)
    t_k = k * dt_ms
    v0 = np.asarray(monitor.v_prev[:] / mV)
    v1 = np.asarray(monitor.v[:] / mV)
    d0 = np.asarray(monitor.dvdt_prev[:] / (mV / ms))
    d1 = np.asarray(monitor.dvdt[:] / (mV / ms))
    assert np.all(v0 < V_SPIKE_MV) and np.all(v1 >= V_SPIKE_MV)

    t_lin = t_k + dt_ms * (V_SPIKE_MV - v0) / (v1 - v0)
    t_herm = np.array([tk + dt_ms * hermite_crossing(a - V_SPIKE_MV,
                                                     b - V_SPIKE_MV, c, d,
                                                     dt_ms)
                       for tk, a, b, c, d in zip(t_k, v0, v1, d0, d1)])

    linear, hermite = [], []
    for j in range(len(currents_pa)):
        sel = idx == j
        order = np.argsort(t_lin[sel], kind="stable")
        linear.append(t_lin[sel][order])
        hermite.append(t_herm[sel][order])
    return linear, hermite


# ---------------------------------------------------------------------------
# Rheobase search
# ---------------------------------------------------------------------------
def meets(spike_times_ms, duration_ms, min_spikes):
    return np.count_nonzero(spike_times_ms <= duration_ms) >= min_spikes


def bracket_from(currents, flags, label):
    """Given increasing currents and criterion flags, check monotonicity
    (all False then all True) and return (last False, first True)."""
    flags = np.asarray(flags, dtype=bool)
    if flags.all() or not flags.any():
        raise RuntimeError(f"{label}: threshold not bracketed by "
                           f"[{currents[0]}, {currents[-1]}] pA")
    first_true = int(np.argmax(flags))
    if not flags[first_true:].all():
        raise RuntimeError(f"{label}: criterion is not monotone in I: "
                           + ", ".join(f"{c}:{int(f)}"
                                       for c, f in zip(currents, flags)))
    return currents[first_true - 1], currents[first_true]


def find_rheobases(dt_ms, log):
    """Threshold currents (pA) for RHEOBASE_CRITERIA at time step dt_ms.
    Returns {name: (hi, hi - lo)}."""
    t_max = max(c[1] for c in RHEOBASE_CRITERIA)

    # 1. coarse scan, one vectorised run for all criteria
    trains, _ = simulate(COARSE_SCAN_PA, t_max, dt_ms)
    brackets = {}
    for name, dur, nmin in RHEOBASE_CRITERIA:
        flags = [meets(tr, dur, nmin) for tr in trains]
        brackets[name] = bracket_from(list(COARSE_SCAN_PA), flags, name)
        log(f"  dt={dt_ms} ms {name}: coarse bracket {brackets[name]} pA")

    # 2. multisection rounds, all criteria refined in the same run
    rounds = 0
    while any(hi - lo > RHEOBASE_TOLERANCE_PA for lo, hi in brackets.values()):
        rounds += 1
        tests, slices, start = [], {}, 0
        for name, _, _ in RHEOBASE_CRITERIA:
            lo, hi = brackets[name]
            width = (hi - lo) / (REFINE_POINTS + 1)
            pts = [lo + q * width for q in range(1, REFINE_POINTS + 1)]
            tests.extend(pts)
            slices[name] = (start, start + len(pts))
            start += len(pts)
        trains, _ = simulate(tests, t_max, dt_ms)
        for name, dur, nmin in RHEOBASE_CRITERIA:
            lo, hi = brackets[name]
            a, b = slices[name]
            currents = [lo] + tests[a:b] + [hi]
            flags = ([False] + [meets(tr, dur, nmin) for tr in trains[a:b]]
                     + [True])
            brackets[name] = bracket_from(currents, flags, name)
            log(f"  dt={dt_ms} ms {name}: round {rounds} bracket "
                f"{brackets[name]} pA")
    return {name: (hi, hi - lo) for name, (lo, hi) in brackets.items()}


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------
def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--outdir", default=os.path.join(here, "..", "data"),
                        help="directory for the CSV files (default: tests/data)")
    parser.add_argument("--target", default="cython",
                        choices=["cython", "numpy"],
                        help="Brian2 runtime code generation target")
    parser.add_argument("--no-dt-check", action="store_true",
                        help="skip the dt = 0.002 ms self-consistency rerun")
    args = parser.parse_args()

    b2.prefs.codegen.target = args.target
    wall_start = time.time()

    def log(msg):
        print(f"[{time.time() - wall_start:7.1f} s] {msg}", flush=True)

    log(f"Brian2 {b2.__version__}, NumPy {np.__version__}, Python "
        f"{sys.version.split()[0]}, target {args.target}, method rk4")

    # --- spike times at the reference resolution --------------------------
    spikes, spikes_herm = simulate(SPIKE_TABLE_CURRENTS_PA,
                                   SPIKE_TABLE_DURATION_MS, DT_REFERENCE_MS)
    for cur, tr in zip(SPIKE_TABLE_CURRENTS_PA, spikes):
        log(f"  I = {cur:7.1f} pA: {len(tr):2d} spikes, first "
            f"{tr[0] if len(tr) else float('nan'):.6f} ms, last "
            f"{tr[-1] if len(tr) else float('nan'):.6f} ms")
    interp_diff = max(float(np.max(np.abs(a - b))) if len(a) else 0.0
                      for a, b in zip(spikes, spikes_herm))
    log(f"max |linear - cubic Hermite| crossing time at dt={DT_REFERENCE_MS}"
        f" ms: {interp_diff:.3e} ms")
    # Warn if a spike sits close to the end of the window (a test could then
    # disagree on the spike count).
    for cur, tr in zip(SPIKE_TABLE_CURRENTS_PA, spikes):
        if len(tr) and SPIKE_TABLE_DURATION_MS - tr[-1] < 1.0:
            log(f"WARNING: I = {cur} pA has a spike at {tr[-1]} ms, within "
                f"1 ms of the end of the window")

    # --- rheobase at the reference resolution ------------------------------
    log("rheobase search, dt = %g ms" % DT_REFERENCE_MS)
    rheo = find_rheobases(DT_REFERENCE_MS, log)
    for name, (cur, tol) in rheo.items():
        log(f"  {name}: I = {cur!r} pA (tolerance {tol!r} pA)")

    # --- write the data -----------------------------------------------------
    os.makedirs(args.outdir, exist_ok=True)
    spikes_path = os.path.join(args.outdir, "hh_brian2_spikes.csv")
    with open(spikes_path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["I_pA", "spike_index", "t_ms"])
        for cur, tr in zip(SPIKE_TABLE_CURRENTS_PA, spikes):
            for k, t in enumerate(tr):
                w.writerow([repr(float(cur)), k, repr(float(t))])
    rheo_path = os.path.join(args.outdir, "hh_brian2_rheobase.csv")
    with open(rheo_path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["definition", "duration_ms", "min_spikes", "I_pA",
                    "tolerance_pA"])
        for name, dur, nmin in RHEOBASE_CRITERIA:
            cur, tol = rheo[name]
            w.writerow([name, repr(float(dur)), nmin, repr(float(cur)),
                        repr(float(tol))])
    log(f"wrote {os.path.normpath(spikes_path)} and "
        f"{os.path.normpath(rheo_path)}")

    # --- self-consistency check at dt = 0.002 ms ----------------------------
    if not args.no_dt_check:
        log("self-consistency rerun, dt = %g ms" % DT_CHECK_MS)
        spikes2, spikes2_herm = simulate(SPIKE_TABLE_CURRENTS_PA,
                                         SPIKE_TABLE_DURATION_MS, DT_CHECK_MS)
        worst = 0.0
        worst_herm = 0.0
        for cur, a, b, ah, bh in zip(SPIKE_TABLE_CURRENTS_PA, spikes, spikes2,
                                     spikes_herm, spikes2_herm):
            if len(a) != len(b):
                log(f"  I = {cur} pA: spike count differs ({len(a)} vs "
                    f"{len(b)})")
                worst = float("inf")
                continue
            d = float(np.max(np.abs(a - b))) if len(a) else 0.0
            worst = max(worst, d)
            # same comparison with the cubic Hermite crossing times: this
            # removes most of the interpolation error and isolates the
            # integrator (rk4) error
            if len(a):
                worst_herm = max(worst_herm, float(np.max(np.abs(ah - bh))))
            log(f"  I = {cur:7.1f} pA: max |dt" f"{DT_REFERENCE_MS} - "
                f"dt{DT_CHECK_MS}| = {d:.3e} ms")
        log(f"max spike time difference dt={DT_REFERENCE_MS} vs "
            f"dt={DT_CHECK_MS}: {worst:.3e} ms (linear interpolation, as "
            f"written to the CSV)")
        log(f"same with cubic Hermite crossing times (integrator error "
            f"only): {worst_herm:.3e} ms")
        rheo2 = find_rheobases(DT_CHECK_MS, log)
        for name, (cur, tol) in rheo2.items():
            log(f"  {name}: dt={DT_CHECK_MS} ms I = {cur!r} pA; difference "
                f"to dt={DT_REFERENCE_MS} ms: {cur - rheo[name][0]:+.5f} pA")

    log(f"done ({datetime.datetime.now().isoformat(timespec='seconds')}), "
        f"total wall time {time.time() - wall_start:.1f} s")


if __name__ == "__main__":
    main()
