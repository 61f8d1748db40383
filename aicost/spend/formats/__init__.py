"""Output formats of ``aicost spend``: one module each, registered here (name -> module)."""

from __future__ import annotations

import importlib
from typing import Any, Protocol, cast

#: Format name -> module with ``render(report) -> str``.
FORMATS: dict[str, str] = {
    "table": "aicost.spend.formats.table",
    "json": "aicost.spend.formats.json",
    "csv": "aicost.spend.formats.csv",
    "focus-csv": "aicost.spend.formats.focus_csv",
    "html": "aicost.spend.formats.html",
}


class Format(Protocol):
    def render(self, report: dict[str, Any]) -> str: ...


def render(name: str, report: dict[str, Any]) -> str:
    module = cast(Format, importlib.import_module(FORMATS[name]))
    return module.render(report)
