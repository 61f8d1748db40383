"""The check pipeline, in the order data flows: read → normalise → price → check.

:func:`run_check` (:mod:`aicost.pipeline.run`) returns a :class:`CheckResult`, which the
document and the reports render; :mod:`aicost.pipeline.baseline` compares it with a
base-branch report; :mod:`aicost.pipeline.suite` runs policy test suites through it.
Nothing here prints, and nothing here reads or writes report documents.
"""

from __future__ import annotations

from aicost.pipeline.baseline import Baseline, Comparison
from aicost.pipeline.run import CheckResult, InputInfo, map_settings, run_check

__all__ = ["Baseline", "CheckResult", "Comparison", "InputInfo", "map_settings", "run_check"]
