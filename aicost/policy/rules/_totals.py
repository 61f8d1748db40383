"""Sums over a change for budgets and the change cap: before, after, and unpriced counts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from aicost.core.model import Deployment
from aicost.policy.context import CheckContext
from aicost.policy.schema import RuleConfig

#: Deployment -> group key (a tag value), or None to leave it out.
Grouping = Callable[[Deployment], str | None]


@dataclass
class Totals:
    """Projected monthly cost after the change, before it, and what could not be summed."""

    planned: Decimal = Decimal(0)
    prior: Decimal = Decimal(0)
    #: Workloads (after the change) whose monthly cost is unknown.
    unpriced: int = 0
    #: Workloads whose change in cost is unknown (either side unpriced).
    unpriced_changes: int = 0
    contributors: list[tuple[Decimal, str]] = field(default_factory=list)
    #: Each matching workload's change in monthly cost (after minus before), by label.
    changes: dict[str, Decimal] = field(default_factory=dict)
    #: Projects (input paths) of the matching workloads, in first-seen order.
    projects: dict[str, None] = field(default_factory=dict)

    @property
    def delta(self) -> Decimal:
        return self.planned - self.prior

    def largest(self, count: int = 3) -> list[tuple[Decimal, str]]:
        return sorted(self.contributors, reverse=True)[:count]

    def largest_changes(self, count: int = 3) -> list[tuple[Decimal, str]]:
        """The workloads that moved the total most, increases first."""
        moved = [(delta, label) for label, delta in self.changes.items() if delta]
        return sorted(moved, key=lambda pair: (-pair[0], pair[1]))[:count]


def totals(
    ctx: CheckContext, rule: RuleConfig, group: Grouping | None = None
) -> dict[str | None, Totals]:
    """Totals per group (one group, None, without *group*), in first-seen order."""
    found: dict[str | None, Totals] = {}
    for item, prior_matches, planned_matches in ctx.sides(rule):
        workload = item.workload
        if planned_matches and workload.planned is not None:
            key = group(workload.planned) if group else None
            if group is None or key is not None:
                bucket = found.setdefault(key, Totals())
                cost = item.monthly_cost
                if cost is None:
                    bucket.unpriced += 1
                    bucket.unpriced_changes += 1
                else:
                    bucket.planned += cost
                    bucket.contributors.append((cost, workload.label))
                    bucket.changes[workload.label] = (
                        bucket.changes.get(workload.label, Decimal(0)) + cost
                    )
                if workload.project:
                    bucket.projects[workload.project] = None
        if prior_matches and workload.prior is not None:
            key = group(workload.prior) if group else None
            if group is None or key is not None:
                bucket = found.setdefault(key, Totals())
                before = item.prior_monthly_cost
                if before is None:
                    if not (planned_matches and item.monthly_cost is None):
                        bucket.unpriced_changes += 1
                else:
                    bucket.prior += before
                    bucket.changes[workload.label] = (
                        bucket.changes.get(workload.label, Decimal(0)) - before
                    )
    return found


def contributions(pairs: list[tuple[Decimal, str]], *, signed: bool = False) -> str:
    """``a $1.00, b $2.00`` (``+$1.00``/``-$2.00`` with *signed*)."""
    from aicost.core.money import usd

    return ", ".join(f"{name} {usd(cost, signed=signed)}" for cost, name in pairs)


def unpriced_note(count: int, what: str = "workload") -> str:
    if not count:
        return ""
    return f"; {count} unpriced {what}{'s' if count != 1 else ''} not counted"
