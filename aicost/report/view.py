"""Reading the JSON report document for the formats that render from it.

Markdown, SARIF, JUnit, GitHub annotations and the compact format render from the
canonical document (:mod:`aicost.report.document`), not from the in-memory result, so
that ``aicost merge`` and ``aicost comment`` can render a report written by another job.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from aicost.core.money import usd
from aicost.document.read import money, severity_counts, waived
from aicost.document.rules import rule_info

Doc = Mapping[str, Any]

__all__ = [
    "amount",
    "change",
    "current",
    "findings",
    "gpus",
    "hardware",
    "headline_delta",
    "label",
    "largest_first",
    "llm_model",
    "money",
    "nodes",
    "planned",
    "pricing_dates",
    "repo_path",
    "resources",
    "rule_info",
    "severity_counts",
    "summary",
    "unit_cost_parts",
    "usd",
    "waived",
    "where",
    "workload_cells",
]


#: Money as the report writes it (rounded to cents), up to 20 digits before the point.
_CENTS_TEXT = re.compile(r"(-?)([0-9]{1,20})\.([0-9]{2})")


def amount(value: Any, *, signed: bool = False, unpriced: str = "unpriced") -> str:
    """A decimal string from the report as ``$1,234.50`` (``unpriced`` for null)."""
    if type(value) is str and (match := _CENTS_TEXT.fullmatch(value)) is not None:
        # What usd(money(value)) writes, without the round trip through Decimal: the text
        # is already in cents (a zero, -0.00 too, has no sign).
        negative, whole, cents = match.groups()
        units = int(whole)
        if not units and cents == "00":
            sign = ""
        elif negative:
            sign = "-"
        else:
            sign = "+" if signed else ""
        return f"{sign}${units:,}.{cents}"
    return usd(money(value), signed=signed, unpriced=unpriced)


def headline_delta(document: Doc) -> Decimal:
    """The monthly change to report: against the baseline when there is one."""
    baseline = document.get("baseline")
    if isinstance(baseline, dict) and baseline.get("delta_monthly_cost") is not None:
        return money(baseline["delta_monthly_cost"]) or Decimal(0)
    return money(summary(document).get("delta_monthly_cost")) or Decimal(0)


def unpriced_note(document: Doc) -> str:
    """`` + N unpriced`` after a headline amount when workloads could not be priced, so an
    unpriced workload never reads as $0 (empty when every workload was priced)."""
    count = int(summary(document).get("unpriced") or 0)
    return f" + {count} unpriced" if count else ""


def summary(document: Doc) -> Mapping[str, Any]:
    value = document.get("summary")
    return value if isinstance(value, dict) else {}


def resources(document: Doc) -> list[Mapping[str, Any]]:
    return [r for r in document.get("resources") or () if isinstance(r, dict)]


def findings(document: Doc) -> list[Mapping[str, Any]]:
    return [f for f in document.get("findings") or () if isinstance(f, dict)]


def subject(finding: Mapping[str, Any]) -> str:
    """``resource: `` before a finding's message, or nothing for an aggregate finding (a
    budget, a delta cap) whose address is its rule id and whose message names it."""
    if finding.get("address") == finding.get("rule"):
        return ""
    return f"{label(finding)}: "


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def label(entry: Mapping[str, Any]) -> str:
    address = str(entry.get("address") or "")
    component = entry.get("component")
    return f"{address} ({component})" if component else address


def current(resource: Mapping[str, Any]) -> Mapping[str, Any]:
    side = resource.get("planned") or resource.get("prior")
    return side if isinstance(side, dict) else {}


def llm_model(deployment: Mapping[str, Any] | None) -> str | None:
    """``provider/model`` of an LLM deployment side, or None for machines."""
    llm = deployment.get("llm") if deployment else None
    if not isinstance(llm, dict):
        return None
    return f"{llm.get('provider')}/{llm.get('model')}"


def hardware(deployment: Mapping[str, Any] | None) -> str:
    """What a side runs on: the machine type, or the model of an LLM deployment."""
    if not deployment:
        return "-"
    model = llm_model(deployment)
    if model is not None:
        return model
    return str(deployment.get("instance_type") or "unknown")


def gpus(deployment: Mapping[str, Any] | None) -> str:
    if not deployment:
        return "-"
    accelerator = deployment.get("accelerator")
    if not isinstance(accelerator, dict) or not accelerator.get("name"):
        return "-"
    total = deployment.get("gpus") or 0
    shown = int(total) if float(total).is_integer() else total
    return f"{shown}× {accelerator['name']}"


def nodes(deployment: Mapping[str, Any] | None) -> str:
    if not deployment or llm_model(deployment) is not None:
        return "-"
    count = deployment.get("nodes")
    if not count and not deployment.get("capacity") and deployment.get("unknown"):
        return "?"  # what it runs is not known (a module static mode cannot read)
    low, high = deployment.get("min_nodes"), deployment.get("max_nodes")
    text = str(count)
    if low is not None and high is not None and (low != count or high != count):
        text += f" ({low}-{high})"
    return text


def planned(resource: Mapping[str, Any]) -> Mapping[str, Any] | None:
    side = resource.get("planned")
    return side if isinstance(side, dict) else None


def workload_cells(resource: Mapping[str, Any]) -> list[str]:
    """One workload as every format lists it: resource, change, class, instance (or model),
    GPUs, nodes, purchase option, with any price fallback (``spot→on-demand``; money is
    formatted by each format)."""
    side = current(resource)
    after = planned(resource)
    return [
        label(resource),
        change(resource),
        str(side.get("workload") or "-"),
        hardware(side),
        gpus(after),
        nodes(after),
        purchase(resource, side),
    ]


def purchase(resource: Mapping[str, Any], side: Mapping[str, Any]) -> str:
    """The purchase cell: the option bought, with any price fallback (``spot→on-demand``),
    and ``(est.)`` when the price is an estimate the fallback does not already say (an
    estimated spot or Windows rate, a SageMaker region priced from EC2's ratios)."""
    bought = str(resource.get("purchase") or side.get("purchase_option") or "-")
    if resource.get("estimate") is True and "→" not in bought:
        return f"{bought} (est.)"
    return bought


def unit_cost_parts(resource: Mapping[str, Any]) -> list[str]:
    """Per run, per 1,000 requests and tokens, and at max replicas (what the report has)."""
    found = resource.get("unit_costs")
    costs: Mapping[str, Any] = found if isinstance(found, dict) else {}
    parts = []
    if costs.get("per_run") is not None:
        parts.append(f"{amount(costs['per_run'])} per run ({resource.get('run_hours')} h)")
    if costs.get("per_1k_requests") is not None:
        parts.append(f"{amount(costs['per_1k_requests'])} per 1,000 requests")
    if costs.get("per_1k_tokens") is not None:
        parts.append(f"${costs['per_1k_tokens']} per 1,000 tokens")
    found = resource.get("replicas")
    replicas: Mapping[str, Any] = found if isinstance(found, dict) else {}
    if costs.get("monthly_at_max_replicas") is not None and replicas.get("max"):
        parts.append(
            f"{amount(costs['monthly_at_max_replicas'])}/month at {replicas['max']} replicas (max)"
        )
    return parts


def change(resource: Mapping[str, Any]) -> str:
    action = str(resource.get("action") or "")
    prior, planned = resource.get("prior"), resource.get("planned")
    if isinstance(prior, dict) and isinstance(planned, dict) and action in ("update", "replace"):
        before, after = hardware(prior), hardware(planned)
        if before != after:
            return f"{action}: {before} → {after}"
        if prior.get("nodes") != planned.get("nodes"):
            return f"{action}: {prior.get('nodes')} → {planned.get('nodes')} nodes"
    return action


def largest_first(items: Sequence[Mapping[str, Any]], limit: int) -> list[Mapping[str, Any]]:
    """All items in report order, or the *limit* with the largest cost change (unpriced first)."""
    if limit <= 0 or len(items) <= limit:
        return list(items)

    def weight(item: Mapping[str, Any]) -> tuple[bool, Decimal, Decimal]:
        delta = money(item.get("delta_monthly_cost")) or Decimal(0)
        monthly = money(item.get("monthly_cost")) or Decimal(0)
        return (bool(item.get("priced")), -abs(delta), -monthly)

    return sorted(items, key=weight)[:limit]


def pricing_dates(document: Doc) -> str:
    """``aws-ec2 as of 2026-01-21 (used: karpenter-2026-07-20, 2 estimated)``."""
    parts = []
    for table in document.get("pricing") or ():
        if not isinstance(table, dict):
            continue
        raw = table.get("used")
        used: Mapping[str, Any] = raw if isinstance(raw, dict) else {}
        named = sorted(str(k) for k in used if k != "estimate")
        if used.get("estimate"):
            named.append(f"{used['estimate']} estimated")
        detail = f" (used: {', '.join(named)})" if named else ""
        parts.append(f"{table.get('table')} as of {table.get('as_of')}{detail}")
    return "; ".join(parts) if parts else "no price table used"


def repo_root() -> Path:
    """Where repository-relative paths start: ``$GITHUB_WORKSPACE``, else the working directory."""
    workspace = os.environ.get("GITHUB_WORKSPACE")
    return Path(workspace) if workspace else Path.cwd()


def repo_path(path: str | None) -> str | None:
    """*path* relative to the repository root with ``/``, or None when it is outside it."""
    if not path:
        return None
    # Reports ask once per finding, for a handful of distinct files.
    return _repo_path(path, os.getcwd(), os.environ.get("GITHUB_WORKSPACE") or None)


def repo_paths() -> Callable[[str | None], str | None]:
    """:func:`repo_path` for one render, which asks per finding: the working directory and
    ``GITHUB_WORKSPACE`` are read once, not once a call."""
    cwd, workspace = os.getcwd(), os.environ.get("GITHUB_WORKSPACE") or None

    def find(path: str | None) -> str | None:
        return _repo_path(path, cwd, workspace) if path else None

    return find


@functools.lru_cache(maxsize=1024)
def _repo_path(path: str, cwd: str, workspace: str | None) -> str | None:
    candidate = Path(path)
    if not candidate.is_absolute():
        candidate = Path(cwd) / candidate
    try:
        relative = Path(os.path.relpath(candidate, Path(workspace) if workspace else Path(cwd)))
    except ValueError:
        return None
    text = relative.as_posix()
    if text.startswith("../") or text == "..":
        return None
    return text


def where(finding: Mapping[str, Any]) -> str | None:
    """``path:line`` of a finding, when known."""
    file = finding.get("file")
    if not file:
        return None
    line = finding.get("line")
    shown = repo_path(str(file)) or str(file)
    return f"{shown}:{line}" if line else shown
