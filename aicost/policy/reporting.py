"""Phrases the report formats share for waivers, stale waivers and the gate's verdict."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from aicost.policy.finding import Finding, WaiverRef

if TYPE_CHECKING:
    from aicost.policy.engine import StaleWaiver
    from aicost.policy.gate import Gate


def waiver_text(ref: WaiverRef) -> str:
    """``until 2026-12-31 · @ml-infra · capacity test · ML-42 · inline main.tf:12``."""
    parts = [f"until {ref.expires}" if ref.expires else "no expiry"]
    parts.append(ref.owner or "no owner given")
    parts.append(ref.reason)
    if ref.ticket:
        parts.append(ref.ticket)
    parts.append(f"{ref.kind} {ref.source}")
    return " · ".join(parts)


def stale_text(stale: StaleWaiver) -> str:
    waiver = stale.waiver
    detail = f"; {stale.note}" if stale.note else ""
    owner = waiver.owner or "no owner given"
    return f"{waiver.label} ({waiver.rule}, {owner}): covers nothing in this run{detail}"


def where(found: Finding) -> str | None:
    """``main.tf:42`` when the finding's line is known (a .tf file or manifest); the input
    file alone is not worth a line in a human report."""
    if not found.file or not found.line:
        return None
    return f"{found.file}:{found.line}"


def counts(findings: Sequence[Finding], gate: Gate | None = None) -> str:
    """``3 failing, 1 other finding, 2 waived; --soft-fail``."""
    active = [f for f in findings if not f.waived]
    failing = sum(1 for f in active if f.fails)
    other = len(active) - failing
    waived = len(findings) - len(active)
    text = f"{failing} failing, {other} other finding{'s' if other != 1 else ''}" + (
        f", {waived} waived" if waived else ""
    )
    options = gate.describe() if gate is not None else []
    return text + (f"; {' '.join(options)}" if options else "")
