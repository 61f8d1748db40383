"""Helpers for manifest and LLM tests: write an input, run the pipeline on it."""

from __future__ import annotations

from pathlib import Path

from aicost.pipeline import CheckResult, run_check
from aicost.policy.loader import Policy, load_policy
from aicost.sources.usage import Usage
from tests.conftest import REPO

DEFAULT_POLICY = REPO / "policies" / "default.yaml"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def policy(tmp_path: Path, text: str | None = None) -> Policy:
    if text is None:
        return load_policy(DEFAULT_POLICY)
    return load_policy(write(tmp_path, "policy.yaml", text))


def check(paths: list[Path], pol: Policy, usage: Usage | None = None) -> CheckResult:
    return run_check(paths, pol, usage=usage)
