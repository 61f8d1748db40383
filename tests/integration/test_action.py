"""The GitHub Action: its metadata, its workflows (actionlint), and its steps run end to end.

The end-to-end tests run action.yml's own steps (see ``action_runner``) in a GitHub-like
environment on real inputs, with the comment posted to a local GitHub REST server.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from tests.conftest import FIXTURES, REPO, plan
from tests.forges.github_api import BOT, FakeGitHub, Token
from tests.integration.action_runner import ActionRunner, JobResult, parse_outputs

ACTION = yaml.safe_load((REPO / "action.yml").read_text())
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
EXAMPLE_WORKFLOWS = sorted((REPO / "examples" / "workflows").glob("*.yml"))
BIN = str(Path(sys.executable).parent)
WRITE, READ_ONLY = "ghs_actionWRITE000000", "ghs_actionFORK000000"
_PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def test_composite_without_docker_or_api_key() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert "image" not in ACTION["runs"]
    for step in ACTION["runs"]["steps"]:
        assert not step.get("uses", "").startswith("docker://")
    assert not [name for name in ACTION["inputs"] if "key" in name or "secret" in name]
    assert {"monthly_cost", "delta_monthly_cost", "verdict"} <= set(ACTION["outputs"])
    for name in ("paths", "policy", "baseline", "formats", "comment", "fail-on", "python-version"):
        assert name in ACTION["inputs"]


def test_inputs_reach_scripts_only_through_env() -> None:
    for step in ACTION["runs"]["steps"]:
        if "run" in step:
            assert "${{" not in step["run"], step["name"]
            assert step["shell"] == "bash"
    scripts = "\n".join(p.read_text() for p in (REPO / "action").glob("*.sh"))
    assert "${{" not in scripts


def uses_lines() -> Iterator[tuple[str, str]]:
    for path in [REPO / "action.yml", *WORKFLOWS]:
        for line in path.read_text().splitlines():
            match = re.match(r"\s*(?:-\s*)?uses:\s*(\S+)(.*)", line)
            if match and not match.group(1).startswith("./"):
                yield f"{path.name}: {match.group(1)}", match.group(2)


@pytest.mark.parametrize("where", [w for w, _ in uses_lines()])
def test_sub_actions_are_pinned_by_commit_sha(where: str) -> None:
    comment = dict(uses_lines())[where]
    reference = where.split(": ", 1)[1]
    assert _PINNED.match(reference), reference
    assert re.search(r"#\s*v\d+\.\d+\.\d+", comment), f"{where}: say which version the SHA is"


def test_no_pip_cache_keyed_outside_the_workspace() -> None:
    """setup-python refuses cache-dependency-path outside the workspace, and an
    infrastructure repository has no Python files of its own to key a cache on."""
    setup = next(s for s in ACTION["runs"]["steps"] if "setup-python" in s.get("uses", ""))
    assert "cache" not in setup["with"]
    assert "cache-dependency-path" not in setup["with"]
    assert "action_path" not in json.dumps(setup["with"])


def test_actionlint_passes_on_the_workflows_and_the_action(tmp_path: Path) -> None:
    actionlint = shutil.which("actionlint", path=BIN) or shutil.which("actionlint")
    if actionlint is None:
        pytest.skip("actionlint is not installed (pip install -e '.[dev]')")
    completed = subprocess.run(
        [actionlint, "-no-color", *map(str, WORKFLOWS + EXAMPLE_WORKFLOWS)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    # actionlint reads action.yml through `uses: ./`: a misspelt input is an error.
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    shutil.copy(REPO / "action.yml", tmp_path / "action.yml")
    broken = (REPO / ".github" / "workflows" / "ci.yml").read_text()
    target = tmp_path / ".github" / "workflows" / "ci.yml"
    target.write_text(broken.replace("formats: sarif=", "format: sarif="))
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)  # the project root
    probe = subprocess.run(
        [actionlint, "-no-color", str(target)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert probe.returncode == 1 and 'input "format" is not defined' in probe.stdout


def test_output_files_are_parsed_like_the_runner() -> None:
    text = "a=1\nb<<ghadelimiter_x\nline 1\nline=2\nghadelimiter_x\nc=3\n"
    assert parse_outputs(text) == {"a": "1", "b": "line 1\nline=2", "c": "3"}


# --------------------------------------------------------------------------- end to end


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    with FakeGitHub(tokens={WRITE: Token(BOT), READ_ONLY: Token(BOT, write=False)}) as api:
        yield api


def pr_event(number: int = 42) -> dict[str, object]:
    return {
        "action": "synchronize",
        "number": number,
        "pull_request": {"number": number, "head": {"sha": "a" * 40}},
        "repository": {"full_name": "o/r"},
    }


def run_action(
    workspace: Path,
    github: FakeGitHub,
    inputs: dict[str, str],
    *,
    token: str = WRITE,
    event_name: str = "pull_request",
) -> JobResult:
    runner = ActionRunner(
        REPO,
        workspace,
        event_name=event_name,
        event=pr_event() if event_name == "pull_request" else {},
        token=token,
        api_url=github.url,
    )
    return runner.run(inputs, path_prepend=BIN)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copy(REPO / "examples" / "plan.json", repo / "plan.json")
    shutil.copytree(FIXTURES / "terraform" / "aws_denied", repo / "infra")
    return repo


def test_failing_plan_comments_annotates_and_fails_the_job(
    workspace: Path, github: FakeGitHub
) -> None:
    result = run_action(workspace, github, {"paths": "plan.json"})
    assert [s.kind for s in result.steps] == ["uses", "run", "run", "run", "skipped", "run"]
    assert result.step("Install aicost").stdout.startswith("aicost ")  # already installed
    check = result.step("Check")
    assert check.code == 0  # the check step records the verdict; the gate fails the job
    assert "::error title=aicost spot-training::aws_instance.pretrain" in check.stdout
    report = json.loads(Path(check.outputs["report"]).read_text())
    assert result.outputs["verdict"] == "fail" == report["verdict"]
    assert result.outputs["monthly_cost"] == report["summary"]["monthly_cost"] == "49674.74"
    assert result.outputs["delta_monthly_cost"] == "49674.74"
    (posted,) = github.on(42)
    assert posted["body"].startswith("<!-- aicost-report -->\n### ❌ aicost: fail · +$49,674.74")
    assert result.outputs["comment_url"] == posted["html_url"]
    assert "### ❌ aicost: fail" in result.summary  # the job summary
    gate = result.step("Gate")
    assert gate.code == 1 == result.code
    assert "::error title=aicost::the cost policy failed" in gate.stdout


def test_second_run_updates_the_sticky_comment_and_baseline_delta(
    workspace: Path, github: FakeGitHub
) -> None:
    subprocess.run(
        [f"{BIN}/aicost", "check", "plan.json", "--format", "json=base.json"],
        cwd=workspace,
        capture_output=True,
        check=False,
    )
    shutil.copy(plan("aws_compliant"), workspace / "plan.json")
    first = run_action(workspace, github, {"paths": "plan.json", "baseline": "base.json"})
    second = run_action(workspace, github, {"paths": "plan.json", "baseline": "base.json"})
    assert first.code == second.code == 0
    (posted,) = github.on(42)  # one sticky comment
    assert "### ✅ aicost: pass" in posted["body"]
    delta = Decimal("2098.02") - Decimal("49674.74")
    assert Decimal(second.outputs["delta_monthly_cost"]) == delta
    assert f"-${abs(delta):,.2f}/month" in posted["body"]


def test_fork_token_cannot_comment_but_the_gate_still_decides(
    workspace: Path, github: FakeGitHub
) -> None:
    shutil.copy(plan("aws_compliant"), workspace / "plan.json")
    result = run_action(workspace, github, {"paths": "plan.json"}, token=READ_ONLY)
    comment = result.step("Comment on the pull request")
    assert comment.code == 0
    assert "GitHub refused to write the comment (403" in comment.stderr
    assert "workflow_run" in comment.stderr
    assert github.on(42) == []
    assert result.code == 0 and result.outputs["verdict"] == "pass"
    assert READ_ONLY not in result.log


def test_static_mode_annotates_tf_lines_and_writes_sarif(
    workspace: Path, github: FakeGitHub
) -> None:
    result = run_action(
        workspace,
        github,
        {
            "paths": "infra",
            "upload-sarif": "true",
            "formats": "junit=out/aicost.xml",
            "comment": "off",
        },
    )
    check = result.step("Check")
    assert "::error file=infra/main.tf,line=31,title=aicost gpu-families::" in check.stdout
    assert result.step("Upload SARIF").kind == "uses"  # its `if:` held: a SARIF was written
    sarif = json.loads(Path(check.outputs["sarif"]).read_text())
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in sarif["runs"][0]["results"]
    }
    assert uris == {"infra/main.tf"}
    assert (workspace / "out" / "aicost.xml").is_file()
    assert github.requests == []  # comment: off
    assert result.code == 1


def test_push_events_do_not_comment(workspace: Path, github: FakeGitHub) -> None:
    shutil.copy(plan("aws_compliant"), workspace / "plan.json")
    result = run_action(workspace, github, {"paths": "plan.json"}, event_name="push")
    assert "not a pull_request event" in result.step("Comment on the pull request").stdout
    assert github.requests == [] and result.code == 0


def test_inputs_are_data_not_shell(workspace: Path, github: FakeGitHub) -> None:
    result = run_action(
        workspace,
        github,
        {
            "paths": 'plan.json;touch${IFS}pwned1 $(touch pwned2) "`touch pwned3`" '
            "*$(touch${IFS}pwned6).json",
            "policy": "$(touch pwned4)",
            "comment-tag": "x'; touch pwned5; echo '",
        },
    )
    assert not list(workspace.glob("pwned*"))
    assert result.outputs["verdict"] == "error"
    assert result.code == 2
    assert "::error title=aicost::aicost could not read its input or policy" in result.log


def test_glob_paths_check_every_workspace(workspace: Path, github: FakeGitHub) -> None:
    for name in ("a", "b"):
        (workspace / "ws" / name).mkdir(parents=True)
        shutil.copy(plan("aws_compliant"), workspace / "ws" / name / "plan.json")
    result = run_action(workspace, github, {"paths": "ws/*/plan.json", "comment": "off"})
    report = json.loads(Path(result.step("Check").outputs["report"]).read_text())
    assert [p["key"] for p in report["projects"]] == ["ws/a/plan.json", "ws/b/plan.json"]
    assert result.code == 0


def test_unparsable_file_fails_the_check_as_terraform_would(
    workspace: Path, github: FakeGitHub
) -> None:
    (workspace / "infra" / "broken.tf").write_text('resource "x" "y" {\n  a = \n}\n')
    result = run_action(workspace, github, {"paths": "infra", "comment": "off"})
    check = result.step("Check")
    assert check.outputs["exit_code"] == "2" and check.outputs["verdict"] == "error"
    assert "infra/broken.tf:2:" in check.stderr and "cannot parse HCL" in check.stderr


def test_missing_baseline_is_a_warning(workspace: Path, github: FakeGitHub) -> None:
    shutil.copy(plan("aws_compliant"), workspace / "plan.json")
    result = run_action(
        workspace, github, {"paths": "plan.json", "baseline": "base.json", "comment": "off"}
    )
    assert "::warning title=aicost::baseline report base.json not found" in result.log
    assert result.code == 0
