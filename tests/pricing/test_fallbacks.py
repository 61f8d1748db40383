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
