"""match: scoping rules by file path and Terraform workspace (beside tags, class and region)."""

from __future__ import annotations

from pathlib import Path

import pytest

from aicost.policy.engine import EvalOptions, resolve_workspace
from tests.conftest import Runner, plan
from tests.policy.helpers import TERRAFORM, of, policy_text, run

SCOPED = """\
version: 1
name: scoped
unpriced: ignore
rules:
  - id: prod-spot
    type: training-purchase
    require: [spot]
    match:
      workspaces: [prod, prod-*]
  - id: platform-regions
    type: region
    allow: [us-east-1]
    match:
      paths: ["*aws_platform*"]
  - id: lab-only
    type: training-purchase
    require: [spot]
    match:
      paths: ["*/modules/lab_box/*"]
"""


def test_workspace_scoping(tmp_path: Path) -> None:
    policy = policy_text(tmp_path, SCOPED)
    assert of(run("aws_mixed", policy, workspace="dev"), "prod-spot") == {}
    assert set(of(run("aws_mixed", policy, workspace="prod-eu"), "prod-spot")) == {
        "aws_instance.trainer",
        "aws_instance.future",
    }
    # no workspace given and no TF_WORKSPACE: Terraform's "default"
    assert of(run("aws_mixed", policy), "prod-spot") == {}


def test_workspace_comes_from_the_flag_then_env_then_the_source_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TF_WORKSPACE", raising=False)
    assert resolve_workspace(EvalOptions()) == "default"
    (tmp_path / ".terraform").mkdir()
    (tmp_path / ".terraform" / "environment").write_text("staging\n")
    assert resolve_workspace(EvalOptions(source_dir=tmp_path)) == "staging"
    monkeypatch.setenv("TF_WORKSPACE", "prod")
    assert resolve_workspace(EvalOptions(source_dir=tmp_path)) == "prod"
    assert resolve_workspace(EvalOptions(workspace="prod-eu", source_dir=tmp_path)) == "prod-eu"


def test_cli_workspace(aicost: Runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "scoped.yaml"
    path.write_text(SCOPED)
    monkeypatch.delenv("TF_WORKSPACE", raising=False)
    assert aicost("check", plan("aws_mixed"), "--policy", path).code == 0
    monkeypatch.setenv("TF_WORKSPACE", "prod")
    assert aicost("check", plan("aws_mixed"), "--policy", path).code == 1
    result = aicost("check", plan("aws_mixed"), "--policy", path, "--workspace", "dev")
    assert result.code == 0
    assert (
        aicost(
            "check", plan("aws_mixed"), "--policy", path, "--format", "json", "--workspace", "prod"
        ).json["policy"]["workspace"]
        == "prod"
    )


def test_path_scoping_by_input_file_and_declaring_tf_file(tmp_path: Path) -> None:
    policy = policy_text(tmp_path, SCOPED)
    assert of(run("aws_mixed", policy), "platform-regions") == {}
    assert set(of(run("aws_platform", policy), "platform-regions")) == {
        "aws_instance.frankfurt_infer",
        "aws_instance.mumbai_batch",
    }
    # the lab module's .tf file is known only with --source-dir
    assert of(run("aws_platform", policy), "lab-only") == {}
    lab = of(run("aws_platform", policy, source_dir=TERRAFORM / "aws_platform"), "lab-only")
    assert set(lab) == {"module.lab.aws_instance.box"}
