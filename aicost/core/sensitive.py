"""Values an input marks sensitive, found anywhere, and masked wherever they would be shown.

Terraform marks sensitive values in ``after_sensitive``/``before_sensitive`` trees that
mirror ``after``/``before``: ``true`` for a value (or a whole block, list or map), nested
objects and lists for their parts. Mappers mask the attributes they know (an instance type,
tag values); this module is the net under them: every string a tree marks, at any depth
(an autoscaling group's ``mixed_instances_policy`` override instance types, a SageMaker
``variant_name``), is collected, and reports replace it wherever it appears.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

MASK = "(sensitive)"
#: Shorter strings are not searched for in report text: masking every "a" or "8" would
#: garble the report without protecting anything a reader could not guess.
MIN_LENGTH = 3
#: Report fields whose values are aicost's own words (a verdict, an action), never input.
STRUCTURAL_KEYS = frozenset(
    {"format", "version", "verdict", "action", "severity", "enforcement", "decision", "currency"}
)


def marked_strings(values: Any, tree: Any, found: set[str] | None = None) -> set[str]:
    """Every string in *values* that *tree* marks sensitive (a marked block: all of it)."""
    found = set() if found is None else found
    if tree is True:
        _all_strings(values, found, 0)
    elif isinstance(tree, Mapping) and isinstance(values, Mapping):
        for key, marks in tree.items():
            if marks and key in values:
                marked_strings(values[key], marks, found)
    elif isinstance(tree, list) and isinstance(values, list):
        for marks, item in zip(tree, values, strict=False):
            if marks:
                marked_strings(item, marks, found)
    return found


def _all_strings(values: Any, found: set[str], depth: int) -> None:
    if depth > 64:
        return
    if isinstance(values, str):
        if len(values) >= MIN_LENGTH:
            found.add(values)
    elif isinstance(values, Mapping):
        for item in values.values():
            _all_strings(item, found, depth + 1)
    elif isinstance(values, list):
        for item in values:
            _all_strings(item, found, depth + 1)


def redact(text: str, secrets: Iterable[str]) -> str:
    """*text* with every occurrence of a secret replaced by the mask (longest first)."""
    for secret in sorted(secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def redact_tree(value: Any, secrets: frozenset[str], key: str | None = None) -> Any:
    """A copy of a report document with every secret masked in its strings (keys too)."""
    if not secrets:
        return value
    if isinstance(value, str):
        return value if key in STRUCTURAL_KEYS else redact(value, secrets)
    if isinstance(value, Mapping):
        return {
            redact(str(k), secrets) if isinstance(k, str) else k: redact_tree(v, secrets, k)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact_tree(item, secrets, key) for item in value]
    return value
