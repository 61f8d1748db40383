"""Unit costs of a priced workload: per training run, per 1,000 requests, per 1,000 tokens.

Computed once, when workloads are priced (:meth:`aicost.cost.projection.Pricer.price`), and
carried on :attr:`PricedWorkload.unit_costs`: the JSON document (``resources[].unit_costs``)
and the human-readable formats (a short "Unit costs" list) only show them.
"""

from __future__ import annotations

from decimal import Decimal

from aicost.core.model import Costing, Deployment, PricedWorkload, UnitCosts


def cost_per_run(planned: Deployment, costing: Costing | None) -> Decimal | None:
    if costing is None or planned.run_hours is None or planned.llm is not None:
        return None
    hourly = costing.hourly
    return None if hourly is None else hourly * planned.run_hours


def monthly_at_max(planned: Deployment, monthly: Decimal | None) -> Decimal | None:
    if monthly is None or planned.max_nodes is None or not planned.node_count:
        return None
    return monthly / planned.node_count * planned.max_nodes


def llm_costs(
    planned: Deployment, monthly: Decimal | None
) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """(per 1,000 requests, per 1,000 tokens, tokens per month) of a token workload."""
    if planned.llm is None:
        return None, None, None
    from aicost.pricing.tokens import unit_costs  # here: only token workloads need it

    found = unit_costs(planned.llm, monthly)
    return found.per_1k_requests, found.per_1k_tokens, found.tokens_per_month


def serving_costs(
    planned: Deployment, monthly: Decimal | None
) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """(per 1,000 requests, per 1,000 tokens, tokens per month) of self-hosted serving: its
    monthly cost over the traffic the usage file gives it."""
    if planned.llm is not None or monthly is None:
        return None, None, None
    per_request = per_token = None
    if planned.requests_per_month:
        per_request = monthly / planned.requests_per_month * 1000
    if planned.tokens_per_month:
        per_token = monthly / planned.tokens_per_month * 1000
    return per_request, per_token, planned.tokens_per_month


#: The unit costs of a workload none apply to (shared: it is immutable).
NONE = UnitCosts()


def compute(item: PricedWorkload) -> UnitCosts:
    """The unit costs of *item*."""
    return of(item.workload.planned, item.planned_cost)


def of(planned: Deployment | None, costing: Costing | None) -> UnitCosts:
    """The unit costs of a workload whose planned side is *planned*, priced as *costing*."""
    if planned is None:
        return NONE
    if (
        planned.llm is None
        and planned.run_hours is None
        and planned.max_nodes is None
        and planned.requests_per_month is None
        and planned.tokens_per_month is None
    ):
        return NONE  # most workloads: no run length, autoscaling maximum or traffic
    monthly = costing.monthly if costing else None
    if planned.llm is not None:
        per_request, per_token, tokens = llm_costs(planned, monthly)
    else:
        per_request, per_token, tokens = serving_costs(planned, monthly)
    return UnitCosts(
        per_run=cost_per_run(planned, costing),
        per_1k_requests=per_request,
        per_1k_tokens=per_token,
        tokens_per_month=tokens,
        monthly_at_max=monthly_at_max(planned, monthly),
    )
