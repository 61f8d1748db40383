"""Look a machine, accelerator or TPU type up in every shipped price table
(``aicost pricing show``): what it is, and its price rows per region."""

from __future__ import annotations

from typing import Any

from aicost.pricing import TABLES
from aicost.pricing.catalog import PriceBook, PriceTable
from aicost.pricing.layouts import GcpComputeTable, GcpTpuTable


def find(book: PriceBook, wanted: str, region: str | None = None) -> list[dict[str, Any]]:
    """One entry per table that knows *wanted*: table, as_of, path, kind, spec, prices."""
    found: list[dict[str, Any]] = []
    seen: set[str] = set()
    for cloud, service in TABLES:
        table = book.table(cloud, service)
        if table is None or table.info.path in seen:
            continue
        seen.add(table.info.path)
        spec = table.spec(wanted)
        kind, rows = _rows(table, wanted, spec is not None)
        if not rows and spec is None:
            continue
        if region:
            rows = {r: v for r, v in rows.items() if r == region}
        found.append(
            {
                "table": table.info.id,
                "as_of": table.info.as_of,
                "path": table.info.path,
                "kind": kind,
                "spec": _spec_json(spec),
                "prices": rows,
            }
        )
    return found


def _rows(table: PriceTable, wanted: str, has_spec: bool) -> tuple[str, dict[str, Any]]:
    """(what a price is per, region -> price row) of *wanted* in *table*."""
    kind = "instance"
    rows: dict[str, Any] = {}
    if table.knows(wanted):
        for region in table.regions():
            row = table.row(region, wanted)
            if row is not None:
                rows[region] = row
    if isinstance(table, GcpComputeTable):
        accel = _gcp_accelerator(table, wanted, has_spec)
        if accel is not None:
            kind = "accelerator (per device)"
            rows = {
                region: by_type[accel]
                for region, by_type in sorted(table.accelerator_prices.items())
                if isinstance(by_type, dict) and accel in by_type
            }
    if isinstance(table, GcpTpuTable):
        parsed = table.parse(wanted)
        if parsed is not None:
            kind = f"per chip-hour; {wanted} has {parsed[1]} chips"
            rows = {
                region: by_gen[parsed[0]]
                for region, by_gen in sorted(table._prices.items())
                if isinstance(by_gen, dict) and parsed[0] in by_gen
            }
    return kind, rows


def _gcp_accelerator(table: GcpComputeTable, wanted: str, has_spec: bool) -> str | None:
    """The accelerator key *wanted* names (its key, or its display name)."""
    if wanted in table.accelerators:
        return wanted
    if has_spec:
        return None
    for key, item in table.accelerators.items():
        if isinstance(item, dict) and str(item.get("name", "")).lower() == wanted.lower():
            return str(key)
    return None


def _spec_json(spec: Any) -> dict[str, Any] | None:
    if spec is None:
        return None
    accel = spec.accelerator
    parts = [spec.family]
    if spec.vcpu:
        parts.append(f"{spec.vcpu} vCPU")
    if spec.memory_gib:
        parts.append(f"{spec.memory_gib:g} GiB")
    if accel is not None:
        memory = f" {accel.memory_gib} GB" if accel.memory_gib else ""
        parts.append(f"{accel.count:g}× {accel.name}{memory}")
    return {
        "family": spec.family,
        "vcpu": spec.vcpu,
        "memory_gib": spec.memory_gib,
        "accelerator": None
        if accel is None
        else {
            "name": accel.name,
            "count": accel.count,
            "kind": accel.kind,
            "memory_gib": accel.memory_gib,
        },
        "summary": ", ".join(parts),
    }
