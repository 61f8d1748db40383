"""Team budgets for the budget-burn KPI, from ``--budget TEAM=USD`` or a policy's ``budgets:``.

From a policy file (``--budgets aicost.yaml``), the monthly budgets aicost's budget rule
enforces are read where they name a scope the showback has: ``per_tag`` on the team tag
(its ``limits``, and ``monthly`` for every other team), ``match: {tags: {team: [one]}}``
with ``monthly``, and a budget with no ``match`` (``total``). Other budgets are left out.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from aicost.spend.ground import load_yaml

#: The key of a ``per_tag`` budget's ``monthly``: every team without its own limit.
EVERY_OTHER = "*"


#: More than any bill: refused, as the policy's own budgets are (``aicost check``).
MAX_AMOUNT = Decimal(10) ** 15


def _amount(value: Any) -> Decimal | None:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() and 0 <= amount <= MAX_AMOUNT else None


def _add_limits(
    document: Any, entry: dict[str, Any], where: tuple[str | int, ...], found: dict[str, Decimal]
) -> None:
    """A per-team budget's ``limits``, by team."""
    for team, limit in (entry.get("limits") or {}).items():
        value = _amount(limit)
        if value is None:
            raise document.error("limits must be amounts in USD, at most 1e15", (*where, "limits"))
        found[str(team)] = value


def _add_matched(match: Any, team_tag: str, amount: Decimal, found: dict[str, Decimal]) -> None:
    """A budget with no ``per_tag``: the total when it matches everything, a team's when
    it matches one value of the team tag."""
    tags = match.get("tags") if isinstance(match, dict) else None
    if not match:
        found["total"] = amount
    elif set(match) == {"tags"} and isinstance(tags, dict) and list(tags) == [team_tag]:
        values = tags[team_tag]
        values = values if isinstance(values, list) else [values]
        if len(values) == 1 and str(values[0]) != "*":
            found[str(values[0])] = amount


def from_policy(path: Path, team_tag: str) -> dict[str, Decimal]:
    document = load_yaml(path)
    data = document.data if isinstance(document.data, dict) else {}
    entries = data.get("budgets") or []
    if not isinstance(entries, list):
        raise document.error("budgets must be a list", ("budgets",))
    found: dict[str, Decimal] = {}
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            continue
        where = ("budgets", index)
        monthly = entry.get("monthly")
        amount = _amount(monthly) if monthly is not None else None
        if monthly is not None and amount is None:
            raise document.error(
                "monthly must be an amount in USD, at most 1e15", (*where, "monthly")
            )
        match = entry.get("match") or {}
        if entry.get("per_tag") == team_tag and not match:
            _add_limits(document, entry, where, found)
            if amount is not None:
                found[EVERY_OTHER] = amount
        elif entry.get("per_tag") is None and amount is not None:
            _add_matched(match, team_tag, amount, found)
    return found
