"""Budgets that count actual spend: month-to-date from a spend snapshot plus the projection.

``aicost check --actuals FILE`` reads a snapshot written by ``aicost spend snapshot`` or
``aicost spend pull`` (month-to-date AI spend in total and per value of scope tags). A
budget whose scope the snapshot covers (no ``match``: the total; ``per_tag: T`` or
``match: {tags: {T: [...]}}`` alone: the values of tag T) is then judged on this month:
the actual month-to-date spend, plus the projected monthly cost after the change for the
days of the month that remain (projected × remaining days ÷ days in the month). Budgets
whose match the snapshot cannot answer (other conditions, or a tag it does not break down)
keep the projection alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from aicost.core.money import usd

UNTAGGED = "(untagged)"


class Actuals(Protocol):
    """What the budget rule needs of a spend snapshot (:class:`aicost.spend.snapshot.Snapshot`)."""

    as_of: date
    total: Decimal
    tags: dict[str, dict[str, Decimal]]
    source: str

    @property
    def days_in_month(self) -> int: ...

    @property
    def days_elapsed(self) -> int: ...


@dataclass(frozen=True)
class MonthSplit:
    actual: Decimal
    projected: Decimal
    remaining_days: int
    as_of: date
    source: str

    @property
    def total(self) -> Decimal:
        return self.actual + self.projected

    def describe(self) -> str:
        source = f" ({self.source})" if self.source else ""
        days = f"{self.remaining_days} day{'s' if self.remaining_days != 1 else ''}"
        return (
            f"actual {usd(self.actual)} month-to-date to {self.as_of.isoformat()}{source} "
            f"+ projected {usd(self.projected)} for the remaining {days}"
        )


def _scope(rule: Any, key: str | None) -> tuple[str | None, list[str] | None] | None:
    """(tag, values) of the budget's scope; (None, None) for everything; None if unknown."""
    match = rule.match.model_dump(exclude_defaults=True)
    if rule.per_tag is not None:
        return (rule.per_tag, [key or ""]) if not match else None
    if not match:
        return None, None
    tags = match.get("tags", {})
    if set(match) != {"tags"} or len(tags) != 1:
        return None
    ((tag, values),) = tags.items()
    return tag, [str(v) for v in values if str(v) != "*"]


def month_split(rule: Any, key: str | None, planned: Decimal, actuals: Any) -> MonthSplit | None:
    if actuals is None:
        return None
    scope = _scope(rule, key)
    if scope is None:
        return None
    tag, values = scope
    if tag is None:
        actual = actuals.total
    else:
        by_value = actuals.tags.get(tag)
        if by_value is None:
            return None
        if values:
            actual = sum((by_value.get(v, Decimal(0)) for v in values), Decimal(0))
        else:  # any value: every tagged line
            actual = sum((a for v, a in by_value.items() if v != UNTAGGED), Decimal(0))
    remaining = actuals.days_in_month - actuals.days_elapsed
    projected = planned * remaining / actuals.days_in_month
    return MonthSplit(actual, projected, remaining, actuals.as_of, actuals.source)
