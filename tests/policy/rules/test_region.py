"""region: AI workloads run only in approved regions."""

from __future__ import annotations

from pathlib import Path

import pytest

from aicost.core.errors import ConfigError
from tests.policy.helpers import of, policy_text, run

POLICY = """\
version: 1
name: regions
unpriced: ignore
rules:
  - id: gpu-regions
    type: region
    allow: [us-east-1, us-west-*]
    deny: [us-west-1]
"""


def test_pass_every_workload_in_an_approved_region(tmp_path: Path) -> None:
    policy = policy_text(tmp_path, POLICY)
    assert of(run("aws_compliant", policy), "gpu-regions") == {}
    assert of(run("aws_mixed", policy), "gpu-regions") == {}  # us-east-1 and us-west-2


def test_fail_outside_the_allow_list(tmp_path: Path) -> None:
    result = run("aws_platform", policy_text(tmp_path, POLICY))
    found = of(result, "gpu-regions")
    assert set(found) == {"aws_instance.frankfurt_infer", "aws_instance.mumbai_batch"}
    assert found["aws_instance.frankfurt_infer"].message == (
        "runs in eu-central-1, which is not an approved region (allowed: us-east-1, us-west-*)"
    )
    assert found["aws_instance.mumbai_batch"].fails
    assert result.verdict == "fail"


def test_fail_deny_wins_over_allow(tmp_path: Path) -> None:
    text = POLICY.replace("deny: [us-west-1]", "deny: [us-west-2]")
    found = of(run("aws_mixed", policy_text(tmp_path, text)), "gpu-regions")
    assert (
        found["aws_instance.west_infer"].message == "runs in us-west-2, a denied region (us-west-2)"
    )


def test_waived(tmp_path: Path) -> None:
    text = POLICY + (
        "waivers:\n  - {rule: gpu-regions, addresses: ['aws_instance.*'], reason: EU pilot,"
        " owner: search, expires: 2026-12-31}\n"
    )
    result = run("aws_platform", policy_text(tmp_path, text))
    assert all(f.waived for f in of(result, "gpu-regions").values())
    assert result.verdict == "pass"


def test_needs_a_list(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="give at least one of allow or deny"):
        policy_text(tmp_path, "version: 1\nname: r\nrules:\n  - {id: r, type: region}\n")
