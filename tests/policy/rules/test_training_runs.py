"""A run is the whole job: training-run-cost sums every replica group and declared retries.

Fixtures (tests/fixtures/advice/runs) are Kubeflow examples adapted to whole p5/g5 nodes.
"""

from __future__ import annotations

from pathlib import Path

from aicost.pipeline import run_check
from aicost.policy.finding import Finding
from aicost.policy.loader import load_policy
from tests.conftest import FIXTURES
from tests.helpers import price

RUNS = FIXTURES / "advice" / "runs"
P5 = price("p5.48xlarge")


def _policy(tmp_path: Path, threshold: int, extra: str = "") -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(
        "version: 1\nname: runs\nunpriced: ignore\nrules:\n  - id: run-cost\n"
        f"    type: training-run-cost\n    max_run_cost: {threshold}\n{extra}",
        encoding="utf-8",
    )
    return path


def _runs(tmp_path: Path, name: str, threshold: int, extra: str = "") -> list[Finding]:
    result = run_check([RUNS / name], load_policy(_policy(tmp_path, threshold, extra)))
    return [f for f in result.findings if f.rule == "run-cost"]


def test_master_and_workers_are_one_run_over_the_threshold(tmp_path: Path) -> None:
    # Master + Worker, one p5.48xlarge each, 72 h: each group alone is $3,962.88 (passes
    # $5,000); the job is $7,925.76 and needs approval.
    (found,) = _runs(tmp_path, "pytorchjob-p5.yaml", 5000)
    assert found.monthly_cost == 2 * P5 * 72  # priced for one run a month
    assert found.component is None and found.fails
    assert found.message.startswith(
        f"training run projected at ${2 * P5 * 72:,.2f} (16 GPUs × 72 h"
    )
    assert "the whole job: Master 8 GPUs, Worker 8 GPUs" in found.message


def test_the_whole_job_under_the_threshold_passes(tmp_path: Path) -> None:
    assert _runs(tmp_path, "pytorchjob-p5.yaml", 8000) == []


def test_declared_retries_multiply_the_run(tmp_path: Path) -> None:
    # 24 h per attempt ($2,641.92), backoffLimit 2: three attempts, $7,925.76 worst case.
    (found,) = _runs(tmp_path, "pytorchjob-retries.yaml", 5000)
    attempt = 2 * P5 * 24
    assert f"projected at ${attempt * 3:,.2f}" in found.message
    assert f"3 attempts (2 retries from runPolicy.backoffLimit) at ${attempt:,.2f} each" in (
        found.message
    )


def test_an_approval_must_cover_the_whole_job(tmp_path: Path) -> None:
    text = (RUNS / "pytorchjob-p5.yaml").read_text(encoding="utf-8")
    approved = tmp_path / "approved.yaml"
    approved.write_text(
        text.replace(
            "environment: dev}",
            'environment: dev, cost-approval: FIN-77, approved-run-cost: "5000"}',
        ),
        encoding="utf-8",
    )
    result = run_check([approved], load_policy(_policy(tmp_path, 4000)))
    (found,) = [f for f in result.findings if f.rule == "run-cost"]
    assert found.fails and not found.waived
    assert "approval cost-approval=FIN-77 covers $5,000.00 only" in found.message


def test_launcher_and_workers_are_summed(tmp_path: Path) -> None:
    (found,) = _runs(tmp_path, "mpijob-g5.yaml", 1000)
    cost = (price("g5.xlarge") + 4 * price("g5.12xlarge")) * 48
    assert f"projected at ${cost:,.2f} (17 GPUs × 48 h" in found.message
    assert "Launcher 1 GPU, Worker 16 GPUs" in found.message
