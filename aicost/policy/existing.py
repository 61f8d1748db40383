"""``--new-only``: findings the base branch already had do not fail the change.

Adopting a gate on an existing estate: the base branch's report (``--baseline``) lists the
findings that were there before this change. A finding of this check with the same rule and
the same address as one of those is *existing*: it is still reported, marked as such, but it
does not fail the run. New findings fail as usual. Hard-enforced findings are no exception:
they existed before the change, so this change did not introduce them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from aicost.policy.finding import Finding

#: The decision recorded on an existing finding (shown in every report).
DECISION = "existing: already in the base branch (--new-only)"


def keys_of(document: Mapping[str, Any]) -> set[tuple[str, str]]:
    """(rule, address) of every finding in a report document."""
    found: set[tuple[str, str]] = set()
    for item in document.get("findings") or ():
        if isinstance(item, dict) and item.get("rule") and item.get("address"):
            found.add((str(item["rule"]), str(item["address"])))
    return found


def mark(findings: Iterable[Finding], existing: set[tuple[str, str]]) -> tuple[Finding, ...]:
    """*findings*, with those in *existing* marked as existing and not failing."""
    out = []
    for found in findings:
        if (found.rule, found.address) in existing:
            found = dataclasses.replace(
                found,
                existing=True,
                failing=False if found.fails else found.failing,
                decision=DECISION if found.fails else found.decision,
            )
        out.append(found)
    return tuple(out)
