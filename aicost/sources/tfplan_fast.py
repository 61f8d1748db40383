"""A selective, typed decode of a plan's JSON: only the sections aicost reads.

``terraform show -json`` repeats every resource in ``planned_values`` and ``prior_state``
and adds ``relevant_attributes``, ``output_changes`` and more; aicost reads only
``resource_changes``, the ``configuration`` (providers, references), the root
``variables`` and a few keys that tell a plan from something else. msgspec skips the rest
without building Python objects for it (about half of a large plan), so a plan costs less
time and memory than ``json.load`` of the same file.

Each ``resource_changes`` entry is decoded into an :class:`Entry` whose fields have the
types Terraform writes (string ``address``, ``mode`` ``managed`` or ``data``, ``actions``
a list of known actions, ``before``/``after`` objects or null...): msgspec checks those
shapes in C while it decodes, and the plan reader builds its resource changes from the
entries without a Python pass over JSON objects. What the types cannot say (an empty
address, a create with no ``after``, a provider address) the reader checks per entry.

Anything unusual (a byte order mark, UTF-16, the setup-terraform wrapper, invalid JSON or
any value of a type Terraform does not write, a file over the size limit) returns None: the
caller then reads the file with the standard library and reports problems exactly as before.
That includes numbers no float or Python integer holds (``1e400``, thousands of digits) in
the sections aicost reads: msgspec refuses them and the full reader names them. In the
sections skipped here (``planned_values``, ``prior_state``...) such numbers are not looked at.
"""

from __future__ import annotations

import mmap
from pathlib import Path
from typing import Any, Literal

import msgspec

from aicost.sources.base import MAX_INPUT_BYTES

#: The actions Terraform and OpenTofu write (plancheck._KNOWN_ACTIONS).
_Action = Literal["create", "update", "delete", "no-op", "read", "forget"]


class Change(msgspec.Struct, gc=False):
    """An entry's ``change``, typed as Terraform writes it (else the full reader's errors)."""

    actions: tuple[_Action, ...]
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    # Decoded once per distinct text (:func:`_unknown_trees`).
    after_unknown: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET
    # Sensitivity marks are read only where they say ``true`` (see mappers.base._marked);
    # most plans mark nothing, so they are decoded only when they do (:func:`marks`).
    before_sensitive: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET
    after_sensitive: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET


class Entry(msgspec.Struct, gc=False):
    """A ``resource_changes`` entry, typed as Terraform writes it."""

    address: str
    type: str
    change: Change
    mode: Literal["managed", "data"] = "managed"
    name: str | msgspec.UnsetType = msgspec.UNSET
    provider_name: str | msgspec.UnsetType = msgspec.UNSET
    module_address: str | None = None
    index: Any = None


class _Plan(msgspec.Struct):
    format_version: Any = msgspec.UNSET
    resource_changes: list[Entry] | msgspec.UnsetType = msgspec.UNSET
    configuration: Any = msgspec.UNSET
    variables: Any = msgspec.UNSET
    errored: Any = msgspec.UNSET
    deferred_changes: Any = msgspec.UNSET
    # Only whether these are present matters (telling a plan from state and the like).
    planned_values: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET
    values: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET
    lineage: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET
    serial: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET
    version: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET
    resources: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET


#: An entry and its ``after_unknown`` tree (see :func:`decode`).
Pair = tuple[Entry, Any]

_DECODER = msgspec.json.Decoder(_Plan)
#: ``after_unknown`` as Terraform writes it (plancheck.entry: an object or a boolean).
_UNKNOWN = msgspec.json.Decoder(dict[str, Any] | bool | None)
_FIELDS = _Plan.__struct_fields__
_UNSET = UNSET = msgspec.UNSET


def decode(path: Path) -> dict[str, Any] | None:
    """The plan's top-level keys aicost reads, or None to fall back to the full reader.

    ``resource_changes`` holds (:class:`Entry`, its ``after_unknown`` tree) pairs."""
    data = _contents(path)
    if data is None:
        return None
    head = data[:64].lstrip()
    if not head.startswith(b"{"):
        return None
    try:
        plan = _DECODER.decode(data)
    except (msgspec.DecodeError, RecursionError):
        return None
    del data
    document: dict[str, Any] = {}
    for name in _FIELDS:
        value = getattr(plan, name)
        if value is not _UNSET:
            # A Raw value would keep the whole file's bytes alive: keep only its presence.
            document[name] = True if isinstance(value, msgspec.Raw) else value
    entries = document.get("resource_changes")
    if entries:
        trees = _unknown_trees(entries)
        if trees is None:
            return None
        document["resource_changes"] = list(zip(entries, trees, strict=True))
    return document


def _unknown_trees(entries: list[Entry]) -> list[Any] | None:
    """Each entry's ``after_unknown`` tree, decoded once per distinct text and shared (read
    only, as ResourceChange's Mapping says): the instances of a ``count``, a ``for_each`` or
    a module mark the same attributes unknown, so 6,003 changes of the 5,000-resource plan
    have 12 distinct trees. None when one is not an object, a boolean or null, or holds a
    number msgspec refuses: the full reader then names the problem.

    Texts are told apart by length, then compared as they lie in the file (a Raw compares
    its bytes without copying them); at most :data:`_SHARED_PER_LENGTH` are kept per length,
    so a plan whose trees all differ decodes each once, as it would anyway."""
    seen: dict[int, list[tuple[msgspec.Raw, Any]]] = {}
    trees: list[Any] = []
    append, decode = trees.append, _UNKNOWN.decode
    try:
        for entry in entries:
            raw = entry.change.after_unknown
            if raw is _UNSET:
                append(None)
                continue
            known = seen.get(len(raw))
            if known is None:
                known = seen[len(raw)] = []
            tree = _UNSET
            for text, shared in known:
                if text == raw:
                    tree = shared
                    break
            if tree is _UNSET:
                tree = decode(raw)
                if len(known) < _SHARED_PER_LENGTH:
                    known.append((raw, tree))
            append(tree)
    except (msgspec.DecodeError, RecursionError):
        return None
    return trees


_SHARED_PER_LENGTH = 8


def _contents(path: Path) -> bytes | mmap.mmap | None:
    """The file's bytes: mapped, not copied (a quarter of the time a fresh process spends
    reading a large plan goes to faulting in the pages of a copy); None if unreadable."""
    try:
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            return None
        with path.open("rb") as handle:
            if size:
                try:
                    # Closed when the last reference goes: the Raw marks of the entries
                    # point into it until the plan reader has read them.
                    return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
                except (OSError, ValueError):  # a file system without mmap, and the like
                    pass
            return handle.read()
    except OSError:
        return None


def marks(value: msgspec.Raw | msgspec.UnsetType) -> Any:
    """A sensitivity mark tree; None when it marks nothing (no ``true`` anywhere)."""
    if value is _UNSET or value == NOTHING:
        return None
    return msgspec.json.decode(value) if b"true" in bytes(value) else None


#: ``false``: what every create's ``before_sensitive`` says.
NOTHING = msgspec.Raw(b"false")


def marked(entries: list[Pair]) -> bool:
    """Whether any entry's sensitivity marks say ``true``: one search through all of them
    (most plans mark nothing, and then no entry needs a look of its own)."""
    changes = [entry.change for entry, _ in entries]
    marks = [change.after_sensitive for change in changes] + [
        change.before_sensitive for change in changes
    ]
    return b"true" in b" ".join([mark for mark in marks if mark is not _UNSET])


def as_json(entry: Entry, after_unknown: Any) -> dict[str, Any]:
    """*entry* as the JSON object it was decoded from (for the full checks' messages)."""
    out = msgspec.structs.asdict(entry)
    change = msgspec.structs.asdict(entry.change)
    change["actions"] = list(entry.change.actions)
    change["after_unknown"] = after_unknown
    change["before_sensitive"] = marks(entry.change.before_sensitive)
    change["after_sensitive"] = marks(entry.change.after_sensitive)
    out["change"] = change
    return {key: value for key, value in out.items() if value is not _UNSET}
