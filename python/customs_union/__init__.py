"""customs-union: the exact Armington customs-union model, from Python.

A partial-equilibrium model of what a customs union does to trade, solved
exactly, with results as pandas DataFrames and Monte Carlo series as NumPy
arrays::

    import customs_union as cu
    data = cu.Dataset.embedded("eaeu2009")
    sset = cu.ScenarioSet.from_toml_file("scenarios/cet_2010.toml")
    res = cu.Simulation(data, model="armington", treatment="nested").run(sset)
    res.totals()        # scenario, country, field, value

Every number comes from the Rust library the ``customs-union`` command line
uses; ``res.to_json()`` is the command line's ``run`` document.
"""

from ._errors import (
    CustomsUnionError,
    DataError,
    FileError,
    InvalidError,
    ScenarioError,
    SolverError,
)
from ._native import (
    Dataset,
    McSummary,
    RunResults,
    ScenarioSet,
    Simulation,
    __version__,
)

__all__ = [
    "CustomsUnionError",
    "DataError",
    "Dataset",
    "FileError",
    "InvalidError",
    "McSummary",
    "RunResults",
    "ScenarioError",
    "ScenarioSet",
    "Simulation",
    "SolverError",
    "__version__",
]
