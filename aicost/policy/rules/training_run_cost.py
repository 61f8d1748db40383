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

**A run is the whole job.** The run cost sums every replica group and role of one job (a
PyTorchJob's master and workers, an MPIJob's launcher and workers, a RayJob's head and
workers, a disaggregated server's prefill and decode) and multiplies it by the attempts the
job declares (``runPolicy.backoffLimit``, a Job's ``backoffLimit``, Volcano ``maxRetry`` or a
``retries`` tag: 1 + retries, the worst case). The threshold and any approval apply to that
sum, and the finding is about the job, not one of its groups.

**Pre-run estimates.** A job with no deadline that declares its model and data
(``aicost/model-parameters``, ``aicost/training-tokens``, optionally
``aicost/active-parameters``, ``aicost/mfu``, ``aicost/precision``) gets its run length from
6 × active parameters × tokens FLOPs over its accelerators' peak throughput × MFU (0.4 by
default; see ``aicost estimate training``); the finding shows those assumptions.

An approval tag counts like an inline waiver: it does not apply to a rule with
``enforcement: hard`` (only a waiver in the policy does).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from aicost.core.declared import Field
from aicost.core.model import Deployment, PricedWorkload, WorkloadClass
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
    retries_tags: StrList = Field(
        default_factory=lambda: ["retries", "max-retries", "aicost:retries", "aicost/retries"],
        description="Tags or labels giving the retries a failed run gets (worst case).",
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


@dataclass
class _Job:
    """The groups of one job (master and workers, launcher and workers, head and workers)."""

    items: list[tuple[PricedWorkload, Deployment]] = field(default_factory=list)

    @property
    def first(self) -> tuple[PricedWorkload, Deployment]:
        return self.items[0]


def _jobs(rule: Config, ctx: CheckContext) -> list[_Job]:
    jobs: dict[tuple[str, str], _Job] = {}
    for item, planned in ctx.targets(rule):
        if planned.workload_class not in rule.classes:
            continue
        key = (item.workload.project, item.workload.address)
        jobs.setdefault(key, _Job()).items.append((item, planned))
    return list(jobs.values())


def _retries(rule: Config, deployments: list[Deployment]) -> tuple[int, str]:
    for deployment in deployments:
        if deployment.retries:
            return deployment.retries, deployment.retries_reason or "the manifest"
    for deployment in deployments:
        found, how = _number(deployment.tags, rule.retries_tags)
        if found is not None:
            return int(found), how or "a tag"
    return 0, ""


@dataclass
class _Run:
    """One job's run: its hourly cost, length, attempts and where each came from."""

    job: _Job
    hourly: Decimal
    hours: Decimal
    how: str
    problem: str | None
    retries: int
    retries_how: str

    @property
    def attempt_cost(self) -> Decimal:
        return self.hourly * self.hours

    @property
    def cost(self) -> Decimal:
        return self.attempt_cost * (1 + self.retries)


def _hourly(job: _Job) -> Decimal | None:
    """The job's hourly cost (every group), or None when a group is unpriced."""
    total = Decimal(0)
    for part, _ in job.items:
        part_hourly = part.planned_cost.hourly if part.planned_cost is not None else None
        if part_hourly is None:
            return None
        total += part_hourly
    return total


def _run(rule: Config, ctx: CheckContext, job: _Job) -> _Run | None:
    hourly = _hourly(job)
    if hourly is None or hourly <= 0:
        return None  # unpriced: the unpriced setting reports it
    _, planned = job.first
    month = ctx.pricer.hours_of(planned)
    hours, how, problem = run_hours(rule, planned, month)
    for _, other in job.items[1:]:
        other_hours, other_how, _ = run_hours(rule, other, month)
        if other_hours > hours:
            hours, how = other_hours, other_how
    retries, retries_how = _retries(rule, [d for _, d in job.items])
    return _Run(job, hourly, hours, how, problem, retries, retries_how)


def _monthly(rule: Config, run: _Run) -> Decimal | None:
    """The monthly impact: run cost × runs per month, else the groups' projected cost."""
    _, planned = run.job.first
    runs = planned.runs_per_month
    if runs is None:
        runs, _ = _number(planned.tags, rule.runs_tags)
    if runs is not None:
        return run.attempt_cost * runs
    costs = [part.monthly_cost for part, _ in run.job.items]
    if any(c is None for c in costs):
        return None
    return sum((c for c in costs if c is not None), Decimal(0))


def _shape(run: _Run) -> str:
    """``16 GPUs × 72 h × $6.88/GPU-h; the whole job: ...; 3 attempts ...``"""
    items = run.job.items
    gpus = sum(d.accelerators_total for _, d in items)
    shape = (
        f"{gpus:g} GPUs × {_hours(run.hours)} h × {usd(run.hourly / Decimal(str(gpus)))}/GPU-h"
        if gpus
        else f"{_hours(run.hours)} h × {usd(run.hourly)}/h"
    )
    if len(items) > 1:
        roles = ", ".join(
            f"{part.workload.component or 'main'} {d.accelerators_total:g} "
            f"GPU{'s' if d.accelerators_total != 1 else ''}"
            for part, d in items
        )
        shape += f"; the whole job: {roles}"
    if run.retries:
        shape += (
            f"; {1 + run.retries} attempts ({run.retries} "
            f"retr{'y' if run.retries == 1 else 'ies'} from {run.retries_how}) at "
            f"{usd(run.attempt_cost)} each"
        )
    return shape


def check(rule: Config, ctx: CheckContext) -> Iterator[Finding]:
    for job in _jobs(rule, ctx):
        run = _run(rule, ctx, job)
        if run is None or run.cost <= rule.max_run_cost:
            continue
        message = (
            f"training run projected at {usd(run.cost)} ({_shape(run)}; {run.how}) "
            f"exceeds the {usd(rule.max_run_cost)} approval threshold"
        )
        if run.problem:
            message += f"; {run.problem}"
        tags: dict[str, str] = {}
        for _, deployment in reversed(job.items):
            tags.update(deployment.tags)
        approval = _approval(rule, tags, run.cost)
        item, _ = job.first
        if approval and not isinstance(approval, WaiverRef):
            message = f"{message}; {approval}"
        yield finding(
            rule,
            item,
            message,
            monthly_cost=_monthly(rule, run),
            whole=len(job.items) > 1,  # the whole job, not one of its roles
            waiver=approval if isinstance(approval, WaiverRef) else None,
        )


def _hours(value: Decimal) -> str:
    """``72``, ``1,052.7``: whole hours as they are, others to a tenth."""
    if value == value.to_integral():
        return f"{value.quantize(Decimal(1)):,}"
    return f"{value.quantize(Decimal('0.1')):,}"


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
