"""What the price tables cover: per cloud, table and purchase option, how many
(region, type) cells are priced from a dated source, estimated, or missing.

``aicost pricing coverage`` prints it; the README quotes its summary. A cell is one price
column of one row (``prices[region][type]``, and GCP's ``accelerator_prices``). Columns a
table should have but no row carries count as missing in every row.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: (cloud, service) -> the purchase-option columns a complete table has.
EXPECTED: dict[tuple[str, str], tuple[str, ...]] = {
    ("aws", "ec2"): (
        "on_demand",
        "spot",
        "reserved_1y",
        "reserved_3y",
        "reserved_1y_partial_upfront",
        "reserved_1y_all_upfront",
        "reserved_3y_partial_upfront",
        "reserved_3y_all_upfront",
        "savings_plan_1y",
        "savings_plan_3y",
        "capacity_block",
        "windows_on_demand",
    ),
    ("aws", "sagemaker"): ("on_demand", "savings_plan_1y", "savings_plan_3y"),
    ("gcp", "compute"): ("on_demand", "spot", "committed_1y", "committed_3y"),
    ("gcp", "tpu"): ("on_demand", "spot", "committed_1y", "committed_3y"),
    ("azure", "vm"): (
        "on_demand",
        "spot",
        "reserved_1y",
        "reserved_3y",
        "savings_plan_1y",
        "savings_plan_3y",
        "windows_on_demand",
        "windows_spot",
    ),
}
#: Row keys that are not prices.
NOT_PRICES = frozenset({"basis", "includes_accelerators", "windows_licence", "list_on_demand"})


@dataclass
class Cell:
    priced: int = 0
    estimate: int = 0
    missing: int = 0

    @property
    def total(self) -> int:
        return self.priced + self.estimate + self.missing


@dataclass
class TableCoverage:
    table: str
    cloud: str
    service: str
    as_of: str
    path: str
    regions: int = 0
    types: int = 0
    rows: int = 0
    options: dict[str, Cell] = field(default_factory=dict)


def _rows(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    rows: list[Mapping[str, Any]] = []
    for section in ("prices", "accelerator_prices"):
        for by_type in (document.get(section) or {}).values():
            if isinstance(by_type, dict):
                rows.extend(r for r in by_type.values() if isinstance(r, dict))
    return rows


def table_coverage(document: Mapping[str, Any], path: str) -> TableCoverage:
    cloud, service = str(document.get("cloud")), str(document.get("service"))
    result = TableCoverage(
        str(document.get("table")), cloud, service, str(document.get("as_of")), path
    )
    prices = document.get("prices") or {}
    result.regions = len(prices)
    result.types = len({t for by_type in prices.values() for t in by_type})
    rows = _rows(document)
    result.rows = len(rows)
    columns = list(EXPECTED.get((cloud, service), ()))
    for row in rows:
        columns.extend(c for c in row if c not in NOT_PRICES and c not in columns)
    for column in columns:
        cell = result.options.setdefault(column, Cell())
        for row in rows:
            value = row.get(column)
            if value is None:
                cell.missing += 1
                continue
            basis = (row.get("basis") or {}).get(column, "")
            if str(basis).startswith("estimate"):
                cell.estimate += 1
            else:
                cell.priced += 1
    return result


def coverage(directories: list[Path] | None = None) -> list[TableCoverage]:
    """Coverage of every instance table ``check`` would read (tokens excluded)."""
    import json

    from aicost.pricing import TABLES
    from aicost.pricing.catalog import default_directories

    found: list[TableCoverage] = []
    for (cloud, service), relative in sorted(TABLES.items()):
        if (cloud, service) not in EXPECTED:
            continue
        for directory in directories or default_directories():
            path = directory / relative
            if path.is_file():
                document = json.loads(path.read_text(encoding="utf-8"))
                found.append(table_coverage(document, str(path)))
                break
    return found


def render(tables: list[TableCoverage]) -> str:
    lines: list[str] = []
    for table in tables:
        lines.append(
            f"{table.table} (as of {table.as_of}): {table.types} types x {table.regions} "
            f"regions, {table.rows} rows"
        )
        header = f"{'priced':>8} {'estimate':>9} {'missing':>8} {'priced %':>9}"
        width = max([18, *(len(column) for column in table.options)])
        lines.append(f"  {'purchase option':<{width}} {header}")
        for column, cell in table.options.items():
            share = 100 * cell.priced / cell.total if cell.total else 0.0
            lines.append(
                f"  {column:<{width}} {cell.priced:>8,} {cell.estimate:>9,} {cell.missing:>8,} "
                f"{share:>8.1f}%"
            )
        lines.append("")
    return "\n".join(lines)


def as_json(tables: list[TableCoverage]) -> list[dict[str, Any]]:
    return [
        {
            "table": t.table,
            "cloud": t.cloud,
            "service": t.service,
            "as_of": t.as_of,
            "path": t.path,
            "regions": t.regions,
            "types": t.types,
            "rows": t.rows,
            "options": {
                c: {"priced": v.priced, "estimate": v.estimate, "missing": v.missing}
                for c, v in t.options.items()
            },
        }
        for t in tables
    ]
