"""The errors aicost reports to users, and the exit codes they map to.

Every error a user can cause (bad input, a bad policy, a bad flag) is an
:class:`AicostError` subclass with a one-line message that names the file and,
where known, the line. The CLI turns them into exit code 2; anything else is a
bug and exits 3.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    """Process exit codes, stable across releases."""

    OK = 0
    POLICY_FAILURE = 1
    USAGE_ERROR = 2
    INTERNAL_ERROR = 3


class AicostError(Exception):
    """Base class for errors caused by input, configuration or usage (exit 2)."""

    exit_code: ExitCode = ExitCode.USAGE_ERROR

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.column = column

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = self.path
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        # A message must stay on one line: the CLI prints exactly one line per error.
        return where + " ".join(self.message.split())


class InputError(AicostError):
    """A plan, manifest or usage file that aicost cannot read."""


class ConfigError(AicostError):
    """A policy, waiver or settings file that is invalid."""


class UsageError(AicostError):
    """A command line that does not make sense."""


class PricingError(AicostError):
    """A price table that is missing or malformed, or a refresh that failed."""


def one_of(names: Iterable[str], last: str = "or") -> str:
    """``table, json or sarif``: the entries of a registry, for help and error messages."""
    items = list(names)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"
