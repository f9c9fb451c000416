#!/usr/bin/python3
"""COBA, CUBA and Brunel side by side: lapicque against Brian2's C++ standalone mode on the same
machine, in the same run, with the same models (examples/*.toml and tests/reference/brian2_networks.py).

For each benchmark and thread count it prints setup time, simulation time (medians of --runs runs
of each simulator, the runs of both simulators and thread counts alternated; Brian2's binary is
compiled once per configuration and its compile time is not counted), peak memory, bytes per synapse, mean rates and the ratio Brian2 / lapicque of the
simulation times, then the 2-thread speed-up of each, then the machine's own ceiling for two
threads (a 1-thread run alone against two independent 1-thread runs at once, one per core: what
the cores and memory allow, whatever the program), then lapicque's Brunel scale series.

    /usr/bin/python3 bench/networks_vs_brian2.py --lapicque build/apps/lapicque [--runs 3]
        [--threads 1 2] [--benchmarks coba cuba brunel] [--scales 1 5 10] [--no-brian2]

Units: seconds, MB, Hz.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "reference"))
import brian2_networks  # noqa: E402  (the Brian2 side of every benchmark)


def run_lapicque(binary, benchmark, threads, duration, runs, sets=(), prefix=()):
    """Medians over `runs` runs of lapicque run: setup_s, sim_s, peak_rss_mb and the summary.
    `prefix`: words before the command (taskset)."""
    out = tempfile.mkdtemp(prefix="lapicque_%s_" % benchmark)
    summaries = []
    for _ in range(runs):
        command = list(prefix) + [binary, "run", os.path.join(ROOT, "examples", benchmark + ".toml"), "--threads", str(threads),
                   "--out", out, "-q", "--set", "duration=%g" % duration]
        for s in sets:
            command += ["--set", s]
        subprocess.run(command, check=True)
        with open(os.path.join(out, "summary.json")) as f:
            summaries.append(json.load(f))
    median = {k: statistics.median(s[k] for s in summaries) for k in ("setup_s", "sim_s", "peak_rss_mb")}
    median["sim_s_all"] = [s["sim_s"] for s in summaries]
    median["summary"] = summaries[-1]
    return median


def concurrent_single_threads(binary, benchmark, duration, runs):
    """The machine's own ceiling for two threads, from 1-thread runs held on one CPU each: alone on
    CPU 0, alone on CPU 1, and two started together (one on each CPU). Medians per CPU.

    Two threads with equal shares wait for the slower CPU: at most 2 x (the faster alone) / (the
    slower together). Shares matched to each CPU's speed would reach (the faster alone) x
    (1 / CPU 0 together + 1 / CPU 1 together). On a machine whose CPUs are alike and do not slow
    each other, both are 2. (Pooling the runs of both CPUs into one median, as this script once
    did, hid a CPU 27-47% slower than the other on this project's VM on 2026-12-07.)"""
    def run_on(cpu):
        return run_lapicque(binary, benchmark, 1, duration, 1, prefix=("taskset", "-c", str(cpu)))["sim_s"]

    alone = {0: [], 1: []}
    together = {0: [], 1: []}
    for _ in range(runs):
        for cpu in (0, 1):
            alone[cpu].append(run_on(cpu))
        outs = [tempfile.mkdtemp(prefix="lapicque_pair_") for _ in range(2)]
        procs = [subprocess.Popen(["taskset", "-c", str(k), binary, "run",
                                   os.path.join(ROOT, "examples", benchmark + ".toml"), "--threads", "1", "--out",
                                   outs[k], "-q", "--set", "duration=%g" % duration]) for k in range(2)]
        for p in procs:
            if p.wait() != 0:
                sys.exit("lapicque failed in the concurrent runs")
        for k, out in enumerate(outs):
            with open(os.path.join(out, "summary.json")) as f:
                together[k].append(json.load(f)["sim_s"])
    return ({cpu: statistics.median(v) for cpu, v in alone.items()},
            {cpu: statistics.median(v) for cpu, v in together.items()})


def rates_text(rates):
    return " ".join("%s %.2f" % (k, v) for k, v in sorted(rates.items()))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lapicque", default=os.path.join(ROOT, "build", "apps", "lapicque"))
    parser.add_argument("--benchmarks", nargs="+", default=["coba", "cuba", "brunel"])
    parser.add_argument("--threads", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--duration", type=float, default=1000.0, help="[ms] simulated")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scales", nargs="*", type=float, default=[1, 5, 10], help="Brunel scale series")
    parser.add_argument("--no-brian2", action="store_true")
    args = parser.parse_args()

    print("machine: %s, %d cores" % (open("/proc/cpuinfo").read().split("model name")[1].split("\n")[0].strip(": "),
                                     os.cpu_count()))
    print("%-7s %2s | %-42s | %-42s | %s" % ("bench", "th", "lapicque setup/sim [s], RSS [MB], B/syn, rates",
                                            "Brian2 setup/sim [s], RSS [MB], RSS/syn, rates", "Brian2/lapicque sim"))
    sims = {}
    for benchmark in args.benchmarks:
        # Brian2's binaries are built first; then every run of each simulator at each thread count
        # alternates with the others, so that the machine's drifts (its speed moves by a fifth
        # within minutes) fall on all of them alike.
        built = {}
        if not args.no_brian2:
            for threads in args.threads:
                built[threads] = brian2_networks.run_worker(benchmark, 1, threads, args.duration, repeat=1)
        ours_runs = {threads: [] for threads in args.threads}
        theirs_runs = {threads: [] for threads in args.threads}
        for _ in range(args.runs):
            for threads in args.threads:
                ours_runs[threads].append(run_lapicque(args.lapicque, benchmark, threads, args.duration, 1))
                if threads in built:
                    theirs_runs[threads].append(brian2_networks.run_binary(built[threads]["directory"]))
        for threads in args.threads:
            runs = ours_runs[threads]
            ours = {k: statistics.median(r[k] for r in runs) for k in ("setup_s", "sim_s", "peak_rss_mb")}
            s = runs[-1]["summary"]
            our_rates = {k: v["rate_hz"] for k, v in s["populations"].items()}
            left = "%.3f/%.3f, %.0f, %.2f, %s" % (ours["setup_s"], ours["sim_s"], ours["peak_rss_mb"],
                                                 s["bytes_per_synapse"], rates_text(our_rates))
            sims[(benchmark, threads, "lapicque")] = ours["sim_s"]
            right, ratio, theirs_text = "-", "", ""
            if threads in built:
                b = built[threads]
                wall, sim, rss = (statistics.median(r[k] for r in theirs_runs[threads]) for k in range(3))
                sims[(benchmark, threads, "brian2")] = sim
                right = "%.3f/%.3f, %.0f, %.1f, %s" % (wall - sim, sim, rss, rss * 1e6 / max(1, b["n_synapses"]),
                                                      rates_text(b["rates"]))
                ratio = "%.2fx" % (sim / ours["sim_s"])
                theirs_text = "; Brian2: %s" % " ".join("%.3f" % r[1] for r in theirs_runs[threads])
            print("%-7s %2d | %-42s | %-42s | %s" % (benchmark, threads, left, right, ratio), flush=True)
            print("          sim runs, lapicque: %s%s" % (" ".join("%.3f" % r["sim_s"] for r in runs), theirs_text))
    if 1 in args.threads and 2 in args.threads:
        for benchmark in args.benchmarks:
            for who in ("lapicque", "brian2"):
                if (benchmark, 1, who) in sims:
                    print("%-7s %-8s 2 threads vs 1: %.2fx" % (benchmark, who,
                                                               sims[(benchmark, 1, who)] / sims[(benchmark, 2, who)]))
        print("The machine's ceiling: medians of 1-thread runs held on one CPU, alone and two at once (one per CPU):")
        for benchmark in args.benchmarks:
            alone, together = concurrent_single_threads(args.lapicque, benchmark, args.duration, args.runs)
            best = min(alone.values())
            print("%-7s alone CPU 0 %.3f s, CPU 1 %.3f s; together CPU 0 %.3f s, CPU 1 %.3f s: 2 threads at most "
                  "%.2fx with equal shares, %.2fx with shares by speed" %
                  (benchmark, alone[0], alone[1], together[0], together[1], 2 * best / max(together.values()),
                   best * sum(1 / t for t in together.values())), flush=True)
            # (The 1-thread runs above are left to the scheduler, which may put them on the slower CPU.)
            print("%-7s lapicque 2 threads vs 1 thread on the faster CPU alone: %.2fx" %
                  (benchmark, best / sims[(benchmark, 2, "lapicque")]), flush=True)
    if args.scales and "brunel" in args.benchmarks:
        print("Brunel scale series (lapicque, same in-degrees, %g ms, %d thread(s)):" % (args.duration,
                                                                                   max(args.threads)))
        for scale in args.scales:
            sets = ["population[0].size=%d" % int(10000 * scale), "population[1].size=%d" % int(2500 * scale)]
            r = run_lapicque(args.lapicque, "brunel", max(args.threads), args.duration, 1, sets)
            s = r["summary"]
            print("  %4gx: %7d neurons, %10d synapses: setup %.2f s, sim %.2f s, peak RSS %.0f MB, %.2f B/syn, "
                  "E %.2f Hz" % (scale, s["n_neurons"], s["n_synapses"], r["setup_s"], r["sim_s"], r["peak_rss_mb"],
                                 s["bytes_per_synapse"], s["populations"]["E"]["rate_hz"]), flush=True)


if __name__ == "__main__":
    main()
