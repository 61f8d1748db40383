"""KubeRay (``ray.io/v1``): RayCluster, RayJob and RayService.

The cluster spec is ``spec`` (RayCluster), ``spec.rayClusterSpec`` (RayJob) or
``spec.rayClusterConfig`` (RayService). The head group is one pod (it can hold GPUs); each
of ``workerGroupSpecs`` is a group of ``replicas × numOfHosts`` pods (``minReplicas`` and
``maxReplicas`` bound the autoscaler). Accelerators come from the pod limits; when a group
sets none but declares Ray ``resources: {GPU: n}`` or ``rayStartParams.num-gpus``, that is
used (and said). Group labels ``ray.io/accelerator-type`` and ``ray.io/market-type`` name
the GPU and the capacity type.

A RayJob's run time is ``spec.activeDeadlineSeconds``; ``ttlSecondsAfterFinished`` keeps
the cluster (and its GPUs) up after the job ends, which is noted. RayJob is batch work and
RayService serves, unless a label or the entrypoint says otherwise; a RayCluster does not
say what it is for.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from typing import Any

from aicost.core.model import WorkloadClass
from aicost.sources.k8s import api_group, build
from aicost.sources.manifest import Group, Spec, get, integer, items, mapping, quantity, text
from aicost.sources.podspec import Pod, group, read_pod
from aicost.sources.yamldocs import Document

_CLUSTER_KEYS = {
    "RayCluster": (),
    "RayJob": ("rayClusterSpec",),
    "RayService": ("rayClusterConfig",),
}
_GROUP_LABELS = ("ray.io/accelerator-type", "ray.io/market-type")


def _ray_pod(group_spec: Mapping[str, Any]) -> Pod:
    group_labels = {str(k): str(v) for k, v in mapping(group_spec.get("labels")).items()}
    extra = {k: v for k, v in group_labels.items() if k in _GROUP_LABELS}
    pod = read_pod(group_spec.get("template"), extra=extra)
    if not pod.accel_count:
        declared = quantity(get(group_spec, "resources", "GPU"))
        source = "Ray group resources.GPU"
        if not declared:
            declared = quantity(get(group_spec, "rayStartParams", "num-gpus"))
            source = "rayStartParams num-gpus"
        if declared and declared > 0:
            pod.accel_count = declared
            pod.accel_resource = None
            pod.notes.append(f"{declared:g} GPU per pod from {source} (no nvidia.com/gpu limit)")
    return pod


def _worker_group(
    index: int, worker: Mapping[str, Any], document: Document, base: tuple[str | int, ...]
) -> tuple[Group, Pod]:
    """One worker group: its replicas times hosts per replica (numOfHosts)."""
    pod = _ray_pod(worker)
    hosts = integer(worker.get("numOfHosts"), 1) or 1
    minimum = integer(worker.get("minReplicas"))
    maximum = integer(worker.get("maxReplicas"))
    replicas = integer(worker.get("replicas"))
    if replicas is None:
        replicas = minimum or 0
    group_notes = [f"{hosts} hosts per replica (numOfHosts)"] if hosts > 1 else []
    if replicas == 0 and pod.accel_count and (maximum is None or maximum > 0):
        # The autoscaler adds GPU workers when tasks ask for them: $0 would hide them.
        replicas = 1
        group_notes.append(
            "scales from zero (replicas 0): priced at 1 replica while it runs"
            + (f"; up to maxReplicas {maximum}" if maximum else "")
        )
    built = group(
        text(worker.get("groupName")) or f"worker group {index}",
        pod,
        replicas * hosts,
        line=document.line_of(*base, "workerGroupSpecs", index),
        min_units=None if minimum is None else minimum * hosts,
        max_units=None if maximum is None else maximum * hosts,
        notes=group_notes,
    )
    if pod.accel_resource is None and pod.accel_count:
        built = dataclasses.replace(built, count_reason="Ray group resources")
    return built, pod


def _groups(
    cluster: Mapping[str, Any], document: Document, base: tuple[str | int, ...]
) -> tuple[list[Group], list[Pod]]:
    """The head group and the worker groups of a Ray cluster, and their pods."""
    groups: list[Group] = []
    pods: list[Pod] = []
    head = mapping(cluster.get("headGroupSpec"))
    if head:
        pod = _ray_pod(head)
        pods.append(pod)
        groups.append(group("head", pod, 1, line=document.line_of(*base, "headGroupSpec")))
    for index, worker in enumerate(items(cluster.get("workerGroupSpecs"))):
        built, pod = _worker_group(index, mapping(worker), document, base)
        pods.append(pod)
        groups.append(built)
    return groups, pods


def _job(spec: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """(commands, notes) of a RayJob: its entrypoint, and whether the cluster outlives it."""
    notes: list[str] = []
    commands: list[str] = []
    entrypoint = text(spec.get("entrypoint"))
    if entrypoint:
        commands.append(entrypoint)
    ttl = quantity(spec.get("ttlSecondsAfterFinished"))
    if spec.get("shutdownAfterJobFinishes") is True:
        if ttl:
            notes.append(
                f"the Ray cluster stays up {ttl:g} s after the job ends "
                "(ttlSecondsAfterFinished): idle GPU time on every run"
            )
    else:
        notes.append(
            "shutdownAfterJobFinishes is not true: the Ray cluster (and its GPUs) keeps "
            "running after the job ends"
        )
    return commands, notes


def read_object(
    kind: str, obj: Mapping[str, Any], document: Document, at: tuple[str | int, ...]
) -> Iterator[Spec]:
    spec = mapping(obj.get("spec"))
    path = _CLUSTER_KEYS.get(kind, ())
    cluster = mapping(get(spec, *path)) if path else spec
    base = (*at, "spec", *path)
    groups, pods = _groups(cluster, document, base)
    resource_type = f"{api_group(text(obj.get('apiVersion')) or '')}/{kind}"
    if kind == "RayJob":
        commands, notes = _job(spec)
        deadline = quantity(spec.get("activeDeadlineSeconds"))
        yield build(
            kind,
            obj,
            document,
            at,
            groups,
            pods,
            resource_type=resource_type,
            default_class=WorkloadClass.BATCH,
            kind_reason="resource kind: a RayJob is batch work",
            run_seconds=deadline,
            run_reason="activeDeadlineSeconds" if deadline else "",
            commands=commands,
            notes=notes,
            serving=WorkloadClass.BATCH,
        )
        return
    if kind == "RayService":
        yield build(
            kind,
            obj,
            document,
            at,
            groups,
            pods,
            resource_type=resource_type,
            default_class=WorkloadClass.INFERENCE,
            kind_reason="resource kind: a RayService serves inference",
        )
        return
    yield build(
        kind,
        obj,
        document,
        at,
        groups,
        pods,
        resource_type=resource_type,
        default_class=WorkloadClass.UNKNOWN,
        kind_reason="resource kind: a RayCluster does not say what it runs",
    )
