"""Bad input raises a Python exception carrying the library's message and
its structured fields (the command line prints the same message)."""

from __future__ import annotations

import pytest

import customs_union as cu
from conftest import CET

UNION = """
[[scenario]]
name = "cu"
[[scenario.union]]
name = "CU"
members = {members}
cet = {{ rule = "adopt", country = "RUS" }}
"""


def cli_error(done) -> str:
    assert done.returncode != 0
    return done.stderr


def test_unknown_embedded_dataset_names_the_ones_there_are():
    with pytest.raises(cu.InvalidError) as e:
        cu.Dataset.embedded("eaeu2099")
    assert "eaeu2009" in str(e.value) and "kaz1995" in str(e.value)
    assert isinstance(e.value, ValueError) and isinstance(e.value, cu.CustomsUnionError)


def test_missing_files_are_os_errors_naming_the_path(tmp_path):
    with pytest.raises(cu.FileError) as e:
        cu.ScenarioSet.from_toml_file(tmp_path / "absent.toml")
    assert e.value.file == str(tmp_path / "absent.toml")
    assert isinstance(e.value, OSError)
    with pytest.raises(cu.FileError):
        cu.Dataset.from_dir(tmp_path / "no-such-folder")


def test_a_bad_data_value_names_file_line_and_field(cli, tmp_path):
    data = tmp_path / "data"
    cli("export-data", data)
    lines = (data / "sectors.csv").read_text().splitlines(keepends=True)
    header = lines[0].split(",")
    row = lines[2].split(",")
    row[header.index("sigma_m")] = "-4.0"
    lines[2] = ",".join(row)
    (data / "sectors.csv").write_text("".join(lines))
    with pytest.raises(cu.DataError) as e:
        cu.Dataset.from_dir(data)
    assert (e.value.line, e.value.field) == (3, "sigma_m")
    assert e.value.file.endswith("sectors.csv")
    assert str(e.value) in cli_error(cli("validate", "--data", data, check=False))


def test_a_scenario_syntax_error_names_the_line(cli, tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text('[[scenario]]\nname = "x"\nunion = [\n')
    with pytest.raises(cu.ScenarioError) as e:
        cu.ScenarioSet.from_toml_file(path)
    assert e.value.file == str(path)
    assert str(e.value) in cli_error(cli("run", "--scenario", path, check=False))


def test_an_unknown_member_names_the_scenario_key(cli, eaeu, tmp_path):
    text = UNION.format(members='["KAZ", "RUS", "XXX"]')
    path = tmp_path / "unknown.toml"
    path.write_text(text)
    sset = cu.ScenarioSet.from_toml_file(path)
    with pytest.raises(cu.ScenarioError) as e:
        cu.Simulation(eaeu).run(sset)
    assert "XXX" in str(e.value)
    assert e.value.key == "scenario[0] (`cu`).union[0].members"
    assert str(e.value) in cli_error(cli("run", "--scenario", path, check=False))


def test_unknown_model_or_treatment_is_refused_at_the_call(eaeu):
    with pytest.raises(cu.InvalidError, match="gsim-linear"):
        cu.Simulation(eaeu, model="gsim")
    with pytest.raises(cu.InvalidError, match="as-import-source"):
        cu.Simulation(eaeu, treatment="flat")


def test_a_model_and_treatment_that_cannot_go_together(eaeu):
    with pytest.raises(cu.InvalidError) as e:
        cu.Simulation(eaeu, model="gsim-linear", treatment="nested")
    assert "GSIM-linear" in str(e.value)
    assert cu.Simulation(eaeu, model="gsim-linear").treatment == "as-import-source"


def test_non_convergence_is_a_solver_error_naming_the_sector(eaeu):
    text = UNION.format(members='["KAZ", "RUS", "BLR"]') + "\n[solver]\nmax_iter = 1\n"
    sset = cu.ScenarioSet.from_toml_str(text, "one-step.toml")
    with pytest.raises(cu.SolverError) as e:
        cu.Simulation(eaeu).run(sset)
    assert e.value.sector in cu.Dataset.embedded("eaeu2009").sectors
    assert "converge" in str(e.value)
    assert isinstance(e.value, RuntimeError)


def test_monte_carlo_needs_a_montecarlo_table(eaeu, cet):
    with pytest.raises(cu.ScenarioError) as e:
        cu.Simulation(eaeu).monte_carlo(cet)
    assert e.value.key == "montecarlo"


def test_monte_carlo_refuses_other_models(eaeu):
    from conftest import MC

    with pytest.raises(cu.InvalidError):
        cu.Simulation(eaeu, model="smart").monte_carlo(cu.ScenarioSet.from_toml_file(MC))


def test_decomposition_needs_to_be_asked_for(eaeu, cet):
    res = cu.Simulation(eaeu).run(cet)
    with pytest.raises(ValueError, match="decompose=True"):
        res.decomposition()
    with pytest.raises(ValueError, match="decompose=True"):
        res.stages()


def test_results_are_never_written_into_a_data_folder(cli, eaeu, cet, tmp_path):
    cli("export-data", tmp_path / "data")
    with pytest.raises(cu.FileError, match="data"):
        cu.Simulation(eaeu).run(cet).write_csv(tmp_path / "data")


def test_wrong_argument_types_are_type_errors(eaeu):
    with pytest.raises(TypeError):
        cu.Simulation("eaeu2009")
    with pytest.raises(TypeError):
        cu.Simulation(eaeu).run(str(CET))
