"""Shared fixtures: the repository, the command line, and its outputs.

The tests compare what the Python API returns with what the command line
writes for the same inputs. The command line is ``$CU_CLI`` if set, else the
release binary under ``target/release``, brought up to date with cargo.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
from pathlib import Path

import pytest

import customs_union as cu

ROOT = Path(__file__).resolve().parents[2]
CET = ROOT / "scenarios" / "cet_2010.toml"
MC = Path(__file__).resolve().parent / "data" / "cet_2010_mc.toml"


def _cli_path() -> Path:
    given = os.environ.get("CU_CLI")
    if given:
        return Path(given)
    subprocess.run(
        ["cargo", "build", "--release", "--quiet", "--bin", "customs-union"],
        cwd=ROOT,
        check=True,
    )
    return ROOT / "target" / "release" / "customs-union"


@pytest.fixture(scope="session")
def cli():
    """Runs the command line with the given arguments; returns the process."""
    binary = _cli_path()

    def run(*args: object, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [str(binary), *map(str, args)], cwd=ROOT, capture_output=True, text=True
        )
        if check and done.returncode != 0:
            raise AssertionError(f"customs-union {args} failed:\n{done.stderr}")
        return done

    return run


def read_csv(path: Path, numbers: tuple[str, ...] = ("value",)) -> list[tuple]:
    """A CSV file's rows, the columns in ``numbers`` as floats (exactly: the
    files hold each number in its shortest round-trip form)."""
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        return [
            tuple(float(v) if k in numbers else v for k, v in row.items())
            for row in reader
        ]


def frame_rows(frame) -> list[tuple]:
    """A DataFrame's rows as plain tuples."""
    return [tuple(r) for r in frame.itertuples(index=False, name=None)]


@pytest.fixture(scope="session")
def eaeu():
    return cu.Dataset.embedded("eaeu2009")


@pytest.fixture(scope="session")
def cet():
    return cu.ScenarioSet.from_toml_file(CET)


@pytest.fixture(scope="session")
def cet_results(eaeu, cet):
    """The 2010 CET with the decomposition, through the Python API."""
    return cu.Simulation(eaeu, model="armington", treatment="nested", decompose=True).run(cet)


@pytest.fixture(scope="session")
def cet_cli(cli, tmp_path_factory):
    """The same run by the command line: its JSON text and its CSV folder."""
    out = tmp_path_factory.mktemp("cli")
    cli("run", "--scenario", CET, "--decompose", "--out", out / "cet.json", "--csv", out / "csv")
    text = (out / "cet.json").read_text()
    return {"text": text, "json": json.loads(text), "csv": out / "csv"}
