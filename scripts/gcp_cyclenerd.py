"""Overlay Cyclenerd's whole-machine GCP prices onto the composed gcp-compute table.

Read by ``scripts/build_cloud_pricing.py``. The inputs are the two CSVs that
``scripts/extract_gcp_cyclenerd.py`` cut from the pinned upstream ``pricing.yml``
(vendored in ``pricing/sources/``, so the build needs no network and no ../shared).

Cyclenerd's machine prices are the *whole* machine: vCPU, memory, the built-in GPUs and the
bundled local SSD of a2-ultragpu and a3 shapes. Such rows carry ``includes_accelerators:
true`` so the price book does not add the GPUs again. N1 rows are host-only (GPUs are
attached separately) and keep the N1 sustained-use rule. Committed-use prices are Cyclenerd's
``month_1y``/``month_3y`` over its 730-hour month.
"""

from __future__ import annotations

import csv
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

STEM = "gcp-cyclenerd"


def source(sources: Path) -> dict[str, Any]:
    """The pinned upstream file the extract came from (``gcp-cyclenerd.json``)."""
    pin = json.loads((sources / f"{STEM}.json").read_text(encoding="utf-8"))
    return {
        "id": f"cyclenerd-{pin['date']}",
        "date": pin["date"],
        "licence": pin["licence"],
        "origin": (
            f"{pin['repository']} {pin['path']} @ {pin['commit']} (generated {pin['generated']} "
            "from Google's Cloud Billing Catalog)"
        ),
        "file": f"pricing/sources/{STEM}-machines.csv, pricing/sources/{STEM}-prices.csv",
        "used_for": (
            "whole-machine on-demand, spot and 1/3-year committed-use prices of a2, a3-highgpu, "
            "a3-megagpu, g2, g4 and n1 machine types in every region Cyclenerd lists"
        ),
    }


MONTH = Decimal(730)
EXTRA_ACCELERATORS: dict[str, dict[str, Any]] = {
    "nvidia-rtx-pro-6000": {"name": "RTX PRO 6000", "memory_gib": 96},
}


def _dec(value: str) -> Decimal | None:
    if value in ("", None):
        return None
    number = Decimal(value)
    return number if number > 0 else None


def _text(value: Decimal | None) -> str | None:
    if value is None:
        return None
    quantized = value.quantize(Decimal("0.000001"), ROUND_HALF_UP).normalize()
    return f"{quantized:f}"


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def overlay(compute: dict[str, Any], sources: Path, accelerators: dict[str, Any]) -> list[str]:
    """Replace the rows of every machine type Cyclenerd prices; returns notes."""
    pinned = source(sources)
    source_id = pinned["id"]
    machines = {
        m["machine_type"]: m
        for m in _read(sources / f"{STEM}-machines.csv")
        if not m["machine_type"].startswith("custom-")
    }
    every_row = _read(sources / f"{STEM}-prices.csv")
    rows = [r for r in every_row if r["machine_type"] in machines]
    compute["custom_rates"] = custom_rates(every_row, source_id)
    instances: dict[str, Any] = compute["instances"]
    prices: dict[str, dict[str, Any]] = compute["prices"]
    known = {**accelerators, **EXTRA_ACCELERATORS}
    for name, spec in machines.items():
        family = name.split("-", 1)[0]
        entry: dict[str, Any] = {
            "family": family,
            "vcpu": int(spec["cpu"]),
            "memory_gib": float(spec["ram_gib"])
            if "." in spec["ram_gib"]
            else int(spec["ram_gib"]),
            "category": "general-purpose" if family == "n1" else "accelerator-optimized",
            "sustained_use": "n1" if family == "n1" else None,
        }
        if spec["local_ssd_gb"]:
            entry["local_ssd_gb"] = int(spec["local_ssd_gb"])
        if spec["accelerator"]:
            kind = spec["accelerator"]
            if kind not in known:
                raise ValueError(f"{name}: unknown accelerator {kind}")
            count = Decimal(spec["count"])
            entry["accelerator"] = {
                "type": kind,
                "name": known[kind]["name"],
                "count": int(count) if count == count.to_integral_value() else float(count),
                "memory_gib": known[kind]["memory_gib"],
                "vendor": "nvidia",
                "kind": "gpu",
            }
        instances[name] = entry
        for by_type in prices.values():
            by_type.pop(name, None)
    for row in rows:
        name = row["machine_type"]
        includes = bool(machines[name]["accelerator"])
        y1, y3 = _dec(row["month_1y"]), _dec(row["month_3y"])
        cells = {
            "on_demand": _dec(row["hour"]),
            "spot": _dec(row["hour_spot"]),
            "committed_1y": y1 / MONTH if y1 is not None else None,
            "committed_3y": y3 / MONTH if y3 is not None else None,
        }
        out: dict[str, Any] = {c: _text(v) for c, v in cells.items()}
        out["basis"] = {c: source_id for c, v in cells.items() if v is not None}
        if includes:
            out["includes_accelerators"] = True
        prices.setdefault(row["region"], {})[name] = out
    for region in list(prices):
        prices[region] = dict(sorted(prices[region].items()))
    compute["prices"] = dict(sorted(prices.items()))
    compute["instances"] = dict(sorted(instances.items()))
    for kind, spec in EXTRA_ACCELERATORS.items():
        compute["accelerators"].setdefault(
            kind,
            {**spec, "vendor": "nvidia", "kind": "gpu", "sustained_use": "n1"},
        )
    compute["sources"].insert(0, pinned)
    return [
        f"custom_rates (from {source_id}): N1 custom machine types (custom-VCPUS-MB[-ext]) "
        "cost vCPUs x vcpu + GiB x memory_gib, the rates solved per region from Cyclenerd's "
        "custom-1-7680 and custom-2-10240 rows and checked against custom-4-30720 (us-central1: "
        "0.0331916 and 0.004446, Google's list rates). Memory above 6.5 GiB per vCPU is "
        "priced at the same rate and labelled an estimate (Google charges extended memory "
        "more). Other series' custom types are unpriced.",
        f"Rows with includes_accelerators (from {source_id}) are whole-machine prices: vCPU, "
        "memory, the built-in GPUs and the bundled local SSD of a2-ultragpu/a3 shapes; nothing "
        "is added to them. Other rows are host-only and GPUs are added per device.",
        f"committed_1y/committed_3y (from {source_id}) are Cyclenerd's month_1y/month_3y over "
        "a 730-hour month (resource-based CUDs). N1 on-demand is the list hour rate; aicost "
        "applies the sustained-use discount itself.",
    ]


TPU_FILE = "gcp-skypilot-v8-006059e0-tpu-extract.csv"
TPU_SOURCE: dict[str, Any] = {
    "id": "skypilot-gcp-v8-006059e0-tpu",
    "date": "2026",
    "licence": "Apache-2.0",
    "origin": (
        "skypilot-org/skypilot-catalog catalogs/v8/gcp/vms.csv @ "
        "006059e0f18acb1341e22a27751e9f80df6ba92f (rows copied verbatim, one zone per region)"
    ),
    "file": f"pricing/sources/{TPU_FILE}",
    "used_for": "TPU v2, v3, v4 (us-central2), v5e, v5p and v6e per-chip prices by region",
}
#: SkyPilot generation names -> the TPU table's.
TPU_ALIASES = {"v5litepod": "v5e"}
#: TensorCores per chip in the slice suffix.
TPU_CORES = {"v2": 2, "v3": 2, "v4": 2, "v5p": 2, "v5litepod": 1, "v5e": 1, "v6e": 1}
PLACEHOLDER = Decimal(700)


def overlay_tpu(tpu: dict[str, Any], sources: Path) -> list[str]:
    """Add per-region TPU rows from the vendored SkyPilot extract; returns notes."""
    notes: list[str] = []
    prices: dict[str, dict[str, Any]] = tpu["prices"]
    for row in _read(sources / TPU_FILE):
        generation, _, size = row["AcceleratorName"].removeprefix("tpu-").partition("-")
        chips = int(size) // TPU_CORES[generation]
        generation = TPU_ALIASES.get(generation, generation)
        price = Decimal(row["Price"])
        spot = Decimal(row["SpotPrice"] or "0")
        region = row["Region"]
        if price == PLACEHOLDER:
            continue
        cells = {
            "on_demand": price / chips,
            "spot": spot / chips if row["SpotPrice"] and spot != PLACEHOLDER else None,
            "committed_1y": None,
            "committed_3y": None,
        }
        existing = prices.get(region, {}).get(generation)
        if existing is not None:
            if Decimal(existing["on_demand"]) != cells["on_demand"]:
                raise ValueError(f"TPU {generation} {region}: extracts disagree")
            continue
        out: dict[str, Any] = {c: _text(v) for c, v in cells.items()}
        out["basis"] = {c: TPU_SOURCE["id"] for c, v in cells.items() if v is not None}
        prices.setdefault(region, {})[generation] = out
        if cells["spot"] is None:
            notes.append(f"tpu-{generation} in {region}: spot 700.0 is a placeholder; null.")
    tpu["prices"] = {r: dict(sorted(g.items())) for r, g in sorted(prices.items())}
    tpu["sources"].append(TPU_SOURCE)
    notes.append(
        "Regions other than us-central1 come from the TPU extract (one slice per generation and "
        "region: v2-8, v3-8/v3-32, v4-8 in us-central2, v5litepod-1, v5p-12288 = 6,144 chips, "
        "v6e-1; 700.0 'not offered' placeholders dropped). tpu7x (Ironwood) parses but has no "
        "price in any snapshot."
    )
    return notes


GPU_FILE = "gcp-skypilot-v8-006059e0-gpu-extract.csv"
GPU_SOURCE: dict[str, Any] = {
    "id": "skypilot-gcp-v8-006059e0-gpu",
    "date": "2026",
    "licence": "Apache-2.0",
    "origin": (
        "skypilot-org/skypilot-catalog catalogs/v8/gcp/vms.csv @ "
        "006059e0f18acb1341e22a27751e9f80df6ba92f (x1 rows copied verbatim, one zone per region)"
    ),
    "file": f"pricing/sources/{GPU_FILE}",
    "used_for": "per-GPU T4, P4, P100 and V100 prices (attached to N1) by region",
}
GPU_TYPES = {
    "T4": "nvidia-tesla-t4",
    "P4": "nvidia-tesla-p4",
    "P100": "nvidia-tesla-p100",
    "V100": "nvidia-tesla-v100",
}


def overlay_gpus(compute: dict[str, Any], sources: Path) -> list[str]:
    """Per-region prices of the GPUs attached to N1 machines; returns notes."""
    table: dict[str, dict[str, Any]] = compute["accelerator_prices"]
    added = 0
    for row in _read(sources / GPU_FILE):
        kind = GPU_TYPES[row["AcceleratorName"]]
        count = Decimal(row["AcceleratorCount"])
        cells = {
            "on_demand": Decimal(row["Price"]) / count,
            "spot": Decimal(row["SpotPrice"]) / count if row["SpotPrice"] else None,
            "committed_1y": None,
            "committed_3y": None,
        }
        existing = table.get(row["Region"], {}).get(kind)
        if existing is not None:
            if existing.get("on_demand") and Decimal(existing["on_demand"]) != cells["on_demand"]:
                raise ValueError(f"{kind} {row['Region']}: GPU extracts disagree")
            continue
        out: dict[str, Any] = {c: _text(v) for c, v in cells.items()}
        out["basis"] = {c: GPU_SOURCE["id"] for c, v in cells.items() if v is not None}
        table.setdefault(row["Region"], {})[kind] = out
        added += 1
    compute["accelerator_prices"] = {r: dict(sorted(k.items())) for r, k in sorted(table.items())}
    compute["sources"].append(GPU_SOURCE)
    return [
        f"T4, P4, P100 and V100 per-GPU prices in {added} more (region, GPU) cells come from "
        f"{GPU_SOURCE['id']} (SkyPilot's x1 rows; Google's list prices: T4 0.35, P100 1.46, "
        "V100 2.48 in us-central1)."
    ]


def custom_rates(rows: list[dict[str, str]], source_id: str) -> dict[str, Any]:
    """N1 custom machine rates per region: per vCPU-hour and per GiB-hour, solved from
    Cyclenerd's custom-1-7680 and custom-2-10240 rows (c + 7.5 r, 2c + 10 r) and checked
    against custom-4-30720 (4c + 30 r). us-central1 gives 0.0331916 and 0.004446, Google's
    published N1 custom rates."""
    by_region: dict[str, dict[str, dict[str, str]]] = {}
    for row in rows:
        if row["machine_type"].startswith("custom-"):
            by_region.setdefault(row["region"], {})[row["machine_type"]] = row
    columns = {
        "on_demand": ("hour", Decimal(1)),
        "spot": ("hour_spot", Decimal(1)),
        "committed_1y": ("month_1y", MONTH),
        "committed_3y": ("month_3y", MONTH),
    }
    result: dict[str, Any] = {}
    for region, found in sorted(by_region.items()):
        one, two = found.get("custom-1-7680-ext"), found.get("custom-2-10240-ext")
        four = found.get("custom-4-30720-ext")
        if one is None or two is None:
            continue
        vcpu: dict[str, str | None] = {}
        memory: dict[str, str | None] = {}
        for column, (field, divisor) in columns.items():
            p1, p2 = _dec(one[field]), _dec(two[field])
            if p1 is None or p2 is None:
                vcpu[column] = memory[column] = None
                continue
            p1, p2 = p1 / divisor, p2 / divisor
            r = (2 * p1 - p2) / 5
            c = p1 - Decimal("7.5") * r
            p4 = _dec(four[field]) if four is not None else None
            if p4 is not None and abs((4 * c + 30 * r) / (p4 / divisor) - 1) > Decimal("0.001"):
                raise ValueError(f"custom rates in {region} ({column}) are not linear")
            vcpu[column] = f"{c.quantize(Decimal('0.0000001')).normalize():f}"
            memory[column] = f"{r.quantize(Decimal('0.0000001')).normalize():f}"
        result[region] = {
            "n1": {
                "vcpu": vcpu,
                "memory_gib": memory,
                "basis": source_id,
            }
        }
    return result
