"""Glob matching for policy patterns.

Terraform addresses are full of brackets (``module.pool[0].aws_instance.node["a"]``),
which ``fnmatch`` reads as character classes. :func:`address_match` therefore accepts a
value when it equals the pattern, when the pattern matches with ``*`` and ``?`` as the
only wildcards (brackets literal: ``module.pool[*].aws_instance.node[*]``), or when it
matches as a classic shell glob.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from functools import cache


@cache
def _literal_brackets(pattern: str) -> re.Pattern[str]:
    parts = ["(?s:"]
    for char in pattern:
        if char == "*":
            parts.append(".*")
        elif char == "?":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    parts.append(r")\Z")
    return re.compile("".join(parts))


def address_match(value: str, pattern: str) -> bool:
    if value == pattern:
        return True
    if _literal_brackets(pattern).match(value):
        return True
    return fnmatch.fnmatchcase(value, pattern)


def any_address(value: str, patterns: Iterable[str]) -> bool:
    return any(address_match(value, p) for p in patterns)
