"""The pre-commit hooks, run by the real `pre-commit` tool (`pre-commit try-repo`).

`try-repo` builds the hook's environment by pip-installing this repository (its working
tree, uncommitted changes included) into a fresh virtualenv, then runs the hook in a
temporary git repository with staged files, as a user's `git commit` would.

The build never needs a package index: pip runs with ``--no-index``, ``--no-deps`` and no
build isolation, and finds the build backend (hatchling) and aicost's dependencies on
``PYTHONPATH`` (this test environment's site-packages). Only aicost itself is installed into
the hook's environment, from the working tree, so the hook runs the code under test.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from aicost.cli import COMMANDS
from aicost.sources import SOURCES
from tests.conftest import CORPUS, FIXTURES, REPO

PRE_COMMIT = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or shutil.which(
    "pre-commit"
)
HOOKS = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}

#: Where this environment's packages live: the hook's pip finds hatchling and aicost's
#: dependencies here instead of on a package index.
SITE_PACKAGES = [p for p in sys.path if p.endswith("site-packages")]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(PRE_COMMIT is None, reason="pre-commit is not installed"),
]


@dataclass
class Hook:
    code: int
    output: str


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    repo = tmp_path / "infra-repo"
    repo.mkdir()
    git(repo, "init", "-q")
    yield repo


def try_repo(repo: Path, hook: str, home: Path, *files: str) -> Hook:
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(home),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        # Offline and fast: no index, no retries, nothing but the working tree is installed.
        "PIP_NO_INDEX": "1",
        "PIP_NO_DEPS": "1",
        "PIP_NO_BUILD_ISOLATION": "0",
        "PIP_RETRIES": "0",
        "PYTHONPATH": os.pathsep.join(SITE_PACKAGES),
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("PIP_FIND_LINKS", None)
    completed = subprocess.run(
        [str(PRE_COMMIT), "try-repo", str(REPO), hook, "--verbose", "--files", *files],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    output = completed.stdout + completed.stderr
    if completed.returncode == 3 or "An unexpected error has occurred" in output:
        log = home / "pre-commit.log"
        detail = log.read_text()[-1500:] if log.is_file() else output[-1500:]
        pytest.fail(f"pre-commit could not build the hook environment offline: {detail}")
    return Hook(completed.returncode, output)


def test_hook_definitions() -> None:
    terraform = HOOKS["aicost-terraform"]
    assert terraform["entry"].startswith("aicost check")
    assert terraform["language"] == "python"
    assert re.search(terraform["files"], "envs/prod/main.tf")
    assert re.search(terraform["files"], "gpu.tofu") and re.search(terraform["files"], "x.tfvars")
    assert not re.search(terraform["exclude"], "envs/prod/main.tf")
    assert re.search(terraform["exclude"], "envs/prod/.terraform/modules/x/main.tf")
    assert terraform["require_serial"] is True  # one process groups files by root module
    assert HOOKS["aicost-policy-test"]["entry"] == "aicost policy test"
    assert HOOKS["aicost-policy-test"]["pass_filenames"] is False
    manifests = HOOKS["aicost-manifests"]
    assert re.search(manifests["exclude"], ".github/workflows/ci.yml")
    assert re.search(manifests["exclude"], "aicost.yaml")
    assert not re.search(manifests["exclude"], "jobs/train.yaml")


def test_terraform_hook_passes_and_fails_on_staged_files(
    project: Path, pre_commit_home: Path
) -> None:
    shutil.copytree(FIXTURES / "terraform" / "aws_compliant", project / "envs" / "prod")
    git(project, "add", ".")
    passed = try_repo(project, "aicost-terraform", pre_commit_home, "envs/prod/main.tf")
    assert passed.code == 0, passed.output
    assert re.search(r"aicost cost gate \(Terraform\)\.+Passed", passed.output)
    assert "aicost: PASS · $2,098.02/month" in passed.output

    main = project / "envs" / "prod" / "main.tf"
    main.write_text(main.read_text().replace('"g6.xlarge"', '"p3.2xlarge"'))
    git(project, "add", ".")
    failed = try_repo(project, "aicost-terraform", pre_commit_home, "envs/prod/main.tf")
    assert failed.code == 1
    assert re.search(r"aicost cost gate \(Terraform\)\.+Failed", failed.output)
    assert re.search(
        r"envs/prod/main\.tf:\d+: error: \[gpu-families\] aws_instance\.infer_reserved: "
        r"p3\.2xlarge \(V100\) is in a denied GPU family",
        failed.output,
    )


@pytest.mark.skipif(
    "policy" not in COMMANDS,
    reason="`aicost policy test` is not registered in aicost/cli/__init__.py COMMANDS yet "
    "(the policy engine's work); enable this test once it is",
)
def test_policy_test_hook(project: Path, pre_commit_home: Path) -> None:
    shutil.copy(REPO / "policies" / "default.yaml", project / "aicost.yaml")
    git(project, "add", ".")
    result = try_repo(project, "aicost-policy-test", pre_commit_home, "aicost.yaml")
    assert result.code == 0, result.output


@pytest.mark.skipif(
    not any(not kind.startswith("terraform") for kind in SOURCES),
    reason="no ML/LLM manifest source is registered in aicost/sources SOURCES yet "
    "(the manifest work); enable this test once one is",
)
def test_manifests_hook(project: Path, pre_commit_home: Path) -> None:
    source = CORPUS / "manifests" / "kubeflow__training-operator__examples_pytorch_simple.yaml"
    (project / "jobs").mkdir()
    shutil.copy(source, project / "jobs" / "train.yaml")
    git(project, "add", ".")
    result = try_repo(project, "aicost-manifests", pre_commit_home, "jobs/train.yaml")
    assert result.code in (0, 1), result.output
    assert "aicost: " in result.output
