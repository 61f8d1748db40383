"""Golden tests for the generated AWS price tables (pricing/aws/*.json).

These tests read the JSON directly (no aicost import) and compare it with the reference
snapshots it was built from (vendored in tests/fixtures/reference; set
AICOST_PRICING_REFERENCE to check against another copy).
"""

from __future__ import annotations

import csv
import json
import os
import re
import statistics
import subprocess
import sys
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
TABLE_DIR = REPO_ROOT / "pricing" / "aws"
SCRIPT = REPO_ROOT / "scripts" / "build_aws_pricing.py"
REFERENCE = Path(
    os.environ.get("AICOST_PRICING_REFERENCE", REPO_ROOT / "tests" / "fixtures" / "reference")
)

KARPENTER_FILE = "aws-ec2-gpu-ondemand-us-east-1-karpenter-2026-07-20.json"
VANTAGE_FILE = "aws-ec2-gpu-ondemand-reserved1yr-vantage-2026-01-21.json"
EC2INSTANCES_FILE = "aws-ec2-gpu-ondemand-spot-ec2instances-2024-04-04.json"
FMBENCH_FILE = "sagemaker-bedrock-pricing-fmbench.yml"

PRICE_COLUMNS = ("on_demand", "spot", "reserved_1y", "reserved_3y")
UPFRONT_COLUMNS = (
    "reserved_1y_partial_upfront",
    "reserved_1y_all_upfront",
    "reserved_3y_partial_upfront",
    "reserved_3y_all_upfront",
    "windows_on_demand",
)
VANTAGE_DUMP = REPO_ROOT / "pricing" / "sources" / "aws-vantage-2025-11-30-extract.json"
KINDS = {"gpu", "neuron", "hpu", "fpga", "media"}
NORMALISED_NAMES = {
    "H100", "H200", "B200", "B300", "GB200", "A100", "A100-80GB", "A10G", "L4", "L40S", "T4",
    "T4G", "V100", "K80", "M60", "K520", "Radeon Pro V520", "RTX PRO 6000", "Inferentia",
    "Inferentia2", "Trainium", "Trainium2", "Gaudi",
    # outside the original list (see pricing/README.md)
    "RTX PRO 4500", "Qualcomm AI 100", "Virtex UltraScale+ VU9P",
    "Virtex UltraScale+ HBM VU47P", "Alveo U30",
}  # fmt: skip
DATE_RE = re.compile(r"^\d{4}(-\d{2}-\d{2})?$")
PRICE_RE = re.compile(r"^\d+(\.\d+)?$")

Table = dict[str, Any]


def load(name: str) -> Table:
    with (TABLE_DIR / name).open(encoding="utf-8") as fh:
        table: Table = json.load(fh)
    return table


def load_reference(name: str) -> Any:
    with (REFERENCE / name).open(encoding="utf-8") as fh:
        return json.load(fh, parse_float=Decimal)


@pytest.fixture(scope="module")
def ec2() -> Table:
    return load("ec2.json")


@pytest.fixture(scope="module")
def sagemaker() -> Table:
    return load("sagemaker.json")


@pytest.fixture(scope="module", params=["ec2.json", "sagemaker.json"])
def table(request: pytest.FixtureRequest) -> Table:
    name: str = request.param
    return load(name)


def rows(table: Table) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for region, by_type in table["prices"].items():
        for name, row in by_type.items():
            yield region, name, row


def price(table: Table, region: str, name: str, column: str = "on_demand") -> Decimal:
    value = table["prices"][region][name][column]
    assert isinstance(value, str)
    return Decimal(value)


# ------------------------------------------------------------------------------------------
# Format
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["ec2.json", "sagemaker.json"])
def test_file_is_canonical_json(name: str) -> None:
    text = (TABLE_DIR / name).read_text(encoding="utf-8")
    assert text.endswith("}\n")
    parsed = json.loads(text)
    assert json.dumps(parsed, indent=2, sort_keys=True) + "\n" == text


def test_headers(ec2: Table, sagemaker: Table) -> None:
    for table, name, service in (
        (ec2, "aws-ec2", "ec2"),
        (sagemaker, "aws-sagemaker", "sagemaker"),
    ):
        assert table["schema_version"] == 1
        assert table["table"] == name
        assert table["cloud"] == "aws"
        assert table["service"] == service
        assert table["currency"] == "USD"
        assert table["unit"] == "hour"
        assert table["generated_by"] == "scripts/build_aws_pricing.py"
        assert re.fullmatch(r"\d{4}(-\d{2}-\d{2})?", table["as_of"])
        assert table["notes"] and all(isinstance(n, str) and n for n in table["notes"])
    # as_of is conservative: the oldest source of observed prices in the table
    assert ec2["as_of"] == "2025-11-30"
    assert sagemaker["as_of"] == "2024"
    assert sagemaker["component"] == "hosting"
    assert "component" not in ec2
    assert any("training and notebook" in note for note in sagemaker["notes"])


def test_sources_have_dates(table: Table) -> None:
    ids = [source["id"] for source in table["sources"]]
    assert len(ids) == len(set(ids))
    for source in table["sources"]:
        assert set(source) == {"id", "file", "origin", "date", "licence", "used_for"}
        assert DATE_RE.match(source["date"]), source
        assert all(isinstance(v, str) and v for v in source.values()), source
        assert source["date"][:4] in source["id"], source
    # as_of is the date of one of the table's sources (the oldest with observed prices)
    assert table["as_of"] in {s["date"] for s in table["sources"]}


def test_source_files_exist(table: Table) -> None:
    for source in table["sources"]:
        # a reference snapshot, or an extract vendored in pricing/sources
        found = (REFERENCE / source["file"]).is_file() or (REPO_ROOT / source["file"]).is_file()
        assert found, source["file"]


def test_every_price_is_a_positive_decimal_string(table: Table) -> None:
    count = 0
    for region, name, row in rows(table):
        upfront = set(UPFRONT_COLUMNS) if table["service"] == "ec2" else set()
        assert set(row) - {"capacity_block"} == {*PRICE_COLUMNS, *upfront, "basis"}, (region, name)
        for column in (*PRICE_COLUMNS, *upfront, "capacity_block"):
            value = row.get(column)
            if value is None:
                continue
            assert isinstance(value, str), (region, name, column, value)
            assert PRICE_RE.match(value), (region, name, column, value)
            assert Decimal(value) > 0
            count += 1
        # p5e is sold only as Capacity Blocks and spot: an observed spot price, no on-demand
        # (trn1.32xlarge in ap-southeast-4: a Capacity Block rate only)
        observed_only = row["basis"].get("spot", "").startswith("skypilot-aws-") or bool(
            row.get("capacity_block")
        )
        assert row["on_demand"] is not None or observed_only, (region, name)
    assert count > 0


def test_every_price_has_a_basis(table: Table) -> None:
    source_ids = {source["id"] for source in table["sources"]}
    for region, name, row in rows(table):
        basis = row["basis"]
        columns = (*PRICE_COLUMNS, *UPFRONT_COLUMNS, "capacity_block")
        priced = {c for c in columns if row.get(c) is not None}
        assert set(basis) == priced, (region, name)
        for column, why in basis.items():
            if why.startswith("estimate:"):
                # estimates are rounded to 6 decimal places and state their multiplier
                assert len(row[column].partition(".")[2]) <= 6, (region, name, column)
                assert re.search(r" x \d+(\.\d+)? ", why), why
            else:
                assert why in source_ids, (region, name, column, why)


def test_price_relations(ec2: Table) -> None:
    for region, name, row in rows(ec2):
        if row["on_demand"] is None:
            continue
        on_demand = Decimal(row["on_demand"])
        assert Decimal(row["spot"]) < on_demand, (region, name)
        if row["reserved_1y"] is not None:
            assert Decimal(row["reserved_1y"]) < on_demand, (region, name)


def test_every_instance_has_accelerator_data(table: Table) -> None:
    instances = table["instances"]
    for name, spec in instances.items():
        assert spec["family"] == name.removeprefix("ml.").split(".", 1)[0], name
        assert isinstance(spec["vcpu"], int) and spec["vcpu"] > 0, name
        assert spec["memory_gib"] > 0, name
        acc = spec["accelerator"]
        assert set(acc) == {"name", "vendor", "kind", "count", "memory_gib"}, name
        assert acc["name"] in NORMALISED_NAMES, (name, acc["name"])
        assert acc["vendor"] and acc["kind"] in KINDS, (name, acc)
        assert acc["count"] > 0, name
        assert acc["memory_gib"] is None or acc["memory_gib"] > 0, name
    for region, name, _ in rows(table):
        assert name in instances, (region, name)


# ------------------------------------------------------------------------------------------
# Golden numbers (EC2)
# ------------------------------------------------------------------------------------------

EC2_GOLDEN = [
    # type, on_demand, reserved_1y (us-east-1); README table in the team notes, pricing.md 3.1
    ("p5.48xlarge", "55.04", None),
    ("p5.4xlarge", "6.88", None),
    ("p5en.48xlarge", "63.296", None),
    ("p6-b200.48xlarge", "113.9328", None),
    ("p4d.24xlarge", "21.957642", "13.921094"),
    ("p4de.24xlarge", "27.44705", "17.401365"),
    ("g4dn.xlarge", "0.526", "0.331"),
    ("g4dn.12xlarge", "3.912", "2.465"),
    ("g5.xlarge", "1.006", "0.63378"),
    ("g5.12xlarge", "5.672", "3.57336"),
    ("g5.48xlarge", "16.288", "10.26144"),
    ("g6.xlarge", "0.8048", "0.52392"),
    ("g6.12xlarge", "4.6016", "2.99564"),
    ("g6e.xlarge", "1.861", "1.17243"),
    ("g6e.12xlarge", "10.49264", "6.61036"),
    ("g6e.48xlarge", "30.13118", "18.98264"),
    ("p3.2xlarge", "3.06", None),
    ("p3.16xlarge", "24.48", None),
    ("inf2.xlarge", "0.7582", "0.47767"),
    ("inf2.48xlarge", "12.98127", "8.1782"),
    ("trn1.2xlarge", "1.34375", "0.82681"),
    ("trn1.32xlarge", "21.5", "13.22895"),
]


@pytest.mark.parametrize(("name", "on_demand", "reserved"), EC2_GOLDEN)
def test_ec2_golden_us_east_1(ec2: Table, name: str, on_demand: str, reserved: str | None) -> None:
    row = ec2["prices"]["us-east-1"][name]
    assert row["on_demand"] == on_demand
    assert row["basis"]["on_demand"] == "karpenter-2026-07-20"
    assert row["reserved_1y"] == reserved
    if reserved is not None:
        assert row["basis"]["reserved_1y"] == "vantage-2026-01-21"


def test_ec2_golden_spot(ec2: Table) -> None:
    p5 = ec2["prices"]["us-east-1"]["p5.48xlarge"]
    # observed: the median of us-east-1's zones with spot capacity (19.2531, 21.1543, 25.7522,
    # 17.6289; zones at the on-demand price and the Atlanta Local Zone left out), not the
    # 2024-ratio estimate 55.04 x 0.39 = 21.4656
    assert p5["spot"] == "20.2037"
    assert p5["basis"]["spot"] == "skypilot-aws-v8-2026-00148f2a"
    g5 = ec2["prices"]["us-east-1"]["g5.xlarge"]
    # observed: the median of 0.4507, 0.4246, 0.4360, 0.4259, 0.4364 (not 1.006 x 0.41)
    assert g5["spot"] == "0.436"
    assert g5["basis"]["spot"] == "skypilot-aws-v8-2026-00148f2a"
    g4 = ec2["prices"]["us-east-1"]["g4dn.12xlarge"]
    assert g4["spot"] == "1.3211"  # the README's sample: 1.2875-1.4134 per zone
    g6 = ec2["prices"]["us-east-1"]["g6.xlarge"]
    assert g6["spot"] == "0.38205"  # median of 0.4011, 0.3653, 0.3490, 0.3988
    g6_48 = ec2["prices"]["us-east-1"]["g6.48xlarge"]
    # not read from SkyPilot: ec2instances.info's spot_avg of 2025-11-30
    assert (g6_48["spot"], g6_48["basis"]["spot"]) == ("3.884", "vantage-2025-11-30")


def test_capacity_blocks_from_the_pricing_page(ec2: Table) -> None:
    """The Capacity Blocks page as scraped on 2026-07-22, against the same page in late 2024.

    Every (type, region) the 2024 page listed is still sold; rates moved by less than 40%
    (p4d and trn1 down, p5 and p5e up), and every rate is below today's on-demand price.
    """
    blocks = {
        (region, name): row["capacity_block"]
        for region, name, row in rows(ec2)
        if row.get("capacity_block")
    }
    assert len(blocks) == 62
    assert blocks[("us-east-1", "p5.48xlarge")] == "41.528"  # 8 x 5.191 per H100
    assert blocks[("us-east-2", "p5e.48xlarge")] == "47.76"
    assert blocks[("us-east-2", "trn2.48xlarge")] == "35.7608"  # no on-demand price exists
    assert blocks[("us-west-2", "p6-b300.48xlarge")] == "112.32"
    old = json.loads(
        (REPO_ROOT / "pricing" / "sources" / "aws-capacity-blocks-page-2024.json").read_text()
    )
    for item in old["rows"]:
        now = Decimal(blocks[(item["region"], item["instance_type"])])
        assert abs(now / Decimal(item["hourly"]) - 1) < Decimal("0.4"), item
    for (region, name), rate in blocks.items():
        row = ec2["prices"][region][name]
        assert row["basis"]["capacity_block"] == "aws-capacity-blocks-2026-07-22"
        if row["on_demand"]:
            assert Decimal(rate) < Decimal(row["on_demand"])


def test_observed_g4dn_g5_spot_agrees_with_ec2instances_2024(ec2: Table) -> None:
    """Cross-check: SkyPilot's observed spot (2026) against ec2instances.info's spot_avg (2024).

    G4dn/G5 on-demand prices did not change in between; spot medians are within 30% of the
    2024 averages, except g5g.16xlarge, whose spot fell by half (0.55 against 1.18), and p3
    (V100), about a third of 2024's (p3.2xlarge 0.39 against 1.41).
    """
    reference = load_reference("aws-ec2-gpu-ondemand-spot-ec2instances-2024-04-04.json")
    compared = 0
    for record in reference["data"]:
        name, region = record["instance-type"], record["region"]
        row = ec2["prices"].get(region, {}).get(name)
        if region != "us-east-1" or not record["spot_avg"] or row is None:
            continue
        if not row["basis"].get("spot", "").startswith("skypilot-aws-"):
            continue
        if not name.startswith(("g4dn.", "g5.", "g5g.", "p3.")):
            continue
        ratio = Decimal(row["spot"]) / Decimal(record["spot_avg"])
        if name.startswith("p3."):
            assert ratio < Decimal("0.5"), (name, ratio)  # V100 spot fell ~3x since 2024
        elif name == "g5g.16xlarge":
            assert ratio < 1, (name, ratio)
        else:
            assert Decimal("0.7") <= ratio <= Decimal("1.3"), (name, ratio)
        compared += 1
    assert compared >= 10


def test_ec2_golden_other_regions(ec2: Table) -> None:
    assert price(ec2, "eu-west-1", "g4dn.12xlarge") == Decimal("4.362")  # also in SkyPilot
    assert ec2["prices"]["eu-west-1"]["g4dn.12xlarge"]["basis"]["on_demand"] == (
        "vantage-2026-01-21"
    )
    assert price(ec2, "sa-east-1", "p5.48xlarge") == Decimal("92.4672")
    assert price(ec2, "us-west-2", "p6-b300.48xlarge") == Decimal("142.416")
    assert price(ec2, "us-east-1", "p6-b300.48xlarge") == Decimal("142.416")


ACCELERATORS = [
    # type, name, vendor, kind, count, memory_gib (per device)
    ("p5.48xlarge", "H100", "nvidia", "gpu", 8, 80),
    ("p5en.48xlarge", "H200", "nvidia", "gpu", 8, 141),
    ("p5e.48xlarge", "H200", "nvidia", "gpu", 8, 141),
    ("p6-b200.48xlarge", "B200", "nvidia", "gpu", 8, 179),
    ("p6-b300.48xlarge", "B300", "nvidia", "gpu", 8, 262),
    ("p6e-gb200.36xlarge", "GB200", "nvidia", "gpu", 4, 185),
    ("p4d.24xlarge", "A100", "nvidia", "gpu", 8, 40),
    ("p4de.24xlarge", "A100-80GB", "nvidia", "gpu", 8, 80),
    ("p3.16xlarge", "V100", "nvidia", "gpu", 8, 16),
    ("p3dn.24xlarge", "V100", "nvidia", "gpu", 8, 32),
    ("p2.xlarge", "K80", "nvidia", "gpu", 1, 12),
    ("p2.8xlarge", "K80", "nvidia", "gpu", 8, 12),
    ("p2.16xlarge", "K80", "nvidia", "gpu", 16, 12),
    ("g2.8xlarge", "K520", "nvidia", "gpu", 4, 4),
    ("g3.16xlarge", "M60", "nvidia", "gpu", 4, 8),
    ("g3s.xlarge", "M60", "nvidia", "gpu", 1, 8),
    ("g4dn.metal", "T4", "nvidia", "gpu", 8, 16),
    ("g4ad.16xlarge", "Radeon Pro V520", "amd", "gpu", 4, 8),
    ("g5.48xlarge", "A10G", "nvidia", "gpu", 8, 24),
    ("g5g.16xlarge", "T4G", "nvidia", "gpu", 2, 16),
    ("g5g.xlarge", "T4G", "nvidia", "gpu", 1, 16),
    ("g6.48xlarge", "L4", "nvidia", "gpu", 8, 24),
    ("gr6.4xlarge", "L4", "nvidia", "gpu", 1, 24),
    ("g6f.large", "L4", "nvidia", "gpu", 0.125, 24),
    ("g6f.4xlarge", "L4", "nvidia", "gpu", 0.5, 24),
    ("gr6f.4xlarge", "L4", "nvidia", "gpu", 0.5, 24),
    ("g6e.48xlarge", "L40S", "nvidia", "gpu", 8, 48),
    ("g7e.12xlarge", "RTX PRO 6000", "nvidia", "gpu", 2, 96),
    ("g7.48xlarge", "RTX PRO 4500", "nvidia", "gpu", 8, 32),
    ("inf1.24xlarge", "Inferentia", "aws", "neuron", 16, 8),
    ("inf2.48xlarge", "Inferentia2", "aws", "neuron", 12, 32),
    ("trn1.32xlarge", "Trainium", "aws", "neuron", 16, 32),
    ("trn1n.32xlarge", "Trainium", "aws", "neuron", 16, 32),
    ("trn2.48xlarge", "Trainium2", "aws", "neuron", 16, 96),
    ("dl1.24xlarge", "Gaudi", "habana", "hpu", 8, 32),
    ("f1.16xlarge", "Virtex UltraScale+ VU9P", "xilinx", "fpga", 8, None),
    ("f2.6xlarge", "Virtex UltraScale+ HBM VU47P", "amd", "fpga", 1, None),
    ("vt1.24xlarge", "Alveo U30", "xilinx", "media", 8, None),
]


@pytest.mark.parametrize(("name", "model", "vendor", "kind", "count", "memory"), ACCELERATORS)
def test_ec2_accelerators(
    ec2: Table, name: str, model: str, vendor: str, kind: str, count: float, memory: int | None
) -> None:
    acc = ec2["instances"][name]["accelerator"]
    assert (acc["name"], acc["vendor"], acc["kind"]) == (model, vendor, kind)
    assert acc["count"] == count
    assert acc["memory_gib"] == memory


def test_ec2_instance_specs(ec2: Table) -> None:
    p5 = ec2["instances"]["p5.48xlarge"]
    assert (p5["family"], p5["vcpu"], p5["memory_gib"]) == ("p5", 192, 2048)
    assert ec2["instances"]["p6-b200.48xlarge"]["family"] == "p6-b200"
    assert ec2["instances"]["p3dn.24xlarge"]["family"] == "p3dn"
    assert ec2["instances"]["g3s.xlarge"]["memory_gib"] == 30.5


# ------------------------------------------------------------------------------------------
# EC2 against the reference files
# ------------------------------------------------------------------------------------------


def test_ec2_matches_karpenter(ec2: Table) -> None:
    data = load_reference(KARPENTER_FILE)["InitialOnDemandPricesAWS"]["us-east-1"]
    assert len(data) == 102
    for name, value in data.items():
        assert price(ec2, "us-east-1", name) == value, name
        assert ec2["prices"]["us-east-1"][name]["basis"]["on_demand"] == "karpenter-2026-07-20"


def test_ec2_matches_vantage(ec2: Table) -> None:
    records = load_reference(VANTAGE_FILE)["allGPUInstances"]
    karpenter = load_reference(KARPENTER_FILE)["InitialOnDemandPricesAWS"]["us-east-1"]
    regions: set[str] = set()
    for record in records:
        if "apiName" not in record:  # UltraServers
            assert record["name"] not in ec2["instances"]
            continue
        name = record["name"]
        assert name in ec2["instances"], name
        for region, cell in record["pricing"].items():
            regions.add(region)
            row = ec2["prices"][region][name]
            if not (region == "us-east-1" and name in karpenter):
                assert Decimal(row["on_demand"]) == cell["onDemand"], (region, name)
                assert row["basis"]["on_demand"] == "vantage-2026-01-21"
            else:  # the two sources agree in us-east-1
                assert Decimal(row["on_demand"]) == cell["onDemand"], (region, name)
            if "reserved" in cell:
                assert Decimal(row["reserved_1y"]) == cell["reserved"], (region, name)
            else:
                assert row["reserved_1y"] is None, (region, name)
    # + Melbourne, where only a Capacity Block rate (trn1.32xlarge) is published
    assert set(ec2["prices"]) == regions | {"ap-southeast-4"}
    assert len(regions) == 95


def test_ec2_counts(ec2: Table) -> None:
    vantage = {r["name"] for r in load_reference(VANTAGE_FILE)["allGPUInstances"] if "apiName" in r}
    karpenter = set(load_reference(KARPENTER_FILE)["InitialOnDemandPricesAWS"]["us-east-1"])
    assert set(ec2["instances"]) == vantage | karpenter
    assert len(ec2["instances"]) == 106
    priced = {name for _, name, _ in rows(ec2)}
    # trn2.48xlarge has only a Capacity Block rate; p6e-gb200 is sold as UltraServers
    assert set(ec2["instances"]) - priced == {"p6e-gb200.36xlarge"}


def test_spot_estimates_follow_the_2024_ratios(ec2: Table) -> None:
    data = load_reference(EC2INSTANCES_FILE)["data"]
    ratios: dict[str, list[Decimal]] = {}
    for row in data:
        od = Decimal(row["ondemand"])
        if row["region"] != "us-east-1" or od <= 0 or row["spot_avg"] is None:
            continue
        spot = Decimal(row["spot_avg"])
        if spot > 0:
            ratios.setdefault(row["instance-type"].split(".")[0], []).append(spot / od)
    overall = Decimal(statistics.median([r for v in ratios.values() for r in v]))
    assert overall.quantize(Decimal("0.01")) == Decimal("0.39")  # the ~61% median discount
    for region, name, row in rows(ec2):
        if not row["basis"].get("spot", "").startswith("estimate:"):
            continue  # observed spot (skypilot-aws-*), checked in test_ec2_golden_spot
        family = ec2["instances"][name]["family"]
        values = ratios.get(family)
        ratio = Decimal(statistics.median(values)) if values else overall
        ratio = ratio.quantize(Decimal("0.0001"), ROUND_HALF_UP)
        expected = (Decimal(row["on_demand"]) * ratio).quantize(Decimal("0.000001"), ROUND_HALF_UP)
        assert Decimal(row["spot"]) == expected, (region, name)
        assert row["basis"]["spot"].startswith("estimate:on_demand x ")


# ------------------------------------------------------------------------------------------
# SageMaker
# ------------------------------------------------------------------------------------------


def test_sagemaker_regions_follow_ec2_and_are_labelled_estimates(
    sagemaker: Table, ec2: Table
) -> None:
    home = sagemaker["prices"]["us-east-1"]
    checked = 0
    for region, rows in sagemaker["prices"].items():
        if region == "us-east-1":
            continue
        for name, row in rows.items():
            basis = row["basis"]["on_demand"]
            assert basis.startswith(f"estimate:us-east-1 {name} "), (region, name)
            ec2_name = name.removeprefix("ml.")
            ratio = Decimal(ec2["prices"][region][ec2_name]["on_demand"]) / Decimal(
                ec2["prices"]["us-east-1"][ec2_name]["on_demand"]
            )
            expected = Decimal(home[name]["on_demand"]) * ratio
            # the ratio is rounded to 4 places before use
            assert abs(Decimal(row["on_demand"]) - expected) <= expected * Decimal("0.0001")
            checked += 1
    assert checked > 500
    # A worked example: ml.g5.xlarge in Ireland = 1.4084 x (EC2 1.123 / 1.006).
    assert price(sagemaker, "eu-west-1", "ml.g5.xlarge") == Decimal("1.572197")


def test_sagemaker_golden(sagemaker: Table) -> None:
    prices = sagemaker["prices"]
    assert {"us-east-1", "eu-west-1", "ap-northeast-1", "us-gov-west-1"} <= set(prices)
    # no Local or Wavelength Zones (us-east-1-bos-1, us-west-2-wl1-las1)
    assert not [r for r in prices if re.search(r"-\d+-|wl\d", r)]
    assert price(sagemaker, "us-east-1", "ml.g5.xlarge") == Decimal("1.4084")
    assert prices["us-east-1"]["ml.g5.xlarge"]["basis"]["on_demand"] == "fmbench-2024"
    assert price(sagemaker, "us-east-1", "ml.g4dn.xlarge") == Decimal("0.7364")
    assert price(sagemaker, "us-east-1", "ml.p5.48xlarge") == Decimal("113.068")
    assert price(sagemaker, "us-east-1", "ml.trn1.32xlarge") == Decimal("28.497")
    # estimates: EC2 x observed ratio (1.4 for xlarge sizes, 1.25 for the rest of g4dn/g5/g6)
    g6 = prices["us-east-1"]["ml.g6.xlarge"]
    assert g6["on_demand"] == "1.12672"  # 0.8048 x 1.4
    assert g6["basis"]["on_demand"].startswith("estimate:EC2 on_demand x 1.4 ")
    g5 = prices["us-east-1"]["ml.g5.16xlarge"]
    assert g5["on_demand"] == "5.12"  # 4.096 x 1.25
    assert g5["basis"]["on_demand"].startswith("estimate:EC2 on_demand x 1.25 ")
    for _, name, row in rows(sagemaker):
        assert name.startswith("ml."), name
        assert row["spot"] is None and row["reserved_1y"] is None, name


def test_sagemaker_specs_match_ec2(ec2: Table, sagemaker: Table) -> None:
    assert len(sagemaker["instances"]) == 51
    for name, spec in sagemaker["instances"].items():
        assert spec == ec2["instances"][name.removeprefix("ml.")], name
    assert sagemaker["instances"]["ml.g5.xlarge"]["family"] == "g5"


def test_sagemaker_estimates_use_current_ec2_prices(ec2: Table, sagemaker: Table) -> None:
    for region, name, row in rows(sagemaker):
        why = row["basis"]["on_demand"]
        if not why.startswith("estimate:") or region != "us-east-1":
            continue  # other regions: test_sagemaker_regions_follow_ec2_and_are_labelled_...
        match = re.match(r"estimate:EC2 on_demand x (\d+(?:\.\d+)?) \(EC2 (\d+(?:\.\d+)?) ", why)
        assert match, why
        ec2_price = price(ec2, "us-east-1", name.removeprefix("ml."))
        assert Decimal(match.group(2)) == ec2_price
        expected = (ec2_price * Decimal(match.group(1))).quantize(
            Decimal("0.000001"), ROUND_HALF_UP
        )
        assert Decimal(row["on_demand"]) == expected, name


def test_sagemaker_matches_fmbench(sagemaker: Table) -> None:
    text = (REFERENCE / FMBENCH_FILE).read_text(encoding="utf-8")
    listed = dict(re.findall(r"^    (ml\.[\w.-]+): ([\d.]+)\s*$", text, flags=re.MULTILINE))
    assert len(listed) == 31  # plus one Bedrock and one EC2 (p5e) entry
    gpu = {k: v for k, v in listed.items() if k.split(".")[1] not in {"c5", "c7i", "m5"}}
    assert len(gpu) == 26
    for name, value in gpu.items():
        assert price(sagemaker, "us-east-1", name) == Decimal(value), name
        assert sagemaker["prices"]["us-east-1"][name]["basis"]["on_demand"] == "fmbench-2024"


# ------------------------------------------------------------------------------------------
# Regeneration
# ------------------------------------------------------------------------------------------


def test_regenerating_gives_identical_bytes(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--reference", str(REFERENCE), "--output", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for name in ("ec2.json", "sagemaker.json"):
        assert (tmp_path / name).read_bytes() == (TABLE_DIR / name).read_bytes(), name


def test_check_mode_reports_stale_files(tmp_path: Path) -> None:
    def check(output: Path) -> int:
        cmd = [sys.executable, str(SCRIPT), "--reference", str(REFERENCE), "--output", str(output)]
        return subprocess.run([*cmd, "--check"], capture_output=True, check=False).returncode

    assert check(TABLE_DIR) == 0
    (tmp_path / "ec2.json").write_text("{}\n", encoding="utf-8")
    assert check(tmp_path) == 1


def test_vantage_dump_agrees_with_vantage_2026_and_karpenter() -> None:
    """Cross-check of the 2025-11-30 ec2instances.info dump against two other sources.

    Its Linux on-demand price equals vantage 2026-01-21's in every region (and karpenter's
    2026-07-20 us-east-1 price) to the cent and beyond, and its 1-yr Standard no-upfront
    rate equals vantage 2026-01-21's ``reserved``: one price generation, so its 3-year and
    upfront RI rates are used with today's on-demand prices.
    """
    dump = json.loads(VANTAGE_DUMP.read_text(encoding="utf-8"), parse_float=Decimal)
    assert dump["_source"]["commit"] == "2d0108c7bd261c8e40493fbd35135437bd6c9099"
    vantage = load_reference(VANTAGE_FILE)
    karpenter = load_reference(KARPENTER_FILE)["InitialOnDemandPricesAWS"]["us-east-1"]
    later = {r["apiName"]: r["pricing"] for r in vantage["allGPUInstances"] if "apiName" in r}
    on_demand = reserved = with_karpenter = 0
    for name, by_region in dump["rows"].items():
        for region, cell in by_region.items():
            newer = later.get(name, {}).get(region)
            if newer is None or "ondemand" not in cell:
                continue
            assert Decimal(cell["ondemand"]) == newer["onDemand"], (name, region)
            on_demand += 1
            one_year = cell.get("reserved", {}).get("yrTerm1Standard.noUpfront")
            if one_year is not None and "reserved" in newer:
                assert Decimal(one_year) == newer["reserved"], (name, region)
                reserved += 1
            if region == "us-east-1" and name in karpenter:
                assert Decimal(cell["ondemand"]) == karpenter[name], name
                with_karpenter += 1
    assert (on_demand, reserved) == (1127, 785)
    assert with_karpenter == 79


def test_reserved_instance_columns(ec2: Table) -> None:
    """3-year and upfront RIs: all upfront <= partial <= no upfront < on-demand, 3y < 1y."""
    three_year = 0
    for region, name, row in rows(ec2):
        for years in ("1y", "3y"):
            no, partial, full = (
                row[f"reserved_{years}{suffix}"]
                for suffix in ("", "_partial_upfront", "_all_upfront")
            )
            if no is None:
                assert partial is None and full is None, (region, name, years)
            if partial is not None:
                assert Decimal(full) <= Decimal(partial) <= Decimal(no), (region, name, years)
                assert Decimal(no) < Decimal(row["on_demand"]), (region, name, years)
        if row["reserved_3y"] is not None:
            three_year += 1
            assert row["basis"]["reserved_3y"] == "vantage-2025-11-30"
            if row["reserved_1y"] is not None:
                assert Decimal(row["reserved_3y"]) < Decimal(row["reserved_1y"]), (region, name)
    assert three_year == 807
    p5 = ec2["prices"]["us-east-1"]["p5.48xlarge"]
    # ec2instances.info: 3-yr Standard 23.77728 no upfront, 22.015991 partial, 20.695053 all
    # upfront (effective hourly); no 1-yr Standard offer for p5 in the dump or in 2026-01-21
    assert (p5["reserved_3y"], p5["reserved_3y_partial_upfront"]) == ("23.77728", "22.015991")
    assert p5["reserved_3y_all_upfront"] == "20.695053"
    assert p5["reserved_1y"] is None


def test_vantage_spot_agrees_with_skypilot(ec2: Table) -> None:
    """Cross-check: ec2instances.info's spot_avg (2025-11-30) against SkyPilot's per-zone median.

    Where both observed the same (type, region), the median ratio is about 1.0 (291 rows);
    single rows differ by up to 6x (spot moves by the hour), the older P-families were about
    20-70% dearer in the 2025 dump.
    """
    dump = json.loads(VANTAGE_DUMP.read_text(encoding="utf-8"))["rows"]
    ratios: dict[str, list[Decimal]] = {}
    for region, name, row in rows(ec2):
        cell = dump.get(name, {}).get(region, {})
        if not row["basis"].get("spot", "").startswith("skypilot-aws-") or "spot_avg" not in cell:
            continue
        if Decimal(cell["spot_avg"]) >= Decimal(row["on_demand"]) * Decimal("0.9"):
            continue  # no spot capacity when ec2instances.info looked
        family = name.split(".")[0]
        ratios.setdefault(family, []).append(Decimal(cell["spot_avg"]) / Decimal(row["spot"]))
    every = [r for values in ratios.values() for r in values]
    assert len(every) == 291
    assert Decimal("0.9") < statistics.median(every) < Decimal("1.1")
    for family in ("g4dn", "g5", "g6", "g6e"):
        assert Decimal("0.85") < statistics.median(ratios[family]) < Decimal("1.15"), family


def test_windows_on_demand_is_observed_and_the_licence_rule_agrees(ec2: Table) -> None:
    """Cross-check: Linux + vCPU x 0.046 (the rule used for Windows spot and RIs) against the
    observed licence-included Windows price, in every row that has one; only the
    previous-generation g2 has a smaller uplift."""
    licence = Decimal(ec2["windows_licence"]["per_vcpu_hour"])
    rule = other = 0
    for region, name, row in rows(ec2):
        if row["windows_on_demand"] is None:
            continue
        assert row["basis"]["windows_on_demand"] == "vantage-2025-11-30"
        windows, linux = Decimal(row["windows_on_demand"]), Decimal(row["on_demand"])
        if windows == linux + licence * ec2["instances"][name]["vcpu"]:
            rule += 1
        else:
            other += 1
            assert name.startswith("g2."), (region, name)
    assert (rule, other) == (866, 16)


def test_skypilot_on_demand_agrees_with_karpenter_and_vantage(ec2: Table) -> None:
    """Cross-check of the on-demand column: SkyPilot's per-zone ``Price`` (2026) equals the
    table's on-demand price (karpenter 2026-07-20 in us-east-1, vantage 2026-01-21 elsewhere)
    to the cent in every (region, type) the SkyPilot extract has one for."""
    path = REPO_ROOT / "pricing" / "sources" / "aws-skypilot-v8-00148f2a-spot-extract.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        priced = {(r["Region"], r["InstanceType"]): r["Price"] for r in csv.DictReader(handle)}
    checked = {"karpenter-2026-07-20": 0, "vantage-2026-01-21": 0}
    for (region, name), price in priced.items():
        if not price:
            continue  # p5e: no on-demand price
        row = ec2["prices"][region][name]
        assert abs(Decimal(price) - Decimal(row["on_demand"])) < Decimal("0.005"), (region, name)
        checked[row["basis"]["on_demand"]] += 1
    assert checked == {"karpenter-2026-07-20": 30, "vantage-2026-01-21": 292}
