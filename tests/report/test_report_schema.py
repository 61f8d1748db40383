"""The JSON report's published schema (schemas/aicost-report.schema.json) holds for the report
of every fixture: each plan, each Terraform scenario (static mode), the manifests, the LLM and
usage examples, a baseline comparison with --new-only, and a merged report."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.conftest import FIXTURES, PLANS, REPO, Runner

SCHEMA = json.loads((REPO / "schemas" / "aicost-report.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)

INPUTS = [
    *sorted(PLANS.glob("*.json")),
    *sorted(p for p in (FIXTURES / "terraform").iterdir() if p.is_dir()),
    *sorted(p for p in (FIXTURES / "manifests").iterdir() if p.suffix != ".md"),
    REPO / "examples" / "plan.json",
    REPO / "examples" / "aicost-llm.yaml",
]


def valid(report: dict[str, Any]) -> None:
    errors = sorted(VALIDATOR.iter_errors(report), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:10]
    )


def test_the_schema_is_a_valid_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: str(p.relative_to(REPO)))
def test_every_fixture_report_matches_the_schema(aicost: Runner, path: Path) -> None:
    result = aicost("check", path, "--format", "json", "--show-waived")
    assert result.code in (0, 1), result.err
    valid(result.json)


def test_baseline_new_only_and_merged_reports_match_the_schema(aicost: Runner) -> None:
    for name in ("a", "b"):
        Path(name).mkdir()
        shutil.copy(PLANS / "aws_denied.json", Path(name) / "plan.json")
    aicost("check", "a/plan.json", "b/plan.json", "--format", "json=base.json")
    shutil.copy(PLANS / "aws_mixed.json", Path("a") / "plan.json")
    compared = aicost(
        "check", "a/plan.json", "--baseline", "base.json", "--new-only", "--format", "json"
    )
    valid(compared.json)
    assert compared.json["baseline"] is not None
    Path("a.json").write_text(compared.out)
    aicost("check", "b/plan.json", "--format", "json=b.json")
    merged = aicost("merge", "a.json", "b.json", "--format", "json")
    assert merged.code in (0, 1), merged.err
    valid(merged.json)


def test_the_schema_rejects_what_it_promises_never_happens() -> None:
    report = json.loads((REPO / "examples" / "plan.json").read_text())  # not a report
    assert list(VALIDATOR.iter_errors(report))
    broken = {
        "format": "aicost-report",
        "version": 1,
        "tool": {"name": "aicost", "version": "0"},
        "verdict": "pass",
        "summary": {
            "currency": "USD", "monthly_cost": 12.5, "prior_monthly_cost": "0.00",
            "delta_monthly_cost": "0.00", "workloads": 1, "priced": 0, "unpriced": 1,
            "findings": {"error": 0, "warning": 0, "info": 0}, "failing": 0, "waived": 0,
        },
        "inputs": [], "policy": {"name": "p", "origin": "o", "workspace": "default"},
        "pricing": [], "projects": [], "baseline": None, "findings": [], "warnings": [],
        "resources": [{
            "address": "a", "resource_type": "t", "project": "p",
            "source": {"path": "p", "kind": "k"}, "action": "create", "workload": "x",
            "gpus": 1, "monthly_cost": None, "priced": False, "unpriced_reason": None,
        }],
    }  # fmt: skip
    messages = " ".join(e.message for e in VALIDATOR.iter_errors(broken))
    assert "12.5 is not of type 'string'" in messages  # money is never a float
    assert "None is not of type 'string'" in messages  # unpriced says why
