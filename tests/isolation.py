"""A fresh clone is enough: no test reads beside the clone or talks to a non-loopback address.

An audit hook (PEP 578) watches every ``open``, directory listing and socket connection made
in the test process. Reading anything that sat beside the repository when the session started
(``../shared``, a sibling checkout, ...) or connecting anywhere but loopback is recorded; the
test that did it then errors, naming the path or address. Files the tests create themselves
(pytest's and ``tempfile``'s scratch directories) are created after the snapshot, so they are
allowed even when the clone sits in ``/tmp``.
"""

from __future__ import annotations

import ipaddress
import os
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent

#: What was recorded since the last ``take()``: human-readable descriptions.
_seen: list[str] = []
_forbidden: tuple[str, ...] = ()
_active = False


def _siblings(repo: Path) -> tuple[str, ...]:
    """Every entry beside the clone when the session starts, except pytest's scratch root."""
    parent = repo.parent
    try:
        names = os.listdir(parent)
    except OSError:
        return ()
    allowed = {repo.name, f"pytest-of-{_user()}"}
    return tuple(str(parent / name) for name in sorted(names) if name not in allowed)


def _user() -> str:
    try:
        import getpass

        return getpass.getuser()
    except Exception:  # pragma: no cover - no user name: nothing to allow
        return ""


def forbidden(path: str | bytes | os.PathLike[str], roots: tuple[str, ...] | None = None) -> bool:
    """True when ``path`` lies in one of ``roots`` (default: the session's snapshot)."""
    text = os.path.abspath(os.fsdecode(path))
    for root in _forbidden if roots is None else roots:
        if text == root or text.startswith(root + os.sep):
            return True
    return False


def _loopback(address: Any) -> bool:
    if isinstance(address, str):  # AF_UNIX
        return True
    if not isinstance(address, tuple) or not address:
        return True
    host = str(address[0])
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if not _active:
        return
    if event in ("open", "os.listdir", "os.scandir"):
        path = args[0] if args else None
        if isinstance(path, str | bytes | os.PathLike) and forbidden(path):
            _seen.append(f"read {os.fsdecode(path)} (outside the clone)")
    elif event == "socket.connect" and len(args) >= 2 and not _loopback(args[1]):
        _seen.append(f"connected to {args[1]!r} (not loopback)")


def install() -> None:
    """Start watching (once per process)."""
    global _forbidden, _active
    if _active:
        return
    _forbidden = _siblings(REPO)
    sys.addaudithook(_hook)
    _active = True


def take() -> list[str]:
    """What was recorded since the last call (and forget it)."""
    found = list(dict.fromkeys(_seen))
    _seen.clear()
    return found
