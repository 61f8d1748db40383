"""Sums over a change for budgets and the change cap: before, after, and unpriced counts."""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from aicost.core.model import Deployment
from aicost.policy.context import CheckContext
from aicost.policy.schema import RuleConfig

_ZERO = Decimal(0)

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
        # heapq.nlargest is sorted(..., reverse=True)[:count] without sorting them all.
        return heapq.nlargest(count, self.contributors)

    def largest_changes(self, count: int = 3) -> list[tuple[Decimal, str]]:
        """The workloads that moved the total most, increases first."""
        # The count smallest (-delta, label): labels are unique, so the delta itself is
        # never compared, and the order is sorted()'s.
        moved = [(-delta, label, delta) for label, delta in self.changes.items() if delta]
        return [(delta, label) for _, label, delta in heapq.nsmallest(count, moved)]


def totals(
    ctx: CheckContext, rule: RuleConfig, group: Grouping | None = None
) -> dict[str | None, Totals]:
    """Totals per group (one group, None, without *group*), in first-seen order.

    A deleted or re-tagged workload counts on the side where it matches.
    """
    found: defaultdict[str | None, Totals] = defaultdict(Totals)
    matches = ctx.matcher(rule)  # None: every workload
    for _, workload, prior, planned, cost, before, label, project in ctx.change_rows():
        planned_matches = False
        if planned is not None and (matches is None or matches(workload, planned)):
            planned_matches = True
            key = group(planned) if group else None
            if group is None or key is not None:
                bucket = found[key]
                if cost is None:
                    bucket.unpriced += 1
                    bucket.unpriced_changes += 1
                else:
                    bucket.planned += cost
                    bucket.contributors.append((cost, label))
                    changes = bucket.changes
                    changes[label] = changes.get(label, _ZERO) + cost
                if project:
                    bucket.projects[project] = None
        if prior is not None and (matches is None or matches(workload, prior)):
            key = group(prior) if group else None
            if group is None or key is not None:
                bucket = found[key]
                if before is None:
                    if not (planned_matches and cost is None):
                        bucket.unpriced_changes += 1
                else:
                    bucket.prior += before
                    changes = bucket.changes
                    changes[label] = changes.get(label, _ZERO) - before
    return dict(found)


def contributions(pairs: list[tuple[Decimal, str]], *, signed: bool = False) -> str:
    """``a $1.00, b $2.00`` (``+$1.00``/``-$2.00`` with *signed*)."""
    from aicost.core.money import usd

    return ", ".join(f"{name} {usd(cost, signed=signed)}" for cost, name in pairs)


def unpriced_note(count: int, what: str = "workload") -> str:
    if not count:
        return ""
    return f"; {count} unpriced {what}{'s' if count != 1 else ''} not counted"
