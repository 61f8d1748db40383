"""What a rule sees when it runs: the priced workloads and a pricer for what-ifs."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from aicost.cost.projection import Pricer
from aicost.model import Deployment, PricedWorkload
from aicost.policy.finding import Finding
from aicost.policy.schema import RuleConfig

DOCS_URL = "https://github.com/aicost/aicost/blob/main/docs/rules.md"


class RuleModule(Protocol):
    """The shape of a rule module (see ``aicost/policy/rules/``)."""

    TYPE: str
    TITLE: str
    REMEDIATION: str

    @property
    def Config(self) -> type[RuleConfig]: ...

    # ``rule`` is the module's own Config subclass.
    def check(self, rule: Any, ctx: CheckContext) -> Iterator[Finding]: ...


@dataclass
class CheckContext:
    workloads: Sequence[PricedWorkload]
    pricer: Pricer

    def targets(self, rule: RuleConfig) -> Iterator[tuple[PricedWorkload, Deployment]]:
        """AI workloads that still exist after the change and that the rule's match selects.

        Deleted resources are never flagged; non-AI resources never reach a rule.
        """
        for item in self.workloads:
            planned = item.workload.planned
            if planned is None or planned.ai is not True:
                continue
            if rule.match.matches(item.workload, planned):
                yield item, planned


def finding(
    rule: RuleConfig,
    item: PricedWorkload | None,
    message: str,
    *,
    address: str | None = None,
    monthly_saving: Decimal | None = None,
    monthly_cost: Decimal | None = None,
) -> Finding:
    """A finding of *rule* about *item* (or about *address*, for budgets).

    The engine fills in the rule module's default remediation and documentation link.
    """
    workload = item.workload if item is not None else None
    return Finding(
        rule=rule.id,
        type=rule.type,
        severity=rule.severity,
        address=address or (workload.address if workload else rule.id),
        component=workload.component if workload else None,
        message=message,
        monthly_saving=monthly_saving,
        monthly_cost=monthly_cost
        if monthly_cost is not None
        else (item.monthly_cost if item else None),
        remediation=rule.remediation,
        link=rule.link,
        file=workload.source.path if workload else None,
        line=workload.source.line if workload else None,
    )
