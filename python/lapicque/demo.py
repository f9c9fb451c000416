"""The seeds' curriculum as an illustrated report: ``python3 -m lapicque.demo [--out DIR]`` (or
``lapicque demo``) runs every experiment of the teaching material and writes DIR/index.html with
its figures beside it (PNG), one section per topic, each figure captioned with its equation, its
parameters and what to notice."""

import argparse
import html
import os
import sys
import time

import matplotlib

matplotlib.use("Agg")  # files only: no display needed

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import lapicque  # noqa: E402
from lapicque import plot as lp  # noqa: E402

from ._where import EXAMPLES  # noqa: E402

MODELS = ("lif", "alif", "adex")
INPUTS = ("constant", "sine", "step", "ramp", "noise")


def example(*parts):
    """The path of an experiment file of examples/."""
    return os.path.join(EXAMPLES, *parts)


class Report:
    """Figures and text, section by section; written out as one HTML page."""

    def __init__(self, directory, quiet=False):
        self.directory = directory
        self.quiet = quiet
        self.sections = []
        os.makedirs(directory, exist_ok=True)

    def section(self, title, intro):
        """Starts a section with its title and introduction (HTML)."""
        self.sections.append({"title": title, "intro": intro, "items": []})
        if not self.quiet:
            print(f"[{len(self.sections)}] {title}", flush=True)

    def say(self, text):
        """A line of the summary printed while the report is made."""
        if not self.quiet:
            print(f"    {text}", flush=True)

    def figure(self, fig, name, caption, wide=False):
        """Saves a matplotlib figure as NAME (PNG) beside the page, with its caption (HTML)."""
        path = os.path.join(self.directory, name)
        fig.savefig(path, dpi=90, bbox_inches="tight")
        plt.close(fig)
        self.sections[-1]["items"].append(("figure", name, caption, wide))

    def html(self, text):
        """Adds HTML (a table, a printout) to the current section."""
        self.sections[-1]["items"].append(("html", text))

    def write(self, seconds):
        """Writes index.html (complete or not at all); returns its path."""
        body = []
        toc = []
        for k, s in enumerate(self.sections, 1):
            anchor = f"s{k}"
            toc.append(f'<li><a href="#{anchor}">{html.escape(s["title"])}</a></li>')
            body.append(f'<section id="{anchor}"><h2>{k}. {html.escape(s["title"])}</h2><p>{s["intro"]}</p>')
            for item in s["items"]:
                if item[0] == "figure":
                    _, name, caption, wide = item
                    cls = ' class="wide"' if wide else ""
                    body.append(f'<figure{cls}><img src="{name}" alt="{html.escape(_plain(caption)[:120])}">'
                                f"<figcaption>{caption}</figcaption></figure>")
                else:
                    body.append(item[1])
            body.append("</section>")
        page = PAGE.format(toc="\n".join(toc), body="\n".join(body), seconds=seconds,
                           version=html.escape(lapicque.__name__))
        path = os.path.join(self.directory, "index.html")
        with open(path + ".part", "w", encoding="utf-8") as f:
            f.write(page)
        os.replace(path + ".part", path)  # never a half-written page
        return path


def _plain(text):
    import re
    return re.sub(r"<[^>]+>", "", text)


def _table(header, rows):
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    lines = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{lines}</tbody></table>"


def _rate(r):
    s = r.stats()
    return f"{s['count']} spikes, {s['rate_hz']:.1f} Hz"


# ---- the sections ---------------------------------------------------------------------------------

def first_neuron(report):
    report.section(
        "The first LIF neuron (seeds 000 and 003)",
        "A leaky membrane integrates its input current; at the threshold it fires a spike, is reset "
        "and stays refractory. Between spikes V(t) follows the membrane equation exactly "
        "(<code>method = \"exact\"</code>); seed 003's program uses forward Euler, reproduced step for step.")
    r = lapicque.run_file(example("seed000", "lif_action_potential.toml"), progress=False)
    report.say(f"seed 000: {_rate(r)}")
    report.figure(lp.membrane(r, title="LIF neuron, spikes drawn at +30 mV (seed 000)"), "seed000_membrane.png",
                  "<b>C<sub>m</sub> dV/dt = -g<sub>L</sub> (V - E<sub>L</sub>) + I</b>; C<sub>m</sub> 250 pF, "
                  "&tau;<sub>m</sub> 10 ms, E<sub>L</sub> -70 mV, V<sub>th</sub> -55 mV, V<sub>reset</sub> -70 mV, "
                  "t<sub>ref</sub> 2 ms; 200 pA on [20, 30) ms, then 450 pA on [80, 180) ms. "
                  "<i>Notice:</i> the short pulse is a graded potential that decays back to rest; the "
                  "sustained current charges the membrane to threshold again and again, each spike drawn at "
                  "+30 mV (display only), followed by the reset and 2 ms of refractory clamp.")
    silent = lapicque.run_file(example("seed003", "lif_rm_silent.toml"), progress=False)
    spiking = lapicque.run_file(example("seed003", "lif_rm_spiking.toml"), progress=False)
    report.say(f"seed 003: R_m I = 10 mV: {_rate(silent)}; 20 mV: {_rate(spiking)}")
    fig = plt.figure(figsize=(8, 3.4))
    ax = fig.add_subplot(1, 1, 1)
    for r, label in ((silent, "R_m I = 10 mV"), (spiking, "R_m I = 20 mV")):
        ax.plot(r.t, r.V_m, lw=1, label=f"{label}: {_rate(r)}")
    ax.axhline(-55, ls="--", color="grey", lw=0.8, label="V_T = -55 mV")
    ax.axhline(-60, ls=":", color="grey", lw=0.8, label="E_L + R_m I = -60 mV")
    ax.set_xlim(0, 200)
    ax.set_xlabel("t [ms]")
    ax.set_ylabel("V [mV]")
    ax.legend(fontsize=7, frameon=False, loc="lower right")
    ax.set_title("Seed 003's program (Euler, dt 0.1 ms), first 200 ms")
    report.figure(fig, "seed003_membrane.png",
                  "<b>&tau;<sub>m</sub> dV/dt = E<sub>L</sub> - V + R<sub>m</sub> I</b>, forward Euler at "
                  "&delta;t = 0.1 ms; E<sub>L</sub> -70 mV, &tau;<sub>m</sub> 10 ms, V<sub>T</sub> -55 mV, reset to "
                  "E<sub>L</sub>. <i>Notice:</i> with R<sub>m</sub> I = 10 mV (the program's r_i) V settles at "
                  "E<sub>L</sub> + R<sub>m</sub> I = -60 mV, below threshold, and the neuron never fires; 20 mV "
                  "takes it to -50 mV and it fires regularly.")
    text = lapicque._core.spike_train_text([spiking.spike_times.tolist()], spiking.steps, spiking.dt)
    text_silent = lapicque._core.spike_train_text([silent.spike_times.tolist()], silent.steps, silent.dt)
    report.html("<p>The program's own display, one character per 0.1 ms step (<code>|</code> a spike, "
                "<code>_</code> none), steps 121 to 160, as <code>lapicque run ... --raster</code> prints it:</p>"
                f"<pre>R_m I = 10 mV: {html.escape(text_silent[240:320])}\n"
                f"R_m I = 20 mV: {html.escape(text[240:320])}</pre>")


def normalised_lif(report):
    report.section(
        "The normalised LIF and its response curve G[J] (seed 002)",
        "With v<sub>th</sub> = 1 and reset 0, a constant input J gives a perfectly periodic spike train: "
        "the time to threshold has a closed form, and so has the rate, G[J]. Rate neurons replace the "
        "spikes by such a function; machine learning uses simpler ones.")
    report.figure(lp.response_curves(title="LIF response curves G[J]"), "seed002_response_curves.png",
                  "<b>G[J] = 1 / (&tau;<sub>ref</sub> - &tau;<sub>RC</sub> ln(1 - 1/J))</b> for J &gt; 1, else 0; "
                  "&tau;<sub>RC</sub> 20 and 50 ms, &tau;<sub>ref</sub> 1, 2 and 5 ms (seed 002's figure 4). "
                  "<i>Notice:</i> the rate rises steeply just above J = 1 and saturates at 1/&tau;<sub>ref</sub>; "
                  "a larger &tau;<sub>RC</sub> makes the curve flatter and closer to a ReLU.")
    curves = []
    for tau_ref in (1, 2, 5):
        c = lapicque.fi_curve_file(example("seed002", "lif_norm.toml"), lapicque.current_range(0, 5, 0.05),
                                   progress=False, neuron__tau_ref=tau_ref)
        curves.append(c)
        error = np.nanmax(np.abs(c.rate_hz - c.analytic_hz))
        report.say(f"tau_ref {tau_ref} ms: simulated against G[J], largest difference {error:.2e} Hz")
    fig = lp.fi_curves(curves, labels=[f"tau_ref {t} ms" for t in (1, 2, 5)],
                       title="Simulated normalised LIF (exact) against G[J], tau_rc 20 ms")
    report.figure(fig, "seed002_simulated.png",
                  "The normalised LIF <b>&tau;<sub>RC</sub> dv/dt = -v + J</b> simulated for 1 s under each "
                  "constant J (0 to 5 in steps of 0.05, all at once) with the exact method, beside G[J] "
                  "(dashed). <i>Notice:</i> the simulated rates lie on the closed form: spike times are found "
                  "inside the step and the refractory period is exact, so nothing is rounded to the grid.")
    report.figure(lp.nonlinearities(), "seed002_nonlinearities.png",
                  "Rate nonlinearities of artificial neurons beside the LIF: ReLU max(0, J), softplus "
                  "ln(1 + e<sup>J</sup>), logistic 1/(1 + e<sup>-J</sup>), tanh(J), and G[J] (&tau;<sub>RC</sub> 20 ms, "
                  "&tau;<sub>ref</sub> 2 ms). <i>Notice:</i> only G[J] has a threshold and saturates at a "
                  "physical rate; tanh even gives negative rates.", wide=True)


def adaptation(report):
    report.section(
        "LIF, adaptive LIF and AdEx under five inputs (seed 004)",
        "The report's three models with its parameters (V<sub>th</sub> -55 mV, V<sub>reset</sub> -75 mV, "
        "&tau;<sub>m</sub> 10 ms, g<sub>L</sub> 10 nS, V<sub>init</sub> -65 mV, E<sub>L</sub> -75 mV, "
        "t<sub>ref</sub> 2 ms, &Delta;<sub>T</sub> 1 mV, a 6 nS, b 10 pA; &tau;<sub>w</sub> = 100 ms, which the "
        "report does not give) under a constant, a sine, a step, a ramp and a noisy current, forward "
        "Euler at 0.1 ms for 400 ms as in its notebook.")
    results, titles, rows = [], [], []
    for model in MODELS:
        for kind in INPUTS:
            r = lapicque.run_file(example("seed004", f"{model}_{kind}.toml"), progress=False)
            results.append(r)
            titles.append(f"{model}, {kind}")
            s = r.stats()
            rows.append([model, kind, s["count"], f"{s['rate_hz']:.1f}",
                         "-" if np.isnan(s["mean_isi_ms"]) else f"{s['mean_isi_ms']:.2f}",
                         "-" if np.isnan(s["adaptation_index"]) else f"{s['adaptation_index']:.3f}"])
    report.say("15 experiments: " + ", ".join(f"{t} {r.stats()['count']}" for t, r in zip(titles, results)))
    report.figure(lp.gallery(results, titles, columns=5), "seed004_inputs.png",
                  "Rows: <b>lif</b> &tau;<sub>m</sub> dV/dt = -(V - E<sub>L</sub>) + I/g<sub>L</sub>; <b>alif</b> adds "
                  "-w/g<sub>L</sub> with &tau;<sub>w</sub> dw/dt = a (V - E<sub>L</sub>) - w and w += b at each spike; "
                  "<b>adex</b> adds &Delta;<sub>T</sub> exp((V - V<sub>th</sub>)/&Delta;<sub>T</sub>) and fires at "
                  "V<sub>peak</sub> 0 mV. Columns: I = 300 pA; 400 (sin t + 0.9) pA (t in ms); a step; 10 t pA; "
                  "white noise. <i>Notice:</i> the same input gives fewer and later spikes with adaptation; "
                  "under the step the LIF fires regularly while the adaptive models slow down; the AdEx "
                  "upswing is smooth where the LIF's reset is abrupt.", wide=True)
    report.html(_table(["model", "input", "spikes", "rate [Hz]", "mean ISI [ms]", "adaptation index"], rows))
    fig = plt.figure(figsize=(10, 3))
    for k, model in enumerate(("alif", "adex")):
        r = results[MODELS.index(model) * len(INPUTS) + INPUTS.index("step")]
        ax = fig.add_subplot(1, 2, k + 1)
        ax.plot(r.t, r.w, color="#6a3d9a")
        ax.vlines(r.spike_times, 0, np.max(r.w) * 0.08 + 1e-9, color=lp.SPIKE_COLOR, lw=0.6)
        ax.set_title(f"{model} under the step: adaptation current w", fontsize=9)
        ax.set_xlabel("t [ms]")
        ax.set_ylabel("w [pA]")
    fig.tight_layout()
    report.figure(fig, "seed004_adaptation.png",
                  "The adaptation current <b>w</b> under the step (ticks: spikes). <i>Notice:</i> each spike adds "
                  "b = 10 pA and the subthreshold coupling a (V - E<sub>L</sub>) adds more while V is depolarised; "
                  "w then decays with &tau;<sub>w</sub> = 100 ms, so the interval between spikes grows.", wide=True)
    curves = [lapicque.fi_curve_file(example("seed004", f"fi_{m}.toml"), lapicque.current_range(0, 1000, 10),
                                     skip=100, progress=False) for m in MODELS]
    for m, c in zip(MODELS, curves):
        report.say(f"f-I {m}: {c.rate_hz[-1]:.1f} Hz at 1000 pA")
    report.figure(lp.fi_curves(curves, labels=list(MODELS), title="f-I curves (rate after 100 ms)"),
                  "seed004_fi.png",
                  "Steady firing rate against constant current, 0 to 1000 pA in steps of 10 pA, after a 100 ms "
                  "transient; the LIF's closed form 1/(t<sub>ref</sub> + &tau;<sub>m</sub> ln((V<sub>&infin;</sub> - "
                  "V<sub>reset</sub>)/(V<sub>&infin;</sub> - V<sub>th</sub>))), V<sub>&infin;</sub> = E<sub>L</sub> + I/g<sub>L</sub>, "
                  "dashed. <i>Notice:</i> the rheobase is g<sub>L</sub> (V<sub>th</sub> - E<sub>L</sub>) = 200 pA for the "
                  "LIF; adaptation lowers and linearises the curve.")
    noisy = lapicque.Neuron("lif", V_th=-55, V_reset=-75, tau_m=10, g_L=10, E_L=-75, t_ref=2, V_m=-65)
    r = noisy.noise(mean=190, sigma=300).run(20000, dt=0.1, method="exact", record=["V_m"], progress=False)
    s = r.stats()
    report.say(f"noise-driven LIF: {s['count']} spikes in 20 s, CV {s['cv']:.2f}")
    report.figure(lp.isi_histogram(r, bins=40), "seed004_noise_isi.png",
                  "The LIF below rheobase (mean 190 pA) driven by white noise (&sigma; 300 pA &radic;ms) for 20 s: "
                  "the inter-spike intervals. <i>Notice:</i> fluctuations alone make it fire, irregularly "
                  f"(CV {s['cv']:.2f}, near 1 for a Poisson process).")


def hh_against_lif(report):
    report.section(
        "Hodgkin-Huxley against LIF under a ramp (seed 002, figure 3)",
        "A slowly rising current: the squid axon of Hodgkin and Huxley (1952) beside the normalised LIF.")
    hh = lapicque.run_file(example("seed002", "hh_ramp.toml"), progress=False)
    lif = lapicque.run_file(example("seed002", "lif_norm.toml"), progress=False)
    report.say(f"hh: {_rate(hh)}, first at {hh.stats()['first_spike_ms']:.1f} ms; lif_norm: {_rate(lif)}")
    report.figure(lp.membrane(hh, title="Hodgkin-Huxley under a ramp of 20 pA/ms"), "seed002_hh_ramp.png",
                  "<b>C<sub>m</sub> dV/dt = -g<sub>Na</sub> m<sup>3</sup>h (V - E<sub>Na</sub>) - g<sub>K</sub> n<sup>4</sup> "
                  "(V - E<sub>K</sub>) - g<sub>L</sub> (V - E<sub>L</sub>) + I</b>, 100 pF membrane (1 &mu;A/cm<sup>2</sup> = "
                  "100 pA), adaptive Dormand-Prince; a spike is an upward crossing of 0 mV. <i>Notice:</i> silent "
                  "at first, then spikes of fixed shape, ever faster as the current grows.")
    report.figure(lp.membrane(lif, title="normalised LIF under a ramp (J from 0 to 3 in 2 s)"),
                  "seed002_lif_ramp.png",
                  "<b>&tau;<sub>RC</sub> dv/dt = -v + J</b>, &tau;<sub>RC</sub> 20 ms, &tau;<sub>ref</sub> 2 ms, exact. "
                  "<i>Notice:</i> qualitatively the same: no spikes until J passes 1, then a rate that rises with "
                  "the input; what the LIF cannot show is the shape of the action potential.")


def beyond_lif(report):
    report.section(
        "Beyond the LIF: Izhikevich's twenty features and Naud's AdEx patterns (seed 002, figure 5)",
        "Two variables are enough for most of what cortical neurons do. Izhikevich (2004) shows twenty "
        "behaviours of v' = 0.04 v<sup>2</sup> + 5 v + 140 - u + I, u' = a (b v - u) (v &ge; 30 mV: v = c, "
        "u += d), with the parameters and stimuli of his figure1.m; Naud et al. (2008) sort the AdEx "
        "model's firing patterns.")
    features = lapicque.izhikevich_features()
    results = [f.run() for f in features]
    rows = [[f.panel, f.name, f"{f.spec['neuron']['a']:g}, {f.spec['neuron']['b']:g}, {f.spec['neuron']['c']:g}, "
             f"{f.spec['neuron']['d']:g}", r.stats()["count"], f.figure_spikes] for f, r in zip(features, results)]
    same = sum(1 for row in rows if row[3] == row[4])
    report.say(f"Izhikevich: {same} of 20 panels with figure1.m's spike count")
    report.figure(lp.gallery(results, [f"{f.panel}. {f.name}" for f in features], columns=5),
                  "izhikevich_gallery.png",
                  "Izhikevich (2004), figure 1, re-simulated: Euler at figure1.m's step, its stimuli beneath "
                  "(unitless input). <i>Notice:</i> one equation, twenty behaviours, chosen by (a, b, c, d) alone: "
                  "regular and bursting firing, latency, resonance, rebound, bistability, accommodation.", wide=True)
    report.html(_table(["panel", "feature", "a, b, c, d", "spikes", "figure1.m"], rows))
    patterns = lapicque.naud_patterns()
    runs = [p.run() for p in patterns]
    labels = [lapicque.classify_firing_pattern(r.spike_times, 0, 600) for r in runs]
    report.say("Naud: " + ", ".join(f"{p.label} -> {lab}" for p, lab in zip(patterns, labels)))
    report.figure(lp.gallery(runs, [f"{p.label} ({p.current:g} pA)" for p in patterns], columns=4),
                  "naud_patterns.png",
                  "AdEx <b>C dV/dt = -g<sub>L</sub>(V - E<sub>L</sub>) + g<sub>L</sub>&Delta;<sub>T</sub> exp((V - V<sub>T</sub>)/&Delta;<sub>T</sub>) "
                  "- w + I</b>, <b>&tau;<sub>w</sub> dw/dt = a (V - E<sub>L</sub>) - w</b>, with Naud et al.'s eight parameter "
                  "sets (&Delta;<sub>T</sub> 2 mV, V<sub>T</sub> -50 mV, spike at 0 mV), Euler at 0.1 ms for 600 ms. "
                  "<i>Notice:</i> the same model, tonic to irregular, by the adaptation parameters a, b, "
                  "&tau;<sub>w</sub> and the reset V<sub>r</sub>.", wide=True)
    report.html(_table(["pattern (Naud et al.)", "current [pA]", "spikes", "Brian2's spikes", "classifier says"],
                       [[p.label, f"{p.current:g}", r.stats()["count"], p.brian2_spikes, lab]
                        for p, r, lab in zip(patterns, runs, labels)]))


def euler_and_exact(report):
    report.section(
        "Euler against exact integration",
        "The seeds integrate with forward Euler. For the LIF the exact solution is known, so the error of "
        "Euler can be seen directly.")
    neuron = lapicque.Neuron("lif", V_th=-55, V_reset=-75, tau_m=10, g_L=10, E_L=-75, t_ref=2, V_m=-65)
    neuron.constant(300)
    report.figure(lp.euler_vs_exact(neuron, dts=(1.0, 0.5, 0.1, 0.01), duration=100), "euler_vs_exact.png",
                  "Seed 004's LIF under 300 pA for 100 ms: forward Euler at dt = 1, 0.5, 0.1 and 0.01 ms beside the "
                  "exact solution, and the largest error of V before the first spike against dt. <i>Notice:</i> "
                  "the error falls in proportion to dt (first order); spike times drift with it, so Euler needs a "
                  "small step where the exact method takes any.", wide=True)


def build(directory, quiet=False):
    """Runs the curriculum and writes ``directory``/index.html; returns its path."""
    start = time.monotonic()
    report = Report(directory, quiet)
    for part in (first_neuron, normalised_lif, adaptation, hh_against_lif, beyond_lif, euler_and_exact):
        part(report)
    return report.write(time.monotonic() - start)


def main(argv=None):
    """The command `lapicque demo` / `python3 -m lapicque.demo [--out DIR] [--quiet]`."""
    parser = argparse.ArgumentParser(prog="lapicque demo", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="report", help="directory of the report (default: report)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only where the report is")
    args = parser.parse_args(argv)
    try:
        path = build(args.out, args.quiet)
    except (lapicque.ParameterError, lapicque.SimulationError, OSError) as error:
        print(f"lapicque demo: error: {error}", file=sys.stderr)
        return 2
    print(f"report: {os.path.abspath(path)}")
    return 0


PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>lapicque: the integrate-and-fire curriculum</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 1150px; margin: 2em auto;
       padding: 0 1em; color: #222; line-height: 1.45; }}
h1 {{ font-size: 1.7em; margin-bottom: 0.2em; }}
h2 {{ border-bottom: 1px solid #ddd; padding-bottom: 0.2em; margin-top: 2em; }}
figure {{ display: inline-block; vertical-align: top; width: 48%; margin: 0.8em 0.5%; }}
figure.wide {{ width: 98%; }}
figure img {{ width: 100%; height: auto; border: 1px solid #eee; }}
figcaption {{ font-size: 0.9em; color: #444; }}
pre {{ background: #f6f6f6; padding: 0.6em; overflow-x: auto; font-size: 0.85em; }}
table {{ border-collapse: collapse; font-size: 0.85em; margin: 0.8em 0; }}
th, td {{ border: 1px solid #ddd; padding: 0.2em 0.6em; text-align: left; }}
th {{ background: #f3f3f3; }}
.note {{ color: #666; font-size: 0.85em; }}
</style>
</head>
<body>
<h1>lapicque: the integrate-and-fire curriculum</h1>
<p>Every experiment of the teaching material, run again by lapicque and drawn with matplotlib. Units:
time in ms, potential in mV, current in pA, conductance in nS, capacitance in pF, rates in Hz. Each
experiment file named here is in <code>examples/</code> and runs with <code>lapicque run FILE</code>.</p>
<ol>
{toc}
</ol>
{body}
<p class="note">Written by <code>lapicque demo</code> in {seconds:.1f} s.</p>
</body>
</html>
"""

if __name__ == "__main__":
    sys.exit(main())
