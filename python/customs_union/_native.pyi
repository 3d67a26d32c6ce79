"""Type stubs of the extension module ``customs_union._native`` (re-exported
by ``customs_union``)."""

from __future__ import annotations

import os
from typing import Any, Literal, final

import numpy as np
import numpy.typing as npt
import pandas as pd

__version__: str

__all__ = ["Dataset", "McSummary", "RunResults", "ScenarioSet", "Simulation", "__version__"]

_Model = Literal["armington", "gsim-linear", "smart"]
_Treatment = Literal["nested", "as-import-source"]
_StrPath = str | os.PathLike[str]

@final
class Dataset:
    """A dataset: countries, sectors, baseline flows, tariffs, NTBs and
    elasticities. Load one with :meth:`Dataset.embedded` or
    :meth:`Dataset.from_dir`."""

    @staticmethod
    def embedded(name: str) -> Dataset:
        """An embedded dataset by name: ``"eaeu2009"`` (Kazakhstan, Russia,
        Belarus, Kyrgyzstan, China, the EU27 and the rest of the world; 8
        sectors; 2009), ``"kaz1995"`` or ``"toy"``.

        Raises InvalidError for an unknown name (the message lists the names).
        """

    @staticmethod
    def from_dir(path: _StrPath) -> Dataset:
        """Loads a data folder of CSV files (``countries.csv``,
        ``sectors.csv``, ``flows.csv``, ``tariffs.csv``, optional ``ntb.csv``,
        ``supply.csv`` and ``meta.toml``).

        Raises FileError for a missing or unreadable file, DataError naming
        the file, line and field of a bad value.
        """

    @property
    def source(self) -> str:
        """The embedded dataset's name, or the data folder as given."""

    @property
    def units(self) -> str:
        """Units of values (e.g. ``"US$ million per year at baseline prices"``)."""

    @property
    def countries(self) -> list[str]:
        """Country codes, in the dataset's order."""

    @property
    def sectors(self) -> list[str]:
        """Sector codes, in the dataset's order."""

    @property
    def fingerprint(self) -> str:
        """SHA-256 (hex) of the dataset's economic content."""

    @property
    def warnings(self) -> list[str]:
        """What loading the data noted (e.g. a country's caveat)."""

@final
class ScenarioSet:
    """The scenarios of one TOML file, with its ``[solver]`` and
    ``[montecarlo]`` settings."""

    @staticmethod
    def from_toml_file(path: _StrPath) -> ScenarioSet:
        """Reads a TOML scenario file.

        Raises FileError when it cannot be read, ScenarioError naming the line
        or key of what is wrong.
        """

    @staticmethod
    def from_toml_str(text: str, source: str = "<string>") -> ScenarioSet:
        """Parses scenario-file text; ``source`` names it in error messages
        and in the results' metadata.

        Raises ScenarioError naming the line or key of what is wrong.
        """

    @property
    def source(self) -> str:
        """Where the scenarios came from (the file as given)."""

    @property
    def dataset(self) -> str | None:
        """The embedded dataset the file is written for (its top-level
        ``dataset`` key), or None."""

    @property
    def names(self) -> list[str]:
        """Scenario names, in file order."""

    @property
    def has_monte_carlo(self) -> bool:
        """True when the file has a ``[montecarlo]`` table."""

    def __len__(self) -> int: ...

@final
class Simulation:
    """A simulation of a dataset: the model variant, the treatment of
    domestic sales and whether to decompose.

    ``model``: ``"armington"`` (the exact model; default), ``"gsim-linear"``
    or ``"smart"``. ``treatment``: ``"nested"`` or ``"as-import-source"``;
    None takes the model's own (nested; as-import-source for gsim-linear).
    ``decompose``: also compute each scenario's exact Shapley decomposition
    and its stages along ``extends``.

    Raises InvalidError for an unknown name, or a model and treatment that
    cannot go together.
    """

    def __new__(
        cls,
        data: Dataset,
        model: _Model = "armington",
        treatment: _Treatment | None = None,
        decompose: bool = False,
    ) -> Simulation: ...
    @property
    def model(self) -> _Model:
        """The model variant's name."""

    @property
    def treatment(self) -> _Treatment:
        """The treatment of domestic sales the runs use."""

    @property
    def decompose(self) -> bool:
        """Whether runs compute the decomposition."""

    def run(self, sset: ScenarioSet) -> RunResults:
        """Runs every scenario of ``sset`` (with its ``[solver]`` settings)
        and returns the labelled results.

        Raises ScenarioError for a scenario the data cannot take, SolverError
        for a sector that cannot be solved.
        """

    def monte_carlo(self, sset: ScenarioSet) -> McSummary:
        """Runs the Monte Carlo study of ``sset`` (its ``[montecarlo]``
        table) on every core and returns its summary and series. Failed draws
        are recorded in the summary, not raised.

        Raises ScenarioError when the set has no ``[montecarlo]`` table,
        InvalidError for a model or treatment Monte Carlo does not run.
        """

@final
class RunResults:
    """The results of :meth:`Simulation.run`: every scenario, in file order,
    with the run's metadata and warnings. The tables are long DataFrames
    holding the rows of the command line's CSV files, in their order, to the
    last digit."""

    def totals(self) -> pd.DataFrame:
        """Each country's totals over sectors: columns ``scenario, country,
        field, value``, one row per outcome field."""

    def by_sector(self) -> pd.DataFrame:
        """Each sector's rows: columns ``scenario, sector, country, field,
        value``; the fields are ``producer_price`` and
        ``consumer_price_index`` (levels, baseline 1), then the outcome
        fields."""

    def bilateral(self) -> pd.DataFrame:
        """Every flow with a positive baseline: columns ``scenario, sector,
        exporter, importer, baseline, counterfactual`` (volumes, at baseline
        prices) and ``counterfactual_value`` (at the new producer prices)."""

    def decomposition(self) -> pd.DataFrame:
        """The Shapley decomposition: columns ``scenario, component, country,
        field, value`` (change fields), each component's share, summing to
        the totals. Needs ``Simulation(..., decompose=True)`` (ValueError
        otherwise)."""

    def stages(self) -> pd.DataFrame:
        """The stage-by-stage attribution along ``extends`` (oldest first):
        columns ``scenario, stage, country, field, value`` (change fields),
        each stage's change over its parent. Needs ``decompose=True``
        (ValueError otherwise)."""

    def unions(self) -> pd.DataFrame:
        """Each union's aggregates: columns ``scenario, union, field,
        value``; the members' summed outcome fields, ``welfare_pct_gdp``
        where the data has every member's GDP, the Article XXIV tariff
        averages (``article_xxiv_<average>``, each member's as
        ``article_xxiv_<member>_<average>``) and each member's share of
        collected duties before pooling
        (``duty_collected_share_<member>_baseline``, ``_counterfactual``)."""

    def write_csv(self, dir: _StrPath) -> None:
        """Writes the long-format CSV files (``totals.csv``,
        ``by_sector.csv``, ``bilateral.csv``, ``decomposition.csv``,
        ``stages.csv``, ``unions.csv``, ``meta.csv`` and a ``README.md``)
        into folder ``dir``, whole or not at all.

        Raises FileError when the folder cannot be written or holds data
        files.
        """

    def to_json(self) -> str:
        """The whole result as the command line's ``run`` JSON document."""

    @property
    def meta(self) -> dict[str, Any]:
        """What was run: tool version, dataset and its fingerprint, scenario
        file, model, treatment and units."""

    @property
    def warnings(self) -> list[str]:
        """Everything worth telling the reader: data notes, then each
        scenario's, prefixed by its name."""

    @property
    def scenarios(self) -> list[str]:
        """Scenario names, in file order."""

    def __len__(self) -> int: ...

@final
class McSummary:
    """The summary of a Monte Carlo study (:meth:`Simulation.monte_carlo`)."""

    def summary(self) -> pd.DataFrame:
        """Every summary statistic: columns ``scenario, kind, entity, field,
        statistic, value``. ``kind`` is ``country``, ``union`` or
        ``difference`` (the scenario minus the first scenario, paired draw by
        draw; ``entity`` a country or a union of the later scenario).
        ``statistic``: ``mean, sd, mcse, p05, p50, p95, share_positive, ok,
        failed``; NaN where a statistic is undefined (``mcse`` under
        quadrature, ``sd`` of one draw)."""

    def metric(self, scenario: str, entity: str, field: str) -> dict[str, float | None]:
        """The statistics of ``field`` for ``entity`` (a country code or a
        union's name) in ``scenario``, as a dict ``{statistic: value}`` (None
        where undefined).

        Raises KeyError for a scenario, entity or field the study does not
        have.
        """

    def series(self, scenario: str, entity: str, field: str) -> npt.NDArray[np.float64]:
        """The values of ``field`` for ``entity`` (a country code or a
        union's name) in ``scenario``: a float64 array with one value per ok
        draw, in draw order (the series the summary describes).

        Raises KeyError for a scenario, entity or field the study does not
        have.
        """

    def to_json(self) -> str:
        """The summary as the command line's ``mc`` JSON document."""

    @property
    def draws(self) -> int:
        """Draws in the study."""

    @property
    def ok(self) -> int:
        """Draws usable in every scenario."""

    @property
    def failed(self) -> int:
        """Draws that failed in some scenario (excluded everywhere)."""

    @property
    def seed(self) -> int:
        """The seed."""

    @property
    def parameters(self) -> list[str]:
        """Labels of the varied items (e.g. ``sigma_m.AGF``)."""

    @property
    def failures(self) -> list[dict[str, Any]]:
        """The failed draws: dicts with ``draw``, ``scenario``, ``reason``
        and ``parameters``."""
