"""Any Kubernetes object that runs pods asking for accelerators, whatever its kind.

aicost has a reader for the kinds it knows (:data:`aicost.sources.k8s.KINDS`); every other
object is handed to this module (the registry's ``*`` entry), so that an object of a kind
nobody listed (a JobSet, an NVIDIA ``NIMService``, an in-house CRD) is never dropped when
it spends on accelerators. Its ``spec`` is searched at any depth for

* pod specs: a mapping with a ``containers`` list (inside ``template``, ``jobTemplate``,
  ``replicatedJobs``, ``replicaSpecs``, ``workerGroupSpecs``, ``leaderWorkerTemplate``...);
* resource blocks of operators that build the pods themselves: a ``resources`` mapping whose
  ``limits``/``requests`` name an accelerator (``NIMService.spec.resources``).

Each one that requests an accelerator (:func:`aicost.sources.podspec.is_accelerator`)
becomes a group; its units are the product of the ``replicas``, ``parallelism`` (at most
``completions``), ``numOfHosts`` and a NIMService's ``multiNode`` pods per replica found on
the way down from ``spec`` (a JobSet's ``replicatedJobs[].replicas`` × the Job's
``parallelism``), and the workload says that it was read generically. An object with no
accelerator stays an "other resource".

Values a cluster would refuse are checked before any reader runs, known kind or not
(:mod:`aicost.sources.podcheck`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from aicost.core.model import WorkloadClass
from aicost.sources.manifest import Group, Spec, mapping, text
from aicost.sources.podcheck import as_number
from aicost.sources.podspec import group, is_accelerator, read_pod
from aicost.sources.yamldocs import Document

Path = tuple[str | int, ...]

#: Keys not searched for pods (they describe the object, not what it runs).
_SKIP = frozenset({"metadata", "status"})


# --------------------------------------------------------------------------- reading


def read_object(kind: str, obj: Mapping[str, Any], document: Document, at: Path) -> Iterator[Spec]:
    """Specs for an object of a kind aicost has no reader for (none when it asks for no
    accelerator: the caller then counts it as another resource)."""
    from aicost.sources.k8s import api_group, build

    spec = obj.get("spec")
    found = list(_pods(spec, (*at, "spec"), ()))
    groups: list[Group] = []
    pods = []
    for pod_at, pod_spec, labels_of, chain in found:
        pod = read_pod(pod_spec, is_template=False)
        pod.labels = labels_of
        if not pod.accel_count:
            continue
        units, minimum, maximum, notes = _units(chain)
        pods.append(pod)
        groups.append(
            group(
                _name(chain),
                pod,
                units,
                line=document.line_of(*pod_at),
                min_units=minimum,
                max_units=maximum,
                notes=notes,
            )
        )
    if not groups:
        return
    if len(groups) == 1 and groups[0].name is not None:
        groups[0] = _renamed(groups[0], None)
    yield build(
        kind,
        obj,
        document,
        at,
        groups,
        pods,
        resource_type=f"{api_group(text(obj.get('apiVersion')) or '')}/{kind}",
        default_class=WorkloadClass.UNKNOWN,
        kind_reason=f"resource kind {kind} is not one aicost knows: its purpose is not known",
        notes=[
            f"read generically: aicost has no reader for {kind}; its pods were found by "
            "searching the spec for pod templates and accelerator requests"
        ],
    )


def _renamed(found: Group, name: str | None) -> Group:
    import dataclasses

    return dataclasses.replace(found, name=name)


#: (where, pod spec, pod labels, chain of (key, mapping) from spec down to the pod).
Found = tuple[Path, Mapping[str, Any], dict[str, str], list[tuple[str | int, Mapping[str, Any]]]]


def _pods(
    node: Any, at: Path, chain: tuple[tuple[str | int, Mapping[str, Any]], ...], depth: int = 0
) -> Iterator[Found]:
    if depth > 64:
        return
    if isinstance(node, list):
        for index, item in enumerate(node):
            if isinstance(item, Mapping | list):
                yield from _pods(item, (*at, index), chain, depth + 1)
        return
    if not isinstance(node, Mapping):
        return
    here = (*chain, (at[-1] if at else "", node))
    if isinstance(node.get("containers"), list):
        from aicost.sources.manifest import labels

        parent = chain[-1][1] if chain else {}
        pod_labels = labels(mapping(parent.get("metadata")).get("labels"))
        yield at, node, pod_labels, list(here)
        return
    resources = node.get("resources")
    if isinstance(resources, Mapping) and _asks_accelerator(resources):
        # An operator's own resources block (NIMService): the pod is built from it.
        pod_spec = {
            "containers": [{"resources": resources}],
            **{
                key: node[key] for key in ("nodeSelector", "affinity", "tolerations") if key in node
            },
        }
        yield (*at, "resources"), pod_spec, {}, list(here)
        return
    for key, value in node.items():
        if key in _SKIP or not isinstance(value, Mapping | list):
            continue
        yield from _pods(value, (*at, str(key)), here, depth + 1)


def _asks_accelerator(resources: Mapping[str, Any]) -> bool:
    for part in ("limits", "requests"):
        if any(is_accelerator(str(key)) for key in mapping(resources.get(part))):
            return True
    return False


def _count(value: Any) -> int | None:
    number = as_number(value) if not isinstance(value, Mapping | list) else None
    if number is None or not number.is_finite():
        return None
    return int(number)


def _factor(node: Mapping[str, Any], factors: list[str], notes: list[str]) -> tuple[int, int, int]:
    """One level's multiplier of pods: (planned, minimum, maximum)."""
    replicas = _count(node.get("replicas"))
    # (KEDA's ScaledJob, and CRDs that follow it, write minReplicaCount/maxReplicaCount)
    low = _count(node.get("minReplicas", node.get("minReplicaCount")))
    high = _count(node.get("maxReplicas", node.get("maxReplicaCount")))
    factor = 1
    if replicas is not None:
        factor = replicas
        factors.append(f"replicas {replicas}")
    elif low is not None or high is not None:
        factor = max(low or 0, 1)
        factors.append(f"minReplicas {low or 0}")
        if low == 0:
            notes.append("minReplicas 0 (scale to zero): priced at one replica")
    factor_min = low if low is not None else factor
    factor_max = high if high is not None else factor
    parallelism = _count(node.get("parallelism"))
    completions = _count(node.get("completions"))
    if parallelism is not None or completions is not None:
        pods = parallelism if parallelism is not None else 1
        if completions is not None:
            pods = min(pods, completions)
        factor *= pods
        factor_min *= pods
        factor_max *= pods
        factors.append(f"parallelism {pods}")
    for what, hosts in (("numOfHosts", _count(node.get("numOfHosts"))), _multi_node(node)):
        if hosts is not None and hosts > 1:
            factor *= hosts
            factor_min *= hosts
            factor_max *= hosts
            factors.append(f"{what} {hosts}")
    return factor, factor_min, factor_max


def _multi_node(node: Mapping[str, Any]) -> tuple[str, int | None]:
    """Pods per replica of a multi-node NIMService (NVIDIA NIM operator): ``multiNode.size``,
    or the pipeline-parallel size ``multiNode.parallelism.pp`` (one pod per pipeline stage,
    each with the GPUs of ``resources``) in newer versions."""
    multi = node.get("multiNode")
    if not isinstance(multi, Mapping):
        return "multiNode", None
    size = _count(multi.get("size"))
    if size is not None:
        return "multiNode.size", size
    parallelism = mapping(multi.get("parallelism"))
    for key in ("pp", "pipeline"):
        stages = _count(parallelism.get(key))
        if stages is not None:
            return f"multiNode.parallelism.{key}", stages
    return "multiNode", None


def _units(
    chain: list[tuple[str | int, Mapping[str, Any]]],
) -> tuple[int, int | None, int | None, list[str]]:
    """Pods of one template: the product of the counts on the way down from ``spec``."""
    units = 1
    minimum: int | None = 1
    maximum: int | None = 1
    notes: list[str] = []
    factors: list[str] = []
    for key, node in chain:
        factor, factor_min, factor_max = _factor(node, factors, notes)
        units *= factor
        minimum = None if minimum is None else minimum * factor_min
        maximum = None if maximum is None else maximum * factor_max
        del key
    if factors:
        notes.append(f"{units} pods ({' × '.join(factors)})")
    if minimum == units and maximum == units:
        minimum = maximum = None
    return units, minimum, maximum, notes


def _name(chain: list[tuple[str | int, Mapping[str, Any]]]) -> str | None:
    """A component name from the way down: list items' ``name``/``groupName``, else keys."""
    names: list[str] = []
    for key, node in chain[1:]:
        named = text(node.get("name")) or text(node.get("groupName"))
        if isinstance(key, int) and named:
            names.append(named)
        elif isinstance(key, int):
            names.append(f"[{key}]")
        elif key not in ("template", "spec", "jobTemplate", "resources") and key:
            names.append(str(key))
    return names[-1] if names else None
