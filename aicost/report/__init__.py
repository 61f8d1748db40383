"""Report formats: one module per format, each with ``render(result, options) -> str``.

Register a format here with one line; it is imported only when asked for. A format whose
encoder produces UTF-8 (JSON, SARIF) may also have ``render_bytes(result, options) ->
bytes``, the same report encoded: ``check`` writes report files with it.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, cast

from aicost.core.errors import UsageError

if TYPE_CHECKING:
    from aicost.pipeline import CheckResult

#: Format name -> module.
FORMATS: dict[str, str] = {
    "table": "aicost.report.table",
    "json": "aicost.report.json",
    "markdown": "aicost.report.markdown",
    "sarif": "aicost.report.sarif",
    "junit": "aicost.report.junit",
    "github": "aicost.report.github",
    "compact": "aicost.report.compact",
}


@dataclass(frozen=True)
class RenderOptions:
    color: bool = False
    width: int | None = None
    #: Human formats list at most this many workloads (the costliest changes); 0 = all.
    max_rows: int = 50
    #: Human formats list waived findings too (JSON always does).
    show_waived: bool = False
    #: SARIF ``automationDetails`` category (default: the workspace, unless ``default``), so
    #: a matrix of workspaces uploads separate analyses instead of overwriting one.
    sarif_category: str | None = None
    #: Output goes to a pipe or a file: a plain layout (no box, no width limit, nothing cut).
    plain: bool = False


class FormatModule(Protocol):
    def render(self, result: CheckResult, options: RenderOptions) -> str: ...


def renders_documents(name: str) -> bool:
    """Whether format *name* can also render a saved JSON report (``render_document``)."""
    return hasattr(get(name), "render_document")


def get(name: str) -> FormatModule:
    try:
        module_name = FORMATS[name]
    except KeyError:
        raise UsageError(f"unknown format {name!r} (choose from {', '.join(FORMATS)})") from None
    return cast(FormatModule, importlib.import_module(module_name))
