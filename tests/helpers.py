"""Helpers for core tests: run the pipeline on a fixture and look things up in price tables."""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from aicost.core.model import PricedWorkload
from aicost.pipeline import CheckResult, run_check
from aicost.policy.loader import Policy, load_policy
from tests.conftest import REPO, plan

DEFAULT_POLICY = REPO / "policies" / "default.yaml"
HOURS = Decimal(730)


@cache
def table(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((REPO / "pricing" / "aws" / f"{name}.json").read_text())
    return data


def price(instance_type: str, region: str = "us-east-1", column: str = "on_demand") -> Decimal:
    """Hourly price straight from the shipped table (the test's independent source of truth)."""
    name = "sagemaker" if instance_type.startswith("ml.") else "ec2"
    value = table(name)["prices"][region][instance_type][column]
    assert value is not None, f"{instance_type} {region} has no {column}"
    return Decimal(value)


def policy_from(tmp_path: Path, text: str) -> Policy:
    path = tmp_path / "policy.yaml"
    path.write_text(text)
    return load_policy(path)


def check(name: str, policy: Policy | None = None) -> CheckResult:
    return run_check([plan(name)], policy or load_policy(DEFAULT_POLICY))


def by_address(result: CheckResult) -> dict[str, PricedWorkload]:
    return {w.workload.key: w for w in result.workloads}
