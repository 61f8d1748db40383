"""The suite needs nothing beside the clone (README: a fresh clone is enough)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from tests import isolation
from tests.conftest import REPO


def test_reads_beside_the_clone_are_caught(tmp_path: Path) -> None:
    beside = tmp_path / "shared"
    (beside / "corpus").mkdir(parents=True)
    (beside / "corpus" / "plan.json").write_text("{}")
    roots = (str(beside),)
    assert isolation.forbidden(beside / "corpus" / "plan.json", roots)
    assert isolation.forbidden(beside, roots)
    assert not isolation.forbidden(tmp_path / "shared-not", roots)
    assert not isolation.forbidden(REPO / "tests" / "fixtures", roots)


def test_the_watch_records_a_read_beside_the_clone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    beside = tmp_path / "shared"
    beside.mkdir()
    (beside / "SOURCES.md").write_text("x")
    monkeypatch.setattr(isolation, "_forbidden", (str(beside),))
    (beside / "SOURCES.md").read_text()
    sorted(beside.iterdir())
    found = isolation.take()
    assert any("SOURCES.md (outside the clone)" in f for f in found)
    assert any(f"read {beside} " in f for f in found)


def test_the_watch_records_a_connection_beyond_loopback() -> None:
    # the audit event alone (as socket.connect raises it): no packet leaves the machine
    sys.audit("socket.connect", None, ("192.0.2.1", 9))
    sys.audit("socket.connect", None, ("127.0.0.1", 8080))
    sys.audit("socket.connect", None, ("::1", 8080, 0, 0))
    assert isolation.take() == ["connected to ('192.0.2.1', 9) (not loopback)"]


def test_no_test_names_a_path_beside_the_clone() -> None:
    """Subprocesses escape the audit hook: the test sources must not name ../shared either."""
    pattern = re.compile(r"""\.\./shared|parent\s*/\s*["']shared["']|/work/shared""")
    offenders = [
        str(path.relative_to(REPO))
        for path in sorted((REPO / "tests").rglob("*.py"))
        if path.name not in ("test_isolation.py", "isolation.py")
        and pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
