"""How many runs per month a cron schedule (a Kubernetes CronJob's ``schedule``) makes."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from aicost.core.calendar import (
    DAYS_PER_MONTH,
    HOURS_PER_MONTH,
    REFERENCE_YEAR,
    WEEKS_PER_MONTH,
)

_MACROS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
_NAMES = {
    name: index
    for names in (
        ("sun", "mon", "tue", "wed", "thu", "fri", "sat"),
        ("", "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
    )
    for index, name in enumerate(names)
    if name
}


def _values(field: str, low: int, high: int) -> set[int] | None:
    """The values of [low, high] the cron *field* selects; None when unreadable or none."""
    selected: set[int] = set()
    for part in field.split(","):
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            if not step_text.isdigit() or int(step_text) == 0:
                return None
            step = int(step_text)
        if part in ("*", "?"):
            start, end = low, high
        elif "-" in part:
            first, last = part.split("-", 1)
            low_value, high_value = _value(first), _value(last)
            if low_value is None or high_value is None:
                return None
            start, end = low_value, high_value
        else:
            single = _value(part)
            if single is None:
                return None
            start, end = single, (high if step > 1 else single)
        selected.update(v for v in range(start, end + 1, step) if low <= v <= high)
    return selected or None


def _value(text: str) -> int | None:
    text = text.strip().lower()
    if text.isdigit():
        return int(text)
    return _NAMES.get(text[:3])


#: A Go duration, as ``@every`` takes it: ``90s``, ``1h30m``, ``1.5h``.
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")
_SECONDS = {
    "ns": "1e-9",
    "us": "1e-6",
    "µs": "1e-6",
    "ms": "0.001",
    "s": "1",
    "m": "60",
    "h": "3600",
}


def _every(duration: str) -> Decimal | None:
    """Runs per month of ``@every DURATION`` (Kubernetes' cron parser accepts it)."""
    text = duration.strip()
    parts = _DURATION_PART.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        return None
    seconds = sum(Decimal(number) * Decimal(_SECONDS[unit]) for number, unit in parts)
    if seconds <= 0:
        return None
    return (HOURS_PER_MONTH * 3600 / seconds).quantize(Decimal("0.01"))


def runs_per_month(schedule: str) -> Decimal | None:
    """Runs per (730-hour) month of *schedule*, or None when it cannot be read."""
    schedule = schedule.strip()
    if schedule.upper().startswith(("CRON_TZ=", "TZ=")):  # a time zone does not change it
        schedule = schedule.split(None, 1)[1] if len(schedule.split(None, 1)) > 1 else ""
    if schedule.lower().startswith("@every "):
        return _every(schedule[len("@every ") :])
    fields = _MACROS.get(schedule.lower(), schedule).split()
    if len(fields) == 6:  # with seconds
        fields = fields[1:]
    if len(fields) != 5:
        return None
    minute, hour, day, month, weekday = fields
    sets = (
        _values(minute, 0, 59),
        _values(hour, 0, 23),
        _values(day, 1, 31),
        _values(month, 1, 12),
        _values(weekday, 0, 7),  # 0 and 7 are both Sunday
    )
    if any(found is None for found in sets):
        return None
    minutes, hours, days, months, weekdays = (found or set() for found in sets)
    weekdays = {value % 7 for value in weekdays}
    per_day = Decimal(len(minutes) * len(hours))
    if day in ("*", "?"):
        per_month = DAYS_PER_MONTH if weekday in ("*", "?") else len(weekdays) * WEEKS_PER_MONTH
        return (per_day * per_month * len(months) / Decimal(12)).quantize(Decimal("0.01"))
    # A day of the month: counted on the calendar of the reference year, so the 31st runs
    # in seven months, the 30th of February never, and a day-of-week too means either.
    days_a_year = _calendar_days(days, months, None if weekday in ("*", "?") else weekdays)
    return (per_day * days_a_year / Decimal(12)).quantize(Decimal("0.01"))


def _calendar_days(days: set[int], months: set[int], weekdays: set[int] | None) -> int:
    """The days of :data:`REFERENCE_YEAR` in *months* that are one of *days* of the month,
    or (cron's rule when both are given) one of *weekdays* (0 = Sunday)."""
    found = 0
    day = dt.date(REFERENCE_YEAR, 1, 1)
    one = dt.timedelta(days=1)
    while day.year == REFERENCE_YEAR:
        if day.month in months and (
            day.day in days or (weekdays is not None and (day.weekday() + 1) % 7 in weekdays)
        ):
            found += 1
        day += one
    return found
