"""The Python module against the command line (the same core must give the same numbers), its
errors, and the shapes and units of what it returns."""

import csv
import json
import math
import subprocess

import numpy as np
import pytest

import lapicque


def cli_run(binary, path, out, *settings):
    args = [binary, "run", str(path), "--out", str(out), "-q"]
    for s in settings:
        args += ["--set", s]
    subprocess.run(args, check=True)
    spikes = np.loadtxt(out / "spikes.csv", delimiter=",", skiprows=1, ndmin=2)
    with open(out / "trace.csv") as f:
        header = next(csv.reader(f))
    trace = np.loadtxt(out / "trace.csv", delimiter=",", skiprows=1, ndmin=2)
    summary = json.load(open(out / "summary.json"))
    return spikes, dict(zip(header, trace.T)), summary


@pytest.mark.parametrize("name", ["seed004/lif_constant.toml", "seed004/alif_noise.toml", "seed004/adex_sine.toml",
                                  "seed003/lif_rm_spiking.toml", "seed002/hh_ramp.toml"])
def test_run_file_equals_the_command_line(name, examples, lapicque_binary, tmp_path):
    spikes, trace, summary = cli_run(lapicque_binary, examples / name, tmp_path)
    r = lapicque.run_file(examples / name)
    # The files hold shortest round-trip decimals: read back, they are the same doubles.
    assert np.array_equal(r.spike_times, spikes[:, 1] if spikes.size else np.empty(0))
    assert np.array_equal(r.t, trace["t_ms"])
    for column in trace:
        if column != "t_ms":
            assert np.array_equal(r[column], trace[column]), column
    assert {k: v for k, v in r.summary.items() if k != "experiment"} == \
           {k: v for k, v in summary.items() if k != "experiment"}


def test_overrides_equal_set(examples, lapicque_binary, tmp_path):
    path = examples / "seed004" / "lif_noise.toml"
    spikes, trace, _ = cli_run(lapicque_binary, path, tmp_path, "seed=3", "neuron.tau_m=12",
                               "input[0].sigma=150")
    r = lapicque.run_file(path, seed=3, neuron__tau_m=12, set={"input[0].sigma": 150})
    assert r.parameters["tau_m"] == 12
    assert np.array_equal(r.spike_times, spikes[:, 1])
    assert np.array_equal(r.V_m, trace["V_m"])


def test_fi_curve_file_equals_lapicque_fi(examples, lapicque_binary, tmp_path):
    path = examples / "seed004" / "fi_adex.toml"
    out = tmp_path / "fi.csv"
    subprocess.run([lapicque_binary, "fi", str(path), "--from", "0", "--to", "1000", "--step", "50", "--skip",
                    "100", "--out", str(out)], check=True)
    table = np.genfromtxt(out, delimiter=",", names=True)
    c = lapicque.fi_curve_file(path, lapicque.current_range(0, 1000, 50), skip=100)
    assert np.array_equal(c.I, table["I_pA"])
    assert np.array_equal(c.rate_hz, table["rate_hz"])
    assert np.array_equal(c.count_rate_hz, table["count_rate_hz"])
    assert c.analytic_hz is None  # adex has no closed form


def test_a_neuron_built_in_python_equals_its_experiment_file(examples):
    from_file = lapicque.run_file(examples / "seed004" / "lif_sine.toml")
    n = lapicque.Neuron("lif", V_th=-55, V_reset=-75, tau_m=10, g_L=10, V_m=-65, E_L=-75, t_ref=2)
    r = n.sine(400, angular_frequency=1, offset=360).run(400, dt=0.1, method="euler", seed=4, record=["V_m", "I"])
    assert np.array_equal(r.V_m, from_file.V_m)
    assert np.array_equal(r.spike_times, from_file.spike_times)


def test_lif_against_its_closed_form():
    n = lapicque.Neuron("lif", C_m=250, g_L=25, E_L=-70, V_th=-55, V_reset=-65, t_ref=2)
    c = n.fi(np.arange(0, 1001, 25.0), duration=1000)
    assert np.allclose(c.rate_hz, c.analytic_hz, rtol=1e-9, atol=1e-9)
    general = lapicque.lif_rate_general(c.I, 25, 10, -70, -55, -65, 2)
    assert np.allclose(general, c.analytic_hz, rtol=1e-12)
    r = n.constant(500).run(50, dt=0.1, method="exact")
    V_inf = -70 + 500 / 25
    first = 10 * math.log((V_inf + 70) / (V_inf + 55))  # from rest, tau_m = C_m / g_L = 10 ms
    assert r.spike_times[0] == pytest.approx(first, rel=1e-12)


def test_arrays_have_the_right_shapes_and_units():
    n = lapicque.Neuron("alif", E_L=-70, V_th=-50, V_reset=-65, g_L=10, tau_m=10, a=2, b=20, tau_w=100)
    r = n.step(300, start=20, stop=80).run(100, dt=0.05, method="exact")
    assert r.t.shape == r.V_m.shape == r.w.shape == r.I.shape == (r.steps + 1,)
    assert r.steps == 2000 and r.t[1] - r.t[0] == pytest.approx(0.05)
    assert r.V_m[0] == -70.0  # mV, starting at E_L
    assert r.I[0] == 0.0 and r.I[int(50 / 0.05)] == 300.0  # pA, the step
    assert r.spike_times.ndim == 1 and np.all((r.spike_times > 20) & (r.spike_times < 80))
    assert r.w.max() > 0  # pA: spikes raise the adaptation current
    assert not r.V_m.flags.owndata  # the core's vector, handed over without a copy
    hh = lapicque.Neuron("hh").constant(1000).run(30, dt=0.01, record=["V_m", "m", "h", "n"])
    for gate in ("m", "h", "n"):
        assert 0 <= hh[gate].min() and hh[gate].max() <= 1
    assert hh.V_m.max() > 20  # mV: real action potentials


def test_bad_parameters_raise_value_errors_that_name_them():
    with pytest.raises(ValueError, match=r"neuron\.tau_m = -1 ms: must be > 0") as error:
        lapicque.Neuron("lif", tau_m=-1)
    assert error.value.key == "neuron.tau_m"
    with pytest.raises(lapicque.ParameterError, match="did you mean `tau_m`"):
        lapicque.Neuron("lif", tau_mm=10)
    with pytest.raises(ValueError, match="V_reset"):
        lapicque.Neuron("lif", V_reset=-50, V_th=-55)
    with pytest.raises(ValueError, match="unknown model"):
        lapicque.Neuron("lifx")
    with pytest.raises(ValueError, match=r"input\[0\]\.amplitud"):
        lapicque.Neuron("lif").add_input("constant", amplitud=3).run(10)
    with pytest.raises(ValueError, match=r"^dt = 0 ms"):
        lapicque.Neuron("lif").run(10, dt=0)
    with pytest.raises(ValueError, match="method"):
        lapicque.Neuron("lif").run(10, method="leapfrog")


def test_bad_files_raise_with_file_and_line(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('duration = 100\ndt = 0.1\n[neuron]\nmodel = "lif"\ntau_m = -4\n')
    with pytest.raises(ValueError, match=r"bad\.toml:5: neuron\.tau_m = -4 ms"):
        lapicque.run_file(path)
    good = tmp_path / "good.toml"
    good.write_text('duration = 100\ndt = 0.1\n[neuron]\nmodel = "lif"\n')
    with pytest.raises(ValueError, match=r"^setting neuron\.tau_m=-3: neuron\.tau_m = -3 ms"):
        lapicque.run_file(good, neuron__tau_m=-3)
    with pytest.raises(ValueError, match="cannot open|not a valid"):
        lapicque.run_file(tmp_path / "missing.toml")


def test_a_diverging_run_raises_a_simulation_error():
    n = lapicque.Neuron("izhikevich", preset="RS").ramp(slope=1e307)  # an input that grows without bound
    with pytest.raises(lapicque.SimulationError, match="became"):
        n.run(100, dt=0.1, method="euler")
    assert issubclass(lapicque.SimulationError, RuntimeError)


def test_progress_is_reported_and_can_stop_a_run():
    fractions = []
    lapicque.Neuron("lif").constant(400).run(20000, dt=0.01, progress=fractions.append)
    assert fractions[0] == 0 and fractions[-1] == 1 and fractions == sorted(fractions)

    class Stop(Exception):
        pass

    def stop(fraction):
        if fraction > 0.1:
            raise Stop()

    with pytest.raises(Stop):
        lapicque.Neuron("lif").constant(400).run(20000, dt=0.01, progress=stop)


def test_rate_functions():
    j = np.linspace(-3, 5, 81)
    assert np.array_equal(lapicque.relu(j), np.maximum(0, j))
    assert np.allclose(lapicque.softplus(j), np.log1p(np.exp(j)))
    assert np.allclose(lapicque.logistic(j), 1 / (1 + np.exp(-j)))
    assert np.allclose(lapicque.tanh(j), np.tanh(j))
    above = j[j > 1]
    assert np.allclose(lapicque.lif_rate(above, 20, 2), 1000 / (2 - 20 * np.log(1 - 1 / above)))
    assert np.all(lapicque.lif_rate(j[j <= 1]) == 0)


def test_models_and_catalogue():
    names = [m["name"] for m in lapicque.models()]
    assert {"lif", "lif_rm", "lif_norm", "alif", "adex", "izhikevich", "hh"} <= set(names)
    lif = lapicque.model("lif")
    assert {p["name"]: p["unit"] for p in lif["parameters"]}["tau_m"] == "ms"
    features = lapicque.izhikevich_features()
    assert [f.panel for f in features] == [chr(ord("A") + k) for k in range(20)]
    a = features[0].run()
    assert a.stats()["count"] == features[0].figure_spikes
    for p in lapicque.naud_patterns():
        r = p.run()
        assert lapicque.classify_firing_pattern(r.spike_times, 0, 600) == p.label
        assert r.stats()["count"] == p.brian2_spikes


def test_spike_statistics():
    s = lapicque.spike_statistics([10, 20, 30, 40], 0, 100)
    assert s["count"] == 4 and s["rate_hz"] == 40 and s["mean_isi_ms"] == 10 and s["cv"] == 0
    assert math.isnan(lapicque.spike_statistics([], 0, 100)["mean_isi_ms"])
