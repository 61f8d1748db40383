"""Project keys: how a check's inputs, a baseline report and merged reports name a project."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath


def project_key(path: str) -> str:
    """A project's key: its path relative to the working directory, with ``/`` separators."""
    if not path:
        return path
    cwd = os.getcwd()
    found = _PROJECT_KEYS.get((path, cwd))
    if found is None:
        found = _PROJECT_KEYS[(path, cwd)] = _project_key(path)
    return found


#: (path, working directory) -> key: every workload and finding asks, for a few inputs.
_PROJECT_KEYS: dict[tuple[str, str], str] = {}


def _project_key(path: str) -> str:
    if os.sep == "/" and os.altsep is None:
        # POSIX: what the pathlib round trip below gives, without building three paths.
        if os.path.isabs(path):
            try:
                relative = relative_path(os.path.normpath(path), os.getcwd())
            except (OSError, ValueError):
                relative = ".."
            if not relative.startswith(".."):
                path = relative
        return os.path.normpath(path)
    try:
        candidate = Path(path)
        if candidate.is_absolute():
            relative = os.path.relpath(candidate, Path.cwd())
            if not relative.startswith(".."):
                path = relative
    except (OSError, ValueError):
        pass
    return str(PurePosixPath(Path(os.path.normpath(path)).as_posix()))


def relative_path(path: str, start: str) -> str:
    """``os.path.relpath(path, start)`` for a normalised absolute *path* and working
    directory *start*: the rest of *path* when it is under *start* (a slice, where relpath
    splits both paths; asked once per manifest of a directory of thousands)."""
    if (
        os.sep == "/"
        and os.altsep is None
        and len(start) > 1
        and path.startswith(start)
        and path[len(start) : len(start) + 1] == "/"
    ):
        return path[len(start) + 1 :]
    return os.path.relpath(path, start)
