"""Volcano jobs (``batch.volcano.sh/v1alpha1`` Job).

Each entry of ``spec.tasks`` is a group of ``replicas`` pods (its ``name`` is the
component). Volcano has no job-level deadline; ``maxRetry`` is noted because retries
multiply the worst-case run time, and a pod template's ``activeDeadlineSeconds`` is used when
set. The class is batch unless a label, the name or the command says otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from aicost.core.model import WorkloadClass
from aicost.sources.k8s import api_group, build
from aicost.sources.manifest import Group, Spec, integer, items, mapping, text
from aicost.sources.podspec import Pod, group, read_pod
from aicost.sources.yamldocs import Document


def read_object(
    kind: str, obj: Mapping[str, Any], document: Document, at: tuple[str | int, ...]
) -> Iterator[Spec]:
    spec = mapping(obj.get("spec"))
    groups: list[Group] = []
    pods: list[Pod] = []
    deadline = None
    for index, task in enumerate(items(spec.get("tasks"))):
        task = mapping(task)
        pod = read_pod(task.get("template"))
        pods.append(pod)
        deadline = deadline or pod.deadline_seconds
        name = text(task.get("name")) or f"task {index}"
        minimum = integer(task.get("minAvailable"))
        groups.append(
            group(
                name,
                pod,
                integer(task.get("replicas"), 1) or 0,
                line=document.line_of(*at, "spec", "tasks", index),
                min_units=minimum,
            )
        )
    notes = []
    retries = integer(spec.get("maxRetry"))
    if retries:
        notes.append(f"maxRetry {retries}: failed runs are retried up to {retries} times")
    queue = text(spec.get("queue"))
    if queue:
        notes.append(f"queue {queue}")
    yield build(
        kind,
        obj,
        document,
        at,
        groups,
        pods,
        resource_type=f"{api_group(text(obj.get('apiVersion')) or '')}/{kind}",
        default_class=WorkloadClass.BATCH,
        kind_reason="resource kind: a Volcano Job is batch work",
        run_seconds=deadline,
        run_reason="pod activeDeadlineSeconds" if deadline else "",
        notes=notes,
        retries=retries,
        retries_reason="maxRetry",
    )
