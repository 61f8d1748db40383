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
from collections.abc import Mapping
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
    accel_name: str | None = None
    accel_count = 0.0
    count_reason = ""
    accel_reason = ""
    own_notes: list[str] = []
    if not instance_types and compute:
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
    notes: list[str] = []
    groups: list[Group] = []
    run_hours: Decimal | None = None
    run_reason = ""
    commands = mf.strings(data.get("command"))
    kind_class: WorkloadClass | None = None
    default_class = WorkloadClass.BATCH
    reason = f"an Azure ML {kind} job is batch work"
    if kind in ("command", "finetuning"):
        groups.append(_job_group(None, data, document, ("resources",), notes))
        timeout = mf.seconds(get(data, "limits", "timeout"))
        if timeout:
            run_hours, run_reason = timeout / Decimal(3600), "limits.timeout"
        if kind == "finetuning":
            kind_class, reason = WorkloadClass.TRAINING, "resource kind: an Azure ML finetuning job"
    elif kind == "sweep":
        limits = mapping(data.get("limits"))
        total = integer(limits.get("max_total_trials"), 1) or 1
        concurrent = integer(limits.get("max_concurrent_trials"), total) or 1
        trial = mapping(data.get("trial"))
        job = {**trial, **{k: v for k, v in data.items() if k in ("compute", "resources")}}
        groups.append(_job_group(None, job, document, ("trial",), notes, concurrency=concurrent))
        commands += mf.strings(trial.get("command"))
        timeout = mf.seconds(limits.get("timeout"))
        per_trial = mf.seconds(limits.get("trial_timeout"))
        if timeout:
            run_hours, run_reason = timeout / Decimal(3600), "limits.timeout"
        elif per_trial:
            rounds = math.ceil(total / concurrent)
            run_hours = per_trial * rounds / Decimal(3600)
            run_reason = f"{rounds} rounds of limits.trial_timeout"
        notes.append(f"sweep: {total} trials, {concurrent} at a time")
        kind_class, reason = WorkloadClass.TRAINING, "resource kind: an Azure ML sweep (tuning) job"
    elif kind == "pipeline":
        default = _compute_name(get(data, "settings", "default_compute"))
        for step, raw in mapping(data.get("jobs")).items():
            step_job = mapping(raw)
            groups.append(_job_group(str(step), step_job, document, ("jobs", step), [], default))
            commands += mf.strings(step_job.get("command"))
    elif kind in ("online-deployment", "batch-deployment"):
        itype = text(data.get("instance_type"))
        count = integer(data.get("instance_count"), 1) or 1
        scale = mapping(data.get("scale_settings"))
        groups.append(
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
        if kind == "online-deployment":
            kind_class, reason = (
                WorkloadClass.INFERENCE,
                "resource kind: an Azure ML online deployment serves inference",
            )
        else:
            default_class, reason = WorkloadClass.BATCH, "an Azure ML batch deployment"
    elif kind == "compute":
        size = text(data.get("size"))
        low_priority = (text(data.get("tier")) or "").lower() == "low_priority"
        minimum = integer(data.get("min_instances"), 0) or 0
        maximum = integer(data.get("max_instances"))
        notes.append(
            f"a compute cluster costs per running node: {minimum} when idle, up to {maximum}"
            if maximum is not None
            else "a compute instance"
        )
        groups.append(
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
        default_class, reason = (
            WorkloadClass.UNKNOWN,
            "an Azure ML compute runs whatever jobs use it",
        )
    hint = mf.command_hint(commands)
    return Spec(
        kind=f"azureml-{kind}",
        name=name,
        resource_type=f"azureml/{kind}",
        groups=tuple(groups),
        line=document.line,
        cloud="azure",
        labels=tags,
        kind_class=kind_class,
        default_class=default_class,
        kind_reason=reason,
        hint_class=hint[0] if hint else None,
        hint_reason=hint[1] if hint else "",
        run_hours=run_hours,
        run_reason=run_reason,
        cluster=mf.cluster_label(tags),
        notes=tuple(notes),
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
