"""commitment-coverage: steady inference covered by the commitments the policy lists."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from tests.helpers import HOURS, price
from tests.policy.helpers import of, policy_text, run

POLICY = """\
version: 1
name: commitments
unpriced: ignore
commitments:
  - id: ri-g5-12xl
    instance_type: g5.12xlarge
    instances: 2
    region: us-east-1
    expires: 2027-06-30
  - id: ri-g6e
    family: g6e
    region: us-east-1
    gpus: 4
  - id: sp-sagemaker
    kind: savings-plan
    service: sagemaker
    family: g5
    gpus: 2
    expires: 2026-06-30
rules:
  - id: commitments
    type: commitment-coverage
    min_coverage: 0.7
"""


def test_fail_uncovered_steady_inference_with_the_coverage_rate(tmp_path: Path) -> None:
    result = run("aws_inference", policy_text(tmp_path, POLICY))
    found = of(result, "commitments")
    # chat: min_size 2 x 4 A10G = 8 GPUs, covered by 2 reserved g5.12xlarge;
    # rerank: 4 L40S, covered by ri-g6e. Not steady: the spot pool; not inference: nightly.
    assert set(found) == {
        "aws_eks_node_group.embed",
        "aws_sagemaker_endpoint.asr#variant primary",
        "commitments:coverage",
    }
    embed = found["aws_eks_node_group.embed"]
    saving = 4 * (price("g5.2xlarge") - price("g5.2xlarge", column="reserved_1y")) * HOURS
    assert embed.monthly_saving == saving
    assert embed.message == (
        "steady inference: 4 of 4 GPUs (g5 in us-east-1) are not covered by a commitment; "
        f"1-year reserved capacity for 4 g5.2xlarge would save ${saving:,.2f}/month "
        "(break-even at 63% utilisation; it runs 100%)"
    )
    # the SageMaker savings plan lapsed on 2026-06-30 (today is 2026-11-22); SageMaker
    # prices have no reserved column, so no saving is claimed
    assert found["aws_sagemaker_endpoint.asr#variant primary"].monthly_saving is None
    summary = found["commitments:coverage"]
    # coverage = committed GPU-hours / all inference GPU-hours: 12 committed GPUs of 23
    # (chat runs 3 x 4 A10G above its floor of 2, and the spot pool's L4 counts too)
    assert summary.message.startswith(
        "commitment coverage of inference: 52.2% (8,760 committed of 16,790 GPU-hours/month; "
        "target 70%); the steady floor is 13,140 GPU-hours, 66.7% covered"
    )
    assert summary.severity.value == "warning" and summary.enforcement == "advisory"
    assert summary.monthly_saving == saving


def test_pass_when_coverage_meets_the_target(tmp_path: Path) -> None:
    text = POLICY.replace("gpus: 4\n", "gpus: 8\n").replace(
        "min_coverage: 0.7", "min_coverage: 0.5"
    )
    found = of(run("aws_inference", policy_text(tmp_path, text)), "commitments")
    summary = found["commitments:coverage"]
    assert summary.severity.value == "info"  # met: reported, not a warning
    assert "52.2%" in summary.message
    # a plan without steady inference: nothing to cover, nothing reported
    assert of(run("aws_denied", policy_text(tmp_path, POLICY)), "commitments") == {}


def test_claimed_commitments_without_inventory_are_called_out(tmp_path: Path) -> None:
    text = (
        POLICY.split("commitments:\n  - id: ri-g5-12xl")[0] + "rules:" + POLICY.split("rules:")[1]
    )
    found = of(run("aws_inference", policy_text(tmp_path, text)), "commitments")
    chat = found["aws_autoscaling_group.chat"]
    assert "it is marked reserved, but the commitments inventory has no g5 in us-east-1" in (
        chat.message
    )
    assert "0% (0 committed of 16,790 GPU-hours/month" in found["commitments:coverage"].message


def test_expired_commitments_cover_nothing(tmp_path: Path) -> None:
    from datetime import date

    result = run("aws_inference", policy_text(tmp_path, POLICY), today=date(2027, 7, 1))
    found = of(result, "commitments")
    assert "aws_autoscaling_group.chat" in found  # ri-g5-12xl expired 2027-06-30
    assert "aws_instance.rerank" not in found  # ri-g6e has no end date


def test_waived(tmp_path: Path) -> None:
    text = POLICY + (
        "waivers:\n  - {rule: commitments, addresses: [aws_eks_node_group.embed], reason: "
        "autoscaling floor drops to 1 next quarter, owner: search, expires: 2026-12-31}\n"
    )
    found = of(run("aws_inference", policy_text(tmp_path, text)), "commitments")
    assert found["aws_eks_node_group.embed"].waived
    assert not found["commitments:coverage"].waived
    assert isinstance(found["commitments:coverage"].monthly_saving, Decimal)
