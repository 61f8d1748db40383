"""Waivers: reviewed, expiring exceptions to a finding.

A waiver names a rule (its id or type, globs allowed) and what it covers: addresses,
file paths and workspaces (globs; every given list must match), or, for an inline comment,
the resource it is written on. It must give a ``reason``, an ``owner`` and an ``expires``
date (``YYYY-MM-DD``, valid through that day); a ``ticket`` is optional. Waivers come from
three places, and the kind decides what they may waive:

* ``policy``: the policy's ``waivers:`` and the files its ``waiver_files:`` name. These are
  owned by whoever owns the policy, so they can waive any finding, ``hard`` ones included.
* ``file``: a ``--waivers FILE`` given on the command line. Waives ``soft`` and
  ``advisory`` findings.
* ``inline``: an ``# aicost:ignore=RULE exp:YYYY-MM-DD reason`` comment on, or directly
  above, a resource header in a ``.tf`` file or an object in a manifest (see
  :mod:`aicost.policy.inline`). Waives ``soft`` and ``advisory`` findings.

A waiver whose date has passed, whose date is not a valid ``YYYY-MM-DD`` date, or that is
otherwise invalid (an inline comment without ``exp:`` or reason; an expiry beyond
``waiver_settings.max_days``) does not waive: the finding is active again and says why. A
waiver that covers no finding is reported as *stale*.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from aicost.core.declared import BeforeValidator, Field
from aicost.policy.finding import Finding, WaiverRef
from aicost.policy.globs import address_match, any_address
from aicost.policy.schema import Enforcement, Strict, StrList, WaiverSettings

if TYPE_CHECKING:  # YAML is imported when a waiver file is read
    from aicost.core.yamlsafe import YamlDocument

POLICY = "policy"
FILE = "file"
INLINE = "inline"
#: Approval tags read by a rule (training-run-cost); treated like inline waivers.
APPROVAL = "approval"

#: Kinds that may waive a ``hard`` finding.
HARD_WAIVABLE = frozenset({POLICY})


def _date_text(value: Any) -> Any:
    """YAML turns ``2026-12-31`` into a date; keep every expiry as text and parse it later."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


def _stripped(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


NonEmpty = Annotated[str, BeforeValidator(_stripped), Field(min_length=1, max_length=2000)]


class WaiverEntry(Strict):
    """One waiver in a policy's ``waivers:`` or in a waiver file."""

    rule: NonEmpty
    addresses: StrList = Field(default_factory=list)
    paths: StrList = Field(default_factory=list)
    workspaces: StrList = Field(default_factory=list)
    reason: NonEmpty
    owner: NonEmpty
    expires: Annotated[str, BeforeValidator(_date_text), Field(min_length=1, max_length=64)]
    ticket: str | None = None


class WaiverFile(Strict):
    """A file of waivers (``waiver_files:`` in a policy, or ``--waivers FILE``)."""

    version: Literal[1]
    description: str | None = None
    waivers: list[dict[str, Any]] = Field(default_factory=list)


def parse_date(text: str) -> dt.date | None:
    """``YYYY-MM-DD`` or None. Nothing looser: a malformed date must not extend a waiver."""
    text = text.strip()
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


@dataclass(frozen=True)
class Waiver:
    rule: str
    reason: str
    owner: str
    expires_text: str
    kind: str
    #: ``path:line`` of the waiver itself.
    where: str
    addresses: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()
    workspaces: tuple[str, ...] = ()
    ticket: str | None = None
    #: Inline waivers: the (real path, line) of the header they are attached to.
    anchor: tuple[str, int] | None = None
    #: Why the waiver is invalid whatever the date (e.g. an inline comment without exp:).
    problem: str | None = None

    @property
    def expires(self) -> dt.date | None:
        return parse_date(self.expires_text)

    @property
    def label(self) -> str:
        return f"{self.kind} waiver at {self.where}"

    def invalid(self, today: dt.date, settings: WaiverSettings) -> str | None:
        """Why this waiver does not waive anything today, or None when it is valid."""
        if self.problem:
            return self.problem
        expires = self.expires
        if expires is None:
            return f"expiry {self.expires_text!r} is not a YYYY-MM-DD date, so it counts as expired"
        if today > expires:
            return f"expired on {expires.isoformat()}"
        if settings.max_days is not None and (expires - today).days > settings.max_days:
            return (
                f"expires {expires.isoformat()}, more than {settings.max_days} days ahead "
                "(waiver_settings.max_days)"
            )
        return None

    def covers_rule(self, finding: Finding) -> bool:
        return address_match(finding.rule, self.rule) or address_match(finding.type, self.rule)

    def in_scope(self, workspace: str, paths: Sequence[str]) -> bool:
        """Whether the waiver's workspace and path conditions can hold in this run."""
        if self.workspaces and not _any_glob(workspace, self.workspaces):
            return False
        return not self.paths or any(_any_glob(p, self.paths) for p in paths)

    def covers(
        self,
        finding: Finding,
        *,
        workspace: str,
        paths: Sequence[str],
        anchors: Sequence[tuple[str, int]],
    ) -> bool:
        if not self.covers_rule(finding):
            return False
        if self.anchor is not None and self.anchor not in anchors:
            return False
        if self.addresses:
            label = f"{finding.address} ({finding.component})" if finding.component else None
            names = [finding.address] + ([label] if label else [])
            if not any(_any_glob(name, self.addresses) for name in names):
                return False
        if self.workspaces and not _any_glob(workspace, self.workspaces):
            return False
        return not self.paths or any(_any_glob(p, self.paths) for p in paths)

    def can_waive(self, enforcement: Enforcement) -> bool:
        return enforcement is not Enforcement.HARD or self.kind in HARD_WAIVABLE

    def ref(self, *, expired: bool = False, note: str | None = None) -> WaiverRef:
        return WaiverRef(
            reason=self.reason,
            owner=self.owner,
            expires=self.expires_text,
            source=self.where,
            ticket=self.ticket,
            expired=expired,
            kind=self.kind,
            note=note,
        )


def _any_glob(value: str, patterns: Sequence[str]) -> bool:
    return any_address(value, patterns)


def from_entry(entry: WaiverEntry, kind: str, where: str) -> Waiver:
    return Waiver(
        rule=entry.rule,
        reason=entry.reason,
        owner=entry.owner,
        expires_text=entry.expires,
        kind=kind,
        where=where,
        addresses=tuple(entry.addresses),
        paths=tuple(entry.paths),
        workspaces=tuple(entry.workspaces),
        ticket=entry.ticket,
    )


def validate_entries(
    document: YamlDocument,
    items: Sequence[tuple[Any, tuple[str | int, ...]]],
    kind: str,
    label: str,
    validate: Any,
) -> list[Waiver]:
    """Validate raw waiver entries found at the given paths of *document*."""
    waivers: list[Waiver] = []
    for raw, at in items:
        if not isinstance(raw, Mapping):
            raise document.error("a waiver must be a mapping", at)
        entry = validate(document, WaiverEntry, raw, at)
        where = document.position(at)
        waivers.append(from_entry(entry, kind, f"{label}:{where[0]}" if where else label))
    return waivers


def load_waiver_file(
    path: Path, kind: str, validate: Any, label: str | None = None
) -> list[Waiver]:
    """Read a waiver file. *validate* is the loader's schema validator (errors with lines)."""
    from aicost.core.yamlsafe import load_file

    document = load_file(path)
    data = document.data
    if data is None:
        return []
    if not isinstance(data, Mapping):
        raise document.error(
            f"a waiver file must be a mapping with version and waivers, not a {type(data).__name__}"
        )
    top = validate(document, WaiverFile, data, ())
    return validate_entries(
        document,
        [(raw, ("waivers", i)) for i, raw in enumerate(top.waivers)],
        kind,
        label or str(path),
        validate,
    )
