"""Read a report document back: a base-branch report for ``--baseline``, the reports that
``aicost merge`` combines, the report ``aicost comment`` posts.

:func:`load_report` checks the document's identity; :func:`read_baseline` turns it into the
plain values the pipeline compares with (:class:`aicost.pipeline.baseline.Baseline`);
:func:`workload_from` rebuilds a priced workload as the report priced it.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

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
from aicost.core.projects import project_key
from aicost.document import MAX_REPORT_BYTES, REPORT_FORMAT, REPORT_VERSION

if TYPE_CHECKING:  # (imported by read_baseline: reports that only build need neither)
    from aicost.pipeline.baseline import Baseline

T = TypeVar("T")


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
    if version != REPORT_VERSION:
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
    try:
        workload_class = WorkloadClass(str(data.get("workload") or "unknown"))
    except ValueError:
        workload_class = WorkloadClass.UNKNOWN
    tags = data.get("tags") if isinstance(data.get("tags"), dict) else {}
    ai = data.get("ai", True)
    return Deployment(
        cloud=str(data.get("cloud") or ""),
        service=str(data.get("service") or ""),
        region=_typed(data, "region", str),
        instance_type=_typed(data, "instance_type", str),
        accelerator=_accelerator(data.get("accelerator")),
        capacity=_capacity(data.get("capacity")),
        workload_class=workload_class,
        class_reason=str(data.get("workload_reason") or ""),
        purchase_reason=str(data.get("purchase_reason") or ""),
        tags={str(k): str(v) for k, v in (tags or {}).items()},
        ai=ai if isinstance(ai, bool) or ai is None else True,
        min_nodes=_typed(data, "min_nodes", int),
        max_nodes=_typed(data, "max_nodes", int),
        unknown=tuple(str(u) for u in data.get("unknown") or ()),
        notes=tuple(str(n) for n in data.get("notes") or ()),
    )


def _typed(data: Mapping[str, Any], key: str, kind: type[T]) -> T | None:
    value = data.get(key)
    return value if isinstance(value, kind) else None


def _accelerator(raw: Any) -> Accelerator | None:
    if not isinstance(raw, dict) or not raw.get("name"):
        return None
    return Accelerator(
        name=str(raw["name"]),
        count=float(raw.get("count") or 0),
        kind=str(raw.get("kind") or "gpu"),
        memory_gib=_typed(raw, "memory_gib", int),
    )


def _capacity(entries: Any) -> tuple[Capacity, ...]:
    capacity = []
    for entry in entries or ():
        if not isinstance(entry, dict):
            continue
        try:
            option = PurchaseOption(str(entry.get("purchase_option")))
        except ValueError:
            continue
        nodes = entry.get("nodes")
        capacity.append(
            Capacity(
                option,
                nodes if isinstance(nodes, int) else 0,
                _typed(entry, "term_years", int),
                _typed(entry, "payment", str),
            )
        )
    return tuple(capacity)


def severity_counts(items: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    counts = {"error": 0, "warning": 0, "info": 0}
    for item in items:
        severity = str(item.get("severity"))
        counts[severity] = counts.get(severity, 0) + 1
    return counts


def waived(finding: Mapping[str, Any]) -> bool:
    """The finding is silenced by a waiver that has not expired."""
    if "waived" in finding:  # the policy engine's own decision (hard rules, expiry, scope)
        return bool(finding["waived"])
    waiver = finding.get("waiver")
    return isinstance(waiver, dict) and not waiver.get("expired")


def read_baseline(document: Mapping[str, Any], path: str) -> Baseline:
    """The plain values of a base-branch report that the pipeline compares a check with."""
    from aicost.pipeline.baseline import Baseline, BaselineResource

    resources = []
    for resource in _resources(document):
        project, key = resource_key(resource)
        resources.append(
            BaselineResource(
                project=project,
                key=key,
                address=resource.get("address"),
                component=resource.get("component"),
                monthly_cost=monthly(resource),
                workload=workload_from(resource),
            )
        )
    return Baseline(path, project_totals(document), tuple(resources))
