"""Helpers shared by the readers of VM-level job formats (SkyPilot, dstack, Azure ML...)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from aicost.core.errors import InputError
from aicost.sources.yamldocs import Document, load_path, mappings

_NAME_COUNT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9_.\- ]*?)\s*(?::\s*([^:]*))?\s*$")
_COUNT = re.compile(r"^\d+(\.\d+)?$")


class BadCount(ValueError):
    """An accelerator count that is not a positive number (``A100:-8``, ``L4:abc``)."""


def documents(
    path: Path, what: str, counts: frozenset[str] = frozenset()
) -> Iterator[tuple[Document, Mapping[str, Any]]]:
    """The mappings of a file; values under *counts* keys (lower case, no ``_``) must be
    whole non-negative numbers, else an input error names the file, line and field."""
    from aicost.sources.podcheck import validate_counts

    _, docs = load_path(path)
    found = list(mappings(docs))
    if not found:
        raise InputError(f"not a {what}: no YAML mapping in the file", path=path)
    for document, data in found:
        validate_counts(str(path), document, data, counts)
    yield from found


def name_count(value: str) -> tuple[str, float] | None:
    """``"V100:4"`` -> (``V100``, 4); ``"L4"`` -> (``L4``, 1)."""
    match = _NAME_COUNT.match(value)
    if not match:
        return None
    raw = (match.group(2) or "").strip()
    if match.group(2) is not None and not _COUNT.match(raw):
        raise BadCount(f"accelerator count in {value.strip()[:60]!r} is not a positive number")
    count = float(raw) if raw else 1.0
    if count <= 0 or count > 1_000_000:
        raise BadCount(f"accelerator count in {value.strip()[:60]!r} is out of range")
    return match.group(1).strip(), count


def first(values: Iterable[Any]) -> Any:
    for value in values:
        if value is not None:
            return value
    return None
