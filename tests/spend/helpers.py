"""Small FOCUS 1.2 exports written by the tests (CSV, CSV.gz or Parquet)."""

from __future__ import annotations

import csv
import gzip
import io
import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

COLUMNS = (
    "BilledCost",
    "EffectiveCost",
    "ListCost",
    "BillingCurrency",
    "ChargePeriodStart",
    "ChargePeriodEnd",
    "ChargeCategory",
    "ChargeDescription",
    "ProviderName",
    "ServiceName",
    "ServiceCategory",
    "ResourceId",
    "SkuMeter",
    "PricingCategory",
    "CommitmentDiscountId",
    "ConsumedQuantity",
    "ConsumedUnit",
    "PricingQuantity",
    "PricingUnit",
    "RegionId",
    "Tags",
    "x_Extra",
)


def line(
    day: date,
    cost: float | str,
    *,
    service: str = "Amazon Elastic Compute Cloud",
    category: str = "Compute",
    description: str = "",
    resource: str = "",
    tags: dict[str, str] | None = None,
    pricing: str = "Standard",
    quantity: float | None = None,
    unit: str | None = None,
    pricing_unit: str | None = None,
    currency: str = "USD",
    billed: float | str | None = None,
    commitment: str = "",
    hours: int = 24,
) -> dict[str, Any]:
    start = datetime(day.year, day.month, day.day)
    return {
        "BilledCost": str(cost if billed is None else billed),
        "EffectiveCost": str(cost),
        "ListCost": str(cost),
        "BillingCurrency": currency,
        "ChargePeriodStart": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "ChargePeriodEnd": (start + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "ChargeCategory": "Usage",
        "ChargeDescription": description,
        "ProviderName": "AWS",
        "ServiceName": service,
        "ServiceCategory": category,
        "ResourceId": resource,
        "SkuMeter": "",
        "PricingCategory": pricing,
        "CommitmentDiscountId": commitment,
        "ConsumedQuantity": "" if quantity is None else str(quantity),
        "ConsumedUnit": unit or "",
        "PricingQuantity": "" if quantity is None else str(quantity),
        "PricingUnit": pricing_unit or unit or "",
        "RegionId": "us-east-1",
        "Tags": json.dumps(tags) if tags else "",
        "x_Extra": "",
    }


def csv_text(rows: list[dict[str, Any]], columns: tuple[str, ...] = COLUMNS) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def write(path: Path, rows: list[dict[str, Any]], columns: tuple[str, ...] = COLUMNS) -> Path:
    """Write *rows* as CSV, CSV.gz or Parquet, by the name's suffix."""
    text = csv_text(rows, columns)
    name = path.name.lower()
    if name.endswith(".csv.gz"):
        path.write_bytes(gzip.compress(text.encode()))
    elif name.endswith(".parquet"):
        staging = path.with_suffix(".staging.csv")
        staging.write_text(text)
        con = duckdb.connect()
        con.execute(
            f"COPY (SELECT * REPLACE (CAST(BilledCost AS DECIMAL(18,6)) AS BilledCost, "
            f"CAST(EffectiveCost AS DECIMAL(18,6)) AS EffectiveCost, "
            f"CAST(ChargePeriodStart AS TIMESTAMP) AS ChargePeriodStart, "
            f"CAST(ChargePeriodEnd AS TIMESTAMP) AS ChargePeriodEnd) "
            f"FROM read_csv('{staging}', all_varchar = true)) TO '{path}' (FORMAT parquet)"
        )
        con.close()
        staging.unlink()
    else:
        path.write_text(text)
    return path


def days(start: date, count: int) -> list[date]:
    return [start + timedelta(days=i) for i in range(count)]
