"""Helpers shared by the readers of VM-level job formats (SkyPilot, dstack, Azure ML...)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from aicost.core.errors import InputError
from aicost.sources.yamldocs import Document, load_path, mappings

_NAME_COUNT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9_.\- ]*?)\s*(?::\s*([0-9.]+))?\s*$")


def documents(path: Path, what: str) -> Iterator[tuple[Document, Mapping[str, Any]]]:
    _, docs = load_path(path)
    found = list(mappings(docs))
    if not found:
        raise InputError(f"not a {what}: no YAML mapping in the file", path=path)
    yield from found


def name_count(value: str) -> tuple[str, float] | None:
    """``"V100:4"`` -> (``V100``, 4); ``"L4"`` -> (``L4``, 1)."""
    match = _NAME_COUNT.match(value)
    if not match:
        return None
    count = float(match.group(2)) if match.group(2) else 1.0
    return match.group(1).strip(), count


def first(values: Iterable[Any]) -> Any:
    for value in values:
        if value is not None:
            return value
    return None
