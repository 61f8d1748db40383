"""A policy finding: what is wrong, where, how much it costs, and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from aicost.policy.schema import Severity


@dataclass(frozen=True, slots=True)
class WaiverRef:
    """The waiver that silenced (or, expired, no longer silences) a finding."""

    reason: str
    owner: str
    expires: str
    source: str
    ticket: str | None = None
    expired: bool = False


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

    @property
    def fails(self) -> bool:
        return self.severity is Severity.ERROR

    @property
    def sort_key(self) -> tuple[int, str, str, str]:
        return (self.severity.rank, self.rule, self.address, self.component or "")
