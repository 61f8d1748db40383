"""Rules decide once per distinct shape (tags, hardware, region, rates) and the engine builds
each finding once, in its final form: every workload still gets the finding it gets alone,
with its own address, and the findings are those the engine completes the long way."""

from __future__ import annotations

import contextlib
import dataclasses
import inspect
from collections.abc import Iterator
from typing import Any

import pytest

from aicost.policy import engine
from aicost.policy.finding import Finding, make
from aicost.policy.schema import RuleConfig
from tests.harness import findings, map_resources
from tests.policy.helpers import TERRAFORM, TODAY, of, policy_text, run

#: Per-workload rules only (budgets and the change cap sum over every workload).
POLICY = """
rules:
  - {id: tags, type: required-tags, tags: [team, model, cost-center]}
  - {id: families, type: gpu-family, deny: [p3], allow: {training: [p5, p4d], default: [g5]}}
  - {id: regions, type: region, allow: [us-east-1]}
  - {id: spot, type: training-purchase, require: [spot]}
  - {id: reserved, type: inference-purchase, require: [reserved], match: {tags: {env: [prod]}}}
"""

#: Pairs of workloads that share most of a shape and differ in one thing a rule reads.
RESOURCES: dict[str, dict[str, Any]] = {
    "aws_instance.a": {
        "instance_type": "g5.2xlarge",
        "tags": {"workload": "inference", "team": "vision", "model": "m", "env": "prod"},
    },
    "aws_instance.b": {  # a's shape: its own finding, address and cost
        "instance_type": "g5.2xlarge",
        "tags": {"workload": "inference", "team": "vision", "model": "m", "env": "prod"},
    },
    "aws_instance.blank": {  # a blank tag value counts as missing
        "instance_type": "g5.2xlarge",
        "tags": {"workload": "inference", "team": " ", "model": "m", "env": "prod"},
    },
    "aws_instance.train": {
        "instance_type": "g5.2xlarge",
        "tags": {"workload": "training", "team": "vision", "model": "m", "cost-center": "1"},
    },
    "aws_instance.old": {
        "instance_type": "p3.2xlarge",
        "tags": {"workload": "training", "team": "vision", "model": "m", "cost-center": "1"},
    },
    "aws_eks_node_group.steady": {
        "instance_types": ["g5.2xlarge"],
        "scaling_config": [{"desired_size": 4, "min_size": 4, "max_size": 8}],
        "tags": {"workload": "inference", "team": "vision", "model": "m", "env": "prod"},
    },
    "aws_eks_node_group.bursty": {  # steady's machine, but it scales to zero
        "instance_types": ["g5.2xlarge"],
        "scaling_config": [{"desired_size": 4, "min_size": 0, "max_size": 8}],
        "tags": {"workload": "inference", "team": "vision", "model": "m", "env": "prod"},
    },
}


def _key(found: Finding) -> tuple[str, str, str | None]:
    return (found.rule, found.address, found.component)


def test_each_workload_gets_the_findings_it_gets_alone() -> None:
    together = findings(POLICY, map_resources(RESOURCES))
    alone = [
        found
        for address, values in RESOURCES.items()
        for found in findings(POLICY, map_resources({address: values}))
    ]
    assert sorted(together, key=_key) == sorted(alone, key=_key)
    by_rule = {(f.rule, f.address): f for f in together}
    assert {("tags", "aws_instance.a"), ("tags", "aws_instance.b")} <= set(by_rule)
    assert by_rule[("tags", "aws_instance.blank")].message == (
        "missing required tags: team, cost-center"
    )
    assert "denied GPU family (p3)" in by_rule[("families", "aws_instance.old")].message
    assert "not an approved GPU family" in by_rule[("families", "aws_instance.train")].message
    # Same machine, different floors: each its own commitment advice.
    steady = by_rule[("reserved", "aws_eks_node_group.steady")].message
    bursty = by_rule[("reserved", "aws_eks_node_group.bursty")].message
    assert steady != bursty and "scales to zero" in bursty


@contextlib.contextmanager
def _unfinished(_rule: RuleConfig, _finisher: object) -> Iterator[None]:
    yield  # no finisher: rules build their findings as outside the engine


@pytest.mark.parametrize(
    ("plan_name", "source_dir"),
    [("aws_platform", TERRAFORM / "aws_platform"), ("aws_mixed", None)],
)
def test_findings_built_at_once_are_the_ones_the_engine_completes(
    plan_name: str, source_dir: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    """With inline waivers, approvals, budgets' warnings and file:line from --source-dir."""
    policy = policy_text(
        tmp_path,
        "version: 1\nname: p\nextends: builtin:default\n"
        "rules:\n  - {id: regions, type: region, severity: warning, allow: [us-west-2]}\n"
        "  - {id: runs, type: training-run-cost, max_run_cost: 1000}\n"
        "budgets:\n  - {name: all, monthly: 1, warn_at: 0.5, fail_at: 10}\n",
    )
    fast = run(plan_name, policy, source_dir=source_dir, today=TODAY)
    monkeypatch.setattr(engine, "finishing", _unfinished)
    slow = run(plan_name, policy, source_dir=source_dir, today=TODAY)
    assert fast.findings == slow.findings
    assert fast.stale_waivers == slow.stale_waivers
    assert fast.policy_notes == slow.policy_notes
    assert any(f.waiver is not None for f in fast.findings) == (plan_name == "aws_platform")
    assert of(fast, "regions")


def test_make_is_the_dataclass_constructor_of_every_field_in_order() -> None:
    """finding.make builds a Finding slot by slot: the same fields, in order, and the same
    finding (equal, same hash, still frozen)."""
    names = [f.name for f in dataclasses.fields(Finding)]
    assert list(inspect.signature(make).parameters) == names
    values = [f"value-{index}" for index in range(len(names))]
    made, built = make(*values), Finding(*values)  # type: ignore[arg-type]
    assert made == built and hash(made) == hash(built) and repr(made) == repr(built)
    assert type(made) is Finding
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.rule = "other"  # type: ignore[misc]
