"""The README's Python tour runs as written (from the repository's root, figures into a
temporary directory)."""

import os
import re

import matplotlib

matplotlib.use("Agg")

from conftest import REPO  # noqa: E402


def test_the_python_tour_runs(tmp_path, monkeypatch):
    text = (REPO / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) >= 3
    monkeypatch.chdir(REPO)
    code = "\n".join(blocks).replace('savefig("', f'savefig("{tmp_path}{os.sep}')
    exec(compile(code, "README.md", "exec"), {})
    assert (tmp_path / "lif.png").exists() and (tmp_path / "fi.png").exists()
