"""The COBA, CUBA and Brunel networks of examples/ written for Brian2 (C++ standalone), with the
same parameters, initial conditions, delays and drive as the lapicque files.

Used by bench/networks_vs_brian2.py (speed, side by side) and, run as a script, to make the
reference rates and CVs the network tests read (tests/data/brian2_networks.csv):

    /usr/bin/python3 tests/reference/brian2_networks.py --seeds 10 --out tests/data/brian2_networks.csv

Units: ms, mV, nS, pF, Hz.
"""

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time

import numpy as np


def build(name, duration_ms, seed, threads, directory, brunel_state=(5.0, 2.0), scale=1.0):
    """Builds the standalone project of one network; returns (binary directory, monitors info)."""
    import brian2 as b

    b.set_device("cpp_standalone", directory=directory, build_on_run=False)
    b.prefs.devices.cpp_standalone.openmp_threads = threads
    b.prefs.codegen.cpp.extra_compile_args_gcc = ["-w", "-O3", "-ffast-math", "-march=native"]
    b.seed(seed)
    b.defaultclock.dt = 0.1 * b.ms
    ms, mV, nS, pF = b.ms, b.mV, b.nS, b.pF
    if name in ("coba", "cuba"):
        N_E, N_I = 3200, 800
        if name == "coba":
            # 200 pA during the first 50 ms start the network, as in examples/coba.toml
            eqs = """dv/dt = (g_L * (E_L - v) + g_E * (0*mV - v) + g_I * (-80*mV - v) + 200*pA*int(t < 50*ms)) / C_m : volt (unless refractory)
                     dg_E/dt = -g_E / (5*ms) : siemens
                     dg_I/dt = -g_I / (10*ms) : siemens"""
            ns = dict(g_L=10 * nS, E_L=-60 * mV, C_m=200 * pF)
            method = "exponential_euler"
        else:
            eqs = """dv/dt = (g_E + g_I - (v - E_L)) / (20*ms) : volt (unless refractory)
                     dg_E/dt = -g_E / (5*ms) : volt
                     dg_I/dt = -g_I / (10*ms) : volt"""
            ns = dict(E_L=-49 * mV)
            method = "exact"
        P = b.NeuronGroup(N_E + N_I, eqs, threshold="v > -50*mV", reset="v = -60*mV", refractory=5 * ms,
                          method=method, namespace=ns)
        if name == "coba":
            P.v = "-55*mV + 5*mV*randn()"
            P.g_E = "40*nS + 15*nS*randn()"
            P.g_I = "200*nS + 120*nS*randn()"
            w_E, w_I = "6*nS", "67*nS"
        else:
            P.v = "-60*mV + 10*mV*rand()"
            w_E, w_I = "1.62*mV", "-9*mV"
        Ce = b.Synapses(P[:N_E], P, on_pre="g_E += " + w_E, delay=0.1 * ms)
        Ci = b.Synapses(P[N_E:], P, on_pre="g_I += " + w_I, delay=0.1 * ms)
        Ce.connect(p=0.02)
        Ci.connect(p=0.02)
        groups = [("E", P[:N_E]), ("I", P[N_E:])]
        objects = [P, Ce, Ci]
    elif name == "brunel":
        g, eta = brunel_state
        N_E, N_I = int(10000 * scale), int(2500 * scale)
        C_E, C_I, J, tau, theta = 1000, 250, 0.1 * mV, 20 * ms, 20 * mV
        nu_ext = eta * theta / (J * C_E * tau)
        P = b.NeuronGroup(N_E + N_I, "dv/dt = -v / (20*ms) : volt (unless refractory)", threshold="v > 20*mV",
                          reset="v = 10*mV", refractory=2 * ms, method="exact")
        P.v = "20*mV*rand()"
        Ce = b.Synapses(P[:N_E], P, on_pre="v_post += 0.1*mV", delay=1.5 * ms)
        Ci = b.Synapses(P[N_E:], P, on_pre="v_post += %g*mV" % (-g * 0.1), delay=1.5 * ms)
        # Brian2 has no fixed in-degree rule: p = C / N gives the same mean in-degree.
        Ce.connect(p=C_E / N_E)
        Ci.connect(p=C_I / N_I)
        ext = b.PoissonInput(P, "v", N=C_E, rate=nu_ext, weight=J)
        groups = [("E", P[:N_E]), ("I", P[N_E:])]
        objects = [P, Ce, Ci, ext]
    else:
        raise ValueError(name)
    monitors = [(label, b.SpikeMonitor(group)) for label, group in groups]
    net = b.Network(objects + [m for _, m in monitors])
    net.run(duration_ms * ms)
    b.device.build(directory=directory, compile=True, run=False)
    synapses = [o for o in objects if isinstance(o, b.Synapses)]
    return monitors, synapses


def run_binary(directory):
    """Runs the built project; returns (wall seconds, simulation seconds, peak RSS MB).

    The peak is GNU time's: the rusage of a child of this interpreter would also hold the
    interpreter's own resident size (Linux keeps the parent's high-water mark across fork and exec),
    130 MB and more once Brian2 is imported."""
    start = time.perf_counter()
    process = subprocess.run(["/usr/bin/time", "-f", "%M", "./main"], cwd=directory, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    if process.returncode != 0:
        raise RuntimeError("Brian2's binary failed in " + directory + ": " + process.stderr)
    peak_kb = float(process.stderr.strip().splitlines()[-1])
    with open(os.path.join(directory, "results", "last_run_info.txt")) as f:
        sim = float(f.read().split()[0])
    return wall, sim, peak_kb / 1024.0


def spike_statistics(directory, monitors, duration_ms):
    """Mean rate [Hz] and mean CV of the ISIs per population, read from the run's results."""
    import brian2 as b

    b.get_device().has_been_run = True  # we ran its binary ourselves, to time it
    out = {}
    for label, monitor in monitors:
        i, t = np.asarray(monitor.i[:]), np.asarray(monitor.t[:] / b.ms)
        n = monitor.source.N
        rate = len(t) / (n * duration_ms * 1e-3)
        cvs = []
        order = np.lexsort((t, i))
        i, t = i[order], t[order]
        bounds = np.searchsorted(i, np.arange(n + 1))
        for k in range(n):
            train = t[bounds[k]:bounds[k + 1]]
            if len(train) >= 3:
                isi = np.diff(train)
                cvs.append(isi.std() / isi.mean())
        out[label] = (rate, float(np.mean(cvs)) if cvs else float("nan"))
    return out


def worker(args):
    """One network, one seed, one thread count, in a fresh interpreter (Brian2's device is global)."""
    import json

    directory = tempfile.mkdtemp(prefix="brian2_%s_" % args.network)
    started = time.perf_counter()
    monitors, synapse_groups = build(args.network, args.duration, args.seed, args.threads, directory,
                                     brunel_state=(args.g, args.eta), scale=args.scale)
    build_s = time.perf_counter() - started
    runs = [run_binary(directory) for _ in range(args.repeat)]
    wall, sim, rss = (float(np.median([r[k] for r in runs])) for k in range(3))
    stats = spike_statistics(directory, monitors, args.duration)
    n_synapses = int(sum(len(group.i[:]) for group in synapse_groups))
    print(json.dumps({"network": args.network, "seed": args.seed, "threads": args.threads, "directory": directory,
                      "wall_s": wall,
                      "sim_s": sim, "setup_s": wall - sim, "build_s": build_s, "peak_rss_mb": rss,
                      "n_synapses": n_synapses, "sim_s_all": [r[1] for r in runs],
                      "rates": {k: v[0] for k, v in stats.items()}, "cvs": {k: v[1] for k, v in stats.items()}}))


def run_worker(network, seed, threads, duration, g=5.0, eta=2.0, scale=1.0, repeat=1):
    import json

    command = [sys.executable, os.path.abspath(__file__), "--worker", network, "--seed", str(seed), "--threads",
               str(threads), "--duration", str(duration), "--g", str(g), "--eta", str(eta), "--scale", str(scale),
               "--repeat", str(repeat)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--duration", type=float, default=1000.0)
    parser.add_argument("--g", type=float, default=5.0)
    parser.add_argument("--eta", type=float, default=2.0)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=1, help="worker: runs of the built binary (median)")
    parser.add_argument("--seeds", type=int, default=10, help="reference: seeds per network")
    parser.add_argument("--out", default="tests/data/brian2_networks.csv")
    args = parser.parse_args()
    if args.worker:
        args.network = args.worker
        worker(args)
        return
    rows = []
    for network in ("coba", "cuba"):
        for seed in range(1, args.seeds + 1):
            r = run_worker(network, seed, 1, args.duration)
            for population in ("E", "I"):
                rows.append([network, seed, population, r["rates"][population], r["cvs"][population]])
            print(network, seed, r["rates"], r["cvs"], file=sys.stderr)
    with open(args.out, "w", newline="") as f:
        f.write("# Brian2 %s C++ standalone, dt 0.1 ms, %g ms, made by tests/reference/brian2_networks.py\n"
                % (__import__("brian2").__version__, args.duration))
        w = csv.writer(f)
        w.writerow(["network", "seed", "population", "rate_hz", "cv_isi"])
        w.writerows(rows)


if __name__ == "__main__":
    main()
