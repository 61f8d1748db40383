"""Kubernetes manifests: core workloads, and the dispatch to the CRD readers.

A Kubernetes manifest is YAML or JSON with ``apiVersion`` and ``kind``, often several
documents (``---``) mixing a workload with a Service or ConfigMap, or a ``kind: List``.
Each document is dispatched on its API group and kind through :data:`KINDS` to the module
that reads it (one module per family: this one for core workloads, :mod:`.kubeflow`,
:mod:`.kserve`, :mod:`.kuberay`, :mod:`.volcano`, :mod:`.lws`, :mod:`.sagemaker_api`,
:mod:`.spark`). Kinds nothing reads (Services, ConfigMaps, NodePools) are counted as
other resources.

Core workloads read here:

==================================  =====================================================
kind                                units
==================================  =====================================================
``batch/Job``                       ``spec.parallelism`` pods (default 1); run time from
                                    ``activeDeadlineSeconds``
``batch/CronJob``                   as its job template; runs per month from ``schedule``
``apps/Deployment``, ``StatefulSet``, ``spec.replicas`` (default 1)
``ReplicaSet``
``v1/Pod``                          one pod
==================================  =====================================================

Pods' accelerators and node selection are read by :mod:`aicost.sources.podspec`.
"""

from __future__ import annotations

import dataclasses
import importlib
import operator
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import msgspec

from aicost.core.errors import InputError
from aicost.core.model import ResourceChange, WorkloadClass
from aicost.sources import manifest as mf
from aicost.sources.base import Inventory
from aicost.sources.manifest import Group, Spec, get, integer, mapping, text
from aicost.sources.podcheck import accelerator_request, encode, unread_request, validate
from aicost.sources.podspec import Pod, group, read_pod
from aicost.sources.yamldocs import Document, load_path, mappings

KIND = "kubernetes"

ObjectReader = Callable[[str, Mapping[str, Any], Document, tuple[str | int, ...]], Iterable[Spec]]

#: The registry key of the reader for kinds no other entry claims.
GENERIC = "*"

#: ``<api group>/<Kind>`` -> module whose ``read_object(kind, obj, doc, at)`` reads it.
#: The core API group is written ``v1``.
KINDS: dict[str, str] = {
    "batch/Job": "aicost.sources.k8s",
    "batch/CronJob": "aicost.sources.k8s",
    "apps/Deployment": "aicost.sources.k8s",
    "apps/StatefulSet": "aicost.sources.k8s",
    "apps/ReplicaSet": "aicost.sources.k8s",
    "v1/Pod": "aicost.sources.k8s",
    "kubeflow.org/PyTorchJob": "aicost.sources.kubeflow",
    "kubeflow.org/TFJob": "aicost.sources.kubeflow",
    "kubeflow.org/PaddleJob": "aicost.sources.kubeflow",
    "kubeflow.org/XGBoostJob": "aicost.sources.kubeflow",
    "kubeflow.org/JAXJob": "aicost.sources.kubeflow",
    "kubeflow.org/MXJob": "aicost.sources.kubeflow",
    "kubeflow.org/MPIJob": "aicost.sources.kubeflow",
    "trainer.kubeflow.org/TrainJob": "aicost.sources.kubeflow",
    "serving.kserve.io/InferenceService": "aicost.sources.kserve",
    "serving.kserve.io/LLMInferenceService": "aicost.sources.kserve",
    "ray.io/RayJob": "aicost.sources.kuberay",
    "ray.io/RayCluster": "aicost.sources.kuberay",
    "ray.io/RayService": "aicost.sources.kuberay",
    "batch.volcano.sh/Job": "aicost.sources.volcano",
    "leaderworkerset.x-k8s.io/LeaderWorkerSet": "aicost.sources.lws",
    "sagemaker.services.k8s.aws/TrainingJob": "aicost.sources.sagemaker_api",
    "sagemaker.services.k8s.aws/EndpointConfig": "aicost.sources.sagemaker_api",
    "sagemaker.services.k8s.aws/HyperParameterTuningJob": "aicost.sources.sagemaker_api",
    "sparkoperator.k8s.io/SparkApplication": "aicost.sources.spark",
    "keda.sh/ScaledObject": "aicost.sources.keda",
    "autoscaling/HorizontalPodAutoscaler": "aicost.sources.hpa",
    # Every other kind: pods found anywhere in its spec (JobSet, NIMService, any CRD).
    GENERIC: "aicost.sources.generic",
}

#: Provider of objects that run nothing aicost prices (Services, ConfigMaps): no mapper
#: reads it, so they are counted as other resources.
OTHER_PROVIDER = "kubernetes"

#: Resource types of every object this source and its kind modules can produce.
RESOURCE_TYPES: tuple[str, ...] = tuple(KINDS)


def sniff(path: Path, head: bytes) -> bool:
    if mf.is_terraform_plan(head):
        return False
    keys = mf.top_keys(head)
    return "apiVersion" in keys and "kind" in keys


def read(path: Path) -> Inventory:
    _, documents = load_path(path)
    name = str(path)
    specs: list[Spec] = []
    others: list[ResourceChange] = []
    warnings: list[str] = []
    found_any = False
    for document, data in mappings(documents):
        for obj, at in _objects(data, ()):
            api = text(obj.get("apiVersion"))
            kind = text(obj.get("kind"))
            if not api or not kind:
                if accelerator_request(obj):  # Kubernetes refuses it: never a silent $0
                    raise InputError(
                        "an object without apiVersion and kind asks for accelerators "
                        "(Kubernetes refuses it; aicost cannot tell what it runs)",
                        path=name,
                        line=document.line_of(*at),
                    )
                warnings.append(
                    f"{name}:{document.line_of(*at)}: document without apiVersion/kind skipped"
                )
                continue
            found_any = True
            validate(name, document, obj, at)
            key = f"{api_group(api)}/{kind}"
            reader = _reader(key)
            found = list(reader(kind, obj, document, at))
            if not any(
                g.accel_count > 0 for spec in found for g in spec.groups
            ) and accelerator_request(obj):
                raise unread_request(name, document, obj, at)
            if not found:
                others.append(_other(name, key, kind, obj, document, at))
            specs.extend(found)
    if not found_any:
        raise InputError(
            "not a Kubernetes manifest: no document has apiVersion and kind", path=path
        )
    inventory = mf.inventory(name, KIND, specs, warnings)
    inventory.changes.extend(others)
    return inventory


def _reader(key: str) -> ObjectReader:
    """The ``read_object`` of the module that reads ``<api group>/<Kind>`` *key*."""
    found = _READERS.get(key)
    if found is None:
        module_name = KINDS.get(key) or KINDS[GENERIC]
        found = cast(ObjectReader, importlib.import_module(module_name).read_object)
        _READERS[key] = found
    return found


_READERS: dict[str, ObjectReader] = {}


def api_group(api_version: str) -> str:
    return api_version.rsplit("/", 1)[0] if "/" in api_version else "v1"


def _objects(
    data: Mapping[str, Any], at: tuple[str | int, ...]
) -> Iterator[tuple[Mapping[str, Any], tuple[str | int, ...]]]:
    if text(data.get("kind")) == "List" and isinstance(data.get("items"), list):
        for index, item in enumerate(data["items"]):
            if isinstance(item, Mapping):
                yield from _objects(item, (*at, "items", index))
        return
    yield data, at


def _other(
    path: str,
    key: str,
    kind: str,
    obj: Mapping[str, Any],
    document: Document,
    at: tuple[str | int, ...],
) -> ResourceChange:
    from aicost.core.model import Action, SourceRef

    name = object_name(obj)
    return ResourceChange(
        address=f"{path}:{kind}/{name}",
        type=key,
        name=name,
        provider=OTHER_PROVIDER,
        action=Action.CREATE,
        source=SourceRef(path=path, kind=KIND, line=document.line_of(*at)),
        after={},
        project=path,
    )


# --------------------------------------------------------------------------- shared helpers


def object_name(obj: Mapping[str, Any]) -> str:
    metadata = mapping(obj.get("metadata"))
    name = text(metadata.get("name"))
    if name:
        return name
    generated = text(metadata.get("generateName"))
    if generated:
        return generated.rstrip("-") + "-*"
    return "(unnamed)"


def object_labels(obj: Mapping[str, Any]) -> dict[str, str]:
    """``metadata.labels``, plus annotations with plain or ``aicost`` keys."""
    metadata = mapping(obj.get("metadata"))
    found = mf.labels(metadata.get("labels"))
    for key, value in mf.labels(metadata.get("annotations")).items():
        if ("/" not in key or key.startswith("aicost")) and len(value) <= 256:
            found.setdefault(key, value)
    return found


def object_annotations(obj: Mapping[str, Any]) -> dict[str, str]:
    return mf.labels(get(obj, "metadata", "annotations"))


def _placement(groups: tuple[Group, ...]) -> tuple[str | None, str, str | None]:
    """(cloud, why, region): the first group's that names them."""
    cloud, cloud_reason, region = None, "", None
    for item in groups:
        if item.cloud and cloud is None:
            cloud, cloud_reason = item.cloud, item.cloud_reason
        region = region or item.region
    return cloud, cloud_reason, region


def build(
    kind: str,
    obj: Mapping[str, Any],
    document: Document,
    at: tuple[str | int, ...],
    groups: Iterable[Group],
    pods: Iterable[Pod],
    *,
    resource_type: str,
    kind_class: WorkloadClass | None = None,
    default_class: WorkloadClass = WorkloadClass.UNKNOWN,
    kind_reason: str = "",
    run_seconds: Decimal | float | None = None,
    run_reason: str = "",
    commands: Iterable[str] = (),
    notes: Iterable[str] = (),
    runs_per_month: Decimal | None = None,
    runs_reason: str = "",
    serving: WorkloadClass = WorkloadClass.INFERENCE,
    retries: int | None = None,
    retries_reason: str = "",
) -> Spec:
    """A :class:`Spec` for a Kubernetes object from its groups and pod templates."""
    found_labels = object_labels(obj)
    return _spec(
        kind,
        (object_name(obj), found_labels, document.line_of(*at, "kind")),
        groups,
        pods,
        resource_type=resource_type,
        kind_class=kind_class,
        default_class=default_class,
        kind_reason=kind_reason,
        run_seconds=run_seconds,
        run_reason=run_reason,
        commands=commands,
        notes=notes,
        runs_per_month=runs_per_month,
        runs_reason=runs_reason,
        serving=serving,
        retries=retries,
        retries_reason=retries_reason,
    )


#: (name, labels, line of ``kind``): what an object's own metadata and place give its Spec.
_Own = tuple[str, dict[str, str], int | None]


def _spec(
    kind: str,
    own: _Own,
    groups: Iterable[Group],
    pods: Iterable[Pod],
    *,
    resource_type: str,
    kind_class: WorkloadClass | None = None,
    default_class: WorkloadClass = WorkloadClass.UNKNOWN,
    kind_reason: str = "",
    run_seconds: Decimal | float | None = None,
    run_reason: str = "",
    commands: Iterable[str] = (),
    notes: Iterable[str] = (),
    runs_per_month: Decimal | None = None,
    runs_reason: str = "",
    serving: WorkloadClass = WorkloadClass.INFERENCE,
    retries: int | None = None,
    retries_reason: str = "",
) -> Spec:
    """:func:`build`, given the object's own name, labels and line (*own*)."""
    name, found_labels, line = own
    pod_list = list(pods)
    all_commands = [*commands]
    for pod in pod_list:
        all_commands += pod.commands
    group_list = tuple(groups)
    cloud, cloud_reason, region = _placement(group_list)
    hint = mf.command_hint(all_commands, serving=serving)
    run_hours = None
    if run_seconds:
        run_hours = Decimal(str(run_seconds)) / Decimal(3600)
    return Spec(
        kind=kind,
        name=name,
        resource_type=resource_type,
        groups=group_list,
        line=line,
        cloud=cloud,
        cloud_reason=cloud_reason,
        region=region,
        labels=found_labels,
        kind_class=kind_class,
        default_class=default_class,
        kind_reason=kind_reason,
        hint_class=hint[0] if hint else None,
        hint_reason=hint[1] if hint else "",
        run_hours=run_hours,
        run_reason=run_reason,
        runs_per_month=runs_per_month,
        runs_reason=runs_reason,
        retries=retries if retries else None,
        retries_reason=retries_reason if retries else "",
        cluster=mf.cluster_label(found_labels),
        notes=tuple(notes),
    )


# --------------------------------------------------------------------------- core kinds


def _job(kind: str, spec: Mapping[str, Any], line: int, resource_type: str) -> Spec:
    """A Job (or a CronJob's job template, with its runs per month from the schedule), its
    pod template at *line*; without the object's own name, labels and line."""
    runs: Decimal | None = None
    runs_reason = ""
    notes: list[str] = []
    job = spec
    if kind == "CronJob":
        job = mapping(get(spec, "jobTemplate", "spec"))
        schedule = text(spec.get("schedule"))
        if schedule:
            from aicost.sources.cron import runs_per_month

            runs = runs_per_month(schedule)
            if runs == 0:
                notes.append(
                    f"CronJob schedule '{schedule}' names no date that exists (the 30th of "
                    "February, say): it never runs"
                )
            if runs is not None:
                runs_reason = f"CronJob schedule '{schedule}'"
            else:
                notes.append(f"CronJob schedule '{schedule}' cannot be read")
    pod = read_pod(job.get("template"))
    parallelism = integer(job.get("parallelism"), 1) or 0
    completions = integer(job.get("completions"))
    units = parallelism if completions is None else min(parallelism, completions)
    deadline = mf.quantity(job.get("activeDeadlineSeconds")) or pod.deadline_seconds
    backoff = integer(job.get("backoffLimit"))
    if completions and completions > parallelism:
        notes.append(f"{completions} completions, {parallelism} at a time")
    return _spec(
        kind,
        _UNOWNED,
        [group(None, pod, units, line=line)],
        [pod],
        resource_type=resource_type,
        default_class=WorkloadClass.BATCH,
        kind_reason=f"resource kind: a Kubernetes {kind} is batch work",
        run_seconds=deadline,
        run_reason="activeDeadlineSeconds" if deadline else "",
        notes=notes,
        runs_per_month=runs,
        runs_reason=runs_reason,
        retries=backoff,
        retries_reason="backoffLimit",
    )


def _pod(kind: str, spec: Mapping[str, Any], line: int, resource_type: str) -> Spec:
    """A bare Pod (its spec at *line*)."""
    pod = read_pod(spec, is_template=False)
    pod.labels = {}
    return _spec(
        kind,
        _UNOWNED,
        [group(None, pod, 1, line=line)],
        [pod],
        resource_type=resource_type,
        default_class=WorkloadClass.UNKNOWN,
        kind_reason="resource kind: a bare Pod does not say what it is for",
        run_seconds=pod.deadline_seconds,
        run_reason="activeDeadlineSeconds" if pod.deadline_seconds else "",
    )


def _replicas(kind: str, spec: Mapping[str, Any], line: int, resource_type: str) -> Spec:
    """A Deployment, StatefulSet or ReplicaSet: long-running replicas (template at *line*)."""
    pod = read_pod(spec.get("template"))
    replicas = integer(spec.get("replicas"), 1) or 0
    return _spec(
        kind,
        _UNOWNED,
        [group(None, pod, replicas, line=line)],
        [pod],
        resource_type=resource_type,
        default_class=WorkloadClass.INFERENCE,
        kind_reason=f"resource kind: a {kind} runs long-lived replicas (serving)",
    )


#: What a core kind's Spec has before its object's own name, labels and line are set.
_UNOWNED: _Own = ("", {}, None)

_CoreReader = Callable[[str, Mapping[str, Any], int, str], Spec]


def _group_line(
    kind: str, document: Document, at: tuple[str | int, ...]
) -> tuple[int, _CoreReader]:
    """The line of a core kind's pod template (a Pod's spec), and its reader."""
    if kind == "Job":
        return document.line_of(*at, "spec", "template"), _job
    if kind == "CronJob":
        return document.line_of(*at, "spec", "jobTemplate", "spec", "template"), _job
    if kind == "Pod":
        return document.line_of(*at, "spec"), _pod
    return document.line_of(*at, "spec", "template"), _replicas


def read_object(
    kind: str, obj: Mapping[str, Any], document: Document, at: tuple[str | int, ...]
) -> Iterator[Spec]:
    spec = mapping(obj.get("spec"))
    api = api_group(text(obj.get("apiVersion")) or "")
    resource_type = f"{api}/{kind}"
    line, reader = _group_line(kind, document, at)
    plain = document.node is not None
    yield _owned(_shape(kind, spec, line, resource_type, reader, plain), obj, document, at)


def _shape(
    kind: str,
    spec: Mapping[str, Any],
    line: int,
    resource_type: str,
    reader: _CoreReader,
    plain: bool,
) -> Spec:
    """``reader(kind, spec, line, resource_type)``, read once per run for each distinct spec
    (a directory of Jobs made from one template): the Spec and its groups are frozen, and
    everything in them but the object's name, labels and line comes from the spec.

    Only a spec from a *plain* document (see :class:`~aicost.core.yamlsafe.Loaded`) is
    remembered: its values are mappings, lists, strings, numbers, booleans, nulls, dates and
    datetimes, which MessagePack tells apart except a date (or a datetime without a time
    zone) from its text, and a datetime from the same instant in another time zone; so a
    spec with text like ``2026-01-31`` or a timestamp in it is read every time, and equal
    encodings are equal values of the same types."""
    if not plain:
        return reader(kind, spec, line, resource_type)
    try:
        encoded = encode(spec)
    except (TypeError, ValueError, OverflowError, RecursionError, msgspec.EncodeError):
        return reader(kind, spec, line, resource_type)  # not plain data: read every time
    if (
        len(encoded) > _MAX_SHAPE_BYTES
        or _DATE_TEXT.search(encoded)
        or (b"\xff" in encoded and _TIMESTAMP.search(encoded))
    ):
        return reader(kind, spec, line, resource_type)
    key = (kind, resource_type, line, encoded)
    found = _SHAPES.get(key)
    if found is None:
        found = reader(kind, spec, line, resource_type)
        if len(_SHAPES) >= _MAX_SHAPES:
            _SHAPES.clear()
        _SHAPES[key] = found
    return found


#: (kind, resource type, pod template line, encoded spec) -> its Spec, without the object's
#: own name, labels and line. Bounded in entries and in the size of a spec remembered.
_SHAPES: dict[tuple[str, str, int, bytes], Spec] = {}
_MAX_SHAPES = 4096
_MAX_SHAPE_BYTES = 64 * 1024
#: What MessagePack writes for a date or a datetime without a time zone (ISO 8601 text, its
#: ``-MM-DD``; searched from its leading literal, the fast way), and for a datetime with one
#: (a timestamp: extension type -1, in any of its three sizes).
_DATE_TEXT = re.compile(rb"-[0-9]{2}-[0-9]{2}")
_TIMESTAMP = re.compile(rb"[\xd6\xd7]\xff|\xc7\x0c\xff")

#: The fields of a Spec, in order, and where its own name, labels, line and cluster go.
_FIELDS = tuple(f.name for f in dataclasses.fields(Spec))
_ALL = operator.attrgetter(*_FIELDS)
_NAME, _LABELS, _LINE, _CLUSTER = (_FIELDS.index(n) for n in ("name", "labels", "line", "cluster"))


def _owned(
    shape: Spec, obj: Mapping[str, Any], document: Document, at: tuple[str | int, ...]
) -> Spec:
    """*shape* with the name, labels, line and cluster of the object *obj* at *at*."""
    values = list(_ALL(shape))
    found_labels = object_labels(obj)
    values[_NAME] = object_name(obj)
    values[_LABELS] = found_labels
    values[_LINE] = document.line_of(*at, "kind")
    values[_CLUSTER] = mf.cluster_label(found_labels)
    return Spec(*values)
