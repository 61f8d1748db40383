"""The new rules never print what a plan marks sensitive."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Runner, plan

POLICY = """\
version: 1
name: everything
extends: builtin:strict
commitments:
  - {id: ri, family: g5, region: us-east-1, gpus: 1}
rules:
  - id: right-size
    limits:
      inference: {max_gpus: 0.5, deny_accelerators: ["*"], suggest: [g6.xlarge]}
      batch: {max_gpus: 0.5, suggest: [g6.xlarge]}
  - {id: commitments, type: commitment-coverage}
  - {id: regions, type: region, allow: [eu-*]}
  - {id: training-approval, max_run_cost: 1}
budgets:
  - {name: by-cost-center, per_tag: cost-center, monthly: 1}
  - {name: all, monthly: 1, delta: 1}
"""


def test_sensitive_values_never_reach_any_report(aicost: Runner, tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(POLICY)
    secrets = (
        "CC-4242-CONFIDENTIAL",
        "hf_FAKEtokenFAKEtokenFAKEtoken0000",
        "FAKE-hunter2-do-not-print",
        "g6e",
        "L40S",
    )
    for fmt in ("table", "json", "markdown"):
        result = aicost(
            "check", plan("aws_sensitive"), "--policy", path, "--format", fmt, "--show-waived"
        )
        assert result.code == 1
        for secret in secrets:
            assert secret not in result.out + result.err, (fmt, secret)
    report = aicost("check", plan("aws_sensitive"), "--policy", path, "--format", "json").json
    rules = {f["rule"] for f in report["findings"]}
    assert {"right-size", "commitments", "regions", "budget:by-cost-center"} <= rules
