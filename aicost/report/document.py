"""The canonical JSON report. Other tools (baselines, PR comments) read this shape.

Money is a decimal string rounded to cents (``"40179.20"``), or null when unpriced.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from aicost import __version__
from aicost.model import Deployment, PricedWorkload
from aicost.money import decimal_string
from aicost.pipeline import CheckResult
from aicost.policy.engine import StaleWaiver
from aicost.policy.finding import Finding, WaiverRef
from aicost.report import unit_costs

REPORT_VERSION = 1


def number(value: float) -> int | float:
    """Whole counts as integers in JSON (``8``, not ``8.0``)."""
    return int(value) if float(value).is_integer() else value


def _deployment(deployment: Deployment | None) -> dict[str, Any] | None:
    if deployment is None:
        return None
    accelerator = deployment.accelerator
    return {
        "cloud": deployment.cloud,
        "service": deployment.service,
        "region": deployment.public("region", deployment.region),
        "instance_type": deployment.public("instance_type", deployment.instance_type),
        "accelerator": None
        if accelerator is None
        else {
            "name": deployment.accelerator_name,
            "count": number(accelerator.count),
            "kind": accelerator.kind,
            "memory_gib": accelerator.memory_gib,
        },
        "nodes": deployment.node_count,
        "min_nodes": deployment.min_nodes,
        "max_nodes": deployment.max_nodes,
        "gpus": number(deployment.accelerators_total),
        "purchase_option": deployment.purchase_option,
        "purchase_reason": deployment.purchase_reason,
        "capacity": [
            {"purchase_option": c.purchase.value, "nodes": c.nodes, "term_years": c.term_years}
            for c in deployment.capacity
        ],
        "workload": deployment.workload_class.value,
        "workload_reason": deployment.class_reason,
        "tags": dict(sorted(deployment.tags.items())),
        "unknown": list(deployment.unknown),
        "notes": list(deployment.notes),
    }


def resource(item: PricedWorkload) -> dict[str, Any]:
    workload = item.workload
    current = workload.current
    costing = item.planned_cost or item.prior_cost
    entry: dict[str, Any] = {
        "address": workload.address,
        "component": workload.component,
        "resource_type": workload.resource_type,
        "project": workload.project,
        "source": {
            "path": workload.source.path,
            "kind": workload.source.kind,
            "line": workload.source.line,
        },
        "action": workload.action.value,
        "workload": current.workload_class.value,
        "gpus": number(workload.planned.accelerators_total) if workload.planned else 0,
        "monthly_cost": decimal_string(item.monthly_cost),
        "prior_monthly_cost": decimal_string(item.prior_monthly_cost),
        "delta_monthly_cost": decimal_string(item.delta_monthly_cost),
        "priced": item.priced,
        "unpriced_reason": item.unpriced_reason,
        "cost_lines": [
            {
                "purchase_option": line.purchase.value,
                "nodes": line.nodes,
                "hourly_rate": str(line.hourly_rate),
                "monthly": decimal_string(line.monthly),
                "basis": line.basis,
                "table": line.table,
                **(
                    {
                        "component": line.component,
                        "quantity": str(line.quantity) if line.quantity is not None else None,
                        "unit": line.unit,
                        "unit_price": str(line.unit_price) if line.unit_price is not None else None,
                    }
                    if line.component
                    else {}
                ),
            }
            for line in (costing.lines if costing else ())
        ],
        "cost_notes": list(costing.notes) if costing else [],
        "hours_per_month": str(costing.hours_per_month) if costing else None,
        "planned": _deployment(workload.planned),
        "prior": _deployment(workload.prior),
    }
    entry.update(unit_costs.document_fields(item))
    return entry


def finding(found: Finding) -> dict[str, Any]:
    return {
        "rule": found.rule,
        "type": found.type,
        "severity": found.severity.value,
        "address": found.address,
        "component": found.component,
        "message": found.message,
        "monthly_saving": decimal_string(found.monthly_saving),
        "monthly_cost": decimal_string(found.monthly_cost),
        "remediation": found.remediation,
        "link": found.link,
        "file": found.file,
        "line": found.line,
        "enforcement": found.enforcement,
        "fails": found.fails,
        "decision": found.decision,
        "waived": found.waived,
        "waiver": None if found.waiver is None else waiver(found.waiver),
    }


def waiver(ref: WaiverRef) -> dict[str, Any]:
    return {
        "reason": ref.reason,
        "owner": ref.owner,
        "expires": ref.expires,
        "source": ref.source,
        "kind": ref.kind,
        "ticket": ref.ticket,
        "expired": ref.expired,
        "note": ref.note,
    }


def stale(item: StaleWaiver) -> dict[str, Any]:
    w = item.waiver
    return {
        "rule": w.rule,
        "kind": w.kind,
        "source": w.where,
        "owner": w.owner,
        "reason": w.reason,
        "expires": w.expires_text,
        "note": item.note,
    }


def build(result: CheckResult) -> dict[str, Any]:
    summary = result.summary
    active = result.active_findings
    severities = Counter(f.severity.value for f in active)
    used = result.price_sources()
    return {
        "format": "aicost-report",
        "version": REPORT_VERSION,
        "tool": {"name": "aicost", "version": __version__},
        "verdict": result.verdict,
        "summary": {
            "currency": "USD",
            "monthly_cost": decimal_string(summary.monthly_cost),
            "prior_monthly_cost": decimal_string(summary.prior_monthly_cost),
            "delta_monthly_cost": decimal_string(summary.delta_monthly_cost),
            "hours_per_month": str(summary.hours_per_month),
            "workloads": summary.workloads,
            "priced": summary.priced,
            "unpriced": summary.unpriced,
            "gpus": number(summary.accelerators),
            "findings": {s: severities.get(s, 0) for s in ("error", "warning", "info")},
            "failing": sum(1 for f in active if f.fails),
            "waived": len(result.findings) - len(active),
            "stale_waivers": len(result.stale_waivers),
            "non_ai_resources": sum(result.non_ai.values()),
            "other_resources": sum(result.other.values()),
        },
        "inputs": [
            {"path": i.path, "kind": i.kind, "resources": i.resources} for i in result.inputs
        ],
        "policy": {
            "name": result.policy.name,
            "path": result.policy.path,
            "origin": result.policy.origin,
            "chain": list(result.policy.chain),
            "workspace": result.workspace,
            "today": result.today.isoformat() if result.today else None,
            "gate": result.gate.describe(),
        },
        "pricing": [
            {
                "table": t.id,
                "used": dict(sorted(used.get(t.id, {}).items())),
                "cloud": t.cloud,
                "service": t.service,
                "as_of": t.as_of,
                "currency": t.currency,
                "path": t.path,
                "refreshed": dict(t.refreshed) if t.refreshed else None,
                "sources": [
                    {k: s.get(k) for k in ("id", "date", "origin", "used_for") if k in s}
                    for s in t.sources
                ],
            }
            for t in result.tables
        ],
        "resources": [resource(item) for item in result.workloads],
        "findings": [finding(f) for f in result.findings],
        "warnings": list(result.warnings),
        "stale_waivers": [stale(item) for item in result.stale_waivers],
        "policy_notes": list(result.policy_notes),
    }
