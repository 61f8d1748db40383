"""Clock schedules counted over the reference year, in each recurrence's time zone."""

from __future__ import annotations

from decimal import Decimal

import pytest

from aicost.core.schedules import (
    MAX_FIRES,
    Action,
    NotEvaluable,
    Window,
    cron_windows,
    fires,
    scheduled_actions,
)

OFFICE = [
    Action("0 20 * * MON-FRI", "Europe/Berlin", min_size=0, desired=0),
    Action("0 8 * * MON-FRI", "Europe/Berlin", desired=4),
]


def test_office_hours_are_the_weekdays_of_the_year_over_twelve() -> None:
    # 2026 has 261 weekdays: 261 × 12 h = 3,132 h a year, 261 h a 730-hour month
    outcome = scheduled_actions(OFFICE, min_size=0, max_size=4, desired=4)
    assert outcome.hours_per_node == Decimal("261.00")
    assert (outcome.peak, outcome.floor) == (4, 0)
    assert outcome.node_hours == Decimal("1044.00")


def test_daylight_saving_moves_the_firing_in_utc_not_the_hours() -> None:
    berlin = fires("0 8 * * *", "Europe/Berlin")
    # 08:00 in Berlin is 07:00 UTC in January and 06:00 UTC in July
    assert berlin[0] == 7 * 3600
    assert berlin[181] % 86400 == 6 * 3600
    new_york = scheduled_actions(
        [
            Action("0 22 * * *", "America/New_York", desired=1),
            Action("0 6 * * *", "America/New_York", desired=4),
        ],
        min_size=1,
        max_size=6,
        desired=4,
    )
    # 16 h at 4 and 8 h at 1 every day, whatever the offset: 3 × 16/24 + 1 = 3 nodes average
    assert new_york.node_hours == Decimal("2190.00")
    assert (new_york.peak, new_york.floor) == (4, 1)


def test_the_year_wraps_round_so_new_year_is_what_the_schedule_left() -> None:
    # configured at 4, but a Friday-night action leaves it at 0 over New Year (a Thursday):
    # the first sweep carries the state round, so the 1st and 2nd of January count as 0
    outcome = scheduled_actions(
        [Action("0 20 * * FRI", "UTC", desired=0), Action("0 8 * * MON", "UTC", desired=4)],
        min_size=0,
        max_size=4,
        desired=4,
    )
    weekday_hours = Decimal(4 * 24 * 365 - 4 * 60 * 52) / 12  # 60 h off each weekend
    assert abs(outcome.node_hours - weekday_hours) < 40


def test_a_bound_moved_past_the_desired_size_moves_it() -> None:
    # raising min_size to 3 at 09:00 raises the group to 3 until 17:00 lowers it again
    outcome = scheduled_actions(
        [
            Action("0 9 * * *", "UTC", min_size=3),
            Action("0 17 * * *", "UTC", min_size=1, desired=1),
        ],
        min_size=1,
        max_size=5,
        desired=1,
    )
    assert outcome.node_hours == (Decimal(365 * (3 * 8 + 16)) / 12).quantize(Decimal("0.01"))


def test_keda_windows_take_the_largest_open_request_within_bounds() -> None:
    windows = [
        Window("0 8 * * 1-5", "0 20 * * 1-5", "Europe/Berlin", 3),
        Window("0 12 * * 1-5", "0 14 * * 1-5", "Europe/Berlin", 20),
    ]
    outcome = cron_windows(windows, minimum=1, maximum=10)
    # weekdays: 10 h at 3, 2 h at 10 (capped), 12 h at 1; weekends 1
    expected = (Decimal(261 * (10 * 3 + 2 * 10 + 12)) + Decimal(104 * 24)) / 12
    assert outcome.node_hours == expected.quantize(Decimal("0.01"))
    assert (outcome.peak, outcome.floor) == (10, 1)


@pytest.mark.parametrize(
    ("recurrence", "zone", "why"),
    [
        ("0 18 ? * MON-FRI", "UTC", "not a 5-field Unix cron"),
        ("0 0 18 * * MON-FRI", "UTC", "not a 5-field Unix cron"),
        ("0 0 30 2 *", "UTC", "never fires in 2026"),
        ("0 8 * * *", "Mars/Olympus", "not an IANA time zone"),
        ("* * * * *", "UTC", f"more than {MAX_FIRES:,} times a year"),
        ("0 25 * * *", "UTC", "not a valid cron"),
    ],
)
def test_what_cannot_be_evaluated_says_why(recurrence: str, zone: str, why: str) -> None:
    with pytest.raises(NotEvaluable, match=why):
        fires(recurrence, zone)


def test_a_schedule_that_only_scales_down_is_not_evaluated() -> None:
    with pytest.raises(NotEvaluable, match="no scheduled action scales it back up"):
        scheduled_actions(
            [Action("0 19 * * *", "UTC", desired=0)], min_size=0, max_size=2, desired=2
        )
