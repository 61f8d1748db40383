"""The action in a scratch infrastructure repository: no pyproject.toml, no Python files, raw
Terraform on an existing estate. The action builds the base branch's report itself (a git
worktree of the pull request's base commit) and compares, so the comment headlines the
change and, with ``new-only``, only new findings fail."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, REPO
from tests.forges.github_api import BOT, FakeGitHub, Token
from tests.integration.action_runner import ActionRunner, JobResult
from tests.integration.test_action import BIN, WRITE

NEW_GPU = """
resource "aws_instance" "new_v100" {
  ami           = "ami-0d1e2f3a4b5c6d7e8"
  instance_type = "p3.2xlarge"
  tags = {
    team        = "vision"
    environment = "prod"
    workload    = "batch"
    model       = "resnet-50"
    "use-case"  = "classification"
  }
}
"""


def git(repo: Path, *args: str) -> str:
    completed = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    )
    return completed.stdout.strip()


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    with FakeGitHub(tokens={WRITE: Token(BOT)}) as api:
        yield api


@pytest.fixture
def estate(tmp_path: Path) -> tuple[Path, str]:
    """An infrastructure repository: main has an estate that already breaks the policy."""
    repo = tmp_path / "infra-repo"
    shutil.copytree(FIXTURES / "terraform" / "aws_denied", repo / "envs" / "prod")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "estate")
    base = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-qb", "feature")
    assert not list(repo.rglob("pyproject.toml")) and not list(repo.rglob("*.py"))
    return repo, base


def run(repo: Path, base: str, github: FakeGitHub, inputs: dict[str, str]) -> JobResult:
    event = {
        "action": "synchronize",
        "number": 7,
        "pull_request": {"number": 7, "head": {"sha": "a" * 40}, "base": {"sha": base}},
        "repository": {"full_name": "o/r"},
    }
    runner = ActionRunner(REPO, repo, event=event, token=WRITE, api_url=github.url)
    return runner.run(inputs, path_prepend=BIN)


def test_unchanged_estate_passes_with_new_only_and_headlines_no_change(
    estate: tuple[Path, str], github: FakeGitHub
) -> None:
    repo, base = estate
    (repo / "envs" / "prod" / "README.md").write_text("docs only\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "docs")
    result = run(repo, base, github, {"paths": "envs/prod", "new-only": "true"})
    check = result.step("Check")
    assert "checking the base branch" in check.stdout, check.stdout + check.stderr
    assert Path(check.outputs["base_report"]).is_file()
    assert result.outputs["verdict"] == "pass", check.stdout + check.stderr
    assert result.outputs["delta_monthly_cost"] == "0.00"
    (posted,) = github.on(7)
    assert "### ✅ aicost: pass · $0.00/month" in posted["body"]
    assert "already in the base branch" in posted["body"]
    assert result.code == 0
    assert git(repo, "worktree", "list").count("\n") == 0  # the base worktree is gone


def test_a_new_finding_fails_and_the_headline_is_the_change(
    estate: tuple[Path, str], github: FakeGitHub
) -> None:
    repo, base = estate
    main = repo / "envs" / "prod" / "main.tf"
    main.write_text(main.read_text() + NEW_GPU)
    git(repo, "commit", "-qam", "add a V100")
    result = run(
        repo,
        base,
        github,
        {"paths": "envs/prod", "new-only": "true", "upload-sarif": "true", "workspace": "prod"},
    )
    report = json.loads(Path(result.step("Check").outputs["report"]).read_text())
    failing = {f["address"] for f in report["findings"] if f["fails"]}
    assert failing == {"aws_instance.new_v100"}
    (posted,) = github.on(7)
    headline = posted["body"].splitlines()[1]
    assert headline.startswith("### ❌ aicost: fail · +$") and "+$4" not in headline[:20]
    delta = report["baseline"]["delta_monthly_cost"]
    assert float(delta) > 0 and float(delta) < float(report["summary"]["monthly_cost"])
    check = result.step("Check")
    assert check.outputs["sarif_category"] == "aicost/prod"
    sarif = json.loads(Path(check.outputs["sarif"]).read_text())
    assert sarif["runs"][0]["automationDetails"]["id"] == "aicost/prod/"
    assert all(r.get("locations") for r in sarif["runs"][0]["results"])
    assert result.code == 1


def test_inputs_reach_aicost(estate: tuple[Path, str], github: FakeGitHub) -> None:
    repo, base = estate
    expires = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    (repo / "waivers.yaml").write_text(
        "version: 1\nwaivers:\n  - rule: gpu-families\n"
        f"    reason: legacy fleet\n    owner: ml\n    expires: {expires}\n"
    )
    result = run(
        repo,
        base,
        github,
        {
            "paths": "envs/prod",
            "compare-base": "false",
            "waivers": "waivers.yaml",
            "soft-fail": "true",
            "comment-author": "someone-else",
        },
    )
    check = result.step("Check")
    assert "base_report" not in check.outputs, check.stdout + check.stderr
    report = json.loads(Path(check.outputs["report"]).read_text())
    families = [f for f in report["findings"] if f["rule"] == "gpu-families"]
    assert families and all(f["waived"] for f in families), check.stderr
    assert "--soft-fail" in report["policy"]["gate"]
    assert result.code == 0
