"""training-run-cost: training runs over the threshold need an approval."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import HOURS, price
from tests.policy.helpers import TERRAFORM, of, policy_text, run

POLICY = """\
version: 1
name: runs
unpriced: ignore
rules:
  - id: run-cost
    type: training-run-cost
    max_run_cost: 10000
"""


def test_pass_short_and_cheap_runs(tmp_path: Path) -> None:
    found = of(run("aws_platform", policy_text(tmp_path, POLICY)), "run-cost")
    # 8 h of a spot g6e.12xlarge; 24 h of a p5 ($1,320.96); 6 h of a g6.2xlarge
    for address in (
        "aws_instance.short_finetune",
        "aws_instance.capacity_test",
        "module.lab.aws_instance.box",
    ):
        assert address not in found
    assert of(run("aws_compliant", policy_text(tmp_path, POLICY)), "run-cost") == {}


def test_fail_a_run_with_no_length_is_assumed_to_run_all_month(tmp_path: Path) -> None:
    found = of(run("aws_platform", policy_text(tmp_path, POLICY)), "run-cost")
    month = found["aws_instance.llm_pretrain"]
    cost = price("p5.48xlarge") * HOURS
    assert month.message.startswith(f"training run projected at ${cost:,.2f} (8 GPUs × 730 h")
    assert "no run length given, so assumed to run all month" in month.message
    assert month.fails and month.monthly_cost == cost


def test_fail_an_approval_for_less_than_the_run(tmp_path: Path) -> None:
    found = of(run("aws_platform", policy_text(tmp_path, POLICY)), "run-cost")
    under = found["aws_instance.underapproved"]
    assert under.fails and not under.waived
    run_cost = price("p5.48xlarge") * 300
    assert f"${run_cost:,.2f}" in under.message and "hours from tag run-hours" in under.message
    assert "approval cost-approval=FIN-1001 covers $5,000.00 only" in under.message


def test_approved_by_tag_is_waived(tmp_path: Path) -> None:
    found = of(run("aws_platform", policy_text(tmp_path, POLICY)), "run-cost")
    pretrain = found["aws_autoscaling_group.pretrain"]
    assert pretrain.waived and not pretrain.fails
    assert pretrain.waiver is not None
    assert (pretrain.waiver.kind, pretrain.waiver.ticket) == ("approval", "FIN-4242")
    assert pretrain.waiver.reason == "approved up to $30,000.00 (cost-approval=FIN-4242)"
    run_cost = 4 * price("p5.48xlarge") * 120
    assert f"${run_cost:,.2f} (32 GPUs × 120 h" in pretrain.message


def test_hard_enforcement_ignores_approval_tags(tmp_path: Path) -> None:
    text = POLICY + "    enforcement: hard\n"
    pretrain = of(run("aws_platform", policy_text(tmp_path, text)), "run-cost")[
        "aws_autoscaling_group.pretrain"
    ]
    assert pretrain.fails and not pretrain.waived
    assert "approvals do not apply" in pretrain.message


def test_waived_by_an_inline_comment(tmp_path: Path) -> None:
    text = POLICY.replace("max_run_cost: 10000", "max_run_cost: 1000")
    found = of(
        run("aws_platform", policy_text(tmp_path, text), source_dir=TERRAFORM / "aws_platform"),
        "run-cost",
    )
    # capacity_test's comment names training-run-cost (the rule type)
    assert found["aws_instance.capacity_test"].waived


def test_default_run_hours_and_runs_per_month(tmp_path: Path) -> None:
    text = POLICY.replace("max_run_cost: 10000", "max_run_cost: 10") + (
        "    default_run_hours: 168\n"
    )
    found = of(run("aws_platform", policy_text(tmp_path, text)), "run-cost")
    assert "hours from default_run_hours" in found["aws_instance.llm_pretrain"].message
    finetune = found["aws_instance.short_finetune"]
    run_cost = price("g6e.12xlarge", column="spot") * 8
    assert finetune.monthly_cost == run_cost * 4  # runs-per-month = 4
