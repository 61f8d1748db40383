#!/usr/bin/env python3
"""Build aicost's AWS price tables from dated public snapshots.

Writes ``pricing/aws/ec2.json`` and ``pricing/aws/sagemaker.json`` from the reference files in
``--reference DIR`` (default: ``tests/fixtures/reference``, the vendored snapshots). The
script uses only the standard library, never touches the network, and is deterministic:
running it again over the same inputs reproduces the committed files byte for byte.

    python scripts/build_aws_pricing.py                  # regenerate pricing/aws/*.json
    python scripts/build_aws_pricing.py --check          # exit 1 if the committed files are stale
    python scripts/build_aws_pricing.py --output /tmp/x  # write somewhere else

How each column is derived (details in ``pricing/README.md``):

* ``on_demand``: us-east-1 from the karpenter snapshot (2026-07-20); every other region from the
  vantage/ec2instances.info snapshot (2026-01-21).
* ``spot``: observed where a source saw it: SkyPilot's per-zone median
  (``pricing/sources/aws-skypilot-v8-00148f2a-spot-extract.csv``), else the 2025-11-30
  ec2instances.info ``spot_avg``; otherwise an estimate, ``on_demand x ratio``, where ``ratio``
  is the median ``spot_avg / ondemand`` of the family's us-east-1 rows in the 2024-04-04
  ec2instances file (or the median over all its us-east-1 rows when the family has none).
* ``reserved_1y``: vantage ``reserved`` (1-yr Standard RI, no upfront, effective hourly).
* ``reserved_3y``, the partial/all-upfront RI columns and ``windows_on_demand``: the
  2025-11-30 ec2instances.info dump (``pricing/sources/aws-vantage-2025-11-30-extract.json``),
  where its on-demand price equals the table's.
* ``capacity_block``: AWS's Capacity Blocks page as scraped 2026-07-22
  (``pricing/sources/aws-capacity-blocks-2026-07-22.json``).
* SageMaker ``on_demand``: the FMBench value when listed, otherwise an estimate
  ``EC2 on_demand x ratio`` with the ratio observed between FMBench and EC2 prices.

Every non-null price carries a ``basis``: a source id, or a string starting with ``estimate:``
that states the multiplier used, so each estimate can be recomputed by hand.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import statistics
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REFERENCE = REPO_ROOT / "tests" / "fixtures" / "reference"
DEFAULT_OUTPUT = REPO_ROOT / "pricing" / "aws"
GENERATED_BY = "scripts/build_aws_pricing.py"
SCHEMA_VERSION = 1

KARPENTER_FILE = "aws-ec2-gpu-ondemand-us-east-1-karpenter-2026-07-20.json"
VANTAGE_FILE = "aws-ec2-gpu-ondemand-reserved1yr-vantage-2026-01-21.json"
EC2INSTANCES_FILE = "aws-ec2-gpu-ondemand-spot-ec2instances-2024-04-04.json"
SKYPILOT_FILE = "skypilot-aws-vms-v8-sample-g4dn.csv"
FMBENCH_FILE = "sagemaker-bedrock-pricing-fmbench.yml"

HOME_REGION = "us-east-1"
ESTIMATE_QUANTUM = Decimal("0.000001")  # estimates are rounded to 6 decimal places
RATIO_QUANTUM = Decimal("0.0001")  # ratios are rounded before use and printed in `basis`

PRICE_COLUMNS = (
    "on_demand",
    "spot",
    "reserved_1y",
    "reserved_3y",
    "reserved_1y_partial_upfront",
    "reserved_1y_all_upfront",
    "reserved_3y_partial_upfront",
    "reserved_3y_all_upfront",
    "windows_on_demand",
)
#: SageMaker rows keep the four original columns (hosting has no RIs or spot market).
SAGEMAKER_COLUMNS = PRICE_COLUMNS[:4]

Json = Any  # parsed JSON (numbers parsed as Decimal)


# --------------------------------------------------------------------------------------------
# Accelerator model names
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Model:
    """How a vantage ``gpu`` string maps to a normalised accelerator.

    ``names`` maps the per-device memory (GB, as the sources state it) to the normalised name;
    an empty mapping means the memory is unknown (``memory_gib: null``).
    """

    vendor: str
    kind: str
    names: Mapping[int, str]


VANTAGE_MODELS: dict[str, Model] = {
    "NVIDIA H100": Model("nvidia", "gpu", {80: "H100"}),
    "NVIDIA H200": Model("nvidia", "gpu", {141: "H200"}),
    "NVIDIA B200 Blackwell": Model("nvidia", "gpu", {179: "B200"}),
    "NVIDIA B300 Blackwell": Model("nvidia", "gpu", {262: "B300"}),
    "NVIDIA GB200 Grace Blackwell": Model("nvidia", "gpu", {185: "GB200"}),
    "NVIDIA A100": Model("nvidia", "gpu", {40: "A100", 80: "A100-80GB"}),
    "NVIDIA A10G": Model("nvidia", "gpu", {24: "A10G"}),
    "NVIDIA L4": Model("nvidia", "gpu", {24: "L4"}),
    "NVIDIA L40S": Model("nvidia", "gpu", {48: "L40S"}),
    "NVIDIA T4": Model("nvidia", "gpu", {16: "T4"}),
    "NVIDIA V100": Model("nvidia", "gpu", {16: "V100", 32: "V100"}),
    "NVIDIA K80": Model("nvidia", "gpu", {12: "K80"}),
    "NVIDIA M60": Model("nvidia", "gpu", {8: "M60"}),
    "NVIDIA GRID K520": Model("nvidia", "gpu", {4: "K520"}),
    "NVIDIA RTX PRO 6000 Blackwell": Model("nvidia", "gpu", {96: "RTX PRO 6000"}),
    "AMD Radeon Pro V520": Model("amd", "gpu", {8: "Radeon Pro V520"}),
    "AWS Inferentia": Model("aws", "neuron", {8: "Inferentia"}),
    "AWS Inferentia2": Model("aws", "neuron", {32: "Inferentia2"}),
    "AWS Trainium": Model("aws", "neuron", {32: "Trainium"}),
    "AWS Trainium2": Model("aws", "neuron", {96: "Trainium2"}),
    # Qualcomm Cloud AI 100 is an inference ASIC; the schema has no generic "asic" kind, so it is
    # filed with the other ML ASICs (vantage's own "Machine Learning ASIC Instances" family).
    "Qualcomm AI 100": Model("qualcomm", "neuron", {}),
}


@dataclass(frozen=True)
class Accelerator:
    name: str
    vendor: str
    kind: str
    count: Decimal  # may be fractional (g6f / gr6f GPU slices)
    memory_gib: int | None  # per device

    def to_json(self) -> dict[str, Json]:
        return {
            "name": self.name,
            "vendor": self.vendor,
            "kind": self.kind,
            "count": json_number(self.count),
            "memory_gib": self.memory_gib,
        }


@dataclass(frozen=True)
class Spec:
    family: str
    vcpu: int
    memory_gib: Decimal
    accelerator: Accelerator

    def to_json(self) -> dict[str, Json]:
        return {
            "family": self.family,
            "vcpu": self.vcpu,
            "memory_gib": json_number(self.memory_gib),
            "accelerator": self.accelerator.to_json(),
        }


@dataclass(frozen=True)
class FamilyOverride:
    """Replaces what vantage says about a family's accelerator (see FAMILY_OVERRIDES)."""

    name: str
    vendor: str
    kind: str
    memory_gib: int
    count_from_total_memory: bool  # count = 2024 total GPU memory / memory_gib


# Families whose vantage accelerator fields are wrong; each fix is stated in the table notes.
FAMILY_OVERRIDES: dict[str, FamilyOverride] = {
    # vantage: "ARM Mali-G78MP12", 4 GB. g5g carries NVIDIA T4G GPUs (2024 file: 16 GB per GPU).
    "g5g": FamilyOverride("T4G", "nvidia", "gpu", 16, count_from_total_memory=False),
    # vantage: "NVIDIA L40", 48 GB, count 0.125-0.5. These are fractional NVIDIA L4 slices.
    "g6f": FamilyOverride("L4", "nvidia", "gpu", 24, count_from_total_memory=False),
    "gr6f": FamilyOverride("L4", "nvidia", "gpu", 24, count_from_total_memory=False),
    # Both files count K80 boards (1/4/8); AWS counts GPUs (1/8/16 x 12 GiB). The 2024 file's
    # total GPU memory (12/96/192) gives the AWS count.
    "p2": FamilyOverride("K80", "nvidia", "gpu", 12, count_from_total_memory=True),
}


@dataclass(frozen=True)
class Supplement:
    """Spec for a type that only the karpenter price file lists (it carries no specs)."""

    vcpu: int | None  # None: take vCPU and memory from the 2024 ec2instances file
    memory_gib: int | None
    accelerator: Accelerator


def _acc(name: str, vendor: str, kind: str, count: int, memory: int | None) -> Accelerator:
    return Accelerator(name, vendor, kind, Decimal(count), memory)


# Accelerator facts from the AWS instance-type pages (DL1, F1, F2, VT1, G7); vCPU and memory come
# from the 2024 ec2instances file where it has the type. G7 sizes follow the AWS G7 launch
# (2026-06-18) as summarised in takech9203/aws-news-summary; F2 sizes follow the AWS F2 page.
SUPPLEMENTS: dict[str, Supplement] = {
    "dl1.24xlarge": Supplement(None, None, _acc("Gaudi", "habana", "hpu", 8, 32)),
    "f1.2xlarge": Supplement(
        None, None, _acc("Virtex UltraScale+ VU9P", "xilinx", "fpga", 1, None)
    ),
    "f1.4xlarge": Supplement(
        None, None, _acc("Virtex UltraScale+ VU9P", "xilinx", "fpga", 2, None)
    ),
    "f1.16xlarge": Supplement(
        None, None, _acc("Virtex UltraScale+ VU9P", "xilinx", "fpga", 8, None)
    ),
    "f2.6xlarge": Supplement(24, 256, _acc("Virtex UltraScale+ HBM VU47P", "amd", "fpga", 1, None)),
    "f2.12xlarge": Supplement(
        48, 512, _acc("Virtex UltraScale+ HBM VU47P", "amd", "fpga", 2, None)
    ),
    "f2.48xlarge": Supplement(
        192, 2048, _acc("Virtex UltraScale+ HBM VU47P", "amd", "fpga", 8, None)
    ),
    "g7.2xlarge": Supplement(8, 32, _acc("RTX PRO 4500", "nvidia", "gpu", 1, 32)),
    "g7.4xlarge": Supplement(16, 64, _acc("RTX PRO 4500", "nvidia", "gpu", 1, 32)),
    "g7.8xlarge": Supplement(32, 128, _acc("RTX PRO 4500", "nvidia", "gpu", 1, 32)),
    "g7.12xlarge": Supplement(48, 192, _acc("RTX PRO 4500", "nvidia", "gpu", 2, 32)),
    "g7.24xlarge": Supplement(96, 384, _acc("RTX PRO 4500", "nvidia", "gpu", 4, 32)),
    "g7.48xlarge": Supplement(192, 768, _acc("RTX PRO 4500", "nvidia", "gpu", 8, 32)),
    "vt1.3xlarge": Supplement(None, None, _acc("Alveo U30", "xilinx", "media", 1, None)),
    "vt1.6xlarge": Supplement(None, None, _acc("Alveo U30", "xilinx", "media", 2, None)),
    "vt1.24xlarge": Supplement(None, None, _acc("Alveo U30", "xilinx", "media", 8, None)),
}

# SageMaker ml.* families priced in sagemaker.json (GPU/accelerator families that the AWS SDK's
# SageMaker instance-type enums list for hosting or training and that have an EC2 price here).
SAGEMAKER_FAMILIES = (
    "g4dn", "g5", "g6", "g6e", "inf1", "inf2", "p3", "p3dn", "p4d", "p4de", "p5", "p5en",
    "p6-b200", "trn1", "trn1n",
)  # fmt: skip
# EC2 on-demand prices of these families were cut in June 2025, after the FMBench snapshot, so
# their FMBench/EC2 ratios are not used to derive the SageMaker markup.
PRICE_CUT_FAMILIES = ("p4d", "p4de", "p5")


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


class BuildError(Exception):
    """The reference data does not look the way this script expects."""


def load_json(path: Path) -> Json:
    with path.open(encoding="utf-8") as fh:
        return json.load(fh, parse_float=Decimal, parse_int=Decimal)


def fmt(value: Decimal) -> str:
    """Plain decimal string without exponent or trailing zeros ('4.0' -> '4')."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def estimate(base: Decimal, ratio: Decimal) -> str:
    return fmt((base * ratio).quantize(ESTIMATE_QUANTUM, rounding=ROUND_HALF_UP))


def median_ratio(values: Iterable[Decimal]) -> Decimal:
    return Decimal(statistics.median(list(values))).quantize(RATIO_QUANTUM, ROUND_HALF_UP)


def percent(fraction: Decimal) -> Decimal:
    return (fraction * 100).quantize(Decimal("1"), ROUND_HALF_UP)


def leading_number(text: str) -> Decimal | None:
    match = re.match(r"\s*(\d+(?:\.\d+)?)", text)
    return Decimal(match.group(1)) if match else None


def family_of(instance_type: str) -> str:
    name = instance_type.removeprefix("ml.")
    return name.split(".", 1)[0]


def size_of(instance_type: str) -> str:
    return instance_type.rsplit(".", 1)[1]


def iso_date(text: str, what: str) -> str:
    match = re.search(r"\d{4}-\d{2}-\d{2}", text)
    if not match:
        raise BuildError(f"no YYYY-MM-DD date in {what}: {text!r}")
    return match.group(0)


def decimal_price(value: Json, what: str) -> Decimal:
    if not isinstance(value, Decimal) or value <= 0:
        raise BuildError(f"{what}: expected a positive number, got {value!r}")
    return value


# --------------------------------------------------------------------------------------------
# Readers
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    id: str
    file: str
    origin: str
    date: str
    licence: str
    used_for: str

    def to_json(self) -> dict[str, str]:
        return {
            "id": self.id,
            "file": self.file,
            "origin": self.origin,
            "date": self.date,
            "licence": self.licence,
            "used_for": self.used_for,
        }


@dataclass(frozen=True)
class Karpenter:
    source: Source
    prices: dict[str, Decimal]  # us-east-1 on-demand


@dataclass(frozen=True)
class VantageRecord:
    name: str
    gpu: str
    gpu_count: Decimal
    gpu_memory: str
    vcpu: int
    memory_gib: Decimal
    on_demand: dict[str, Decimal]
    reserved: dict[str, Decimal]


@dataclass(frozen=True)
class Vantage:
    source: Source
    records: dict[str, VantageRecord]
    skipped: list[str]  # entries without an API name (UltraServers)


@dataclass(frozen=True)
class Ec2Row:
    instance_type: str
    region: str
    vcpu: int
    memory_gib: Decimal
    gpu: int
    gpu_memory: int
    ondemand: Decimal
    spot_avg: Decimal | None


@dataclass(frozen=True)
class Ec2Instances:
    source: Source
    rows: list[Ec2Row]

    def first_row(self, instance_type: str) -> Ec2Row | None:
        for row in self.rows:
            if row.instance_type == instance_type:
                return row
        return None


def read_karpenter(ref: Path) -> Karpenter:
    data = load_json(ref / KARPENTER_FILE)
    meta = data["_source"]
    date = iso_date(str(meta["generated_at"]), "karpenter generated_at")
    source = Source(
        id=f"karpenter-{date}",
        file=KARPENTER_FILE,
        origin=f"{meta['repo']} {meta['path']} @ {meta['commit']}",
        date=date,
        licence=str(meta["license"]),
        used_for="on_demand in us-east-1",
    )
    regions = data["InitialOnDemandPricesAWS"]
    if set(regions) != {HOME_REGION}:
        raise BuildError(f"karpenter file: expected only {HOME_REGION}, got {sorted(regions)}")
    prices = {
        str(name): decimal_price(price, f"karpenter {name}")
        for name, price in regions[HOME_REGION].items()
    }
    return Karpenter(source, prices)


def read_vantage(ref: Path) -> Vantage:
    data = load_json(ref / VANTAGE_FILE)
    meta = data["_source"]
    date = iso_date(str(meta["file_header"]), "vantage file_header")
    source = Source(
        id=f"vantage-{date}",
        file=VANTAGE_FILE,
        origin=(
            f"{meta['repo']} {meta['path']} @ {meta['commit']} "
            "(generated from instances.vantage.sh / ec2instances.info data)"
        ),
        date=date,
        licence="MIT",
        used_for=(
            "on_demand outside us-east-1; reserved_1y (1-yr Standard RI, no upfront, "
            "effective hourly) in every region; instance and accelerator specs"
        ),
    )
    records: dict[str, VantageRecord] = {}
    skipped: list[str] = []
    for raw in data["allGPUInstances"]:
        name = str(raw["name"])
        if "apiName" not in raw:
            skipped.append(name)
            continue
        if raw["apiName"] != name or name in records:
            raise BuildError(f"vantage: unexpected name/apiName for {name!r}")
        memory = leading_number(str(raw["memory"]))
        if memory is None:
            raise BuildError(f"vantage {name}: memory {raw['memory']!r}")
        on_demand: dict[str, Decimal] = {}
        reserved: dict[str, Decimal] = {}
        for region, cell in raw["pricing"].items():
            on_demand[str(region)] = decimal_price(cell["onDemand"], f"vantage {name} {region}")
            if "reserved" in cell:
                reserved[str(region)] = decimal_price(
                    cell["reserved"], f"vantage {name} {region} reserved"
                )
        records[name] = VantageRecord(
            name=name,
            gpu=str(raw["gpu"]),
            gpu_count=raw["gpuCount"],
            gpu_memory=str(raw["gpuMemory"]),
            vcpu=int(raw["vcpu"]),
            memory_gib=memory,
            on_demand=on_demand,
            reserved=reserved,
        )
    return Vantage(source, records, sorted(skipped))


def read_ec2instances(ref: Path) -> Ec2Instances:
    data = load_json(ref / EC2INSTANCES_FILE)
    meta = data["_source"]
    date = iso_date(str(meta["date"]), "ec2instances date")
    source = Source(
        id=f"ec2instances-{date}",
        file=EC2INSTANCES_FILE,
        origin=(f"{meta['repo']} {meta['path']} @ {meta['commit']} ({meta['ref']}, never merged)"),
        date=date,
        licence="MIT",
        used_for=(
            "spot discount ratios (spot_avg / ondemand, us-east-1 rows) only; vCPU and memory "
            "of dl1, f1 and vt1; its absolute prices are stale and are not used"
        ),
    )
    rows: list[Ec2Row] = []
    for raw in data["data"]:
        spot = raw["spot_avg"]
        rows.append(
            Ec2Row(
                instance_type=str(raw["instance-type"]),
                region=str(raw["region"]),
                vcpu=int(raw["vCPU"]),
                memory_gib=raw["memory"],
                gpu=int(raw["GPU"]),
                gpu_memory=int(raw["GPU_memory"]),
                ondemand=Decimal(str(raw["ondemand"])),
                spot_avg=None if spot is None else Decimal(str(spot)),
            )
        )
    return Ec2Instances(source, rows)


def read_skypilot(ref: Path) -> tuple[Source, list[dict[str, str]]]:
    source = Source(
        id="skypilot-v8-2026",
        file=SKYPILOT_FILE,
        origin=(
            "skypilot-org/skypilot-catalog catalogs/v8/aws/vms.csv "
            "(index version 00148f2af3672e2229b4f7bf8157d5a3f36e3c35; 8 rows copied)"
        ),
        date="2026",
        licence="Apache-2.0",
        used_for="cross-check of the g4dn spot estimate only; no price is taken from it",
    )
    with (ref / SKYPILOT_FILE).open(encoding="utf-8", newline="") as fh:
        return source, list(csv.DictReader(fh))


def read_fmbench(ref: Path) -> tuple[Source, dict[str, Decimal]]:
    """Parse ``pricing.instance_based`` of the FMBench YAML (a flat ``key: number`` block)."""
    source = Source(
        id="fmbench-2024",
        file=FMBENCH_FILE,
        origin=(
            "aws-samples/foundation-model-benchmarking-tool fmbench/configs/pricing.yml "
            "@ f92381dbf02f058227c87625a0bb7042530a1294"
        ),
        date="2024",
        licence="MIT-0 (stated in the upstream README; LICENSE file not checked)",
        used_for="on_demand (hosting) in us-east-1 for the ml.* types it lists",
    )
    prices: dict[str, Decimal] = {}
    inside = False
    for line in (ref / FMBENCH_FILE).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        indent = len(line) - len(line.lstrip(" "))
        if line.strip() == "instance_based:":
            inside = True
            continue
        if inside and indent <= 2:
            break
        if inside:
            match = re.fullmatch(r"\s+([\w.-]+):\s*(\d+(?:\.\d+)?)\s*", line)
            if not match:
                raise BuildError(f"FMBench: cannot parse {line!r}")
            prices[match.group(1)] = Decimal(match.group(2))
    if not prices:
        raise BuildError("FMBench: no pricing.instance_based entries found")
    return source, prices


# --------------------------------------------------------------------------------------------
# Specs
# --------------------------------------------------------------------------------------------


def vantage_spec(record: VantageRecord, ec2: Ec2Instances) -> Spec:
    family = family_of(record.name)
    row = ec2.first_row(record.name)
    override = FAMILY_OVERRIDES.get(family)
    if override is not None:
        count = record.gpu_count
        if override.count_from_total_memory:
            if row is None:
                raise BuildError(f"{record.name}: no 2024 row to derive the GPU count from")
            count = Decimal(row.gpu_memory) / override.memory_gib
        accelerator = Accelerator(
            override.name, override.vendor, override.kind, count, override.memory_gib
        )
        return Spec(family, record.vcpu, record.memory_gib, accelerator)

    model = VANTAGE_MODELS.get(record.gpu)
    if model is None:
        raise BuildError(f"{record.name}: unknown accelerator {record.gpu!r}")
    memory: int | None = None
    name = record.gpu
    if model.names:
        # The vantage gpuMemory is per device for some types and per instance for others; the
        # 2024 file gives the instance total. Keep the interpretations that match a known size.
        candidates: list[Decimal] = []
        stated = leading_number(record.gpu_memory)
        if stated is not None:
            candidates += [stated, stated / record.gpu_count]
        if row is not None and row.gpu > 0 and row.gpu_memory > 0:
            candidates.append(Decimal(row.gpu_memory) / row.gpu)
        matches = {
            int(c) for c in candidates if c == c.to_integral_value() and int(c) in model.names
        }
        if not matches and stated is None and len(model.names) == 1:
            matches = set(model.names)  # "Unknown" in vantage, no 2024 row: the only size
        if len(matches) != 1:
            raise BuildError(f"{record.name}: cannot resolve GPU memory from {candidates}")
        memory = matches.pop()
        name = model.names[memory]
    accelerator = Accelerator(name, model.vendor, model.kind, record.gpu_count, memory)
    return Spec(family, record.vcpu, record.memory_gib, accelerator)


def supplement_spec(instance_type: str, ec2: Ec2Instances) -> Spec:
    supplement = SUPPLEMENTS.get(instance_type)
    if supplement is None:
        raise BuildError(f"{instance_type}: no spec in any reference file and no supplement")
    row = ec2.first_row(instance_type)
    if supplement.vcpu is not None and supplement.memory_gib is not None:
        vcpu, memory = supplement.vcpu, Decimal(supplement.memory_gib)
        if row is not None and (row.vcpu, row.memory_gib) != (vcpu, memory):
            raise BuildError(f"{instance_type}: supplement disagrees with the 2024 file")
    elif row is not None:
        vcpu, memory = row.vcpu, row.memory_gib
    else:
        raise BuildError(f"{instance_type}: no vCPU/memory in the 2024 file")
    return Spec(family_of(instance_type), vcpu, memory, supplement.accelerator)


# --------------------------------------------------------------------------------------------
# Spot ratios
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SpotRatio:
    ratio: Decimal
    rows: int
    family_specific: bool


def spot_ratios(ec2: Ec2Instances) -> tuple[dict[str, SpotRatio], SpotRatio]:
    by_family: dict[str, list[Decimal]] = {}
    every: list[Decimal] = []
    for row in ec2.rows:
        if row.region != HOME_REGION or row.ondemand <= 0:
            continue
        if row.spot_avg is None or row.spot_avg <= 0:
            continue
        ratio = row.spot_avg / row.ondemand
        if ratio >= 1:
            raise BuildError(f"2024 spot above on-demand: {row}")
        by_family.setdefault(family_of(row.instance_type), []).append(ratio)
        every.append(ratio)
    overall = SpotRatio(median_ratio(every), len(every), family_specific=False)
    families = {
        family: SpotRatio(median_ratio(values), len(values), family_specific=True)
        for family, values in by_family.items()
    }
    return families, overall


def spot_basis(family: str, spot: SpotRatio, source_id: str) -> str:
    discount = fmt(1 - spot.ratio)
    if spot.family_specific:
        return (
            f"estimate:on_demand x {fmt(spot.ratio)} (1 - {discount} median spot discount for "
            f"the {family} family, {spot.rows} us-east-1 rows of {source_id})"
        )
    return (
        f"estimate:on_demand x {fmt(spot.ratio)} (1 - {discount} median spot discount over all "
        f"{spot.rows} us-east-1 GPU/accelerator rows of {source_id}; no usable {family} rows)"
    )


# --------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------


def price_row(
    on_demand: tuple[Decimal, str] | None,
    spot: tuple[str, str] | None,
    reserved_1y: tuple[Decimal, str] | None,
    columns: tuple[str, ...] = PRICE_COLUMNS,
) -> dict[str, Json]:
    row: dict[str, Json] = dict.fromkeys(columns)
    basis: dict[str, str] = {}
    if on_demand is not None:
        row["on_demand"], basis["on_demand"] = fmt(on_demand[0]), on_demand[1]
    if spot is not None:
        row["spot"], basis["spot"] = spot
    if reserved_1y is not None:
        row["reserved_1y"], basis["reserved_1y"] = fmt(reserved_1y[0]), reserved_1y[1]
    row["basis"] = basis
    return row


def table_header(table: str, service: str, as_of: str) -> dict[str, Json]:
    return {
        "schema_version": SCHEMA_VERSION,
        "table": table,
        "cloud": "aws",
        "service": service,
        "currency": "USD",
        "unit": "hour",
        "as_of": as_of,
        "generated_by": GENERATED_BY,
    }


def build_ec2(
    karpenter: Karpenter,
    vantage: Vantage,
    ec2: Ec2Instances,
    skypilot: tuple[Source, list[dict[str, str]]],
) -> tuple[dict[str, Json], dict[str, Spec]]:
    specs: dict[str, Spec] = {}
    for name, record in vantage.records.items():
        specs[name] = vantage_spec(record, ec2)
    for name in karpenter.prices:
        if name not in specs:
            specs[name] = supplement_spec(name, ec2)
    check_specs(specs)
    unused = sorted(set(SUPPLEMENTS) - set(specs))
    if unused:
        raise BuildError(f"supplements for types no price file lists: {unused}")

    family_spot, overall_spot = spot_ratios(ec2)
    kid, vid, eid = karpenter.source.id, vantage.source.id, ec2.source.id

    on_demand: dict[tuple[str, str], tuple[Decimal, str]] = {}
    reserved: dict[tuple[str, str], tuple[Decimal, str]] = {}
    for name, record in vantage.records.items():
        for region, price in record.on_demand.items():
            on_demand[(region, name)] = (price, vid)
        for region, price in record.reserved.items():
            reserved[(region, name)] = (price, vid)
    disagreements: list[str] = []
    both = 0
    for name, price in karpenter.prices.items():
        old = on_demand.get((HOME_REGION, name))
        if old is not None:
            both += 1
            if old[0] != price:
                disagreements.append(f"{name} (karpenter {fmt(price)}, vantage {fmt(old[0])})")
        on_demand[(HOME_REGION, name)] = (price, kid)

    prices: dict[str, dict[str, Json]] = {}
    for (region, name), od in sorted(on_demand.items()):
        family = specs[name].family
        spot = family_spot.get(family, overall_spot)
        spot_cell = (estimate(od[0], spot.ratio), spot_basis(family, spot, eid))
        ri = reserved.get((region, name))
        if ri is not None and ri[0] >= od[0]:
            raise BuildError(f"{name} {region}: reserved {ri[0]} >= on-demand {od[0]}")
        prices.setdefault(region, {})[name] = price_row(od, spot_cell, ri)
    for region, name in reserved:
        if (region, name) not in on_demand:
            raise BuildError(f"{name} {region}: reserved price without on-demand price")
    observed_count = observed_spot(prices)
    VCPUS.update({name: spec.vcpu for name, spec in specs.items()})
    raw = vantage_raw(prices)
    blocks = capacity_blocks(prices, specs)

    unpriced = sorted(name for name in specs if not any(name in p for p in prices.values()))
    notes = ec2_notes(
        karpenter,
        vantage,
        ec2,
        skypilot,
        specs,
        prices,
        family_spot,
        overall_spot,
        disagreements,
        both,
        unpriced,
    )
    sources = [
        karpenter.source,
        vantage.source,
        VANTAGE_RAW_SOURCE,
        ec2.source,
        skypilot[0],
        SPOT_SOURCE,
        BLOCK_SOURCE,
    ]
    notes.extend(raw.notes())
    notes.append(blocks.note())
    notes.append(
        f"spot is observed for {observed_count} (region, type) rows of the p4d, p4de, p5, p5e, "
        f"p5en, p6-b200, p6-b300, g4dn.xlarge, g4dn.12xlarge, every g5 size, "
        f"g5g, g6.xlarge, g6.8xlarge, g6e.xlarge, g6e.8xlarge, "
        f"g6e.16xlarge, g6e.24xlarge, "
        f"g6f.2xlarge, g6f.4xlarge, inf2.24xlarge, inf2.48xlarge, p3.2xlarge and p3.16xlarge "
        f"types (g4dn.12xlarge only from eu-south-1 to us-west-2, g5.8xlarge without "
        f"ap-southeast-2/3, ca-central-1, eu-central-1 and eu-north-1, "
        f"g6.8xlarge from eu-north-1, g6.xlarge without us-west-2, p3.16xlarge from "
        f"ap-southeast-2 and inf2.24xlarge from eu-west-1: the rows read so far): the median "
        f"across availability zones of "
        f"{SPOT_SOURCE.id} (SkyPilot's catalog, 2026; a zone whose spot equals its on-demand "
        "price, or is 90% of it or more, has no spot capacity and is left out). p5e has no "
        "on-demand price (Capacity Blocks only) but is sold as spot in 3 regions. These "
        "observations are not counted in as_of (their day is not recorded)."
    )
    # as_of is conservative: the oldest source whose observed prices the table carries
    # (the 2025-11-30 vantage dump, for 3-year and upfront RIs and spot; vantage 2026-01-21
    # for on-demand outside us-east-1); reports also name the dated source of every price.
    as_of = min(karpenter.source.date, vantage.source.date, VANTAGE_RAW_SOURCE.date)
    table = table_header("aws-ec2", "ec2", as_of)
    table.update(
        {
            "sources": [s.to_json() for s in sources],
            "notes": [
                *notes,
                "windows_licence: licence-included Windows is priced at the option's Linux "
                "rate + vCPU x 0.046 per hour (an estimate, labelled so in every report).",
            ],
            "instances": {name: spec.to_json() for name, spec in sorted(specs.items())},
            "prices": prices,
            "windows_licence": {"per_vcpu_hour": "0.046", **WINDOWS_SOURCE},
        }
    )
    return table, specs


#: Licence-included Windows on EC2: the Windows - Linux on-demand difference is 0.046 USD per
#: vCPU-hour on the accelerated families (g4dn.xlarge 0.710 - 0.526 = 0.184 for 4 vCPU;
#: p3.2xlarge 3.428 - 3.06 = 0.368 for 8 vCPU; AWS EC2 on-demand pricing pages).
WINDOWS_SOURCE = {
    "source": "aws-windows-licence-2026",
    "date": "2026",
    "origin": "aws.amazon.com/ec2/pricing/on-demand (Windows and Linux rates): the licence is "
    "0.046 USD per vCPU-hour on top of the Linux rate",
}


def ec2_notes(
    karpenter: Karpenter,
    vantage: Vantage,
    ec2: Ec2Instances,
    skypilot: tuple[Source, list[dict[str, str]]],
    specs: Mapping[str, Spec],
    prices: Mapping[str, Mapping[str, Json]],
    family_spot: Mapping[str, SpotRatio],
    overall_spot: SpotRatio,
    disagreements: list[str],
    both: int,
    unpriced: list[str],
) -> list[str]:
    kid, vid, eid = karpenter.source.id, vantage.source.id, ec2.source.id
    karpenter_only = sorted(set(karpenter.prices) - set(vantage.records))
    ratios = ", ".join(
        f"{family} {fmt(s.ratio)} (n={s.rows})" for family, s in sorted(family_spot.items())
    )
    priced_families = {
        specs[name].family for region_rows in prices.values() for name in region_rows
    }
    median_families = sorted(priced_families - set(family_spot))
    no_ri_families = sorted(
        priced_families
        - {
            specs[name].family
            for region_rows in prices.values()
            for name, row in region_rows.items()
            if row["reserved_1y"] is not None
        }
    )
    if disagreements:
        agreement = (
            f"{kid} and {vid} disagree on us-east-1 on-demand for: "
            + "; ".join(disagreements)
            + f". The {kid} value is used."
        )
    else:
        agreement = (
            f"{kid} and {vid} agree exactly on the us-east-1 on-demand price of all {both} "
            "types that both list."
        )
    p4de_2024 = next(
        r.ondemand
        for r in ec2.rows
        if r.instance_type == "p4de.24xlarge" and r.region == HOME_REGION
    )
    floor_rows = [
        r
        for r in ec2.rows
        if r.ondemand > 0 and r.spot_avg is not None and r.spot_avg * 10 == r.ondemand
    ]
    priced_rows = [r for r in ec2.rows if r.ondemand > 0 and r.spot_avg is not None]
    # us-east-2 and us-west-2 share us-east-1 list prices; report sub-cent rounding differences.
    home = prices[HOME_REGION]
    rounding: list[str] = []
    for region in ("us-east-2", "us-west-2"):
        for name, row in sorted(prices.get(region, {}).items()):
            if name not in home or row["on_demand"] == home[name]["on_demand"]:
                continue
            delta = abs(Decimal(row["on_demand"]) - Decimal(home[name]["on_demand"]))
            if delta < Decimal("0.0001"):
                rounding.append(
                    f"{name} {row['on_demand']} in {region} (us-east-1: {home[name]['on_demand']})"
                )
    return [
        "Prices are USD per instance-hour for Linux, shared tenancy. Region keys are the ones "
        f"{vid} uses, including Local Zones and Wavelength Zones (e.g. us-east-1-atl-1, "
        "us-east-1-wl1-atl1).",
        f"on_demand: us-east-1 comes from {kid}; every other region comes from {vid}, which is "
        f"older. Regional price changes after {vantage.source.date} are not reflected.",
        agreement,
        "Source rounding: vantage gives "
        + ("; ".join(rounding) or "no rounding differences")
        + ". us-east-2 and us-west-2 normally share the us-east-1 list price, so this is "
        "rounding in the source; values are kept as published.",
        f"Types listed only by {kid} (us-east-1 only, no RI data): "
        + ", ".join(karpenter_only)
        + ".",
        "spot is an ESTIMATE, not an observed price: current on_demand x the median spot_avg / "
        f"ondemand ratio of the family's us-east-1 rows in {eid}, or, for families with no "
        f"usable rows there, x {fmt(overall_spot.ratio)} (1 - {fmt(1 - overall_spot.ratio)} "
        f"median discount over all {overall_spot.rows} us-east-1 GPU/accelerator rows). "
        "Rounded to 6 decimal places. Family ratios: " + ratios + ". Families on the overall "
        "median: " + ", ".join(median_families) + ".",
        f"The absolute spot and on-demand prices of {eid} are never used: P4/P5 on-demand "
        "prices were cut by about 33-45% in June 2025 (p4de.24xlarge us-east-1: "
        f"{fmt(p4de_2024)} in {ec2.source.date}, {fmt(karpenter.prices['p4de.24xlarge'])} in "
        f"{karpenter.source.date}). For p4d/p4de/p5 the file has no usable us-east-1 spot row "
        "(on-demand '0' or spot null), so they use the overall median; whether spot prices fell "
        "in step with the on-demand cut is unknown.",
        "Spot ratios come from us-east-1 rows only, because the other regions of the 2024 file "
        f"contain many spot_avg values of exactly 10% of on-demand ({len(floor_rows)} of "
        f"{len(priced_rows)} priced rows), which look like a scraper floor. Real spot discounts "
        "vary by region, AZ and time; spot may not be offered at all in Wavelength Zones or for "
        "previous-generation types (the 2024 file has no spot price for g2 anywhere).",
        skypilot_note(skypilot, prices),
        f"reserved_1y: {vid} 'reserved' = 1-yr Standard RI, no upfront, effective hourly "
        "(ec2instances.info yrTerm1Standard.noUpfront). Null where vantage has no RI offer; "
        "families with no RI price in any region: " + ", ".join(no_ri_families) + ". Savings "
        "Plans: no public file or page with EC2 Savings Plans rates for these types was found; "
        "a savings-plan workload is priced at the RI rate of its term and flagged.",
        "Instances with specs but no price rows (no on-demand price in any file; capacity "
        "blocks or preview): " + ", ".join(unpriced) + ". FMBench lists p5e.48xlarge at 110.92 "
        "(undated, region not stated); it is not used.",
        "Not included: "
        + ", ".join(vantage.skipped)
        + " (UltraServer capacity units, not launchable instance types; no prices).",
        "accelerator.memory_gib is per device, in the vendor's nominal GB as the sources state "
        "it; null where no source gives it (FPGA, vt1, dl2q). accelerator.count can be "
        "fractional: g6f/gr6f sizes are slices of one L4 (count 0.125-0.5; memory_gib is the "
        "full L4's 24, so count x memory_gib is the slice's memory).",
        "Spec corrections to the vantage data: g5g is NVIDIA T4G 16 GB (vantage says 'ARM "
        "Mali-G78MP12' 4 GB; the 2024 file shows 16 GB per GPU); g6f/gr6f are fractional L4 "
        "(vantage says 'NVIDIA L40' 48 GB); p2 counts are 1/8/16 K80 GPUs of 12 GiB as AWS "
        "counts them (both files count 1/4/8 boards; the 2024 total GPU memory 12/96/192 "
        "matches AWS).",
        "Specs not in any reference file are hard-coded in the script from AWS instance-type "
        "documentation: accelerators of dl1 (8x Gaudi 32 GB), f1 (Xilinx VU9P FPGAs), f2 (AMD "
        "VU47P FPGAs), vt1 (Xilinx Alveo U30 media accelerators) and all of g7 (NVIDIA RTX PRO "
        "4500 Blackwell, 32 GB; from the AWS G7 launch of 2026-06-18). vCPU and memory of dl1, "
        f"f1 and vt1 come from {eid}.",
        "dl2q (Qualcomm Cloud AI 100) has kind 'neuron' only because the schema has no generic "
        "ML-ASIC kind; it is not a Neuron SDK device. 'RTX PRO 4500' (g7) is a name outside the "
        "original normalised list.",
    ]


def skypilot_note(
    skypilot: tuple[Source, list[dict[str, str]]],
    prices: Mapping[str, Mapping[str, Json]],
) -> str:
    sid = skypilot[0].id
    rows = [
        r
        for r in skypilot[1]
        if r["InstanceType"] == "g4dn.12xlarge" and r["Region"] == HOME_REGION
    ]
    if not rows:
        raise BuildError("SkyPilot sample: no g4dn.12xlarge us-east-1 rows")
    spots = sorted(Decimal(r["SpotPrice"]) for r in rows)
    observed = Decimal(statistics.median(spots))
    row = prices[HOME_REGION]["g4dn.12xlarge"]
    est = Decimal(row["spot"])
    return (
        f"Cross-check ({sid}, 2026): g4dn.12xlarge us-east-1 spot was {fmt(spots[0])}-"
        f"{fmt(spots[-1])} across {len(spots)} AZs (median {fmt(observed)}), against the "
        f"estimate {fmt(est)}; the estimate is {fmt(percent(est / observed - 1))}% higher, so "
        "spot estimates are probably conservative (too high) for older families."
    )


def check_specs(specs: Mapping[str, Spec]) -> None:
    kinds = {"gpu", "neuron", "hpu", "fpga", "media"}
    for name, spec in specs.items():
        acc = spec.accelerator
        if acc.kind not in kinds or acc.count <= 0 or spec.vcpu <= 0 or spec.memory_gib <= 0:
            raise BuildError(f"{name}: bad spec {spec}")


def build_sagemaker(
    karpenter: Karpenter,
    vantage: Vantage,
    ec2: Ec2Instances,
    fmbench: tuple[Source, dict[str, Decimal]],
    specs: Mapping[str, Spec],
) -> dict[str, Json]:
    fm_source, fm_prices = fmbench
    ec2_prices = karpenter.prices
    kid = karpenter.source.id

    # Observed SageMaker/EC2 ratios (families whose EC2 price has not been cut since FMBench).
    observed: dict[str, Decimal] = {}
    for ml_name, price in fm_prices.items():
        if not ml_name.startswith("ml."):
            continue
        ec2_name = ml_name.removeprefix("ml.")
        if ec2_name not in specs:
            continue  # CPU instance types: out of scope
        if family_of(ec2_name) not in PRICE_CUT_FAMILIES:
            observed[ec2_name] = price / ec2_prices[ec2_name]

    def size_class(name: str) -> str:
        return "xlarge" if size_of(name) == "xlarge" else "other"

    def ratio_for(ec2_name: str) -> tuple[Decimal, str]:
        family, cls = family_of(ec2_name), size_class(ec2_name)
        same = [r for n, r in observed.items() if family_of(n) == family and size_class(n) == cls]
        label = "xlarge types" if cls == "xlarge" else "non-xlarge types"
        if same:
            return median_ratio(same), f"{len(same)} observed {family} {label}"
        pool = [r for n, r in observed.items() if size_class(n) == cls]
        return median_ratio(pool), f"{len(pool)} observed {label} of all families"

    ml_types: set[str] = set()
    for ml_name in fm_prices:
        if ml_name.startswith("ml.") and ml_name.removeprefix("ml.") in specs:
            ml_types.add(ml_name)
    for ec2_name in ec2_prices:
        if family_of(ec2_name) in SAGEMAKER_FAMILIES and size_of(ec2_name) != "metal":
            ml_types.add(f"ml.{ec2_name}")

    rows: dict[str, Json] = {}
    estimated: list[str] = []
    for ml_name in sorted(ml_types):
        ec2_name = ml_name.removeprefix("ml.")
        if ml_name in fm_prices:
            od = (fm_prices[ml_name], fm_source.id)
        else:
            ratio, why = ratio_for(ec2_name)
            base = ec2_prices[ec2_name]
            basis = (
                f"estimate:EC2 on_demand x {fmt(ratio)} (EC2 {fmt(base)} from {kid}; {fmt(ratio)}"
                f" = median SageMaker/EC2 price ratio of {why} in {fm_source.id})"
            )
            od = (Decimal(estimate(base, ratio)), basis)
            estimated.append(ml_name)
        rows[ml_name] = price_row(od, None, None, SAGEMAKER_COLUMNS)

    ratio_list = ", ".join(
        f"{n} {fmt(r.quantize(RATIO_QUANTUM))}" for n, r in sorted(observed.items())
    )
    cut: list[str] = []
    for name in sorted(fm_prices):
        ec2_name = name.removeprefix("ml.")
        if not name.startswith("ml.") or family_of(ec2_name) not in PRICE_CUT_FAMILIES:
            continue
        now = fm_prices[name] / ec2_prices[ec2_name]
        text = (
            f"{name} {fmt(fm_prices[name])} is {fmt(now.quantize(Decimal('0.01')))}x today's "
            f"EC2 {fmt(ec2_prices[ec2_name])}"
        )
        # us-east-2 and the us-east-1-atl-1 Local Zone carry us-east-1 list prices.
        old = next(
            (
                r
                for r in ec2.rows
                if r.instance_type == ec2_name
                and r.ondemand > 0
                and r.region in (HOME_REGION, "us-east-2", "us-east-1-atl-1")
            ),
            None,
        )
        if old is not None:
            then = (fm_prices[name] / old.ondemand).quantize(Decimal("0.01"))
            text += (
                f" but {fmt(then)}x the pre-cut EC2 {fmt(old.ondemand)} ({old.region}, "
                f"{ec2.source.id})"
            )
        cut.append(text)
    notes = [
        "component is 'hosting' (real-time inference endpoints). SageMaker training and notebook "
        "instances are priced at the hosting rate as an approximation; real training/notebook "
        "rates differ slightly.",
        f"Observed prices come from {fm_source.id}: FMBench's pricing.yml, us-east-1 hosting, "
        "undated, values from about 2024. They predate the 2025 price cuts and were never "
        "re-checked. P4/P5 values are very likely overstated now: "
        + "; ".join(cut)
        + ". As a result the estimated ml.p5.4xlarge and ml.p4de.24xlarge (based on today's "
        "EC2 prices) are inconsistent with the observed ml.p5.48xlarge and ml.p4d.24xlarge.",
        f"Estimated types ({len(estimated)}) are priced EC2 on_demand ({kid}) x the median "
        "SageMaker/EC2 ratio of observed types of the same family and size class (xlarge vs "
        "other sizes), else of all observed families in that size class; P4/P5 are excluded "
        "from the ratios because their EC2 price was cut after the FMBench snapshot. Observed "
        "ratios: " + ratio_list + ".",
        "The often-quoted ~1.40x SageMaker markup holds only for the xlarge sizes (g4dn.xlarge, "
        "g5.xlarge); every larger g4dn/g5/g6/p3 size observed is exactly 1.25x EC2, inf2 about "
        "1.20x, trn1.32xlarge 1.33x.",
        f"as_of is the date of {fm_source.id}, the oldest source of observed prices in the "
        f"table (FMBench gives only a year); the estimates are based on {kid} EC2 prices.",
        "us-east-1 only. spot, reserved_1y and reserved_3y are null: hosting has no spot market "
        "and SageMaker has no RIs (its discounts are SageMaker Savings Plans, not modelled).",
        "The ml.* type list is the FMBench GPU/accelerator entries plus every non-metal EC2 size "
        "of the families " + ", ".join(SAGEMAKER_FAMILIES) + " (families the AWS SDK's "
        "SageMaker instance-type enums list). Not every size is offered for every SageMaker "
        "component or region; ml.p5e.48xlarge and ml.trn2.48xlarge are omitted (no EC2 price "
        "to base an estimate on). FMBench CPU entries (ml.c5, ml.c7i, ml.m5) are out of scope.",
        "Instance specs are the EC2 specs of the same type (see ec2.json notes).",
    ]
    sources = [
        fm_source,
        Source(
            karpenter.source.id,
            karpenter.source.file,
            karpenter.source.origin,
            karpenter.source.date,
            karpenter.source.licence,
            "EC2 on-demand base for the estimated ml.* prices and for the SageMaker/EC2 ratios",
        ),
        Source(
            vantage.source.id,
            vantage.source.file,
            vantage.source.origin,
            vantage.source.date,
            vantage.source.licence,
            "instance and accelerator specs (via ec2.json)",
        ),
    ]
    instances: dict[str, Json] = {}
    for ml_name in sorted(ml_types):
        instances[ml_name] = specs[ml_name.removeprefix("ml.")].to_json()
    table = table_header("aws-sagemaker", "sagemaker", fm_source.date)
    table.update(
        {
            "component": "hosting",
            "sources": [s.to_json() for s in sources],
            "notes": notes,
            "instances": instances,
            "prices": {HOME_REGION: rows},
        }
    )
    return table


#: Commercial and GovCloud regions (not Local or Wavelength Zones): where SageMaker is sold.
PLAIN_REGION = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d$")


def add_sagemaker_regions(sagemaker: dict[str, Json], ec2_table: Mapping[str, Json]) -> None:
    """Every other region's ml.* price, estimated as the us-east-1 ml.* price x the EC2
    on-demand ratio of the same instance type between that region and us-east-1 (SageMaker's
    regional prices follow EC2's; no public dataset has them). Labelled ``estimate:``."""
    prices = sagemaker["prices"]
    assert isinstance(prices, dict)
    home_rows = prices[HOME_REGION]
    ec2_prices = ec2_table["prices"]
    assert isinstance(home_rows, dict) and isinstance(ec2_prices, dict)
    home_ec2 = ec2_prices[HOME_REGION]
    added = 0
    for region in sorted(ec2_prices):
        if region == HOME_REGION or not PLAIN_REGION.match(region):
            continue
        rows: dict[str, Json] = {}
        for ml_name, home in sorted(home_rows.items()):
            ec2_name = ml_name.removeprefix("ml.")
            there = ec2_prices[region].get(ec2_name) or {}
            here = home_ec2.get(ec2_name) or {}
            if not there.get("on_demand") or not here.get("on_demand") or not home["on_demand"]:
                continue
            ratio = (Decimal(there["on_demand"]) / Decimal(here["on_demand"])).quantize(
                RATIO_QUANTUM, ROUND_HALF_UP
            )
            basis = (
                f"estimate:{HOME_REGION} {ml_name} {home['on_demand']} x {fmt(ratio)} (EC2 "
                f"{ec2_name} on_demand {there['on_demand']} in {region} / {here['on_demand']} "
                f"in {HOME_REGION}, ec2.json)"
            )
            od = (Decimal(estimate(Decimal(home["on_demand"]), ratio)), basis)
            rows[ml_name] = price_row(od, None, None, SAGEMAKER_COLUMNS)
        if rows:
            prices[region] = rows
            added += len(rows)
    notes = sagemaker["notes"]
    assert isinstance(notes, list)
    notes.append(
        f"Regions other than {HOME_REGION} ({len(prices) - 1} regions, {added} rows) are "
        f"ESTIMATES: the {HOME_REGION} ml.* price x the EC2 on-demand price ratio of the same "
        f"instance type between that region and {HOME_REGION} (ec2.json). SageMaker's regional "
        "prices follow EC2's closely, but no public dataset lists them; refresh with "
        "`aicost pricing refresh aws` for the real rates."
    )
    for index, note in enumerate(notes):
        if isinstance(note, str) and note.startswith("us-east-1 only. "):
            notes[index] = note.replace("us-east-1 only. ", "", 1)


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


def render(table: Mapping[str, Json]) -> str:
    return json.dumps(table, indent=2, sort_keys=True, ensure_ascii=True) + "\n"


def build(reference: Path) -> dict[str, str]:
    """Return {file name: file content} for every table."""
    karpenter = read_karpenter(reference)
    vantage = read_vantage(reference)
    ec2 = read_ec2instances(reference)
    skypilot = read_skypilot(reference)
    fmbench = read_fmbench(reference)
    ec2_table, specs = build_ec2(karpenter, vantage, ec2, skypilot)
    sagemaker_table = build_sagemaker(karpenter, vantage, ec2, fmbench, specs)
    add_sagemaker_regions(sagemaker_table, ec2_table)
    return {"ec2.json": render(ec2_table), "sagemaker.json": render(sagemaker_table)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--reference",
        type=Path,
        default=DEFAULT_REFERENCE,
        help=f"directory with the reference snapshots (default: {DEFAULT_REFERENCE})",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        help=f"directory to write ec2.json and sagemaker.json to (default: {DEFAULT_OUTPUT})",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="do not write; exit 1 if the files in --output differ from a fresh build",
    )
    args = parser.parse_args(argv)
    reference: Path = args.reference
    output: Path = args.output
    try:
        files = build(reference)
    except (BuildError, KeyError, OSError) as exc:
        print(f"build_aws_pricing: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    if args.check:
        stale = [
            name
            for name, text in files.items()
            if not (output / name).is_file() or (output / name).read_text(encoding="utf-8") != text
        ]
        for name in stale:
            print(f"build_aws_pricing: {output / name} is out of date", file=sys.stderr)
        return 1 if stale else 0
    output.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (output / name).write_text(text, encoding="utf-8", newline="\n")
    return 0


SPOT_FILE = "aws-skypilot-v8-00148f2a-spot-extract.csv"
SPOT_SOURCE = Source(
    id="skypilot-aws-v8-2026-00148f2a",
    file=f"pricing/sources/{SPOT_FILE}",
    origin="skypilot-org/skypilot-catalog catalogs/v8/aws/vms.csv (index version "
    "00148f2af3672e2229b4f7bf8157d5a3f36e3c35): per-AZ rows (InstanceType, Price, SpotPrice, "
    "Region, AZ) of the accelerated types listed in the table's notes and pricing/README.md, "
    "read 2026-12-04 at offsets 900000-1278000, 1672000-1688000 and 2528000-2544000 of the "
    "3.65 MB file (the p4d/p5/p6 rows earlier)",
    date="2026",
    licence="Apache-2.0",
    used_for="spot (observed): median across availability zones",
)
#: A type with no on-demand price is checked against a sibling's (p5e: p5en, same H200s).
SPOT_REFERENCE = {"p5e.48xlarge": "p5en.48xlarge"}


def observed_spot(prices: dict[str, dict[str, Json]]) -> int:
    """Replace the spot estimate with the observed median where SkyPilot saw spot capacity."""
    path = REPO_ROOT / "pricing" / "sources" / SPOT_FILE
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    samples: dict[tuple[str, str], list[Decimal]] = {}
    for row in rows:
        if not row["SpotPrice"] or row["AvailabilityZone"].count("-") > 1:
            continue  # no observation, or a Local Zone (use1-atl2-az1), not the region
        spot = Decimal(row["SpotPrice"])
        name, region = row["InstanceType"], row["Region"]
        reference = row["Price"] or (
            (prices.get(region, {}).get(SPOT_REFERENCE.get(name, ""), {}) or {}).get("on_demand")
        )
        if reference and spot >= Decimal(str(reference)) * Decimal("0.9"):
            continue  # a placeholder: no spot capacity in that zone
        samples.setdefault((region, name), []).append(spot)
    count = 0
    for (region, name), values in sorted(samples.items()):
        median = Decimal(statistics.median(sorted(values)))
        cell: dict[str, Json] | None = prices.setdefault(region, {}).get(name)
        if cell is None:
            cell = prices[region][name] = price_row(None, None, None)
        cell["spot"] = fmt(median.quantize(Decimal("0.000001")))
        basis = cell["basis"]
        assert isinstance(basis, dict)
        basis["spot"] = SPOT_SOURCE.id
        count += 1
    for region in prices:
        prices[region] = dict(sorted(prices[region].items()))
    return count


BLOCK_FILE = "aws-capacity-blocks-2026-07-22.json"
BLOCK_SOURCE = Source(
    id="aws-capacity-blocks-2026-07-22",
    file=f"pricing/sources/{BLOCK_FILE}",
    origin="https://aws.amazon.com/ec2/capacityblocks/pricing/ as scraped on 2026-07-22 by "
    "koyakimu/ec2-capacity-blocks-for-ml-pricing-json (data/pricing.json @ "
    "b3a54aee92b6ef6b3c50ea6cacbcc03536675c7e, MIT); rows cut by "
    "scripts/extract_aws_capacity_blocks.py: Effective Instance Hourly Rate per instance "
    "type and region",
    date="2026-07-22",
    licence="provider page (facts, quoted with their date); scraper repository MIT",
    used_for="capacity_block (p4d, p4de, p5, p5e, p5en, p6-b200, p6-b300, trn1, trn2 in the "
    "regions the page lists)",
)
#: A Local Zone availability zone as the scraper names it (us-east-1-atl-2a).
LOCAL_ZONE = re.compile(r"-[a-z]{3}-\d+[a-z]$")


@dataclass
class Blocks:
    """What the Capacity Blocks page gave, for the table notes."""

    priced: int = 0
    skipped: list[str] | None = None

    def note(self) -> str:
        return (
            f"capacity_block is priced for {self.priced} (region, type) rows from "
            f"{BLOCK_SOURCE.id}: the Effective Instance Hourly Rate of AWS's Capacity Blocks "
            "pricing page as scraped on 2026-07-22 (reservation fee paid up front; Linux adds "
            "no operating-system fee). Capacity Block prices move with supply and demand (the "
            "same page on 2026-03-01 showed p5.48xlarge at 31.464 in us-east-1, 41.528 here) "
            "and every offering states its own price. Not used: "
            + "; ".join(self.skipped or [])
            + ". Other capacity-block workloads (p6e-gb200 instances) are priced on-demand "
            "where there is one, and flagged."
        )


def capacity_blocks(prices: dict[str, dict[str, Json]], specs: Mapping[str, Spec]) -> Blocks:
    """Add the published Capacity Block rate as the ``capacity_block`` column."""
    data = load_json(REPO_ROOT / "pricing" / "sources" / BLOCK_FILE)
    assert isinstance(data, dict) and isinstance(data["rows"], list)
    blocks = Blocks(skipped=[])
    assert blocks.skipped is not None
    for item in data["rows"]:
        assert isinstance(item, dict)
        name, region = str(item["instance_type"]), str(item["region"])
        rate = Decimal(str(item["hourly"]))
        if name not in specs:
            blocks.skipped.append(f"{name} {region} {fmt(rate)} (no instance spec)")
            continue
        if LOCAL_ZONE.search(region):
            blocks.skipped.append(f"{name} {region} {fmt(rate)} (a Local Zone)")
            continue
        per_device = Decimal(str(item["accelerator_hourly"])) * Decimal(item["accelerator_count"])
        if abs(per_device - rate) > Decimal("0.01"):
            raise BuildError(f"{name} {region}: {rate} != accelerator rate x count {per_device}")
        cell: dict[str, Json] | None = prices.setdefault(region, {}).get(name)
        if cell is None:
            cell = prices[region][name] = price_row(None, None, None)
        on_demand = cell.get("on_demand")
        if isinstance(on_demand, str) and rate >= Decimal(on_demand):
            raise BuildError(f"{name} {region}: capacity block {rate} >= on-demand {on_demand}")
        cell["capacity_block"] = fmt(rate)
        basis = cell["basis"]
        assert isinstance(basis, dict)
        basis["capacity_block"] = BLOCK_SOURCE.id
        blocks.priced += 1
    for region in prices:
        prices[region] = dict(sorted(prices[region].items()))
    return blocks


VANTAGE_RAW_FILE = "aws-vantage-2025-11-30-extract.json"
VANTAGE_RAW_SOURCE = Source(
    id="vantage-2025-11-30",
    file=f"pricing/sources/{VANTAGE_RAW_FILE}",
    origin="tsaol/aws-gpu data/gpu_instances_raw.json @ 2d0108c7bd261c8e40493fbd35135437bd6c9099 "
    "(committed 2025-11-30, removed at d6e31661): the full instances.vantage.sh / "
    "ec2instances.info records of 84 GPU/accelerator types; Linux cells cut by "
    "scripts/extract_aws_vantage_raw.py",
    date="2025-11-30",
    licence="MIT",
    used_for="reserved_3y (3-yr Standard RI, no upfront), the partial/all-upfront RI columns "
    "(effective hourly), and spot (spot_avg) where SkyPilot has no observation",
)
#: ec2instances.info reserved term -> table column (Standard RIs; Convertible ones are not kept).
RI_TERMS = {
    "yrTerm1Standard.noUpfront": "reserved_1y",
    "yrTerm3Standard.noUpfront": "reserved_3y",
    "yrTerm1Standard.partialUpfront": "reserved_1y_partial_upfront",
    "yrTerm1Standard.allUpfront": "reserved_1y_all_upfront",
    "yrTerm3Standard.partialUpfront": "reserved_3y_partial_upfront",
    "yrTerm3Standard.allUpfront": "reserved_3y_all_upfront",
}
#: Spot at or above this share of on-demand is a placeholder (no spot capacity), as for SkyPilot.
SPOT_PLACEHOLDER = Decimal("0.9")


@dataclass
class RawMerge:
    """What the 2025-11-30 dump added, for the table notes."""

    cells: int = 0
    od_mismatch: int = 0
    ri_1y_equal: int = 0
    filled: dict[str, int] | None = None
    spot: int = 0
    spot_placeholder: int = 0
    windows: int = 0
    windows_rule: int = 0
    windows_other: list[str] | None = None

    def notes(self) -> list[str]:
        filled = self.filled or {}
        sid = VANTAGE_RAW_SOURCE.id
        return [
            f"{sid} ({VANTAGE_RAW_SOURCE.file}): ec2instances.info's records as dumped on "
            f"2025-11-30. Its Linux on-demand price equals this table's in {self.cells} of "
            f"{self.cells + self.od_mismatch} (type, region) cells (the same price generation); "
            "only those cells take prices from it. Its 1-yr Standard no-upfront rate equals "
            f"vantage-2026-01-21's reserved_1y in all {self.ri_1y_equal} cells both have.",
            "reserved_3y = ec2instances.info yrTerm3Standard.noUpfront (3-yr Standard RI, no "
            f"upfront), {filled.get('reserved_3y', 0)} rows. reserved_1y_partial_upfront, "
            "reserved_1y_all_upfront, reserved_3y_partial_upfront and reserved_3y_all_upfront "
            "are the partial and all-upfront Standard RIs as EFFECTIVE hourly rates: "
            "ec2instances.info computes upfront / (years x 365 x 24) + hourly, so the upfront "
            "payment is spread evenly over every hour of the term "
            f"({filled.get('reserved_1y_all_upfront', 0)} 1-year and "
            f"{filled.get('reserved_3y_all_upfront', 0)} 3-year rows). aicost reads no payment "
            "option from a workload: a reserved workload is priced at the no-upfront column of "
            "its term; the upfront columns are published for comparison. Some types have a "
            "3-year offer but no 1-year Standard one (p5.48xlarge). Convertible RIs are not kept.",
            f"spot: where SkyPilot has no observation, {self.spot} rows take {sid}'s spot_avg "
            "(the mean of the zones' spot prices when ec2instances.info scraped them, "
            f"2025-11-30); {self.spot_placeholder} rows whose spot_avg is 90% of on-demand or "
            "more (no spot capacity) keep the estimate.",
            f"windows_on_demand ({self.windows} rows) is {sid}'s licence-included Windows "
            "(mswin) on-demand price, observed. The licence rule used where it is missing "
            f"(Linux + vCPU x 0.046) reproduces it in {self.windows_rule} of {self.windows} rows; "
            "the others are previous-generation types with a smaller licence uplift: "
            + ", ".join(sorted(set(self.windows_other or [])))
            + ". Windows spot and reserved workloads are priced at the Linux rate + the licence "
            "(an estimate).",
        ]


#: Licence-included Windows on EC2: vCPU x this per hour on top of Linux (see WINDOWS_SOURCE).
WINDOWS_PER_VCPU = Decimal("0.046")
#: vCPU per type, filled by build_ec2 before the dump is merged (for the Windows cross-check).
VCPUS: dict[str, int] = {}


def merge_windows(merge: RawMerge, name: str, linux: Decimal, windows: Decimal) -> None:
    """Count how often the licence rule reproduces the observed Windows price."""
    if windows <= linux:
        raise BuildError(f"{name}: Windows {windows} <= Linux {linux}")
    merge.windows += 1
    if linux + WINDOWS_PER_VCPU * VCPUS[name] == windows:
        merge.windows_rule += 1
    else:
        merge.windows_other = [*(merge.windows_other or []), name]


def vantage_raw(prices: dict[str, dict[str, Json]]) -> RawMerge:
    """Add 3-year and upfront RIs, and spot where none is observed, from the 2025-11-30 dump."""
    data = load_json(REPO_ROOT / "pricing" / "sources" / VANTAGE_RAW_FILE)
    merge = RawMerge(filled={})
    assert merge.filled is not None
    for name, by_region in sorted(data["rows"].items()):
        for region, raw in sorted(by_region.items()):
            cell = prices.get(region, {}).get(name)
            if cell is None or cell.get("on_demand") is None or "ondemand" not in raw:
                continue
            on_demand = Decimal(str(cell["on_demand"]))
            if Decimal(raw["ondemand"]) != on_demand:
                merge.od_mismatch += 1
                continue
            merge.cells += 1
            basis = cell["basis"]
            assert isinstance(basis, dict)
            for term, column in RI_TERMS.items():
                value = raw.get("reserved", {}).get(term)
                if value is None:
                    continue
                rate = Decimal(value)
                if rate >= on_demand:
                    raise BuildError(f"{name} {region}: {term} {rate} >= on-demand {on_demand}")
                if cell.get(column) is not None:
                    if Decimal(str(cell[column])) != rate:
                        raise BuildError(f"{name} {region}: {column} {cell[column]} != {rate}")
                    merge.ri_1y_equal += 1
                    continue
                cell[column], basis[column] = fmt(rate), VANTAGE_RAW_SOURCE.id
                merge.filled[column] = merge.filled.get(column, 0) + 1
            windows = raw.get("windows_ondemand")
            if windows is not None:
                merge_windows(merge, name, on_demand, Decimal(windows))
                cell["windows_on_demand"] = fmt(Decimal(windows))
                basis["windows_on_demand"] = VANTAGE_RAW_SOURCE.id
            spot = raw.get("spot_avg")
            if spot is None or not str(basis.get("spot", "")).startswith("estimate"):
                continue
            if Decimal(spot) >= on_demand * SPOT_PLACEHOLDER:
                merge.spot_placeholder += 1
                continue
            cell["spot"], basis["spot"] = fmt(Decimal(spot)), VANTAGE_RAW_SOURCE.id
            merge.spot += 1
    return merge


if __name__ == "__main__":
    sys.exit(main())
