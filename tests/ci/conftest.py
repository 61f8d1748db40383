"""Tests of the CI pieces run the same inside GitHub Actions as on a laptop.

The runner's own variables would otherwise leak into the code under test: report paths are
made relative to $GITHUB_WORKSPACE, the github format appends to $GITHUB_STEP_SUMMARY, and
`aicost comment` reads the token, repository and event from the environment.
"""

from __future__ import annotations

import pytest

RUNNER_VARIABLES = (
    "GITHUB_STEP_SUMMARY",
    "GITHUB_WORKSPACE",
    "GITHUB_TOKEN",
    "GH_TOKEN",
    "GITHUB_EVENT_PATH",
    "GITHUB_REPOSITORY",
    "GITHUB_API_URL",
    "GITHUB_OUTPUT",
)


@pytest.fixture(autouse=True)
def no_runner_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in RUNNER_VARIABLES:
        monkeypatch.delenv(name, raising=False)
