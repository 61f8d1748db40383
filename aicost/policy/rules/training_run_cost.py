"""Expensive training runs are approved before they start.

A training run's cost is its GPUs × hours × rate: the workload's hourly cost (every node,
at its purchase option's price) times the hours one run takes. A run projected above
``max_run_cost`` (USD) fails unless an approval is present: an approval tag or label on
the resource (``cost-approval = "FIN-1234"``), or a waiver. When the approval tag
``approved-run-cost`` gives an amount, the approval covers runs up to that amount only.

The run length comes from, in order: the manifest or usage file (issue-5 inputs fill it
in), a tag or label (``run-hours``), ``default_run_hours``, or else the whole month the
workload is priced for (a training box with no end date runs until someone stops it; the
message says that it assumed so). ``runs-per-month`` (tag or usage file) turns the run
cost into the monthly impact shown with the finding.

.. code-block:: yaml

   - id: big-runs
     type: training-run-cost
     severity: error
     max_run_cost: 25000
     # default_run_hours: 72
     # approval_tags: [cost-approval]  hours_tags: [run-hours]  runs_tags: [runs-per-month]

An approval tag counts like an inline waiver: it does not apply to a rule with
``enforcement: hard`` (only a waiver in the policy does).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from decimal import Decimal, InvalidOperation

from pydantic import Field

from aicost.core.model import Deployment, WorkloadClass
from aicost.core.money import usd
from aicost.policy.context import CheckContext, finding
from aicost.policy.finding import Finding, WaiverRef
from aicost.policy.schema import RuleConfig, StrList
from aicost.policy.waivers import APPROVAL

TYPE = "training-run-cost"
TITLE = "Training runs above the threshold need approval"
REMEDIATION = (
    'Get the run approved and tag the resource cost-approval = "<ticket>" (and '
    'approved-run-cost = "<USD>"), shorten the run (run-hours), or use cheaper capacity.'
)
RATIONALE = (
    "A multi-node GPU training run can cost more in a week than a team's monthly budget; "
    "pre-run approval puts a person between a config change and that spend."
)


class Config(RuleConfig):
    max_run_cost: Decimal = Field(
        ge=0, allow_inf_nan=False, description="Approval threshold for one run, in USD."
    )
    classes: list[WorkloadClass] = Field(
        default_factory=lambda: [WorkloadClass.TRAINING],
        description="Workload classes this rule applies to.",
    )
    hours_tags: StrList = Field(
        default_factory=lambda: ["run-hours", "run_hours", "aicost:run-hours"],
        description="Tags or labels that give the hours one run takes.",
    )
    runs_tags: StrList = Field(
        default_factory=lambda: ["runs-per-month", "runs_per_month", "aicost:runs-per-month"],
        description="Tags or labels that give the runs per month.",
    )
    approval_tags: StrList = Field(
        default_factory=lambda: ["cost-approval", "cost_approval", "aicost:cost-approval"],
        description="Tags or labels whose non-empty value approves the run (a ticket).",
    )
    approval_limit_tags: StrList = Field(
        default_factory=lambda: ["approved-run-cost", "approved_run_cost"],
        description="Tags or labels giving the approved amount in USD.",
    )
    default_run_hours: Decimal | None = Field(
        default=None,
        gt=0,
        allow_inf_nan=False,
        description="Run length when nothing says (default: the whole month).",
    )


def _number(tags: Mapping[str, str], keys: list[str]) -> tuple[Decimal | None, str | None]:
    """The first tag among *keys* with a positive number, and the tag (or a problem)."""
    for key in keys:
        raw = tags.get(key)
        if raw is None or not raw.strip():
            continue
        try:
            value = Decimal(raw.strip().replace(",", "").removeprefix("$"))
        except InvalidOperation:
            return None, f"tag {key}={raw!r} is not a number"
        if value.is_finite() and value > 0:
            return value, f"tag {key}"
        return None, f"tag {key}={raw!r} is not a positive number"
    return None, None


def run_hours(
    rule: Config, deployment: Deployment, month: Decimal
) -> tuple[Decimal, str, str | None]:
    """Hours one run takes, how that was decided, and a problem with a tag if any."""
    if deployment.run_hours is not None and deployment.run_hours > 0:
        origin = deployment.run_hours_reason or "the manifest or usage file"
        return deployment.run_hours, f"hours from {origin}", None
    hours, how = _number(deployment.tags, rule.hours_tags)
    problem = how if hours is None else None
    if hours is not None:
        return hours, f"hours from {how}", None
    if rule.default_run_hours is not None:
        return rule.default_run_hours, "hours from default_run_hours", problem
    return month, "no run length given, so assumed to run all month", problem


def check(rule: Config, ctx: CheckContext) -> Iterator[Finding]:
    for item, planned in ctx.targets(rule):
        if planned.workload_class not in rule.classes:
            continue
        costing = item.planned_cost
        hourly = costing.hourly if costing is not None else None
        if hourly is None or hourly <= 0:
            continue  # unpriced: the unpriced setting reports it
        month = planned.hours_per_month or ctx.pricer.hours_per_month
        hours, how, problem = run_hours(rule, planned, month)
        run_cost = hourly * hours
        if run_cost <= rule.max_run_cost:
            continue
        runs = planned.runs_per_month
        if runs is None:
            runs, _ = _number(planned.tags, rule.runs_tags)
        monthly = run_cost * runs if runs is not None else item.monthly_cost
        gpus = planned.accelerators_total
        shape = (
            f"{gpus:g} GPUs × {hours:g} h × {usd(hourly / Decimal(str(gpus)))}/GPU-h"
            if gpus
            else f"{hours:g} h × {usd(hourly)}/h"
        )
        message = (
            f"training run projected at {usd(run_cost)} ({shape}; {how}) "
            f"exceeds the {usd(rule.max_run_cost)} approval threshold"
        )
        if problem:
            message += f"; {problem}"
        approval = _approval(rule, planned.tags, run_cost)
        found = finding(rule, item, message, monthly_cost=monthly)
        if isinstance(approval, WaiverRef):
            found = dataclasses.replace(found, waiver=approval)
        elif approval:
            found = dataclasses.replace(found, message=f"{message}; {approval}")
        yield found


def _approval(rule: Config, tags: Mapping[str, str], run_cost: Decimal) -> WaiverRef | str | None:
    """A WaiverRef when an approval covers the run, a note when one falls short, else None."""
    for key in rule.approval_tags:
        value = (tags.get(key) or "").strip()
        if not value:
            continue
        limit, how = _number(tags, rule.approval_limit_tags)
        if limit is not None and limit < run_cost:
            return f"approval {key}={value} covers {usd(limit)} only ({how})"
        if limit is None and how is not None:
            return f"approval {key}={value} ignored: {how}"
        amount = f" up to {usd(limit)}" if limit is not None else ""
        return WaiverRef(
            reason=f"approved{amount} ({key}={value})",
            owner="",
            expires="",
            source=f"tag {key}",
            ticket=value,
            kind=APPROVAL,
        )
    return None
