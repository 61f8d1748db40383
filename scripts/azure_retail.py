"""Overlay a recorded Azure Retail Prices API snapshot on the Azure VM table.

Reads the vendored extract ``pricing/sources/azure-retail-radar-extract.csv`` (N-series rows
of andy-diericks/azure-pricing-radar's ``data/latest/vm-*.json``, cut by
``scripts/extract_azure_retail.py``; its pin is ``azure-retail-radar.json``) and fills, for
every (region, size) whose Linux pay-as-you-go price equals the table's exactly (the same
price generation, and proof that the size name was matched right):

* ``spot``: the Linux ``... Spot`` meter, where spot is below 90% of pay-as-you-go and the
  table has no observed spot yet;
* ``savings_plan_1y``: the Linux item's 1-year savings-plan hourly price;
* ``windows_on_demand`` and ``windows_spot``: the Windows meters, observed;
* ``windows_licence``: Windows - Linux pay-as-you-go of the source, the difference of two
  observed prices (what a Windows VM on a savings plan or reservation pays on top of the
  Linux rate); its basis is the source id.

The snapshot has no ``armSkuName``: its ``skuName`` is matched to the table's size names
after dropping ``Standard_``, spaces and underscores, case-insensitively, and only where that
gives exactly one size. Low Priority meters (Azure Batch) are not used.
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

EXTRACT = "azure-retail-radar-extract.csv"
PIN = "azure-retail-radar.json"
SPOT_CEILING = Decimal("0.9")


def source(sources: Path) -> dict[str, Any]:
    pin = json.loads((sources / PIN).read_text(encoding="utf-8"))
    commit = str(pin["commit"])
    return {
        "id": f"azure-retail-radar-{pin['date']}",
        "file": f"pricing/sources/{EXTRACT}",
        "origin": (
            f"{pin['repository']} {', '.join(pin['paths'])} @ {commit}: Azure Retail Prices API "
            f"responses recorded at {pin['fetched_at']} ({pin['api']}); N-series rows, verbatim"
        ),
        "date": str(pin["date"]),
        "licence": str(pin["licence"]),
        "used_for": "spot, savings_plan_1y, windows_on_demand, windows_spot and the Windows "
        "licence in the regions it records (West Europe, North Europe, France Central, Sweden "
        "Central), where its Linux pay-as-you-go price equals the table's",
    }


def norm(name: str) -> str:
    """``Standard_NC24ads_A100_v4`` / ``NC24ads A100 v4`` -> ``nc24adsa100v4``."""
    return re.sub(r"[ _]", "", name.strip().lower().removeprefix("standard_"))


def _kind(row: dict[str, str]) -> tuple[str, str, bool] | None:
    """(normalised size, meter kind, windows) or None for Low Priority."""
    sku = row["sku_name"]
    kind = "payg"
    if sku.endswith(" Low Priority"):
        return None
    if sku.endswith(" Spot"):
        sku, kind = sku.removesuffix(" Spot"), "spot"
    product = row["product_name"]
    windows = product.endswith(" Windows") or product.endswith(" Win")
    return norm(sku), kind, windows


def _grouped(sources: Path) -> dict[tuple[str, str], dict[tuple[str, bool], list[dict[str, str]]]]:
    groups: dict[tuple[str, str], dict[tuple[str, bool], list[dict[str, str]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    with (sources / EXTRACT).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            found = _kind(row)
            if found is None:
                continue
            size, kind, windows = found
            groups[(row["region"], size)][(kind, windows)].append(row)
    return groups


def _one(rows: list[dict[str, str]], column: str = "retail_price") -> Decimal | None:
    """The single value of ``column`` over the rows (None if absent or ambiguous)."""
    values = {Decimal(r[column]) for r in rows if r[column]}
    return values.pop() if len(values) == 1 else None


def _fill(
    row: dict[str, Any], meters: dict[tuple[str, bool], list[dict[str, str]]], sid: str, text: Any
) -> list[str]:
    """Set the observed columns of one table row; returns the columns set."""
    basis: dict[str, str] = row["basis"]
    on_demand = Decimal(str(row["on_demand"]))
    linux = meters.get(("payg", False), [])
    done: list[str] = []
    spot = _one(meters.get(("spot", False), []))
    if spot is not None and spot < on_demand * SPOT_CEILING and "spot" not in basis:
        row["spot"], basis["spot"] = text(spot), sid
        done.append("spot")
    saving = _one(linux, "savings_plan_1y")
    if saving is not None and saving < on_demand:
        row["savings_plan_1y"], basis["savings_plan_1y"] = text(saving), sid
        done.append("savings_plan_1y")
    windows = _one(meters.get(("payg", True), []))
    if windows is not None and windows > on_demand:
        row["windows_on_demand"], basis["windows_on_demand"] = text(windows), sid
        row["windows_licence"] = text(windows - on_demand)
        basis["windows_licence"] = sid  # Windows - Linux pay-as-you-go, both from the source
        done.append("windows_on_demand")
        win_spot = _one(meters.get(("spot", True), []))
        if win_spot is not None:
            row["windows_spot"], basis["windows_spot"] = text(win_spot), sid
            done.append("windows_spot")
        elif row.get("spot") is not None:
            row["windows_spot"] = text(Decimal(str(row["spot"])) + windows - on_demand)
            basis["windows_spot"] = "estimate:spot + windows_licence"
    return done


def overlay(table: dict[str, Any], sources: Path, text: Any) -> list[str]:
    """Fill the table's rows from the snapshot; returns notes. ``text`` formats a Decimal."""
    src = source(sources)
    sid = str(src["id"])
    prices: dict[str, dict[str, Any]] = table["prices"]
    counts: dict[str, int] = defaultdict(int)
    skipped: list[str] = []
    for (region, size), meters in sorted(_grouped(sources).items()):
        by_norm: dict[str, list[str]] = defaultdict(list)
        for name in prices.get(region, {}):
            by_norm[norm(name)].append(name)
        names = by_norm.get(size, [])
        if len(names) != 1:
            continue  # a size the table has no (or no unique) row for in that region
        row = prices[region][names[0]]
        linux = _one(meters.get(("payg", False), []))
        if linux is None or linux != Decimal(str(row["on_demand"])):
            skipped.append(f"{names[0]} in {region} ({linux} against {row['on_demand']})")
            continue
        counts["rows"] += 1
        for column in _fill(row, meters, sid, text):
            counts[column] += 1
    table["sources"].append(src)
    notes = [
        f"{sid} ({src['origin'].split(':')[0]}) matched {counts['rows']} (region, size) rows "
        "whose Linux pay-as-you-go price equals this table's exactly; from it: spot "
        f"{counts['spot']}, savings_plan_1y {counts['savings_plan_1y']}, windows_on_demand "
        f"{counts['windows_on_demand']} and windows_spot {counts['windows_spot']} observed "
        "rows. There windows_licence = Windows - Linux pay-as-you-go (derived from two observed "
        "prices, not the 0.046/vCPU estimate). savings_plan_3y and reservations are not in "
        "the snapshot (it records 1-year savings plans only, and no Reservation items)."
    ]
    if skipped:
        notes.append(
            f"{sid}: {len(skipped)} rows left out because their pay-as-you-go price differs "
            f"from the table's (another price generation): {'; '.join(skipped)}."
        )
    return notes
