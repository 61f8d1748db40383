"""aicost spend on a real public FOCUS sample and on a seventy-day export with known KPIs."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from aicost.cli import main
from tests.spend.conftest import LAST, SAMPLE, scenario_rows


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert main(["spend", *args, "--format", "json"]) == 0
    report: dict[str, Any] = json.loads(capsys.readouterr().out)
    return report


def test_real_sample_finds_the_gpu_instances_and_azure_ml(
    capsys: pytest.CaptureFixture[str],
) -> None:
    report = run_json(capsys, str(SAMPLE))
    summary = report["summary"]
    # 19 AI lines: EC2 g5.4xlarge / g3.4xlarge hours and Azure Machine Learning (summed by hand)
    assert summary["ai_lines"] == 19
    assert summary["ai_effective_cost"] == "12.85"
    assert summary["ai_billed_cost"] == "11.97"
    # the slice's first and last charge periods (ChargePeriodEnd is exclusive)
    assert summary["period_start"] == "2024-09-01T04:00:00Z"
    assert summary["period_end"] == "2024-09-30T23:00:00Z"
    # no team tag in the sample: all of it is the untagged row, shown, not hidden
    assert [g["key"] for g in report["groups"]] == [{"team": "(untagged)"}]
    assert summary["untagged_effective_cost"] == "12.85"
    options = report["kpis"]["gpu_by_purchase_option"]
    assert options[0]["pricing_category"] == "Standard"
    assert options[0]["gpu_hours"] == pytest.approx(7.97, abs=0.01)  # one A10G / M60 each
    assert report["rows"] == 216


def test_json_has_the_issue_keys(scenario: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = run_json(capsys, str(scenario), "--by", "team,model,use-case")
    assert {"ai_effective_cost", "ai_billed_cost", "period_start", "period_end"} <= set(
        report["summary"]
    )
    for group in report["groups"]:
        assert set(group["key"]) == {"team", "model", "use-case"}
        assert {"effective_cost", "billed_cost"} <= set(group)
    assert {
        "commitment_coverage_rate",
        "pricing_category_share",
        "week_over_week_variance",
        "cost_per_1k_tokens",
    } <= set(report["kpis"])


def test_showback_totals_and_groups(scenario: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = run_json(capsys, str(scenario), "--by", "team,use-case")
    rows = [r for r in scenario_rows() if r["ServiceName"] != "Amazon Simple Storage Service"]
    assert Decimal(report["summary"]["ai_effective_cost"]) == sum(
        Decimal(r["EffectiveCost"]) for r in rows
    )
    groups = {tuple(g["key"].values()): g for g in report["groups"]}
    assert groups[("vision", "training")]["effective_cost"] == "7000.00"  # 70 days x $100
    # use_case spelled with an underscore on search's resources is the same tag
    assert ("search", "ranking") in groups
    # the SageMaker notebook has no tags: its own row
    assert groups[("(untagged)", "(untagged)")]["effective_cost"] == "35.00"
    by_kind = report["summary"]["by_kind"]
    assert (by_kind["tokens"], by_kind["ai-service"]) == ("42.00", "35.00")
    assert "Amazon Simple Storage Service" not in json.dumps(report)


def test_kpis(scenario: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = run_json(capsys, str(scenario), "--budget", "vision=3500", "--budget", "search=100000")
    kpis = report["kpis"]
    # accelerator hours: vision 12 committed + 12 on demand, search 24 spot, every day
    assert kpis["commitment_coverage_rate"] == 0.25
    by_option = {o["pricing_category"]: o for o in kpis["gpu_by_purchase_option"]}
    assert by_option["Committed"]["gpu_hours"] == 70 * 12 * 8  # p5.48xlarge: 8 H100
    assert by_option["Dynamic"]["gpu_hours"] == 70 * 24  # g5.xlarge: 1 A10G
    assert kpis["cost_per_1k_tokens"] == "0.003000"  # $3 per million tokens
    # week over week, recomputed from the rows
    ai = [r for r in scenario_rows() if r["ServiceName"] != "Amazon Simple Storage Service"]

    def week(end_offset: int) -> Decimal:
        first = LAST - timedelta(days=end_offset + 6)
        last = LAST - timedelta(days=end_offset)
        return sum(
            (
                Decimal(r["EffectiveCost"])
                for r in ai
                if first.isoformat() <= r["ChargePeriodStart"][:10] <= last.isoformat()
            ),
            Decimal(0),
        )

    expected = (week(0) - week(7)) / week(7)
    assert kpis["week_over_week_variance"] == pytest.approx(float(expected), abs=1e-4)
    shares = kpis["pricing_category_share"]
    assert sum(shares.values()) == pytest.approx(1.0, abs=1e-3)
    assert set(shares) == {"Committed", "Standard", "Dynamic"}

    readiness = {(r["instance_family"], r["team"]): r for r in kpis["commitment_readiness"]}
    vision = readiness[("p5", "vision")]
    assert vision["candidate"] is True
    assert vision["steady_floor_daily"] == "60.00"  # the uncommitted part, every day
    assert vision["recommended_commitment_hourly"] == "2.500000"
    search = readiness[("g5", "search")]
    assert search["candidate"] is False
    assert "variance" in search["reason"]

    burn = {b["team"]: b for b in kpis["budget_burn"]}
    assert burn["vision"]["month_to_date"] == "900.00"  # 9 days of November
    assert burn["vision"]["projected_month_end"] == "3000.00"
    assert burn["vision"]["status"] == "warning"  # past the 80% line
    assert burn["search"]["status"] == "ok"

    jumps = kpis["day_over_day_jumps"]
    assert {"day": LAST.isoformat(), "team": "vision"} not in [
        {"day": j["day"], "team": j["team"]} for j in jumps
    ]
    assert any(j["day"] == LAST.isoformat() and j["team"] == "search" for j in jumps)


def test_budget_burn_from_a_policy(
    scenario: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = tmp_path / "aicost.yaml"
    policy.write_text(
        "version: 1\nname: p\nbudgets:\n"
        "  - name: teams\n    per_tag: team\n    monthly: 1000\n    limits: {vision: 3500}\n"
        "  - name: all-ai\n    monthly: 10000\n"
        "  - name: clouds\n    monthly: 5\n    match: {clouds: [aws]}\n"
    )
    report = run_json(capsys, str(scenario), "--budgets", str(policy), "--budget", "chat=50")
    burn = {b["team"]: b for b in report["kpis"]["budget_burn"]}
    assert set(burn) == {"vision", "search", "chat", "total"}  # not the clouds budget
    assert (burn["vision"]["budget"], burn["vision"]["status"]) == ("3500.00", "warning")
    # search: $290 in 9 days -> $966.67 of its $1,000 (the per_tag monthly)
    assert (burn["search"]["projected_month_end"], burn["search"]["status"]) == (
        "966.67",
        "warning",
    )
    assert (burn["chat"]["budget"], burn["chat"]["status"]) == ("50.00", "over")  # --budget wins
    assert (burn["total"]["month_to_date"], burn["total"]["status"]) == ("1252.00", "ok")
