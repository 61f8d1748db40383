"""Shared logic of the purchase-option rules (training-purchase, inference-purchase)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from aicost.core.declared import Field, field_validator
from aicost.core.model import RESERVED_LIKE, Capacity, Deployment, PurchaseOption, WorkloadClass
from aicost.cost.commitments import Advice, advise
from aicost.policy.context import CheckContext, finding
from aicost.policy.finding import Finding
from aicost.policy.schema import Enforcement, RuleConfig, Severity, StrList
from aicost.pricing.catalog import Rate

CHOICES = {option.value for option in PurchaseOption}


class PurchaseConfig(RuleConfig):
    require: StrList = Field(min_length=1)

    @field_validator("require")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        unknown = [v for v in value if v not in CHOICES]
        if unknown:
            raise ValueError(
                f"unknown purchase option {', '.join(map(repr, unknown))} "
                f"(use {', '.join(sorted(CHOICES))})"
            )
        return value


def satisfies(option: PurchaseOption, required: list[str]) -> bool:
    """``reserved`` is met by reserved instances, committed use and capacity reservations."""
    if option.value in required:
        return True
    return PurchaseOption.RESERVED.value in required and option in RESERVED_LIKE


#: Purchase options that bill every hour of a term, used or not.
COMMITMENTS = frozenset(
    {
        PurchaseOption.RESERVED,
        PurchaseOption.SAVINGS_PLAN,
        PurchaseOption.COMMITTED,
        PurchaseOption.CAPACITY_RESERVATION,
    }
)


def saving(
    ctx: CheckContext, deployment: Deployment, bad: list[Capacity], target: PurchaseOption
) -> Decimal | None:
    """Monthly saving of moving the *bad* capacity slices to a pay-per-use *target* (spot),
    if both are priced. Commitments are judged by :func:`commitment_advice`."""
    if deployment.instance_type is None or deployment.region is None:
        return None
    total = Decimal(0)
    hours = ctx.pricer.hours_of(deployment)
    for slice_ in bad:
        now = ctx.pricer.rate(deployment, slice_)
        then = ctx.pricer.rate(deployment, Capacity(target, slice_.nodes, 1))
        if not isinstance(now, Rate) or not isinstance(then, Rate) or then.note is not None:
            return None
        total += (now.hourly - then.hourly) * slice_.nodes * hours
    return total if total > 0 else None


def commitment_advice(
    ctx: CheckContext,
    deployment: Deployment,
    nodes: int,
    target: PurchaseOption,
    term_years: int = 1,
) -> Advice | None:
    """Whether committing *nodes* on-demand nodes of *deployment* to *target* pays, or None
    when the rates are not known."""
    if deployment.instance_type is None or deployment.region is None or nodes <= 0:
        return None
    now = ctx.pricer.rate(deployment, Capacity(PurchaseOption.ON_DEMAND, 1))
    then = ctx.pricer.rate(deployment, Capacity(target, 1, term_years))
    if not isinstance(now, Rate) or not isinstance(then, Rate) or then.note is not None:
        return None
    month = ctx.pricer.hours_per_month
    return advise(
        on_demand_hourly=now.hourly,
        committed_hourly=then.hourly,
        nodes=nodes,
        min_nodes=deployment.min_nodes,
        max_nodes=deployment.max_nodes,
        hours=ctx.pricer.hours_of(deployment),
        month=month,
        steady_nodes=deployment.steady_nodes,
    )


def term_label(target: PurchaseOption, term_years: int = 1) -> str:
    if target is PurchaseOption.CAPACITY_RESERVATION:
        return "a capacity reservation"
    return f"{term_years}-year {target.value}"


def check_purchase(
    rule: PurchaseConfig, ctx: CheckContext, workload_class: WorkloadClass
) -> Iterator[Finding]:
    target = PurchaseOption(rule.require[0])
    allowed = frozenset(o for o in PurchaseOption if satisfies(o, rule.require))
    #: The commitment advice per machine, node counts and hours (see _advice).
    advised: dict[tuple[Any, ...], tuple[str, Decimal | None, bool] | None] = {}
    matches = ctx.matcher(rule)  # as ctx.targets(rule), but the class is asked first
    for item, planned in ctx.all_targets():
        if planned.workload_class is not workload_class:
            continue
        if matches is not None and not matches(item.workload, planned):
            continue
        bad = [c for c in planned.capacity if c.nodes and c.purchase not in allowed]
        if not bad:
            continue
        nodes = sum(c.nodes for c in bad)
        how = ", ".join(sorted({c.purchase.value for c in bad}))
        message = (
            f"{workload_class.value} workload runs {nodes} node{'s' if nodes != 1 else ''} "
            f"{how} ({planned.purchase_reason}); policy requires {' or '.join(rule.require)}"
        )
        if target not in COMMITMENTS:
            yield finding(rule, item, message, monthly_saving=saving(ctx, planned, bad, target))
            continue
        on_demand = sum(c.nodes for c in bad if c.purchase is PurchaseOption.ON_DEMAND)
        advice = _advice(ctx, planned, on_demand, target, advised)
        if advice is None:
            yield finding(rule, item, message)
            continue
        described, monthly_saving, pays = advice
        message += f"; {described}"
        if pays:
            yield finding(rule, item, message, monthly_saving=monthly_saving)
            continue
        # Committing would cost more than it saves: advice, never a failure or a "saving".
        yield finding(
            rule,
            item,
            message,
            severity=Severity.INFO,
            enforcement=Enforcement.ADVISORY.value,
        )


def _advice(
    ctx: CheckContext,
    deployment: Deployment,
    on_demand: int,
    target: PurchaseOption,
    advised: dict[tuple[Any, ...], tuple[str, Decimal | None, bool] | None],
) -> tuple[str, Decimal | None, bool] | None:
    """(what committing *on_demand* nodes would do, its saving, whether it pays), or None
    when the rates are unknown; remembered in *advised* per everything it depends on (the
    machine's rates, node counts and hours): thousands of workloads share a few dozen."""
    key = (
        deployment.cloud,
        deployment.service,
        deployment.region,
        deployment.instance_type,
        deployment.accelerator,
        deployment.hours_per_month,
        deployment.node_share,
        deployment.min_nodes,
        deployment.max_nodes,
        deployment.steady_nodes,
        on_demand,
    )
    if key in advised:
        return advised[key]
    advice = commitment_advice(ctx, deployment, on_demand, target)
    found = None
    if advice is not None:
        found = (advice.describe(term_label(target)), advice.saving, advice.pays)
    advised[key] = found
    return found
