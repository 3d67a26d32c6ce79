"""A Monte Carlo study through the Python API gives the command line's draws
and summaries, to the last digit, and leaves the interpreter free while it
runs."""

from __future__ import annotations

import csv
import json
import math
import threading
import time

import numpy as np
import pytest

import customs_union as cu
from conftest import MC


@pytest.fixture(scope="module")
def study(eaeu):
    return cu.Simulation(eaeu).monte_carlo(cu.ScenarioSet.from_toml_file(MC))


@pytest.fixture(scope="module")
def cli_study(cli, tmp_path_factory):
    out = tmp_path_factory.mktemp("mc")
    cli("mc", "--scenario", MC, "--out", out / "mc.json", "--draws-out", out / "draws.csv", "--quiet")
    text = (out / "mc.json").read_text()
    return {"text": text, "json": json.loads(text), "draws": out / "draws.csv"}


def draws_columns(path):
    """{(scenario, entity, field): [value of each ok draw, in draw order]} of
    the command line's draws file, whose columns the .key.csv file beside it
    maps to scenario, kind, entity and field."""
    key = path.with_suffix(".key.csv")
    with open(key, newline="") as f:
        names = {
            row["column"]: (row["scenario"], row["entity"], row["field"])
            for row in csv.DictReader(f)
            if row["kind"] in ("country", "union")
        }
    columns = {}
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        assert set(names) <= set(reader.fieldnames), "the key names the file's columns"
        for row in reader:
            if row["status"] != "ok":
                continue
            for name, label in names.items():
                columns.setdefault(label, []).append(float(row[name]))
    return columns


def test_series_are_the_command_lines_draws(study, cli_study):
    columns = draws_columns(cli_study["draws"])
    assert len(columns) >= 3 * 7 * 9, "the draws file lists every scenario, country and field"
    for (scenario, entity, field), values in columns.items():
        series = study.series(scenario, entity, field)
        assert isinstance(series, np.ndarray) and series.dtype == np.float64
        assert series.tolist() == values, (scenario, entity, field)


def test_series_cover_unions_and_every_field(study):
    union = study.series("cu-2011", "CU", "welfare")
    members = sum(study.series("cu-2011", c, "welfare") for c in ("KAZ", "RUS", "BLR"))
    assert len(union) == study.ok == study.draws - study.failed
    np.testing.assert_allclose(union, members, rtol=1e-12, atol=1e-9)
    assert len(study.series("cet-2010", "KAZ", "imports_counterfactual_value")) == study.ok


def json_statistics(doc):
    """{(scenario, kind, entity, field, statistic): value} of the mc JSON."""
    out = {}

    def add(scenario, kind, entity, metrics):
        for field, stats in metrics.items():
            for statistic, value in stats.items():
                out[(scenario, kind, entity, field, statistic)] = value

    for sc in doc["scenarios"]:
        for c in sc["countries"]:
            add(sc["name"], "country", c["country"], c["metrics"])
        for u in sc["unions"]:
            add(sc["name"], "union", u["name"], u["metrics"])
    for d in doc["differences"]:
        for c in d["countries"]:
            add(d["scenario"], "difference", c["country"], c["metrics"])
        for u in d["unions"]:
            add(d["scenario"], "difference", u["name"], u["metrics"])
    return out


def test_summary_holds_the_command_lines_statistics(study, cli_study):
    frame = study.summary()
    assert list(frame.columns) == ["scenario", "kind", "entity", "field", "statistic", "value"]
    got = {tuple(r[:-1]): r[-1] for r in frame.itertuples(index=False, name=None)}
    expected = json_statistics(cli_study["json"])
    assert got.keys() == expected.keys()
    assert len(frame) == len(expected)
    for k, v in expected.items():
        if v is None:
            assert math.isnan(got[k]), k
        else:
            assert got[k] == v, k
    assert set(frame["kind"]) == {"country", "union", "difference"}


def test_metric_is_the_json_entry(study, cli_study):
    kaz = next(c for c in cli_study["json"]["scenarios"][0]["countries"] if c["country"] == "KAZ")
    assert study.metric("cet-2010", "KAZ", "welfare") == kaz["metrics"]["welfare"]
    with pytest.raises(KeyError):
        study.metric("cet-2010", "ATLANTIS", "welfare")


def test_the_document_is_the_command_lines(study, cli_study):
    assert study.to_json() == cli_study["text"]
    doc = cli_study["json"]
    assert (study.draws, study.ok, study.failed, study.seed) == (120, 120, 0, 2010)
    assert study.parameters == doc["parameters"]
    assert study.failures == doc["failures"] == []


def test_unknown_series_is_a_key_error(study):
    with pytest.raises(KeyError, match="ATLANTIS"):
        study.series("cet-2010", "ATLANTIS", "welfare")
    with pytest.raises(KeyError):
        study.series("cet-2099", "KAZ", "welfare")
    with pytest.raises(KeyError):
        study.series("cet-2010", "KAZ", "happiness")


def test_the_interpreter_runs_while_the_library_solves(eaeu):
    text = MC.read_text().replace("draws = 120", "draws = 60000")
    sset = cu.ScenarioSet.from_toml_str(text, "long.toml")
    sim = cu.Simulation(eaeu)
    span = {}

    def work():
        span["start"] = time.perf_counter()
        sim.monte_carlo(sset)
        span["end"] = time.perf_counter()

    worker = threading.Thread(target=work)
    ticks = []
    worker.start()
    while worker.is_alive():
        ticks.append(time.perf_counter())
        time.sleep(0.001)
    worker.join()
    inside = [t for t in ticks if span["start"] + 0.05 < t < span["end"] - 0.05]
    assert span["end"] - span["start"] > 0.2, "the study is long enough to tell"
    assert len(inside) > 10, "the main thread ran while the study was solving"
