"""Commitment advice only when it saves money, and coverage without double counting.

aws_inference is a real plan (tests/fixtures/plans/README.md): an ASG chat (3 × g5.12xlarge,
min 2, max 6, tagged reserved), rerank (1 × g6e.12xlarge on-demand), an EKS node group
embed (4 × g5.2xlarge, min 4, max 8), a SageMaker endpoint, a spot pool and a batch box.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from aicost.cost.commitments import advise, readiness
from aicost.pipeline import CheckResult, run_check
from aicost.policy.engine import EvalOptions
from aicost.policy.finding import Finding
from aicost.policy.loader import load_policy
from aicost.sources.usage import load as load_usage
from tests.conftest import FIXTURES, Runner, plan
from tests.helpers import HOURS, price
from tests.policy.helpers import TODAY

RESERVED = """\
version: 1
name: reserve
unpriced: ignore
rules:
  - id: reserved-inference
    type: inference-purchase
    severity: warning
    require: [reserved, savings-plan]
"""


def _check(
    tmp_path: Path, inputs: list[Path], policy: str, usage: str | None = None
) -> CheckResult:
    path = tmp_path / "policy.yaml"
    path.write_text(policy, encoding="utf-8")
    loaded = None
    if usage is not None:
        usage_path = tmp_path / "aicost-usage.yml"
        usage_path.write_text(usage, encoding="utf-8")
        loaded = load_usage(usage_path)
    return run_check(inputs, load_policy(path), usage=loaded, options=EvalOptions(today=TODAY))


def _by(result: CheckResult, rule: str) -> dict[str, Finding]:
    return {
        (f"{f.address}#{f.component}" if f.component else f.address): f
        for f in result.findings
        if f.rule == rule
    }


def test_a_box_used_100_hours_is_not_told_to_reserve(tmp_path: Path) -> None:
    usage = "version: 1\nresource_usage:\n  aws_instance.rerank:\n    hours_per_month: 100\n"
    found = _by(_check(tmp_path, [plan("aws_inference")], RESERVED, usage), "reserved-inference")
    rerank = found["aws_instance.rerank"]
    on_demand, reserved = price("g6e.12xlarge"), price("g6e.12xlarge", column="reserved_1y")
    extra = reserved * HOURS - on_demand * 100
    assert extra > 0
    assert rerank.monthly_saving is None  # never a positive saving when committing costs more
    assert f"1-year reserved would cost ${extra:,.2f}/month more than on-demand, not less" in (
        rerank.message
    )
    assert "it runs 100 h of 730 a month (13.7%)" in rerank.message
    assert f"breaks even at {reserved / on_demand * 100:.1f}".rstrip("0").rstrip(".") in (
        rerank.message
    )
    assert rerank.severity.value == "info" and not rerank.fails


def test_an_autoscaling_floor_is_reserve_n_of_m(tmp_path: Path) -> None:
    found = _by(_check(tmp_path, [plan("aws_inference")], RESERVED), "reserved-inference")
    embed = found["aws_eks_node_group.embed"]
    saving = 4 * (price("g5.2xlarge") - price("g5.2xlarge", column="reserved_1y")) * HOURS
    assert "reserve 4 of 8 nodes" in embed.message
    assert embed.monthly_saving == saving and embed.severity.value == "warning"


def test_scale_to_zero_is_never_told_to_reserve(tmp_path: Path) -> None:
    kserve = FIXTURES / "advice" / "serving" / "kserve-scale-to-zero.yaml"
    found = _by(_check(tmp_path, [kserve], RESERVED), "reserved-inference")
    (zero,) = [f for k, f in found.items() if k.endswith("flowers-sample-gpu")]
    assert zero.monthly_saving is None and zero.severity.value == "info"
    assert "it scales to zero (minimum 0 replicas)" in zero.message
    (steady,) = [f for k, f in found.items() if k.endswith("flowers-steady-gpu")]
    saving = 2 * (price("g5.xlarge") - price("g5.xlarge", column="reserved_1y")) * HOURS
    assert "reserve 2 of 6 nodes" in steady.message and steady.monthly_saving == saving


def test_break_even_arithmetic() -> None:
    advice = advise(
        on_demand_hourly=Decimal(10),
        committed_hourly=Decimal(6),
        nodes=3,
        min_nodes=1,
        max_nodes=5,
        hours=Decimal(400),
        month=Decimal(730),
    )
    assert advice.break_even == Decimal("0.6") and advice.floor == 1 and advice.peak == 5
    assert advice.saving == 10 * 400 - 6 * 730 and not advice.pays  # 400 h < 438 h
    assert "would cost $380.00/month more" in advice.describe("1-year reserved")


COVERAGE = """\
version: 1
name: commitments
unpriced: ignore
commitments:
  - id: ri-g6e
    family: g6e
    region: us-east-1
    gpus: 4
rules:
  - id: commitments
    type: commitment-coverage
    min_coverage: 0.7
"""


def test_claimed_but_uncovered_reservations_are_not_counted_twice(tmp_path: Path) -> None:
    result = _check(tmp_path, [plan("aws_inference")], COVERAGE)
    found = _by(result, "commitments")
    chat = found["aws_autoscaling_group.chat"]  # tagged reserved, no g5 commitment listed
    assert chat.monthly_saving is None
    understated = 2 * (price("g5.12xlarge") - price("g5.12xlarge", column="reserved_1y")) * HOURS
    assert (
        f"it is projected at the reserved rate, and at on-demand it would cost "
        f"${understated:,.2f}/month more (no saving is claimed)" in chat.message
    )
    summary = found["commitments:coverage"]
    quoted = sum(
        (
            f.monthly_saving
            for k, f in found.items()
            if k != "commitments:coverage" and f.monthly_saving
        ),
        Decimal(0),
    )
    assert summary.monthly_saving == quoted  # the summary claims only what findings claim
    # coverage = committed GPU-hours / all inference GPU-hours (ri-g6e covers rerank's 4 L40S)
    assert "17.4% (2,920 committed of 16,790 GPU-hours/month" in summary.message


def test_coverage_does_not_quote_a_saving_that_costs_more(tmp_path: Path) -> None:
    usage = "version: 1\nresource_usage:\n  aws_eks_node_group.embed:\n    hours_per_month: 420\n"
    text = COVERAGE.replace(
        "    min_coverage: 0.7\n", "    min_coverage: 0.7\n    steady_hours: 400\n"
    )
    found = _by(_check(tmp_path, [plan("aws_inference")], text, usage), "commitments")
    embed = found["aws_eks_node_group.embed"]
    assert embed.monthly_saving is None
    assert "1-year reserved would cost $" in embed.message and "more than on-demand" in (
        embed.message
    )


def _days(count: int, weekly: list[int] | None = None) -> list[tuple[dt.date, Decimal]]:
    start = dt.date(2026, 8, 1)
    out = []
    for day in range(count):
        level = weekly[(day // 7) % len(weekly)] if weekly else 100
        out.append((start + dt.timedelta(days=day), Decimal(level)))
    return out


@pytest.mark.parametrize(
    ("history", "ready", "reason"),
    [
        (_days(90), True, "90 days of history, week-over-week variance at most 0%"),
        (_days(45), False, "only 45 days of usage history (needs 60)"),
        (_days(90, [100, 130]), False, "week-over-week usage varies by up to 30%"),
        (_days(70, [100, 110]), True, "70 days of history"),
    ],
)
def test_readiness(history: list[tuple[dt.date, Decimal]], ready: bool, reason: str) -> None:
    found = readiness(history)
    assert found.ready is ready and reason in found.reason


def _history(tmp_path: Path, days: int, weekly: list[int] | None = None) -> Path:
    path = tmp_path / "history.csv"
    rows = ["date,family,region,gpu_hours"]
    for day, amount in _days(days, weekly):
        rows.append(f"{day.isoformat()},g5,us-east-1,{amount}")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_usage_history_readiness_gates_the_saving(tmp_path: Path) -> None:
    history = _history(tmp_path, 90)
    text = COVERAGE + f"    usage_history: {history}\n"
    embed = _by(_check(tmp_path, [plan("aws_inference")], text), "commitments")[
        "aws_eks_node_group.embed"
    ]
    assert embed.monthly_saving is not None
    assert "ready to commit: 90 days of history, week-over-week variance at most 0%" in (
        embed.message
    )
    short = _history(tmp_path, 30)
    text = COVERAGE + f"    usage_history: {short}\n"
    found = _by(_check(tmp_path, [plan("aws_inference")], text), "commitments")
    embed = found["aws_eks_node_group.embed"]
    assert embed.monthly_saving is None
    assert (
        "not ready to commit from usage history: only 30 days of usage history (needs 60)"
        in embed.message
    )
    assert found["commitments:coverage"].monthly_saving is None  # nothing ready to buy


def test_bad_usage_history_is_an_input_error(aicost: Runner, tmp_path: Path) -> None:
    history = tmp_path / "history.csv"
    history.write_text("date,family,region,gpu_hours\n2026-09-01,g5,us-east-1,-3\n")
    policy = tmp_path / "p.yaml"
    policy.write_text(COVERAGE + f"    usage_history: {history}\n")
    result = aicost("check", plan("aws_inference"), "--policy", policy)
    assert result.code == 2
    assert f"{history}:2: gpu_hours '-3' must not be negative" in result.err


def test_a_schedule_sets_the_hours_a_commitment_is_judged_on(tmp_path: Path) -> None:
    cron = FIXTURES / "advice" / "serving" / "cronjob-nightly-inference.yaml"
    (found,) = _by(_check(tmp_path, [cron], RESERVED), "reserved-inference").values()
    # "0 2 * * *" × 2 h (activeDeadlineSeconds): about 61 h a month
    assert "it runs 61 h of 730 a month (8.3%)" in found.message
    assert "1-year reserved would cost $" in found.message and found.monthly_saving is None
