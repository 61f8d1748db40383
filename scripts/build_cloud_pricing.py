#!/usr/bin/env python3
"""Build aicost's GCP and Azure price tables from dated public snapshots.

Writes ``pricing/gcp/compute.json``, ``pricing/gcp/tpu.json`` and ``pricing/azure/vm.json``
from the reference files in ``--reference DIR`` (default ``tests/fixtures/reference``, the
vendored snapshots) and the extract kept in ``pricing/sources/``. Standard library only, no
network, deterministic.

    python scripts/build_cloud_pricing.py             # regenerate the tables
    python scripts/build_cloud_pricing.py --check     # exit 1 if the committed files are stale

Every non-null price has a ``basis``: a source id, or a string starting with ``estimate:``
that states how it was computed. Where no source has a number the cell is ``null`` (GCP
committed-use prices, Azure spot, reservation and Windows prices): ``aicost pricing refresh``
fills them from the providers' APIs. ``pricing/README.md`` explains each anomaly handled here.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import azure_retail
import gcp_a3
import gcp_cyclenerd

REPO_ROOT = Path(__file__).resolve().parent.parent
#: Every file the build reads is vendored in pricing/sources/ (see pricing/README.md).
DEFAULT_REFERENCE = REPO_ROOT / "pricing" / "sources"
LOCAL_SOURCES = REPO_ROOT / "pricing" / "sources"
DEFAULT_OUTPUT = REPO_ROOT / "pricing"
GENERATED_BY = "scripts/build_cloud_pricing.py"
SCHEMA_VERSION = 1
Q6 = Decimal("0.000001")

GCP_EXTRACT = "gcp-gpu-tpu-skypilot-v8-extract.csv"
GCP_LOCAL = "gcp-skypilot-v8-8427bbff-extract.csv"
AZURE_FILE = "azure-karpenter.json"

Json = Any


class BuildError(Exception):
    pass


def dec(value: str | float | Decimal) -> Decimal:
    return Decimal(str(value))


def text(value: Decimal | None) -> str | None:
    if value is None:
        return None
    normal = value.quantize(Q6, rounding=ROUND_HALF_UP).normalize()
    return format(normal, "f")


def number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


# --------------------------------------------------------------------------------------------
# GCP
# --------------------------------------------------------------------------------------------

SKYPILOT_EXTRACT_SOURCE = {
    "id": "skypilot-gcp-v8-2026",
    "file": GCP_EXTRACT,
    "origin": "skypilot-org/skypilot-catalog catalogs/v8/gcp/vms.csv (index version "
    "006059e0f18acb1341e22a27751e9f80df6ba92f; 57 rows copied verbatim, one zone per region)",
    "date": "2026",
    "licence": "Apache-2.0",
    "used_for": "host prices of a2 and a3-edgegpu/a3-highgpu-1g/2g machine types; per-device "
    "prices of attached accelerators; TPU prices",
}
SKYPILOT_LOCAL_SOURCE = {
    "id": "skypilot-gcp-v8-8427bbff",
    "file": f"pricing/sources/{GCP_LOCAL}",
    "origin": "skypilot-org/skypilot-catalog catalogs/v8/gcp/vms.csv @ "
    "8427bbff988abdd050a9f51addd314ef31cb4e85 (27 rows copied verbatim for this table)",
    "date": "undated (a later revision of the same catalog)",
    "licence": "Apache-2.0",
    "used_for": "host prices of a3-highgpu-4g/8g, a3-megagpu-8g, a3-ultragpu-8g and "
    "g2-standard-* (missing from the extract above)",
}
SUD_SOURCE = {
    "id": "gcp-sud-doc",
    "origin": "https://docs.cloud.google.com/compute/docs/sustained-use-discounts",
    "date": "2026",
    "used_for": "which resources receive sustained-use discounts and the incremental rates",
}

#: Accelerator types (GCP's names) -> display spec. Names follow the AWS tables (A100-80GB).
GCP_ACCELERATORS: dict[str, dict[str, Json]] = {
    "nvidia-tesla-k80": {"name": "K80", "memory_gib": 12},
    "nvidia-tesla-p4": {"name": "P4", "memory_gib": 8},
    "nvidia-tesla-p100": {"name": "P100", "memory_gib": 16},
    "nvidia-tesla-v100": {"name": "V100", "memory_gib": 16},
    "nvidia-tesla-t4": {"name": "T4", "memory_gib": 16},
    "nvidia-l4": {"name": "L4", "memory_gib": 24},
    "nvidia-tesla-a100": {"name": "A100", "memory_gib": 40},
    "nvidia-a100-80gb": {"name": "A100-80GB", "memory_gib": 80},
    "nvidia-h100-80gb": {"name": "H100", "memory_gib": 80},
    "nvidia-h100-mega-80gb": {"name": "H100", "memory_gib": 80},
    "nvidia-h200-141gb": {"name": "H200", "memory_gib": 141},
    "nvidia-b200": {"name": "B200", "memory_gib": 180},
    "nvidia-gb200": {"name": "GB200", "memory_gib": 186},
}
#: SkyPilot accelerator names -> GCP accelerator type.
SKYPILOT_GPU = {
    "A100": "nvidia-tesla-a100",
    "A100-80GB": "nvidia-a100-80gb",
    "B200": "nvidia-b200",
    "H100": "nvidia-h100-80gb",
    "H100-MEGA": "nvidia-h100-mega-80gb",
    "H200": "nvidia-h200-141gb",
    "L4": "nvidia-l4",
    "P100": "nvidia-tesla-p100",
    "T4": "nvidia-tesla-t4",
    "V100": "nvidia-tesla-v100",
}

#: Accelerator-optimised machine types: (vCPU, GiB, accelerator type, count).
GCP_ACCEL_MACHINES: dict[str, tuple[int, int, str, int]] = {
    "a2-highgpu-1g": (12, 85, "nvidia-tesla-a100", 1),
    "a2-highgpu-2g": (24, 170, "nvidia-tesla-a100", 2),
    "a2-highgpu-4g": (48, 340, "nvidia-tesla-a100", 4),
    "a2-highgpu-8g": (96, 680, "nvidia-tesla-a100", 8),
    "a2-megagpu-16g": (96, 1360, "nvidia-tesla-a100", 16),
    "a2-ultragpu-1g": (12, 170, "nvidia-a100-80gb", 1),
    "a2-ultragpu-2g": (24, 340, "nvidia-a100-80gb", 2),
    "a2-ultragpu-4g": (48, 680, "nvidia-a100-80gb", 4),
    "a2-ultragpu-8g": (96, 1360, "nvidia-a100-80gb", 8),
    "a3-highgpu-1g": (26, 234, "nvidia-h100-80gb", 1),
    "a3-highgpu-2g": (52, 468, "nvidia-h100-80gb", 2),
    "a3-highgpu-4g": (104, 936, "nvidia-h100-80gb", 4),
    "a3-highgpu-8g": (208, 1872, "nvidia-h100-80gb", 8),
    "a3-edgegpu-8g": (208, 1872, "nvidia-h100-80gb", 8),
    "a3-megagpu-8g": (208, 1872, "nvidia-h100-mega-80gb", 8),
    "a3-ultragpu-8g": (224, 2952, "nvidia-h200-141gb", 8),
    "a4-highgpu-8g": (224, 3968, "nvidia-b200", 8),
    "a4x-highgpu-4g": (140, 884, "nvidia-gb200", 4),
    "g2-standard-4": (4, 16, "nvidia-l4", 1),
    "g2-standard-8": (8, 32, "nvidia-l4", 1),
    "g2-standard-12": (12, 48, "nvidia-l4", 1),
    "g2-standard-16": (16, 64, "nvidia-l4", 1),
    "g2-standard-24": (24, 96, "nvidia-l4", 2),
    "g2-standard-32": (32, 128, "nvidia-l4", 1),
    "g2-standard-48": (48, 192, "nvidia-l4", 4),
    "g2-standard-96": (96, 384, "nvidia-l4", 8),
}
#: N1 shapes (GiB per vCPU) for the predefined types GPUs can be attached to.
N1_SHAPES = {"standard": Decimal("3.75"), "highmem": Decimal("6.5"), "highcpu": Decimal("0.9")}
N1_SIZES = {
    "standard": (1, 2, 4, 8, 16, 32, 64, 96),
    "highmem": (2, 4, 8, 16, 32, 64, 96),
    "highcpu": (2, 4, 8, 16, 32, 64, 96),
}
#: TPU generations: cores per chip in the accelerator-type suffix (v2-8 = 8 cores = 4 chips).
TPU_GENERATIONS: dict[str, Json] = {
    "v2": {"cores_per_chip": 2, "memory_gib": 16},
    "v3": {"cores_per_chip": 2, "memory_gib": 32},
    "v4": {"cores_per_chip": 2, "memory_gib": 32},
    "v5litepod": {"cores_per_chip": 1, "memory_gib": 16, "alias_of": "v5e"},
    "v5e": {"cores_per_chip": 1, "memory_gib": 16},
    "v5p": {"cores_per_chip": 2, "memory_gib": 95},
    "v6e": {"cores_per_chip": 1, "memory_gib": 32},
    "tpu7x": {"cores_per_chip": 2, "memory_gib": 192},  # Ironwood; no price in any snapshot
}
#: Sustained-use discount: incremental rate for each quarter of the month (Google's tables).
SUD_TIERS = {
    "n1": ["1", "0.8", "0.6", "0.4"],  # up to 30%: N1, and GPUs attached to N1
    "n2": ["1", "0.8678", "0.733", "0.6"],  # up to 20%: N2, N2D, C2
}


def _read_csv(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        raise BuildError(f"missing reference file {path}")
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _row(
    basis: dict[str, str], **columns: Decimal | None
) -> dict[str, Json]:  # column -> price text, basis only for non-null cells
    row: dict[str, Json] = {c: text(v) for c, v in columns.items()}
    row["basis"] = {c: basis[c] for c, v in columns.items() if v is not None and c in basis}
    return row


def build_gcp(reference: Path) -> dict[str, str]:
    extract = _read_csv(reference / GCP_EXTRACT)
    local = _read_csv(LOCAL_SOURCES / GCP_LOCAL)
    notes: list[str] = []
    ext_id, loc_id = SKYPILOT_EXTRACT_SOURCE["id"], SKYPILOT_LOCAL_SOURCE["id"]

    hosts: dict[str, dict[str, Json]] = {}
    gpu_rows: dict[str, dict[str, dict[int, tuple[Decimal, Decimal]]]] = {}
    tpu_rows: dict[str, dict[str, tuple[Decimal, Decimal, int]]] = {}
    for row in extract:
        region = row["Region"]
        price, spot = dec(row["Price"]), dec(row["SpotPrice"])
        if row["InstanceType"]:
            if row["InstanceType"] not in GCP_ACCEL_MACHINES:
                raise BuildError(f"unknown machine type {row['InstanceType']}")
            hosts.setdefault(region, {})[row["InstanceType"]] = _row(
                {"on_demand": ext_id, "spot": ext_id}, on_demand=price, spot=spot
            )
            continue
        name = row["AcceleratorName"]
        if name.startswith("tpu-"):
            generation, _, slice_size = name[4:].partition("-")
            if price == Decimal(700):
                notes.append(
                    f"{name} in {region}: 700.0 is SkyPilot's placeholder for 'not offered'; "
                    "dropped."
                )
                continue
            tpu_rows.setdefault(region, {})[f"{generation}-{slice_size}"] = (
                price,
                spot,
                int(slice_size),
            )
            continue
        kind = SKYPILOT_GPU.get(name)
        if kind is None:
            raise BuildError(f"unknown accelerator {name}")
        count = int(Decimal(row["AcceleratorCount"]))
        gpu_rows.setdefault(region, {}).setdefault(kind, {})[count] = (price, spot)
    for row in local:
        machine, region = row["InstanceType"], row["Region"]
        price, spot = dec(row["Price"]), dec(row["SpotPrice"])
        if price == 0:
            notes.append(
                f"{machine} in {region}: host price 0.0 in {loc_id} (SkyPilot lists the type "
                "but has no price); left null, so a4 machines are unpriced until a refresh."
            )
            continue
        if machine in hosts.get(region, {}):
            continue
        hosts.setdefault(region, {})[machine] = _row(
            {"on_demand": loc_id, "spot": loc_id}, on_demand=price, spot=spot
        )

    # g2 sizes missing from both extracts: G2 host prices are linear in vCPU (4 GiB per vCPU).
    for machines in hosts.values():
        base = machines.get("g2-standard-16")
        if base is None:
            continue
        for vcpus in (8, 48, 96):
            name = f"g2-standard-{vcpus}"
            factor = Decimal(vcpus) / 16
            od, sp = dec(base["on_demand"]) * factor, dec(base["spot"]) * factor
            how = (
                f"estimate:g2-standard-16 host x {factor.normalize()} (G2 host prices are "
                f"linear in vCPU and memory; {loc_id})"
            )
            machines[name] = _row({"on_demand": how, "spot": how}, on_demand=od, spot=sp)

    # N1 hosts: no snapshot row. Google prices N1 predefined and A2 vCPU/RAM at the same
    # us-central1 rates; derive them from two A2 host rows.
    central = hosts["us-central1"]
    a2_high, a2_ultra = (
        dec(central["a2-highgpu-1g"]["on_demand"]),
        dec(central["a2-ultragpu-1g"]["on_demand"]),
    )
    ram = (a2_ultra - a2_high) / 85
    core = (a2_high - 85 * ram) / 12
    core, ram = core.quantize(Q6, ROUND_HALF_UP), ram.quantize(Decimal("0.0000001"), ROUND_HALF_UP)
    notes.append(
        f"N1 host prices (us-central1 only) are estimates: vCPU x {core} + GiB x {ram}, the A2 "
        "core and RAM rates solved from the a2-highgpu-1g (12 vCPU, 85 GiB) and a2-ultragpu-1g "
        "(12 vCPU, 170 GiB) host rows. Google charges the same us-central1 rates for N1 "
        "predefined and A2 vCPUs and memory; the result reproduces n1-standard-1's long-standing "
        "list price of 0.0475 per hour. N1 spot host prices are null."
    )
    machines_spec: dict[str, Json] = {}
    for shape, per_cpu in N1_SHAPES.items():
        for vcpus in N1_SIZES[shape]:
            name = f"n1-{shape}-{vcpus}"
            memory = per_cpu * vcpus
            od = core * vcpus + ram * memory
            gib = format(memory.normalize(), "f")
            how = f"estimate:N1 {vcpus} vCPU x {core} + {gib} GiB x {ram} ({ext_id})"
            central[name] = _row({"on_demand": how}, on_demand=od, spot=None)
            machines_spec[name] = {
                "family": "n1",
                "category": "general-purpose",
                "vcpu": vcpus,
                "memory_gib": number(memory),
                "sustained_use": "n1",
            }
    for name, (vcpu, mem_gib, kind, count) in GCP_ACCEL_MACHINES.items():
        spec = GCP_ACCELERATORS[kind]
        machines_spec[name] = {
            "family": name.split("-", 1)[0],
            "category": "accelerator-optimized",
            "vcpu": vcpu,
            "memory_gib": mem_gib,
            "sustained_use": None,
            "accelerator": {
                "type": kind,
                "name": spec["name"],
                "count": count,
                "memory_gib": spec["memory_gib"],
                "vendor": "nvidia",
                "kind": "gpu",
            },
        }
    for row_map in hosts.values():
        for row in row_map.values():
            row.setdefault("committed_1y", None)
            row.setdefault("committed_3y", None)

    # Per-device accelerator prices, checked for consistency across counts.
    accel_prices: dict[str, dict[str, Json]] = {}
    for region, kinds in sorted(gpu_rows.items()):
        for kind, by_count in sorted(kinds.items()):
            per = {c: (p / c, s / c) for c, (p, s) in by_count.items()}
            first = min(per)
            od, sp = per[first]
            for c, (p, s) in per.items():
                if abs(p - od) > Decimal("0.00001") or abs(s - sp) > Decimal("0.00001"):
                    raise BuildError(f"{kind} {region}: x{c} row disagrees with x{first}")
            basis = {"on_demand": ext_id, "spot": ext_id}
            accel_prices.setdefault(region, {})[kind] = {"od": od, "sp": sp, "basis": basis}
    # Anomalies (pricing/README.md): spot above on-demand, and >2x regional differences.
    central_acc = accel_prices["us-central1"]
    a100 = central_acc["nvidia-tesla-a100"]
    ratio = (a100["sp"] / a100["od"]).quantize(Decimal("0.0001"), ROUND_HALF_UP)
    a80 = central_acc["nvidia-a100-80gb"]
    if a80["sp"] > a80["od"]:
        observed = by_count_od(gpu_rows, "us-central1", "nvidia-a100-80gb")
        estimate = a80["sp"] / ratio
        notes.append(
            f"ANOMALY nvidia-a100-80gb us-central1: the extract's on-demand {text(a80['od'])} is "
            f"below its spot {text(a80['sp'])}, which spot never is, so it is not a list "
            "on-demand price (plausibly a commitment rate picked up by the catalog). on_demand "
            f"is an estimate instead: spot / {ratio}, the A100 40GB spot/on-demand ratio in "
            f"the same region ({text(estimate)})."
        )
        a80["od"] = estimate
        a80["basis"]["on_demand"] = (
            f"estimate:spot {text(a80['sp'])} / {ratio} (A100 40GB spot/on-demand ratio in "
            f"us-central1; the extract's on-demand {text(observed)} is below spot)"
        )
    h100c, h100e = central_acc["nvidia-h100-80gb"], accel_prices["us-east4"]["nvidia-h100-80gb"]
    if h100e["od"] > 2 * h100c["od"]:
        notes.append(
            f"ANOMALY nvidia-h100-80gb: on-demand {text(h100c['od'])} per GPU in us-central1 "
            f"against {text(h100e['od'])} in us-east4 (2.3x). Google prices A3 hosts identically "
            "in both regions (9.46006 for a3-highgpu-8g), and 4.20076 is 43% of the us-east4 "
            "rate, the size of a 3-year commitment discount, so the us-central1 on-demand cell is "
            "an estimate equal to the us-east4 rate. Spot prices are per region and kept as "
            "observed."
        )
        old = h100c["od"]
        h100c["od"] = h100e["od"]
        h100c["basis"]["on_demand"] = (
            f"estimate:us-east4 on-demand {text(h100e['od'])} (the extract's us-central1 value "
            f"{text(old)} is 0.43x of it; A3 host prices are equal in both regions)"
        )
    euro = accel_prices.get("europe-west4", {}).get("nvidia-tesla-a100")
    if euro is not None and euro["od"] * 2 < a100["od"] * Decimal("1.2"):
        notes.append(
            f"ANOMALY nvidia-tesla-a100 europe-west4: on-demand {text(euro['od'])} per GPU "
            f"against {text(a100['od'])} in us-central1, while the a2-highgpu-1g host there "
            "costs 10% more than in us-central1; its spot is 72% of it. No source explains the "
            "gap, so on_demand is left null there (spot kept as observed)."
        )
        euro["od"] = None
        euro["basis"].pop("on_demand")
    notes.append(
        "H200 (a3-ultragpu) and B200 (a4) per-GPU prices are the extract's us-central1 x8 rows / "
        "8; H100-MEGA (a3-megagpu) likewise. They could not be checked against a second region."
    )
    notes.append(
        "T4: the extract has no x1 row; the per-GPU price is the x2 row / 2 (0.70 / 2 = 0.35)."
    )
    accelerators: dict[str, Json] = {}
    for kind, spec in GCP_ACCELERATORS.items():
        accelerators[kind] = {
            "name": spec["name"],
            "memory_gib": spec["memory_gib"],
            "vendor": "nvidia",
            "kind": "gpu",
            "sustained_use": "n1",  # only when attached to an N1 machine
        }
    accel_json = {
        region: {
            kind: {
                "on_demand": text(item["od"]),
                "spot": text(item["sp"]),
                "committed_1y": None,
                "committed_3y": None,
                "basis": item["basis"],
            }
            for kind, item in sorted(kinds.items())
        }
        for region, kinds in sorted(accel_prices.items())
    }
    prices = {region: dict(sorted(m.items())) for region, m in sorted(hosts.items())}
    compute = {
        "table": "gcp-compute",
        "cloud": "gcp",
        "service": "compute",
        "layout": "gcp-compute",
        "schema_version": SCHEMA_VERSION,
        "generated_by": GENERATED_BY,
        "currency": "USD",
        "unit": "hour",
        "as_of": "2026",
        "sources": [SKYPILOT_EXTRACT_SOURCE, SKYPILOT_LOCAL_SOURCE, SUD_SOURCE],
        "notes": [
            "Rows without includes_accelerators are HOST-ONLY machine rates (vCPU + memory) "
            "per region; accelerator_prices are per device. Such a VM costs host + count x "
            "accelerator: for a3-edgegpu/a3-ultragpu/a4 the GPUs come with the machine type, "
            "for N1 they are guest accelerators. Nothing is counted twice.",
            "committed_1y / committed_3y are null where no snapshot has the machine's "
            "committed-use price (SkyPilot rows, accelerator_prices); a committed workload on "
            "those falls back to on-demand, shown as such. `aicost pricing refresh gcp` reads "
            "them from the Cloud Billing Catalog (usage_type Commit1Yr / Commit3Yr).",
            "Sustained-use discounts (gcp-sud-doc) are applied by aicost at pricing time, only "
            "to N1 hosts and to GPUs attached to N1 machines, only for on-demand use, and by the "
            "hours run: up to 30% for a full month (incremental rates 100/80/60/40% per quarter "
            "of the month). Accelerator-optimised machines (a2, a3, a4, g2) and their GPUs, and "
            "spot VMs, get none. Infracost applies a flat 30% to every GPU; that is wrong.",
            *sorted(set(notes)),
        ],
        "sustained_use": {
            series: {"tiers": tiers, "source": SUD_SOURCE["id"]}
            for series, tiers in SUD_TIERS.items()
        },
        "instances": dict(sorted(machines_spec.items())),
        "accelerators": dict(sorted(accelerators.items())),
        "prices": prices,
        "accelerator_prices": accel_json,
    }
    notes_list: list[str] = compute["notes"]  # type: ignore[assignment]
    notes_list.extend(gcp_cyclenerd.overlay(compute, LOCAL_SOURCES, GCP_ACCELERATORS))
    notes_list.extend(gcp_cyclenerd.overlay_gpus(compute, LOCAL_SOURCES))
    notes_list.extend(gcp_a3.overlay(compute, LOCAL_SOURCES))

    tpu_prices: dict[str, dict[str, Json]] = {}
    tpu_notes: list[str] = []
    for region, by_type in sorted(tpu_rows.items()):
        per_gen: dict[str, tuple[Decimal, Decimal, str]] = {}
        for name, (price, spot, cores) in sorted(by_type.items()):
            generation = name.split("-", 1)[0]
            chips = cores // int(TPU_GENERATIONS[generation]["cores_per_chip"])
            od, sp = price / chips, spot / chips
            if generation in per_gen:
                prev = per_gen[generation]
                if abs(prev[0] - od) > Decimal("0.00001"):
                    raise BuildError(f"TPU {name} {region}: per-chip price differs")
                continue
            per_gen[generation] = (od, sp, name)
        for generation, (od, sp, _name) in per_gen.items():
            tpu_prices.setdefault(region, {})[generation] = {
                "on_demand": text(od),
                "spot": text(sp),
                "committed_1y": None,
                "committed_3y": None,
                "basis": {"on_demand": ext_id, "spot": ext_id},
            }
    tpu_notes.append(
        "Per chip-hour. Chips come from the accelerator type: the number after v2/v3/v4/v5p "
        "counts TensorCores (2 per chip; v2-8 = 4 chips), after v5e/v5litepod/v6e it counts "
        "chips. Per-chip prices were checked equal across slice sizes (v6e-1 ... v6e-256)."
    )
    tpu_notes.append(
        "tpu-v5p-12288 = 6,144 chips at 25,804.8 per hour = 4.2 per chip-hour. v4 is sold only "
        "in us-central2 (tpu-v4-8 = 4 chips at 12.88)."
    )
    tpu = {
        "table": "gcp-tpu",
        "cloud": "gcp",
        "service": "tpu",
        "layout": "gcp-tpu",
        "schema_version": SCHEMA_VERSION,
        "generated_by": GENERATED_BY,
        "currency": "USD",
        "unit": "chip-hour",
        "as_of": "2026",
        "sources": [SKYPILOT_EXTRACT_SOURCE],
        "notes": tpu_notes + sorted({n for n in notes if n.startswith("tpu-")}),
        "generations": TPU_GENERATIONS,
        "instances": {},
        "prices": tpu_prices,
    }
    tpu_notes_list: list[str] = tpu["notes"]  # type: ignore[assignment]
    tpu_notes_list.extend(gcp_cyclenerd.overlay_tpu(tpu, LOCAL_SOURCES))
    return {"gcp/compute.json": dump(compute), "gcp/tpu.json": dump(tpu)}


def by_count_od(
    rows: dict[str, dict[str, dict[int, tuple[Decimal, Decimal]]]], region: str, kind: str
) -> Decimal:
    by_count = rows[region][kind]
    count = min(by_count)
    return by_count[count][0] / count


# --------------------------------------------------------------------------------------------
# Azure
# --------------------------------------------------------------------------------------------


def azure_source(pin: dict[str, Any], regions: int) -> dict[str, Any]:
    """The source entry of the pinned karpenter extract (``_source`` of its file)."""
    date = str(pin["generated_at"])[:10]
    return {
        "id": f"karpenter-azure-{date}",
        "file": f"pricing/sources/{AZURE_FILE}",
        "origin": f"{pin['repo']} {pin['path']} @ {pin['commit']} (Retail Prices API, "
        "priceType Consumption; only Standard_N* kept)",
        "date": date,
        "licence": "Apache-2.0",
        "used_for": f"on_demand (pay-as-you-go Linux) in {regions} regions",
    }


@dataclass(frozen=True)
class AzureGpu:
    name: str
    vendor: str
    memory_gib: int | None
    kind: str = "gpu"


_T4 = AzureGpu("T4", "nvidia", 16)
_V100 = AzureGpu("V100", "nvidia", 16)
_V100_32 = AzureGpu("V100", "nvidia", 32)
_A100_80 = AzureGpu("A100-80GB", "nvidia", 80)
_A100_40 = AzureGpu("A100", "nvidia", 40)
_H100 = AzureGpu("H100", "nvidia", 80)
_H100_NVL = AzureGpu("H100", "nvidia", 94)
_A10 = AzureGpu("A10", "nvidia", 24)
_M60 = AzureGpu("M60", "nvidia", 8)
_K80 = AzureGpu("K80", "nvidia", 12)

#: armSkuName -> (accelerator, count per VM) from the Azure VM size documentation.
AZURE_SIZES: dict[str, tuple[AzureGpu, float] | None] = {
    "Standard_NC4as_T4_v3": (_T4, 1),
    "Standard_NC8as_T4_v3": (_T4, 1),
    "Standard_NC16as_T4_v3": (_T4, 1),
    "Standard_NC64as_T4_v3": (_T4, 4),
    "Standard_NC6s_v3": (_V100, 1),
    "Standard_NC12s_v3": (_V100, 2),
    "Standard_NC24s_v3": (_V100, 4),
    "Standard_NC24rs_v3": (_V100, 4),
    "Standard_NC6_Promo": (_K80, 1),
    "Standard_NC12_Promo": (_K80, 2),
    "Standard_NC24_Promo": (_K80, 4),
    "Standard_NC24r_Promo": (_K80, 4),
    "Standard_NC24ads_A100_v4": (_A100_80, 1),
    "Standard_NC48ads_A100_v4": (_A100_80, 2),
    "Standard_NC96ads_A100_v4": (_A100_80, 4),
    "Standard_NC8ads_A10_v4": (_A10, 1 / 3),
    "Standard_NC16ads_A10_v4": (_A10, 2 / 3),
    "Standard_NC32ads_A10_v4": (_A10, 1),
    "Standard_NC40ads_H100_v5": (_H100_NVL, 1),
    "Standard_NC80adis_H100_v5": (_H100_NVL, 2),
    "Standard_NCC40ads_H100_v5": (_H100_NVL, 1),
    "Standard_ND40rs_v2": (_V100_32, 8),
    "Standard_ND40s_v2": (_V100_32, 8),
    "Standard_ND96asr_v4": (_A100_40, 8),
    "Standard_ND96asr_A100_v4": (_A100_40, 8),
    "Standard_ND96amsr_A100_v4": (_A100_80, 8),
    "Standard_ND96ams_A100_v4": (_A100_80, 8),
    "Standard_ND96isr_H100_v5": (_H100, 8),
    "Standard_ND96isrf_H100_v5": (_H100, 8),
    "Standard_ND96is_H100_v5": (_H100, 8),
    "Standard_ND96isf_H100_v5": (_H100, 8),
    "Standard_ND96is_flex_H100_v5": (_H100, 8),
    "Standard_ND96is_noIB_H100_v5": (_H100, 8),
    "Standard_ND96isr_H200_v5": (AzureGpu("H200", "nvidia", 141), 8),
    "Standard_ND96isr_MI300X_v5": (AzureGpu("MI300X", "amd", 192), 8),
    "Standard_ND96is_MI300X_v5": (AzureGpu("MI300X", "amd", 192), 8),
    "Standard_ND128isr_NDR_GB200_v6": (AzureGpu("GB200", "nvidia", 186), 4),
    "Standard_ND128isrf_NDR_GB200_v6": (AzureGpu("GB200", "nvidia", 186), 4),
    "Standard_NG8ads_V620_v1": (AzureGpu("Radeon Pro V620", "amd", 32), 0.25),
    "Standard_NG16ads_V620_v1": (AzureGpu("Radeon Pro V620", "amd", 32), 0.5),
    "Standard_NG32ads_V620_v1": (AzureGpu("Radeon Pro V620", "amd", 32), 1),
    "Standard_NG32adms_V620": (AzureGpu("Radeon Pro V620", "amd", 32), 1),
    "Standard_NM16ads_MA35D": (AzureGpu("Alveo MA35D", "amd", None, "media"), 1),
    "Standard_NP10s": (AzureGpu("Alveo U250", "xilinx", None, "fpga"), 1),
    "Standard_NP20s": (AzureGpu("Alveo U250", "xilinx", None, "fpga"), 2),
    "Standard_NP40s": (AzureGpu("Alveo U250", "xilinx", None, "fpga"), 4),
    "Standard_NV6_Promo": (_M60, 1),
    "Standard_NV12_Promo": (_M60, 2),
    "Standard_NV24_Promo": (_M60, 4),
    "Standard_NV12s_v3": (_M60, 1),
    "Standard_NV24s_v3": (_M60, 2),
    "Standard_NV48s_v3": (_M60, 4),
    "Standard_NV6s_v2": (_M60, 1),
    "Standard_NV12s_v2": (_M60, 2),
    "Standard_NV24s_v2": (_M60, 4),
    "Standard_NV4as_v4": (AzureGpu("Radeon Instinct MI25", "amd", 16), 0.125),
    "Standard_NV8as_v4": (AzureGpu("Radeon Instinct MI25", "amd", 16), 0.25),
    "Standard_NV16as_v4": (AzureGpu("Radeon Instinct MI25", "amd", 16), 0.5),
    "Standard_NV32as_v4": (AzureGpu("Radeon Instinct MI25", "amd", 16), 1),
    "Standard_NV6ads_A10_v5": (_A10, 1 / 6),
    "Standard_NV12ads_A10_v5": (_A10, 1 / 3),
    "Standard_NV18ads_A10_v5": (_A10, 0.5),
    "Standard_NV36ads_A10_v5": (_A10, 1),
    "Standard_NV36adms_A10_v5": (_A10, 1),
    "Standard_NV72ads_A10_v5": (_A10, 2),
    "Standard_NV4ads_V710_v5": (AzureGpu("Radeon Pro V710", "amd", 28), 1 / 6),
    "Standard_NV8ads_V710_v5": (AzureGpu("Radeon Pro V710", "amd", 28), 1 / 3),
    "Standard_NV12ads_V710_v5": (AzureGpu("Radeon Pro V710", "amd", 28), 0.5),
    "Standard_NV24ads_V710_v5": (AzureGpu("Radeon Pro V710", "amd", 28), 1),
    "Standard_NV28adms_V710_v5": (AzureGpu("Radeon Pro V710", "amd", 28), 1),
}


#: Azure's Windows Server licence on N-series sizes, per vCPU-hour (retail, USD). It is the
#: Windows - Linux pay-as-you-go difference on published rows (NC6s_v3 3.336 - 3.06 = 0.276
#: for 6 vCPU; ND96asr_v4 31.613 - 27.197 = 4.416 for 96 vCPU); ../shared/notes/price-sources.md.
WINDOWS_LICENCE_PER_VCPU = Decimal("0.046")
WINDOWS_SOURCE = {
    "id": "azure-windows-licence-2026",
    "date": "2026",
    "origin": (
        "Azure Windows VM pricing pages (azure.microsoft.com/pricing/details/virtual-machines/"
        "windows/): the Windows Server licence is billed per vCPU-hour on top of the Linux "
        "compute rate, 0.046 USD on N-series sizes (Windows - Linux pay-as-you-go on published "
        "rows, e.g. NC6s_v3 and ND96asr_v4)"
    ),
    "used_for": "windows_licence (an estimate: vCPU x 0.046) and windows_on_demand",
}


AZURE_SPOT_FILE = "azure-skypilot-v6-098741e7-extract.csv"
AZURE_SPOT_SOURCE = {
    "id": "skypilot-azure-v6-098741e7",
    "date": "2026",
    "file": f"pricing/sources/{AZURE_SPOT_FILE}",
    "origin": (
        "skypilot-org/skypilot-catalog catalogs/v6/azure/vms.csv @ "
        "098741e70562f65d7af1cceb81e33b284f742604: the Standard_N* rows, verbatim (read "
        "2026-12-04; undated upstream, its pay-as-you-go prices equal karpenter's of 2026-06-18)"
    ),
    "used_for": "spot (observed) where its on-demand equals the table's; windows_spot",
}


def azure_spot(reference: Path, prices: dict[str, dict[str, Json]]) -> tuple[int, int]:
    """Fill ``spot`` from SkyPilot's Azure rows that are not placeholders; (used, skipped)."""
    used = skipped = 0
    for item in _read_csv(reference / AZURE_SPOT_FILE):
        row = prices.get(item["Region"], {}).get(item["InstanceType"])
        if row is None or not item["Price"] or not item["SpotPrice"]:
            skipped += 1  # a size the table has no price for there, or no observation
            continue
        assert isinstance(row, dict)
        price, spot = dec(item["Price"]), dec(item["SpotPrice"])
        if price != dec(str(row["on_demand"])) or spot >= price * Decimal("0.9"):
            # another price generation, or a placeholder (spot equal to on-demand)
            skipped += 1
            continue
        basis = row["basis"]
        assert isinstance(basis, dict)
        row["spot"] = text(spot)
        basis["spot"] = AZURE_SPOT_SOURCE["id"]
        if row.get("windows_licence") is not None:
            row["windows_spot"] = text(spot + dec(str(row["windows_licence"])))
            basis["windows_spot"] = "estimate:spot + windows_licence"
        used += 1
    return used, skipped


def azure_vcpus(sku: str) -> int | None:
    """vCPUs from an Azure size name: ``Standard_ND96isr_H100_v5`` -> 96."""
    import re

    found = re.match(r"Standard_N[A-Z]*?(\d+)", sku)
    return int(found.group(1)) if found else None


def build_azure(reference: Path) -> dict[str, str]:
    path = reference / AZURE_FILE
    if not path.is_file():
        raise BuildError(f"missing reference file {path}")
    document = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    raw = document["initialOnDemandPrices"]
    notes: list[str] = []
    prices: dict[str, dict[str, Json]] = {}
    instances: dict[str, Json] = {}
    AZURE_SOURCE = azure_source(document["_source"], len(raw))
    src = AZURE_SOURCE["id"]
    for region, by_sku in sorted(raw.items()):
        for key, price in sorted(by_sku.items()):
            sku = key.strip()
            if sku != key:
                notes.append(
                    f"The source key {key!r} has trailing spaces (an upstream typo); it is "
                    f"stored as {sku!r}."
                )
            spec = AZURE_SIZES.get(sku, "missing")
            if spec == "missing" and "RTXPRO6000" not in sku:
                raise BuildError(f"no spec for Azure size {sku}; add it to AZURE_SIZES")
            vcpus = azure_vcpus(sku)
            row: dict[str, Json] = {
                "on_demand": text(dec(price)),
                "spot": None,
                "reserved_1y": None,
                "reserved_3y": None,
                "windows_on_demand": None,
                "windows_spot": None,
                "windows_licence": None,
                "basis": {"on_demand": src},
            }
            if vcpus:
                licence = WINDOWS_LICENCE_PER_VCPU * vcpus
                how = f"estimate:{vcpus} vCPU x {WINDOWS_LICENCE_PER_VCPU} ({WINDOWS_SOURCE['id']})"
                row["windows_licence"] = text(licence)
                row["windows_on_demand"] = text(dec(price) + licence)
                row["basis"] = {
                    "on_demand": src,
                    "windows_licence": how,
                    "windows_on_demand": "estimate:on_demand + windows_licence",
                }
            prices.setdefault(region, {})[sku] = row
            entry: dict[str, Json] = {"family": azure_family(sku)}
            if vcpus:
                entry["vcpu"] = vcpus
            if isinstance(spec, tuple):
                gpu, count = spec
                entry["accelerator"] = {
                    "name": gpu.name,
                    "vendor": gpu.vendor,
                    "kind": gpu.kind,
                    "count": round(count, 4) if count != int(count) else int(count),
                    "memory_gib": gpu.memory_gib,
                }
            else:
                entry["accelerator"] = {
                    "name": "RTX PRO 6000",
                    "vendor": "nvidia",
                    "kind": "gpu",
                    "count": None,
                    "memory_gib": 96,
                }
            instances[sku] = entry
    spot_count, skipped = azure_spot(reference, prices)
    rtx = {s: prices["eastus"].get(s, {}).get("on_demand") for s in instances if "RTXPRO" in s}
    notes.append(
        "ANOMALY NC RTXPRO6000BSE v6 sizes: several prices do not grow with size "
        f"(eastus: NC132ds {rtx.get('Standard_NC132ds_xl_RTXPRO6000BSE_v6')}, NC144ds "
        f"{rtx.get('Standard_NC144ds_xl_RTXPRO6000BSE_v6')}; NC144ds = NC144lds = NC132lds; "
        f"NC288ds = NC288lds = {rtx.get('Standard_NC288ds_xl_RTXPRO6000BSE_v6')}). They are kept "
        "as published (they are the API's retail prices on that date) but their GPU count is "
        "unknown to aicost, so these sizes report no GPU count. Verify with a refresh."
    )
    notes.append(
        "windows_licence is an estimate (vCPU x 0.046 per hour, azure-windows-licence-2026) and "
        "windows_on_demand = on_demand + windows_licence. A Windows VM bought as spot or reserved "
        "is priced at the Linux rate of that option plus the licence (Azure reservations and "
        "savings plans cover compute only; the licence is billed by the hour on top).",
    )
    notes.append(
        f"spot is observed for {spot_count} (region, size) rows from {AZURE_SPOT_SOURCE['id']} "
        "(SkyPilot's Azure catalog v6, US regions only): used only where its pay-as-you-go price "
        "equals this table's karpenter price exactly (the same price generation) and its spot is "
        f"below 90% of it. {skipped} rows were left out: the H100 sizes (NC40ads, NC80adis, "
        "ND96isr), whose spot equals on-demand (a placeholder), rows without a price, sizes "
        "this table has no price for in that region and rows whose on-demand differs. "
        "windows_spot = spot + windows_licence (an estimate). reserved_1y, reserved_3y and "
        "savings plans are null: the snapshot holds pay-as-you-go Linux prices only and no "
        "public file with Azure reservation prices was found; `aicost pricing refresh azure` "
        "fills them from the Retail Prices API. Until then spot outside these rows, and every "
        "reserved workload, is priced at the on-demand rate and the report says so."
    )
    notes.append(
        "Azure ML compute clusters and instances are billed at the underlying VM's price and are "
        "priced from this table."
    )
    table = {
        "table": "azure-vm",
        "cloud": "azure",
        "service": "vm",
        "layout": "azure-vm",
        "schema_version": SCHEMA_VERSION,
        "generated_by": GENERATED_BY,
        "currency": "USD",
        "unit": "hour",
        "as_of": AZURE_SOURCE["date"],
        "sources": [AZURE_SOURCE, WINDOWS_SOURCE, AZURE_SPOT_SOURCE],
        "notes": sorted(set(notes)),
        "instances": dict(sorted(instances.items())),
        "prices": prices,
    }
    azure_notes: list[str] = table["notes"]
    azure_notes.extend(azure_retail.overlay(table, LOCAL_SOURCES, text))
    return {"azure/vm.json": dump(table)}


def azure_family(sku: str) -> str:
    """``Standard_ND96isr_H100_v5`` -> ``nd-h100-v5``; ``Standard_NC24ads_A100_v4`` -> ..."""
    parts = sku.removeprefix("Standard_").split("_")
    head = "".join(ch for ch in parts[0] if not ch.isdigit())
    series = head[:3] if head.startswith(("NCC",)) else head[:2]
    rest = [p for p in parts[1:] if p not in ("Promo",)]
    return "-".join([series.lower(), *[p.lower() for p in rest]]) if rest else series.lower()


def dump(table: dict[str, Json]) -> str:
    return json.dumps(table, indent=2, sort_keys=True, ensure_ascii=True) + "\n"


def build(reference: Path) -> dict[str, str]:
    return {**build_gcp(reference), **build_azure(reference)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--check", action="store_true", help="exit 1 if the files are stale")
    args = parser.parse_args(argv)
    try:
        files = build(args.reference)
    except (BuildError, KeyError, OSError, ValueError) as exc:
        print(f"build_cloud_pricing: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    output: Path = args.output
    if args.check:
        stale = [
            n
            for n, t in files.items()
            if not (output / n).is_file() or (output / n).read_text(encoding="utf-8") != t
        ]
        for name in stale:
            print(f"build_cloud_pricing: {output / name} is out of date", file=sys.stderr)
        return 1 if stale else 0
    for name, content in files.items():
        (output / name).parent.mkdir(parents=True, exist_ok=True)
        (output / name).write_text(content, encoding="utf-8", newline="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
