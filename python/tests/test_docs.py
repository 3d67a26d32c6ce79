"""The Python examples of docs/python.md and the README run as written,
cell after cell, from a folder laid out like the repository's root."""

from __future__ import annotations

import importlib.util
import re

from conftest import ROOT

DOC = ROOT / "docs" / "python.md"
README = ROOT / "README.md"


def cells(path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", path.read_text(), flags=re.S)


def run_cells(path, folder, monkeypatch) -> None:
    (folder / "scenarios").symlink_to(ROOT / "scenarios")
    (folder / "out").mkdir()
    monkeypatch.chdir(folder)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    namespace: dict = {}
    for cell in cells(path):
        exec(compile(cell, str(path), "exec"), namespace)


def test_the_readme_example_runs(tmp_path, monkeypatch, capsys):
    assert len(cells(README)) == 1
    run_cells(README, tmp_path, monkeypatch)
    # the 2011 stage: Kazakhstan's welfare as the README's table prints it
    assert "456.733335" in capsys.readouterr().out


def test_the_worked_example_runs(tmp_path, monkeypatch, capsys):
    assert len(cells(DOC)) >= 6, "the guide's cells"
    run_cells(DOC, tmp_path, monkeypatch)
    printed = capsys.readouterr().out
    assert "RunResults(armington on 'eaeu2009': cet-2010, cet-2010-pooled, cu-2011)" in printed
    assert "McSummary(1000 draws, 1000 ok, 0 failed, seed 2010)" in printed
    assert (tmp_path / "out" / "cet" / "totals.csv").exists()
    if importlib.util.find_spec("matplotlib") is not None:
        assert (tmp_path / "out" / "cet_2010_band.png").stat().st_size > 0
