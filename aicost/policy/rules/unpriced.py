"""AI workloads that aicost cannot price are reported, never counted as $0.

An unknown instance type (newer than the price table, or a typo), a region the table
does not cover, or a value known only after apply leaves a workload unpriced. The
top-level ``unpriced:`` setting decides how serious that is:

.. code-block:: yaml

   unpriced: error   # error | warning | info | ignore (default: warning)
"""

from __future__ import annotations

from collections.abc import Iterator

from aicost.policy.context import CheckContext, finding
from aicost.policy.finding import Finding
from aicost.policy.schema import RuleConfig

TYPE = "unpriced"
TITLE = "Every AI workload can be priced"
REMEDIATION = (
    "Check the instance type and region, refresh the price tables "
    "(`aicost pricing refresh`), or add the price to a user price directory."
)


class Config(RuleConfig):
    pass


def check(rule: Config, ctx: CheckContext) -> Iterator[Finding]:
    for item, _planned in ctx.targets(rule):
        if item.monthly_cost is None:
            yield finding(rule, item, f"cannot price: {item.unpriced_reason or 'no price found'}")
