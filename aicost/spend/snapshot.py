"""Month-to-date AI spend per budget scope, as a small dated JSON file.

``aicost spend snapshot`` (from exports) and ``aicost spend pull`` (from the providers' APIs)
write it; ``aicost check --actuals FILE`` reads it offline. The format::

    {"kind": "aicost-spend-snapshot", "version": 1, "as_of": "2026-12-04",
     "month": "2026-12", "days_elapsed": 4, "days_in_month": 31, "currency": "USD",
     "cost": "EffectiveCost", "source": "focus", "total": "1234.56",
     "tags": {"team": {"vision": "1000.00", "(untagged)": "234.56"}},
     "budgets": {"ml-monthly": "50000.00"}}

``days_elapsed`` counts the days with data in the month, through ``as_of``. Amounts are
decimal strings.

``aicost spend snapshot`` also writes ``gpu_hours``: the daily accelerator-hours of every
instance family and region in the exports, through ``as_of`` (not only this month)::

    "gpu_hours": {"g5": {"us-east-1": {"2026-10-01": "96", "2026-10-02": "96"}}}

which the ``commitment-coverage`` rule's ``usage_history`` reads for its readiness test
(pulls from the providers' cost APIs do not carry it).
"""

from __future__ import annotations

import calendar
import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aicost.spend import queries
from aicost.spend.atomic import write_text
from aicost.spend.ground import InputError, cents

if TYPE_CHECKING:
    import duckdb

KIND = "aicost-spend-snapshot"


@dataclass
class Snapshot:
    as_of: date
    currency: str
    total: Decimal
    tags: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    source: str = "focus"
    cost: str = "EffectiveCost"
    #: budgets the provider holds (name -> monthly amount), where the pull read them
    budgets: dict[str, Decimal] = field(default_factory=dict)
    #: daily accelerator-hours: family -> region -> day -> hours (from exports only)
    gpu_hours: dict[str, dict[str, dict[date, Decimal]]] = field(default_factory=dict)

    @property
    def month(self) -> str:
        return f"{self.as_of.year:04d}-{self.as_of.month:02d}"

    @property
    def days_in_month(self) -> int:
        return calendar.monthrange(self.as_of.year, self.as_of.month)[1]

    @property
    def days_elapsed(self) -> int:
        return self.as_of.day

    def amount(self, tag: str | None = None, values: list[str] | None = None) -> Decimal | None:
        """Month-to-date spend of everything (no tag) or of the given values of *tag*."""
        if tag is None:
            return self.total
        by_value = self.tags.get(tag)
        if by_value is None:
            return None
        return sum((by_value.get(v, Decimal(0)) for v in values or []), Decimal(0))

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": KIND,
            "version": 1,
            "as_of": self.as_of.isoformat(),
            "month": self.month,
            "days_elapsed": self.days_elapsed,
            "days_in_month": self.days_in_month,
            "currency": self.currency,
            "cost": self.cost,
            "source": self.source,
            "total": str(cents(self.total)),
            "tags": {
                tag: {value: str(cents(amount)) for value, amount in sorted(values.items())}
                for tag, values in sorted(self.tags.items())
            },
            "budgets": {name: str(cents(amount)) for name, amount in sorted(self.budgets.items())},
            **({"gpu_hours": self._gpu_hours_json()} if self.gpu_hours else {}),
        }

    def _gpu_hours_json(self) -> dict[str, dict[str, dict[str, str]]]:
        return {
            family: {
                region: {day.isoformat(): _hours(h) for day, h in sorted(days.items())}
                for region, days in sorted(regions.items())
            }
            for family, regions in sorted(self.gpu_hours.items())
        }


def _hours(value: Decimal) -> str:
    text = f"{value.quantize(Decimal('0.000001')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def default_name(snapshot: Snapshot) -> str:
    return f"aicost-actuals-{snapshot.as_of.isoformat()}.json"


def write(snapshot: Snapshot, path: str | Path) -> None:
    write_text(path, json.dumps(snapshot.to_json(), indent=2) + "\n")


def _decimal(value: Any, path: str, where: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InputError(f"{where} must be a decimal amount, found {value!r}", path=path) from None
    if not amount.is_finite():
        raise InputError(f"{where} must be a finite amount", path=path)
    return amount


def read(path: str | Path) -> Snapshot:
    """A snapshot file, checked (one-line errors naming the file and field)."""
    name = str(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("no such file", path=name) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"not a spend snapshot: {exc}", path=name) from None
    if not isinstance(data, dict) or data.get("kind") != KIND:
        raise InputError(f"not a spend snapshot: field kind must be {KIND!r}", path=name)
    if data.get("version") != 1:
        raise InputError("field version: only version 1 is supported", path=name)
    try:
        as_of = date.fromisoformat(str(data.get("as_of")))
    except ValueError:
        raise InputError("field as_of must be a date (YYYY-MM-DD)", path=name) from None
    tags_in = data.get("tags", {})
    if not isinstance(tags_in, dict) or not all(isinstance(v, dict) for v in tags_in.values()):
        raise InputError("field tags must map tag -> value -> amount", path=name)
    tags = {
        str(tag): {
            str(value): _decimal(amount, name, f"field tags.{tag}.{value}")
            for value, amount in values.items()
        }
        for tag, values in tags_in.items()
    }
    budgets_in = data.get("budgets", {})
    if not isinstance(budgets_in, dict):
        raise InputError("field budgets must map name -> amount", path=name)
    gpu_hours = _read_gpu_hours(data.get("gpu_hours", {}), name)
    return Snapshot(
        as_of=as_of,
        currency=str(data.get("currency", "USD")),
        total=_decimal(data.get("total"), name, "field total"),
        tags=tags,
        source=str(data.get("source", "")),
        cost=str(data.get("cost", "EffectiveCost")),
        budgets={str(k): _decimal(v, name, f"field budgets.{k}") for k, v in budgets_in.items()},
        gpu_hours=gpu_hours,
    )


def _read_gpu_hours(value: Any, name: str) -> dict[str, dict[str, dict[date, Decimal]]]:
    shape = "field gpu_hours must map family -> region -> YYYY-MM-DD -> hours"
    if not isinstance(value, dict):
        raise InputError(shape, path=name)
    out: dict[str, dict[str, dict[date, Decimal]]] = {}
    for family, regions in value.items():
        if not isinstance(regions, dict):
            raise InputError(shape, path=name)
        for region, days in regions.items():
            if not isinstance(days, dict):
                raise InputError(shape, path=name)
            series = out.setdefault(str(family), {}).setdefault(str(region), {})
            for day, hours in days.items():
                where = f"field gpu_hours.{family}.{region}.{day}"
                try:
                    when = date.fromisoformat(str(day))
                except ValueError:
                    raise InputError(f"{where}: not a date (YYYY-MM-DD)", path=name) from None
                amount = _decimal(hours, name, where)
                if amount < 0:
                    raise InputError(f"{where} must not be negative", path=name)
                series[when] = amount
    return out


def from_exports(
    con: duckdb.DuckDBPyConnection, as_of: date, currency: str, scope_tags: list[str]
) -> Snapshot:
    """Month-to-date AI spend from the ``ai`` view, per value of each scope tag."""
    first = as_of.replace(day=1).isoformat()
    month = f"ChargeDay >= DATE '{first}' AND ChargeDay <= DATE '{as_of.isoformat()}'"
    row = con.execute(f"SELECT sum(EffectiveCost) FROM ai WHERE {month}").fetchone()
    total = Decimal(0) if row is None or row[0] is None else Decimal(row[0])
    tags: dict[str, dict[str, Decimal]] = {}
    for tag in scope_tags:
        expression = queries.dimension(tag)
        rows = con.execute(
            f"SELECT {expression} AS v, sum(EffectiveCost) FROM ai WHERE {month} GROUP BY v"
        ).fetchall()
        tags[tag] = {str(v): Decimal(c or 0) for v, c in rows}
    return Snapshot(
        as_of=as_of, currency=currency, total=total, tags=tags, gpu_hours=gpu_hours(con, as_of)
    )


def gpu_hours(
    con: duckdb.DuckDBPyConnection, through: date | None = None
) -> dict[str, dict[str, dict[date, Decimal]]]:
    """Daily accelerator-hours per instance family and region, from the ``ai`` view (every
    day of the exports, through *through*)."""
    until = f"AND ChargeDay <= DATE '{through.isoformat()}'" if through else ""
    rows = con.execute(
        "SELECT coalesce(InstanceFamily, '(unknown)'), coalesce(RegionId, '(unknown)'), "
        "ChargeDay, sum(GpuHours) FROM ai WHERE AiKind = 'accelerator' AND GpuHours IS NOT NULL "
        f"AND ChargeDay IS NOT NULL {until} GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    out: dict[str, dict[str, dict[date, Decimal]]] = {}
    for family, region, day, hours in rows:
        series = out.setdefault(str(family), {}).setdefault(str(region), {})
        series[day] = Decimal(str(hours))
    return out
