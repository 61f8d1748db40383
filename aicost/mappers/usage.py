"""Apply the usage file (read by :mod:`aicost.sources.usage`) to normalised workloads.

Values merge key by key (type default, then wildcards, then the exact address). After the
usage file, a deployment with a run time but no monthly hours is priced for
``run_hours × runs_per_month`` hours (one run a month when that is not known, and said so).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from aicost.core.calendar import DAYS_PER_MONTH
from aicost.core.errors import InputError
from aicost.core.model import Deployment, Workload, WorkloadClass
from aicost.sources.usage import Usage

#: Tags that give a run time or a run count when neither a manifest nor the usage file does.
RUN_HOURS_TAGS = ("run-hours", "run_hours", "aicost:run-hours", "aicost/run-hours")
RUNS_TAGS = ("runs-per-month", "runs_per_month", "aicost:runs-per-month", "aicost/runs-per-month")
_RUN_TAGS = frozenset((*RUN_HOURS_TAGS, *RUNS_TAGS))


def apply(workloads: Sequence[Workload], usage: Usage | None) -> tuple[list[Workload], list[str]]:
    """Workloads with the usage file's values and derived monthly hours; and warnings."""
    out: list[Workload] = []
    ignored: list[str] = []
    for workload in workloads:
        values = usage.values_for(workload) if usage is not None else {}
        current = workload.planned or workload.prior
        if values and current is not None and current.ai is not False:
            keys = inapplicable(current, values)
            if keys:
                what = (
                    "an LLM workload priced per token"
                    if current.llm is not None
                    else f"{_article(current.workload_class.value)} workload"
                )
                ignored.append(
                    f"{usage.path if usage else ''}: usage key{'s' if len(keys) > 1 else ''} "
                    f"{', '.join(keys)} for {workload.label} do{'' if len(keys) > 1 else 'es'} "
                    f"not apply to {what}: ignored"
                )
        source = f"usage file {usage.path}" if usage is not None and values else ""
        job = not workload.source.kind.startswith("terraform")
        prior = _side(workload.prior, values, source, job=job, workload=workload)
        planned = _side(workload.planned, values, source, job=job, workload=workload)
        if prior is workload.prior and planned is workload.planned:
            out.append(workload)
        else:
            out.append(dataclasses.replace(workload, prior=prior, planned=planned))
    warnings = []
    if usage is not None:
        warnings = [
            f"{usage.path}: usage entry {key!r} matches no resource" for key in usage.unused()
        ]
    return out, [*warnings, *ignored]


#: The largest run time (hours) and runs per month a tag may give: a year, and one a minute.
TAG_LIMITS: dict[tuple[str, ...], Decimal] = {
    RUN_HOURS_TAGS: Decimal(8784),
    RUNS_TAGS: Decimal(44640),
}


def _tag_number(
    deployment: Deployment, keys: tuple[str, ...], workload: Workload
) -> tuple[Decimal, str] | None:
    for key in keys:
        value = deployment.tags.get(key)
        if value is None:
            continue
        try:
            number = Decimal(value.strip())
        except ArithmeticError:
            continue
        limit = TAG_LIMITS.get(keys)
        if not number.is_finite() or (limit is not None and number > limit):
            # A number money is computed from: out of range is an input error, not a guess.
            raise InputError(
                f"{workload.label}: tag {key}={value[:40]!r} is out of range (at most {limit:,})",
                path=workload.source.path,
                line=workload.source.line,
            )
        if number > 0:
            return number, f"tag {key}={value}"
    return None


def _side(
    deployment: Deployment | None,
    values: Mapping[str, Any],
    source: str,
    *,
    job: bool,
    workload: Workload,
) -> Deployment | None:
    if deployment is None:
        return None
    if not values and deployment.run_hours is None and _RUN_TAGS.isdisjoint(deployment.tags):
        return deployment  # most deployments: nothing to apply
    return _applied(deployment, values, source, job=job, workload=workload)


def _applied(
    deployment: Deployment,
    values: Mapping[str, Any],
    source: str,
    *,
    job: bool,
    workload: Workload,
) -> Deployment:
    changes: dict[str, Any] = {}
    notes: list[str] = []
    for key in ("hours_per_month", "run_hours", "runs_per_month"):
        if key in values:
            changes[key] = values[key]
            notes.append(f"{key.replace('_', ' ')} {values[key]} from the {source}")
    if "run_hours" in values:
        changes["run_hours_reason"] = f"the {source}"
    run_hours = changes.get("run_hours", deployment.run_hours)
    runs = changes.get("runs_per_month", deployment.runs_per_month)
    if run_hours is None and (found := _tag_number(deployment, RUN_HOURS_TAGS, workload)):
        run_hours = changes["run_hours"] = found[0]
        changes["run_hours_reason"] = found[1]
        notes.append(f"run hours {found[0]} from {found[1]}")
    if runs is None and (found := _tag_number(deployment, RUNS_TAGS, workload)):
        runs = changes["runs_per_month"] = found[0]
        notes.append(f"runs per month {found[0]} from {found[1]}")
    if deployment.llm is not None:
        llm = _llm(deployment, values)
        if llm is not deployment.llm:
            changes["llm"] = llm
            notes.append(f"token volume from the {source}")
    elif deployment.workload_class is WorkloadClass.INFERENCE:
        traffic = _traffic(values)
        if traffic[0] is not None or traffic[1] is not None:
            changes["requests_per_month"], changes["tokens_per_month"] = traffic
            notes.append(f"requests and tokens from the {source}")
    hours = changes.get("hours_per_month", deployment.hours_per_month)
    # A job (a manifest) runs only while it runs: its monthly hours follow from runs. A
    # resource that Terraform keeps (an instance, a node group) runs all month whatever its
    # run-hours tag says, unless the usage file sets hours_per_month for it.
    if hours is None and run_hours is not None and deployment.llm is None and job:
        if runs is None:
            changes["hours_per_month"] = run_hours
            notes.append(
                f"priced for one run a month ({_number(run_hours)} h); set runs_per_month "
                "in aicost-usage.yml"
            )
        else:
            changes["hours_per_month"] = run_hours * runs
            notes.append(
                f"priced for {_number(runs)} runs a month × {_number(run_hours)} h = "
                f"{_number(run_hours * runs)} h"
            )
    if not changes:
        return deployment
    changes["notes"] = (*deployment.notes, *notes)
    return dataclasses.replace(deployment, **changes)


#: Usage keys about token traffic; they apply to LLM workloads and self-hosted serving.
TRAFFIC_KEYS = (
    "requests_per_day",
    "requests_per_month",
    "input_tokens",
    "output_tokens",
    "monthly_input_tokens",
    "monthly_output_tokens",
)
#: Keys only an LLM API applies (prompt caching and batch discounts).
LLM_ONLY_KEYS = ("cached_input_share", "cache_write_share", "batch_share")
#: Keys about runs; a token-priced LLM workload has none.
RUN_KEYS = ("run_hours", "runs_per_month")


def inapplicable(deployment: Deployment, values: Mapping[str, Any]) -> list[str]:
    """The usage keys in *values* that do not apply to *deployment* (they are ignored)."""
    if deployment.llm is not None:
        return [key for key in RUN_KEYS if key in values]
    keys = [key for key in LLM_ONLY_KEYS if key in values]
    if deployment.workload_class is not WorkloadClass.INFERENCE:
        keys += [key for key in TRAFFIC_KEYS if key in values]
    return keys


def _traffic(values: Mapping[str, Any]) -> tuple[Decimal | None, Decimal | None]:
    """(requests, tokens) per month of a self-hosted serving workload."""
    requests: Decimal | None = None
    if "requests_per_month" in values:
        requests = values["requests_per_month"]
    elif "requests_per_day" in values:
        requests = values["requests_per_day"] * DAYS_PER_MONTH
    tokens: Decimal | None = None
    if "monthly_input_tokens" in values or "monthly_output_tokens" in values:
        tokens = values.get("monthly_input_tokens", Decimal(0)) + values.get(
            "monthly_output_tokens", Decimal(0)
        )
    elif requests is not None and ("input_tokens" in values or "output_tokens" in values):
        per_request = values.get("input_tokens", Decimal(0)) + values.get(
            "output_tokens", Decimal(0)
        )
        tokens = requests * per_request
    return requests, tokens


def _llm(deployment: Deployment, values: Mapping[str, Any]) -> Any:
    llm = deployment.llm
    assert llm is not None
    changes: dict[str, Any] = {}
    if "requests_per_month" in values:
        changes["requests_per_month"] = values["requests_per_month"]
    elif "requests_per_day" in values:
        changes["requests_per_month"] = values["requests_per_day"] * DAYS_PER_MONTH
    for key in (
        "input_tokens",
        "output_tokens",
        "monthly_input_tokens",
        "monthly_output_tokens",
        "cached_input_share",
        "cache_write_share",
        "batch_share",
    ):
        if key in values:
            changes[key] = values[key]
    return dataclasses.replace(llm, **changes) if changes else llm


def _article(word: str) -> str:
    return f"{'an' if word[:1] in 'aeiou' else 'a'} {word}"


def _number(value: Decimal) -> str:
    if value == value.to_integral():
        return str(value.quantize(Decimal(1)))
    return f"{value:.2f}"
