"""Baselines: compare a check with the report of the base branch, across workspaces.

``aicost check PLAN --baseline base.json`` reads a JSON report made on the base branch
(``aicost check ... --format json``, or several merged with ``aicost merge``); the CLI reads
it through :func:`aicost.document.read.read_baseline` into a :class:`Baseline` of plain
values, and the pipeline:

* compares each project of this check with the same project in the baseline, matched by
  its key (the input's path relative to the working directory, see
  :func:`aicost.core.projects.project_key`). Two workspaces that share a directory name
  (``prod/main`` and ``dev/main``) are different projects, unlike Infracost's
  ``--compare-to``, which matches by name;
* carries over the projects this check does not touch: their workloads, as the baseline
  priced them, count in budgets (a team's spend summed across workspaces) and in the
  total after the change, but no other rule looks at them: a pull request is not failed
  for what it does not change;
* lists resources the baseline had in a compared project that are gone now.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from aicost.core.model import PricedWorkload
from aicost.core.money import decimal_string
from aicost.core.projects import project_key
from aicost.policy.finding import Finding


@dataclass(frozen=True)
class BaselineResource:
    """One ``resources[]`` entry of a baseline report."""

    #: Project key and workload key (``address#component``).
    project: str
    key: str
    address: Any
    component: Any
    monthly_cost: Decimal | None
    #: The workload as the baseline priced it (None when the entry has no deployment).
    workload: PricedWorkload | None


@dataclass(frozen=True)
class Baseline:
    """A base-branch report, read into plain values (see :mod:`aicost.document.read`)."""

    path: str
    #: Project key -> projected monthly cost.
    project_totals: Mapping[str, Decimal]
    resources: tuple[BaselineResource, ...] = ()


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


def compare(
    baseline: Baseline,
    workloads: Sequence[PricedWorkload],
    project_keys: Sequence[str],
) -> Comparison:
    """Compare priced *workloads* of the projects *project_keys* with *baseline*."""
    base_totals = baseline.project_totals
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
    for resource in baseline.resources:
        project, key, cost = resource.project, resource.key, resource.monthly_cost
        if project not in head_totals:
            if resource.workload is not None:
                carried.append(resource.workload)
            continue
        if cost is not None:
            costs[(project, key)] = cost
        if (project, key) not in head_resources and cost:
            removed.append(
                {
                    "project": project,
                    "address": resource.address,
                    "component": resource.component,
                    "monthly_cost": decimal_string(cost),
                }
            )
    return Comparison(
        path=baseline.path,
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
