"""A workload bought one way but priced at another option's rate is reported.

When the price table lacks the bought option (a spot VM with no spot price, a 3-year
reservation with only a 1-year price, Windows with only a Linux rate), aicost prices it at
the nearest rate it has, shows the substitution in the purchase column (``spot→on-demand``)
and marks the cost an estimate. The top-level ``fallback:`` setting decides how serious that
is:

.. code-block:: yaml

   fallback: error   # error | warning | info | ignore (default: warning)
"""

from __future__ import annotations

import operator
from collections.abc import Iterator

from aicost.policy.context import CheckContext, finding
from aicost.policy.finding import Finding
from aicost.policy.schema import RuleConfig

TYPE = "price-fallback"
TITLE = "Every AI workload is priced at the rate of the option it is bought as"
REMEDIATION = (
    "Refresh the price tables (aicost pricing refresh) or add the option's price to a user "
    "price directory; or set the policy's fallback key to info or ignore to accept the "
    "substitute rate (error makes it fail the check)."
)


_PRICED_AS = operator.attrgetter("priced_as")


class Config(RuleConfig):
    pass


def check(rule: Config, ctx: CheckContext) -> Iterator[Finding]:
    for item, _planned in ctx.targets(rule):
        costing = item.planned_cost
        if costing is None or costing.monthly is None:
            continue
        if not any(map(_PRICED_AS, costing.lines)):  # no fallback (costing.fallbacks empty)
            continue
        reasons = [r for r in item.estimate_reasons if r.startswith("bought as")]
        yield finding(
            rule,
            item,
            f"priced as {', '.join(costing.fallbacks)} (an estimate): {'; '.join(reasons)}",
        )
