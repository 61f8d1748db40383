"""The validated policy, cached by content: a check validates a policy once, not every run.

Validating a policy builds pydantic's schemas for every rule type, which costs a check (and a
pre-commit hook) more than reading the policy. :func:`load_cached` keeps the loaded
:class:`Policy` in aicost's cache directory (``$AICOST_CACHE_DIR``, else
``$XDG_CACHE_HOME/aicost`` or ``~/.cache/aicost``), keyed by aicost's version, the policy's
path, how it was found, the working directory (not for the bundled default pack, which
reads the same anywhere) and its bytes; an entry records every file the
policy was built from (``extends`` layers, bundled packs, ``waiver_files``) with their hashes and
is used only while they are all unchanged. Errors always come from a full load (a policy
with an error is never cached), and any problem with the cache falls back to it.
``AICOST_NO_CACHE=1`` turns the cache off.

A cache hit imports neither pydantic (the options are :mod:`aicost.core.declared` models) nor
the YAML reader (the entry leaves out the parsed policy documents, which only ``aicost policy
show`` reads, from a full load).
"""

from __future__ import annotations

import copyreg
import dataclasses
import functools
import hashlib
import importlib
import io
import os
import pickle
import types
from pathlib import Path
from typing import Any

from aicost import __version__
from aicost.core.cachefiles import cache_dir as cache_dir  # re-exported: where entries live
from aicost.core.cachefiles import prune, trusted, write_atomic
from aicost.policy.loader import BUNDLED, LoadedRule, Policy, load_policy

_FORMAT = 3  # 2: options are declared models (not pydantic); 3: without composed/entry


def load_cached(path: Path, origin: str = "--policy") -> Policy:
    """:func:`load_policy`, from the cache when the policy's files are unchanged."""
    if os.environ.get("AICOST_NO_CACHE"):
        return load_policy(path, origin)
    try:
        data = path.read_bytes()
    except OSError:
        return load_policy(path, origin)  # its error message
    # The bundled pack reads the same from any directory: one entry serves every repository.
    where = "" if origin == BUNDLED else os.getcwd()
    key = hashlib.sha256(
        "\0".join((str(_FORMAT), __version__, _code_stamp(), str(path), origin, where)).encode()
        + b"\0"
        + data
    ).hexdigest()
    entry = cache_dir() / "policies" / f"{key}.pickle"
    cached = _read(entry)
    if cached is not None:
        return cached
    policy = load_policy(path, origin)
    _write(entry, policy)
    return policy


@functools.cache
def _code_stamp() -> str:
    """The size and modification time of the code that validates a policy (the policy and
    rule modules, and the ground floor's models), so that a changed aicost (an editable
    install, a rebuilt wheel of the same version) never serves a policy it would now reject."""
    here = Path(__file__).resolve().parent
    parts: list[str] = []
    for directory in (here, here / "rules", here.parent / "core"):
        try:
            with os.scandir(directory) as entries:
                for entry in sorted(entries, key=lambda e: e.name):
                    if entry.name.endswith(".py"):
                        info = entry.stat()
                        parts.append(f"{entry.name}:{info.st_size}:{info.st_mtime_ns}")
        except OSError:
            parts.append(f"{directory.name}:?")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def _digest(path: str) -> str | None:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def _sources(policy: Policy) -> list[str]:
    """Every file the policy was built from."""
    composed = policy.composed
    if composed is None:
        return [policy.path]
    files = [str(layer.document.path) for layer in composed.layers]
    files += [str(found) for found, _ in composed.waiver_files]
    return files


def _read(entry: Path) -> Policy | None:
    if not trusted(entry):  # only a file this user wrote, that nobody else can change
        return None
    try:
        with entry.open("rb") as handle:
            sources, policy = pickle.load(handle)
    except Exception:  # missing, truncated, from another version: load the policy instead
        return None
    if not isinstance(policy, Policy) or not isinstance(sources, list):
        return None
    for name, digest in sources:
        if _digest(name) != digest:
            return None
    return policy


def _module(name: str) -> types.ModuleType:
    return importlib.import_module(name)


def _reduce_module(module: types.ModuleType) -> tuple[Any, tuple[str]]:
    return _module, (module.__name__,)


def _lean(policy: Policy) -> Policy:
    """*policy* without what only ``aicost policy show`` reads (the merged YAML documents and
    where each key came from, which it gets from a full load): ``check`` never uses them, and
    unpickling them would import the YAML reader."""

    def bare(rules: tuple[LoadedRule, ...]) -> tuple[LoadedRule, ...]:
        return tuple(dataclasses.replace(rule, entry=None) for rule in rules)

    return dataclasses.replace(
        policy, rules=bare(policy.rules), disabled=bare(policy.disabled), composed=None
    )


def _write(entry: Path, policy: Policy) -> None:
    try:
        sources = [(name, _digest(name)) for name in _sources(policy)]
        policy = _lean(policy)
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
        # Rules hold their rule module: pickle it by name.
        pickler.dispatch_table = {**copyreg.dispatch_table, types.ModuleType: _reduce_module}
        pickler.dump((sources, policy))
    except Exception:  # an unpicklable value: no cache
        return
    if write_atomic(entry, buffer.getvalue()):  # a read-only home, a full disk: no cache
        prune(entry.parent)
