"""Networks from Python: the same engine as `lapicque run` (the same spikes, bit for bit), its
results as numpy arrays, and its errors."""

import csv
import subprocess

import numpy as np
import pytest

import lapicque


def test_run_network_equals_the_command_line(examples, lapicque_binary, tmp_path):
    subprocess.run([lapicque_binary, "run", str(examples / "cuba.toml"), "--out", str(tmp_path), "-q",
                    "--set", "duration=200", "--threads", "2"], check=True)
    with open(tmp_path / "spikes.csv") as f:
        rows = list(csv.DictReader(f))
    r = lapicque.run_network(examples / "cuba.toml", threads=1, duration=200)
    for population in ("E", "I"):
        neurons, times = r.spikes(population)
        mine = [(int(row["neuron"]), float(row["t_ms"])) for row in rows if row["population"] == population]
        assert len(mine) > 100
        assert np.array_equal(neurons, [m[0] for m in mine])
        assert np.array_equal(times, [m[1] for m in mine])
        assert neurons.dtype == np.uint32 and times.dtype == np.float64
    assert r.populations == ["E", "I"]
    assert r.size("E") == 3200
    assert r.summary["n_synapses"] > 0 and r.summary["sim_s"] > 0
    projections = r.summary["projections"]
    assert [(q["source"], q["target"]) for q in projections] == [("E", "E"), ("E", "I"), ("I", "E"), ("I", "I")]
    assert sum(q["n_synapses"] for q in projections) == r.summary["n_synapses"]
    # p = 0.02, 80 inputs a neuron: lists; counted where a channel has no other input (CUBA's kernel reads the counts)
    assert all(q["storage"] in ("list", "counted list") and 2 <= q["bytes_per_synapse"] < 4.5 for q in projections)
    assert len(r.rate("E")) == len(r.rate_t) == 200  # 1 ms bins


def test_run_network_settings(examples):
    r = lapicque.run_network(examples / "coba.toml", duration=20, set={"record.rate_bin": 2})
    assert len(r.rate("I")) == 10
    with pytest.raises(KeyError, match="was not recorded"):
        r.trace("E", 0)


def test_run_network_errors_name_the_setting(examples):
    with pytest.raises(lapicque.ParameterError, match=r"projection\[0\]\.p = 1\.5"):
        lapicque.run_network(examples / "cuba.toml", set={"projection[0].p": 1.5})
    with pytest.raises(KeyError, match="no population 'X'"):
        lapicque.run_network(examples / "cuba.toml", duration=5).spikes("X")


def test_run_network_warns_of_weights_drawn_across_zero(examples, tmp_path):
    text = (examples / "cuba.toml").read_text().replace(
        "weight = 16.2", 'weight = { distribution = "normal", mean = 16.2, std = 20 }', 1)
    (tmp_path / "cuba.toml").write_text(text)
    with pytest.warns(UserWarning, match=r"cuba\.toml:\d+: projection\[0\]\.weight .* 20\.9% of the weights drawn are below 0 pA"):
        lapicque.run_network(tmp_path / "cuba.toml", duration=5)


def test_run_network_traces(examples, tmp_path):
    text = (examples / "coba.toml").read_text() + '\n[[record.state]]\npopulation = "E"\nvariables = ["V_m", "g_I"]\nneurons = [0, 7]\n'
    (tmp_path / "coba.toml").write_text(text)
    r = lapicque.run_network(tmp_path / "coba.toml", duration=30)
    V = r.trace("E", 7)
    assert len(V) == len(r.t) == 300
    assert r.t[117] == 11.7 and r.t[3] == 0.3  # the decimals meant, as trace.csv writes them
    _, times = r.spikes("E")
    assert np.array_equal(times, np.round(times, 10))  # on the grid, without rounding noise
    assert np.all((V >= -80) & (V <= -50 + 1e-9))  # between E_I and threshold (reset after spikes)
    assert r.trace("E", 0, "g_I")[0] != 0           # drawn initial conductance
