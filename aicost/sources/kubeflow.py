"""Kubeflow training jobs: PyTorchJob, TFJob, PaddleJob, XGBoostJob, JAXJob, MXJob, MPIJob.

Each replica role (``Master``, ``Worker``, ``Chief``, ``PS``, ``Launcher``...) under
``spec.<kind>ReplicaSpecs`` is a group of ``replicas`` pods (default 1) read from its pod
template; roles without accelerators are left out of the cost. An elastic PyTorchJob's
``elasticPolicy.minReplicas``/``maxReplicas`` bound its workers. The run time is
``spec.runPolicy.activeDeadlineSeconds``. Kubeflow Trainer v2 ``TrainJob`` is read from
``spec.trainer.numNodes`` and ``resourcesPerNode``. These kinds train: the class is
``training`` unless a label says otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from aicost.core.model import WorkloadClass
from aicost.sources.k8s import api_group, build
from aicost.sources.manifest import Group, Spec, get, integer, mapping, quantity, text
from aicost.sources.podspec import Pod, group, read_pod
from aicost.sources.yamldocs import Document

#: Role order used for display (chief/master first).
_ROLE_ORDER = ("Master", "Chief", "Launcher", "Worker", "PS", "Evaluator")


def _replica_specs(spec: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]] | None:
    for key, value in spec.items():
        if str(key).endswith("ReplicaSpecs") and isinstance(value, Mapping):
            return str(key), value
    return None


def read_object(
    kind: str, obj: Mapping[str, Any], document: Document, at: tuple[str | int, ...]
) -> Iterator[Spec]:
    spec = mapping(obj.get("spec"))
    resource_type = f"{api_group(text(obj.get('apiVersion')) or '')}/{kind}"
    kind_reason = f"resource kind: a Kubeflow {kind} is a training job"
    if kind == "TrainJob":
        yield _train_job(kind, obj, document, at, resource_type, kind_reason)
        return
    found = _replica_specs(spec)
    groups: list[Group] = []
    pods: list[Pod] = []
    elastic = mapping(spec.get("elasticPolicy"))
    if found is not None:
        key, roles = found
        ordered = sorted(
            roles, key=lambda r: _ROLE_ORDER.index(r) if r in _ROLE_ORDER else len(_ROLE_ORDER)
        )
        for role in ordered:
            role_spec = mapping(roles[role])
            pod = read_pod(role_spec.get("template"))
            pods.append(pod)
            replicas = integer(role_spec.get("replicas"), 1) or 0
            minimum = maximum = None
            if role == "Worker" and elastic:
                minimum = integer(elastic.get("minReplicas"))
                maximum = integer(elastic.get("maxReplicas"))
            groups.append(
                group(
                    str(role),
                    pod,
                    replicas,
                    line=document.line_of(*at, "spec", key, role),
                    min_units=minimum,
                    max_units=maximum,
                )
            )
    deadline = quantity(get(spec, "runPolicy", "activeDeadlineSeconds"))
    notes = []
    slots = integer(spec.get("slotsPerWorker"))
    if slots:
        notes.append(f"slotsPerWorker {slots} (MPI slots; GPUs are read from the pod limits)")
    yield build(
        kind,
        obj,
        document,
        at,
        groups,
        pods,
        resource_type=resource_type,
        kind_class=WorkloadClass.TRAINING,
        kind_reason=kind_reason,
        run_seconds=deadline,
        run_reason="runPolicy.activeDeadlineSeconds" if deadline else "",
        notes=notes,
        retries=integer(get(spec, "runPolicy", "backoffLimit")),
        retries_reason="runPolicy.backoffLimit",
    )


def _train_job(
    kind: str,
    obj: Mapping[str, Any],
    document: Document,
    at: tuple[str | int, ...],
    resource_type: str,
    kind_reason: str,
) -> Spec:
    trainer = mapping(get(obj, "spec", "trainer"))
    nodes = integer(trainer.get("numNodes"), 1) or 0
    container = {"resources": mapping(trainer.get("resourcesPerNode"))}
    pod = read_pod({"containers": [container]}, is_template=False)
    pod.commands = [str(c) for c in (trainer.get("command") or []) if isinstance(c, str)]
    return build(
        kind,
        obj,
        document,
        at,
        [group(None, pod, nodes, line=document.line_of(*at, "spec", "trainer"))],
        [pod],
        resource_type=resource_type,
        kind_class=WorkloadClass.TRAINING,
        kind_reason=kind_reason,
    )
