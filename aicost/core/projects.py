"""Project keys: how a check's inputs, a baseline report and merged reports name a project."""

from __future__ import annotations

import functools
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


def real(path: str | Path) -> str:
    """``os.path.realpath``, asked per workload and per inline-waiver file: memoised (a run
    sees no symlink change), and a file's directory is resolved once for all its files."""
    return _real(os.path.abspath(path))


@functools.lru_cache(maxsize=16384)
def _real(path: str) -> str:
    directory, name = os.path.split(path)
    if not name or os.path.islink(path):
        return os.path.realpath(path)
    return os.path.join(_real_directory(directory), name)


@functools.lru_cache(maxsize=1024)
def _real_directory(path: str) -> str:
    return os.path.realpath(path)


def display(path: str | Path) -> str:
    """A path as users write globs for: relative to the current directory when under it."""
    # Asked per workload and per finding, for a handful of files.
    return _display(str(path), os.getcwd())


@functools.lru_cache(maxsize=4096)
def _display(path: str, cwd: str) -> str:
    text = os.path.normpath(path)
    if os.path.isabs(text):
        try:
            rel = relative_path(text, cwd)
        except ValueError:
            return Path(text).as_posix()
        if not rel.startswith(".."):
            text = rel
    # A normalised POSIX path is its own as_posix() (no Path built: one per manifest).
    return text if os.sep == "/" else Path(text).as_posix()
