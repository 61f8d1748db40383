"""CronJob runs per month: a day of the month is counted on the reference year's calendar
(the 31st is in seven months, the 30th of February in none), and Sunday is 0 or 7."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aicost.core.calendar import REFERENCE_YEAR
from aicost.pipeline import run_check
from aicost.policy.loader import load_policy
from aicost.sources.cron import runs_per_month
from tests.helpers import DEFAULT_POLICY


@pytest.mark.parametrize(
    ("schedule", "runs"),
    [
        ("0 0 31 * *", "0.58"),  # 7 months have a 31st: 7 runs a year, not 12
        ("0 0 30 * *", "0.92"),  # every month but February
        ("0 0 30 2 *", "0.00"),  # never
        ("0 0 29 2 *", "0.00"),  # 2026 is not a leap year
        ("0 0 28 2 *", "0.08"),
        ("0 0 1 * *", "1.00"),
        ("0 0 * * 1-7", "30.42"),  # Monday to Sunday (7): every day, was unreadable
        ("0 0 * * 0", "4.35"),
        ("0 0 * * 7", "4.35"),  # 7 is Sunday too
        ("0 0 * * 5-7", "13.04"),  # Friday, Saturday, Sunday
        ("0 2 * * *", "30.42"),  # schedules without a day of the month: as before
        ("0 0 * * 1-5", "21.73"),
    ],
)
def test_runs_follow_the_calendar(schedule: str, runs: str) -> None:
    assert runs_per_month(schedule) == Decimal(runs)


def _fires(dom: int, month: int | None, dow: int | None) -> int:
    """Brute force over the reference year, by cron's rule (both given: either)."""
    day, found = dt.date(REFERENCE_YEAR, 1, 1), 0
    while day.year == REFERENCE_YEAR:
        in_month = month is None or day.month == month
        cron_dow = (day.weekday() + 1) % 7
        if in_month and (day.day == dom or (dow is not None and cron_dow == dow)):
            found += 1
        day += dt.timedelta(days=1)
    return found


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 31),
    st.one_of(st.none(), st.integers(1, 12)),
    st.one_of(st.none(), st.integers(0, 6)),
)
def test_a_day_of_the_month_runs_as_often_as_the_year_has_it(
    dom: int, month: int | None, dow: int | None
) -> None:
    schedule = f"0 0 {dom} {'*' if month is None else month} {'*' if dow is None else dow}"
    expected = (Decimal(_fires(dom, month, dow)) / 12).quantize(Decimal("0.01"))
    assert runs_per_month(schedule) == expected


def test_a_cronjob_that_never_fires_says_so(tmp_path: Path) -> None:
    manifest = tmp_path / "cron.yaml"
    manifest.write_text(
        """\
apiVersion: batch/v1
kind: CronJob
metadata: {name: leap-day-eval}
spec:
  schedule: "0 0 30 2 *"
  jobTemplate:
    spec:
      activeDeadlineSeconds: 3600
      template:
        spec:
          nodeSelector: {node.kubernetes.io/instance-type: g6.xlarge}
          containers:
            - name: eval
              resources: {limits: {nvidia.com/gpu: 1}}
""",
        encoding="utf-8",
    )
    (item,) = run_check([manifest], load_policy(DEFAULT_POLICY)).workloads
    planned = item.workload.planned
    assert planned is not None and planned.runs_per_month == 0
    assert item.monthly_cost == 0
    assert any("never runs" in note for note in planned.notes)
