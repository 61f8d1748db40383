"""Steady inference is covered by the commitments the organisation already holds.

Given the policy's ``commitments:`` inventory (reserved instances, savings plans and
committed-use discounts, each for a family or instance type in a region, sized in GPUs or
instances), this rule reports the **coverage rate** of steady inference GPU-hours, flags
steady inference that no commitment covers, and quotes the monthly saving of buying
commitments for it.

*Steady* means a workload of the rule's ``classes`` (inference by default) that runs at
least ``steady_hours`` a month; only its non-spot nodes count, and for an autoscaling
group only its floor (``min_size``), which is the part worth committing to. Commitments
are handed out in address order to workloads that say they are committed (a
``purchase-option`` tag) first, then to the others, as a cloud bill applies a regional
reservation to any matching usage. Expired commitments cover nothing.

.. code-block:: yaml

   commitments:
     - id: ri-g5-use1
       kind: reserved            # reserved | savings-plan | committed
       family: g5
       region: us-east-1
       instances: 4
       instance_type: g5.12xlarge
       expires: 2027-06-30
     - id: sp-sagemaker
       kind: savings-plan
       service: sagemaker
       family: g5
       region: "*"
       gpus: 8
   rules:
     - id: commitments
       type: commitment-coverage
       severity: warning
       min_coverage: 0.7

Coverage is of the workloads in this run, against commitments the policy says are
available to them; the rule cannot see what other repositories already use.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from pydantic import Field

from aicost.core.model import (
    RESERVED_LIKE,
    Capacity,
    Deployment,
    PricedWorkload,
    PurchaseOption,
    WorkloadClass,
    instance_family,
)
from aicost.core.money import usd
from aicost.policy.context import CheckContext, finding
from aicost.policy.finding import Finding
from aicost.policy.schema import Commitment, RuleConfig, Severity
from aicost.pricing.catalog import Rate

TYPE = "commitment-coverage"
TITLE = "Steady inference is covered by commitments"
REMEDIATION = (
    "Buy reserved instances, a savings plan or committed-use discounts for the uncovered "
    "steady capacity (and add them to the policy's commitments), or move the service onto "
    "covered families and regions."
)
RATIONALE = (
    "Steady inference runs around the clock, so on-demand prices for it are the most "
    "avoidable GPU spend; commitments cut 30-60%, but only for the family and region they "
    "were bought for."
)

COMMITTED = RESERVED_LIKE | {PurchaseOption.SAVINGS_PLAN}


class Config(RuleConfig):
    severity: Severity = Severity.WARNING
    classes: list[WorkloadClass] = Field(
        default_factory=lambda: [WorkloadClass.INFERENCE],
        description="Workload classes counted as steady when they run long enough.",
    )
    min_coverage: Decimal = Field(
        default=Decimal("0.8"),
        ge=0,
        le=1,
        allow_inf_nan=False,
        description="The coverage summary is a finding at the rule's severity below this.",
    )
    steady_hours: Decimal = Field(
        default=Decimal(600),
        gt=0,
        le=744,
        allow_inf_nan=False,
        description="Hours a month a workload must run to count as steady.",
    )
    purchase: Literal["reserved", "savings-plan", "committed"] = Field(
        default="reserved", description="What to quote savings for."
    )
    term_years: Literal[1, 3] = 1


@dataclass
class _Pool:
    commitment: Commitment
    gpus: Decimal
    left: Decimal


@dataclass
class _Need:
    item: PricedWorkload
    deployment: Deployment
    nodes: int
    per_node: Decimal
    hours: Decimal
    claims: bool
    covered: Decimal = Decimal(0)
    pools: list[str] = field(default_factory=list)

    @property
    def gpus(self) -> Decimal:
        return self.per_node * self.nodes


def _pools(ctx: CheckContext) -> list[_Pool]:
    pools: list[_Pool] = []
    for commitment in ctx.commitments:
        if commitment.expires:
            try:
                if dt.date.fromisoformat(commitment.expires) < ctx.today:
                    continue
            except ValueError:
                continue  # a malformed date covers nothing (fail closed)
        gpus = commitment.gpus
        if gpus is None and commitment.instance_type and commitment.instances:
            spec = ctx.pricer.book.describe(commitment.cloud, "ec2", commitment.instance_type)
            if spec is None or spec.accelerator is None:
                spec = ctx.pricer.book.describe(
                    commitment.cloud, "sagemaker", commitment.instance_type
                )
            if spec is None or spec.accelerator is None:
                continue
            gpus = Decimal(str(spec.accelerator.count)) * commitment.instances
        if gpus:
            pools.append(_Pool(commitment, gpus, gpus))
    return pools


def _fits(commitment: Commitment, deployment: Deployment) -> bool:
    if commitment.cloud != deployment.cloud or deployment.region is None:
        return False
    if not fnmatch.fnmatchcase(deployment.region, commitment.region):
        return False
    if commitment.service is not None and not fnmatch.fnmatchcase(
        deployment.service, commitment.service
    ):
        return False
    if commitment.instance_type is not None and commitment.family is None:
        return (deployment.instance_type or "").removeprefix("ml.") == (
            commitment.instance_type.removeprefix("ml.")
        )
    family = commitment.family or instance_family(commitment.instance_type) or ""
    return fnmatch.fnmatchcase(deployment.family or "", family)


def _needs(rule: Config, ctx: CheckContext) -> list[_Need]:
    needs: list[_Need] = []
    for item, planned in ctx.targets(rule):
        if planned.workload_class not in rule.classes or planned.accelerator is None:
            continue
        hours = planned.hours_per_month or ctx.pricer.hours_per_month
        if hours < rule.steady_hours:
            continue
        nodes = sum(c.nodes for c in planned.capacity if c.purchase is not PurchaseOption.SPOT)
        if planned.min_nodes is not None:
            nodes = min(nodes, planned.min_nodes)
        if nodes <= 0:
            continue
        claims = any(c.purchase in COMMITTED for c in planned.capacity if c.nodes)
        per_node = Decimal(str(planned.accelerator.count))
        needs.append(_Need(item, planned, nodes, per_node, hours, claims))
    needs.sort(key=lambda n: (not n.claims, n.item.workload.key))
    return needs


def _saving(
    ctx: CheckContext, rule: Config, need: _Need, nodes: int
) -> tuple[Decimal | None, Decimal | None]:
    """Monthly on-demand cost of *nodes* uncovered nodes, and the saving of committing them."""
    deployment = need.deployment
    if deployment.instance_type is None or deployment.region is None or nodes <= 0:
        return None, None
    now = ctx.pricer.rate(deployment, Capacity(PurchaseOption.ON_DEMAND, nodes))
    then = ctx.pricer.rate(
        deployment, Capacity(PurchaseOption(rule.purchase), nodes, rule.term_years)
    )
    if not isinstance(now, Rate):
        return None, None
    cost = now.hourly * nodes * need.hours
    if not isinstance(then, Rate) or then.note is not None or then.hourly >= now.hourly:
        return cost, None
    return cost, (now.hourly - then.hourly) * nodes * need.hours


def check(rule: Config, ctx: CheckContext) -> Iterator[Finding]:
    needs = _needs(rule, ctx)
    if not needs:
        return
    pools = _pools(ctx)
    for need in needs:
        for pool in pools:
            if need.covered >= need.gpus:
                break
            if pool.left <= 0 or not _fits(pool.commitment, need.deployment):
                continue
            take = min(pool.left, need.gpus - need.covered)
            pool.left -= take
            need.covered += take
            need.pools.append(pool.commitment.id)

    term = f"{rule.term_years}-year {rule.purchase}"
    total_hours = covered_hours = Decimal(0)
    total_saving = Decimal(0)
    any_saving = False
    for need in needs:
        total_hours += need.gpus * need.hours
        covered_hours += need.covered * need.hours
        uncovered = need.gpus - need.covered
        if uncovered <= 0:
            continue
        nodes = math.ceil(uncovered / need.per_node)
        cost, saving = _saving(ctx, rule, need, nodes)
        if saving is not None:
            total_saving += saving
            any_saving = True
        deployment = need.deployment
        family = deployment.public("instance_type", deployment.family)
        where = f"{family} in {deployment.public('region', deployment.region)}"
        message = (
            f"steady {deployment.workload_class.value}: {_n(uncovered)} of {_n(need.gpus)} "
            f"GPUs ({where}) are not covered by a commitment"
        )
        if saving is not None:
            message += (
                f"; {term} capacity for {nodes} "
                f"{deployment.public('instance_type', deployment.instance_type)} "
                f"would save {usd(saving)}/month"
            )
        if need.claims:
            message += (
                f" (it is marked {deployment.purchase_option}, but the commitments inventory "
                f"has no {where} capacity left for it)"
            )
        yield finding(rule, need.item, message, monthly_saving=saving, monthly_cost=cost)

    rate = covered_hours / total_hours if total_hours else Decimal(0)
    idle = [p for p in pools if p.left > 0 and p.left == p.gpus]
    summary = (
        f"commitment coverage of steady {'/'.join(c.value for c in rule.classes)}: "
        f"{_pct(rate)} ({_n(covered_hours)} of {_n(total_hours)} GPU-hours/month; "
        f"target {_pct(rule.min_coverage)})"
    )
    if any_saving:
        summary += f"; {term} capacity for the rest would save {usd(total_saving)}/month"
    if idle:
        summary += "; not used by this change: " + ", ".join(
            f"{p.commitment.id} ({_n(p.left)} GPUs)" for p in idle
        )
    below = rate < rule.min_coverage
    yield finding(
        rule,
        None,
        summary,
        address=f"{rule.id}:coverage",
        monthly_saving=total_saving if any_saving else None,
        monthly_cost=None,
        severity=rule.severity if below else Severity.INFO,
    )


def _n(value: Decimal) -> str:
    return f"{value.normalize():,f}" if value == value.to_integral() else f"{value:,.1f}"


def _pct(value: Decimal) -> str:
    text = f"{value * 100:.1f}".rstrip("0").rstrip(".")
    return f"{text}%"
