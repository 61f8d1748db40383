"""Small text helpers shared by the human-readable formats."""

from __future__ import annotations

from collections.abc import Iterable

from aicost.model import Deployment, PricedWorkload
from aicost.pricing.catalog import TableInfo


def hardware(deployment: Deployment | None) -> str:
    if deployment is None:
        return "-"
    return deployment.public("instance_type", deployment.instance_type) or "unknown"


def gpus(deployment: Deployment | None) -> str:
    if deployment is None or deployment.accelerator is None:
        return "-"
    return f"{count(deployment.accelerators_total)}× {deployment.accelerator_name}"


def count(value: float) -> str:
    """``8`` for whole counts, ``0.125`` for GPU slices."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def nodes(deployment: Deployment | None) -> str:
    if deployment is None:
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


def pricing_dates(tables: Iterable[TableInfo]) -> str:
    parts = [f"{t.id} as of {t.as_of}" for t in tables]
    return "; ".join(parts) if parts else "no price table used"
