"""Build the canonical JSON report from a check result. Other tools (baselines, PR comments,
``aicost merge``) read this shape back through :mod:`aicost.document.read`.

Money is a decimal string rounded to cents (``"40179.20"``), or null when unpriced.
Resources and projects also carry ``monthly_cost_unrounded`` (full precision), which
baselines and ``aicost merge`` sum, so that totals across reports match a single check.

``projects[]`` has one entry per input (a plan file, or a root module in static mode),
keyed by its path relative to the working directory: baselines (``--baseline``) and
``aicost merge`` match projects by this key, so two workspaces with the same name never
collide.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from aicost import __version__
from aicost.core.model import (
    Accelerator,
    Capacity,
    CostLine,
    Deployment,
    LlmUsage,
    PricedWorkload,
    UnitCosts,
)
from aicost.core.money import cents, decimal_string, plain
from aicost.core.projects import project_key
from aicost.core.sensitive import redact, redact_tree
from aicost.document import REPORT_FORMAT, REPORT_VERSION
from aicost.document.read import money
from aicost.pipeline import CheckResult
from aicost.policy.engine import StaleWaiver
from aicost.policy.finding import Finding, WaiverRef

if TYPE_CHECKING:  # (a check without --baseline never imports the comparison)
    from aicost.pipeline.baseline import Comparison


def number(value: float) -> int | float:
    """Whole counts as integers in JSON (``8``, not ``8.0``)."""
    if type(value) is int:  # (most counts: no float made to ask)
        return value
    return int(value) if float(value).is_integer() else value


#: ``public(name, value)`` of a deployment attribute when the input marks it sensitive.
_MASK = "(sensitive)"


class _Shared:
    """Parts of records built once per object for one document: upstream memos share cost
    lines, unit costs, accelerators and capacity tuples between workloads (221 distinct
    cost lines in the 5,195 of a 5,000-resource plan). Keyed by identity: every object
    outlives the build, which reads it from the check result. The parts are encoded, never
    changed, so records may share them."""

    __slots__ = ("accelerators", "capacity", "lines", "units")

    def __init__(self) -> None:
        self.lines: dict[int, dict[str, Any]] = {}
        self.units: dict[int, dict[str, Any]] = {}
        self.accelerators: dict[int, dict[str, Any]] = {}
        self.capacity: dict[int, list[dict[str, Any]]] = {}

    def cost_lines(self, lines: Sequence[CostLine]) -> list[dict[str, Any]]:
        known = self.lines
        out = []
        for line in lines:
            found = known.get(id(line))
            if found is None:
                found = known[id(line)] = _cost_line(line)
            out.append(found)
        return out

    def unit_costs(self, units: UnitCosts) -> dict[str, Any]:
        found = self.units.get(id(units))
        if found is None:
            found = self.units[id(units)] = _unit_costs(units)
        return found


def _capacity(capacity: Sequence[Capacity]) -> list[dict[str, Any]]:
    out = []
    for c in capacity:
        # (``_value_``: an enum's value without the descriptor call ``.value`` makes)
        slot = {"purchase_option": c.purchase._value_, "nodes": c.nodes, "term_years": c.term_years}
        if c.payment:
            slot["payment"] = c.payment
        out.append(slot)
    return out


def _accelerator(accelerator: Accelerator, name: str | None) -> dict[str, Any]:
    return {
        "name": name,
        "count": number(accelerator.count),
        "kind": accelerator.kind,
        "memory_gib": accelerator.memory_gib,
    }


def _deployment(
    deployment: Deployment | None, shared: _Shared | None = None
) -> dict[str, Any] | None:
    if deployment is None:
        return None
    shared = shared if shared is not None else _Shared()
    accelerator = deployment.accelerator
    nodes = deployment.node_count  # a sum over the capacity: read once
    region, instance_type = deployment.region, deployment.instance_type
    accelerator_name = None if accelerator is None else accelerator.name
    if deployment.sensitive:  # as deployment.public() and accelerator_name show them
        region, instance_type = (
            deployment.public("region", region),
            deployment.public("instance_type", instance_type),
        )
        accelerator_name = deployment.accelerator_name
    capacity = shared.capacity.get(id(deployment.capacity))
    if capacity is None:
        capacity = shared.capacity[id(deployment.capacity)] = _capacity(deployment.capacity)
    accelerator_entry = None
    if accelerator is not None:
        if deployment.sensitive:  # (its name may be masked: not shared)
            accelerator_entry = _accelerator(accelerator, accelerator_name)
        else:
            accelerator_entry = shared.accelerators.get(id(accelerator))
            if accelerator_entry is None:
                accelerator_entry = _accelerator(accelerator, accelerator_name)
                shared.accelerators[id(accelerator)] = accelerator_entry
    entry = {
        "cloud": deployment.cloud,
        "service": deployment.service,
        "region": region,
        "instance_type": instance_type,
        "accelerator": accelerator_entry,
        "nodes": nodes,
        "min_nodes": deployment.min_nodes,
        "max_nodes": deployment.max_nodes,
        "gpus": 0 if accelerator is None else number(accelerator.count * nodes),
        "ai": deployment.ai,
        "purchase_option": deployment.purchase_option,
        "purchase_reason": deployment.purchase_reason,
        "capacity": capacity,
        "workload": deployment.workload_class._value_,
        "workload_reason": deployment.class_reason,
        "tags": dict(sorted(deployment.tags.items())),
        "unknown": list(deployment.unknown),
        "notes": list(deployment.notes),
    }
    # An LLM deployment is described by its model, not by a machine (so every format
    # shows ``azure/gpt-4o`` for it, on either side of a change).
    if deployment.llm is not None:
        entry["llm"] = {"provider": deployment.llm.provider, "model": deployment.llm.model}
    return entry


def exact(amount: Decimal | None) -> str | None:
    """An amount at full precision, so reports can be summed without rounding drift."""
    return None if amount is None else format(amount, "f")


def _cost_line(line: CostLine) -> dict[str, Any]:
    entry = {
        "purchase_option": line.purchase._value_,
        "nodes": line.nodes,
        "hourly_rate": str(line.hourly_rate),
        "monthly": decimal_string(line.monthly),
        "basis": line.basis,
        "table": line.table,
        "priced_as": line.priced_as,
    }
    if line.component:
        entry["component"] = line.component
        entry["quantity"] = str(line.quantity) if line.quantity is not None else None
        entry["unit"] = line.unit
        entry["unit_price"] = str(line.unit_price) if line.unit_price is not None else None
    return entry


def resource(item: PricedWorkload, shared: _Shared | None = None) -> dict[str, Any]:
    shared = shared if shared is not None else _Shared()
    workload = item.workload
    planned = workload.planned
    costing = item.planned_cost or item.prior_cost
    # The amounts are properties that compute: each is read once here.
    monthly, prior = item.monthly_cost, item.prior_monthly_cost
    delta = None if monthly is None or prior is None else monthly - prior
    lines = costing.lines if costing else ()
    planned_side, prior_side = _deployment(planned, shared), _deployment(workload.prior, shared)
    purchase, reasons = _purchase(item, lines, planned_side or prior_side)
    source = workload.source
    entry = {
        "address": workload.address,  # who, where written and the change; then the costs
        "component": workload.component,
        "resource_type": workload.resource_type,
        "project": workload.project,
        "source": {"path": source.path, "kind": source.kind, "line": source.line},
        "action": workload.action._value_,
        "workload": workload.current.workload_class._value_,
        # (the planned side's gpus: number(accelerators_total), computed once)
        "gpus": planned_side["gpus"] if planned_side is not None else 0,
        "monthly_cost": decimal_string(monthly),
        "monthly_cost_unrounded": exact(monthly),
        "prior_monthly_cost": decimal_string(prior),
        "delta_monthly_cost": decimal_string(delta),
        "priced": monthly is not None and prior is not None,
        "unpriced_reason": item.unpriced_reason,
        "purchase": purchase,
        "estimate": bool(reasons),
        "estimate_reasons": list(reasons),
        "cost_lines": shared.cost_lines(lines),
        "cost_notes": list(costing.notes) if costing else [],
        "hours_per_month": str(costing.hours_per_month) if costing else None,
        "planned": planned_side,
        "prior": prior_side,
        # unit costs, run counts, replicas and token volumes (the planned side's, below)
        "unit_costs": shared.unit_costs(item.unit_costs),
        "run_hours": None,
        "runs_per_month": None,
        "replicas": None,
        "llm": None,
        "baseline_monthly_cost": None,  # (set by _resources: here, the dict is sized for it)
    }
    if planned is not None:
        entry["run_hours"] = plain(planned.run_hours)
        entry["runs_per_month"] = plain(planned.runs_per_month)
        if planned.llm is None:
            nodes = planned_side["nodes"] if planned_side is not None else planned.node_count
            entry["replicas"] = {
                "current": nodes,
                "min": planned.min_nodes,
                "max": planned.max_nodes,
            }
        else:
            entry["llm"] = _llm_fields(planned.llm, item.unit_costs)
    return entry


def _unit_costs(units: UnitCosts) -> dict[str, Any]:
    """The ``unit_costs`` of a record."""
    per_request, per_token = units.per_1k_requests, units.per_1k_tokens
    return {
        "per_run": None if units.per_run is None else decimal_string(units.per_run),
        "per_1k_requests": None if per_request is None else str(round(per_request, 4)),
        "per_1k_tokens": None if per_token is None else str(round(per_token, 6)),
        "monthly_at_max_replicas": None
        if units.monthly_at_max is None
        else decimal_string(units.monthly_at_max),
    }


def _purchase(
    item: PricedWorkload, lines: Sequence[CostLine], current: dict[str, Any] | None
) -> tuple[str | None, tuple[str, ...]]:
    """A record's ``purchase`` and ``estimate_reasons``; *current* is the record of the
    workload's current side."""
    if _as_bought(lines):  # no fallback, no estimate: the properties' answers, known
        # (the current side's purchase_option, as its record has it)
        return (current["purchase_option"] if current is not None else None), ()
    return item.purchase_label, item.estimate_reasons


def _as_bought(lines: Sequence[CostLine]) -> bool:
    """No line is priced at another option's rate or estimated: a workload's
    ``purchase_label`` is then its purchase option and its ``estimate_reasons`` empty."""
    return not any(line.priced_as or (line.basis and "estimate:" in line.basis) for line in lines)


def brief_resource(item: PricedWorkload) -> dict[str, Any]:
    """The part of :func:`resource` a report with a line per workload reads (JUnit): who it
    is, the file and line it is written at, the change, its cost and change in cost, and
    each side's machine, nodes and model. Same values as the full record's (a fifth of its
    time on a 5,000-resource plan)."""
    workload = item.workload
    monthly, prior = item.monthly_cost, item.prior_monthly_cost
    delta = None if monthly is None or prior is None else monthly - prior
    source = workload.source
    return {
        "address": workload.address,
        "component": workload.component,
        "project": workload.project,
        "source": {"path": source.path, "line": source.line},
        "action": workload.action._value_,
        "monthly_cost": None if monthly is None else decimal_string(monthly),
        "delta_monthly_cost": None if delta is None else decimal_string(delta),
        "priced": delta is not None,
        "unpriced_reason": item.unpriced_reason,
        "planned": _brief_side(workload.planned),
        "prior": _brief_side(workload.prior),
        "baseline_monthly_cost": None,  # (set by _resources: here, the dict is sized for it)
    }


def _brief_side(deployment: Deployment | None) -> dict[str, Any] | None:
    if deployment is None:
        return None
    instance_type = deployment.instance_type
    if deployment.sensitive:
        instance_type = deployment.public("instance_type", instance_type)
    side: dict[str, Any] = {"instance_type": instance_type, "nodes": deployment.node_count}
    if deployment.llm is not None:
        side["llm"] = {"provider": deployment.llm.provider, "model": deployment.llm.model}
    return side


def _llm_fields(llm: LlmUsage, units: UnitCosts) -> dict[str, Any]:
    """The ``llm`` of a record: an LLM workload's model, tier and monthly volumes."""
    return {
        "provider": llm.provider,
        "model": llm.model,
        "tier": llm.tier,
        "requests_per_month": plain(llm.requests_per_month),
        "input_tokens_per_month": plain(llm.input_per_month),
        "output_tokens_per_month": plain(llm.output_per_month),
        "tokens_per_month": plain(units.tokens_per_month),
        "cached_input_share": plain(llm.cached_input_share),
        "batch_share": plain(llm.batch_share),
        "max_tokens": llm.max_tokens,
        "prompt_caching": llm.caching,
        "deployment_type": llm.deployment_type,
        "service_tier": llm.service_tier,
        "cache_ttl": llm.cache_ttl,
        "provisioned_units": plain(llm.provisioned_units),
    }


def finding(found: Finding, project: str | None = None) -> dict[str, Any]:
    saving, cost = found.monthly_saving, found.monthly_cost
    return {
        "rule": found.rule,
        "type": found.type,
        "severity": found.severity._value_,
        "address": found.address,
        "component": found.component,
        "message": found.message,
        "monthly_saving": None if saving is None else decimal_string(saving),
        "monthly_cost": None if cost is None else decimal_string(cost),
        "remediation": found.remediation,
        "link": found.link,
        "file": found.file,
        "line": found.line,
        "project": project,
        "enforcement": found.enforcement,
        "fails": found.fails,
        "decision": found.decision,
        "new": not found.existing,
        "waived": found.waived,
        "waiver": None if found.waiver is None else waiver(found.waiver),
    }


def brief_finding(found: Finding, project: str | None = None) -> dict[str, Any]:
    """The part of :func:`finding` a report with a line per workload reads (JUnit): the
    rule, what and where it is about, its message and fix, and whether it is waived."""
    return {
        "rule": found.rule,
        "type": found.type,
        "severity": found.severity._value_,
        "address": found.address,
        "component": found.component,
        "message": found.message,
        "remediation": found.remediation,
        "project": project,
        "waived": found.waived,
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


def projects(result: CheckResult) -> list[dict[str, Any]]:
    """Per-project totals: one entry per input, in input order."""
    totals: dict[str, dict[str, Any]] = {}
    for info in result.inputs:
        key = project_key(info.path)
        entry = totals.setdefault(
            key,
            {
                "key": key,
                "path": info.path,
                "kind": info.kind,
                "resources": 0,
                "workloads": 0,
                "unpriced": 0,
                "_monthly": Decimal(0),
                "_prior": Decimal(0),
                "_delta": Decimal(0),
            },
        )
        entry["resources"] += info.resources
    keys: dict[str, str] = {}  # workload project -> key: a few inputs, thousands of workloads
    for item in result.workloads:
        project = item.workload.project
        owner = keys.get(project)
        if owner is None:
            owner = keys[project] = project_key(project)
        found = totals.get(owner)
        if found is None:
            continue
        entry = found
        entry["workloads"] += 1
        # (the amounts read once: priced and delta_monthly_cost would read them again)
        monthly, prior = item.monthly_cost, item.prior_monthly_cost
        if monthly is None or prior is None:
            entry["unpriced"] += 1
            delta = None
        else:
            delta = monthly - prior
        entry["_monthly"] += monthly or 0
        entry["_prior"] += prior or 0
        entry["_delta"] += delta or 0
    out = []
    for entry in totals.values():
        entry["monthly_cost_unrounded"] = exact(entry["_monthly"])
        entry["monthly_cost"] = decimal_string(entry.pop("_monthly"))
        entry["prior_monthly_cost"] = decimal_string(entry.pop("_prior"))
        entry["delta_monthly_cost"] = decimal_string(entry.pop("_delta"))
        out.append(entry)
    return out


def _finding_projects(result: CheckResult) -> dict[tuple[str, str | None], str]:
    owners: dict[tuple[str, str | None], str] = {}
    keys: dict[str, str] = {}  # workload project -> key, asked once per project
    for item in result.workloads:
        workload = item.workload
        key = keys.get(workload.project)
        if key is None:
            key = keys[workload.project] = project_key(workload.project)
        owners.setdefault((workload.address, workload.component), key)
    return owners


def build(
    result: CheckResult,
    *,
    records: bool = True,
    only: Sequence[PricedWorkload] | None = None,
    brief: bool = False,
) -> dict[str, Any]:
    """The report document. Without *records*, ``resources`` and ``projects`` are left empty:
    for formats that list findings only (SARIF, GitHub annotations), which need not build
    a record per workload. With *only*, ``resources`` holds the records of those workloads
    only (a format that shows a few of thousands). With *brief*, each record and
    finding holds only what a one-line-per-workload format reads (:func:`brief_resource`,
    :func:`brief_finding`) and ``projects``, ``pricing`` and ``summary`` are empty: JUnit,
    which lists every workload."""
    owners = _finding_projects(result)
    comparison = result.baseline
    document = {
        "format": REPORT_FORMAT,
        "version": REPORT_VERSION,
        "tool": {"name": "aicost", "version": __version__},
        "verdict": result.verdict,
        "summary": {} if brief else _summary(result),
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
        "pricing": [] if brief else _pricing(result),
        "projects": projects(result) if records and not brief else [],
        "baseline": comparison_document(comparison) if comparison is not None else None,
        "resources": _resources(result, only, brief) if records else [],
        "findings": [
            (brief_finding if brief else finding)(f, owners.get((f.address, f.component)))
            for f in result.findings
        ],
        "warnings": list(result.warnings),
        "stale_waivers": [stale(item) for item in result.stale_waivers],
        "policy_notes": list(result.policy_notes),
    }
    # The net under the mappers' masking: a value the input marks sensitive is shown nowhere.
    return redact_tree(document, result.secrets) if result.secrets else document


def largest_changes(result: CheckResult, limit: int) -> list[int]:
    """Positions in ``result.workloads`` of the *limit* largest changes, unpriced first: the
    records ``view.largest_first`` would pick from the whole document, in its order (it
    orders by the amounts as the records show them: rounded to cents, masked)."""
    secrets = result.secrets

    def shown(amount: Decimal | None) -> Decimal:
        if not secrets:  # the record's amount read back is the amount rounded to cents
            return Decimal(0) if amount is None else cents(amount)
        text = decimal_string(amount)
        if text is not None:
            text = redact(text, secrets)
        return money(text) or Decimal(0)

    if secrets:
        weights = [
            (item.priced, -abs(shown(item.delta_monthly_cost)), -shown(item.monthly_cost))
            for item in result.workloads
        ]
    else:
        weights = [_weight(item.monthly_cost, item.prior_monthly_cost) for item in result.workloads]
    # (``heapq.nsmallest`` is ``sorted(...)[:limit]``, ties in order, without the full sort)
    return heapq.nsmallest(limit, range(len(weights)), key=weights.__getitem__)


_ZERO = Decimal(0)


def _weight(monthly: Decimal | None, prior: Decimal | None) -> tuple[bool, Decimal, Decimal]:
    """:func:`largest_changes`' order of a workload without secrets, from its two amounts read
    once (``priced``, ``delta_monthly_cost`` and ``monthly_cost`` each read them again)."""
    if monthly is None:
        return (False, _ZERO, _ZERO)  # (zeros compare equal whatever their sign)
    if prior is None:
        return (False, _ZERO, -cents(monthly))
    return (True, -abs(cents(monthly - prior)), -cents(monthly))


def has_baseline_costs(result: CheckResult) -> bool:
    """Whether any record would have a ``baseline_monthly_cost``."""
    comparison = result.baseline
    if comparison is None or not comparison.resource_costs:
        return False
    costs = comparison.resource_costs
    return any(
        (project_key(item.workload.project), item.workload.key) in costs
        for item in result.workloads
    )


def records(result: CheckResult, items: Sequence[PricedWorkload]) -> dict[str, Any]:
    """The ``resources`` records of *items* only, and ``pricing``, masked as in :func:`build`:
    for a format that shows a few workloads of thousands (the table)."""
    document = {"pricing": _pricing(result), "resources": _resources(result, items)}
    return redact_tree(document, result.secrets) if result.secrets else document


def _resources(
    result: CheckResult, items: Sequence[PricedWorkload] | None = None, brief: bool = False
) -> list[dict[str, Any]]:
    """A record per workload (or per one of *items*), with its cost in the baseline if it
    was there."""
    comparison = result.baseline
    baseline_costs = comparison.resource_costs if comparison is not None else {}
    resources = []
    shared = _Shared()
    for item in result.workloads if items is None else items:
        entry = brief_resource(item) if brief else resource(item, shared)
        cost = None
        if baseline_costs:  # (without a baseline, no key to build per workload)
            key = (project_key(item.workload.project), item.workload.key)
            cost = decimal_string(baseline_costs[key]) if key in baseline_costs else None
        entry["baseline_monthly_cost"] = cost
        resources.append(entry)
    return resources


def _summary(result: CheckResult) -> dict[str, Any]:
    summary = result.summary
    active = result.active_findings
    severities = Counter(f.severity._value_ for f in active)
    return {
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
    }


def _pricing(result: CheckResult) -> list[dict[str, Any]]:
    """The price tables used, each with the rows it priced and its sources."""
    used = result.price_sources()
    return [
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
    ]


def comparison_document(comparison: Comparison) -> dict[str, Any]:
    """The ``baseline`` section: this check against a base-branch report."""
    return {
        "path": comparison.path,
        "monthly_cost": decimal_string(comparison.baseline_monthly_cost),
        "monthly_cost_after": decimal_string(comparison.monthly_cost_after),
        "delta_monthly_cost": decimal_string(comparison.delta_monthly_cost),
        "projects": [
            {
                "key": p.key,
                "status": p.status,
                "monthly_cost": decimal_string(p.monthly_cost),
                "baseline_monthly_cost": decimal_string(p.baseline_monthly_cost),
                "delta_monthly_cost": decimal_string(p.delta),
            }
            for p in comparison.projects
        ],
        "removed_resources": [dict(r) for r in comparison.removed],
    }
