"""Run a policy's rules over priced workloads and decide the verdict."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from aicost.cost.projection import Pricer
from aicost.model import PricedWorkload
from aicost.policy.context import DOCS_URL, CheckContext
from aicost.policy.finding import Finding
from aicost.policy.loader import Policy


def evaluate(policy: Policy, workloads: Sequence[PricedWorkload], pricer: Pricer) -> list[Finding]:
    ctx = CheckContext(workloads=workloads, pricer=pricer)
    findings: list[Finding] = []
    for loaded in policy.rules:
        module = loaded.module
        findings.extend(
            dataclasses.replace(
                found,
                remediation=found.remediation or module.REMEDIATION,
                link=found.link or f"{DOCS_URL}#{module.TYPE}",
            )
            for found in module.check(loaded.config, ctx)
        )
    findings.sort(key=lambda f: f.sort_key)
    return findings


def verdict(findings: Sequence[Finding]) -> str:
    return "fail" if any(f.fails for f in findings) else "pass"
