"""Apply the usage file (read by :mod:`aicost.sources.usage`) to normalised workloads.

Values merge key by key (type default, then wildcards, then the exact address). After the
usage file, a deployment with a run time but no monthly hours is priced for
``run_hours × runs_per_month`` hours (one run a month when that is not known, and said so).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from aicost.core.calendar import DAYS_PER_MONTH
from aicost.core.model import Deployment, Workload
from aicost.sources.usage import Usage

#: Tags that give a run time or a run count when neither a manifest nor the usage file does.
RUN_HOURS_TAGS = ("run-hours", "run_hours", "aicost:run-hours", "aicost/run-hours")
RUNS_TAGS = ("runs-per-month", "runs_per_month", "aicost:runs-per-month", "aicost/runs-per-month")


def apply(workloads: Sequence[Workload], usage: Usage | None) -> tuple[list[Workload], list[str]]:
    """Workloads with the usage file's values and derived monthly hours; and warnings."""
    out: list[Workload] = []
    for workload in workloads:
        values = usage.values_for(workload) if usage is not None else {}
        source = f"usage file {usage.path}" if usage is not None and values else ""
        job = not workload.source.kind.startswith("terraform")
        prior = _side(workload.prior, values, source, job=job)
        planned = _side(workload.planned, values, source, job=job)
        if prior is workload.prior and planned is workload.planned:
            out.append(workload)
        else:
            out.append(dataclasses.replace(workload, prior=prior, planned=planned))
    warnings = []
    if usage is not None:
        warnings = [
            f"{usage.path}: usage entry {key!r} matches no resource" for key in usage.unused()
        ]
    return out, warnings


def _tag_number(deployment: Deployment, keys: Iterable[str]) -> tuple[Decimal, str] | None:
    for key in keys:
        value = deployment.tags.get(key)
        if value is None:
            continue
        try:
            number = Decimal(value.strip())
        except ArithmeticError:
            continue
        if number.is_finite() and number > 0:
            return number, f"tag {key}={value}"
    return None


def _side(
    deployment: Deployment | None, values: Mapping[str, Any], source: str, *, job: bool
) -> Deployment | None:
    if deployment is None:
        return None
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
    if run_hours is None and (found := _tag_number(deployment, RUN_HOURS_TAGS)):
        run_hours = changes["run_hours"] = found[0]
        changes["run_hours_reason"] = found[1]
        notes.append(f"run hours {found[0]} from {found[1]}")
    if runs is None and (found := _tag_number(deployment, RUNS_TAGS)):
        runs = changes["runs_per_month"] = found[0]
        notes.append(f"runs per month {found[0]} from {found[1]}")
    if deployment.llm is not None:
        llm = _llm(deployment, values)
        if llm is not deployment.llm:
            changes["llm"] = llm
            notes.append(f"token volume from the {source}")
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


def _number(value: Decimal) -> str:
    if value == value.to_integral():
        return str(value.quantize(Decimal(1)))
    return f"{value:.2f}"
