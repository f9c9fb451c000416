#!/usr/bin/python3
"""Side-by-side timing of an f-I sweep: lapicque against Brian2, on this machine, in one run.

The workload: 1,000 neurons, one per constant current (0, 1, ..., 999 pA), 1 s of simulated
time at dt = 0.1 ms, spikes recorded, firing rate per current. Two models:

  lif   C_m dV/dt = -g_L (V - E_L) + I; C_m 250 pF, g_L 25 nS, E_L -70 mV, V_th -55 mV,
        V_reset -70 mV, t_ref 2 ms (rheobase 375 pA). lapicque method "exact";
        Brian2 method 'exact' with (unless refractory).
  adex  Brette & Gerstner (2005) defaults: C_m 281 pF, g_L 30 nS, E_L -70.6 mV, V_T -50.4 mV,
        Delta_T 2 mV, a 4 nS, tau_w 144 ms, b 80.5 pA, V_reset -70.6 mV, V_peak 0 mV, no
        refractory period. lapicque methods "adaptive" (its default), "euler" and "rk4";
        Brian2 methods 'euler' (as in Brian2's own AdEx examples) and 'rk4'.

What is timed
  lapicque   "whole command": wall clock of the `lapicque fi ... --timing` process (start-up,
             TOML parsing, simulation, CSV output), measured here around subprocess.run.
             "simulation alone": the `simulation_seconds=` figure lapicque prints with --timing
             (a steady_clock interval around the f-I computation: simulation + spike counting).
             lapicque uses OpenMP; it is timed with its default thread count and, because
             Brian2 runs on a single thread, also with OMP_NUM_THREADS=1.
  Brian2     Each Brian2 measurement runs in a fresh worker process (this script with a hidden
             --worker option) so that runtime and standalone devices never share state.
             "whole command" = interpreter start-up + `import brian2` (measured in the worker,
             once) + building the network, code generation, compilation, the run, and reading
             the rates (measured per run in the worker). That is what a fresh `python3 my.py`
             would cost.
    runtime     Default code-generation target (Cython). The first run compiles Cython
                extensions into a fresh, empty cache directory (so that it is honestly "cold");
                the reported figures are warm runs, made afterwards in the same process.
                "simulation alone" = device._last_run_time, which Network.run (core/network.py)
                sets to the time.time() interval around its time-step loop only, i.e. after
                before_run() has generated and compiled/loaded the code.
    standalone  set_device('cpp_standalone', directory=<fresh temp dir>, build_on_run=True),
                with device.reinit() / device.activate() between runs. Every run gets a fresh
                project directory because Brian2's writer skips files whose content has not
                changed and `make` would then only relink: a reused directory would not be a
                full compilation. (a) "whole command" includes code generation and `make`.
                (b) "simulation alone": we re-run the compiled `main` binary of the last build
                directly, several times, and read results/last_run_info.txt after each run.
                That file holds Network::_last_run_time, which the generated network.cpp
                measures around its time-step loop only (no array set-up, no writing of
                results) -- the same span lapicque's --timing covers. Without OpenMP (the
                default, openmp_threads = 0) network.cpp measures it with std::clock(), i.e.
                process CPU time, not wall-clock time; for a single-threaded process the two
                agree unless the process is descheduled, in which case CPU time is the
                *smaller* (flattering) number. We therefore also report the wall clock of the
                whole `main` process (set-up + loop + writing results), measured here with
                time.perf_counter around subprocess.run. We do not use profile=True: it
                inserts timers around every code object and changes what is measured.

Results are compared too: Brian2's spike count per neuron / 1 s against lapicque's rate_hz
(1000 / mean inter-spike interval) and count_rate_hz (spike count / 1 s), and for lif also
against the closed form f = 1 / (t_ref + tau_m ln((V_inf - V_reset) / (V_inf - V_th))).
Brian2 places spikes on the time grid (a spike is the step at whose end V is past threshold;
refractoriness counted in whole steps); lapicque locates the crossing within the step. So
lif rates differ by up to ~2 Hz at high rates. Brian2's rk4 on adex evaluates exp() at
intermediate stages far above threshold and blows up (NaN / huge w) for strong currents; the
script detects this (Brian2's own invalid-value test, applied after the timed run) and flags
those timings as timings of a broken run.

Usage:  /usr/bin/python3 bench/fi_vs_brian2.py [--runs N] [--quick] [--lapicque PATH]
Needs Brian2 (Debian python3-brian 2.5.1 was used), numpy, Cython and a C++ compiler.
"""

import argparse
import csv
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
DEFAULT_LAPICQUE = os.path.join(REPO, "build", "apps", "lapicque")

DURATION_MS = 1000.0
DT_MS = 0.1

# Model parameters (units: pF, nS, mV, ms, pA), shared by the lapicque TOML files and the
# Brian2 equations so that both tools simulate exactly the same neurons.
LIF = dict(C_m=250.0, g_L=25.0, E_L=-70.0, V_th=-55.0, V_reset=-70.0, t_ref=2.0)
ADEX = dict(C_m=281.0, g_L=30.0, E_L=-70.6, V_T=-50.4, Delta_T=2.0, a=4.0, tau_w=144.0,
            b=80.5, V_reset=-70.6, V_peak=0.0)


# ----------------------------------------------------------------------------- small helpers

def other_compilers_running():
    """True if a C++ compiler (cc1plus) runs on the machine (called only while we compile nothing)."""
    try:
        out = subprocess.run(["pgrep", "-f", "cc1plus"], capture_output=True, text=True).stdout
    except FileNotFoundError:
        return False
    return bool(out.split())


class Quietness:
    """Notes whether other compilations were seen while we measured (shared 2-core machine)."""

    def __init__(self):
        self.busy_checks = 0
        self.checks = 0

    def check(self):
        self.checks += 1
        if other_compilers_running():
            self.busy_checks += 1

    def wait_until_quiet(self, limit_s):
        """Wait (at most limit_s) until nobody else compiles; returns True if quiet."""
        deadline = time.monotonic() + limit_s
        while other_compilers_running():
            if time.monotonic() > deadline:
                return False
            time.sleep(2)
        return True


def summary(values):
    """(median, min, max) of a list of seconds, or None for an empty list."""
    if not values:
        return None
    return statistics.median(values), min(values), max(values)


def fmt_summary(s):
    if s is None:
        return "-"
    med, lo, hi = s
    return f"{med:.4g} [{lo:.4g}-{hi:.4g}]"


def runs_for(seconds, args):
    """How many repetitions a measurement that took `seconds` once should get."""
    return args.runs if seconds < 1.0 else args.slow_runs


def lif_closed_form_hz(current_pA):
    """Firing rate of the lif neuron under a constant current (0 below rheobase)."""
    p = LIF
    v_inf = p["E_L"] + current_pA / p["g_L"]
    if v_inf <= p["V_th"]:
        return 0.0
    tau_m = p["C_m"] / p["g_L"]
    isi_ms = p["t_ref"] + tau_m * math.log((v_inf - p["V_reset"]) / (v_inf - p["V_th"]))
    return 1000.0 / isi_ms


# ----------------------------------------------------------------------------- lapicque side

def lapicque_toml(model, method):
    """An experiment file for `lapicque fi` (inputs are replaced by the sweep)."""
    lines = [f'title = "fi_vs_brian2: {model}, {method}"',
             f"duration = {DURATION_MS:g}  # ms", f"dt = {DT_MS:g}  # ms",
             f'method = "{method}"', "", "[neuron]", f'model = "{model}"']
    if model == "lif":
        p = LIF
        lines += [f"C_m = {p['C_m']:g}", f"g_L = {p['g_L']:g}", f"E_L = {p['E_L']:g}",
                  f"V_th = {p['V_th']:g}", f"V_reset = {p['V_reset']:g}",
                  f"t_ref = {p['t_ref']:g}", f"V_m = {p['E_L']:g}"]
    else:
        p = ADEX  # lapicque calls the exponential threshold V_T "V_th"
        lines += [f"C_m = {p['C_m']:g}", f"g_L = {p['g_L']:g}", f"E_L = {p['E_L']:g}",
                  f"V_th = {p['V_T']:g}", f"Delta_T = {p['Delta_T']:g}", f"a = {p['a']:g}",
                  f"tau_w = {p['tau_w']:g}", f"b = {p['b']:g}", f"V_reset = {p['V_reset']:g}",
                  f"V_peak = {p['V_peak']:g}", "t_ref = 0", f"V_m = {p['E_L']:g}", "w = 0"]
    return "\n".join(lines) + "\n"


def run_lapicque_once(args, toml_path, out_csv, env):
    """One timed `lapicque fi` run: (wall seconds, simulation seconds)."""
    cmd = [args.lapicque, "fi", toml_path, "--from", f"{args.currents[0]:g}",
           "--to", f"{args.currents[-1]:g}", "--step", f"{args.step_pA:g}", "--out", out_csv, "--timing"]
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"lapicque failed ({' '.join(cmd)}):\n{done.stderr}")
    sim = None
    for field in done.stderr.split():
        if field.startswith("simulation_seconds="):
            sim = float(field.split("=", 1)[1])
    if sim is None:
        sys.exit(f"lapicque printed no simulation_seconds= (is --timing supported?):\n{done.stderr}")
    return wall, sim


def read_lapicque_csv(path):
    """{current: (rate_hz, count_rate_hz)} from a `lapicque fi` CSV file."""
    rows = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            rows[round(float(row["I_pA"]), 6)] = (float(row["rate_hz"]), float(row["count_rate_hz"]))
    return rows


def measure_lapicque(args, work, model, method, threads, quiet):
    """Times one lapicque variant; returns a result record."""
    toml_path = os.path.join(work, f"{model}_{method}.toml")
    with open(toml_path, "w") as f:
        f.write(lapicque_toml(model, method))
    out_csv = os.path.join(work, f"lapicque_{model}_{method}_{threads or 'default'}.csv")
    env = dict(os.environ)
    if threads:
        env["OMP_NUM_THREADS"] = str(threads)
    quiet.check()
    walls, sims = [], []
    wall, sim = run_lapicque_once(args, toml_path, out_csv, env)
    walls.append(wall)
    sims.append(sim)
    for _ in range(runs_for(wall, args) - 1):
        quiet.check()
        wall, sim = run_lapicque_once(args, toml_path, out_csv, env)
        walls.append(wall)
        sims.append(sim)
    label = "lapicque" + (f" ({threads} thread)" if threads else f" ({os.cpu_count()} threads)")
    return dict(model=model, tool="lapicque", mode=label, method=method, threads=threads,
                whole=walls, sim=sims, rates=read_lapicque_csv(out_csv))


# ----------------------------------------------------------------------------- Brian2 side

def brian2_worker(spec):
    """Runs in a fresh interpreter: builds and runs the Brian2 sweep, writes JSON results.

    spec: dict with mode ('runtime' | 'standalone'), model, method, currents, warm_runs,
    builds, workdir, launch_time (time.time() just before the parent started us), out.
    """
    import warnings
    warnings.simplefilter("ignore")  # pythran/numpy FutureWarnings on import
    import brian2 as b2
    import numpy as np
    import_s = time.time() - spec["launch_time"]  # interpreter start-up + import brian2

    b2.prefs.logging.file_log = False
    currents = np.asarray(spec["currents"], dtype=float)

    def sweep():
        """Builds the population and runs 1 s.

        Returns (rates [Hz], seconds from building to rates, state updater's code-object class,
        per-neuron flags of diverged integration)."""
        start = time.perf_counter()
        b2.start_scope()
        b2.defaultclock.dt = DT_MS * b2.ms
        if spec["model"] == "lif":
            p = LIF
            namespace = dict(C_m=p["C_m"] * b2.pF, g_L=p["g_L"] * b2.nS, E_L=p["E_L"] * b2.mV,
                             V_th=p["V_th"] * b2.mV, V_reset=p["V_reset"] * b2.mV)
            equations = """
                dv/dt = (-g_L*(v - E_L) + I) / C_m : volt (unless refractory)
                I : amp (constant)
            """
            group = b2.NeuronGroup(len(currents), equations, threshold="v >= V_th",
                                   reset="v = V_reset", refractory=p["t_ref"] * b2.ms,
                                   method=spec["method"], namespace=namespace, name="neurons")
            group.v = p["E_L"] * b2.mV
        else:
            p = ADEX
            namespace = dict(C_m=p["C_m"] * b2.pF, g_L=p["g_L"] * b2.nS, E_L=p["E_L"] * b2.mV,
                             V_T=p["V_T"] * b2.mV, Delta_T=p["Delta_T"] * b2.mV,
                             a=p["a"] * b2.nS, tau_w=p["tau_w"] * b2.ms, b=p["b"] * b2.pA,
                             V_reset=p["V_reset"] * b2.mV, V_peak=p["V_peak"] * b2.mV)
            equations = """
                dv/dt = (-g_L*(v - E_L) + g_L*Delta_T*exp((v - V_T)/Delta_T) - w + I) / C_m : volt
                dw/dt = (a*(v - E_L) - w) / tau_w : amp
                I : amp (constant)
            """
            group = b2.NeuronGroup(len(currents), equations, threshold="v > V_peak",
                                   reset="v = V_reset; w += b", method=spec["method"],
                                   namespace=namespace, name="neurons")
            group.v = p["E_L"] * b2.mV
            group.w = 0 * b2.pA
        group.I = currents * b2.pA
        monitor = b2.SpikeMonitor(group, name="spikes")
        network = b2.Network(group, monitor)
        network.run(DURATION_MS * b2.ms)
        rates = np.asarray(monitor.count[:], dtype=float) / (DURATION_MS / 1000.0)
        seconds = time.perf_counter() - start
        # Outside the timed span: neurons whose integration blew up, by Brian2's own test for
        # its "invalid values" warning (NaN or |x| > 1e50 in a variable with an ODE).
        diverged = np.zeros(len(currents), dtype=bool)
        for name in group.equations.diff_eq_names:
            values = np.asarray(group.state(name, use_units=False)[:], dtype=float)
            diverged |= np.isnan(values) | (np.abs(values) > 1e50)
        codeobj = getattr(group.state_updater, "codeobj", None)
        return rates, seconds, type(codeobj).__name__ if codeobj is not None else "?", diverged

    result = dict(import_s=import_s, runs=[])
    if spec["mode"] == "runtime":
        # An empty Cython cache: the first run really compiles.
        b2.prefs.codegen.runtime.cython.cache_dir = os.path.join(spec["workdir"], "cython_cache")
        rates, seconds, codeobj, diverged = sweep()
        result["cold"] = dict(whole_in_process=seconds, sim=b2.device._last_run_time)
        result["codeobject"] = codeobj
        for _ in range(spec["warm_runs"]):
            rates, seconds, _, diverged = sweep()
            result["runs"].append(dict(whole_in_process=seconds, sim=b2.device._last_run_time))
    else:
        for k in range(spec["builds"]):
            directory = os.path.join(spec["workdir"], f"build{k}")
            if k == 0:
                b2.set_device("cpp_standalone", directory=directory, build_on_run=True)
            else:
                b2.device.reinit()
                b2.device.activate(directory=directory, build_on_run=True)
            rates, seconds, codeobj, diverged = sweep()
            timers = b2.device.timers
            result["runs"].append(dict(
                whole_in_process=seconds, sim=b2.device._last_run_time,
                make=timers.get("compile", {}).get("make"), binary=timers.get("run_binary")))
            result["codeobject"] = codeobj
            result["project"] = directory
    result["rates"] = [float(r) for r in rates]
    result["diverged"] = [float(c) for c, bad in zip(currents, diverged) if bad]
    with open(spec["out"], "w") as f:
        json.dump(result, f)


def run_brian2_worker(spec):
    """Starts a worker process and returns its JSON result."""
    spec = dict(spec, launch_time=time.time())
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", json.dumps(spec)]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"Brian2 worker failed ({spec['mode']}, {spec['model']}, {spec['method']}):\n"
                 f"{done.stdout[-3000:]}\n{done.stderr[-6000:]}")
    with open(spec["out"]) as f:
        return json.load(f)


def rerun_standalone_binary(project):
    """Runs a compiled Brian2 standalone `main` again: (process wall s, Network loop s)."""
    start = time.perf_counter()
    done = subprocess.run(["./main"], cwd=project, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"standalone binary failed in {project}:\n{done.stderr}")
    with open(os.path.join(project, "results", "last_run_info.txt")) as f:
        loop_s, fraction = (float(x) for x in f.read().split())
    if fraction != 1.0:
        sys.exit(f"standalone run in {project} did not complete (fraction {fraction})")
    return wall, loop_s


def measure_brian2(args, work, model, method, mode, quiet):
    """Times one Brian2 variant; returns a result record."""
    workdir = tempfile.mkdtemp(prefix=f"b2_{mode}_{model}_{method}_", dir=work)
    spec = dict(mode=mode, model=model, method=method, currents=args.currents, workdir=workdir,
                out=os.path.join(workdir, "result.json"),
                # warm runtime runs are cheap (in-process): give them the sub-second count
                warm_runs=max(args.runs, args.slow_runs), builds=args.slow_runs)
    quiet.check()
    res = run_brian2_worker(spec)
    record = dict(model=model, tool="brian2", method=method, import_s=res["import_s"],
                  codeobject=res.get("codeobject"), diverged=res["diverged"],
                  rates={round(c, 6): r for c, r in zip(args.currents, res["rates"])})
    runs = res["runs"]
    # "whole command" as a fresh process would see it: start-up + import + this run's work.
    record["whole"] = [res["import_s"] + r["whole_in_process"] for r in runs]
    if mode == "runtime":
        target = "cython" if res.get("codeobject") == "CythonCodeObject" else res.get("codeobject")
        record["mode"] = f"Brian2 runtime ({target}, warm)"
        record["sim"] = [r["sim"] for r in runs]
        record["cold_whole"] = res["import_s"] + res["cold"]["whole_in_process"]
        record["cold_sim"] = res["cold"]["sim"]
    else:
        record["mode"] = "Brian2 cpp_standalone"
        record["make"] = [r["make"] for r in runs if r["make"] is not None]
        # Simulation alone: run the last build's binary again, directly.
        walls, loops = [], []
        quiet.check()
        wall, loop_s = rerun_standalone_binary(res["project"])
        walls.append(wall)
        loops.append(loop_s)
        for _ in range(runs_for(wall, args) - 1):
            quiet.check()
            wall, loop_s = rerun_standalone_binary(res["project"])
            walls.append(wall)
            loops.append(loop_s)
        record["sim"] = loops
        record["binary"] = walls
        record["build_loop"] = [r["sim"] for r in runs]  # loop time seen during the builds
    return record


# ----------------------------------------------------------------------------- report

def machine_info(args):
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    versions = subprocess.run(
        [sys.executable, "-W", "ignore", "-c",
         "import brian2, numpy, Cython; print(brian2.__version__, numpy.__version__, Cython.__version__, "
         "' '.join(brian2.prefs.codegen.cpp.extra_compile_args_gcc))"],
        capture_output=True, text=True).stdout.split(maxsplit=3)
    commit = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip() or "?"
    dirty = subprocess.run(["git", "-C", REPO, "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    gxx = subprocess.run(["g++", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    print("machine")
    print(f"  CPU          {cpu}")
    print(f"  cores        {os.cpu_count()} (os.cpu_count); load average {os.getloadavg()[0]:.2f}")
    print(f"  OS / Python  {platform.platform()} / Python {platform.python_version()} ({sys.executable})")
    print(f"  Brian2 {versions[0] if versions else '?'}, numpy {versions[1] if len(versions) > 1 else '?'}, "
          f"Cython {versions[2] if len(versions) > 2 else '?'}; {gxx}")
    print(f"  flags        Brian2 C++ (Cython and standalone): {versions[3].strip() if len(versions) > 3 else '?'}; "
          f"lapicque: its CMake Release build (-O3 -march=native, OpenMP)")
    built = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(os.path.getmtime(args.lapicque)))
    print(f"  lapicque     {args.lapicque} (built {built}) at commit {commit}"
          f"{' (working tree has uncommitted changes)' if dirty else ''}")
    print()


def print_timing_table(records):
    print("timings: median [min-max] in seconds; whole command = the whole process "
          "(Brian2: start-up + import + build + compile + run + rates)")
    header = f"{'model':5} {'tool / mode':36} {'method':9} {'n':>3} {'whole command [s]':>28} {'simulation alone [s]':>28}"
    print(header)
    print("-" * len(header))
    for r in records:
        print(f"{r['model']:5} {r['mode']:36} {r['method']:9} {len(r['whole']):>3} "
              f"{fmt_summary(summary(r['whole'])):>28} {fmt_summary(summary(r['sim'])):>28}")
    print()
    for r in records:
        if r["tool"] != "brian2":
            continue
        extra = [f"import brian2 (with interpreter start-up) {r['import_s']:.2f} s",
                 f"state updater {r.get('codeobject')}"]
        if "cold_whole" in r:
            extra.append(f"first (cold, Cython compile) run: whole {r['cold_whole']:.2f} s, "
                         f"simulation {r['cold_sim']:.3f} s")
        if "make" in r and r["make"]:
            extra.append(f"make {fmt_summary(summary(r['make']))} s")
        if "binary" in r:
            extra.append(f"`main` re-run, whole process {fmt_summary(summary(r['binary']))} s; "
                         f"loop time during the builds {fmt_summary(summary(r['build_loop']))} s")
        if r["diverged"]:
            extra.append(f"DIVERGED for {len(r['diverged'])} neurons (see below)")
        print(f"  {r['model']} {r['mode']} {r['method']}: " + "; ".join(extra))
    print()


def print_ratio_table(records):
    """Brian2 times over lapicque times (above 1: lapicque is faster)."""
    lap = {(r["model"], r["method"], r["threads"]): r for r in records if r["tool"] == "lapicque"}
    med = lambda values: statistics.median(values)
    print("ratios (Brian2 / lapicque, medians; > 1 means lapicque is faster)")
    header = (f"{'model':5} {'Brian2 mode':22} {'B2 method':9} {'lapicque':18} "
              f"{'B2 sim / L whole':>17} {'B2 sim / L sim':>15} {'B2 whole / L whole':>19}")
    print(header)
    print("-" * len(header))
    for b in records:
        if b["tool"] != "brian2":
            continue
        mode = "runtime (warm)" if "runtime" in b["mode"] else "cpp_standalone"
        # Like with like first, then lapicque's default method for the model.
        methods = [b["method"]] + (["adaptive"] if b["model"] == "adex" else [])
        for method in methods:
            for threads in (None, 1):
                l = lap.get((b["model"], method, threads))
                if l is None:
                    continue
                name = f"{method}, {threads or os.cpu_count()} thr"
                b_method = b["method"] + ("*" if b["diverged"] else "")
                print(f"{b['model']:5} {mode:22} {b_method:9} {name:18} "
                      f"{med(b['sim']) / med(l['whole']):>17.3g} {med(b['sim']) / med(l['sim']):>15.3g} "
                      f"{med(b['whole']) / med(l['whole']):>19.3g}")
    if any(b["tool"] == "brian2" and b["diverged"] for b in records):
        print("* Brian2's integration diverged for some neurons (see the agreement section)")
    print()


def print_agreement(records, currents):
    """Max |rate difference| per current between the tools (and the lif closed form)."""
    print("agreement: max over currents of |rate difference| [Hz] (at current [pA]); "
          "Brian2 = spike count / 1 s")

    def worst(a, b):
        """Largest |a - b| over the sweep's currents, as text."""
        d, at = 0.0, None
        for c in currents:
            key = round(c, 6)
            diff = abs(a(key) - b(key))
            if at is None or diff > d:
                d, at = diff, c
        return f"{d:7.3f} (at {at:g})" if at is not None else "    -"

    lap = {(r["model"], r["method"]): r for r in records if r["tool"] == "lapicque" and r["threads"] is None}
    closed = lambda k: lif_closed_form_hz(k)
    for b in records:
        if b["tool"] != "brian2":
            continue
        mode = "runtime" if "runtime" in b["mode"] else "standalone"
        name = f"{b['model']:4} Brian2 {mode:10} {b['method']:5}"
        b_rate = lambda k, b=b: b["rates"][k]
        for method in [b["method"]] + (["adaptive"] if b["model"] == "adex" else []):
            l = lap.get((b["model"], method))
            if l is None:
                continue
            line = (f"  {name} vs lapicque {method:8}: rate_hz {worst(lambda k, l=l: l['rates'][k][0], b_rate)}"
                    f"   count_rate_hz {worst(lambda k, l=l: l['rates'][k][1], b_rate)}")
            print(line)
        if b["model"] == "lif":
            print(f"  {name} vs closed form        : {worst(closed, b_rate)}")
    for (model, method), l in lap.items():
        if model == "lif":
            print(f"  lif  lapicque {method} vs closed form  : rate_hz {worst(closed, lambda k, l=l: l['rates'][k][0])}"
                  f"   count_rate_hz {worst(closed, lambda k, l=l: l['rates'][k][1])}")
    # Brian2's two devices run the same generated code (compiled with the same flags).
    by_key = {}
    for b in records:
        if b["tool"] == "brian2":
            by_key.setdefault((b["model"], b["method"]), []).append(b)
    for (model, method), pair in by_key.items():
        if len(pair) == 2:
            print(f"  {model:4} Brian2 runtime vs standalone ({method}): "
                  f"{worst(lambda k: pair[0]['rates'][k], lambda k: pair[1]['rates'][k])}")
    for b in records:
        if b["tool"] == "brian2" and b["diverged"]:
            bad = b["diverged"]
            print(f"  WARNING {b['model']} {b['mode']} {b['method']}: the integration diverged (NaN or "
                  f"|x| > 1e50 at the end, Brian2's own test) for {len(bad)} of {len(currents)} neurons "
                  f"({min(bad):g}..{max(bad):g} pA; others may have blown up and come back: see the rate "
                  f"differences): the rates are wrong and the timing is of a broken run")
    print()


# ----------------------------------------------------------------------------- main

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5,
                        help="repetitions of measurements under a second (default 5)")
    parser.add_argument("--slow-runs", type=int, default=3,
                        help="repetitions of measurements of a second or more (default 3)")
    parser.add_argument("--quick", action="store_true",
                        help="smoke test: 20 currents (0..950 pA), 2 repetitions, no rk4")
    parser.add_argument("--no-rk4", action="store_true", help="skip the rk4 variants of adex")
    parser.add_argument("--lapicque", default=DEFAULT_LAPICQUE, help="the lapicque binary")
    parser.add_argument("--wait", type=float, default=120,
                        help="seconds to wait for other compilations to finish before starting")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        brian2_worker(json.loads(args.worker))
        return

    if not os.access(args.lapicque, os.X_OK):
        sys.exit(f"no lapicque binary at {args.lapicque} (use --lapicque PATH)")
    # The sweep: 0, 1, ..., 999 pA (quick: 0, 50, ..., 950 pA).
    args.step_pA = 50 if args.quick else 1
    args.currents = [float(c) for c in range(0, 1000, args.step_pA)]
    if args.quick:
        args.runs = args.slow_runs = 2
        args.no_rk4 = True
    started = time.perf_counter()

    machine_info(args)
    quiet = Quietness()
    if other_compilers_running():
        print(f"another compilation (cc1plus) is running; waiting up to {args.wait:g} s ...", flush=True)
        if not quiet.wait_until_quiet(args.wait):
            print("  still running: the timings below share the CPU with it (noisy)\n")

    work = tempfile.mkdtemp(prefix="fi_vs_brian2_")
    # Time a private copy: another developer may relink the build tree's binary meanwhile.
    snapshot = os.path.join(work, "lapicque")
    for attempt in range(30):
        try:
            shutil.copy2(args.lapicque, snapshot)
            if subprocess.run([snapshot, "--help"], capture_output=True).returncode == 0:
                break
        except OSError:
            pass
        time.sleep(2)  # being relinked right now
    else:
        sys.exit(f"could not take a working copy of {args.lapicque}")
    args.lapicque = snapshot
    print(f"sweep: {len(args.currents)} currents ({args.currents[0]:g}..{args.currents[-1]:g} pA), "
          f"{DURATION_MS:g} ms at dt = {DT_MS:g} ms; temporary files in {work}\n", flush=True)
    records = []
    try:
        # The runs of milliseconds first: right after seconds of load on both cores (the
        # adaptive and rk4 sweeps) this VM runs short jobs up to twice as slowly for a while.
        plan = [("lif", "exact")] + [("adex", m) for m in ("euler", "adaptive", "rk4")]
        for model, method in plan:
            if method == "rk4" and args.no_rk4:
                continue
            for threads in (None, 1):
                print(f"  lapicque {model} {method} threads={threads or 'default'} ...", flush=True)
                records.append(measure_lapicque(args, work, model, method, threads, quiet))
        brian_plan = [("lif", "exact"), ("adex", "euler")] + ([] if args.no_rk4 else [("adex", "rk4")])
        for model, method in brian_plan:
            for mode in ("runtime", "standalone"):
                print(f"  Brian2 {mode} {model} {method} ...", flush=True)
                records.append(measure_brian2(args, work, model, method, mode, quiet))
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print()

    print_timing_table(records)
    print_ratio_table(records)
    print_agreement(records, args.currents)
    noisy = quiet.busy_checks
    print(f"other compilations (pgrep -f cc1plus) seen at {noisy} of {quiet.checks} measurement starts"
          + (" -- timings are noisy" if noisy else ""))
    print(f"load average at the end {os.getloadavg()[0]:.2f}; this script took "
          f"{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
