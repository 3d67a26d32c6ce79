"""Runs through the Python API give the command line's numbers, to the last
digit: the DataFrames hold exactly the values of the ``run`` JSON and the
rows of the CSV files, in their order."""

from __future__ import annotations

import filecmp

import pytest

import customs_union as cu
from conftest import CET, frame_rows, read_csv

# Floats are compared with ==: both sides are the same binary64 numbers (the
# JSON and CSV files hold each in its shortest round-trip form).

CHANGE_KEYS = ("component", "stage")


def outcome_values(rows, labels):
    """{(labels..., field): value} of JSON outcome rows (every key but 'country')."""
    return {
        (*labels, row["country"], field): value
        for row in rows
        for field, value in row.items()
        if field != "country"
    }


def frame_values(frame):
    """{(label columns..., field): value} of a long DataFrame."""
    return {tuple(r[:-1]): r[-1] for r in frame_rows(frame)}


def test_to_json_is_the_command_lines_document(cet_results, cet_cli):
    assert cet_results.to_json() == cet_cli["text"]


def test_totals_hold_the_json_totals(cet_results, cet_cli):
    frame = cet_results.totals()
    assert list(frame.columns) == ["scenario", "country", "field", "value"]
    expected = {}
    for sc in cet_cli["json"]["scenarios"]:
        expected |= outcome_values(sc["totals"]["countries"], (sc["name"],))
    assert frame_values(frame) == expected
    assert len(frame) == len(expected)


def test_by_sector_holds_the_json_sector_rows_with_prices(cet_results, cet_cli):
    frame = cet_results.by_sector()
    assert list(frame.columns) == ["scenario", "sector", "country", "field", "value"]
    expected = {}
    for sc in cet_cli["json"]["scenarios"]:
        for s in sc["sectors"]:
            expected |= outcome_values(s["countries"], (sc["name"], s["sector"]))
    assert frame_values(frame) == expected
    assert len(frame) == len(expected)
    assert {"producer_price", "consumer_price_index"} <= set(frame["field"])


def test_bilateral_holds_the_json_flows(cet_results, cet_cli):
    frame = cet_results.bilateral()
    columns = ["scenario", "sector", "exporter", "importer"]
    numbers = ["baseline", "counterfactual", "counterfactual_value"]
    assert list(frame.columns) == columns + numbers
    expected = [
        (sc["name"], s["sector"], f["exporter"], f["importer"], *(f[n] for n in numbers))
        for sc in cet_cli["json"]["scenarios"]
        for s in sc["sectors"]
        for f in s["flows"]
    ]
    assert frame_rows(frame) == expected


@pytest.mark.parametrize("kind", CHANGE_KEYS)
def test_decomposition_and_stages_hold_the_json_ones(cet_results, cet_cli, kind):
    frame = cet_results.decomposition() if kind == "component" else cet_results.stages()
    assert list(frame.columns) == ["scenario", kind, "country", "field", "value"]
    key = "decomposition" if kind == "component" else "stages"
    expected = {}
    for sc in cet_cli["json"]["scenarios"]:
        for part in sc[key]:
            expected |= outcome_values(part["countries"], (sc["name"], part[kind]))
    assert expected, f"the command line's JSON has no {key}"
    assert frame_values(frame) == expected
    assert len(frame) == len(expected)


def test_decomposition_sums_to_the_totals(cet_results):
    parts = cet_results.decomposition().groupby(["scenario", "country", "field"])["value"].sum()
    totals = cet_results.totals().set_index(["scenario", "country", "field"])["value"]
    welfare = parts.xs("welfare", level="field")
    assert (welfare - totals.xs("welfare", level="field").loc[welfare.index]).abs().max() < 1e-6


def test_unions_hold_the_json_union_numbers(cet_results, cet_cli):
    # every number the JSON gives a union, named as in unions.csv; the
    # preferential pairs are records of their own, not union fields
    frame = cet_results.unions()
    assert list(frame.columns) == ["scenario", "union", "field", "value"]
    expected = {}
    for sc in cet_cli["json"]["scenarios"]:
        for u in sc["unions"]:
            at = (sc["name"], u["name"])
            for field, value in u.items():
                if isinstance(value, float | int) and not isinstance(value, bool):
                    expected[(*at, field)] = value
            averages = dict(u["article_xxiv"])
            for m in averages.pop("members"):
                code = m.pop("country")
                for name, value in m.items():
                    expected[(*at, f"article_xxiv_{code}_{name}")] = value
            for name, value in averages.items():
                expected[(*at, f"article_xxiv_{name}")] = value
            for share in u["duty_collected_share"]:
                for when in ("baseline", "counterfactual"):
                    expected[(*at, f"duty_collected_share_{share['country']}_{when}")] = share[when]
    assert frame_values(frame) == expected
    assert len(frame) == len(expected)


@pytest.mark.parametrize(
    ("method", "file", "numbers"),
    [
        ("totals", "totals.csv", ("value",)),
        ("by_sector", "by_sector.csv", ("value",)),
        ("bilateral", "bilateral.csv", ("baseline", "counterfactual", "counterfactual_value")),
        ("decomposition", "decomposition.csv", ("value",)),
        ("stages", "stages.csv", ("value",)),
        ("unions", "unions.csv", ("value",)),
    ],
)
def test_frames_are_the_csv_files_row_for_row(cet_results, cet_cli, method, file, numbers):
    frame = getattr(cet_results, method)()
    assert frame_rows(frame) == read_csv(cet_cli["csv"] / file, numbers)


def test_write_csv_writes_the_command_lines_files(cet_results, cet_cli, tmp_path):
    cet_results.write_csv(tmp_path / "cet")
    names = sorted(p.name for p in cet_cli["csv"].iterdir())
    assert sorted(p.name for p in (tmp_path / "cet").iterdir()) == names
    match, mismatch, errors = filecmp.cmpfiles(cet_cli["csv"], tmp_path / "cet", names, shallow=False)
    assert (mismatch, errors) == ([], [])


@pytest.mark.parametrize(
    ("model", "treatment", "flags"),
    [
        ("gsim-linear", None, ["--model", "gsim-linear"]),
        ("smart", None, ["--model", "smart"]),
        ("armington", "as-import-source", ["--domestic", "as-import-source"]),
    ],
)
def test_other_models_and_treatments_match_the_command_line(cli, eaeu, cet, tmp_path, model, treatment, flags):
    res = cu.Simulation(eaeu, model=model, treatment=treatment).run(cet)
    cli("run", "--scenario", CET, *flags, "--out", tmp_path / "cli.json")
    assert res.to_json() == (tmp_path / "cli.json").read_text()
    assert res.meta["model"] == model


def test_a_data_folder_runs_like_the_command_line(cli, cet, tmp_path):
    cli("export-data", tmp_path / "data", "--dataset", "eaeu2009")
    data = cu.Dataset.from_dir(tmp_path / "data")
    assert data.countries == cu.Dataset.embedded("eaeu2009").countries
    res = cu.Simulation(data).run(cet)
    cli("run", "--data", tmp_path / "data", "--scenario", CET, "--out", tmp_path / "cli.json")
    assert res.to_json() == (tmp_path / "cli.json").read_text()


def test_results_describe_themselves(cet_results, eaeu, cet):
    assert cet_results.scenarios == cet.names == ["cet-2010", "cet-2010-pooled", "cu-2011"]
    assert len(cet_results) == len(cet) == 3
    meta = cet_results.meta
    assert meta["dataset"] == "eaeu2009"
    assert meta["dataset_fingerprint"] == eaeu.fingerprint
    assert meta["units"]["values"] == eaeu.units
    assert isinstance(cet_results.warnings, list)
    assert eaeu.sectors[0] == "AGF" and len(eaeu.sectors) == 8


def test_a_set_from_text_runs_like_its_file(eaeu, cet_results):
    sset = cu.ScenarioSet.from_toml_str(CET.read_text(), source=str(CET))
    res = cu.Simulation(eaeu, decompose=True).run(sset)
    assert res.to_json() == cet_results.to_json()
