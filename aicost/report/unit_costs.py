"""Unit costs of a priced workload: per training run, per 1,000 requests, per 1,000 tokens.

Shared by the JSON document (``resources[].unit_costs``, ``resources[].llm``) and the
human-readable formats (a short "Unit costs" list under the workload table).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from aicost.core.model import PricedWorkload
from aicost.core.money import decimal_string, usd


def _number(value: Decimal | None) -> str | None:
    if value is None:
        return None
    return f"{value.normalize():f}" if value == value.to_integral() else str(round(value, 4))


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
    from aicost.pricing.tokens import unit_costs

    planned = item.workload.planned
    if planned is None or planned.llm is None:
        return None, None, None
    found = unit_costs(planned.llm, item.monthly_cost)
    return found.per_1k_requests, found.per_1k_tokens, found.tokens_per_month


def document_fields(item: PricedWorkload) -> dict[str, Any]:
    """Extra keys of a ``resources[]`` entry in the JSON report."""
    planned = item.workload.planned
    per_run = cost_per_run(item)
    per_request, per_token, tokens = llm_costs(item)
    fields: dict[str, Any] = {
        "unit_costs": {
            "per_run": decimal_string(per_run),
            "per_1k_requests": None if per_request is None else str(round(per_request, 4)),
            "per_1k_tokens": None if per_token is None else str(round(per_token, 6)),
            "monthly_at_max_replicas": decimal_string(monthly_at_max(item)),
        },
        "run_hours": _number(planned.run_hours) if planned else None,
        "runs_per_month": _number(planned.runs_per_month) if planned else None,
        "replicas": None
        if planned is None or planned.llm is not None
        else {"current": planned.node_count, "min": planned.min_nodes, "max": planned.max_nodes},
        "llm": None,
    }
    if planned is not None and planned.llm is not None:
        llm = planned.llm
        fields["llm"] = {
            "provider": llm.provider,
            "model": llm.model,
            "tier": llm.tier,
            "requests_per_month": _number(llm.requests_per_month),
            "input_tokens_per_month": _number(llm.input_per_month),
            "output_tokens_per_month": _number(llm.output_per_month),
            "tokens_per_month": _number(tokens),
            "cached_input_share": _number(llm.cached_input_share),
            "batch_share": _number(llm.batch_share),
            "max_tokens": llm.max_tokens,
            "prompt_caching": llm.caching,
            "deployment_type": llm.deployment_type,
            "provisioned_units": _number(llm.provisioned_units),
        }
    return fields


def lines(items: list[PricedWorkload], limit: int) -> list[str]:
    """Human-readable unit costs, one line per workload that has any."""
    out: list[str] = []
    for item in items:
        parts = []
        per_run = cost_per_run(item)
        if per_run is not None:
            planned = item.workload.planned
            assert planned is not None and planned.run_hours is not None
            parts.append(f"{usd(per_run)} per run ({_number(planned.run_hours)} h)")
        per_request, per_token, _ = llm_costs(item)
        if per_request is not None:
            parts.append(f"{usd(per_request)} per 1,000 requests")
        if per_token is not None:
            parts.append(f"${per_token:.4f} per 1,000 tokens")
        at_max = monthly_at_max(item)
        if at_max is not None and item.workload.planned is not None:
            parts.append(f"{usd(at_max)}/month at {item.workload.planned.max_nodes} replicas (max)")
        if parts:
            out.append(f"{item.workload.label}: {', '.join(parts)}")
        if limit > 0 and len(out) >= limit:
            break
    return out
