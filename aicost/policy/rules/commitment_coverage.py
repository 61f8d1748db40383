"""Steady inference is covered by the commitments the organisation already holds.

Given the policy's ``commitments:`` inventory (reserved instances, savings plans and
committed-use discounts, each for a family or instance type in a region, sized in GPUs or
instances), this rule reports the **coverage rate** (committed GPU-hours ÷ all GPU-hours of the
rule's classes, spot and peaks included, as the FinOps practice defines it), flags steady
inference that no commitment covers, and quotes the monthly saving of buying commitments
for it, only where a commitment (which bills every hour of the month) costs less than the
hours the workload runs: the finding states the break-even utilisation.

A workload marked as committed (a ``purchase-option`` tag) that the inventory does not
cover is projected at the committed rate; the finding says how much more it costs at
on-demand, and no saving is claimed for it, so a discount is never counted twice.

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

With ``usage_history`` (actual daily GPU-hours: a CSV ``date,family,region,gpu_hours``, a
spend snapshot from ``aicost spend snapshot``, or the FOCUS billing exports themselves) the
rule also applies the readiness test before quoting a saving:
60 or more days of history and week-over-week variance under 20%; a family that fails it
is reported as not ready, with the reason, and no saving.

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
from pathlib import Path
from typing import Literal

from aicost.core.declared import Field
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
from aicost.cost.commitments import Advice, Readiness, advise, load_history, readiness
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
History = dict[tuple[str, str], list[tuple[dt.date, Decimal]]]


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
    usage_history: str | None = Field(
        default=None,
        min_length=1,
        description="Actual daily GPU-hours, relative to the working directory: a CSV "
        "(date, family, region, gpu_hours), a spend snapshot (aicost spend snapshot) or FOCUS "
        "billing exports (a file, directory or glob): savings are quoted only for families "
        "that pass the readiness test (60+ days, under 20% week-over-week variance).",
    )


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
        hours = ctx.pricer.hours_of(planned)
        if planned.steady_nodes is not None:  # a clock schedule: its floor runs all month
            hours = ctx.pricer.hours_per_month
        if hours < rule.steady_hours:
            continue
        nodes = sum(c.nodes for c in planned.capacity if c.purchase is not PurchaseOption.SPOT)
        if planned.min_nodes is not None:
            nodes = min(nodes, planned.min_nodes)
        if planned.steady_nodes is not None:
            nodes = min(nodes, planned.steady_nodes)
        if nodes <= 0:
            continue
        claims = any(c.purchase in COMMITTED for c in planned.capacity if c.nodes)
        per_node = Decimal(str(planned.accelerator.count))
        needs.append(_Need(item, planned, nodes, per_node, hours, claims))
    needs.sort(key=lambda n: (not n.claims, n.item.workload.key))
    return needs


def _saving(
    ctx: CheckContext, rule: Config, need: _Need, nodes: int
) -> tuple[Decimal | None, Decimal | None, Advice | None]:
    """Monthly on-demand cost of *nodes* uncovered nodes, the saving of committing them (only
    when a commitment, which bills every hour, costs less than the hours used), and the
    advice behind it."""
    deployment = need.deployment
    if deployment.instance_type is None or deployment.region is None or nodes <= 0:
        return None, None, None
    now = ctx.pricer.rate(deployment, Capacity(PurchaseOption.ON_DEMAND, nodes))
    then = ctx.pricer.rate(
        deployment, Capacity(PurchaseOption(rule.purchase), nodes, rule.term_years)
    )
    if not isinstance(now, Rate):
        return None, None, None
    cost = now.hourly * nodes * need.hours
    if not isinstance(then, Rate) or then.note is not None:
        return cost, None, None
    advice = advise(
        on_demand_hourly=now.hourly,
        committed_hourly=then.hourly,
        nodes=nodes,
        min_nodes=None,
        max_nodes=None,
        hours=need.hours,
        month=ctx.pricer.hours_per_month,
    )
    return cost, (advice.saving if advice.pays else None), advice


def _all_gpu_hours(rule: Config, ctx: CheckContext) -> Decimal:
    """GPU-hours a month of every workload of the rule's classes (spot and peaks included)."""
    total = Decimal(0)
    for _, planned in ctx.targets(rule):
        if planned.workload_class not in rule.classes or planned.accelerator is None:
            continue
        hours = ctx.pricer.hours_of(planned)
        total += Decimal(str(planned.accelerators_total)) * hours
    return total


def _assign(needs: list[_Need], pools: list[_Pool]) -> None:
    """Hand commitments out to the needs in order, as a bill applies them."""
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


def _claimed(ctx: CheckContext, need: _Need, nodes: int, message: str, where: str) -> str:
    """A workload marked committed that no commitment covers: it is priced at the committed
    rate already, so claiming the discount again would count it twice. Say what the
    projection leaves out instead."""
    option = need.deployment.purchase_option
    message += (
        f"; it is marked {option}, but the commitments inventory has no {where} capacity "
        "left for it"
    )
    extra = _understated(ctx, need, nodes)
    if extra is not None:
        message += (
            f": it is projected at the {option} rate, and at on-demand it would cost "
            f"{usd(extra)}/month more (no saving is claimed)"
        )
    return message


def _uncovered(
    rule: Config, ctx: CheckContext, need: _Need, history: History | None
) -> tuple[Finding, Decimal | None]:
    """The finding about a need's uncovered GPUs, and the saving it quotes."""
    uncovered = need.gpus - need.covered
    nodes = math.ceil(uncovered / need.per_node)
    cost, saving, advice = _saving(ctx, rule, need, nodes)
    deployment = need.deployment
    family = deployment.public("instance_type", deployment.family)
    where = f"{family} in {deployment.public('region', deployment.region)}"
    message = (
        f"steady {deployment.workload_class.value}: {_n(uncovered)} of {_n(need.gpus)} "
        f"GPUs ({where}) are not covered by a commitment"
    )
    if need.claims:
        message = _claimed(ctx, need, nodes, message, where)
        return finding(rule, need.item, message, monthly_saving=None, monthly_cost=cost), None
    if saving is not None and history is not None:
        ready = _ready(history, deployment)
        if not ready.ready:
            message += (
                f"; not ready to commit from usage history: {ready.reason} "
                "(no saving is quoted until it is)"
            )
            return finding(rule, need.item, message, monthly_cost=cost), None
        message += f"; ready to commit: {ready.reason}"
    term = f"{rule.term_years}-year {rule.purchase}"
    if saving is not None and advice is not None:
        message += (
            f"; {term} capacity for {nodes} "
            f"{deployment.public('instance_type', deployment.instance_type)} "
            f"would save {usd(saving)}/month (break-even at {_pct(advice.break_even)} "
            f"utilisation; it runs {_pct(advice.utilisation)})"
        )
    elif advice is not None:
        message += f"; {advice.describe(term)}"
    found = finding(rule, need.item, message, monthly_saving=saving, monthly_cost=cost)
    return found, saving


def check(rule: Config, ctx: CheckContext) -> Iterator[Finding]:
    needs = _needs(rule, ctx)
    if not needs:
        return
    pools = _pools(ctx)
    _assign(needs, pools)
    history = load_history(Path(rule.usage_history)) if rule.usage_history else None
    steady_hours = covered_hours = Decimal(0)
    savings: list[Decimal] = []
    for need in needs:
        steady_hours += need.gpus * need.hours
        covered_hours += need.covered * need.hours
        if need.gpus - need.covered <= 0:
            continue
        found, saving = _uncovered(rule, ctx, need, history)
        if saving is not None:
            savings.append(saving)
        yield found
    yield _summary(rule, ctx, pools, steady_hours, covered_hours, savings)


def _summary(
    rule: Config,
    ctx: CheckContext,
    pools: list[_Pool],
    steady_hours: Decimal,
    covered_hours: Decimal,
    savings: list[Decimal],
) -> Finding:
    """The coverage rate: committed GPU-hours ÷ all GPU-hours of the rule's classes."""
    everything = max(_all_gpu_hours(rule, ctx), steady_hours)
    rate = covered_hours / everything if everything else Decimal(0)
    idle = [p for p in pools if p.left > 0 and p.left == p.gpus]
    classes = "/".join(c.value for c in rule.classes)
    summary = (
        f"commitment coverage of {classes}: {_pct(rate)} ({_n(covered_hours)} committed of "
        f"{_n(everything)} GPU-hours/month; target {_pct(rule.min_coverage)})"
    )
    if steady_hours and steady_hours != everything:
        summary += (
            f"; the steady floor is {_n(steady_hours)} GPU-hours, "
            f"{_pct(covered_hours / steady_hours)} covered"
        )
    total = sum(savings, Decimal(0)) if savings else None
    if total is not None:
        term = f"{rule.term_years}-year {rule.purchase}"
        summary += f"; {term} capacity for the rest would save {usd(total)}/month"
    if idle:
        summary += "; not used by this change: " + ", ".join(
            f"{p.commitment.id} ({_n(p.left)} GPUs)" for p in idle
        )
    return finding(
        rule,
        None,
        summary,
        address=f"{rule.id}:coverage",
        monthly_saving=total,
        monthly_cost=None,
        severity=rule.severity if rate < rule.min_coverage else Severity.INFO,
    )


def _ready(history: History, deployment: Deployment) -> Readiness:
    family = deployment.family or ""
    series = history.get((family, deployment.region or ""))
    if series is None:
        series = [
            point
            for (fam, region), found in history.items()
            if fam == family and fnmatch.fnmatchcase(deployment.region or "", region)
            for point in found
        ]
    return readiness(series or [])


def _understated(ctx: CheckContext, need: _Need, nodes: int) -> Decimal | None:
    """How much more the uncovered nodes cost at on-demand than at the rate they are priced."""
    deployment = need.deployment
    if deployment.instance_type is None or deployment.region is None:
        return None
    claimed = next((c for c in deployment.capacity if c.nodes and c.purchase in COMMITTED), None)
    if claimed is None:
        return None
    now = ctx.pricer.rate(deployment, Capacity(claimed.purchase, nodes, claimed.term_years))
    demand = ctx.pricer.rate(deployment, Capacity(PurchaseOption.ON_DEMAND, nodes))
    if not isinstance(now, Rate) or not isinstance(demand, Rate):
        return None
    extra = (demand.hourly - now.hourly) * nodes * need.hours
    return extra if extra > 0 else None


def _n(value: Decimal) -> str:
    return f"{value.normalize():,f}" if value == value.to_integral() else f"{value:,.1f}"


def _pct(value: Decimal) -> str:
    text = f"{value * 100:.1f}".rstrip("0").rstrip(".")
    return f"{text}%"
