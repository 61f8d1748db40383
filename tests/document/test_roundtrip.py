"""The report document round trip: build -> write -> read -> merge keeps every total to the cent.

Several workspaces checked apart and merged must give the totals of one check of them all,
and a baseline read back from a written document compares as the live check did.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from aicost.core.money import decimal_string
from aicost.document.build import build
from aicost.document.merge import merge
from aicost.document.read import load_report, monthly, project_totals, read_baseline
from aicost.pipeline import run_check
from aicost.pipeline.baseline import compare
from aicost.policy.loader import load_policy
from tests.conftest import plan
from tests.helpers import DEFAULT_POLICY

PLANS = ("aws_compliant", "aws_denied", "gcp_mixed", "azure_mixed", "llm_azure_gcp")


def _write(tmp_path: Path, name: str, document: dict[str, object]) -> Path:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(document))
    return path


def test_build_write_read_merge_keeps_totals_to_the_cent(tmp_path: Path) -> None:
    policy = load_policy(DEFAULT_POLICY)
    one = run_check([plan(name) for name in PLANS], policy)
    paths = [_write(tmp_path, name, build(run_check([plan(name)], policy))) for name in PLANS]
    documents = [(str(path), load_report(path)) for path in paths]
    merged = merge(documents)

    assert merged["summary"]["monthly_cost"] == decimal_string(one.summary.monthly_cost)
    assert merged["summary"]["workloads"] == one.summary.workloads
    assert merged["summary"]["unpriced"] == one.summary.unpriced
    single = build(one)
    assert project_totals(merged) == project_totals(single)
    by_project = {p["key"]: p["monthly_cost"] for p in single["projects"]}
    assert {p["key"]: p["monthly_cost"] for p in merged["projects"]} == by_project
    resources = sum((monthly(r) or Decimal(0) for r in merged["resources"]), Decimal(0))
    assert decimal_string(resources) == merged["summary"]["monthly_cost"]


def test_a_baseline_read_back_compares_as_the_live_check(tmp_path: Path) -> None:
    policy = load_policy(DEFAULT_POLICY)
    base = run_check([plan("aws_compliant"), plan("aws_denied")], policy)
    path = _write(tmp_path, "base", build(base))
    baseline = read_baseline(load_report(path), str(path))
    head = run_check([plan("aws_compliant")], policy, baseline=baseline)
    assert head.baseline is not None
    assert head.baseline.baseline_monthly_cost == base.summary.monthly_cost
    # the untouched workspace is carried over at the baseline's prices, to the cent
    assert decimal_string(head.baseline.monthly_cost_after) == decimal_string(
        base.summary.monthly_cost
    )
    again = compare(baseline, head.workloads, [p.key for p in head.baseline.projects[:1]])
    assert again.baseline_monthly_cost == head.baseline.baseline_monthly_cost
