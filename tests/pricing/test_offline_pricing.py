"""`aicost check` on GCP/Azure plans and `aicost pricing show/age` stay offline and SDK-free."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import PLANS
from tests.test_offline import probe


@pytest.mark.parametrize("name", ["gcp_mixed", "azure_mixed"])
def test_check_of_gcp_and_azure_plans_touches_no_network_and_no_sdk(
    name: str, tmp_path: Path
) -> None:
    out = tmp_path / "report.json"
    result = probe("check", str(PLANS / f"{name}.json"), "--format", f"json={out}")
    assert result["code"] in (0, 1)
    assert result["events"] == [] and result["sdk"] == []
    assert json.loads(out.read_text())["resources"]


@pytest.mark.parametrize(
    "args",
    [("pricing", "show", "a3-highgpu-8g"), ("pricing", "age"), ("pricing", "show", "v5p-8")],
    ids=["show", "age", "show-tpu"],
)
def test_pricing_show_and_age_import_no_sdk(args: tuple[str, ...]) -> None:
    result = probe(*args)
    assert result["code"] == 0
    assert result["events"] == [] and result["sdk"] == []


def test_pricing_age_warns_past_the_configured_age(aicost) -> None:  # type: ignore[no-untyped-def]
    result = aicost("pricing", "age", "--max-age-days", "100000")
    assert result.code == 0 and "warning" not in result.err
    result = aicost("pricing", "age", "--max-age-days", "0", "--strict")
    assert result.code == 1
    assert "aicost: warning: the gcp-compute price table is" in result.err
    assert "run `aicost pricing refresh gcp`" in result.err
    entries = aicost("pricing", "age", "--json").json
    assert {e["table"] for e in entries} >= {"aws-ec2", "gcp-compute", "gcp-tpu", "azure-vm"}


def test_pricing_show_prices_per_region(aicost) -> None:  # type: ignore[no-untyped-def]
    result = aicost("pricing", "show", "Standard_NC24ads_A100_v4", "--region", "eastus", "--json")
    entry = result.json[0]
    assert entry["table"] == "azure-vm" and entry["prices"]["eastus"]["on_demand"] == "3.673"
    assert entry["spec"]["accelerator"]["name"] == "A100-80GB"
    missing = aicost("pricing", "show", "p99.mega")
    assert missing.code == 2 and "is in no price table" in missing.err
