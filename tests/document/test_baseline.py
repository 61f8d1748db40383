"""Baselines (`check --baseline`) and `aicost merge`: workspaces of a monorepo.

The layout used here is a monorepo with two workspaces whose plan files have the same
name (`ws/a/plan.json` and `ws/b/plan.json`), which is what breaks Infracost's
`--compare-to` (it matches projects by name).
"""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from aicost.core.money import cents
from tests.conftest import FIXTURES, Runner, plan
from tests.helpers import price

BUDGET_ONLY = """
version: 1
name: vision-budget
fallback: ignore  # this suite is about budgets
budgets:
  - name: vision
    match:
      tags:
        team: [vision]
    monthly: 4000
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """ws/a = aws_compliant ($2,098.02), ws/b = aws_denied ($2,114.87); both team vision."""
    for workspace, name in (("a", "aws_compliant"), ("b", "aws_denied")):
        (tmp_path / "ws" / workspace).mkdir(parents=True)
        shutil.copy(plan(name), tmp_path / "ws" / workspace / "plan.json")
    (tmp_path / "budget.yaml").write_text(BUDGET_ONLY)
    return tmp_path


def money(value: Any) -> Decimal:
    return Decimal(str(value))


def test_projects_are_keyed_by_path_not_name(aicost: Runner, repo: Path) -> None:
    report = aicost("check", "ws/a/plan.json", "ws/b/plan.json", "--format", "json").json
    assert [(p["key"], p["monthly_cost"]) for p in report["projects"]] == [
        ("ws/a/plan.json", "2098.02"),
        ("ws/b/plan.json", "2114.87"),
    ]
    for resource in report["resources"]:
        assert resource["baseline_monthly_cost"] is None
    assert report["baseline"] is None


def test_baseline_compares_each_workspace_and_carries_the_untouched_ones(
    aicost: Runner, repo: Path
) -> None:
    base = aicost("check", "ws/a/plan.json", "ws/b/plan.json", "--format", "json=base.json")
    assert base.code == 1  # ws/b has denied GPU families
    # The pull request changes only ws/a: it now runs the mixed fleet.
    shutil.copy(plan("aws_mixed"), repo / "ws" / "a" / "plan.json")
    result = aicost("check", "ws/a/plan.json", "--baseline", "base.json", "--format", "json")
    report = result.json
    baseline = report["baseline"]
    projects = {p["key"]: p for p in baseline["projects"]}
    assert projects["ws/a/plan.json"]["status"] == "changed"
    assert money(projects["ws/a/plan.json"]["baseline_monthly_cost"]) == Decimal("2098.02")
    # the delta of unrounded costs: within a cent of the difference of the rounded ones
    changed = money(projects["ws/a/plan.json"]["delta_monthly_cost"])
    assert abs(changed - (Decimal("105088.94") - Decimal("2098.02"))) <= Decimal("0.01")
    assert projects["ws/b/plan.json"] == {
        "key": "ws/b/plan.json",
        "status": "unchanged",
        "monthly_cost": "2114.87",
        "baseline_monthly_cost": "2114.87",
        "delta_monthly_cost": "0.00",
    }
    assert money(baseline["monthly_cost"]) == Decimal("4212.89")
    # the sum of unrounded costs: within a cent of the sum of the rounded ones
    after = money(baseline["monthly_cost_after"])
    assert abs(after - (Decimal("105088.94") + Decimal("2114.87"))) <= Decimal("0.01")
    delta = money(baseline["delta_monthly_cost"])
    assert abs(delta - (Decimal("105088.94") - Decimal("2098.02"))) <= Decimal("0.01")
    # ws/b's denied GPUs are not this pull request's doing: no finding is about them.
    assert not [f for f in report["findings"] if f["address"].startswith("aws_instance.v100")]
    # The aws_compliant resources are gone from ws/a.
    removed = {r["address"] for r in baseline["removed_resources"]}
    assert "aws_instance.train_spot" in removed
    markdown = aicost("check", "ws/a/plan.json", "--baseline", "base.json", "--format", "markdown")
    assert "### ❌ aicost: fail · +$102,990.91/month" in markdown.out
    assert "all workspaces together go from **$4,212.89** to **$107,203.81**" in markdown.out
    assert "| 1 other workspace (base branch) |" in markdown.out


def test_budgets_sum_the_workspaces_the_pull_request_does_not_touch(
    aicost: Runner, repo: Path
) -> None:
    aicost("check", "ws/a/plan.json", "ws/b/plan.json", "--format", "json=base.json")
    alone = aicost("check", "ws/a/plan.json", "--policy", "budget.yaml", "--format", "json")
    assert alone.code == 0 and alone.json["findings"] == []  # $2,098.02 < $4,000
    together = aicost(
        "check",
        "ws/a/plan.json",
        "--policy",
        "budget.yaml",
        "--baseline",
        "base.json",
        "--format",
        "json",
    )
    assert together.code == 1
    (budget,) = together.json["findings"]
    assert budget["rule"] == "budget:vision"
    assert "projected $4,212.89/month exceeds $4,000.00" in budget["message"]
    assert "aws_instance.v100_train" in budget["message"]  # a carried ws/b workload


def test_static_mode_delta_comes_from_the_baseline(aicost: Runner, tmp_path: Path) -> None:
    """Raw .tf has no prior state: the baseline says what the change costs."""
    shutil.copytree(FIXTURES / "terraform" / "aws_denied", tmp_path / "infra")
    aicost("check", "infra", "--format", "json=base.json")
    main = tmp_path / "infra" / "main.tf"
    main.write_text(main.read_text().replace('"g4ad.xlarge"', '"g6.xlarge"'))
    report = aicost("check", "infra", "--baseline", "base.json", "--format", "json").json
    resources = {r["address"]: r for r in report["resources"]}
    radeon = resources["aws_instance.radeon_batch"]
    assert radeon["action"] == "create"  # static mode: a configuration has no prior state
    expected = cents((price("g6.xlarge") - price("g4ad.xlarge")) * 730)
    assert money(report["baseline"]["delta_monthly_cost"]) == expected > 0
    assert money(report["summary"]["delta_monthly_cost"]) == money(
        report["summary"]["monthly_cost"]
    )


def test_a_report_from_before_projects_existed_still_works(aicost: Runner, repo: Path) -> None:
    aicost("check", "ws/a/plan.json", "ws/b/plan.json", "--format", "json=base.json")
    old = json.loads((repo / "base.json").read_text())
    del old["projects"]
    (repo / "old.json").write_text(json.dumps(old))
    report = aicost("check", "ws/a/plan.json", "--baseline", "old.json", "--format", "json").json
    assert money(report["baseline"]["monthly_cost"]) == Decimal("4212.89")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"format_version": "1.2"}', "not an aicost JSON report"),
        ("{not json", "not an aicost JSON report: invalid JSON"),
        ('{"format": "aicost-report", "version": 9}', "report version 9 is not supported"),
    ],
)
def test_a_bad_baseline_is_one_line(aicost: Runner, repo: Path, content: str, message: str) -> None:
    (repo / "bad.json").write_text(content)
    result = aicost("check", "ws/a/plan.json", "--baseline", "bad.json")
    assert result.code == 2
    errors = [line for line in result.err.splitlines() if line.startswith("aicost: error:")]
    assert len(errors) == 1 and "bad.json" in errors[0] and message in errors[0]


# --------------------------------------------------------------------------- merge


def matrix(aicost: Runner, *workspaces: str, extra: tuple[str, ...] = ()) -> list[str]:
    """One CI matrix job per workspace, each writing its own report."""
    reports = []
    for workspace in workspaces:
        out = f"{workspace.replace('/', '_')}.json"
        aicost("check", f"{workspace}/plan.json", *extra, "--format", f"json={out}")
        reports.append(out)
    return reports


def test_merge_combines_matrix_reports(aicost: Runner, repo: Path) -> None:
    reports = matrix(aicost, "ws/a", "ws/b")
    merged = aicost("merge", *reports)
    assert merged.code == 0
    document = merged.json
    together = aicost("check", "ws/a/plan.json", "ws/b/plan.json", "--format", "json").json
    assert document["summary"]["monthly_cost"] == together["summary"]["monthly_cost"] == "4212.89"
    assert document["summary"]["workloads"] == together["summary"]["workloads"]
    assert [p["key"] for p in document["projects"]] == ["ws/a/plan.json", "ws/b/plan.json"]
    assert document["verdict"] == "fail"
    assert len(document["resources"]) == len(together["resources"])
    assert document["merged_from"] == reports
    assert aicost("merge", *reports, "--fail").code == 1
    markdown = aicost("merge", *reports, "--format", "markdown").out
    assert "| `ws/a/plan.json` | 4 | $2,098.02 |" in markdown
    assert "| `ws/b/plan.json` | 2 | $2,114.87 |" in markdown


def test_merge_refuses_the_same_workspace_twice(aicost: Runner, repo: Path) -> None:
    (report,) = matrix(aicost, "ws/a")
    shutil.copy(repo / report, repo / "again.json")
    result = aicost("merge", report, "again.json")
    assert result.code == 2
    assert "project 'ws/a/plan.json' is in both ws_a.json and again.json" in result.err


def test_merge_recomputes_budgets_over_every_workspace(aicost: Runner, repo: Path) -> None:
    reports = matrix(aicost, "ws/a", "ws/b", extra=("--policy", "budget.yaml"))
    plain = aicost("merge", *reports).json
    assert plain["findings"] == [] and plain["verdict"] == "pass"  # each alone is under budget
    merged = aicost("merge", *reports, "--policy", "budget.yaml").json
    assert [f["rule"] for f in merged["findings"]] == ["budget:vision"]
    assert "projected $4,212.89/month" in merged["findings"][0]["message"]
    assert merged["verdict"] == "fail"


def test_merge_of_matrix_jobs_that_used_one_baseline(aicost: Runner, repo: Path) -> None:
    aicost("check", "ws/a/plan.json", "ws/b/plan.json", "--format", "json=base.json")
    shutil.copy(plan("aws_over_budget"), repo / "ws" / "b" / "plan.json")
    reports = matrix(aicost, "ws/a", "ws/b", extra=("--baseline", "base.json"))
    merged = aicost("merge", *reports).json["baseline"]
    statuses = {p["key"]: p["status"] for p in merged["projects"]}
    assert statuses == {"ws/a/plan.json": "changed", "ws/b/plan.json": "changed"}
    assert money(merged["monthly_cost_after"]) == Decimal("2098.02") + Decimal("241075.20")
    assert money(merged["delta_monthly_cost"]) == Decimal("241075.20") - Decimal("2114.87")
    again = aicost("merge", *reports, "--baseline", "base.json").json["baseline"]
    assert again["delta_monthly_cost"] == merged["delta_monthly_cost"]


def test_merge_keeps_each_jobs_gate_decision(aicost: Runner, repo: Path) -> None:
    """A job run with --soft-fail reported its errors without failing: merging keeps that."""
    reports = matrix(aicost, "ws/a", "ws/b", extra=("--soft-fail",))
    b = json.loads((repo / reports[1]).read_text())
    assert any(f["severity"] == "error" and f["fails"] is False for f in b["findings"])
    merged = aicost("merge", *reports, "--fail")
    assert merged.code == 0 and merged.json["verdict"] == "pass"
