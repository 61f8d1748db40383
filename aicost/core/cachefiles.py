"""aicost's cache directory and its files: where they live, which may be read, how they are
written.

Caches hold pickles (the validated policy, the HCL parser), so only a file this user wrote,
in a directory nobody else can write, is ever read; writes are atomic (a reader sees the old
file or the new one, never half of one), and any failure to write just means no cache.
"""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """``$AICOST_CACHE_DIR``, else ``$XDG_CACHE_HOME/aicost``, else ``~/.cache/aicost``."""
    configured = os.environ.get("AICOST_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "aicost"


def trusted(entry: Path) -> bool:
    """Whether *entry* may be unpickled: it and its directory belong to this user and
    neither is writable by group or others."""
    try:
        stat = entry.stat()
        folder = entry.parent.stat()
    except OSError:
        return False
    uid = os.getuid() if hasattr(os, "getuid") else stat.st_uid
    return (
        stat.st_uid == uid
        and folder.st_uid == uid
        and not stat.st_mode & 0o022
        and not folder.st_mode & 0o022
    )


def write_atomic(entry: Path, data: bytes) -> bool:
    """Write *data* to *entry* (creating its directory, private); False when it cannot."""
    import tempfile  # only to write: it imports random and shutil

    try:
        entry.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with tempfile.NamedTemporaryFile(dir=entry.parent, delete=False, suffix=".tmp") as tmp:
            tmp.write(data)
        os.replace(tmp.name, entry)
    except OSError:
        return False
    return True


#: Entries a cache directory keeps (:func:`prune`): each is a few kilobytes.
KEEP = 256


def prune(directory: Path, keep: int | None = None, prefix: str = "") -> int:
    """Remove all but the *keep* most recently written entries (``PREFIX*.pickle``) of
    *directory*, and temporary files a killed writer left (older than an hour); the number
    removed. Called
    after a write (a cache miss), never on a hit: a cache keyed by content would otherwise
    grow with every edit of a policy, for ever. Errors are ignored (another process may be
    pruning too)."""
    import time

    keep = KEEP if keep is None else keep
    try:
        entries = [(e.stat().st_mtime, e) for e in os.scandir(directory) if e.is_file()]
    except OSError:
        return 0
    removed = 0
    cutoff = time.time() - 3600
    kept = []
    for mtime, entry in entries:
        if entry.name.endswith(".tmp"):
            if mtime < cutoff and _remove(entry.path):
                removed += 1
        elif entry.name.startswith(prefix) and entry.name.endswith(".pickle"):
            kept.append((mtime, entry))
    kept.sort(key=lambda pair: pair[0], reverse=True)
    for _, entry in kept[keep:]:
        removed += _remove(entry.path)
    return removed


def _remove(path: str) -> bool:
    try:
        os.unlink(path)
    except OSError:
        return False
    return True
