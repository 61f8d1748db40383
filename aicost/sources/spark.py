"""Spark on Kubernetes (``sparkoperator.k8s.io`` SparkApplication).

Executors: ``spec.executor.instances`` (or ``spec.dynamicAllocation.maxExecutors``) pods with
``spec.executor.gpu.quantity`` GPUs each; the driver has ``spec.driver.gpu``. Node
selection comes from ``spec.executor.nodeSelector``/``affinity``. A Spark application is
batch work.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from aicost.core.model import WorkloadClass
from aicost.sources.k8s import api_group, build
from aicost.sources.manifest import Group, Spec, get, integer, mapping, text
from aicost.sources.podspec import Pod, group, read_pod
from aicost.sources.yamldocs import Document


def _role(role: Mapping[str, Any]) -> Pod:
    gpu = mapping(role.get("gpu"))
    resource = text(gpu.get("name")) or "nvidia.com/gpu"
    container: dict[str, Any] = {}
    if gpu:
        container = {"resources": {"limits": {resource: gpu.get("quantity", 1)}}}
    pod_spec = {
        "containers": [container],
        "nodeSelector": role.get("nodeSelector") or {},
        "affinity": role.get("affinity") or {},
        "tolerations": role.get("tolerations") or [],
    }
    pod = read_pod(pod_spec, is_template=False)
    pod.labels = {str(k): str(v) for k, v in mapping(role.get("labels")).items()}
    return pod


def read_object(
    kind: str, obj: Mapping[str, Any], document: Document, at: tuple[str | int, ...]
) -> Iterator[Spec]:
    spec = mapping(obj.get("spec"))
    driver = _role(mapping(spec.get("driver")))
    executor = _role(mapping(spec.get("executor")))
    instances = integer(get(spec, "executor", "instances"))
    maximum = integer(get(spec, "dynamicAllocation", "maxExecutors"))
    minimum = integer(get(spec, "dynamicAllocation", "minExecutors"))
    groups: list[Group] = [
        group("driver", driver, 1, line=document.line_of(*at, "spec", "driver")),
        group(
            "executors",
            executor,
            instances if instances is not None else (minimum or 1),
            line=document.line_of(*at, "spec", "executor"),
            min_units=minimum,
            max_units=maximum,
        ),
    ]
    yield build(
        kind,
        obj,
        document,
        at,
        groups,
        [driver, executor],
        resource_type=f"{api_group(text(obj.get('apiVersion')) or '')}/{kind}",
        default_class=WorkloadClass.BATCH,
        kind_reason="resource kind: a Spark application is batch work",
    )
