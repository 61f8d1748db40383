"""Writing command output to files, with one-line errors."""

from __future__ import annotations

import os
from pathlib import Path

from aicost.core.errors import UsageError


def write_file(path: Path, text: str | bytes, what: str = "report") -> None:
    """Write *text* (or UTF-8 bytes) to *path*, creating its directory; a failure is a usage
    error (exit 2)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            # as text mode writes it: line ends translated where they are not "\n"
            newline = os.linesep.encode()
            path.write_bytes(text if newline == b"\n" else text.replace(b"\n", newline))
        else:
            path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {what}: {exc.strerror or exc}", path=path) from None
