"""Every rule type on a passing and a failing plan, with the figures users act on."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from aicost.policy.loader import load_policy
from tests.helpers import DEFAULT_POLICY, HOURS, check, policy_from, price

ISSUE_POLICY = """\
version: 1
name: acme-ai
rules:
  - id: ai-tags
    type: required-tags
    severity: error
    tags: [team, model, use-case, environment]
  - id: gpu-families
    type: gpu-family
    severity: error
    deny: [p2, p3, g3, g4ad]
  - id: spot-training
    type: training-purchase
    severity: error
    require: [spot]
  - id: reserved-inference
    type: inference-purchase
    severity: warning
    require: [reserved, savings-plan]
    match:
      tags:
        environment: [prod]
budgets:
  - name: vision
    match:
      tags:
        team: [vision]
    monthly: 20000
unpriced: error
"""


def findings(name: str, policy_text: str, tmp_path: Path) -> list[tuple[str, str]]:
    result = check(name, policy_from(tmp_path, policy_text))
    return [(f.rule, f.address) for f in result.findings]


def test_the_issue_policy_is_accepted_exactly_as_written(tmp_path: Path) -> None:
    policy = policy_from(tmp_path, ISSUE_POLICY)
    assert policy.name == "acme-ai"
    assert [r.config.id for r in policy.rules] == [
        "ai-tags",
        "gpu-families",
        "spot-training",
        "reserved-inference",
        "budget:vision",
        "unpriced",
        "price-fallback",
    ]


def test_compliant_plan_passes_every_rule(tmp_path: Path) -> None:
    result = check("aws_compliant", policy_from(tmp_path, ISSUE_POLICY))
    # the one advisory: a savings plan the table has no rate for is shown as a fallback
    assert [(f.rule, f.address) for f in result.findings] == [
        ("price-fallback", "aws_instance.batch_savings_plan")
    ]
    assert not any(f.failing for f in result.findings)
    assert result.verdict == "pass"


def test_a_fallback_shows_in_the_purchase_column_and_can_fail(tmp_path: Path) -> None:
    result = check("aws_compliant", policy_from(tmp_path, ISSUE_POLICY))
    item = next(
        w for w in result.workloads if w.workload.address == "aws_instance.batch_savings_plan"
    )
    assert item.purchase_label == "savings-plan→reserved 1-year"
    assert item.estimate_reasons and "no savings-plan price" in item.estimate_reasons[0]
    strict = check("aws_compliant", policy_from(tmp_path, ISSUE_POLICY + "\nfallback: error\n"))
    assert strict.verdict == "fail"
    assert [f.rule for f in strict.findings if f.failing] == ["price-fallback"]


def test_required_tags_flags_missing_tags_but_never_non_gpu(tmp_path: Path) -> None:
    found = findings("aws_mixed", ISSUE_POLICY, tmp_path)
    tagged = [address for rule, address in found if rule == "ai-tags"]
    assert tagged == ["aws_instance.untagged"]
    result = check("aws_mixed", policy_from(tmp_path, ISSUE_POLICY))
    message = next(f.message for f in result.findings if f.rule == "ai-tags")
    assert message == "missing required tags: model, use-case"
    assert all("aws_instance.web" not in f.address for f in result.findings)


def test_gpu_family_deny_matches_variants_but_not_neighbours(tmp_path: Path) -> None:
    result = check("aws_denied", policy_from(tmp_path, ISSUE_POLICY))
    assert [(f.rule, f.address) for f in result.findings] == [
        ("gpu-families", "aws_instance.radeon_batch"),
        ("gpu-families", "aws_instance.v100_train"),
    ]
    assert result.verdict == "fail"
    messages = {f.address: f.message for f in result.findings}
    assert messages["aws_instance.v100_train"] == "p3.8xlarge (V100) is in a denied GPU family (p3)"


def test_gpu_family_allow_per_class(tmp_path: Path) -> None:
    text = """\
version: 1
name: allow
rules:
  - id: families
    type: gpu-family
    allow:
      training: [p5, p4d, g6]
      inference: [g5*, g6e, ml.g6*]
"""
    found = findings("aws_mixed", text, tmp_path)
    flagged = {address for _, address in found}
    assert "aws_eks_node_group.spot_train" not in flagged  # p4d training: allowed
    assert "aws_instance.trainer" not in flagged  # p5 training: allowed
    assert "aws_autoscaling_group.infer" not in flagged  # g5.12xlarge inference: glob
    assert "aws_instance.reserved_infer" in flagged  # g6 inference: not allowed
    assert "aws_instance.old_gpu" not in flagged  # batch: no list for the class, no default


def test_gpu_family_deny_by_accelerator_name(tmp_path: Path) -> None:
    text = (
        "version: 1\nname: n\nunpriced: ignore\n"
        "rules:\n  - {id: no-v100, type: gpu-family, deny: [V100]}\n"
    )
    assert findings("aws_mixed", text, tmp_path) == [("no-v100", "aws_instance.old_gpu")]


def test_training_purchase_flags_on_demand_training_with_saving(tmp_path: Path) -> None:
    result = check("aws_mixed", policy_from(tmp_path, ISSUE_POLICY))
    spot = {f.address: f for f in result.findings if f.rule == "spot-training"}
    assert set(spot) == {"aws_instance.trainer", "aws_instance.future"}
    trainer = spot["aws_instance.trainer"]
    assert (
        trainer.monthly_saving
        == (price("p5.48xlarge") - price("p5.48xlarge", column="spot")) * HOURS
    )
    assert trainer.severity.value == "error"
    assert spot["aws_instance.future"].monthly_saving is None  # unpriced: no saving claimed


def test_inference_purchase_counts_capacity_reservations_and_purchase_tags(tmp_path: Path) -> None:
    result = check("aws_mixed", policy_from(tmp_path, ISSUE_POLICY))
    reserved = {f.address for f in result.findings if f.rule == "reserved-inference"}
    assert "aws_instance.reserved_infer" not in reserved  # targets a capacity reservation
    assert "aws_autoscaling_group.infer" in reserved
    asg = next(
        f
        for f in result.findings
        if f.address == "aws_autoscaling_group.infer" and f.rule == "reserved-inference"
    )
    assert asg.severity.value == "warning"
    # 3 nodes now, autoscaling 1-6: only the floor of 1 runs steadily, so commit that one
    assert (
        asg.monthly_saving
        == (price("g5.12xlarge") - price("g5.12xlarge", column="reserved_1y")) * 1 * HOURS
    )
    assert "reserve 1 of 6 nodes" in asg.message


def test_inference_purchase_match_scopes_by_tag(tmp_path: Path) -> None:
    text = ISSUE_POLICY.replace("environment: [prod]", "environment: [staging]")
    found = findings("aws_mixed", text, tmp_path)
    assert not [f for f in found if f[0] == "reserved-inference"]


def test_budget_fails_only_over_the_limit(tmp_path: Path) -> None:
    result = check("aws_over_budget", policy_from(tmp_path, ISSUE_POLICY))
    assert [(f.rule, f.address) for f in result.findings] == [
        ("budget:vision", "budget:vision"),
        ("price-fallback", "aws_autoscaling_group.p5"),  # reserved, priced on-demand
    ]
    budget = result.findings[0]
    assert (
        budget.monthly_cost == price("p5.48xlarge") * 6 * HOURS
    )  # no reserved_1y for p5: on-demand
    assert "exceeds $20,000.00" in budget.message
    raised = ISSUE_POLICY.replace("monthly: 20000", "monthly: 250000")
    assert [f.rule for f in check("aws_over_budget", policy_from(tmp_path, raised)).findings] == [
        "price-fallback"
    ]


def test_budget_counts_unpriced_workloads_separately(tmp_path: Path) -> None:
    result = check("aws_mixed", policy_from(tmp_path, ISSUE_POLICY))
    budget = next(f for f in result.findings if f.rule == "budget:vision")
    assert "1 unpriced workload not counted" in budget.message


@pytest.mark.parametrize(
    ("level", "verdict"), [("error", "fail"), ("warning", "pass"), ("ignore", "pass")]
)
def test_unpriced_setting(tmp_path: Path, level: str, verdict: str) -> None:
    text = f"version: 1\nname: u\nunpriced: {level}\n"
    result = check("aws_mixed", policy_from(tmp_path, text))
    unpriced = [f for f in result.findings if f.rule == "unpriced"]
    assert len(unpriced) == (0 if level == "ignore" else 1)
    assert result.verdict == verdict


def test_deleted_resources_are_never_flagged(tmp_path: Path) -> None:
    text = (
        "version: 1\nname: d\nunpriced: ignore\n"
        "rules:\n  - {id: deny-p4d, type: gpu-family, deny: [p4d]}\n"
    )
    # aws_instance.retired (p4d, on-demand training) is deleted in this plan
    assert findings("aws_changes", text, tmp_path) == []
    assert findings("aws_mixed", text, tmp_path) == [("deny-p4d", "aws_eks_node_group.spot_train")]


def test_findings_carry_what_users_act_on() -> None:
    result = check("aws_mixed", load_policy(DEFAULT_POLICY))
    for found in result.findings:
        assert found.rule and found.type and found.message and found.remediation
        assert found.link and found.link.startswith("https://")
        if found.type != "budget":
            assert found.file and found.file.endswith("aws_mixed.json")


def test_default_pack_encodes_the_seeds_practice() -> None:
    policy = load_policy(DEFAULT_POLICY)
    types = {r.config.type for r in policy.rules}
    assert types == {
        "required-tags",
        "gpu-family",
        "training-purchase",
        "inference-purchase",
        "budget",
        "unpriced",
        "price-fallback",
    }


def test_money_is_decimal_everywhere() -> None:
    result = check("aws_mixed")
    for item in result.workloads:
        for value in (item.monthly_cost, item.prior_monthly_cost, item.delta_monthly_cost):
            assert value is None or isinstance(value, Decimal)
    assert isinstance(result.summary.monthly_cost, Decimal)


def test_gpu_family_accelerator_names_cover_memory_variants_only() -> None:
    from aicost.core.model import Accelerator, Capacity, Deployment, PurchaseOption
    from aicost.policy.rules.gpu_family import matches

    def box(instance_type: str, accelerator: str) -> Deployment:
        return Deployment(
            cloud="aws",
            service="ec2",
            region="us-east-1",
            instance_type=instance_type,
            accelerator=Accelerator(accelerator, 8),
            capacity=(Capacity(PurchaseOption.ON_DEMAND, 1),),
        )

    assert matches("A100", box("p4de.24xlarge", "A100-80GB"))
    assert matches("a100", box("p4d.24xlarge", "A100"))
    assert not matches("A10", box("p4d.24xlarge", "A100"))  # A10 is another GPU
    assert not matches("A10", box("g5.xlarge", "A10G"))
    assert matches("A10G", box("g5.xlarge", "A10G"))
