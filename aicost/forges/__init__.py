"""Forges: where a report is posted as a pull-request (merge-request) comment.

One module per forge, registered in ``FORGES`` with one line. A forge module has
``TITLE`` (what it comments on), ``configure(parser)`` (its own options of
``aicost comment NAME``) and ``comment(args, body, marker, *, skip_new) -> Outcome``
(post the rendered comment; raise :class:`Refused` when the forge will not let the token
write, which is a warning, never a gate failure). Forges import only :mod:`aicost.core`:
the CLI renders the comment, the forge posts it.
"""

from __future__ import annotations

import argparse
import importlib
from dataclasses import dataclass
from typing import Protocol, cast

from aicost.core.errors import UsageError

#: Forge name (``aicost comment NAME``) -> module.
FORGES: dict[str, str] = {
    "github": "aicost.forges.github",
    "gitlab": "aicost.forges.gitlab",
    "azure-repos": "aicost.forges.azure_repos",
}

#: How a sticky comment is kept: edited in place, always new, or old ones deleted first.
BEHAVIORS = ("update", "new", "delete-and-new")


@dataclass
class Outcome:
    action: str  # created | updated | unchanged | skipped
    url: str | None = None
    deleted: int = 0


class Refused(Exception):
    """The forge refused to write (a read-only token, a rate limit). Not a gate failure."""


class ForgeModule(Protocol):
    TITLE: str

    def configure(self, parser: argparse.ArgumentParser) -> None: ...

    def comment(
        self, args: argparse.Namespace, body: str, marker: str, *, skip_new: bool
    ) -> Outcome: ...


def load(name: str) -> ForgeModule:
    try:
        module_name = FORGES[name]
    except KeyError:
        known = ", ".join(FORGES)
        raise UsageError(f"unknown forge {name!r} (known: {known})") from None
    return cast(ForgeModule, importlib.import_module(module_name))
