"""``--format focus-csv``: the showback groups as FOCUS-shaped rows.

One row per group over the whole period, with FOCUS column names (``ChargePeriodStart/End``,
``BilledCost``, ``EffectiveCost``, ``BillingCurrency``, ``ChargeCategory`` = ``Usage``,
``ServiceName`` = ``AI spend (aicost showback)``, ``Tags`` holding the group's key as
JSON) and the aicost columns after them (``x_`` prefix, as FOCUS requires of custom
columns): ``x_AicostGroup`` and ``x_GpuHours``. The file reads back as a FOCUS export.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from aicost.spend.formats.values import plain

COLUMNS = (
    "ChargePeriodStart",
    "ChargePeriodEnd",
    "ChargeCategory",
    "BilledCost",
    "EffectiveCost",
    "BillingCurrency",
    "ServiceName",
    "ServiceCategory",
    "Tags",
    "x_AicostGroup",
    "x_GpuHours",
)


def render(report: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    summary = plain(report["summary"])
    for group in plain(report["groups"]):
        writer.writerow(
            [
                summary["period_start"],
                summary["period_end"],
                "Usage",
                group["billed_cost"],
                group["effective_cost"],
                report["currency"],
                "AI spend (aicost showback)",
                "AI and Machine Learning",
                json.dumps(group["key"], sort_keys=True),
                " ".join(f"{k}={v}" for k, v in group["key"].items()),
                "" if group["gpu_hours"] is None else group["gpu_hours"],
            ]
        )
    return out.getvalue()
