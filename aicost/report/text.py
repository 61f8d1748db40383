"""Small text helpers shared by the human-readable formats."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from aicost.core.model import Deployment, PricedWorkload
from aicost.core.money import plain, usd
from aicost.pricing.catalog import TableInfo


def hardware(deployment: Deployment | None) -> str:
    if deployment is None:
        return "-"
    if deployment.llm is not None:
        return f"{deployment.llm.provider}/{deployment.llm.model}"
    return deployment.public("instance_type", deployment.instance_type) or "unknown"


def gpus(deployment: Deployment | None) -> str:
    if deployment is None or deployment.accelerator is None:
        return "-"
    return f"{count(deployment.accelerators_total)}× {deployment.accelerator_name}"


def count(value: float) -> str:
    """``8`` for whole counts, ``0.125`` for GPU slices."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def nodes(deployment: Deployment | None) -> str:
    if deployment is None or deployment.llm is not None:
        return "-"
    text = str(deployment.node_count)
    if (
        deployment.min_nodes is not None
        and deployment.max_nodes is not None
        and (
            deployment.min_nodes != deployment.node_count
            or deployment.max_nodes != deployment.node_count
        )
    ):
        text += f" ({deployment.min_nodes}-{deployment.max_nodes})"
    return text


def largest_first(items: Sequence[PricedWorkload], limit: int) -> list[PricedWorkload]:
    """All items in input order, or the *limit* with the largest cost change when there are more."""
    if limit <= 0 or len(items) <= limit:
        return list(items)

    def weight(item: PricedWorkload) -> tuple[bool, Decimal, Decimal]:
        zero = Decimal(0)
        delta = item.delta_monthly_cost or zero
        monthly = item.monthly_cost or zero
        return (item.priced, -abs(delta), -monthly)

    return sorted(items, key=weight)[:limit]


def change(item: PricedWorkload) -> str:
    workload = item.workload
    prior, planned = workload.prior, workload.planned
    action = workload.action.value
    if prior is not None and planned is not None and action in ("update", "replace"):
        before, after = hardware(prior), hardware(planned)
        if before != after:
            return f"{action}: {before} → {after}"
        if prior.node_count != planned.node_count:
            return f"{action}: {prior.node_count} → {planned.node_count} nodes"
    return action


def pricing_dates(tables: Iterable[TableInfo], used: Mapping[str, Counter[str]]) -> str:
    """``aws-ec2 as of 2026-01-21 (used: karpenter-2026-07-20, 2 estimated)``.

    A table's ``as_of`` is its oldest source; the dated sources that priced this report's
    workloads are named too, so a reader sees exactly how old each number is.
    """
    parts = []
    for table in tables:
        counts = used.get(table.id, Counter())
        named = sorted(basis for basis in counts if basis != "estimate")
        if counts.get("estimate"):
            named.append(f"{counts['estimate']} estimated")
        detail = f" (used: {', '.join(named)})" if named else ""
        parts.append(f"{table.id} as of {table.as_of}{detail}")
    return "; ".join(parts) if parts else "no price table used"


def unit_cost_lines(items: list[PricedWorkload], limit: int) -> list[str]:
    """Human-readable unit costs (computed when pricing), one line per workload with any."""
    out: list[str] = []
    for item in items:
        parts = []
        units = item.unit_costs
        planned = item.workload.planned
        if units.per_run is not None and planned is not None and planned.run_hours is not None:
            parts.append(f"{usd(units.per_run)} per run ({plain(planned.run_hours)} h)")
        if units.per_1k_requests is not None:
            parts.append(f"{usd(units.per_1k_requests)} per 1,000 requests")
        if units.per_1k_tokens is not None:
            parts.append(f"${units.per_1k_tokens:.4f} per 1,000 tokens")
        if units.monthly_at_max is not None and planned is not None:
            parts.append(f"{usd(units.monthly_at_max)}/month at {planned.max_nodes} replicas (max)")
        if parts:
            out.append(f"{item.workload.label}: {', '.join(parts)}")
        if limit > 0 and len(out) >= limit:
            break
    return out
