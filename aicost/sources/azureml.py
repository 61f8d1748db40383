"""Azure Machine Learning CLI v2 YAML: jobs, online deployments and compute.

The document type comes from ``$schema`` (``commandJob``, ``sweepJob``, ``pipelineJob``,
``managedOnlineDeployment``, ``amlCompute``...) or ``type``. What is read:

* command, sweep and finetuning jobs: ``resources.instance_type`` (serverless), the first
  of ``resources.instance_types``, or the named ``compute: azureml:<cluster>`` (its VM size
  is not in the job: a cluster profile's ``node_pools`` maps it; an accelerator in the name,
  ``gpu-v100-cluster``, is used and said), ``resources.instance_count`` machines,
  ``distribution.process_count_per_instance`` as a hint of GPUs per machine,
  ``queue_settings.job_tier: spot``, ``limits.timeout`` (a sweep: ``max_concurrent_trials``
  at a time, ``max_total_trials`` in all), ``tags``;
* pipeline jobs: one group per step under ``jobs``;
* online deployments: ``instance_type`` × ``instance_count`` (serving);
* compute clusters: ``size`` × ``min_instances`` (up to ``max_instances``),
  ``tier: low_priority`` is spot.

Azure ML bills managed compute at the VM's price, so machines are priced as Azure VMs.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from aicost.core.hardware import canonical, kind_of
from aicost.core.model import WorkloadClass
from aicost.sources import manifest as mf
from aicost.sources.base import Inventory
from aicost.sources.manifest import Group, Spec, get, integer, items, mapping, text
from aicost.sources.vmjobs import documents

KIND = "azureml"

_SCHEMAS = {
    "commandjob": "command",
    "sweepjob": "sweep",
    "pipelinejob": "pipeline",
    "managedonlinedeployment": "online-deployment",
    "kubernetesonlinedeployment": "online-deployment",
    "batchdeployment": "batch-deployment",
    "modelbatchdeployment": "batch-deployment",
    "amlcompute": "compute",
    "computeinstance": "compute",
    "finetuningjob": "finetuning",
}
_TYPES = {
    "command": "command",
    "sweep": "sweep",
    "pipeline": "pipeline",
    "finetuning": "finetuning",
    "amlcompute": "compute",
    "computeinstance": "compute",
}
_GPU_IN_NAME = re.compile(r"(v100|a100|h100|h200|t4|k80|p100|a10|mi300x|nc\d+|nd\d+)", re.I)


def sniff(path: Path, head: bytes) -> bool:
    if mf.is_terraform_plan(head):
        return False
    sample = mf.head_text(head)
    keys = mf.top_keys(head)
    if "apiVersion" in keys:
        return False
    if "$schema" in keys and "azureml" in sample:
        return True
    typed = re.search(r"^type:\s*['\"]?([a-z_]+)", sample, re.MULTILINE)
    return bool(typed and typed.group(1) in _TYPES and "azureml" in sample)


def _kind(data: Mapping[str, Any]) -> str | None:
    schema = text(data.get("$schema")) or ""
    match = re.search(r"/([A-Za-z]+)\.schema\.json", schema)
    if match and match.group(1).lower() in _SCHEMAS:
        return _SCHEMAS[match.group(1).lower()]
    found = (text(data.get("type")) or "").lower()
    if found in _TYPES:
        return _TYPES[found]
    if data.get("command") or data.get("compute"):
        return "command"
    if data.get("instance_type") and data.get("model"):
        return "online-deployment"
    return None


def _compute_name(value: Any) -> str | None:
    name = text(value)
    if not name:
        return None
    return name.removeprefix("azureml:").strip() or None


def _compute_gpus(
    compute: str, processes: int | None, own_notes: list[str]
) -> tuple[str | None, str, float, str]:
    """(GPU type, why, GPUs per node, why) guessed from a named compute's name."""
    accel_name: str | None = None
    accel_count = 0.0
    count_reason = ""
    accel_reason = ""
    match = _GPU_IN_NAME.search(compute)
    if match and canonical(match.group(1)) != match.group(1):
        accel_name = canonical(match.group(1))
        accel_reason = f"compute name {compute}"
        own_notes.append(f"GPU type {accel_name} guessed from the compute name {compute}")
    if processes and ("gpu" in compute.lower() or accel_name):
        accel_count = float(processes)
        count_reason = "distribution.process_count_per_instance (a hint)"
    elif "gpu" in compute.lower() or accel_name:
        accel_count = 1.0
        count_reason = "a GPU compute with no process count: 1 assumed"
    return accel_name, accel_reason, accel_count, count_reason


def _job_group(
    name: str | None,
    job: Mapping[str, Any],
    document: Any,
    at: tuple[str | int, ...],
    notes: list[str],
    default_compute: str | None = None,
    concurrency: int = 1,
) -> Group:
    resources = mapping(job.get("resources"))
    instance_types = [str(t) for t in items(resources.get("instance_types"))]
    if text(resources.get("instance_type")):
        instance_types.insert(0, str(resources.get("instance_type")))
    compute = _compute_name(job.get("compute")) or default_compute
    count = integer(resources.get("instance_count"), 1) or 1
    processes = integer(get(job, "distribution", "process_count_per_instance"))
    own_notes: list[str] = []
    accel_name, accel_reason, accel_count, count_reason = None, "", 0.0, ""
    if not instance_types and compute:
        accel_name, accel_reason, accel_count, count_reason = _compute_gpus(
            compute, processes, own_notes
        )
    tier = (text(get(job, "queue_settings", "job_tier")) or "").lower()
    spot = tier == "spot"
    if len(instance_types) > 1:
        own_notes.append(f"priced as {instance_types[0]}, the first of {', '.join(instance_types)}")
    return Group(
        name=name,
        units=count * concurrency,
        accel_count=accel_count,
        accel_name=accel_name,
        accel_reason=accel_reason,
        accel_kind=kind_of(accel_name),
        count_reason=count_reason,
        instance_types=tuple(instance_types[:1] + instance_types[1:]),
        node_pool=compute if not instance_types else None,
        cloud="azure",
        cloud_reason="Azure Machine Learning",
        spot=spot,
        spot_reason="queue_settings.job_tier: spot"
        if spot
        else (
            f"queue_settings.job_tier: {tier}"
            if tier
            else "no spot job tier or low-priority compute named"
        ),
        whole_node=True,
        line=document.line_of(*at),
        notes=tuple(own_notes + notes),
    )


@dataclass
class _Found:
    """What one kind of Azure ML document adds to its spec."""

    kind: str
    commands: list[str]
    notes: list[str] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    run_hours: Decimal | None = None
    run_reason: str = ""
    kind_class: WorkloadClass | None = None
    default_class: WorkloadClass = WorkloadClass.BATCH
    reason: str = ""


def _command_job(found: _Found, document: Any, data: Mapping[str, Any]) -> None:
    found.groups.append(_job_group(None, data, document, ("resources",), found.notes))
    timeout = mf.seconds(get(data, "limits", "timeout"))
    if timeout:
        found.run_hours, found.run_reason = timeout / Decimal(3600), "limits.timeout"
    if found.kind == "finetuning":
        found.kind_class = WorkloadClass.TRAINING
        found.reason = "resource kind: an Azure ML finetuning job"


def _sweep_job(found: _Found, document: Any, data: Mapping[str, Any]) -> None:
    limits = mapping(data.get("limits"))
    total = integer(limits.get("max_total_trials"), 1) or 1
    concurrent = integer(limits.get("max_concurrent_trials"), total) or 1
    trial = mapping(data.get("trial"))
    job = {**trial, **{k: v for k, v in data.items() if k in ("compute", "resources")}}
    found.groups.append(
        _job_group(None, job, document, ("trial",), found.notes, concurrency=concurrent)
    )
    found.commands += mf.strings(trial.get("command"))
    timeout = mf.seconds(limits.get("timeout"))
    per_trial = mf.seconds(limits.get("trial_timeout"))
    if timeout:
        found.run_hours, found.run_reason = timeout / Decimal(3600), "limits.timeout"
    elif per_trial:
        rounds = math.ceil(total / concurrent)
        found.run_hours = per_trial * rounds / Decimal(3600)
        found.run_reason = f"{rounds} rounds of limits.trial_timeout"
    found.notes.append(f"sweep: {total} trials, {concurrent} at a time")
    found.kind_class = WorkloadClass.TRAINING
    found.reason = "resource kind: an Azure ML sweep (tuning) job"


def _pipeline_job(found: _Found, document: Any, data: Mapping[str, Any]) -> None:
    default = _compute_name(get(data, "settings", "default_compute"))
    for step, raw in mapping(data.get("jobs")).items():
        step_job = mapping(raw)
        found.groups.append(_job_group(str(step), step_job, document, ("jobs", step), [], default))
        found.commands += mf.strings(step_job.get("command"))


def _deployment(found: _Found, document: Any, data: Mapping[str, Any]) -> None:
    itype = text(data.get("instance_type"))
    count = integer(data.get("instance_count"), 1) or 1
    scale = mapping(data.get("scale_settings"))
    found.groups.append(
        Group(
            name=None,
            units=count,
            min_units=integer(scale.get("min_instances")),
            max_units=integer(scale.get("max_instances")),
            instance_types=(itype,) if itype else (),
            node_pool=_compute_name(data.get("compute")) if not itype else None,
            cloud="azure",
            cloud_reason="Azure Machine Learning",
            spot=False,
            spot_reason="managed online endpoints run on dedicated VMs",
            whole_node=True,
            line=document.line_of("instance_type"),
        )
    )
    if found.kind == "online-deployment":
        found.kind_class, found.reason = (
            WorkloadClass.INFERENCE,
            "resource kind: an Azure ML online deployment serves inference",
        )
    else:
        found.default_class, found.reason = WorkloadClass.BATCH, "an Azure ML batch deployment"


def _compute(found: _Found, document: Any, data: Mapping[str, Any]) -> None:
    size = text(data.get("size"))
    low_priority = (text(data.get("tier")) or "").lower() == "low_priority"
    minimum = integer(data.get("min_instances"), 0) or 0
    maximum = integer(data.get("max_instances"))
    found.notes.append(
        f"a compute cluster costs per running node: {minimum} when idle, up to {maximum}"
        if maximum is not None
        else "a compute instance"
    )
    found.groups.append(
        Group(
            name=None,
            units=minimum if (text(data.get("type")) or "").lower() != "computeinstance" else 1,
            min_units=minimum,
            max_units=maximum,
            instance_types=(size,) if size else (),
            cloud="azure",
            cloud_reason="Azure Machine Learning",
            region=text(data.get("location")),
            spot=low_priority,
            spot_reason="tier: low_priority" if low_priority else "tier: dedicated",
            whole_node=True,
            line=document.line_of("size"),
        )
    )
    found.default_class, found.reason = (
        WorkloadClass.UNKNOWN,
        "an Azure ML compute runs whatever jobs use it",
    )


#: Azure ML document kind -> what it adds to its spec.
_KINDS: dict[str, Callable[[_Found, Any, Mapping[str, Any]], None]] = {
    "command": _command_job,
    "finetuning": _command_job,
    "sweep": _sweep_job,
    "pipeline": _pipeline_job,
    "online-deployment": _deployment,
    "batch-deployment": _deployment,
    "compute": _compute,
}


def _spec(document: Any, data: Mapping[str, Any], path: str) -> Spec | None:
    kind = _kind(data)
    if kind is None:
        return None
    tags = mf.labels(data.get("tags"))
    name = (
        text(data.get("name"))
        or text(data.get("display_name"))
        or text(data.get("experiment_name"))
        or Path(path).stem
    )
    found = _Found(
        kind=kind,
        commands=mf.strings(data.get("command")),
        reason=f"an Azure ML {kind} job is batch work",
    )
    add = _KINDS.get(kind)
    if add is not None:
        add(found, document, data)
    hint = mf.command_hint(found.commands)
    return Spec(
        kind=f"azureml-{kind}",
        name=name,
        resource_type=f"azureml/{kind}",
        groups=tuple(found.groups),
        line=document.line,
        cloud="azure",
        labels=tags,
        kind_class=found.kind_class,
        default_class=found.default_class,
        kind_reason=found.reason,
        hint_class=hint[0] if hint else None,
        hint_reason=hint[1] if hint else "",
        run_hours=found.run_hours,
        run_reason=found.run_reason,
        cluster=mf.cluster_label(tags),
        notes=tuple(found.notes),
    )


#: Counts of machines (lower case, no ``_``), validated when read.
_COUNTS = frozenset({"instancecount", "maxinstances", "mininstances", "nodecount"})


def read(path: Path) -> Inventory:
    specs = []
    for document, data in documents(path, "Azure ML YAML", _COUNTS):
        found = _spec(document, data, str(path))
        if found is not None:
            specs.append(found)
    return mf.inventory(str(path), KIND, specs)
