"""Adopting aicost on an existing estate: --new-only, plan file:line by default, SARIF
categories and a location for every result."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES, Runner, plan
from tests.report.test_reports import validate_sarif

POLICY_WITH_BUDGET = """\
version: 1
name: estate
rules:
  - id: gpu-families
    type: gpu-family
    deny: [V100, Radeon Pro V520]
budgets:
  - name: vision
    match:
      tags:
        team: [vision]
    monthly: 100
"""


def _findings(report: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(f["rule"], f["address"]): f for f in report["findings"]}


def test_new_only_reports_existing_findings_without_failing(aicost: Runner) -> None:
    shutil.copy(plan("aws_denied"), "base.json")
    base = aicost("check", "base.json", "--format", "json=base-report.json")
    assert base.code == 1  # the estate already breaks the policy

    same = aicost(
        "check", plan("aws_denied"), "--baseline", "base-report.json", "--new-only",
        "--format", "json",
    )  # fmt: skip
    assert same.code == 0, same.out
    report = same.json
    assert report["verdict"] == "pass"
    assert report["findings"] and all(f["new"] is False for f in report["findings"])
    assert all(not f["fails"] for f in report["findings"])
    assert {f["decision"] for f in report["findings"] if f["severity"] == "error"} == {
        "existing: already in the base branch (--new-only)"
    }

    # Without --new-only the same estate still fails: nothing is hidden by default.
    plain = aicost("check", plan("aws_denied"), "--baseline", "base-report.json")
    assert plain.code == 1


def test_new_only_still_fails_on_new_findings(aicost: Runner, tmp_path: Path) -> None:
    aicost("check", plan("aws_denied"), "--format", "json=base-report.json")
    head = tmp_path / "head"
    shutil.copytree(FIXTURES / "terraform" / "aws_denied", head)
    main = head / "main.tf"
    main.write_text(
        main.read_text() + '\nresource "aws_instance" "new_v100" {\n  ami           = "ami-1"\n'
        '  instance_type = "p3.2xlarge"\n  tags = { team = "vision", workload = "batch",'
        ' model = "m", "use-case" = "u" }\n}\n'
    )
    result = aicost(
        "check", head, "--baseline", "base-report.json", "--new-only", "--format", "json"
    )
    assert result.code == 1
    findings = result.json["findings"]
    failing = {(f["rule"], f["address"]) for f in findings if f["fails"]}
    assert ("gpu-families", "aws_instance.new_v100") in failing
    assert {address for _rule, address in failing} == {"aws_instance.new_v100"}
    assert any(f["new"] is False for f in findings if f["rule"] == "gpu-families")


def test_new_only_needs_a_baseline(aicost: Runner) -> None:
    result = aicost("check", plan("aws_denied"), "--new-only")
    assert result.code == 2
    assert "--new-only needs --baseline" in result.err


def test_pr_headline_is_the_change_against_the_base(aicost: Runner, tmp_path: Path) -> None:
    """Static mode on an existing estate: the comment's headline is the change, not $49k."""
    estate = tmp_path / "estate"
    shutil.copytree(FIXTURES / "terraform" / "aws_denied", estate)
    base = aicost("check", estate, "--format", "json=base-report.json")
    assert base.code == 1
    result = aicost(
        "check", estate, "--baseline", "base-report.json", "--new-only", "--format", "markdown"
    )
    assert result.code == 0
    headline = result.out.splitlines()[1]
    assert headline == "### ✅ aicost: pass · $0.00/month", headline
    assert "already in the base branch" in result.out


def test_plan_findings_get_tf_lines_by_default(aicost: Runner, tmp_path: Path) -> None:
    """`terraform show -json tfplan > plan.json` in the root module: lines without flags."""
    root = tmp_path / "root"
    shutil.copytree(FIXTURES / "terraform" / "aws_mixed", root)
    shutil.copy(plan("aws_mixed"), root / "plan.json")
    os.chdir(root)
    report = aicost("check", "plan.json", "--format", "json").json
    trainer = _findings(report)[("spot-training", "aws_instance.trainer")]
    assert (trainer["file"], trainer["line"]) == ("main.tf", 88)
    module = next(f for f in report["findings"] if f["address"].startswith("module.regional"))
    assert module["file"] == "modules/gpu_node/main.tf" and module["line"]
    assert not any("--source-dir" in n for n in report["policy_notes"])

    # ...and an inline waiver in the .tf applies to the plan's finding
    root = tmp_path / "waived"
    shutil.copytree(FIXTURES / "terraform" / "aws_mixed", root)
    shutil.copy(plan("aws_mixed"), root / "plan.json")
    os.chdir(root)
    main = root / "main.tf"
    lines = main.read_text().splitlines()
    lines.insert(87, "# aicost:ignore=spot-training exp:2099-01-01 owner:ml -- checkpointed")
    main.write_text("\n".join(lines) + "\n")
    waived = aicost("check", "plan.json", "--format", "json").json
    trainer = _findings(waived)[("spot-training", "aws_instance.trainer")]
    assert trainer["waived"] is True


def test_plan_elsewhere_gets_no_lines_and_no_note(aicost: Runner) -> None:
    report = aicost("check", plan("aws_mixed"), "--format", "json").json
    assert all(f["line"] is None for f in report["findings"] if f["address"].startswith("aws_"))
    assert not any("--source-dir" in n for n in report["policy_notes"])


@pytest.mark.parametrize(
    ("args", "expected"),
    [((), "aicost/"), (("--workspace", "prod"), "aicost/prod/"),
     (("--workspace", "prod", "--sarif-category", "gpu/eu"), "aicost/gpu/eu/")],
)  # fmt: skip
def test_sarif_category_from_workspace_or_option(
    aicost: Runner, args: tuple[str, ...], expected: str
) -> None:
    result = aicost("check", plan("aws_denied"), "--format", "sarif", *args)
    document = json.loads(result.out)
    assert document["runs"][0]["automationDetails"] == {"id": expected}


def test_every_sarif_result_has_a_location_budgets_at_the_budget_line(
    aicost: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    (tmp_path / "aicost.yaml").write_text(POLICY_WITH_BUDGET)
    shutil.copy(plan("aws_denied"), tmp_path / "plan.json")
    monkeypatch.chdir(tmp_path)
    document = json.loads(aicost("check", "plan.json", "--format", "sarif").out)
    validate_sarif(document)
    results = document["runs"][0]["results"]
    assert results and all(r.get("locations") for r in results)
    budget = next(r for r in results if r["ruleId"] == "budget:vision")
    location = budget["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "aicost.yaml"
    assert (
        location["region"]["startLine"]
        == POLICY_WITH_BUDGET.splitlines().index("  - name: vision") + 1
    )
    family = next(r for r in results if r["ruleId"] == "gpu-families")
    assert family["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "plan.json"


def test_sarif_with_the_bundled_policy_points_at_the_input(
    aicost: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    shutil.copy(plan("aws_over_budget"), tmp_path / "plan.json")
    monkeypatch.chdir(tmp_path)
    document = json.loads(aicost("check", "plan.json", "--format", "sarif").out)
    results = document["runs"][0]["results"]
    assert results and all(r.get("locations") for r in results)


def test_dash_reads_standard_input(tmp_path: Path) -> None:
    """`terraform show -json tfplan | aicost check -`, and /dev/stdin from a pipe."""
    import subprocess
    import sys

    data = plan("aws_denied").read_bytes()
    for argument in ("-", "/dev/stdin"):
        completed = subprocess.run(
            [sys.executable, "-m", "aicost", "check", argument, "--format", "compact"],
            input=data,
            capture_output=True,
            cwd=tmp_path,
            timeout=120,
            check=False,
        )
        assert completed.returncode == 1, completed.stderr
        assert b"aws_instance.v100_train" in completed.stdout
        assert b"not JSON" not in completed.stderr


@pytest.mark.parametrize(
    ("argv", "hint"),
    [(["chek", "plan.json"], "did you mean 'check'?"),
     (["check", "plan.json", "--basline", "b.json"], "did you mean '--baseline'?"),
     (["policy", "valdate"], "did you mean 'validate'?")],
)  # fmt: skip
def test_did_you_mean(
    aicost: Runner, capsys: pytest.CaptureFixture[str], argv: list[str], hint: str
) -> None:
    with pytest.raises(SystemExit) as raised:
        aicost(*argv)
    assert raised.value.code == 2
    assert capsys.readouterr().err.rstrip().endswith(f"({hint})")


def test_did_you_mean_message() -> None:
    from aicost.cli import build_parser, did_you_mean

    parser = build_parser("check")
    assert did_you_mean(parser, "unrecognized arguments: --basline b.json") == (
        " (did you mean '--baseline'?)"
    )
    message = "argument COMMAND: invalid choice: 'chek' (choose from 'check', 'merge')"
    assert did_you_mean(parser, message) == " (did you mean 'check'?)"
    assert did_you_mean(parser, "unrecognized arguments: --zzzzzz") == ""


def test_junit_testcases_carry_time(aicost: Runner) -> None:
    import xml.etree.ElementTree as ET

    result = aicost("check", plan("aws_denied"), "--format", "junit")
    root = ET.fromstring(result.out)
    cases = list(root.iter("testcase"))
    assert cases and all(c.get("time") == "0" for c in cases)
    assert all(s.get("time") == "0" for s in root.iter("testsuite"))


def test_release_workflow_builds_and_publishes_with_trusted_publishing() -> None:
    import yaml

    from tests.conftest import REPO

    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "release.yml").read_text())
    assert workflow[True]["push"]["tags"] == ["v*.*.*"]  # YAML 1.1 reads `on` as True
    build = "\n".join(s.get("run", "") for s in workflow["jobs"]["build"]["steps"])
    assert "python -m build" in build  # sdist and wheel
    publish = workflow["jobs"]["publish"]
    assert publish["permissions"] == {"id-token": "write"}
    assert any("pypa/gh-action-pypi-publish@" in s.get("uses", "") for s in publish["steps"])
    assert not any("password" in json.dumps(s) for s in publish["steps"])
    assert "## [Unreleased]" in (REPO / "CHANGELOG.md").read_text()
