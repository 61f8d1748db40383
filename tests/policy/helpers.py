"""Helpers for policy tests: run a plan fixture through the real pipeline with options."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from aicost.pipeline import CheckResult, run_check
from aicost.policy.engine import EvalOptions
from aicost.policy.finding import Finding
from aicost.policy.gate import Gate
from aicost.policy.loader import Policy, load_policy
from tests.conftest import FIXTURES, REPO, plan

TERRAFORM = FIXTURES / "terraform"
EXAMPLES = REPO / "policies" / "examples"
SUITES = FIXTURES / "policy_suites"
#: "Today" for waiver tests: fixed, never the real date.
TODAY = dt.date(2026, 11, 22)


def write_policy(tmp_path: Path, text: str, name: str = "policy.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def policy_text(tmp_path: Path, text: str, name: str = "policy.yaml") -> Policy:
    return load_policy(write_policy(tmp_path, text, name))


def run(
    plan_name: str | list[str],
    policy: Policy,
    *,
    today: dt.date = TODAY,
    gate: Gate | None = None,
    **options: Any,
) -> CheckResult:
    names = [plan_name] if isinstance(plan_name, str) else plan_name
    return run_check(
        [plan(n) for n in names],
        policy,
        options=EvalOptions(today=today, gate=gate or Gate(), **options),
    )


def of(result: CheckResult, rule: str) -> dict[str, Finding]:
    """The findings of one rule, by address (with the component when there is one)."""
    return {
        (f"{f.address}#{f.component}" if f.component else f.address): f
        for f in result.findings
        if f.rule == rule
    }
