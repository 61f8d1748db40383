"""How many node-hours a month capacity runs when clock schedules scale it.

Two kinds of schedule change how many nodes (or replicas) run by the clock:

* **scheduled actions** (``aws_autoscaling_schedule``): at each time a cron recurrence
  fires, the group's minimum, maximum and desired size are set; the group stays there until
  the next action (:func:`scheduled_actions`);
* **windows** (KEDA ``cron`` triggers): between a *start* and an *end* recurrence a trigger
  asks for ``desiredReplicas``; the object runs the largest request of the open windows, never
  under its minimum nor over its maximum (:func:`cron_windows`).

Both are evaluated over one **reference year** (2026, 8,760 hours, in UTC; each recurrence
fires in its own time zone, daylight saving included), so weekends, month ends and DST are
counted as they fall, and the result is given per 730-hour month (the year ÷ 12). The year is
swept twice and the second sweep counted, so the size at New Year is what the schedule left
it at, not the configured one. Recurrences are 5-field cron (``0 20 * * MON-FRI``), parsed
by croniter; anything else (a Quartz ``?``, seconds or years, an unknown time zone, a
recurrence firing more than :data:`MAX_FIRES` times a year) raises :class:`NotEvaluable`
with the reason, and callers keep the full month (fail closed).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from aicost.core.calendar import HOURS_PER_MONTH
from aicost.core.calendar import REFERENCE_YEAR as REFERENCE_YEAR  # (re-exported)

#: The year schedules are counted over (8,760 hours: not a leap year).
#: A recurrence that fires more often than this in a year is not evaluated (cost bound).
MAX_FIRES = 3000

_YEAR_START = dt.datetime(REFERENCE_YEAR, 1, 1, tzinfo=dt.UTC)
_YEAR_END = dt.datetime(REFERENCE_YEAR + 1, 1, 1, tzinfo=dt.UTC)
_YEAR_SECONDS = int((_YEAR_END - _YEAR_START).total_seconds())
_PART = r"(\*|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(/[0-9]+)?"
_FIELD = re.compile(rf"^{_PART}(,{_PART})*$")


class NotEvaluable(ValueError):
    """A schedule aicost cannot evaluate; the message says why."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a schedule runs over the month."""

    #: Node-hours in a 730-hour month.
    node_hours: Decimal
    #: The most and fewest nodes running at any time.
    peak: int
    floor: int
    #: The lowest minimum and highest maximum size the schedule sets (for the range shown).
    low: int
    high: int

    @property
    def hours_per_node(self) -> Decimal:
        """Hours a month each of the *peak* nodes runs on average."""
        if self.peak <= 0:
            return Decimal(0)
        return (self.node_hours / self.peak).quantize(Decimal("0.01"))


@dataclass(frozen=True, slots=True)
class Action:
    """A scheduled action: at each firing, set the sizes that are not None."""

    recurrence: str
    zone: str
    min_size: int | None = None
    max_size: int | None = None
    desired: int | None = None


@dataclass(frozen=True, slots=True)
class Window:
    """A KEDA cron trigger: *desired* replicas from each *start* firing to the next *end*."""

    start: str
    end: str
    zone: str
    desired: int


def fires(recurrence: str, zone: str) -> tuple[int, ...]:
    """Seconds from the start of the reference year at which *recurrence* fires in *zone*."""
    return _fires(recurrence.strip(), zone.strip() or "UTC")


@lru_cache(maxsize=256)
def _fires(recurrence: str, zone: str) -> tuple[int, ...]:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from croniter import croniter

    fields = recurrence.split()
    if len(fields) != 5 or not all(_FIELD.match(f) for f in fields):
        raise NotEvaluable(
            f"recurrence {recurrence!r} is not a 5-field Unix cron expression "
            "(minute hour day month weekday, without ? L W #)"
        )
    if not croniter.is_valid(recurrence):
        raise NotEvaluable(f"recurrence {recurrence!r} is not a valid cron expression")
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise NotEvaluable(f"time zone {zone!r} is not an IANA time zone") from None
    found: list[int] = []
    iterator = croniter(recurrence, _YEAR_START.astimezone(tz) - dt.timedelta(seconds=1))
    while True:
        try:
            when = iterator.get_next(dt.datetime)
        except ValueError:  # croniter's errors: no next date, a bad field
            break
        offset = int((when - _YEAR_START).total_seconds())
        if offset >= _YEAR_SECONDS:
            break
        if len(found) >= MAX_FIRES:
            raise NotEvaluable(
                f"recurrence {recurrence!r} fires more than {MAX_FIRES:,} times a year"
            )
        found.append(offset)
    if not found:
        raise NotEvaluable(f"recurrence {recurrence!r} never fires in {REFERENCE_YEAR}")
    return tuple(found)


def _sweep(
    events: Sequence[tuple[int, int]],
    apply: Callable[[int], None],
    count: Callable[[], int],
) -> tuple[int, int, int]:
    """(node-seconds, peak, floor) of the second of two sweeps of the year: *apply(i)* runs
    event *i*, *count()* is the nodes running between events."""
    ordered = sorted(events)
    for _, index in ordered:  # the first sweep only brings the state round to New Year
        apply(index)
    total = 0
    now = 0
    peak = floor = count()
    for when, index in ordered:
        total += count() * (when - now)
        now = when
        apply(index)
        nodes = count()
        peak, floor = max(peak, nodes), min(floor, nodes)
    total += count() * (_YEAR_SECONDS - now)
    return total, peak, floor


def _per_month(node_seconds: int) -> Decimal:
    year_hours = Decimal(node_seconds) / Decimal(3600)
    return (year_hours * HOURS_PER_MONTH / Decimal(8760)).quantize(Decimal("0.01"))


def scheduled_actions(
    actions: Sequence[Action], *, min_size: int, max_size: int, desired: int
) -> Outcome:
    """Node-hours of a group configured at (*min_size*, *max_size*, *desired*) under *actions*.

    The group runs its desired size held within its minimum and maximum, as an AWS Auto
    Scaling group does when an action moves a bound past it."""
    firing = [fires(a.recurrence, a.zone) for a in actions]
    events = [(when, i) for i, found in enumerate(firing) for when in found]
    state = [min_size, max_size, desired]
    low, high = min_size, max_size

    def apply(index: int) -> None:
        nonlocal low, high
        action = actions[index]
        for slot, value in enumerate((action.min_size, action.max_size, action.desired)):
            if value is not None:
                state[slot] = value
        low, high = min(low, state[0]), max(high, state[1])

    def count() -> int:
        return max(state[0], min(state[2], state[1]))

    total, peak, floor = _sweep(events, apply, count)
    if peak == floor and peak < min(desired, max_size):
        raise NotEvaluable(
            f"the schedule sets it to {peak} and no scheduled action scales it back up "
            "(other scaling decides what runs)"
        )
    return Outcome(_per_month(total), peak, floor, low, high)


def cron_windows(
    windows: Sequence[Window], *, minimum: int, maximum: int, idle: int | None = None
) -> Outcome:
    """Replica-hours of an object scaled between *minimum* and *maximum* by cron *windows*
    (with *idle* replicas, KEDA's ``idleReplicaCount``, while no window is open)."""
    events: list[tuple[int, int]] = []
    for i, window in enumerate(windows):
        # an end at the same second as a start closes first, then the start opens
        events.extend((when, 2 * i + 1) for when in fires(window.start, window.zone))
        events.extend((when, 2 * i) for when in fires(window.end, window.zone))
    open_ = [False] * len(windows)

    def apply(index: int) -> None:
        open_[index // 2] = bool(index % 2)

    def count() -> int:
        if idle is not None and not any(open_):
            return idle
        asked = max((w.desired for w, on in zip(windows, open_, strict=True) if on), default=0)
        return min(max(minimum, asked), maximum)

    total, peak, floor = _sweep(events, apply, count)
    return Outcome(_per_month(total), peak, floor, minimum, maximum)


def describe_hours(outcome: Outcome, unit: str = "node") -> str:
    """``1,044 of 2,920 node-hours a month at its peak of 4 (261 of 730 h per node; 0 run
    all month)``: the summary for a workload's notes."""
    return (
        f"{_n(outcome.node_hours)} of {_n(outcome.peak * HOURS_PER_MONTH)} {unit}-hours a month "
        f"at its peak of {outcome.peak} ({_n(outcome.hours_per_node)} of {_n(HOURS_PER_MONTH)} h "
        f"per {unit}; {outcome.floor} run all month)"
    )


def _n(value: Decimal) -> str:
    return f"{value.quantize(Decimal(1)):,}"
