"""Whether a commitment (reserved instances, savings plans, committed use) saves money.

A commitment bills **every hour of its term** whether the capacity runs or not; on-demand
bills the hours used. So committing a node pays only when it runs more than the
**break-even utilisation** ``committed rate ÷ on-demand rate`` of the month (a 1-year
reserved rate at 62% of on-demand breaks even at 62% of the hours, about 453 h a month).

What a workload is expected to use comes from its hours per month (a usage file, run
hours × runs per month, a schedule) and its replica range: only the **floor** of an
autoscaling group (its minimum) runs all those hours, so that is what to commit ("reserve N
of M"); a service that scales to zero (KServe ``minReplicas: 0``) has no floor to commit.

:func:`readiness` is the practice's test for buying commitments from usage history: at
least 60 days of data, and week-over-week variance under 20%.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from aicost.core.money import usd

#: The practice's readiness test: days of history, and the week-over-week variance ceiling.
MIN_HISTORY_DAYS = 60
MAX_WEEKLY_VARIANCE = Decimal("0.2")


@dataclass(frozen=True, slots=True)
class Advice:
    """Committing ``floor`` of ``peak`` nodes, against paying on-demand for the hours used."""

    floor: int
    peak: int
    #: Hours a month the floor is expected to run.
    hours: Decimal
    #: Hours a month a commitment bills (the whole month).
    month: Decimal
    on_demand_hourly: Decimal
    committed_hourly: Decimal
    #: Why the floor is what it is ("autoscaling minimum", "scales to zero").
    floor_reason: str = ""

    @property
    def break_even(self) -> Decimal:
        """The share of the month a node must run for the commitment to pay."""
        if self.on_demand_hourly <= 0:
            return Decimal(1)
        return self.committed_hourly / self.on_demand_hourly

    @property
    def utilisation(self) -> Decimal:
        return min(self.hours / self.month, Decimal(1)) if self.month else Decimal(0)

    @property
    def on_demand_cost(self) -> Decimal:
        return self.on_demand_hourly * self.floor * self.hours

    @property
    def committed_cost(self) -> Decimal:
        return self.committed_hourly * self.floor * self.month

    @property
    def saving(self) -> Decimal:
        """Monthly saving of committing the floor: negative when it costs more."""
        return self.on_demand_cost - self.committed_cost

    @property
    def pays(self) -> bool:
        return self.floor > 0 and self.saving > 0

    def describe(self, what: str) -> str:
        """One sentence for a finding; *what* names the commitment (``1-year reserved``)."""
        usage = (
            f"it runs {_hours(self.hours)} h of {_hours(self.month)} a month "
            f"({_pct(self.utilisation)}); {what} breaks even at {_pct(self.break_even)} "
            f"({_hours(self.break_even * self.month)} h)"
        )
        if self.floor <= 0:
            return f"{what} is not advised: {self.floor_reason or 'no steady floor'}"
        if not self.pays:
            extra = -self.saving
            return f"{what} would cost {usd(extra)}/month more than on-demand, not less: {usage}"
        scope = (
            f"reserve {self.floor} of {self.peak} nodes ({self.floor_reason}); "
            if self.floor < self.peak
            else ""
        )
        return f"{scope}{what} saves {usd(self.saving)}/month: {usage}"


def advise(
    *,
    on_demand_hourly: Decimal,
    committed_hourly: Decimal,
    nodes: int,
    min_nodes: int | None,
    max_nodes: int | None,
    hours: Decimal,
    month: Decimal,
    steady_nodes: int | None = None,
) -> Advice:
    """Advice for committing a workload of *nodes* nodes (autoscaling *min_nodes*-*max_nodes*).

    *steady_nodes* is the floor a clock schedule keeps running every hour of the month (an
    ``aws_autoscaling_schedule``, KEDA cron triggers): only those may be committed, and they
    run the whole month whatever the average *hours* of the peak."""
    peak = max(nodes, max_nodes or 0)
    floor = nodes
    reason = ""
    if steady_nodes is not None:
        return _scheduled(
            on_demand_hourly, committed_hourly, min(nodes, steady_nodes), nodes, hours, month
        )
    if min_nodes is not None:
        if min_nodes <= 0:
            floor, reason = 0, "it scales to zero (minimum 0 replicas), so no node runs steadily"
        elif min_nodes < nodes or (max_nodes is not None and min_nodes < max_nodes):
            floor = min(min_nodes, nodes)
            reason = f"the autoscaling minimum runs steadily; the rest, up to {peak}, is peak"
    if floor > 0 and hours <= 0:
        floor, reason = 0, "it is not expected to run"
    return Advice(
        floor=floor,
        peak=peak,
        hours=min(hours, month),
        month=month,
        on_demand_hourly=on_demand_hourly,
        committed_hourly=committed_hourly,
        floor_reason=reason,
    )


def _scheduled(
    on_demand_hourly: Decimal,
    committed_hourly: Decimal,
    floor: int,
    peak: int,
    hours: Decimal,
    month: Decimal,
) -> Advice:
    """Advice under a clock schedule: the scheduled floor runs all month, the rest by the clock."""
    if floor <= 0:
        reason = (
            f"its schedule scales it to zero (it runs {_hours(hours)} of {_hours(month)} h a "
            "month at its peak), so no node runs all month"
        )
    else:
        reason = (
            f"its schedule keeps {floor} running all month; the rest, up to {peak}, by the clock"
        )
    return Advice(
        floor=max(floor, 0),
        peak=peak,
        hours=month,
        month=month,
        on_demand_hourly=on_demand_hourly,
        committed_hourly=committed_hourly,
        floor_reason=reason,
    )


@dataclass(frozen=True, slots=True)
class Readiness:
    ready: bool
    days: int
    #: Largest week-over-week change of weekly usage (0.15 = 15%), None below two weeks.
    weekly_variance: Decimal | None
    reason: str


def readiness(daily: Sequence[tuple[dt.date, Decimal]]) -> Readiness:
    """The readiness test on daily usage (GPU-hours per day): 60+ days, < 20% weekly change."""
    if not daily:
        return Readiness(False, 0, None, "no usage history")
    ordered = sorted(daily)
    first, last = ordered[0][0], ordered[-1][0]
    days = (last - first).days + 1
    weeks: dict[int, Decimal] = {}
    for day, amount in ordered:
        if amount < 0:
            raise ValueError(f"usage on {day.isoformat()} is negative ({amount})")
        weeks[(day - first).days // 7] = weeks.get((day - first).days // 7, Decimal(0)) + amount
    full = [weeks[k] for k in sorted(weeks) if (k + 1) * 7 <= days]
    variance: Decimal | None = None
    for before, after in itertools.pairwise(full):
        if before > 0:
            change = abs(after - before) / before
            variance = change if variance is None else max(variance, change)
        elif after > 0:
            variance = Decimal(1)
    if days < MIN_HISTORY_DAYS:
        return Readiness(
            False, days, variance, f"only {days} days of usage history (needs {MIN_HISTORY_DAYS})"
        )
    if variance is None or variance >= MAX_WEEKLY_VARIANCE:
        shown = _pct(variance) if variance is not None else "unknown"
        return Readiness(
            False,
            days,
            variance,
            f"week-over-week usage varies by up to {shown} (needs under "
            f"{_pct(MAX_WEEKLY_VARIANCE)})",
        )
    return Readiness(
        True,
        days,
        variance,
        f"{days} days of history, week-over-week variance at most {_pct(variance)}",
    )


#: Columns of a usage-history CSV: one row per day, family and region.
HISTORY_COLUMNS = ("date", "family", "region", "gpu_hours")


History = dict[tuple[str, str], list[tuple[dt.date, Decimal]]]


def load_history(path: Path) -> History:
    """Daily GPU-hours per (family, region), from any of:

    * a CSV with the columns ``date, family, region, gpu_hours``;
    * a spend snapshot (``aicost spend snapshot EXPORTS``), whose ``gpu_hours`` are the
      exports' daily accelerator-hours;
    * FOCUS billing exports themselves (a file, a directory or a glob of CSV, CSV.gz or
      Parquet), read by :mod:`aicost.spend` as ``aicost spend`` reads them.

    Bad rows are input errors naming the file and line (or field)."""
    from aicost.core.errors import InputError

    if path.suffix.lower() == ".json":
        return _from_snapshot(path)
    if path.is_file() and path.suffix.lower() == ".csv":
        try:
            header = path.read_text(encoding="utf-8").split("\n", 1)[0]
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read usage history: {exc}", path=path) from exc
        if all(column in header for column in HISTORY_COLUMNS):
            return _from_csv(path)
    from aicost.spend.analysis import gpu_hours_of

    return _flatten(gpu_hours_of([str(path)]))


def _from_snapshot(path: Path) -> History:
    from aicost.core.errors import InputError
    from aicost.spend.snapshot import read

    snapshot = read(path)
    if not snapshot.gpu_hours:
        raise InputError(
            "spend snapshot has no gpu_hours (a pull from a cost API does not carry them): "
            "make it from the exports with `aicost spend snapshot EXPORTS`",
            path=path,
        )
    return _flatten(snapshot.gpu_hours)


def _flatten(grid: dict[str, dict[str, dict[dt.date, Decimal]]]) -> History:
    return {
        (family, region): sorted(days.items())
        for family, regions in grid.items()
        for region, days in regions.items()
    }


def _from_csv(path: Path) -> History:
    import csv

    from aicost.core.errors import InputError

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read usage history: {exc.strerror}", path=path) from exc
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in HISTORY_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(
            f"usage history needs the columns {', '.join(HISTORY_COLUMNS)} "
            f"(missing {', '.join(missing)})",
            path=path,
            line=1,
        )
    out: dict[tuple[str, str], dict[dt.date, Decimal]] = {}
    for number, row in enumerate(reader, start=2):
        try:
            day = dt.date.fromisoformat(str(row["date"]).strip())
            hours = Decimal(str(row["gpu_hours"]).strip())
        except (ValueError, ArithmeticError):
            raise InputError(
                f"date {row['date']!r} or gpu_hours {row['gpu_hours']!r} is not valid",
                path=path,
                line=number,
            ) from None
        if not hours.is_finite() or hours < 0:
            raise InputError(
                f"gpu_hours {row['gpu_hours']!r} must not be negative", path=path, line=number
            )
        key = (str(row["family"]).strip(), str(row["region"]).strip())
        series = out.setdefault(key, {})
        series[day] = series.get(day, Decimal(0)) + hours
    return {key: sorted(series.items()) for key, series in out.items()}


def _pct(value: Decimal) -> str:
    text = f"{value * 100:.1f}".rstrip("0").rstrip(".")
    return f"{text}%"


def _hours(value: Decimal) -> str:
    return f"{value.quantize(Decimal(1)):,}"
