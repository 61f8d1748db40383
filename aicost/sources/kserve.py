"""KServe: InferenceService (``v1beta1``) and LLMInferenceService (``v1alpha2``).

InferenceService components (``predictor``, ``transformer``, ``explainer``) are each a group:
the framework block (``tensorflow``, ``pytorch``, ``huggingface``, ``model``...) and any
``containers`` make the pod; ``nodeSelector``/``affinity`` and the
``serving.kserve.io/gke-accelerator`` annotation say the hardware. Replicas are
``minReplicas`` (default 1) to ``maxReplicas`` (or the Knative ``min-scale``/``max-scale``
annotations); a component that scales to zero is priced at one replica and says so.

LLMInferenceService: ``spec.replicas`` replicas of the ``template`` pod; with ``worker``,
each replica is a leader plus workers, ``parallelism.data / parallelism.dataLocal`` pods in
all (a derivation, noted); ``prefill`` is its own group. Both kinds serve (inference).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from aicost.core.model import WorkloadClass
from aicost.sources.k8s import api_group, build, object_annotations
from aicost.sources.manifest import Group, Spec, get, integer, items, mapping, text
from aicost.sources.podspec import Pod, group, read_pod
from aicost.sources.yamldocs import Document

_COMPONENTS = ("predictor", "transformer", "explainer")
_POD_KEYS = (
    "nodeSelector",
    "affinity",
    "tolerations",
    "containers",
    "initContainers",
    "activeDeadlineSeconds",
)
_NOT_FRAMEWORKS = frozenset(
    {
        *_POD_KEYS,
        "minReplicas",
        "maxReplicas",
        "scaleTarget",
        "scaleMetric",
        "annotations",
        "labels",
        "serviceAccountName",
        "timeout",
        "canaryTrafficPercent",
        "batcher",
        "logger",
        "volumes",
        "imagePullSecrets",
        "containerConcurrency",
        "deploymentStrategy",
        "workerSpec",
        "autoScaling",
    }
)
_ACCELERATOR_ANNOTATION = "serving.kserve.io/gke-accelerator"


def _component_pod(component: Mapping[str, Any], extra: Mapping[str, str]) -> Pod:
    containers = [c for c in items(component.get("containers")) if isinstance(c, Mapping)]
    for key, value in component.items():
        if key not in _NOT_FRAMEWORKS and isinstance(value, Mapping):
            containers.append(value)
    pod_spec = {k: component[k] for k in _POD_KEYS if k in component}
    pod_spec["containers"] = containers
    return read_pod(pod_spec, extra=extra, is_template=False)


def read_object(
    kind: str, obj: Mapping[str, Any], document: Document, at: tuple[str | int, ...]
) -> Iterator[Spec]:
    resource_type = f"{api_group(text(obj.get('apiVersion')) or '')}/{kind}"
    spec = mapping(obj.get("spec"))
    top = object_annotations(obj)
    if kind == "LLMInferenceService":
        yield _llm(kind, obj, document, at, resource_type, spec, top)
        return
    extra = {k: v for k, v in top.items() if k == _ACCELERATOR_ANNOTATION}
    groups: list[Group] = []
    pods: list[Pod] = []
    for name in _COMPONENTS:
        component = mapping(spec.get(name))
        if not component:
            continue
        own = {**top, **{str(k): str(v) for k, v in mapping(component.get("annotations")).items()}}
        pod = _component_pod(component, extra)
        pods.append(pod)
        minimum = integer(component.get("minReplicas"))
        if minimum is None:
            minimum = integer(own.get("autoscaling.knative.dev/min-scale"))
        maximum = integer(component.get("maxReplicas"))
        if maximum is None:
            maximum = integer(own.get("autoscaling.knative.dev/max-scale"))
        notes = []
        if minimum is None:
            minimum = 1
        units = minimum
        if minimum == 0:
            units = 1
            notes.append("scales to zero (minReplicas 0): priced at 1 replica while it serves")
        if maximum in (None, 0):
            maximum = None
            notes.append("no maxReplicas: the autoscaler may add replicas without bound")
        groups.append(
            group(
                name,
                pod,
                units,
                line=document.line_of(*at, "spec", name),
                min_units=minimum,
                max_units=maximum,
                notes=notes,
            )
        )
    yield build(
        kind,
        obj,
        document,
        at,
        groups,
        pods,
        resource_type=resource_type,
        default_class=WorkloadClass.INFERENCE,
        kind_reason="resource kind: a KServe InferenceService serves inference",
    )


def _pods_per_replica(parallelism: Mapping[str, Any], notes: list[str]) -> int:
    """Pods per replica of a multi-node LLM service (leader + workers), from its
    parallelism settings; 2 when they do not say."""
    data = integer(parallelism.get("data"))
    local = integer(parallelism.get("dataLocal"))
    size = None
    if data and local:
        size = max(data // local, 1)
        notes.append(
            f"parallelism data {data} / dataLocal {local}: {size} pods per replica "
            "(1 leader + workers; derived from the parallelism settings)"
        )
    elif integer(parallelism.get("pipeline")):
        size = integer(parallelism.get("pipeline"))
        notes.append(f"parallelism pipeline {size}: {size} pods per replica (derived)")
    return size or 2


def _add_prefill(
    prefill: Mapping[str, Any],
    document: Document,
    at: tuple[str | int, ...],
    groups: list[Group],
    pods: list[Pod],
) -> None:
    """The disaggregated prefill pods, as their own group."""
    pod = read_pod(mapping(prefill.get("template")), is_template=False)
    pods.append(pod)
    groups.append(
        group(
            "prefill",
            pod,
            integer(prefill.get("replicas"), 1) or 0,
            line=document.line_of(*at, "spec", "prefill"),
        )
    )


def _llm(
    kind: str,
    obj: Mapping[str, Any],
    document: Document,
    at: tuple[str | int, ...],
    resource_type: str,
    spec: Mapping[str, Any],
    top: Mapping[str, str],
) -> Spec:
    replicas = integer(spec.get("replicas"), 1) or 0
    template = read_pod(mapping(spec.get("template")), is_template=False)
    groups: list[Group] = []
    pods = [template]
    notes: list[str] = []
    model = text(get(spec, "model", "name")) or text(get(spec, "model", "uri"))
    worker_spec = mapping(spec.get("worker"))
    if worker_spec:
        size = _pods_per_replica(mapping(spec.get("parallelism")), notes)
        worker = read_pod(worker_spec, is_template=False)
        pods.append(worker)
        groups.append(
            group("leader", template, replicas, line=document.line_of(*at, "spec", "template"))
        )
        groups.append(
            group(
                "workers",
                worker,
                replicas * (size - 1),
                line=document.line_of(*at, "spec", "worker"),
            )
        )
    else:
        groups.append(
            group(None, template, replicas, line=document.line_of(*at, "spec", "template"))
        )
    prefill = mapping(spec.get("prefill"))
    if prefill:
        _add_prefill(prefill, document, at, groups, pods)
    if model:
        notes.append(f"model {model}")
    return build(
        kind,
        obj,
        document,
        at,
        groups,
        pods,
        resource_type=resource_type,
        default_class=WorkloadClass.INFERENCE,
        kind_reason="resource kind: a KServe LLMInferenceService serves inference",
        notes=notes,
    )
