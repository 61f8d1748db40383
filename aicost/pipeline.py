"""The check pipeline, in the order data flows: read → normalise → price → check.

Reports render the :class:`CheckResult`; nothing here prints.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aicost import mappers, sources
from aicost.cost.projection import Pricer, Summary, summarise
from aicost.mappers.base import MapSettings
from aicost.model import PricedWorkload
from aicost.policy.engine import evaluate, verdict
from aicost.policy.finding import Finding
from aicost.policy.loader import Policy
from aicost.pricing.catalog import PriceBook, TableInfo

if TYPE_CHECKING:
    from aicost.baseline import Comparison


@dataclass(frozen=True)
class InputInfo:
    path: str
    kind: str
    resources: int


@dataclass(frozen=True)
class CheckResult:
    inputs: tuple[InputInfo, ...]
    policy: Policy
    workloads: tuple[PricedWorkload, ...]
    findings: tuple[Finding, ...]
    summary: Summary
    tables: tuple[TableInfo, ...]
    #: Resource type -> count of mapped resources that run no AI hardware.
    non_ai: Mapping[str, int]
    #: Resource type -> count of managed resources aicost does not map.
    other: Mapping[str, int]
    warnings: tuple[str, ...]
    #: The comparison with a base-branch report, when ``--baseline`` was given.
    baseline: Comparison | None = None

    @property
    def verdict(self) -> str:
        return verdict(self.findings)

    def price_sources(self) -> dict[str, Counter[str]]:
        """Table id -> how many priced cost lines each source (or ``estimate``) supplied."""
        used: dict[str, Counter[str]] = {}
        for item in self.workloads:
            for costing in (item.prior_cost, item.planned_cost):
                for line in costing.lines if costing else ():
                    basis = "estimate" if line.basis.startswith("estimate") else line.basis
                    used.setdefault(line.table, Counter())[basis] += 1
        return used


def map_settings(policy: Policy) -> MapSettings:
    return MapSettings(
        class_keys=tuple(policy.settings.workload_tags),
        purchase_keys=tuple(policy.settings.purchase_tags),
        name_heuristics=policy.settings.name_heuristics,
    )


def run_check(
    paths: Sequence[Path],
    policy: Policy,
    *,
    book: PriceBook | None = None,
    hours_per_month: Decimal | None = None,
    baseline: tuple[str, Mapping[str, Any]] | None = None,
) -> CheckResult:
    """Read, normalise, price and check *paths*.

    *baseline* is ``(path, report document)`` of a base-branch report: projects are
    compared with it, and aggregate rules (budgets) also count the workloads of the
    baseline's projects that this check does not touch (see :mod:`aicost.baseline`).
    """
    book = book if book is not None else PriceBook()
    hours = hours_per_month if hours_per_month is not None else policy.settings.hours_per_month

    inventories = sources.read_all(paths)
    normalised = mappers.normalise(inventories, book, map_settings(policy))
    pricer = Pricer(book, hours)
    priced = pricer.price(normalised.workloads)
    findings = evaluate(policy, priced, pricer)
    inputs = tuple(InputInfo(i.path, i.kind, len(i.changes)) for i in inventories)

    comparison = None
    if baseline is not None:
        from aicost import baseline as baselines
        from aicost.report.document import project_key

        comparison = baselines.compare(
            baseline[1], baseline[0], priced, [project_key(i.path) for i in inputs]
        )
        if comparison.carried:
            everything = [*priced, *comparison.carried]
            combined = evaluate(policy, everything, pricer)
            findings = baselines.merge_aggregates(findings, combined, everything)

    return CheckResult(
        inputs=inputs,
        policy=policy,
        workloads=tuple(priced),
        findings=tuple(findings),
        summary=summarise(priced, hours),
        tables=tuple(book.used()),
        non_ai=dict(normalised.non_ai),
        other=dict(normalised.other),
        warnings=tuple(normalised.warnings),
        baseline=comparison,
    )
