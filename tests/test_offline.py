"""`aicost check` never opens a network connection and never imports a cloud SDK."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import PLANS, REPO

# Runs aicost in a fresh interpreter with an audit hook that records every socket
# operation (connect, DNS lookups, bind) and every module import of a cloud SDK.
PROBE = r"""
import json, sys
events = []
def hook(event, args):
    if event.startswith("socket.") and event not in ("socket.__new__",):
        events.append(event)
sys.addaudithook(hook)
from aicost.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
sdk = sorted(m for m in sys.modules if m.split(".")[0] in ("boto3", "botocore", "azure", "grpc")
             or m.startswith("google.cloud"))
print(json.dumps({"code": code, "events": events, "sdk": sdk}), file=sys.stderr)
"""


def probe(*args: str) -> dict[str, object]:
    completed = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
        timeout=120,
    )
    last = completed.stderr.strip().splitlines()[-1]
    result: dict[str, object] = json.loads(last)
    return result


def test_check_opens_no_socket_and_imports_no_sdk(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = probe("check", str(PLANS / "aws_mixed.json"), "--format", f"json={out}")
    assert result["code"] in (0, 1)
    assert result["events"] == [], "aicost check touched the network"
    assert result["sdk"] == [], "aicost check imported a cloud SDK"
    assert json.loads(out.read_text())["resources"], "the probe must have priced something"


def test_version_touches_nothing() -> None:
    result = probe("--version")
    assert result["code"] == 0
    assert result["events"] == [] and result["sdk"] == []


def test_probe_would_see_a_connection() -> None:
    """The audit hook above does catch network use (so the tests above can fail)."""
    code = PROBE.split("from aicost.cli import main")[0] + (
        "import socket\n"
        "try:\n"
        "    socket.create_connection(('127.0.0.1', 9), timeout=0.1)\n"
        "except OSError:\n"
        "    pass\n"
        "print(json.dumps(events), file=sys.stderr)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
    )
    events = json.loads(completed.stderr.strip().splitlines()[-1])
    assert "socket.connect" in events
