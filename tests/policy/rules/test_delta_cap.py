"""delta-cap: one change may add at most so much to the monthly AI spend."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from tests.helpers import HOURS, price
from tests.policy.helpers import of, policy_text, run

POLICY = """\
version: 1
name: cap
unpriced: ignore
rules:
  - id: change-cap
    type: delta-cap
    max_increase: 5000
"""


def test_pass_a_small_change(tmp_path: Path) -> None:
    # aws_compliant adds about $3.8k/month
    assert of(run("aws_compliant", policy_text(tmp_path, POLICY)), "change-cap") == {}


def test_fail_a_change_over_the_cap(tmp_path: Path) -> None:
    result = run("aws_inference", policy_text(tmp_path, POLICY))
    found = of(result, "change-cap")["change-cap"]
    added = result.summary.delta_monthly_cost
    assert found.monthly_cost == added
    assert found.message.startswith(f"this change adds ${added:,.2f}/month to AI spend")
    assert "over the $5,000.00 cap per change" in found.message
    assert found.fails


def test_deletions_count_as_savings(tmp_path: Path) -> None:
    result = run("aws_changes", policy_text(tmp_path, POLICY))
    # resize + EKS scale-up + endpoint type change - the retired p4d: a net saving
    expected = (
        (price("g5.2xlarge") - price("g5.xlarge")) * HOURS
        + 2 * price("g6e.12xlarge") * HOURS
        + 2 * (price("ml.g6.2xlarge") - price("ml.g5.2xlarge")) * HOURS
        - price("p4d.24xlarge") * HOURS
    )
    assert abs(result.summary.delta_monthly_cost - expected) < Decimal("0.01")
    assert expected < 0
    assert of(result, "change-cap") == {}


def test_fail_percentage_of_the_cost_before_the_change(tmp_path: Path) -> None:
    text = POLICY.replace("max_increase: 5000", "max_increase_percent: 5") + (
        "    match: {resource_types: [aws_eks_node_group]}\n"
    )
    found = of(run("aws_changes", policy_text(tmp_path, text)), "change-cap")["change-cap"]
    # the EKS node group doubles from 2 to 4 x g6e.12xlarge
    assert "grows AI spend by 100.0%" in found.message
    assert found.monthly_cost == 2 * price("g6e.12xlarge") * HOURS
    # a first deployment has no prior cost: the percentage does not apply
    assert of(run("aws_inference", policy_text(tmp_path, text)), "change-cap") == {}


def test_waived(tmp_path: Path) -> None:
    text = POLICY + (
        "waivers:\n  - {rule: change-cap, reason: launch approved by finance, owner: cfo,"
        " expires: 2026-12-31, ticket: FIN-9}\n"
    )
    result = run("aws_inference", policy_text(tmp_path, text))
    cap = of(result, "change-cap")["change-cap"]
    assert cap.waived and cap.waiver is not None and cap.waiver.ticket == "FIN-9"
    assert result.verdict == "pass"
