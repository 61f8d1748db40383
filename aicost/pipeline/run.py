"""The check pipeline, in the order data flows: read → normalise → price → check.

Reports render the :class:`CheckResult`; nothing here prints.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from aicost import mappers, sources
from aicost.core import texts
from aicost.core.model import PricedWorkload, Workload
from aicost.core.projects import project_key
from aicost.cost.estimate import apply as apply_estimates
from aicost.cost.projection import Pricer, Summary, summarise
from aicost.mappers import Normalised
from aicost.mappers.base import MapSettings
from aicost.mappers.usage import apply as apply_usage
from aicost.policy.engine import EvalOptions, StaleWaiver, verdict
from aicost.policy.engine import run as evaluate_policy
from aicost.policy.finding import Finding
from aicost.policy.gate import Gate
from aicost.policy.loader import Policy
from aicost.pricing.catalog import PriceBook, TableInfo
from aicost.pricing.freshness import stale_tables
from aicost.sources.usage import Usage

if TYPE_CHECKING:  # imported when a check has a --baseline
    from aicost.pipeline.baseline import Baseline, Comparison


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
    #: Waivers that covered no finding in this run.
    stale_waivers: tuple[StaleWaiver, ...] = ()
    #: Policy notices: waivers expiring soon, and the like.
    policy_notes: tuple[str, ...] = ()
    workspace: str = "default"
    today: dt.date | None = None
    gate: Gate = field(default_factory=Gate)
    #: The comparison with a base-branch report, when ``--baseline`` was given.
    baseline: Comparison | None = None
    #: Strings the inputs mark sensitive; every report masks them wherever they appear.
    secrets: frozenset[str] = frozenset()

    @property
    def verdict(self) -> str:
        return verdict(self.findings)

    @property
    def active_findings(self) -> tuple[Finding, ...]:
        """Findings not silenced by a valid waiver (expired waivers do not silence)."""
        return tuple(f for f in self.findings if not f.waived)

    @property
    def waived_findings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.waived)

    def price_sources(self) -> dict[str, Counter[str]]:
        """Table id -> how many priced cost lines each source (or ``estimate``) supplied."""
        counts: Counter[tuple[str, str]] = Counter()
        for item in self.workloads:
            for costing in (item.prior_cost, item.planned_cost):
                if costing is not None:
                    counts.update((line.table, line.basis) for line in costing.lines)
        used: dict[str, Counter[str]] = {}
        for (table, basis), count in counts.items():
            key = "estimate" if basis.startswith("estimate") else basis
            used.setdefault(table, Counter())[key] += count
        return used


def map_settings(policy: Policy) -> MapSettings:
    return MapSettings(
        class_keys=tuple(policy.settings.workload_tags),
        purchase_keys=tuple(policy.settings.purchase_tags),
        name_heuristics=policy.settings.name_heuristics,
        clusters=tuple(policy.settings.clusters),
        account_tags=tuple(
            (key, tuple(tags.items())) for key, tags in policy.settings.account_tags.items()
        ),
        resource_tags=tuple(
            (key, tuple(tags.items())) for key, tags in policy.settings.resource_tags.items()
        ),
    )


def run_check(
    paths: Sequence[Path],
    policy: Policy,
    *,
    book: PriceBook | None = None,
    hours_per_month: Decimal | None = None,
    usage: Usage | None = None,
    options: EvalOptions | None = None,
    baseline: Baseline | None = None,
    ignore_unknown: bool = False,
    max_price_age_days: int | None = None,
) -> CheckResult:
    """Read, normalise, price and check *paths*.

    *baseline* is a base-branch report read into plain values: projects are compared with
    it, and aggregate rules (budgets) also count the workloads of the baseline's projects
    that this check does not touch (see :mod:`aicost.pipeline.baseline`).
    """
    book = book if book is not None else PriceBook()
    hours = hours_per_month if hours_per_month is not None else policy.settings.hours_per_month

    normalised, inputs, workloads = _workloads(paths, book, policy, usage, ignore_unknown)
    pricer = Pricer(book, hours)
    priced = pricer.price(workloads)
    evaluation = evaluate_policy(policy, priced, pricer, options)
    findings = list(evaluation.findings)
    if any(w.planned is not None and w.planned.llm is not None for w in workloads):
        from aicost.pricing.tokens import retirement_warnings  # LLM token prices: ~3 ms

        normalised.warnings.extend(retirement_warnings(book, priced, evaluation.today))

    comparison = None
    if baseline is not None:
        comparison = _compare(baseline, priced, inputs)
        findings = _with_carried(comparison, findings, priced, policy, pricer, options)

    limit = (
        max_price_age_days if max_price_age_days is not None else policy.settings.price_max_age_days
    )
    stale = stale_tables(book.used(), evaluation.today, limit)
    normalised.warnings.extend(s.warning() for s in stale)

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
        stale_waivers=tuple(evaluation.stale_waivers),
        policy_notes=tuple(evaluation.notes),
        workspace=evaluation.workspace,
        today=evaluation.today,
        gate=evaluation.gate,
        baseline=comparison,
        secrets=frozenset(normalised.secrets),
    )


def _compare(
    baseline: Baseline, priced: Sequence[PricedWorkload], inputs: Sequence[InputInfo]
) -> Comparison:
    from aicost.pipeline.baseline import compare  # only a check with --baseline needs it

    return compare(baseline, priced, [project_key(i.path) for i in inputs])


def _with_carried(
    comparison: Comparison,
    findings: list[Finding],
    priced: Sequence[PricedWorkload],
    policy: Policy,
    pricer: Pricer,
    options: EvalOptions | None,
) -> list[Finding]:
    """*findings*, with aggregate rules (budgets) also counting the baseline's untouched
    projects when the comparison carried any."""
    if not comparison.carried:
        return findings
    everything = [*priced, *comparison.carried]
    combined = evaluate_policy(policy, everything, pricer, options)
    from aicost.pipeline.baseline import merge_aggregates

    return merge_aggregates(findings, combined.findings, everything)


def _workloads(
    paths: Sequence[Path],
    book: PriceBook,
    policy: Policy,
    usage: Usage | None,
    ignore_unknown: bool,
) -> tuple[Normalised, tuple[InputInfo, ...], list[Workload]]:
    """Read and normalise *paths*; apply the usage file and run-length estimates."""
    skipped: list[str] = []
    texts.forget()  # the texts of an earlier check in this process (tests, policy test)
    inventories = sources.read_all(paths, ignore_unknown=ignore_unknown, skipped=skipped)
    normalised = mappers.normalise(inventories, book, map_settings(policy))
    inputs = tuple(InputInfo(i.path, i.kind, len(i.changes)) for i in inventories)
    # Workloads keep what they need: the parsed inputs (most of a large plan's memory) go.
    del inventories
    workloads, usage_warnings = apply_usage(normalised.workloads, usage)
    normalised.warnings.extend(usage_warnings)
    workloads, estimate_warnings = apply_estimates(workloads)
    normalised.warnings.extend(estimate_warnings)
    normalised.warnings.extend(f"{path}: skipped, not an input aicost reads" for path in skipped)
    return normalised, inputs, workloads
