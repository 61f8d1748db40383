"""Writing command output to files, with one-line errors."""

from __future__ import annotations

from pathlib import Path

from aicost.core.errors import UsageError


def write_file(path: Path, text: str, what: str = "report") -> None:
    """Write *text* to *path*, creating its directory; a failure is a usage error (exit 2)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {what}: {exc.strerror or exc}", path=path) from None
