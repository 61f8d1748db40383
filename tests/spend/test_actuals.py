"""Snapshots of month-to-date spend, and budgets in `aicost check --actuals` that count them."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from aicost.cli import main
from aicost.policy.rules import budget
from aicost.policy.rules._actuals import month_split
from aicost.spend.snapshot import Snapshot, read, write

PLAN = Path(__file__).parent.parent / "fixtures" / "plans" / "aws_over_budget.json"
PLANNED = Decimal("241075.20")  # the plan's p5 group, per month


def test_snapshot_from_exports(
    scenario: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "actuals.json"
    assert (
        main(
            [
                "spend",
                "snapshot",
                str(scenario),
                "--scope-tag",
                "team",
                "--scope-tag",
                "use-case",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert "month-to-date" in capsys.readouterr().out
    data = json.loads(out.read_text())
    assert (data["as_of"], data["month"], data["days_elapsed"], data["days_in_month"]) == (
        "2026-11-09",
        "2026-11",
        9,
        30,
    )
    # November 1-9: vision $100/day, search $10 (1st, 2nd), $30 (3rd-8th) and $90 (9th),
    # chat $3/day, the untagged notebook $5/day from the 3rd
    assert data["tags"]["team"]["vision"] == "900.00"
    assert data["tags"]["team"]["search"] == "290.00"
    assert data["tags"]["team"]["chat"] == "27.00"
    assert data["tags"]["team"]["(untagged)"] == "35.00"
    assert data["total"] == "1252.00"
    assert data["tags"]["use-case"]["training"] == "900.00"
    assert read(out).total == Decimal("1252.00")


def policy(tmp_path: Path, monthly: int) -> Path:
    path = tmp_path / "aicost.yaml"
    path.write_text(f"version: 1\nname: t\nbudgets:\n  - name: ml\n    monthly: {monthly}\n")
    return path


def actuals(tmp_path: Path, total: str, as_of: date = date(2026, 11, 20)) -> Path:
    path = tmp_path / "actuals.json"
    write(
        Snapshot(
            as_of=as_of,
            currency="USD",
            total=Decimal(total),
            tags={"team": {"vision": Decimal(total)}},
        ),
        path,
    )
    return path


def test_budget_counts_actual_month_to_date_plus_the_projection(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = policy(tmp_path, 300000)
    assert main(["check", str(PLAN), "--policy", str(rules)]) == 0  # projected $241k < $300k
    capsys.readouterr()
    snap = actuals(tmp_path, "250000")
    code = main(
        ["check", str(PLAN), "--policy", str(rules), "--actuals", str(snap), "--format", "json"]
    )
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    (finding,) = [f for f in report["findings"] if f["rule"] == "budget:ml"]
    # 10 of November's 30 days remain: 241,075.20 x 10 / 30 = 80,358.40
    assert finding["message"].startswith(
        "budget ml: actual $250,000.00 month-to-date to 2026-11-20 (focus) + projected "
        "$80,358.40 for the remaining 10 days: $330,358.40/month exceeds $300,000.00"
    )


def test_month_split_scopes() -> None:
    snap = Snapshot(
        as_of=date(2026, 11, 20),
        currency="USD",
        total=Decimal(1000),
        tags={"team": {"vision": Decimal(600), "search": Decimal(300), "(untagged)": Decimal(100)}},
    )
    per_tag = budget.Config.model_validate(
        {"id": "b", "type": "budget", "name": "t", "per_tag": "team", "monthly": 1}
    )
    split = month_split(per_tag, "vision", Decimal(3000), snap)
    assert split is not None
    assert (split.actual, split.projected) == (Decimal(600), Decimal(1000))
    match = budget.Config.model_validate(
        {
            "id": "b",
            "type": "budget",
            "name": "t",
            "monthly": 1,
            "match": {"tags": {"team": ["vision", "search"]}},
        }
    )
    split = month_split(match, None, Decimal(0), snap)
    assert split is not None and split.actual == 900
    any_team = budget.Config.model_validate(
        {"id": "b", "type": "budget", "name": "t", "monthly": 1, "match": {"tags": {"team": "*"}}}
    )
    split = month_split(any_team, None, Decimal(0), snap)
    assert split is not None and split.actual == 900  # tagged lines only
    other = budget.Config.model_validate(
        {"id": "b", "type": "budget", "name": "t", "monthly": 1, "match": {"clouds": ["aws"]}}
    )
    assert month_split(other, None, Decimal(0), snap) is None  # projection alone
    unknown_tag = budget.Config.model_validate(
        {"id": "b", "type": "budget", "name": "t", "per_tag": "env", "monthly": 1}
    )
    assert month_split(unknown_tag, "prod", Decimal(0), snap) is None


def test_bad_snapshot_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "actuals.json"
    bad.write_text(
        '{"kind": "aicost-spend-snapshot", "version": 1, "as_of": "2026-11-20", "total": "lots"}'
    )
    assert main(["check", str(PLAN), "--actuals", str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == f"aicost: error: {bad}: field total must be a decimal amount, found 'lots'"
