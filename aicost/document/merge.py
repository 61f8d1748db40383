"""Merge the report documents of several workspaces (a CI matrix) into one document.

Projects are kept by their key (the input path), so two workspaces with the same directory
name stay apart; the same project in two reports is an error. Money is summed as decimals
(the unrounded amounts when the reports have them), never as floats. :func:`recompute`
compares the merged document with a base-branch report and re-runs the rules about many
workloads at once (budgets) over every merged workspace.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from aicost import __version__
from aicost.core.errors import UsageError
from aicost.core.money import decimal_string
from aicost.core.projects import project_key
from aicost.document import REPORT_FORMAT, REPORT_VERSION
from aicost.document.read import (
    money,
    monthly,
    project_totals,
    read_baseline,
    resource_key,
    severity_counts,
    waived,
    workload_from,
)


def _sum(values: Sequence[Any]) -> Decimal:
    return sum((money(v) or Decimal(0) for v in values), Decimal(0))


def _projects(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    listed = document.get("projects")
    if isinstance(listed, list) and listed:
        return [dict(p) for p in listed if isinstance(p, dict)]
    return [  # a report written before projects[] existed
        {"key": key, "path": key, "kind": None, "monthly_cost": decimal_string(total)}
        for key, total in project_totals(document).items()
    ]


def merge(documents: Sequence[tuple[str, Mapping[str, Any]]]) -> dict[str, Any]:
    """One report from several; money is summed as decimals, never as floats."""
    if not documents:
        raise UsageError("no reports to merge")
    parts = _Parts()
    for path, document in documents:
        parts.add(path, document)
    projects, findings, policies = parts.projects, parts.findings, parts.policies
    merged: dict[str, Any] = {
        "format": REPORT_FORMAT,
        "version": REPORT_VERSION,
        "tool": {"name": "aicost", "version": __version__},
        "verdict": "fail" if "fail" in parts.verdicts else "pass",
        "summary": _summary([d.get("summary") or {} for _, d in documents], projects, findings),
        "inputs": parts.inputs,
        "policy": policies[0] if policies else None,
        "pricing": list(parts.pricing.values()),
        "projects": projects,
        "baseline": _merged_baseline(documents, projects),
        "resources": parts.resources,
        "findings": findings,
        "warnings": parts.warnings,
        "merged_from": [path for path, _ in documents],
    }
    if len(policies) > 1:
        merged["policies"] = policies
    return merged


@dataclass
class _Parts:
    """The lists of several documents, combined: projects (each once), findings (without
    duplicates), price tables (their use counts summed), policies."""

    seen: dict[str, str] = field(default_factory=dict)
    projects: list[dict[str, Any]] = field(default_factory=list)
    resources: list[Any] = field(default_factory=list)
    findings: list[Any] = field(default_factory=list)
    finding_keys: set[str] = field(default_factory=set)
    inputs: list[Any] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    pricing: dict[str, dict[str, Any]] = field(default_factory=dict)
    policies: list[dict[str, Any]] = field(default_factory=list)
    verdicts: list[Any] = field(default_factory=list)

    def add(self, path: str, document: Mapping[str, Any]) -> None:
        for project in _projects(document):
            key = str(project.get("key"))
            if key in self.seen:
                raise UsageError(
                    f"project {key!r} is in both {self.seen[key]} and {path}; "
                    "each workspace must be checked once"
                )
            self.seen[key] = path
            self.projects.append(project)
        self.resources.extend(document.get("resources") or ())
        for found in document.get("findings") or ():
            marker = json.dumps(found, sort_keys=True)
            if marker not in self.finding_keys:
                self.finding_keys.add(marker)
                self.findings.append(found)
        self.inputs.extend(document.get("inputs") or ())
        self.warnings.extend(w for w in document.get("warnings") or () if w not in self.warnings)
        self.add_pricing(document)
        policy = document.get("policy")
        if isinstance(policy, dict) and policy not in self.policies:
            self.policies.append(policy)
        self.verdicts.append(document.get("verdict"))

    def add_pricing(self, document: Mapping[str, Any]) -> None:
        for table in document.get("pricing") or ():
            if not isinstance(table, dict):
                continue
            entry = self.pricing.setdefault(str(table.get("table")), {**table, "used": {}})
            for source, count in (table.get("used") or {}).items():
                entry["used"][source] = entry["used"].get(source, 0) + int(count)


def _summary(
    summaries: Sequence[Mapping[str, Any]],
    projects: Sequence[Mapping[str, Any]],
    findings: Sequence[Any],
) -> dict[str, Any]:
    """The merged ``summary``: the exact project totals when every report has them."""
    exact_total = None
    if all("monthly_cost_unrounded" in p for p in projects):
        exact_total = sum((monthly(p) or Decimal(0) for p in projects), Decimal(0))

    def total(key: str) -> Any:
        return sum(int(s.get(key) or 0) for s in summaries)

    gpus = float(sum(float(s.get("gpus") or 0) for s in summaries))
    return {
        "currency": "USD",
        "monthly_cost": decimal_string(
            exact_total
            if exact_total is not None
            else _sum([s.get("monthly_cost") for s in summaries])
        ),
        "prior_monthly_cost": decimal_string(
            _sum([s.get("prior_monthly_cost") for s in summaries])
        ),
        "delta_monthly_cost": decimal_string(
            _sum([s.get("delta_monthly_cost") for s in summaries])
        ),
        "hours_per_month": summaries[0].get("hours_per_month", "730"),
        "workloads": total("workloads"),
        "priced": total("priced"),
        "unpriced": total("unpriced"),
        "gpus": int(gpus) if gpus.is_integer() else gpus,
        "findings": severity_counts(f for f in findings if isinstance(f, dict)),
        "non_ai_resources": total("non_ai_resources"),
        "other_resources": total("other_resources"),
    }


def _merged_baseline(
    documents: Sequence[tuple[str, Mapping[str, Any]]], projects: Sequence[Mapping[str, Any]]
) -> dict[str, Any] | None:
    """Combine the baseline sections of matrix jobs that compared with the same base report.

    A project checked by any job is compared with its baseline cost; a baseline project no
    job checked is carried over unchanged.
    """
    sections: list[Mapping[str, Any]] = [
        section for _, d in documents if isinstance(section := d.get("baseline"), dict)
    ]
    if not sections:
        return None
    base_costs: dict[str, Decimal | None] = {}
    removed: list[Any] = []
    for section in sections:
        for entry in section.get("projects") or ():
            if isinstance(entry, dict):
                key = str(entry.get("key"))
                cost = money(entry.get("baseline_monthly_cost"))
                if cost is not None or key not in base_costs:
                    base_costs[key] = cost
        removed.extend(section.get("removed_resources") or ())
    compared: list[dict[str, Any]] = []
    checked = set()
    for project in projects:
        key = str(project.get("key"))
        checked.add(key)
        head = monthly(project) or Decimal(0)
        base = base_costs.get(key)
        compared.append(
            {
                "key": key,
                "status": "changed" if base is not None else "added",
                "monthly_cost": decimal_string(head),
                "baseline_monthly_cost": decimal_string(base),
                "delta_monthly_cost": decimal_string(head - (base or Decimal(0))),
            }
        )
    for key, base in base_costs.items():
        if key not in checked:
            compared.append(
                {
                    "key": key,
                    "status": "unchanged",
                    "monthly_cost": decimal_string(base or Decimal(0)),
                    "baseline_monthly_cost": decimal_string(base),
                    "delta_monthly_cost": "0.00",
                }
            )
    base_total = money(sections[0].get("monthly_cost")) or Decimal(0)
    after = _sum([e["monthly_cost"] for e in compared])
    return {
        "path": sections[0].get("path"),
        "monthly_cost": decimal_string(base_total),
        "monthly_cost_after": decimal_string(after),
        "delta_monthly_cost": decimal_string(after - base_total),
        "projects": compared,
        "removed_resources": removed,
    }


def _fails(found: Mapping[str, Any]) -> bool:
    """Whether a finding fails the gate: the policy engine's decision when the report has it
    (enforcement, waivers, --fail-on and --soft-fail were applied when it was made), else an
    error that no live waiver silences and that the policy does not mark advisory."""
    if isinstance(found.get("fails"), bool):
        return bool(found["fails"])
    return (
        found.get("severity") == "error"
        and not waived(found)
        and found.get("enforcement") != "advisory"
    )


def recompute(
    merged: dict[str, Any],
    *,
    baseline: tuple[str, Mapping[str, Any]] | None,
    policy_path: Path | None,
) -> dict[str, Any]:
    """Compare with *baseline* and re-run aggregate rules over all merged workspaces."""
    from aicost.document.build import comparison_document
    from aicost.pipeline.baseline import compare

    rebuilt = [
        w for w in (workload_from(r, with_prior=True) for r in merged["resources"]) if w is not None
    ]
    carried: list[Any] = []
    if baseline is not None:
        keys = [str(p.get("key")) for p in merged["projects"]]
        comparison = compare(read_baseline(baseline[1], baseline[0]), rebuilt, keys)
        merged["baseline"] = comparison_document(comparison)
        carried = list(comparison.carried)
        for resource in merged["resources"]:
            key = (
                project_key(str(resource.get("project") or "")),
                resource_key(resource)[1],
            )
            cost = comparison.resource_costs.get(key)
            resource["baseline_monthly_cost"] = decimal_string(cost) if cost is not None else None
    if policy_path is not None:
        from aicost.cost.projection import Pricer
        from aicost.document.build import finding
        from aicost.policy.engine import evaluate
        from aicost.policy.loader import load_policy
        from aicost.pricing.catalog import PriceBook

        policy = load_policy(policy_path)
        everything = [*rebuilt, *carried]
        addresses = {str(r.get("address")) for r in merged["resources"] if isinstance(r, dict)}
        fresh = [
            finding(f)
            for f in evaluate(policy, everything, Pricer(PriceBook()))
            if f.address not in {w.workload.address for w in everything}
        ]
        kept = [f for f in merged["findings"] if str(f.get("address")) in addresses]
        merged["findings"] = kept + fresh
        merged["summary"]["findings"] = severity_counts(merged["findings"])
        merged["verdict"] = "fail" if any(_fails(f) for f in merged["findings"]) else "pass"
    return merged
