"""aws_autoscaling_schedule: groups scaled by the clock, from a real plan and static mode.

aws_schedules is a real plan (tests/fixtures/terraform/aws_schedules, made by
scripts/regen_plans.sh with the local hashicorp/aws 5.100.0 mirror).
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

from aicost.core.model import PricedWorkload
from aicost.pipeline import CheckResult, run_check
from aicost.policy.loader import load_policy
from tests.conftest import FIXTURES, plan
from tests.helpers import DEFAULT_POLICY, price

REGION = "eu-central-1"
RESERVE = """\
version: 1
name: reserve
unpriced: ignore
rules:
  - id: reserved-inference
    type: inference-purchase
    severity: warning
    require: [reserved]
"""


def _check(inputs: list[Path], policy: Path = DEFAULT_POLICY) -> CheckResult:
    return run_check(inputs, load_policy(policy))


def _by(result: CheckResult) -> dict[str, PricedWorkload]:
    return {w.workload.key: w for w in result.workloads}


def test_a_group_scaled_to_zero_outside_office_hours_runs_261_of_730_hours() -> None:
    office = _by(_check([plan("aws_schedules")]))["aws_autoscaling_group.office"]
    rate = price("g5.12xlarge", REGION)
    assert office.monthly_cost is not None
    assert office.monthly_cost.quantize(Decimal("0.01")) == (4 * rate * 261).quantize(
        Decimal("0.01")
    )
    deployment = office.workload.current
    assert (deployment.node_count, deployment.steady_nodes) == (4, 0)
    assert deployment.hours_per_month == Decimal("261.00")
    note = " ".join(deployment.notes)
    assert "aws_autoscaling_schedule.office_night (0 20 * * MON-FRI Europe/Berlin" in note
    assert "261 of 730 h per node; 0 run all month" in note


def test_commitment_advice_reserves_only_the_scheduled_floor(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text(RESERVE, encoding="utf-8")
    result = _check([plan("aws_schedules")], policy)
    found = {f.address: f for f in result.findings if f.rule == "reserved-inference"}
    chat = found["aws_autoscaling_group.chat"]
    on_demand = price("g5.12xlarge", REGION)
    reserved = price("g5.12xlarge", REGION, column="reserved_1y")
    assert "reserve 1 of 4 nodes (its schedule keeps 1 running all month" in chat.message
    # one node all month: the saving is one node's month, not four nodes' average hours
    assert chat.monthly_saving is not None
    assert abs(chat.monthly_saving - (on_demand - reserved) * 730) < Decimal("0.01")
    office = found["aws_autoscaling_group.office"]
    assert office.monthly_saving is None and not office.fails
    assert "its schedule scales it to zero" in office.message


def test_schedules_aicost_cannot_evaluate_keep_the_full_month() -> None:
    workloads = _by(_check([plan("aws_schedules")]))
    rate = price("g5.xlarge", REGION)
    for address, why in (
        ("aws_autoscaling_group.lab", "'0 18 ? * MON-FRI' is not a 5-field Unix cron"),
        ("aws_autoscaling_group.batch", "no scheduled action scales it back up"),
    ):
        item = workloads[address]
        assert item.monthly_cost is not None
        assert abs(item.monthly_cost - 2 * rate * 730) < Decimal("0.01"), address
        note = " ".join(item.workload.current.notes)
        assert "schedule not evaluated" in note and why in note, note
        assert item.workload.current.steady_nodes is None


def test_static_mode_reads_the_schedules_as_the_plan_does() -> None:
    static = _by(_check([FIXTURES / "terraform" / "aws_schedules"]))
    planned = _by(_check([plan("aws_schedules")]))
    assert {k: w.monthly_cost for k, w in static.items()} == {
        k: w.monthly_cost for k, w in planned.items()
    }


def test_a_recurrence_from_a_variable_without_a_value_keeps_full_hours(tmp_path: Path) -> None:
    config = tmp_path / "config"
    shutil.copytree(FIXTURES / "terraform" / "aws_schedules", config)
    main = config / "main.tf"
    text = main.read_text(encoding="utf-8")
    text = text.replace('recurrence             = "0 8 * * MON-FRI"', "recurrence = var.morning")
    main.write_text(text + '\nvariable "morning" {\n  type = string\n}\n', encoding="utf-8")
    office = _by(_check([config]))["aws_autoscaling_group.office"]
    assert office.monthly_cost is not None
    assert abs(office.monthly_cost - 4 * price("g5.12xlarge", REGION) * 730) < Decimal("0.01")
    note = " ".join(office.workload.current.notes)
    assert "recurrence comes from var.morning" in note, note


def test_an_eks_node_group_stopped_at_weekends_through_its_autoscaling_group() -> None:
    # the schedules name the node group's Auto Scaling group only after apply
    # (resources[0].autoscaling_groups[0].name): the configuration's reference finds it
    train = _by(_check([plan("aws_schedules")]))["aws_eks_node_group.train"]
    deployment = train.workload.current
    assert deployment.hours_per_month == Decimal("522.00")  # 261 weekdays × 24 h ÷ 12
    assert deployment.steady_nodes == 0
    assert train.monthly_cost is not None
    assert abs(train.monthly_cost - 2 * price("g5.12xlarge", REGION) * 522) < Decimal("0.01")
