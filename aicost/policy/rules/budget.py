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
       warn_at: 0.8          # a warning at 80% of the budget
       fail_at: 1.0          # fails above 100% (the default)
       delta: 5000           # fails when one change adds more than $5,000/month
       delta_percent: 25     # ... or grows the matching spend by more than 25%

A budget fails (at its ``severity``, ``error`` by default) when the total exceeds
``fail_at`` × ``monthly``, and gives an advisory warning once it reaches ``warn_at`` ×
``monthly``. ``warn_at`` defaults to 0.8, except on budgets written in the first-release
form (``name``, ``match`` and ``monthly`` only), which keep their first-release behaviour
and do not warn; set ``budget_defaults: {warn_at: 0.8}`` at the top of the policy to give
every budget the early warning.

``delta`` (USD per month) and ``delta_percent`` cap how much one change may add to the
matching workloads' monthly cost, counting deleted and re-tagged workloads on the side they
match. The percentage is of the cost before the change, so it does not apply while that is
$0 (``delta`` does).

**Fair budgets.** A budget over its limit fails a change only when the change raises the
matching workloads' projected spend (or a change in it cannot be priced). A scope that is
already over budget and that the change leaves alone or lowers is reported as a warning
naming the workspace and the inputs it was checked in, so that one team's over-spend never
blocks another team's pull request. ``fail_when: over`` fails whenever the total is over
the limit. Budget and per-change findings name the workloads that contribute (the largest
costs, and the largest changes).

``per_tag`` makes one budget per value of a tag (per team, say), each with ``monthly`` or
its own amount in ``limits``; workloads without the tag are not counted (``required-tags``
reports them):

.. code-block:: yaml

   budgets:
     - name: teams
       per_tag: team
       monthly: 10000
       limits: {vision: 25000, search: 15000}
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Literal

from aicost.core.declared import Field, model_validator
from aicost.core.model import Deployment
from aicost.core.money import usd
from aicost.policy.context import CheckContext, finding
from aicost.policy.finding import Finding
from aicost.policy.rules._actuals import month_split
from aicost.policy.rules._totals import Totals, contributions, totals, unpriced_note
from aicost.policy.schema import Enforcement, RuleConfig, Severity

TYPE = "budget"
TITLE = "Monthly budget"
REMEDIATION = (
    "Reduce the projected spend (fewer or smaller nodes, spot, commitments) or raise the budget."
)
RATIONALE = (
    "A budget turns a spend limit agreed with finance into a check at review time, before "
    "the money is spent, with an early warning as the limit gets close."
)


#: More than any bill (a quadrillion dollars): refused, so reports never print 1e400.
MAX_AMOUNT = Decimal(10) ** 15


class Config(RuleConfig):
    name: str = Field(min_length=1, max_length=200)
    monthly: Decimal | None = Field(
        default=None,
        ge=0,
        le=MAX_AMOUNT,
        allow_inf_nan=False,
        description="Budget in USD per month.",
    )
    warn_at: Decimal | None = Field(
        default=None,
        gt=0,
        le=10,
        allow_inf_nan=False,
        description="Warn once the total reaches this fraction of the budget (see above).",
    )
    fail_at: Decimal = Field(
        default=Decimal(1),
        gt=0,
        le=10,
        allow_inf_nan=False,
        description="Fail when the total exceeds this fraction of the budget.",
    )
    delta: Decimal | None = Field(
        default=None,
        ge=0,
        le=MAX_AMOUNT,
        allow_inf_nan=False,
        description="Most one change may add, in USD per month.",
    )
    delta_percent: Decimal | None = Field(
        default=None,
        ge=0,
        allow_inf_nan=False,
        description="Most one change may add, in percent of the cost before it.",
    )
    per_tag: str | None = Field(
        default=None, min_length=1, description="One budget per value of this tag."
    )
    limits: dict[str, Decimal] = Field(
        default_factory=dict, description="Per tag value budgets (with per_tag), in USD."
    )
    fail_when: Literal["raised", "over"] = Field(
        default="raised",
        description="Fail an over-budget scope only when the change raises its spend "
        "(raised), or whenever it is over (over).",
    )

    @model_validator(mode="after")
    def _has_a_limit(self) -> Config:
        if (
            self.monthly is None
            and not self.limits
            and self.delta is None
            and self.delta_percent is None
        ):
            raise ValueError("give monthly (or limits), delta or delta_percent")
        if self.limits and self.per_tag is None:
            raise ValueError("limits needs per_tag (the tag whose values they are for)")
        if any(v < 0 for v in self.limits.values()):
            raise ValueError("limits must not be negative")
        if self.warn_at is not None and self.warn_at >= self.fail_at:
            raise ValueError(f"warn_at ({self.warn_at}) must be below fail_at ({self.fail_at})")
        return self


def _percent(value: Decimal) -> str:
    text = f"{value * 100:.1f}".rstrip("0").rstrip(".")
    return f"{text}%"


def check(rule: Config, ctx: CheckContext) -> Iterator[Finding]:
    grouping = None
    if rule.per_tag is not None:
        tag = rule.per_tag

        def grouping(deployment: Deployment) -> str | None:
            value = (deployment.tags.get(tag) or "").strip()
            return value or None

    groups = totals(ctx, rule, grouping)
    for key in sorted(groups, key=lambda k: k or ""):
        yield from _check_group(rule, key, groups[key], ctx)


def _over(
    rule: Config, sums: Totals, message: str, address: str, workspace: str, moved: str
) -> Finding:
    """An over-budget scope fails only when the change raises it (or ``fail_when: over``);
    an untouched or lowered one is an advisory warning naming its workspace. *moved*: the
    largest changes (:func:`contributions`)."""
    raised = sums.delta > 0 or sums.unpriced_changes > 0
    if rule.fail_when == "over" or raised:
        if moved and sums.delta != 0:
            message += f"; this change: {usd(sums.delta, signed=True)} ({moved})"
        return finding(rule, None, message, address=address, monthly_cost=sums.planned)
    where = ", ".join(sums.projects) or "this run"
    change = (
        "leaves it unchanged"
        if sums.delta == 0
        else f"lowers it by {usd(-sums.delta)}/month ({moved})"
    )
    message += (
        f"; already over budget in workspace {workspace!r} ({where}) and this change "
        f"{change}, so it does not fail (set fail_when: over to fail)"
    )
    return finding(
        rule,
        None,
        message,
        address=address,
        monthly_cost=sums.planned,
        severity=Severity.WARNING if rule.severity is Severity.ERROR else rule.severity,
        enforcement=Enforcement.ADVISORY.value,
    )


def _check_group(
    rule: Config, key: str | None, sums: Totals, ctx: CheckContext | None = None
) -> Iterator[Finding]:
    label = rule.name if key is None else f"{rule.name}[{key}]"
    address = f"budget:{label}"
    limit = rule.limits.get(key, rule.monthly) if key is not None else rule.monthly
    total = sums.planned
    workspace = ctx.workspace if ctx is not None else "default"
    # with --actuals: this month's actual spend so far + the projection for the rest of it
    split = month_split(rule, key, total, ctx.actuals if ctx is not None else None)
    projected = "projected"
    if split is not None:
        total = split.total
        projected = f"{split.describe()}:"
    top = contributions(sums.largest())
    moved = contributions(sums.largest_changes(), signed=True)
    unpriced = unpriced_note(sums.unpriced)
    if limit is not None:
        ceiling = limit * rule.fail_at
        if total > ceiling:
            over = (
                f"exceeds {usd(limit)}"
                if rule.fail_at == 1
                else f"exceeds {_percent(rule.fail_at)} of {usd(limit)} ({usd(ceiling)})"
            )
            message = (
                f"budget {label}: {projected} {usd(total)}/month {over} "
                f"by {usd(total - ceiling)} (largest: {top}){unpriced}"
            )
            yield _over(rule, sums, message, address, workspace, moved)
        elif rule.warn_at is not None and limit > 0 and total >= limit * rule.warn_at:
            message = (
                f"budget {label}: {projected} {usd(total)}/month is {_percent(total / limit)} "
                f"of {usd(limit)} (warns at {_percent(rule.warn_at)}; largest: {top}){unpriced}"
            )
            yield finding(
                rule,
                None,
                message,
                address=address,
                monthly_cost=total,
                severity=Severity.WARNING if rule.severity is Severity.ERROR else rule.severity,
                enforcement=Enforcement.ADVISORY.value,
            )
    yield from _delta_findings(rule, sums, label, total, moved)


def _delta_findings(
    rule: Config, sums: Totals, label: str, total: Decimal, moved: str
) -> Iterator[Finding]:
    """The change's growth over the per-change limits (amount and percent)."""
    address = f"budget:{label}"
    delta = sums.delta
    changes = unpriced_note(sums.unpriced_changes, "change")
    if rule.delta is not None and delta > rule.delta:
        message = (
            f"budget {label}: this change adds {usd(delta)}/month "
            f"({usd(sums.prior)} -> {usd(total)}), over the {usd(rule.delta)} "
            f"limit per change{changes}; largest changes: {moved}"
        )
        yield finding(rule, None, message, address=address, monthly_cost=delta)
    if rule.delta_percent is not None and sums.prior > 0 and delta > 0:
        grown = delta / sums.prior * 100
        if grown > rule.delta_percent:
            message = (
                f"budget {label}: this change grows the monthly cost by {grown:.1f}% "
                f"({usd(sums.prior)} -> {usd(total)}), over the {rule.delta_percent}% "
                f"limit per change{changes}; largest changes: {moved}"
            )
            yield finding(rule, None, message, address=address, monthly_cost=delta)
