"""``--format json``: the canonical report (see :mod:`aicost.report.document`).

Written with one resource and one finding per line: readable and diffable, and fast
(``json.dumps`` with ``indent`` falls back to the pure-Python encoder, which takes
longer than the whole check on a plan with thousands of resources).
"""

from __future__ import annotations

import json
from typing import Any

from aicost.document.build import build
from aicost.pipeline import CheckResult
from aicost.report import RenderOptions, inert


def dumps(document: dict[str, Any]) -> str:
    encode = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
    lines = ["{"]
    items = list(document.items())
    for position, (key, value) in enumerate(items):
        comma = "," if position < len(items) - 1 else ""
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            lines.append(f"  {encode(key)}: [")
            lines.extend(
                f"    {encode(item)}{',' if i < len(value) - 1 else ''}"
                for i, item in enumerate(value)
            )
            lines.append(f"  ]{comma}")
        else:
            lines.append(f"  {encode(key)}: {encode(value)}{comma}")
    lines.append("}")
    return inert.json_text("\n".join(lines) + "\n")


def render(result: CheckResult, options: RenderOptions) -> str:
    return dumps(build(result))
