"""``--format csv``: one row per showback group (the ``--by`` dimensions, then the costs)."""

from __future__ import annotations

import csv
import io
from typing import Any

from aicost.spend.formats.values import plain


def render(report: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    by = list(report["by"])
    writer.writerow([*by, "effective_cost", "billed_cost", "gpu_hours", "currency"])
    for group in plain(report["groups"]):
        writer.writerow(
            [
                *(group["key"][dim] for dim in by),
                group["effective_cost"],
                group["billed_cost"],
                "" if group["gpu_hours"] is None else group["gpu_hours"],
                report["currency"],
            ]
        )
    return out.getvalue()
