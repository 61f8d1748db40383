"""budget: warn_at, fail_at, delta ceilings and per-team budgets keyed by a tag."""

from __future__ import annotations

from pathlib import Path

import pytest

from aicost.core.errors import ConfigError
from tests.helpers import HOURS, price
from tests.policy.helpers import of, policy_text, run

# aws_over_budget: 6 x p5.48xlarge for team vision, about $241k/month
P5_FLEET = 6 * price("p5.48xlarge") * HOURS


def budget(body: str, extra: str = "", match: str = "{tags: {team: [vision]}}") -> str:
    return (
        "version: 1\nname: b\nunpriced: ignore\n" + extra + "budgets:\n  - name: vision\n"
        f"    match: {match}\n" + body
    )


def test_first_release_budgets_do_not_warn(tmp_path: Path) -> None:
    policy = policy_text(tmp_path, budget("    monthly: 250000\n"))
    assert of(run("aws_over_budget", policy), "budget:vision") == {}


def test_warn_at_defaults_to_80_percent_for_new_style_budgets(tmp_path: Path) -> None:
    policy = policy_text(tmp_path, budget("    monthly: 250000\n    delta: 1000000\n"))
    found = of(run("aws_over_budget", policy), "budget:vision")["budget:vision"]
    assert found.severity.value == "warning" and found.enforcement == "advisory"
    assert not found.fails
    assert found.message.startswith(
        f"budget vision: projected ${P5_FLEET:,.2f}/month is 96.4% of $250,000.00 (warns at 80%"
    )


def test_budget_defaults_give_every_budget_the_warning(tmp_path: Path) -> None:
    policy = policy_text(
        tmp_path, budget("    monthly: 250000\n", extra="budget_defaults: {warn_at: 0.95}\n")
    )
    assert (
        "warns at 95%"
        in of(run("aws_over_budget", policy), "budget:vision")["budget:vision"].message
    )
    quiet = policy_text(tmp_path, budget("    monthly: 250000\n    warn_at: 0.99\n"))
    assert of(run("aws_over_budget", quiet), "budget:vision") == {}


def test_fail_at_moves_the_failure_line(tmp_path: Path) -> None:
    policy = policy_text(tmp_path, budget("    monthly: 200000\n    fail_at: 1.1\n"))
    found = of(run("aws_over_budget", policy), "budget:vision")["budget:vision"]
    assert found.fails
    assert f"exceeds 110% of $200,000.00 ($220,000.00) by ${P5_FLEET - 220000:,.2f}" in (
        found.message
    )
    lenient = policy_text(tmp_path, budget("    monthly: 200000\n    fail_at: 1.25\n"))
    assert not of(run("aws_over_budget", lenient), "budget:vision")["budget:vision"].fails


def test_delta_ceilings(tmp_path: Path) -> None:
    inference = "{classes: [inference]}"
    absolute = policy_text(tmp_path, budget("    delta: 1000\n", match=inference))
    found = of(run("aws_changes", absolute), "budget:vision")["budget:vision"]
    # EKS +2 x g6e.12xlarge, a g5.xlarge resized to g5.2xlarge, an endpoint moved to g6
    added = (
        2 * price("g6e.12xlarge")
        + price("g5.2xlarge")
        - price("g5.xlarge")
        + 2 * (price("ml.g6.2xlarge") - price("ml.g5.2xlarge"))
    ) * HOURS
    assert found.monthly_cost is not None and abs(found.monthly_cost - added) < 0.01
    assert "over the $1,000.00 limit per change" in found.message
    # the whole team's change is a saving (a p4d is retired): no delta finding
    assert (
        of(run("aws_changes", policy_text(tmp_path, budget("    delta: 1000\n"))), "budget:vision")
        == {}
    )
    percent = policy_text(tmp_path, budget("    delta_percent: 1\n", match=inference))
    found = of(run("aws_changes", percent), "budget:vision")["budget:vision"]
    assert "grows the monthly cost by" in found.message and "over the 1% limit" in found.message
    # a first deployment: the percentage cannot apply
    assert of(run("aws_over_budget", percent), "budget:vision") == {}


def test_per_team_budgets_keyed_by_a_tag(tmp_path: Path) -> None:
    text = (
        "version: 1\nname: teams\nunpriced: ignore\nbudgets:\n  - name: teams\n"
        "    per_tag: team\n    monthly: 1000\n    limits: {vision: 50000}\n"
    )
    found = of(run("aws_modules", policy_text(tmp_path, text)), "budget:teams")
    # aws_modules: team vision (2 x spot g6.2xlarge), team nlp (2 x g5.12xlarge, 1 x g5.2xlarge)
    assert set(found) == {"budget:teams[nlp]"}
    nlp = found["budget:teams[nlp]"]
    assert "budget teams[nlp]" in nlp.message and "exceeds $1,000.00" in nlp.message


def test_waived(tmp_path: Path) -> None:
    text = budget("    monthly: 20000\n") + (
        "waivers:\n  - {rule: 'budget:vision', reason: Q4 launch, owner: vision-lead,"
        " expires: 2026-12-31}\n"
    )
    found = of(run("aws_over_budget", policy_text(tmp_path, text)), "budget:vision")
    assert found["budget:vision"].waived


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("    warn_at: 0.5\n", "give monthly (or limits), delta or delta_percent"),
        ("    monthly: 10\n    warn_at: 1.2\n", "warn_at (1.2) must be below fail_at (1)"),
        ("    monthly: 10\n    limits: {a: 5}\n", "limits needs per_tag"),
    ],
)
def test_invalid_thresholds_name_the_line(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        policy_text(tmp_path, budget(body))
    assert message in str(caught.value)
    assert str(caught.value).startswith(f"{tmp_path / 'policy.yaml'}:")
