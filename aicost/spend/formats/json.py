"""``--format json``: the whole report (summary, groups, kpis, daily series, top resources)."""

from __future__ import annotations

import json
from typing import Any

from aicost.spend.formats.values import plain


def render(report: dict[str, Any]) -> str:
    return json.dumps(plain(report), indent=2) + "\n"
