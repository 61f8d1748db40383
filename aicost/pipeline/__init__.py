"""The check pipeline, in the order data flows: read → normalise → price → check.

:func:`run_check` (:mod:`aicost.pipeline.run`) returns a :class:`CheckResult`, which the
document and the reports render; :mod:`aicost.pipeline.baseline` compares it with a
base-branch report; :mod:`aicost.pipeline.suite` runs policy test suites through it.
Nothing here prints, and nothing here reads or writes report documents.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aicost.pipeline.run import CheckResult, InputInfo, map_settings, run_check

if TYPE_CHECKING:
    from aicost.pipeline.baseline import Baseline, Comparison


def __getattr__(name: str) -> Any:
    """``Baseline`` and ``Comparison``, imported when first asked for (a check without
    ``--baseline`` never needs them)."""
    if name in ("Baseline", "Comparison"):
        from aicost.pipeline import baseline

        return getattr(baseline, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Baseline", "CheckResult", "Comparison", "InputInfo", "map_settings", "run_check"]
