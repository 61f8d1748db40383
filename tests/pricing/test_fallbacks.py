"""No silent substitution: a workload bought as one option but priced at another's rate says
so in every format, is an estimate with its reason, and a policy can make it fail."""

from __future__ import annotations

import pytest

from tests.conftest import plan

FORMATS = ["table", "markdown", "compact", "sarif", "junit", "github", "json"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_shows_the_fallback(aicost, fmt: str) -> None:  # type: ignore[no-untyped-def]
    out = aicost("check", plan("aws_compliant"), "--format", fmt).out
    assert "savings-plan→reserved 1-year" in out


def test_json_marks_the_workload_an_estimate_with_its_reason(aicost) -> None:  # type: ignore[no-untyped-def]
    report = aicost("check", plan("aws_compliant"), "--format", "json").json
    item = next(r for r in report["resources"] if r["address"] == "aws_instance.batch_savings_plan")
    assert item["purchase"] == "savings-plan→reserved 1-year"
    assert item["estimate"] is True
    assert item["cost_lines"][0]["priced_as"] == "reserved 1-year"
    assert any("no savings-plan price" in r for r in item["estimate_reasons"])
    exact = next(r for r in report["resources"] if r["address"] == "aws_instance.infer_reserved")
    assert exact["purchase"] == "capacity-reservation" and exact["estimate"] is False


def test_fallback_error_fails_the_check(aicost, tmp_path) -> None:  # type: ignore[no-untyped-def]
    policy = tmp_path / "policy.yaml"
    policy.write_text("version: 1\nname: strict\nfallback: error\nrules: []\n")
    result = aicost("check", plan("aws_compliant"), "--policy", policy)
    assert result.code == 1
    assert "price-fallback" in result.out
    policy.write_text("version: 1\nname: lax\nfallback: ignore\nrules: []\n")
    assert aicost("check", plan("aws_compliant"), "--policy", policy).code == 0


RESERVED_3Y = """
provider "aws" {
  region = "us-east-1"
}
resource "aws_instance" "three_year" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "p5.48xlarge"
  tags          = { "purchase-option" = "reserved-3y" }
}
resource "aws_instance" "block" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "p5en.48xlarge"
  instance_market_options {
    market_type = "capacity-block"
  }
}
"""


def test_aws_3_year_reservations_and_capacity_blocks_have_their_own_rates(aicost, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A 3-year RI is priced at the 3-year rate (not the 1-year or on-demand one) and a
    capacity block at the published Capacity Blocks rate: no fallback, no estimate."""
    (tmp_path / "main.tf").write_text(RESERVED_3Y)
    report = aicost("check", tmp_path, "--format", "json").json
    found = {r["address"]: r for r in report["resources"]}
    three_year, block = found["aws_instance.three_year"], found["aws_instance.block"]
    assert three_year["purchase"] == "reserved" and three_year["estimate"] is False
    (line,) = three_year["cost_lines"]
    assert (line["hourly_rate"], line["basis"]) == ("23.77728", "vantage-2025-11-30")
    assert block["purchase"] == "capacity-block" and block["estimate"] is False
    (line,) = block["cost_lines"]
    assert (line["hourly_rate"], line["basis"]) == ("54.92", "aws-capacity-blocks-2026-07-22")
