"""Hints: GPU hardware oversized for what the workload is for.

An 8×H100 box for a notebook, or a training-class GPU behind a small inference service,
mostly idles at a training-class price. For each workload class, ``limits`` gives the most
accelerators per node and the accelerators that are too big (names or globs); a workload
over its class's limit gets a finding with the monthly saving of the first ``suggest``
instance type that the price table has in the same cloud, service and region (a SageMaker
``ml.`` prefix is added for SageMaker workloads), at the same node count and purchase
option. It is a hint: ``severity`` defaults to ``info`` (advisory).

.. code-block:: yaml

   - id: right-size
     type: gpu-utilisation
     limits:
       notebook:
         max_gpus: 1
         deny_accelerators: [H100, H200, B200, A100*]
         suggest: [g6.xlarge, g5.xlarge]
       inference:
         max_gpus: 4
         suggest: [g6e.xlarge]
     match:
       tags:
         service-size: [small]   # "small services": however your teams mark them

Without ``limits``, notebooks are held to one GPU and no training-class accelerator
(H100, H200, B200, B300, GB200, A100, Trainium, Gaudi, MI300X, TPU). Giving ``limits``
replaces that default; ``default`` sets a limit for the classes not named.
"""

from __future__ import annotations

import dataclasses
import fnmatch
from collections.abc import Iterator
from decimal import Decimal

from aicost.core.declared import Field, field_validator
from aicost.core.model import Deployment, WorkloadClass
from aicost.core.money import usd
from aicost.policy.context import CheckContext, finding
from aicost.policy.finding import Finding
from aicost.policy.schema import RuleConfig, Severity, Strict, StrList

TYPE = "gpu-utilisation"
TITLE = "GPU hardware fits the workload class"
REMEDIATION = (
    "Move the workload to the suggested smaller GPU type, or scope the rule away from it "
    "(match) if it really needs the hardware."
)
RATIONALE = (
    "Interactive notebooks and small services use a fraction of a large accelerator; the "
    "cheaper family usually does the same work for a fraction of the price."
)

TRAINING_CLASS = [
    "H100*",
    "H200*",
    "B200*",
    "B300*",
    "GB200*",
    "A100*",
    "Trainium*",
    "Gaudi*",
    "MI300*",
    "TPU*",
]


class Limit(Strict):
    max_gpus: float | None = Field(default=None, gt=0, description="Most accelerators per node.")
    deny_accelerators: StrList = Field(default_factory=list)
    suggest: StrList = Field(default_factory=list)


def _default_limits() -> dict[str, Limit]:
    return {
        "notebook": Limit(
            max_gpus=1,
            deny_accelerators=TRAINING_CLASS,
            suggest=["g6.xlarge", "g5.xlarge", "g2-standard-8", "Standard_NV36ads_A10_v5"],
        )
    }


class Config(RuleConfig):
    severity: Severity = Severity.INFO
    limits: dict[str, Limit] = Field(
        default_factory=_default_limits,
        description="Per workload class (or default): max_gpus, deny_accelerators, suggest.",
    )

    @field_validator("limits")
    @classmethod
    def _known_classes(cls, value: dict[str, Limit]) -> dict[str, Limit]:
        known = {c.value for c in WorkloadClass} | {"default"}
        for key in value:
            if key not in known:
                raise ValueError(
                    f"limits: unknown workload class {key!r} (use {', '.join(sorted(known))})"
                )
        return value


def _reasons(limit: Limit, deployment: Deployment) -> list[str]:
    accelerator = deployment.accelerator
    if accelerator is None:
        return []
    reasons: list[str] = []
    if limit.max_gpus is not None and accelerator.count > limit.max_gpus:
        reasons.append(f"{accelerator.count:g} accelerators per node, at most {limit.max_gpus:g}")
    name = accelerator.name
    if any(fnmatch.fnmatchcase(name.lower(), p.lower()) for p in limit.deny_accelerators):
        reasons.append(f"{deployment.accelerator_name} is more accelerator than it needs")
    return reasons


def check(rule: Config, ctx: CheckContext) -> Iterator[Finding]:
    for item, planned in ctx.targets(rule):
        limit = rule.limits.get(planned.workload_class.value, rule.limits.get("default"))
        if limit is None or planned.instance_type is None:
            continue
        reasons = _reasons(limit, planned)
        if not reasons:
            continue
        current = planned.public("instance_type", planned.instance_type)
        shape = (
            f"{current} ({planned.accelerator.count:g}× {planned.accelerator_name})"
            if (planned.accelerator)
            else current
        )
        message = (
            f"{shape} is oversized for a {planned.workload_class.value} workload "
            f"({'; '.join(reasons)})"
        )
        suggestion = _suggest(ctx, planned, limit, item.monthly_cost)
        saving = None
        if suggestion is not None:
            name, monthly, saving = suggestion
            message += f": {name} would cost {usd(monthly)}/month"
            if saving is not None:
                message += f", saving {usd(saving)}/month"
        yield finding(rule, item, message, monthly_saving=saving)


def _suggest(
    ctx: CheckContext, planned: Deployment, limit: Limit, monthly: Decimal | None
) -> tuple[str, Decimal, Decimal | None] | None:
    book = ctx.pricer.book
    for candidate in limit.suggest:
        name = candidate
        if planned.instance_type and planned.instance_type.startswith("ml."):
            name = name if name.startswith("ml.") else f"ml.{name}"
        if name == planned.instance_type:
            continue
        spec = book.describe(planned.cloud, planned.service, name)
        if spec is None:
            continue
        smaller = dataclasses.replace(
            planned, instance_type=name, accelerator=spec.accelerator, sensitive=frozenset()
        )
        cost = ctx.pricer.cost(smaller).monthly
        if cost is None:
            continue
        shown = (
            f"{name} ({spec.accelerator.count:g}× {spec.accelerator.name})"
            if (spec.accelerator)
            else name
        )
        saving = monthly - cost if monthly is not None and monthly > cost else None
        return shown, cost, saving
    return None
