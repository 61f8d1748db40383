"""The commitment readiness test fed from spend data: FOCUS exports or a spend snapshot.

``usage_history`` takes what ``aicost spend`` reads: the vendored FinOps Foundation FOCUS 1.0
sample (tests/fixtures/focus; 18 days of g5 use in us-east-1, September 2024), a 90-day
export written by the spend helpers, or the snapshot ``aicost spend snapshot`` makes of
either (its ``gpu_hours``).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from aicost.pipeline import run_check
from aicost.policy.finding import Finding
from aicost.policy.loader import load_policy
from tests.conftest import FIXTURES, Runner, plan
from tests.spend.helpers import days, line, write

FOCUS = FIXTURES / "focus" / "focus-1.0-sample.csv"
COVERAGE = """\
version: 1
name: commitments
unpriced: ignore
rules:
  - id: commitments
    type: commitment-coverage
    min_coverage: 0.7
    usage_history: {history}
"""


def _embed(tmp_path: Path, history: Path) -> Finding:
    """The coverage finding of aws_inference's EKS node group embed (4 × g5.2xlarge)."""
    policy = tmp_path / "policy.yaml"
    policy.write_text(COVERAGE.format(history=history), encoding="utf-8")
    result = run_check([plan("aws_inference")], load_policy(policy))
    (found,) = [
        f
        for f in result.findings
        if f.rule == "commitments" and f.address == "aws_eks_node_group.embed"
    ]
    return found


def _steady_export(tmp_path: Path) -> Path:
    """90 days of one g5.2xlarge (1 A10G) on demand around the clock in us-east-1."""
    rows = [
        line(
            day,
            29.06,
            description="g5.2xlarge on demand",
            resource="i-embed",
            quantity=24,
            unit="Hours",
        )
        for day in days(date(2026, 8, 1), 90)
    ]
    return write(tmp_path / "export.csv", rows)


def test_the_vendored_focus_sample_is_too_short_to_commit(tmp_path: Path) -> None:
    embed = _embed(tmp_path, FOCUS)
    assert embed.monthly_saving is None
    assert (
        "not ready to commit from usage history: only 18 days of usage history (needs 60)"
        in embed.message
    )


def test_a_snapshot_of_the_focus_sample_gives_the_same_answer(
    aicost: Runner, tmp_path: Path
) -> None:
    snapshot = tmp_path / "actuals.json"
    assert aicost("spend", "snapshot", FOCUS, "--out", snapshot).code == 0
    g5 = json.loads(snapshot.read_text(encoding="utf-8"))["gpu_hours"]["g5"]["us-east-1"]
    # the sample's g5.4xlarge lines (1 A10G each): first and last day of its use
    assert (min(g5), max(g5)) == ("2024-09-12", "2024-09-29")
    embed = _embed(tmp_path, snapshot)
    assert "only 18 days of usage history (needs 60)" in embed.message


def test_ninety_steady_days_of_exports_make_the_family_ready(
    aicost: Runner, tmp_path: Path
) -> None:
    export = _steady_export(tmp_path)
    embed = _embed(tmp_path, export)
    assert embed.monthly_saving is not None
    assert "ready to commit: 90 days of history, week-over-week variance at most 0%" in (
        embed.message
    )
    snapshot = tmp_path / "actuals.json"
    assert aicost("spend", "snapshot", export, "--out", snapshot).code == 0
    assert _embed(tmp_path, snapshot).message == embed.message


def test_a_snapshot_without_gpu_hours_is_refused_in_one_line(
    aicost: Runner, tmp_path: Path
) -> None:
    snapshot = tmp_path / "pulled.json"
    snapshot.write_text(
        json.dumps(
            {"kind": "aicost-spend-snapshot", "version": 1, "as_of": "2026-12-04", "total": "10"}
        ),
        encoding="utf-8",
    )
    policy = tmp_path / "policy.yaml"
    policy.write_text(COVERAGE.format(history=snapshot), encoding="utf-8")
    result = aicost("check", plan("aws_inference"), "--policy", policy)
    assert result.code == 2
    assert "spend snapshot has no gpu_hours" in result.err
    assert "Traceback" not in result.err
