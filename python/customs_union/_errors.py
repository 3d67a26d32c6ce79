"""The exceptions the library raises.

Each carries the library's message (``str(e)``) and the structured fields of
the error as attributes: a data file's ``file``, ``line`` and ``field``; a
scenario file's ``file`` and ``key``; the ``sector`` a solver could not solve.
Every one derives from :class:`CustomsUnionError` and from the built-in
exception that fits, so ``except ValueError`` catches bad input too.
"""

from __future__ import annotations


class CustomsUnionError(Exception):
    """Base of every error the library raises."""

    def __init__(self, message: str, **fields: object) -> None:
        super().__init__(message)
        for name, value in fields.items():
            setattr(self, name, value)


class DataError(CustomsUnionError, ValueError):
    """A data file holds a bad value.

    Attributes: ``file``, ``line`` (1-based, the header is line 1; 0 when the
    file as a whole is at fault) and ``field`` (the column).
    """

    file: str
    line: int
    field: str


class ScenarioError(CustomsUnionError, ValueError):
    """A scenario file (or its ``[solver]`` or ``[montecarlo]`` table) is invalid.

    Attributes: ``file`` and ``key`` (the dotted key of the offending entry,
    e.g. ``scenario[0].union[0].members``).
    """

    file: str
    key: str


class InvalidError(CustomsUnionError, ValueError):
    """An invalid setting or value given through the API.

    Attribute: ``what`` (the item that is invalid, e.g. ``model``).
    """

    what: str


class FileError(CustomsUnionError, OSError):
    """A file or folder could not be read or written.

    Attribute: ``file`` (the path).
    """

    file: str


class SolverError(CustomsUnionError, RuntimeError):
    """A sector's market could not be solved: no (unique) equilibrium, a
    singular linear system, or a solver that did not converge (the message
    carries its report).

    Attribute: ``sector`` (its code), or ``draw`` and ``scenario`` for a
    Monte Carlo draw.
    """

    sector: str
    draw: int
    scenario: str
