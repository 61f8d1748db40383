"""The shipped GCP and Azure tables: reproducible, dated, sourced, anomalies handled."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from aicost.core.errors import ConfigError
from aicost.core.model import PurchaseOption
from aicost.pricing.catalog import PriceBook, Rate, load_discounts
from tests.conftest import REPO, Runner, plan
from tests.pricing.helpers import table

CURRENT_GPUS = {"H100", "H200", "B200", "A100", "A100-80GB", "L4", "T4", "V100"}


def test_build_script_reproduces_the_committed_tables(tmp_path: Path) -> None:
    # every input is vendored in pricing/sources: nothing beside the clone, no network
    result = subprocess.run(
        [
            sys.executable,
            "scripts/build_cloud_pricing.py",
            "--output",
            str(tmp_path),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for name in ("gcp/compute.json", "gcp/tpu.json", "azure/vm.json"):
        assert (tmp_path / name).read_bytes() == (REPO / "pricing" / name).read_bytes(), name


def test_plan_fixtures_are_current() -> None:
    result = subprocess.run(
        [sys.executable, "scripts/make_cloud_plans.py", "--check"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("name", ["gcp/compute", "gcp/tpu", "azure/vm"])
def test_every_price_has_a_dated_source_or_an_estimate_basis(name: str) -> None:
    document = table(name)
    assert document["as_of"] and document["sources"]
    ids = {s["id"] for s in document["sources"]}
    assert all(s.get("date") for s in document["sources"])
    sections = [document["prices"], document.get("accelerator_prices", {})]
    count = 0
    for section in sections:
        for rows in section.values():
            for row in rows.values():
                for column, value in row.items():
                    if column in ("basis", "includes_accelerators") or value is None:
                        continue
                    count += 1
                    basis = row["basis"][column]
                    assert basis in ids or basis.startswith("estimate:"), (name, column, basis)
                    assert Decimal(value) > 0
    assert count >= 8


def test_gcp_covers_current_gpus_and_tpus() -> None:
    compute = table("gcp/compute")
    names = {
        spec["accelerator"]["name"]
        for spec in compute["instances"].values()
        if "accelerator" in spec
    }
    assert {"H100", "H200", "B200", "A100", "A100-80GB", "L4"} <= names
    central = compute["accelerator_prices"]["us-central1"]
    assert {"nvidia-tesla-t4", "nvidia-tesla-v100"} <= set(central)
    assert {"v5p", "v6e"} <= set(table("gcp/tpu")["prices"]["us-central1"])


def test_gcp_anomalies_are_handled_not_copied() -> None:
    central = table("gcp/compute")["accelerator_prices"]["us-central1"]
    a80 = central["nvidia-a100-80gb"]
    # the snapshot's on-demand (1.8462) was below its spot (1.964): replaced by a labelled estimate
    assert Decimal(a80["on_demand"]) > Decimal(a80["spot"])
    assert a80["basis"]["on_demand"].startswith("estimate:")
    h100 = central["nvidia-h100-80gb"]
    assert h100["on_demand"] == "9.79655" and h100["basis"]["on_demand"].startswith("estimate:")
    europe = table("gcp/compute")["accelerator_prices"]["europe-west4"]["nvidia-tesla-a100"]
    assert europe["on_demand"] is None
    notes = " ".join(table("gcp/compute")["notes"])
    assert notes.count("ANOMALY") == 3
    assert "v6e" not in table("gcp/tpu")["prices"]["asia-east1"]  # 700.0 placeholder dropped


def test_azure_covers_current_gpus_and_strips_the_padded_key() -> None:
    azure = table("azure/vm")
    names = {i["accelerator"]["name"] for i in azure["instances"].values()}
    assert {"H100", "H200", "A100", "A100-80GB", "T4", "V100", "MI300X", "GB200"} <= names
    assert "Standard_NM16ads_MA35D" in azure["instances"]
    assert not any(k != k.strip() for r in azure["prices"].values() for k in r)
    assert any("trailing spaces" in n for n in azure["notes"])
    assert any("RTXPRO6000" in n for n in azure["notes"])
    row = azure["prices"]["eastus"]["Standard_ND96isr_H100_v5"]
    assert row["on_demand"] == "98.32" and row["spot"] is None


def test_discount_file_applies_per_cloud(tmp_path: Path) -> None:
    (tmp_path / "discounts.yaml").write_text(
        "aws: 10\ngcp: {percent: 5, purchase: [on-demand], note: private offer}\n"
    )
    book = PriceBook(directories=[tmp_path, REPO / "pricing"])
    aws = book.rate("aws", "ec2", "us-east-1", "p5.48xlarge", PurchaseOption.ON_DEMAND)
    assert isinstance(aws, Rate) and aws.hourly == Decimal("55.04") * Decimal("0.9")
    assert "aws discount of 10%" in aws.adjustments[0]
    spot = book.rate("gcp", "compute", "us-central1", "a2-highgpu-1g", PurchaseOption.SPOT)
    assert isinstance(spot, Rate) and spot.adjustments == ()  # gcp discount: on-demand only
    azure = book.rate("azure", "vm", "eastus", "Standard_NC6s_v3", PurchaseOption.ON_DEMAND)
    assert isinstance(azure, Rate) and azure.hourly == Decimal("3.06")


def test_bad_discount_file_is_one_line_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "discounts.yaml").write_text("aws: 10\ngpc: 5\n")
    with pytest.raises(ConfigError) as caught:
        load_discounts(tmp_path)
    assert str(caught.value).startswith(f"{tmp_path / 'discounts.yaml'}:2:")
    assert "unknown cloud 'gpc'" in str(caught.value)
    (tmp_path / "discounts.yaml").write_text("aws: 120\n")
    with pytest.raises(ConfigError, match="from 0 to under 100"):
        load_discounts(tmp_path)


def test_user_price_directory_overrides_shipped_tables(
    aicost: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = tmp_path / "prices"
    (user / "gcp").mkdir(parents=True)
    compute = json.loads((REPO / "pricing" / "gcp" / "compute.json").read_text())
    compute["table"] = "gcp-compute"
    compute["as_of"] = "2027-01-01"
    compute["prices"]["us-central1"]["a2-highgpu-1g"]["on_demand"] = "1.0"
    (user / "gcp" / "compute.json").write_text(json.dumps(compute))
    (user / "discounts.yaml").write_text("gcp: 50\n")
    monkeypatch.setenv("AICOST_PRICING_DIR", str(user))
    report = aicost("check", plan("gcp_mixed"), "--format", "json").json
    box = next(r for r in report["resources"] if r["address"].endswith("a100_box"))
    assert Decimal(box["monthly_cost"]) == (1 * Decimal("0.5") * 730)
    used = {t["table"]: t for t in report["pricing"]}
    assert used["gcp-compute"]["as_of"] == "2027-01-01"
    assert used["gcp-compute"]["path"] == os.fspath(user / "gcp" / "compute.json")
