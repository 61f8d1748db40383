"""A refresh of some regions updates those regions and keeps every other row.

``aicost pricing refresh aws --region us-east-1`` must not leave the other regions
unpriced: the refreshed regions' rows replace the old ones, the other rows stay with their
own ``basis`` (and so their own source and date), and the table lists the sources both sides
still use. The base is the table already in the output directory, else the shipped one.
``as_of`` stays the date of the oldest source still in use, so a partial refresh never makes
the table look fresher than its oldest row.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from aicost.core.data import data_dir

#: Per-region sections of the table layouts.
REGIONAL = ("prices", "accelerator_prices")


def base_table(output: Path, relative: str) -> dict[str, Any] | None:
    for directory in (output, data_dir("pricing")):
        path = directory / relative
        if path.is_file():
            try:
                document = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return None
            return document if isinstance(document, dict) else None
    return None


def _used_sources(document: Mapping[str, Any]) -> set[str]:
    used: set[str] = set()
    for section in REGIONAL:
        for rows in (document.get(section) or {}).values():
            for row in rows.values():
                basis = row.get("basis") if isinstance(row, dict) else None
                if isinstance(basis, dict):
                    used.update(str(b) for b in basis.values())
    return used


def merge(
    old: Mapping[str, Any], new: Mapping[str, Any], regions: tuple[str, ...]
) -> dict[str, Any]:
    """*new* (a refresh of *regions*) over *old*: other regions' rows are kept."""
    merged = dict(new)
    refreshed = set(regions) | {r for s in REGIONAL for r in (new.get(s) or {})}
    merged.update(_regional_sections(old, new, refreshed))
    instances = dict(old.get("instances") or {})
    instances.update(new.get("instances") or {})
    merged["instances"] = dict(sorted(instances.items()))
    merged["sources"] = _merged_sources(old, new, merged)
    kept_regions = sorted({r for s in REGIONAL for r in (old.get(s) or {})} - refreshed)
    if kept_regions:
        _note_partial(old, new, merged, refreshed, kept_regions)
    for key in ("generations", "accelerators", "sustained_use", "windows_licence"):
        if key in old and key not in new:
            merged[key] = old[key]
    return merged


def _regional_sections(
    old: Mapping[str, Any], new: Mapping[str, Any], refreshed: set[str]
) -> dict[str, Any]:
    """Each regional section: *old*'s rows of regions not *refreshed*, then *new*'s."""
    sections: dict[str, Any] = {}
    for section in REGIONAL:
        kept = {
            region: rows
            for region, rows in (old.get(section) or {}).items()
            if region not in refreshed
        }
        if kept or new.get(section):
            combined = {**kept, **(new.get(section) or {})}
            sections[section] = dict(sorted(combined.items()))
    return sections


def _merged_sources(
    old: Mapping[str, Any], new: Mapping[str, Any], merged: Mapping[str, Any]
) -> list[Any]:
    """*new*'s sources, then *old*'s that a kept row of *merged* still cites."""
    used = _used_sources(merged)
    sources = list(new.get("sources") or [])
    ids = {s.get("id") for s in sources if isinstance(s, dict)}
    sources.extend(
        source
        for source in old.get("sources") or []
        if isinstance(source, dict) and source.get("id") not in ids and source.get("id") in used
    )
    return sources


def _note_partial(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    merged: dict[str, Any],
    refreshed: set[str],
    kept_regions: list[str],
) -> None:
    """Date a partial refresh by its oldest rows and say which regions were kept."""
    if old.get("as_of"):
        merged["as_of"] = min(str(old["as_of"]), str(new.get("as_of", old["as_of"])))
    notes = list(new.get("notes") or [])
    notes.append(
        f"Partial refresh of {', '.join(sorted(refreshed))}; the rows of "
        f"{len(kept_regions)} other regions are kept from the previous table with their own "
        "sources and dates (see each row's basis)."
    )
    merged["notes"] = notes
