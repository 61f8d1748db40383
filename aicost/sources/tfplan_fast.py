"""A selective, typed decode of a plan's JSON: only the sections aicost reads.

``terraform show -json`` repeats every resource in ``planned_values`` and ``prior_state``
and adds ``relevant_attributes``, ``output_changes`` and more; aicost reads only
``resource_changes``, the ``configuration`` (providers, references), the root
``variables`` and a few keys that tell a plan from something else. msgspec skips the rest
without building Python objects for it (about half of a large plan), so a plan costs less
time and memory than ``json.load`` of the same file.

Anything unusual (a byte order mark, UTF-16, the setup-terraform wrapper, invalid or
unexpectedly shaped JSON, a file over the size limit) returns None: the caller then reads the
file with the standard library and reports problems exactly as before. That includes numbers
no float or Python integer holds (``1e400``, thousands of digits) in the sections aicost
reads: msgspec refuses them and the full reader names them. In the sections skipped here
(``planned_values``, ``prior_state``...) such numbers are not looked at.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec

from aicost.sources.base import MAX_INPUT_BYTES


class _Change(msgspec.Struct):
    actions: Any = msgspec.UNSET
    before: Any = msgspec.UNSET
    after: Any = msgspec.UNSET
    after_unknown: Any = msgspec.UNSET
    # Sensitivity marks are read only where they say ``true`` (see mappers.base._marked);
    # most plans mark nothing, so they are decoded only when they do.
    before_sensitive: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET
    after_sensitive: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET


class _ResourceChange(msgspec.Struct):
    address: Any = msgspec.UNSET
    type: Any = msgspec.UNSET
    name: Any = msgspec.UNSET
    mode: Any = msgspec.UNSET
    provider_name: Any = msgspec.UNSET
    module_address: Any = msgspec.UNSET
    index: Any = msgspec.UNSET
    change: _Change | msgspec.UnsetType = msgspec.UNSET


class _Plan(msgspec.Struct):
    format_version: Any = msgspec.UNSET
    resource_changes: list[_ResourceChange] | msgspec.UnsetType = msgspec.UNSET
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


_DECODER = msgspec.json.Decoder(_Plan)
_FIELDS = _Plan.__struct_fields__
_ENTRY_FIELDS = _ResourceChange.__struct_fields__
_CHANGE_FIELDS = _Change.__struct_fields__
_UNSET = msgspec.UNSET


def decode(path: Path) -> dict[str, Any] | None:
    """The plan's top-level keys aicost reads, or None to fall back to the full reader."""
    try:
        if path.stat().st_size > MAX_INPUT_BYTES:
            return None
        data = path.read_bytes()
    except OSError:
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
    changes = document.get("resource_changes")
    if changes is not None:
        plan.resource_changes = _UNSET
        document["resource_changes"] = [_entry(entry) for entry in changes]
    return document


def _entry(entry: _ResourceChange) -> dict[str, Any]:
    """A ``resource_changes`` entry as the JSON object the plan reader takes."""
    out = {name: getattr(entry, name) for name in _ENTRY_FIELDS}
    for name in _ENTRY_FIELDS:
        if out[name] is _UNSET:
            del out[name]
    change = entry.change
    if change is not _UNSET:
        values = {name: getattr(change, name) for name in _CHANGE_FIELDS}
        for name in _CHANGE_FIELDS:
            value = values[name]
            if value is _UNSET:
                del values[name]
            elif isinstance(value, msgspec.Raw):
                # No ``true`` anywhere: nothing is marked, as if there were no marks.
                values[name] = msgspec.json.decode(value) if b"true" in bytes(value) else None
        out["change"] = values
    return out
