"""The `aicost check` command: policy discovery, formats, outputs and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, Runner, plan


def test_failing_plan_exits_1_and_compliant_plan_exits_0(aicost: Runner) -> None:
    assert aicost("check", plan("aws_mixed")).code == 1
    result = aicost("check", plan("aws_compliant"))
    assert result.code == 0, result.out
    assert "Verdict: PASS" in result.out


def test_without_policy_the_bundled_pack_is_used_and_named(aicost: Runner) -> None:
    result = aicost("check", plan("aws_compliant"))
    assert "bundled default pack" in result.err
    assert "Policy: aicost-default" in result.out


def test_aicost_yaml_in_the_current_directory_wins(aicost: Runner, tmp_path: Path) -> None:
    (tmp_path / ".aicost.yaml").write_text("version: 1\nname: local-rules\nunpriced: ignore\n")
    result = aicost("check", plan("aws_mixed"))
    assert ".aicost.yaml in the current directory" in result.err
    assert result.code == 0  # no rules: nothing fails
    (tmp_path / "aicost.yaml").write_text("version: 1\nname: preferred\n")
    assert "'preferred'" in aicost("check", plan("aws_mixed")).err


def test_json_report_has_the_documented_fields(aicost: Runner) -> None:
    report = aicost("check", plan("aws_changes"), "--format", "json").json
    summary = report["summary"]
    for key in ("monthly_cost", "prior_monthly_cost", "delta_monthly_cost"):
        assert isinstance(summary[key], str)
    resource = next(r for r in report["resources"] if r["address"] == "aws_eks_node_group.infer")
    assert resource["workload"] == "inference"
    assert resource["gpus"] == 16  # 4 nodes x 4 L40S
    assert resource["priced"] is True
    for key in ("monthly_cost", "prior_monthly_cost", "delta_monthly_cost"):
        assert key in resource
    finding = report["findings"][0]
    for key in ("rule", "type", "severity", "address", "message"):
        assert finding[key]
    ec2 = next(t for t in report["pricing"] if t["table"] == "aws-ec2")
    assert ec2["as_of"] == "2025-11-30"
    assert ec2["used"]["karpenter-2026-07-20"] > 0  # us-east-1 on-demand prices


def test_unpriced_resource_is_listed_with_null_cost_not_zero(aicost: Runner) -> None:
    report = aicost("check", plan("aws_mixed"), "--format", "json").json
    future = next(r for r in report["resources"] if r["address"] == "aws_instance.future")
    assert future["priced"] is False
    assert future["monthly_cost"] is None and future["delta_monthly_cost"] is None
    assert report["summary"]["unpriced"] == 1


def test_table_shows_costs_price_date_and_verdict(aicost: Runner) -> None:
    out = aicost("check", plan("aws_mixed")).out
    assert "aws_instance.trainer" in out and "$40,179.20" in out
    assert "Unpriced (1)" in out and "p9.96xlarge" in out
    prices = " ".join(out.split("Prices: ", 1)[1].split())  # the line may wrap
    assert prices.startswith(
        "aws-ec2 as of 2025-11-30 (used: karpenter-2026-07-20, skypilot-aws-v8-2026-00148f2a, "
        "vantage-2026-01-21)"  # every spot price in the plan is observed: no 2024 estimate used
    )
    assert "aws-sagemaker as of 2024 (used: fmbench-2024)" in prices
    assert "Verdict: FAIL" in out


def test_markdown_report(aicost: Runner) -> None:
    out = aicost("check", plan("aws_mixed"), "--format", "markdown").out
    assert out.startswith("<!-- aicost-report -->")
    assert "aicost: fail" in out
    assert "| `aws_instance.trainer` |" in out
    assert "aws-ec2 as of 2025-11-30 (used: karpenter-2026-07-20" in out


def test_several_formats_to_files(aicost: Runner, tmp_path: Path) -> None:
    result = aicost(
        "check",
        plan("aws_denied"),
        "--format",
        "table",
        "--format",
        f"json={tmp_path / 'r.json'}",
        "--format",
        f"markdown={tmp_path / 'r.md'}",
    )
    assert result.code == 1
    assert "Verdict: FAIL" in result.out
    assert json.loads((tmp_path / "r.json").read_text())["verdict"] == "fail"
    assert "gpu-families" in (tmp_path / "r.md").read_text()


def test_output_file(aicost: Runner, tmp_path: Path) -> None:
    out = tmp_path / "nested" / "report.json"
    result = aicost("check", plan("aws_compliant"), "--format", "json", "--output", out)
    assert result.code == 0 and result.out == ""
    assert json.loads(out.read_text())["verdict"] == "pass"


def test_hours_per_month_override(aicost: Runner) -> None:
    full = aicost("check", plan("aws_over_budget"), "--format", "json").json
    half = aicost(
        "check", plan("aws_over_budget"), "--format", "json", "--hours-per-month", "365"
    ).json
    assert float(half["summary"]["monthly_cost"]) * 2 == float(full["summary"]["monthly_cost"])


def test_several_plans_in_one_run(aicost: Runner) -> None:
    report = aicost("check", plan("aws_denied"), plan("aws_compliant"), "--format", "json").json
    assert [i["kind"] for i in report["inputs"]] == ["terraform-plan", "terraform-plan"]
    assert {r["project"] for r in report["resources"]} == {
        str(plan("aws_denied")),
        str(plan("aws_compliant")),
    }


def test_sensitive_values_never_reach_any_report(aicost: Runner, tmp_path: Path) -> None:
    secrets = (
        "CC-4242-CONFIDENTIAL",
        "hf_FAKEtokenFAKEtokenFAKEtoken0000",
        "FAKE-hunter2-do-not-print",
        "g6e.xlarge",
        "L40S",  # the accelerator would reveal the hidden instance family
    )
    for fmt in ("table", "json", "markdown"):
        result = aicost("check", plan("aws_sensitive"), "--format", fmt)
        for secret in secrets:
            assert secret not in result.out + result.err, (fmt, secret)


def test_python_m_and_version() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "aicost", "--version"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    )
    assert completed.stdout.startswith("aicost ")


def test_internal_errors_exit_3_without_traceback(aicost: Runner, monkeypatch: object) -> None:
    import aicost.pipeline as pipeline

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(pipeline, "run_check", boom)  # type: ignore[attr-defined]
    result = aicost("check", plan("aws_compliant"))
    assert result.code == 3
    assert "internal error: RuntimeError: simulated bug" in result.err
    assert "Traceback" not in result.err
