"""The usage file (``aicost-usage.yml``): how much resources run and how much they are used.

A plan or a manifest says what is deployed, not how long a training run takes, how many
runs a month there are, or how many tokens an LLM deployment serves. The usage file says so,
keyed by resource address (``[*]`` matches any index or key) or by resource type, and is
applied after normalisation, so it works for every reader (plans, ``.tf`` files, manifests,
LLM usage files):

.. code-block:: yaml

   version: 1
   resource_usage:
     aws_instance.pretrain:
       run_hours: 72
       runs_per_month: 2
     module.serving[*].aws_autoscaling_group.chat:
       hours_per_month: 400
     "jobs/train.yaml:PyTorchJob/bert":
       run_hours: 12
     azurerm_cognitive_deployment.chat:
       requests_per_day: 20000
       input_tokens: 1200
       output_tokens: 300
       cached_input_share: 0.5
   resource_type_default_usage:
     aws_instance:
       hours_per_month: 730

An exact address wins over a wildcard, a wildcard over a resource type; values merge key by
key. After the usage file, a deployment with a run time but no monthly hours is priced for
``run_hours × runs_per_month`` hours (one run a month when that is not known, and said so).
The JSON Schema is ``schemas/aicost-usage.schema.json``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from aicost.model import Deployment, Workload

DISCOVERED_NAMES = ("aicost-usage.yml", "aicost-usage.yaml", ".aicost-usage.yml")

#: Tags that give a run time or a run count when neither a manifest nor the usage file does.
RUN_HOURS_TAGS = ("run-hours", "run_hours", "aicost:run-hours", "aicost/run-hours")
RUNS_TAGS = ("runs-per-month", "runs_per_month", "aicost:runs-per-month", "aicost/runs-per-month")

DAYS_PER_MONTH = Decimal(730) / Decimal(24)


class UsageValues(BaseModel):
    """Usage of one resource (or of every resource of a type)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    hours_per_month: Decimal | None = Field(default=None, gt=0, le=744, allow_inf_nan=False)
    run_hours: Decimal | None = Field(default=None, gt=0, allow_inf_nan=False)
    runs_per_month: Decimal | None = Field(default=None, ge=0, allow_inf_nan=False)
    requests_per_day: Decimal | None = Field(default=None, ge=0, allow_inf_nan=False)
    requests_per_month: Decimal | None = Field(default=None, ge=0, allow_inf_nan=False)
    input_tokens: Decimal | None = Field(default=None, ge=0, allow_inf_nan=False)
    output_tokens: Decimal | None = Field(default=None, ge=0, allow_inf_nan=False)
    monthly_input_tokens: Decimal | None = Field(default=None, ge=0, allow_inf_nan=False)
    monthly_output_tokens: Decimal | None = Field(default=None, ge=0, allow_inf_nan=False)
    cached_input_share: Decimal | None = Field(default=None, ge=0, le=1, allow_inf_nan=False)
    cache_write_share: Decimal | None = Field(default=None, ge=0, le=1, allow_inf_nan=False)
    batch_share: Decimal | None = Field(default=None, ge=0, le=1, allow_inf_nan=False)


class UsageDocument(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    version: Literal[1] = 1
    resource_usage: dict[str, UsageValues] = Field(default_factory=dict)
    resource_type_default_usage: dict[str, UsageValues] = Field(default_factory=dict)


@dataclass
class Usage:
    """A loaded usage file, with its entries compiled for matching."""

    path: str
    document: UsageDocument
    _patterns: list[tuple[str, re.Pattern[str], int]] = field(default_factory=list)
    used: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        for key in self.document.resource_usage:
            if "[*]" in key or "*" in key:
                self._patterns.append((key, _compile(key), -key.count("*")))
        self._patterns.sort(key=lambda p: p[2], reverse=True)

    def values_for(self, workload: Workload) -> dict[str, Any]:
        """Merged values for *workload*: type default, then wildcards, then the exact address."""
        merged: dict[str, Any] = {}
        by_type = self.document.resource_type_default_usage.get(workload.resource_type)
        if by_type is not None:
            merged.update(by_type.model_dump(exclude_none=True))
            self.used.add(f"type:{workload.resource_type}")
        for key, pattern, _ in reversed(self._patterns):
            if pattern.fullmatch(workload.key) or pattern.fullmatch(workload.address):
                merged.update(self.document.resource_usage[key].model_dump(exclude_none=True))
                self.used.add(key)
        for key in (workload.address, workload.key):
            exact = self.document.resource_usage.get(key)
            if exact is not None:
                merged.update(exact.model_dump(exclude_none=True))
                self.used.add(key)
        return merged

    def unused(self) -> list[str]:
        keys = [k for k in self.document.resource_usage if k not in self.used]
        keys += [
            f"resource type {k}"
            for k in self.document.resource_type_default_usage
            if f"type:{k}" not in self.used
        ]
        return keys


def _compile(key: str) -> re.Pattern[str]:
    out = ""
    position = 0
    while position < len(key):
        if key.startswith("[*]", position):
            out += r"\[[^\]]*\]"
            position += 3
        elif key[position] == "*":
            out += ".*"
            position += 1
        else:
            out += re.escape(key[position])
            position += 1
    return re.compile(out)


def discover(explicit: Path | None, cwd: Path) -> Path | None:
    if explicit is not None:
        return explicit
    for name in DISCOVERED_NAMES:
        candidate = cwd / name
        if candidate.is_file():
            return candidate
    return None


def load(path: Path) -> Usage:
    from aicost.policy.yamlsafe import load_file

    document = load_file(path)
    data = document.data
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise document.error("a usage file must be a mapping")
    from aicost.policy.loader import strict_validate

    parsed = strict_validate(document, UsageDocument, data, ())
    return Usage(str(path), parsed)


# --------------------------------------------------------------------------- applying


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
