"""A3 Edge and A3 Ultra in more regions, from SkyPilot's GCP catalog @ 8427bbff.

Reads ``pricing/sources/gcp-skypilot-v8-8427bbff-a3-extract.csv`` (rows of
skypilot-org/skypilot-catalog ``catalogs/v8/gcp/vms.csv`` @ 8427bbff, copied verbatim, one
zone per region: the a3-edgegpu-8g, a3-highgpu-8g and a3-ultragpu-8g host rows and the H100
and H200 x8 rows) and adds to the GCP compute table:

* **a3-edgegpu-8g** where SkyPilot prices its host exactly like a3-highgpu-8g's in the same
  region (on-demand and spot) and Cyclenerd has a3-highgpu-8g's whole-machine price there: the
  row is that whole-machine price (on-demand, spot, 1/3-year committed use), labelled an
  estimate. Both types carry 8 H100 80GB; SkyPilot's host + 8 x its own H100 row is not used,
  because its H100 on-demand rows are unreliable (below).
* **a3-ultragpu-8g** host rows (observed) in every region SkyPilot lists, and per-GPU H200
  prices where they are list prices: SkyPilot's H200 on-demand is kept only where its ratio to
  us-central1's equals the a3-ultragpu-8g host's ratio (Google applies one regional multiplier
  to an A3 machine's host and GPUs; for H100 that was checked against Cyclenerd). Elsewhere
  the H200 on-demand cell (36.60258 for 8, half of us-central1's while the host costs more,
  and below its own spot in three regions) is left null and spot is kept as observed.

The H100 rule is the cross-check: SkyPilot's a3-highgpu-8g host + its H100 x8 row equals
Cyclenerd's a3-highgpu-8g whole-machine price within 1.5% (Cyclenerd's includes the bundled
6 TB local SSD) in 11 regions; in 6 others the H100 row is 33.60609 (4.20076 per GPU), about
0.4x of that, and is not a list on-demand price.
"""

from __future__ import annotations

import csv
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

FILE = "gcp-skypilot-v8-8427bbff-a3-extract.csv"
SOURCE: dict[str, Any] = {
    "id": "skypilot-gcp-v8-8427bbff-a3",
    "date": "undated (a later revision of the v8 catalog)",
    "licence": "Apache-2.0",
    "origin": (
        "skypilot-org/skypilot-catalog catalogs/v8/gcp/vms.csv @ "
        "8427bbff988abdd050a9f51addd314ef31cb4e85 (a3-edgegpu-8g, a3-highgpu-8g, a3-ultragpu-8g "
        "host rows and H100/H200 x8 rows, copied verbatim, one zone per region; read "
        "2026-12-04)"
    ),
    "file": f"pricing/sources/{FILE}",
    "used_for": "a3-ultragpu-8g hosts and H200 per-GPU prices by region; which regions price "
    "a3-edgegpu-8g like a3-highgpu-8g",
}
GPU = {"H100": "nvidia-h100-80gb", "H200": "nvidia-h200-141gb"}
COLUMNS = ("on_demand", "spot", "committed_1y", "committed_3y")
#: Cyclenerd's whole-machine price includes the bundled local SSD SkyPilot's host leaves out.
SSD_TOLERANCE = Decimal("0.015")


def _text(value: Decimal | None) -> str | None:
    if value is None:
        return None
    return format(value.quantize(Decimal("0.000001"), ROUND_HALF_UP).normalize(), "f")


Rows = dict[tuple[str, str], dict[str, str]]


def _read(sources: Path) -> tuple[Rows, dict[str, dict[str, str]]]:
    """(host rows by (machine, region), GPU rows by ``name|region``)."""
    with (sources / FILE).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    hosts = {(r["InstanceType"], r["Region"]): r for r in rows if r["InstanceType"]}
    gpus = {f"{r['AcceleratorName']}|{r['Region']}": r for r in rows if not r["InstanceType"]}
    return hosts, gpus


def h100_list_regions(sources: Path, compute: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Regions whose SkyPilot H100 x8 row is a list price (host + 8 GPUs = Cyclenerd's
    a3-highgpu-8g within the SSD tolerance) and those whose row is not."""
    hosts, gpus = _read(sources)
    agree: list[str] = []
    disagree: list[str] = []
    for (machine, region), host in sorted(hosts.items()):
        gpu = gpus.get(f"H100|{region}")
        whole = compute["prices"].get(region, {}).get("a3-highgpu-8g") or {}
        if machine != "a3-highgpu-8g" or gpu is None or not whole.get("includes_accelerators"):
            continue
        ratio = (Decimal(host["Price"]) + Decimal(gpu["Price"])) / Decimal(whole["on_demand"])
        (agree if 1 - SSD_TOLERANCE <= ratio <= 1 else disagree).append(region)
    return agree, disagree


def _edge_rows(compute: dict[str, Any], hosts: Rows) -> int:
    prices: dict[str, dict[str, Any]] = compute["prices"]
    added = 0
    for (machine, region), edge in sorted(hosts.items()):
        high = hosts.get(("a3-highgpu-8g", region))
        whole = prices.get(region, {}).get("a3-highgpu-8g") or {}
        if machine != "a3-edgegpu-8g" or high is None or "a3-edgegpu-8g" in prices[region]:
            continue
        same = (edge["Price"], edge["SpotPrice"]) == (high["Price"], high["SpotPrice"])
        if not same or not whole.get("includes_accelerators"):
            continue
        how = (
            f"estimate:a3-highgpu-8g whole-machine price in {region} "
            f"({whole['basis']['on_demand']}); {SOURCE['id']} prices the a3-edgegpu-8g host "
            f"there exactly as a3-highgpu-8g's ({edge['Price']}, spot {edge['SpotPrice']}) "
            "and both carry 8 H100 80GB"
        )
        row: dict[str, Any] = {c: whole.get(c) for c in COLUMNS}
        row["includes_accelerators"] = True
        row["basis"] = {c: how for c in COLUMNS if row[c] is not None}
        prices[region]["a3-edgegpu-8g"] = row
        added += 1
    return added


def _ultra_rows(
    compute: dict[str, Any], hosts: Rows, gpus: dict[str, dict[str, str]]
) -> tuple[list[str], list[str]]:
    prices: dict[str, dict[str, Any]] = compute["prices"]
    accel: dict[str, dict[str, Any]] = compute["accelerator_prices"]
    sid = SOURCE["id"]
    base_host = Decimal(hosts[("a3-ultragpu-8g", "us-central1")]["Price"])
    base_gpu = Decimal(gpus["H200|us-central1"]["Price"])
    kept: list[str] = []
    nulled: list[str] = []
    for (machine, region), host in sorted(hosts.items()):
        if machine != "a3-ultragpu-8g":
            continue
        if machine not in prices.setdefault(region, {}):
            cells = {"on_demand": Decimal(host["Price"]), "spot": Decimal(host["SpotPrice"])}
            out: dict[str, Any] = {c: _text(v) for c, v in cells.items()}
            out.update(committed_1y=None, committed_3y=None)
            out["basis"] = dict.fromkeys(cells, sid)
            prices[region][machine] = out
        gpu = gpus.get(f"H200|{region}")
        if gpu is None or "nvidia-h200-141gb" in accel.get(region, {}):
            continue
        host_ratio = Decimal(host["Price"]) / base_host
        gpu_ratio = Decimal(gpu["Price"]) / base_gpu
        list_price = abs(gpu_ratio / host_ratio - 1) < Decimal("0.01")
        spot = Decimal(gpu["SpotPrice"]) / 8 if gpu["SpotPrice"] else None
        on_demand = Decimal(gpu["Price"]) / 8 if list_price else None
        (kept if list_price else nulled).append(region)
        row: dict[str, Any] = {
            "on_demand": _text(on_demand),
            "spot": _text(spot),
            "committed_1y": None,
            "committed_3y": None,
        }
        row["basis"] = {c: sid for c in ("on_demand", "spot") if row[c] is not None}
        accel.setdefault(region, {})["nvidia-h200-141gb"] = row
    return kept, nulled


def overlay(compute: dict[str, Any], sources: Path) -> list[str]:
    """Add the A3 Edge and A3 Ultra rows; returns notes."""
    hosts, gpus = _read(sources)
    agree, disagree = h100_list_regions(sources, compute)
    edges = _edge_rows(compute, hosts)
    kept, nulled = _ultra_rows(compute, hosts, gpus)
    compute["prices"] = {r: dict(sorted(m.items())) for r, m in sorted(compute["prices"].items())}
    compute["accelerator_prices"] = {
        r: dict(sorted(k.items())) for r, k in sorted(compute["accelerator_prices"].items())
    }
    compute["sources"].append(SOURCE)
    return [
        f"a3-edgegpu-8g in {edges} more regions is an estimate: Cyclenerd's a3-highgpu-8g "
        "whole-machine price (on-demand, spot, committed use) where SkyPilot prices both hosts "
        f"identically ({SOURCE['id']}).",
        f"H100 check ({SOURCE['id']} against Cyclenerd): SkyPilot's a3-highgpu-8g host + H100 x8 "
        f"is Cyclenerd's whole-machine price less its bundled local SSD in {len(agree)} regions "
        f"({', '.join(agree)}); in {len(disagree)} ({', '.join(disagree)}) its H100 row is "
        "33.60609 (4.20076 per GPU), about 0.4x, not a list on-demand price.",
        f"H200 per-GPU on-demand by region ({SOURCE['id']}): kept in {', '.join(kept)} (the same "
        "regional ratio as the a3-ultragpu-8g host); null in "
        f"{', '.join(nulled)}, where the row is 36.60258 for 8 GPUs, half of us-central1's "
        "while the host costs more, and below its own spot in three regions. Spot is kept as "
        "observed; a3-ultragpu-8g on-demand there is unpriced.",
    ]
