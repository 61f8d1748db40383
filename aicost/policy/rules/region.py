"""AI workloads run only in approved regions.

GPU capacity, prices and data-residency rules differ by region: a platform team usually
holds quotas, reservations and images in a few regions and wants new GPU spend there.
``allow`` and ``deny`` take region names or shell-style globs (``eu-*``, ``us-east-?``);
a region in ``deny`` is refused even if ``allow`` covers it.

.. code-block:: yaml

   - id: gpu-regions
     type: region
     severity: error
     allow: [us-east-1, us-west-2, eu-west-1]
     deny: [us-east-2]

A workload whose region is not known (known only after apply) is not flagged here; it is
also unpriced, which the ``unpriced`` setting reports.
"""

from __future__ import annotations

import fnmatch
import functools
from collections.abc import Iterator

from aicost.core.declared import Field, model_validator
from aicost.policy.context import CheckContext, finding
from aicost.policy.finding import Finding
from aicost.policy.schema import RuleConfig, StrList

TYPE = "region"
TITLE = "AI workloads run in approved regions"
REMEDIATION = (
    "Deploy the workload in an approved region (set the provider's region), or ask the "
    "platform team to approve the region."
)


class Config(RuleConfig):
    allow: StrList = Field(default_factory=list, description="Approved regions (globs).")
    deny: StrList = Field(default_factory=list, description="Refused regions (globs).")

    @model_validator(mode="after")
    def _needs_a_list(self) -> Config:
        if not self.allow and not self.deny:
            raise ValueError("give at least one of allow or deny")
        return self


def _any(value: str, patterns: list[str]) -> str | None:
    return _first(value, tuple(patterns))


@functools.lru_cache(maxsize=4096)  # thousands of workloads in a few regions
def _first(value: str, patterns: tuple[str, ...]) -> str | None:
    return next((p for p in patterns if fnmatch.fnmatchcase(value, p)), None)


def check(rule: Config, ctx: CheckContext) -> Iterator[Finding]:
    # The message per (region, shown): thousands of workloads run in a few regions.
    messages: dict[tuple[str, bool], str | None] = {}
    for item, planned in ctx.targets(rule):
        region = planned.region
        if region is None:
            continue
        key = (region, "region" in planned.sensitive)
        if key in messages:
            message = messages[key]
        else:
            shown = planned.public("region", region)
            message = messages[key] = _message(rule, region, shown)
        if message is not None:
            yield finding(rule, item, message)


def _message(rule: Config, region: str, shown: str | None) -> str | None:
    denied = _any(region, rule.deny)
    if denied is not None:
        return f"runs in {shown}, a denied region ({denied})"
    if rule.allow and _any(region, rule.allow) is None:
        return (
            f"runs in {shown}, which is not an approved region (allowed: {', '.join(rule.allow)})"
        )
    return None
