"""``--format json``: the canonical report (see :mod:`aicost.report.document`)."""

from __future__ import annotations

import json

from aicost.pipeline import CheckResult
from aicost.report import RenderOptions
from aicost.report.document import build


def render(result: CheckResult, options: RenderOptions) -> str:
    return json.dumps(build(result), indent=2, ensure_ascii=False) + "\n"
