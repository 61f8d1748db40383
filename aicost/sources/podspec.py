"""Pod templates: the accelerators a pod asks for and the nodes it selects.

Shared by every Kubernetes reader (core workloads, Kubeflow, KServe, KubeRay, Volcano,
LeaderWorkerSet). A pod's accelerators are the extended resources in its containers'
``limits`` (``requests`` when there are no limits), summed over containers; init containers
count as their maximum, since they run before the others. The accelerator *type* is not in
the resource name: it comes from node selection (``nodeSelector`` and required node
affinity) on GKE, EKS/Karpenter and AKS, or from GPU feature discovery labels.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import msgspec

from aicost.core.hardware import (
    canonical,
    cloud_of_instance,
    kind_of,
    tpu_generation,
)
from aicost.sources.manifest import Group, get, items, labels, mapping, quantity, strings, text

#: Extended resources that are accelerators -> (kind, divisor to whole devices).
ACCELERATOR_RESOURCES: dict[str, tuple[str, float]] = {
    "nvidia.com/gpu": ("gpu", 1),
    "nvidia.com/gpu.shared": ("gpu", 1),
    "amd.com/gpu": ("gpu", 1),
    "gpu.intel.com/i915": ("gpu", 1),
    "gpu.intel.com/xe": ("gpu", 1),
    "gpu.intel.com/millicores": ("gpu", 1000),
    "google.com/tpu": ("tpu", 1),
    "aws.amazon.com/neuron": ("neuron", 1),
    "aws.amazon.com/neurondevice": ("neuron", 1),
    # Inferentia2/Trainium devices have two NeuronCores each.
    "aws.amazon.com/neuroncore": ("neuron", 2),
    "habana.ai/gaudi": ("hpu", 1),
    "volcano.sh/vgpu-number": ("gpu", 1),
}
#: Prefixes of accelerator resources named per model or profile: ``nvidia.com/mig-1g.5gb``,
#: ``gpu.intel.com/tiles``, ``habana.ai/gaudi2``.
ACCELERATOR_PREFIXES = ("nvidia.com/mig-", "gpu.intel.com/", "habana.ai/", "amd.com/gpu")

#: What a device is called when only its resource name says what it is.
DEVICE_NAMES: dict[str, str] = {
    "neuron": "AWS Neuron device (Trainium or Inferentia, type not named)",
    "tpu": "TPU (generation not named)",
    "hpu": "Gaudi",
}
_VENDOR_DEVICES = (
    ("amd.com/", "AMD GPU (type not named)"),
    ("gpu.intel.com/", "Intel GPU (type not named)"),
)
#: MIG profiles' memory -> the only GPU model that has that profile.
_MIG_PARENT = {"5gb": "A100", "18gb": "H200", "35gb": "H200", "71gb": "H200", "141gb": "H200"}
_MIG = re.compile(r"^nvidia\.com/mig-(\d+)g\.(\d+gb)(?:\.[a-z0-9+.-]+)?$")


def is_accelerator(resource: str) -> bool:
    """Whether a container resource name is an accelerator (any vendor, any MIG profile)."""
    return resource in ACCELERATOR_RESOURCES or resource.startswith(ACCELERATOR_PREFIXES)


def accelerator_info(resource: str) -> tuple[str, float]:
    """(kind, units of the resource per whole device) of an accelerator resource."""
    found = ACCELERATOR_RESOURCES.get(resource)
    if found is not None:
        return found
    mig = _MIG.match(resource)
    if mig:
        return "gpu", 7 / int(mig.group(1)) if int(mig.group(1)) else 7
    if resource.startswith("habana.ai/"):
        return "hpu", 1
    return "gpu", 1


INSTANCE_TYPE_KEYS = ("node.kubernetes.io/instance-type", "beta.kubernetes.io/instance-type")
ACCELERATOR_KEYS = (
    "cloud.google.com/gke-accelerator",
    "serving.kserve.io/gke-accelerator",
    "karpenter.k8s.aws/instance-gpu-name",
    "nvidia.com/gpu.product",
    "ray.io/accelerator-type",
    "accelerator",
)
POOL_KEYS = (
    "karpenter.sh/nodepool",
    "eks.amazonaws.com/nodegroup",
    "alpha.eksctl.io/nodegroup-name",
    "cloud.google.com/gke-nodepool",
    "kubernetes.azure.com/agentpool",
    "agentpool",
)
#: key -> (values meaning spot, values meaning on-demand).
SPOT_KEYS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "cloud.google.com/gke-spot": (frozenset({"true"}), frozenset({"false"})),
    "cloud.google.com/gke-preemptible": (frozenset({"true"}), frozenset({"false"})),
    "karpenter.sh/capacity-type": (frozenset({"spot"}), frozenset({"on-demand", "reserved"})),
    "eks.amazonaws.com/capacityType": (frozenset({"spot"}), frozenset({"on_demand"})),
    "kubernetes.azure.com/scalesetpriority": (frozenset({"spot"}), frozenset({"regular"})),
    "node.kubernetes.io/lifecycle": (frozenset({"spot"}), frozenset({"normal", "on-demand"})),
    "lifecycle": (frozenset({"ec2spot", "spot"}), frozenset({"ondemand", "on-demand"})),
    "ray.io/market-type": (frozenset({"spot"}), frozenset({"on-demand"})),
}
_CLOUD_PREFIXES = (
    ("cloud.google.com/", "gcp", "a GKE node label"),
    ("karpenter.k8s.aws/", "aws", "a Karpenter AWS node label"),
    ("eks.amazonaws.com/", "aws", "an EKS node label"),
    ("alpha.eksctl.io/", "aws", "an eksctl node label"),
    ("kubernetes.azure.com/", "azure", "an AKS node label"),
)


@dataclass
class Pod:
    """What one pod template asks for."""

    accel_count: float = 0
    accel_resource: str | None = None
    accel_name: str | None = None
    accel_reason: str = ""
    instance_types: tuple[str, ...] = ()
    node_pool: str | None = None
    cloud: str | None = None
    cloud_reason: str = ""
    region: str | None = None
    spot: bool | None = None
    spot_reason: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    deadline_seconds: float | None = None
    commands: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: A MIG slice profile (``MIG 1g.5gb slice``) and the GPU model it implies, if only one.
    mig: str | None = None
    mig_parent: str | None = None
    #: Every node label the pod requires, ``key=value`` (for cluster profiles' node_labels).
    selectors: tuple[str, ...] = ()


def selectors(spec: Mapping[str, Any]) -> dict[str, list[str]]:
    """Node labels a pod spec requires: ``nodeSelector`` and required node affinity ``In``."""
    found: dict[str, list[str]] = {}
    for key, value in mapping(spec.get("nodeSelector")).items():
        scalar = text(value)
        if scalar is not None:
            found.setdefault(str(key), []).append(scalar)
    terms = get(
        spec,
        "affinity",
        "nodeAffinity",
        "requiredDuringSchedulingIgnoredDuringExecution",
        "nodeSelectorTerms",
    )
    for term in items(terms)[:1]:  # terms are ORed: the first one is what a person reads
        for expression in items(get(term, "matchExpressions")):
            label = text(get(expression, "key"))
            operator = text(get(expression, "operator"))
            if label is None or operator not in ("In", "Exists"):
                continue
            values = [v for v in (text(x) for x in items(get(expression, "values"))) if v]
            found.setdefault(label, []).extend(values or ["true"])
    return found


def read_pod(
    template: Any,
    *,
    extra: Mapping[str, str] | None = None,
    is_template: bool = True,
) -> Pod:
    """Read a PodTemplateSpec (``{metadata, spec}``), or a bare pod spec when not *is_template*.

    *extra* holds labels or annotations outside the pod that select hardware (a KServe
    ``gke-accelerator`` annotation, KubeRay group labels).

    A template read before in this process (the same content: a directory of Jobs made from
    one template) is read once; each caller gets its own copy, which it may change.
    """
    try:
        key = (
            msgspec.msgpack.encode(template),
            tuple((extra or {}).items()),
            is_template,
        )
        hash(key)
    except (TypeError, ValueError, OverflowError, msgspec.EncodeError):
        return _read_pod(template, extra, is_template)  # not plain data: read it every time
    found = _PODS.get(key)
    if found is None:
        if len(_PODS) >= _MAX_PODS:
            _PODS.clear()
        found = _PODS[key] = _read_pod(template, extra, is_template)
    return _copy(found)


#: Encoded template (and how it was asked for) -> the pod read from it.
_PODS: dict[tuple[bytes, tuple[tuple[str, str], ...], bool], Pod] = {}
_MAX_PODS = 4096


def _copy(pod: Pod) -> Pod:
    """A copy of *pod* whose lists and labels are its own (readers add to them)."""
    copied = Pod.__new__(Pod)
    copied.__dict__.update(pod.__dict__)
    copied.labels = dict(pod.labels)
    copied.commands = list(pod.commands)
    copied.notes = list(pod.notes)
    return copied


def _read_pod(template: Any, extra: Mapping[str, str] | None, is_template: bool) -> Pod:
    tree = mapping(template)
    spec = mapping(tree.get("spec")) if is_template else tree
    pod = Pod()
    if is_template:
        pod.labels = labels(get(tree, "metadata", "labels"))
    _resources(spec, pod)
    chosen = selectors(spec)
    for key, value in (extra or {}).items():
        chosen.setdefault(key, []).append(value)
    pod.selectors = tuple(f"{key}={value}" for key, values in chosen.items() for value in values)
    _hardware(chosen, pod)
    _spot(chosen, spec, pod)
    deadline = quantity(spec.get("activeDeadlineSeconds"))
    pod.deadline_seconds = deadline if deadline and deadline > 0 else None
    for container in items(spec.get("containers")):
        pod.commands += strings(get(container, "command")) + strings(get(container, "args"))
    return pod


def _resources(spec: Mapping[str, Any], pod: Pod) -> None:
    totals: dict[str, float] = {}
    for container in items(spec.get("containers")):
        for resource, count in _container_accelerators(container).items():
            totals[resource] = totals.get(resource, 0) + count
    for container in items(spec.get("initContainers")):
        for resource, count in _container_accelerators(container).items():
            totals[resource] = max(totals.get(resource, 0), count)
    if _requests_efa(spec):
        _set_cloud(pod, "aws", "requests AWS EFA network adapters (vpc.amazonaws.com/efa)")
    if not totals:
        return
    resource = max(totals, key=lambda r: totals[r] / accelerator_info(r)[1])
    kind, divisor = accelerator_info(resource)
    pod.accel_resource = resource
    pod.accel_count = totals[resource] / divisor
    if kind == "neuron":
        _set_cloud(pod, "aws", f"requests {resource} (AWS Neuron devices run only on AWS)")
    elif kind == "tpu":
        _set_cloud(pod, "gcp", f"requests {resource} (TPUs run only on Google Cloud)")
    mig = _MIG.match(resource)
    if mig:
        parent = _MIG_PARENT.get(mig.group(2))
        pod.mig = f"MIG {mig.group(1)}g.{mig.group(2)} slice"
        pod.notes.append(
            f"{resource} {totals[resource]:g}: MIG slices of {mig.group(1)}/7 of a GPU each, "
            f"counted as {pod.accel_count:.3g} GPU"
        )
        if parent is not None:
            pod.mig_parent = parent
    elif divisor != 1:
        what = "millicores" if divisor == 1000 else f"{divisor:g} cores each"
        pod.notes.append(
            f"{resource} {totals[resource]:g} counted as {pod.accel_count:g} devices ({what})"
        )
    if len(totals) > 1:
        others = ", ".join(f"{r} {totals[r]:g}" for r in totals if r != resource)
        pod.notes.append(f"also requests {others}: priced as {resource}")


def _container_accelerators(container: Any) -> dict[str, float]:
    found: dict[str, float] = {}
    resources = mapping(get(container, "resources"))
    limits = mapping(resources.get("limits"))
    requests = mapping(resources.get("requests"))
    for resource in dict.fromkeys([*map(str, limits), *map(str, requests)]):
        if not is_accelerator(resource):
            continue
        value = quantity(limits.get(resource))
        if value is None:
            value = quantity(requests.get(resource))
        if value:
            found[resource] = value
    return found


def _requests_efa(spec: Mapping[str, Any]) -> bool:
    for container in items(spec.get("containers")):
        resources = mapping(get(container, "resources"))
        for part in ("limits", "requests"):
            if any(
                str(k).startswith("vpc.amazonaws.com/efa") for k in mapping(resources.get(part))
            ):
                return True
    return False


def _set_cloud(pod: Pod, cloud: str, reason: str) -> None:
    if pod.cloud is None:
        pod.cloud, pod.cloud_reason = cloud, reason


def _hardware(chosen: Mapping[str, list[str]], pod: Pod) -> None:
    _machine(chosen, pod)
    _accelerator(chosen, pod)
    _placement(chosen, pod)


def _machine(chosen: Mapping[str, list[str]], pod: Pod) -> None:
    """The instance types a node selector names (and their cloud)."""
    for key in INSTANCE_TYPE_KEYS:
        if chosen.get(key):
            pod.instance_types = tuple(chosen[key])
            cloud = cloud_of_instance(pod.instance_types[0])
            if cloud:
                _set_cloud(pod, cloud, f"node selector {key}={pod.instance_types[0]}")
            break


def _accelerator(chosen: Mapping[str, list[str]], pod: Pod) -> None:
    """The accelerator a node selector names: a TPU, a GPU label or a Karpenter family."""
    tpu = chosen.get("cloud.google.com/gke-tpu-accelerator")
    if tpu:
        pod.accel_name = tpu_generation(tpu[0]) or tpu[0]
        pod.accel_reason = f"node selector cloud.google.com/gke-tpu-accelerator={tpu[0]}"
        topology = chosen.get("cloud.google.com/gke-tpu-topology")
        if topology:
            pod.notes.append(f"TPU slice topology {topology[0]}")
        _set_cloud(pod, "gcp", "a GKE TPU node selector")
    if pod.accel_name is None:
        for key in ACCELERATOR_KEYS:
            if chosen.get(key):
                pod.accel_name = canonical(chosen[key][0])
                pod.accel_reason = f"{key}={chosen[key][0]}"
                break
    family = chosen.get("karpenter.k8s.aws/instance-family")
    if family and pod.accel_name is None and not pod.instance_types:
        for name in family:
            found = _family_accelerator(name)
            if found:
                pod.accel_name = found
                pod.accel_reason = f"karpenter.k8s.aws/instance-family={name}"
                break


def _placement(chosen: Mapping[str, list[str]], pod: Pod) -> None:
    """Node pool, region (or zone) and the cloud the labels belong to."""
    for key in POOL_KEYS:
        if chosen.get(key):
            pod.node_pool = chosen[key][0]
            break
    for key in ("topology.kubernetes.io/region", "failure-domain.beta.kubernetes.io/region"):
        if chosen.get(key):
            pod.region = chosen[key][0]
    if pod.region is None:
        zone = chosen.get("topology.kubernetes.io/zone")
        if zone and zone[0][-1:].isalpha() and zone[0][-2:-1].isdigit():
            pod.region = zone[0][:-1]
    for key in chosen:
        for prefix, cloud, reason in _CLOUD_PREFIXES:
            if key.startswith(prefix):
                _set_cloud(pod, cloud, f"{reason} ({key})")


def _family_accelerator(family: str) -> str | None:
    from aicost.core.hardware import NODES

    for accelerator, nodes in NODES["aws"].items():
        if any(node.instance_type.split(".")[0] == family for node in nodes):
            return accelerator
    return None


def _spot(chosen: Mapping[str, list[str]], spec: Mapping[str, Any], pod: Pod) -> None:
    for key, (spot_values, on_demand_values) in SPOT_KEYS.items():
        named = chosen.get(key)
        if not named:
            continue
        values = [v.lower() for v in named]
        spot = any(v in spot_values for v in values)
        on_demand = any(v in on_demand_values for v in values)
        shown = ", ".join(chosen[key])
        if spot and on_demand:
            pod.notes.append(f"{key} allows both spot and on-demand ({shown})")
            continue
        if spot:
            pod.spot, pod.spot_reason = True, f"node selector {key}={shown}"
            return
        if on_demand:
            pod.spot, pod.spot_reason = False, f"node selector {key}={shown}"
            return
    for toleration in items(spec.get("tolerations")):
        key = text(get(toleration, "key")) or ""
        if key in SPOT_KEYS or key.endswith("/spot"):
            pod.notes.append(f"tolerates spot nodes ({key}) but does not require them")


def group(
    name: str | None,
    pod: Pod,
    units: int,
    *,
    line: int | None,
    min_units: int | None = None,
    max_units: int | None = None,
    notes: Iterable[str] = (),
) -> Group:
    """A :class:`Group` of *units* pods made from one pod template."""
    reason = ""
    kind = "gpu"
    device: str | None = None
    accel_name, accel_reason = pod.accel_name, pod.accel_reason
    if pod.accel_resource:
        reason = f"{pod.accel_resource} per pod"
        kind = accelerator_info(pod.accel_resource)[0]
        device = pod.mig or DEVICE_NAMES.get(kind)
        for prefix, named in _VENDOR_DEVICES:
            if pod.accel_resource.startswith(prefix):
                device = named
        if accel_name is None and kind == "hpu":
            accel_name, accel_reason = "Gaudi", f"{pod.accel_resource} (Intel Gaudi)"
        if accel_name is None and pod.mig_parent is not None:
            accel_name = pod.mig_parent
            accel_reason = f"{pod.accel_resource}: only {pod.mig_parent} has this MIG profile"
    if accel_name is not None:
        kind = kind_of(accel_name)
    return Group(
        name=name,
        units=units,
        accel_count=pod.accel_count,
        accel_name=accel_name,
        accel_reason=accel_reason,
        accel_kind=kind,
        device=device,
        selectors=pod.selectors,
        count_reason=reason,
        min_units=min_units,
        max_units=max_units,
        instance_types=pod.instance_types,
        node_pool=pod.node_pool,
        cloud=pod.cloud,
        cloud_reason=pod.cloud_reason,
        region=pod.region,
        spot=pod.spot,
        spot_reason=pod.spot_reason,
        line=line,
        labels=pod.labels,
        notes=(*pod.notes, *notes),
    )
