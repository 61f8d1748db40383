"""A monthly budget for the workloads a match selects (a team, a project, a cloud).

The projected monthly cost of the matching AI workloads after the change is summed and
compared with ``monthly`` (USD). Unpriced workloads cannot be summed; the finding says how
many were left out. Budgets are written in the top-level ``budgets:`` section:

.. code-block:: yaml

   budgets:
     - name: vision
       match:
         tags:
           team: [vision]
       monthly: 20000
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from pydantic import Field

from aicost.money import usd
from aicost.policy.context import CheckContext, finding
from aicost.policy.finding import Finding
from aicost.policy.schema import RuleConfig

TYPE = "budget"
TITLE = "Monthly budget"
REMEDIATION = (
    "Reduce the projected spend (fewer or smaller nodes, spot, commitments) or raise the budget."
)


class Config(RuleConfig):
    name: str = Field(min_length=1, max_length=200)
    monthly: Decimal = Field(ge=0, allow_inf_nan=False)


def check(rule: Config, ctx: CheckContext) -> Iterator[Finding]:
    total = Decimal(0)
    unpriced = 0
    contributors: list[tuple[Decimal, str]] = []
    for item, _planned in ctx.targets(rule):
        cost = item.monthly_cost
        if cost is None:
            unpriced += 1
            continue
        total += cost
        contributors.append((cost, item.workload.label))
    if total <= rule.monthly:
        return
    contributors.sort(reverse=True)
    top = ", ".join(f"{label} {usd(cost)}" for cost, label in contributors[:3])
    message = (
        f"budget {rule.name}: projected {usd(total)}/month exceeds {usd(rule.monthly)} "
        f"by {usd(total - rule.monthly)} (largest: {top})"
    )
    if unpriced:
        message += f"; {unpriced} unpriced workload{'s' if unpriced != 1 else ''} not counted"
    yield finding(rule, None, message, address=f"budget:{rule.name}", monthly_cost=total)
