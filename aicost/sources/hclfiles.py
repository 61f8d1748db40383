"""Terraform configuration on disk: which files and directories static mode reads, and how
their paths are shown. Shared by :mod:`aicost.sources.hcl` (the input kind) and
:mod:`aicost.sources.hclstatic` (the reader).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

KIND = "terraform-hcl"

CONFIG_SUFFIXES = (".tf", ".tofu")
VARS_SUFFIXES = (".tfvars", ".tfvars.json")
#: Directories never searched for configuration.
SKIP_DIRS = frozenset({".terraform", ".git", "node_modules", ".venv", "__pycache__"})


def display(path: Path | str) -> str:
    """A path as reports show it: relative to the working directory when inside it."""
    text = os.path.normpath(str(path))
    try:
        relative = Path(text).resolve().relative_to(Path.cwd().resolve())
    except (ValueError, OSError):
        return Path(text).as_posix()
    return relative.as_posix() or "."


def config_files(directory: Path) -> list[Path]:
    """A module's configuration files (``foo.tofu`` replaces ``foo.tf``, as in OpenTofu)."""
    try:
        entries = sorted(p for p in directory.iterdir() if p.is_file())
    except OSError:
        return []
    files = [p for p in entries if p.name.endswith(CONFIG_SUFFIXES)]
    tofu = {p.name[: -len(".tofu")] for p in files if p.name.endswith(".tofu")}
    return [p for p in files if not (p.name.endswith(".tf") and p.name[:-3] in tofu)]


def config_dirs(base: Path, limit: int | None = None) -> Iterator[Path]:
    """Directories under *base* with configuration files (hidden and tool directories skipped)."""
    found = 0
    for current, dirs, files in os.walk(base):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        if any(f.endswith(CONFIG_SUFFIXES) for f in files):
            yield Path(current)
            found += 1
            if limit is not None and found >= limit:
                return
