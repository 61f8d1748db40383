"""Baselines: compare a check with the report of the base branch, across workspaces.

``aicost check PLAN --baseline base.json`` reads a JSON report made on the base branch
(``aicost check ... --format json``, or several merged with ``aicost merge``) and:

* compares each project of this check with the same project in the baseline, matched by
  its key (the input's path relative to the working directory, see
  :func:`aicost.report.document.project_key`). Two workspaces that share a directory name
  (``prod/main`` and ``dev/main``) are different projects, unlike Infracost's
  ``--compare-to``, which matches by name;
* carries over the projects this check does not touch: their workloads, as the baseline
  priced them, count in budgets (a team's spend summed across workspaces) and in the
  total after the change, but no other rule looks at them: a pull request is not failed
  for what it does not change;
* lists resources the baseline had in a compared project that are gone now.

The same reading of report documents serves ``aicost merge`` and ``aicost comment``.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from aicost.core.errors import InputError
from aicost.core.model import (
    Accelerator,
    Action,
    Capacity,
    Costing,
    Deployment,
    PricedWorkload,
    PurchaseOption,
    SourceRef,
    Workload,
    WorkloadClass,
)
from aicost.core.money import decimal_string
from aicost.policy.finding import Finding

REPORT_FORMAT = "aicost-report"
#: Report documents larger than this are refused.
MAX_REPORT_BYTES = 256 * 1024 * 1024


def load_report(path: Path) -> dict[str, Any]:
    """A JSON report written by ``aicost check --format json`` (or ``aicost merge``)."""
    from aicost.sources.base import read_text

    text = read_text(path, max_bytes=MAX_REPORT_BYTES)
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise InputError(f"not an aicost JSON report: invalid JSON ({exc})", path=path) from None
    return check_report(document, path)


def check_report(document: Any, path: Path | str) -> dict[str, Any]:
    if not isinstance(document, dict) or document.get("format") != REPORT_FORMAT:
        raise InputError(
            "not an aicost JSON report (make one with `aicost check ... --format json`)",
            path=path,
        )
    version = document.get("version")
    if version != 1:
        raise InputError(f"aicost report version {version!r} is not supported", path=path)
    for key in ("resources", "findings"):
        if not isinstance(document.get(key, []), list):
            raise InputError(f"not an aicost JSON report: {key} is not a list", path=path)
    return document


def money(value: Any) -> Decimal | None:
    if value is None:
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def monthly(entry: Mapping[str, Any]) -> Decimal | None:
    """An entry's monthly cost, unrounded when the report has it."""
    value = money(entry.get("monthly_cost_unrounded"))
    return value if value is not None else money(entry.get("monthly_cost"))


def project_totals(document: Mapping[str, Any]) -> dict[str, Decimal]:
    """Project key -> projected monthly cost, from ``projects[]`` or else the resources."""
    from aicost.report.document import project_key

    totals: dict[str, Decimal] = {}
    listed = document.get("projects")
    if isinstance(listed, list) and listed:
        for entry in listed:
            if isinstance(entry, dict) and isinstance(entry.get("key"), str):
                totals[entry["key"]] = totals.get(entry["key"], Decimal(0)) + (
                    monthly(entry) or Decimal(0)
                )
        return totals
    for resource in _resources(document):  # reports written before projects[] existed
        key = project_key(str(resource.get("project") or ""))
        totals[key] = totals.get(key, Decimal(0)) + (monthly(resource) or Decimal(0))
    return totals


def _resources(document: Mapping[str, Any]) -> Iterable[dict[str, Any]]:
    return (r for r in document.get("resources") or () if isinstance(r, dict))


def resource_key(resource: Mapping[str, Any]) -> tuple[str, str]:
    from aicost.report.document import project_key

    address = str(resource.get("address") or "")
    component = resource.get("component")
    key = f"{address}#{component}" if component else address
    return project_key(str(resource.get("project") or "")), key


# --------------------------------------------------------------------------- workloads


def workload_from(
    resource: Mapping[str, Any], *, with_prior: bool = False
) -> PricedWorkload | None:
    """A priced workload rebuilt from a report entry (as the baseline priced it).

    By default it is untouched (before = after, as a baseline's carried workloads are);
    *with_prior* keeps the entry's own before side and cost (a merged report's change), so
    that budgets can tell which scopes the change raised."""
    planned = _deployment(resource.get("planned"))
    if planned is None:
        return None
    source = resource.get("source") if isinstance(resource.get("source"), dict) else {}
    line = source.get("line") if isinstance(source, dict) else None
    workload = Workload(
        address=str(resource.get("address") or ""),
        resource_type=str(resource.get("resource_type") or ""),
        source=SourceRef(
            path=str(source.get("path") or "") if isinstance(source, dict) else "",
            kind=str(source.get("kind") or "baseline") if isinstance(source, dict) else "",
            line=line if isinstance(line, int) else None,
        ),
        action=Action.NO_OP,
        prior=planned,
        planned=planned,
        component=resource.get("component") if isinstance(resource.get("component"), str) else None,
        project=str(resource.get("project") or ""),
    )
    costing = Costing(monthly(resource), reason=resource.get("unpriced_reason") or None)
    if with_prior:
        prior = _deployment(resource.get("prior"))
        before = money(resource.get("prior_monthly_cost_unrounded"))
        if before is None:
            before = money(resource.get("prior_monthly_cost"))
        workload = dataclasses.replace(workload, prior=prior)
        prior_cost = Costing(before) if prior is not None else None
        return PricedWorkload(workload=workload, prior_cost=prior_cost, planned_cost=costing)
    return PricedWorkload(workload=workload, prior_cost=costing, planned_cost=costing)


def _deployment(data: Any) -> Deployment | None:
    if not isinstance(data, dict):
        return None
    accelerator = None
    raw = data.get("accelerator")
    if isinstance(raw, dict) and raw.get("name"):
        accelerator = Accelerator(
            name=str(raw["name"]),
            count=float(raw.get("count") or 0),
            kind=str(raw.get("kind") or "gpu"),
            memory_gib=raw.get("memory_gib") if isinstance(raw.get("memory_gib"), int) else None,
        )
    capacity = []
    for entry in data.get("capacity") or ():
        if not isinstance(entry, dict):
            continue
        try:
            option = PurchaseOption(str(entry.get("purchase_option")))
        except ValueError:
            continue
        nodes = entry.get("nodes")
        term = entry.get("term_years")
        capacity.append(
            Capacity(
                option,
                nodes if isinstance(nodes, int) else 0,
                term if isinstance(term, int) else None,
            )
        )
    try:
        workload_class = WorkloadClass(str(data.get("workload") or "unknown"))
    except ValueError:
        workload_class = WorkloadClass.UNKNOWN
    tags = data.get("tags") if isinstance(data.get("tags"), dict) else {}
    ai = data.get("ai", True)
    return Deployment(
        cloud=str(data.get("cloud") or ""),
        service=str(data.get("service") or ""),
        region=data.get("region") if isinstance(data.get("region"), str) else None,
        instance_type=data.get("instance_type")
        if isinstance(data.get("instance_type"), str)
        else None,
        accelerator=accelerator,
        capacity=tuple(capacity),
        workload_class=workload_class,
        class_reason=str(data.get("workload_reason") or ""),
        purchase_reason=str(data.get("purchase_reason") or ""),
        tags={str(k): str(v) for k, v in (tags or {}).items()},
        ai=ai if isinstance(ai, bool) or ai is None else True,
        min_nodes=data.get("min_nodes") if isinstance(data.get("min_nodes"), int) else None,
        max_nodes=data.get("max_nodes") if isinstance(data.get("max_nodes"), int) else None,
        unknown=tuple(str(u) for u in data.get("unknown") or ()),
        notes=tuple(str(n) for n in data.get("notes") or ()),
    )


# --------------------------------------------------------------------------- comparison


@dataclass(frozen=True)
class ProjectComparison:
    key: str
    #: ``changed`` (in this check and the baseline), ``added`` (new), ``unchanged``
    #: (only in the baseline: carried over).
    status: str
    monthly_cost: Decimal
    baseline_monthly_cost: Decimal | None

    @property
    def delta(self) -> Decimal:
        return self.monthly_cost - (self.baseline_monthly_cost or Decimal(0))


@dataclass(frozen=True)
class Comparison:
    """This check against a baseline report."""

    path: str
    baseline_monthly_cost: Decimal
    projects: tuple[ProjectComparison, ...]
    #: Workloads of baseline projects this check does not touch.
    carried: tuple[PricedWorkload, ...] = ()
    #: (project key, workload key) -> monthly cost in the baseline.
    resource_costs: Mapping[tuple[str, str], Decimal] = field(default_factory=dict)
    #: Resources of compared projects that the baseline had and this check does not.
    removed: tuple[Mapping[str, Any], ...] = ()

    @property
    def monthly_cost_after(self) -> Decimal:
        return sum((p.monthly_cost for p in self.projects), Decimal(0))

    @property
    def delta_monthly_cost(self) -> Decimal:
        return self.monthly_cost_after - self.baseline_monthly_cost

    def document(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "monthly_cost": decimal_string(self.baseline_monthly_cost),
            "monthly_cost_after": decimal_string(self.monthly_cost_after),
            "delta_monthly_cost": decimal_string(self.delta_monthly_cost),
            "projects": [
                {
                    "key": p.key,
                    "status": p.status,
                    "monthly_cost": decimal_string(p.monthly_cost),
                    "baseline_monthly_cost": decimal_string(p.baseline_monthly_cost),
                    "delta_monthly_cost": decimal_string(p.delta),
                }
                for p in self.projects
            ],
            "removed_resources": [dict(r) for r in self.removed],
        }


def compare(
    baseline: Mapping[str, Any],
    path: str,
    workloads: Sequence[PricedWorkload],
    project_keys: Sequence[str],
) -> Comparison:
    """Compare priced *workloads* of the projects *project_keys* with *baseline*."""
    from aicost.report.document import project_key

    base_totals = project_totals(baseline)
    head_totals: dict[str, Decimal] = {key: Decimal(0) for key in project_keys}
    head_resources: set[tuple[str, str]] = set()
    for item in workloads:
        key = project_key(item.workload.project)
        head_totals[key] = head_totals.get(key, Decimal(0)) + (item.monthly_cost or Decimal(0))
        head_resources.add((key, item.workload.key))
    projects = [
        ProjectComparison(
            key,
            "changed" if key in base_totals else "added",
            total,
            base_totals.get(key),
        )
        for key, total in head_totals.items()
    ]
    projects += [
        ProjectComparison(key, "unchanged", total, total)
        for key, total in base_totals.items()
        if key not in head_totals
    ]
    carried: list[PricedWorkload] = []
    costs: dict[tuple[str, str], Decimal] = {}
    removed: list[dict[str, Any]] = []
    for resource in _resources(baseline):
        project, key = resource_key(resource)
        cost = monthly(resource)
        if project not in head_totals:
            rebuilt = workload_from(resource)
            if rebuilt is not None:
                carried.append(rebuilt)
            continue
        if cost is not None:
            costs[(project, key)] = cost
        if (project, key) not in head_resources and cost:
            removed.append(
                {
                    "project": project,
                    "address": resource.get("address"),
                    "component": resource.get("component"),
                    "monthly_cost": decimal_string(cost),
                }
            )
    return Comparison(
        path=path,
        baseline_monthly_cost=sum(base_totals.values(), Decimal(0)),
        projects=tuple(projects),
        carried=tuple(carried),
        resource_costs=costs,
        removed=tuple(removed),
    )


def merge_aggregates(
    own: Sequence[Finding], combined: Sequence[Finding], everything: Sequence[PricedWorkload]
) -> list[Finding]:
    """This check's findings, with aggregate ones (budgets) taken from the *combined* run."""
    addresses = {w.workload.address for w in everything}
    kept = [f for f in own if f.address in addresses]
    kept += [f for f in combined if f.address not in addresses]
    kept.sort(key=lambda f: f.sort_key)
    return kept


__all__ = [
    "Comparison",
    "ProjectComparison",
    "check_report",
    "compare",
    "load_report",
    "merge_aggregates",
    "money",
    "monthly",
    "project_totals",
    "resource_key",
    "workload_from",
]
