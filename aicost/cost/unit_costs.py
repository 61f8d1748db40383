"""Unit costs of a priced workload: per training run, per 1,000 requests, per 1,000 tokens.

Computed once, when workloads are priced (:meth:`aicost.cost.projection.Pricer.price`), and
carried on :attr:`PricedWorkload.unit_costs`: the JSON document (``resources[].unit_costs``)
and the human-readable formats (a short "Unit costs" list) only show them.
"""

from __future__ import annotations

from decimal import Decimal

from aicost.core.model import PricedWorkload, UnitCosts


def cost_per_run(item: PricedWorkload) -> Decimal | None:
    planned = item.workload.planned
    costing = item.planned_cost
    if planned is None or costing is None or planned.run_hours is None or planned.llm is not None:
        return None
    hourly = costing.hourly
    return None if hourly is None else hourly * planned.run_hours


def monthly_at_max(item: PricedWorkload) -> Decimal | None:
    planned = item.workload.planned
    monthly = item.monthly_cost
    if planned is None or monthly is None or planned.max_nodes is None or not planned.node_count:
        return None
    return monthly / planned.node_count * planned.max_nodes


def llm_costs(item: PricedWorkload) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """(per 1,000 requests, per 1,000 tokens, tokens per month) of a token workload."""
    planned = item.workload.planned
    if planned is None or planned.llm is None:
        return None, None, None
    from aicost.pricing.tokens import unit_costs  # here: only token workloads need it

    found = unit_costs(planned.llm, item.monthly_cost)
    return found.per_1k_requests, found.per_1k_tokens, found.tokens_per_month


def serving_costs(
    item: PricedWorkload,
) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """(per 1,000 requests, per 1,000 tokens, tokens per month) of self-hosted serving: its
    monthly cost over the traffic the usage file gives it."""
    planned = item.workload.planned
    monthly = item.monthly_cost
    if planned is None or planned.llm is not None or monthly is None:
        return None, None, None
    per_request = per_token = None
    if planned.requests_per_month:
        per_request = monthly / planned.requests_per_month * 1000
    if planned.tokens_per_month:
        per_token = monthly / planned.tokens_per_month * 1000
    return per_request, per_token, planned.tokens_per_month


def compute(item: PricedWorkload) -> UnitCosts:
    """The unit costs of *item*."""
    per_request, per_token, tokens = llm_costs(item)
    if item.workload.planned is not None and item.workload.planned.llm is None:
        per_request, per_token, tokens = serving_costs(item)
    return UnitCosts(
        per_run=cost_per_run(item),
        per_1k_requests=per_request,
        per_1k_tokens=per_token,
        tokens_per_month=tokens,
        monthly_at_max=monthly_at_max(item),
    )
