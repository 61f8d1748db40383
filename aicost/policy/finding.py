"""A policy finding: what is wrong, where, how much it costs, and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from aicost.core.records import fast_constructor
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


#: ``Finding(...)``, made faster: the policy engine builds thousands of findings per check
#: (see :func:`aicost.core.records.fast_constructor`). Type checkers see the class itself.
if TYPE_CHECKING:
    make = Finding
else:
    make = fast_constructor(Finding)
