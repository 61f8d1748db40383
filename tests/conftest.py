"""Shared test helpers: paths to fixtures (the vendored public corpus included), a CLI runner."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from aicost.cli import main
from tests import isolation

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
PLANS = FIXTURES / "plans"
#: Real public inputs (Terraform, plans, manifests), vendored with their sources and licences.
CORPUS = FIXTURES / "corpus"
#: Public price snapshots and the SARIF schema the tables and reports are checked against.
REFERENCE = FIXTURES / "reference"


@dataclass
class CliResult:
    code: int
    out: str
    err: str

    @property
    def json(self) -> Any:
        return json.loads(self.out)


Runner = Callable[..., CliResult]


@pytest.fixture
def aicost(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Runner:
    """Run the CLI in-process from an empty working directory (no ./aicost.yaml)."""
    monkeypatch.chdir(tmp_path)

    def run(*args: str | Path) -> CliResult:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


def plan(name: str) -> Path:
    path = PLANS / f"{name}.json"
    assert path.is_file(), f"missing fixture {path}; run scripts/regen_plans.sh"
    return path


@pytest.fixture(autouse=True)
def _isolated_price_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Tests never read the developer's own price directory (``aicost pricing refresh``)."""
    monkeypatch.setenv("AICOST_PRICING_DIR", str(tmp_path_factory.getbasetemp() / "no-user-prices"))
    # Validated policies are cached in this run's own directory, never the developer's.
    monkeypatch.setenv("AICOST_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "aicost-cache"))


def pytest_configure(config: pytest.Config) -> None:
    """Watch, from collection on, for reads beside the clone and non-loopback connections."""
    isolation.install()


def pytest_collection_finish(session: pytest.Session) -> None:
    found = isolation.take()
    if found:
        raise pytest.UsageError("collecting the tests " + "; ".join(found))


@pytest.fixture(autouse=True)
def _nothing_outside_the_clone() -> Iterator[None]:
    """A test errors if it read anything beside the clone or connected beyond loopback."""
    isolation.take()
    yield
    found = isolation.take()
    if found:
        pytest.fail("a test must need nothing beside the clone: " + "; ".join(found))


#: The runner's own variables would otherwise leak into the code under test: report paths are
#: made relative to $GITHUB_WORKSPACE, the github format appends to $GITHUB_STEP_SUMMARY, and
#: `aicost comment` reads the token, repository and event from the environment.
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
