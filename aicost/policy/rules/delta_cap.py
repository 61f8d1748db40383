"""One change may add at most so much to the monthly AI spend.

A cap on a single pull request's monthly delta: the projected monthly cost of the AI
workloads after the change, minus before it, summed over the workloads the match selects
(all of them by default). Deleted workloads count as savings; workloads whose change
cannot be priced are left out and the finding says how many. Budgets cap a team's total;
this caps how fast any one change can move it, which is where surprises come from.

.. code-block:: yaml

   - id: change-cap
     type: delta-cap
     severity: error
     max_increase: 10000        # USD per month
     max_increase_percent: 50   # of the matching spend before the change

The percentage does not apply while the cost before the change is $0 (a first
deployment); ``max_increase`` does.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from aicost.core.declared import Field, model_validator
from aicost.core.money import usd
from aicost.policy.context import CheckContext, finding
from aicost.policy.finding import Finding
from aicost.policy.rules._totals import contributions, totals, unpriced_note
from aicost.policy.schema import RuleConfig

TYPE = "delta-cap"
TITLE = "A single change stays under the monthly increase cap"
REMEDIATION = (
    "Split the rollout over several changes, shrink it, or get the increase approved and "
    "record a waiver with the approval ticket."
)


class Config(RuleConfig):
    max_increase: Decimal | None = Field(
        default=None,
        ge=0,
        allow_inf_nan=False,
        description="Most one change may add, in USD per month.",
    )
    max_increase_percent: Decimal | None = Field(
        default=None,
        ge=0,
        allow_inf_nan=False,
        description="Most one change may add, in percent of the monthly cost before it.",
    )

    @model_validator(mode="after")
    def _has_a_cap(self) -> Config:
        if self.max_increase is None and self.max_increase_percent is None:
            raise ValueError("give max_increase (USD per month) or max_increase_percent")
        return self


def check(rule: Config, ctx: CheckContext) -> Iterator[Finding]:
    sums = totals(ctx, rule).get(None)
    if sums is None:
        return
    delta = sums.delta
    if delta <= 0:
        return
    changes = unpriced_note(sums.unpriced_changes, "change")
    largest = sums.largest_changes()
    if largest:
        changes += f"; largest changes: {contributions(largest, signed=True)}"
    moved = f"({usd(sums.prior)} -> {usd(sums.planned)})"
    if rule.max_increase is not None and delta > rule.max_increase:
        yield finding(
            rule,
            None,
            f"this change adds {usd(delta)}/month to AI spend {moved}, over the "
            f"{usd(rule.max_increase)} cap per change by {usd(delta - rule.max_increase)}"
            f"{changes}",
            monthly_cost=delta,
        )
    elif rule.max_increase_percent is not None and sums.prior > 0:
        grown = delta / sums.prior * 100
        if grown > rule.max_increase_percent:
            yield finding(
                rule,
                None,
                f"this change grows AI spend by {grown:.1f}% {moved}, over the "
                f"{rule.max_increase_percent}% cap per change{changes}",
                monthly_cost=delta,
            )
