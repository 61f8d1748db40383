"""A policy finding: what is wrong, where, how much it costs, and how to fix it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from aicost.policy.schema import Severity


@dataclass(frozen=True, slots=True)
class WaiverRef:
    """The waiver that silenced (or, expired, no longer silences) a finding.

    ``source`` is where the waiver is written (``path:line``). ``kind`` is ``policy`` (the
    policy or a waiver file it names), ``file`` (``--waivers``), ``inline`` (a comment in a
    ``.tf`` file or manifest) or ``approval`` (an approval tag a rule honours). ``expired``
    is True when the waiver matched but does not silence the finding (expired, malformed
    date, or not allowed for a ``hard`` rule); ``note`` says why.
    """

    reason: str
    owner: str
    expires: str
    source: str
    ticket: str | None = None
    expired: bool = False
    kind: str = "policy"
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    type: str
    severity: Severity
    address: str
    message: str
    component: str | None = None
    #: Monthly saving of the compliant choice, when it can be computed.
    monthly_saving: Decimal | None = None
    #: Monthly cost of the workload (or budget total) the finding is about.
    monthly_cost: Decimal | None = None
    remediation: str | None = None
    link: str | None = None
    file: str | None = None
    line: int | None = None
    #: advisory | soft | hard (see the policy engine); None when the policy does not say.
    enforcement: str | None = None
    waiver: WaiverRef | None = None
    #: Whether the finding fails the gate, as the policy engine decided it (enforcement,
    #: waivers, --soft-fail, --fail-on); None before the engine has decided.
    failing: bool | None = None
    #: Why it fails or not: "soft enforcement", "--fail-on spot-training", "waived"...
    decision: str | None = None
    #: Already in the base branch's report (``--new-only``): reported, never failing.
    existing: bool = False

    @property
    def waived(self) -> bool:
        """A valid waiver silences this finding: it is listed only on request."""
        return self.waiver is not None and not self.waiver.expired

    @property
    def fails(self) -> bool:
        if self.failing is not None:
            return self.failing
        return self.severity is Severity.ERROR and not self.waived

    @property
    def sort_key(self) -> tuple[int, str, str, str]:
        return (self.severity.rank, self.rule, self.address, self.component or "")


# A final finding built field by field through its slots: what the frozen dataclass's
# __init__ does (object.__setattr__ per field), at about half the cost. The policy engine
# builds thousands of findings per check with it; the fields are Finding's, in order
# (tests/policy/test_shapes.py checks that they stay so).
_new = object.__new__


def _setter(name: str) -> Callable[[Finding, Any], None]:
    """The setter of a slot: its member descriptor's ``__set__`` (what ``object.__setattr__``
    finds and calls)."""
    return cast(Callable[[Finding, Any], None], Finding.__dict__[name].__set__)


_rule = _setter("rule")
_type = _setter("type")
_severity = _setter("severity")
_address = _setter("address")
_message = _setter("message")
_component = _setter("component")
_monthly_saving = _setter("monthly_saving")
_monthly_cost = _setter("monthly_cost")
_remediation = _setter("remediation")
_link = _setter("link")
_file = _setter("file")
_line = _setter("line")
_enforcement = _setter("enforcement")
_waiver = _setter("waiver")
_failing = _setter("failing")
_decision = _setter("decision")
_existing = _setter("existing")


def make(
    rule: str,
    type: str,
    severity: Severity,
    address: str,
    message: str,
    component: str | None,
    monthly_saving: Decimal | None,
    monthly_cost: Decimal | None,
    remediation: str | None,
    link: str | None,
    file: str | None,
    line: int | None,
    enforcement: str | None,
    waiver: WaiverRef | None,
    failing: bool | None,
    decision: str | None,
    existing: bool,
) -> Finding:
    """``Finding(...)`` of every field, in order: the same finding, built faster."""
    found: Finding = _new(Finding)
    _rule(found, rule)
    _type(found, type)
    _severity(found, severity)
    _address(found, address)
    _message(found, message)
    _component(found, component)
    _monthly_saving(found, monthly_saving)
    _monthly_cost(found, monthly_cost)
    _remediation(found, remediation)
    _link(found, link)
    _file(found, file)
    _line(found, line)
    _enforcement(found, enforcement)
    _waiver(found, waiver)
    _failing(found, failing)
    _decision(found, decision)
    _existing(found, existing)
    return found
