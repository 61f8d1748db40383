"""JSON-ready values: money as cent strings, ratios and hours as rounded numbers."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from aicost.spend.ground import decimal_string

RATIO_KEYS = frozenset(
    {
        "commitment_coverage_rate",
        "pricing_category_share",
        "week_over_week_variance",
        "max_week_over_week_variance",
        "burn_rate",
        "projected_share",
        "change",
    }
)
#: Maps keyed by data (a kind, a category, a tag value): their values take the map's name.
VALUE_MAPS = frozenset({"by_kind", "pricing_category_share", "key"})
PRECISE_KEYS = frozenset({"cost_per_1k_tokens", "recommended_commitment_hourly"})


def plain(value: Any, key: str = "") -> Any:
    """*value* with Decimals, dates and nested containers made JSON-ready."""
    if isinstance(value, dict):
        return {k: plain(v, key if key in VALUE_MAPS else str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v, key) for v in value]
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        if key in RATIO_KEYS:
            return round(float(value), 4)
        if "hours" in key or key == "tokens":
            return round(float(value), 3)
        if key in PRECISE_KEYS:
            return str(value.quantize(Decimal("0.000001")))
        return decimal_string(value)
    return value


def ratio_text(value: Any) -> str:
    return "n/a" if value is None else f"{float(value):.1%}"


def last_day(period_end: datetime) -> date:
    """The last day charged: FOCUS ``ChargePeriodEnd`` is exclusive."""
    return (period_end - timedelta(microseconds=1)).date()
