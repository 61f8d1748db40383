"""How old a price table is, and the warning ``check`` gives when it is past its age limit.

A table's ``as_of`` is the date of its oldest observed source (``2026-01-21``; a month or a
year counts from its first day, so a partial date never looks fresher than it is). The
limit is ``settings.price_max_age_days`` in the policy (default 90), ``--max-price-age`` on
the command line, or ``$AICOST_PRICING_MAX_AGE_DAYS``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aicost.pricing.catalog import TableInfo

DEFAULT_MAX_AGE_DAYS = 90


def table_date(as_of: str) -> dt.date | None:
    """``2026-01-21``, ``2026-01`` or ``2026`` (counted from the start of the period)."""
    for fmt in ("%Y-%m-%d", "%Y-%m", "%Y"):
        try:
            return dt.datetime.strptime(as_of[: len(fmt) + 2], fmt).date()
        except ValueError:
            continue
    return None


@dataclass(frozen=True, slots=True)
class StaleTable:
    table: str
    cloud: str
    as_of: str
    age_days: int | None

    def warning(self) -> str:
        age = f"{self.age_days} days old" if self.age_days is not None else "of unknown age"
        refresh = (
            f"aicost pricing refresh {self.cloud}" if self.cloud != "llm" else "a newer aicost"
        )
        return f"price table {self.table} is {age} (as of {self.as_of}); run {refresh}"


def stale_tables(
    tables: Iterable[TableInfo], today: dt.date, max_age_days: int
) -> list[StaleTable]:
    """The tables older than *max_age_days* on *today*, oldest first."""
    found: list[StaleTable] = []
    for info in tables:
        date = table_date(info.as_of)
        age = (today - date).days if date is not None else None
        if age is None or age > max_age_days:
            found.append(StaleTable(info.id, info.cloud, info.as_of, age))
    return sorted(found, key=lambda s: (-(s.age_days or 10**6), s.table))


def shipped_dates() -> list[tuple[str, str, str]]:
    """(table id, as_of, path) of every table ``check`` would read, without parsing the
    tables (``aicost --version`` stays fast): the top-level keys are found by pattern."""
    import re

    from aicost.pricing import TABLES, default_directories

    key = re.compile(r'"(table|as_of)":\s*"([^"]*)"')
    found: list[tuple[str, str, str]] = []
    for relative in sorted(set(TABLES.values())):
        for directory in default_directories():
            path = directory / relative
            if not path.is_file():
                continue
            try:
                text = path.read_text(encoding="utf-8")
            except OSError:
                break
            fields: dict[str, str] = {}
            for match in key.finditer(text):
                fields.setdefault(match.group(1), match.group(2))
                if len(fields) == 2:
                    break
            found.append((fields.get("table", relative), fields.get("as_of", "?"), str(path)))
            break
    return found
