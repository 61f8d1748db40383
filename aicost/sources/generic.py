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
``completions``) and ``numOfHosts`` found on the way down from ``spec`` (a JobSet's
``replicatedJobs[].replicas`` × the Job's ``parallelism``), and the workload says that it
was read generically. An object with no accelerator stays an "other resource".

:func:`validate` runs on every Kubernetes object, known kind or not: counts (``replicas``,
``parallelism``...), accelerator quantities and ``containers`` that a cluster would refuse
(negative, fractional, not a number, NaN, infinite, out of range; ``containers`` that is not
a list) are input errors naming the file, line and field (exit 2), never a guess.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from aicost.core.errors import InputError
from aicost.core.model import WorkloadClass
from aicost.sources.manifest import Group, Spec, mapping, text
from aicost.sources.podspec import group, is_accelerator, read_pod
from aicost.sources.yamldocs import Document

Path = tuple[str | int, ...]

#: Counts a cluster stores as 32-bit integers.
MAX_COUNT = 2**31 - 1
#: Accelerators one container may ask for before the value is called out of range.
MAX_ACCELERATORS = 1_000_000
#: Keys whose value is a number of pods, replicas or hosts.
COUNT_KEYS = frozenset(
    {"replicas", "parallelism", "completions", "minReplicas", "maxReplicas", "numOfHosts"}
)
#: Keys whose value is a number of seconds.
SECONDS_KEYS = frozenset({"activeDeadlineSeconds", "ttlSecondsAfterFinished"})
#: Keys not searched for pods (they describe the object, not what it runs).
_SKIP = frozenset({"metadata", "status"})


# --------------------------------------------------------------------------- validation


def validate(path: str, document: Document, obj: Mapping[str, Any], at: Path) -> None:
    """Refuse values a cluster would refuse, naming the file, line and field (exit 2)."""
    _validate(path, document, obj, at, ())


def validate_counts(
    path: str, document: Document, data: Any, keys: frozenset[str], at: Path = ()
) -> None:
    """Refuse a count under any of *keys* (matched ignoring case and ``_``) that is not a
    whole non-negative finite number: for the readers of SkyPilot, SageMaker, Vertex AI and
    Azure ML files, whose counts name machines."""
    _validate_keys(path, document, data, keys, at, (), 0)


def _validate_keys(
    path: str,
    document: Document,
    node: Any,
    keys: frozenset[str],
    at: Path,
    parts: Path,
    depth: int,
) -> None:
    if depth > 64:
        return
    if isinstance(node, list):
        for index, item in enumerate(node):
            _validate_keys(path, document, item, keys, at, (*parts, index), depth + 1)
    elif isinstance(node, Mapping):
        for key, value in node.items():
            here = (*parts, str(key))
            if str(key).lower().replace("_", "") in keys and not isinstance(value, Mapping | list):
                _check_number(path, document, at, here, value, integral=True, limit=MAX_COUNT)
            else:
                _validate_keys(path, document, value, keys, at, here, depth + 1)


def _field(parts: Path) -> str:
    shown = ""
    for part in parts:
        if isinstance(part, int):
            shown += f"[{part}]"
        else:
            shown += ("." if shown else "") + part
    return shown


def _fail(path: str, document: Document, at: Path, parts: Path, problem: str) -> InputError:
    return InputError(f"{_field(parts)}: {problem}", path=path, line=document.line_of(*at, *parts))


def _validate(path: str, document: Document, node: Any, at: Path, parts: Path) -> None:
    if isinstance(node, list):
        for index, item in enumerate(node):
            _validate(path, document, item, at, (*parts, index))
        return
    if not isinstance(node, Mapping):
        return
    for key, value in node.items():
        here = (*parts, str(key))
        if key in COUNT_KEYS and not isinstance(value, Mapping | list):
            _check_number(path, document, at, here, value, integral=True, limit=MAX_COUNT)
        elif key in SECONDS_KEYS and not isinstance(value, Mapping | list):
            _check_number(path, document, at, here, value, integral=False, limit=None)
        elif key in ("containers", "initContainers") and value is not None:
            if not isinstance(value, list):
                raise _fail(
                    path, document, at, here, f"must be a list of containers, not {_kind(value)}"
                )
            for index, item in enumerate(value):
                if not isinstance(item, Mapping):
                    raise _fail(
                        path,
                        document,
                        at,
                        (*here, index),
                        f"a container must be a mapping, not {_kind(item)}",
                    )
        elif key in ("limits", "requests") and isinstance(value, Mapping):
            for resource, amount in value.items():
                if is_accelerator(str(resource)):
                    _check_number(
                        path,
                        document,
                        at,
                        (*here, str(resource)),
                        amount,
                        integral=True,
                        limit=MAX_ACCELERATORS,
                    )
            continue
        _validate(path, document, value, at, here)


def _kind(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    return f"a {type(value).__name__}"


def _check_number(
    path: str,
    document: Document,
    at: Path,
    parts: Path,
    value: Any,
    *,
    integral: bool,
    limit: int | None,
) -> None:
    if value is None:
        return
    number = _number(value)
    if number is None:
        raise _fail(path, document, at, parts, f"not a number: {_shown(value)}")
    if not number.is_finite():
        raise _fail(path, document, at, parts, f"not a finite number: {_shown(value)}")
    if number < 0:
        raise _fail(path, document, at, parts, f"must not be negative: {_shown(value)}")
    if integral and number != number.to_integral_value():
        raise _fail(path, document, at, parts, f"must be a whole number: {_shown(value)}")
    if limit is not None and number > limit:
        raise _fail(path, document, at, parts, f"out of range (over {limit:,}): {_shown(value)}")


def _shown(value: Any) -> str:
    raw = repr(value) if isinstance(value, str) else str(value)
    return raw if len(raw) <= 40 else raw[:37] + "..."


def _number(value: Any) -> Decimal | None:
    """A count or quantity as a Decimal (``2``, ``"2"``, ``"1k"``), None if not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if math.isnan(value):
            return Decimal("NaN")
        return Decimal(str(value)) if math.isfinite(value) else Decimal("Infinity")
    if not isinstance(value, str):
        return None
    raw = value.strip()
    if not raw or len(raw) > 64:
        return None
    suffixes = {"k": 10**3, "M": 10**6, "G": 10**9, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30}
    factor = 1
    for suffix, size in suffixes.items():
        if raw.endswith(suffix) and raw[: -len(suffix)][-1:].isdigit():
            raw, factor = raw[: -len(suffix)], size
            break
    if raw.endswith("m") and raw[:-1][-1:].isdigit():
        raw, divisor = raw[:-1], Decimal(1000)
    else:
        divisor = Decimal(1)
    try:
        number = Decimal(raw)
    except InvalidOperation:
        return None
    if number.is_nan():
        return number
    return number * factor / divisor


def accelerator_request(node: Any, parts: Path = (), depth: int = 0) -> Path | None:
    """The field of the first accelerator request (a positive or non-numeric quantity under
    ``resources.limits`` or ``resources.requests``) in *node*, at any depth: what a reader
    must account for, or refuse. (A Karpenter NodePool's ``spec.limits`` is a cap.)"""
    if depth > 64:
        return None
    if isinstance(node, Mapping):
        for key, value in node.items():
            asks = parts[-2:-1] == ("resources",) and parts[-1:] in (("limits",), ("requests",))
            if asks and isinstance(key, str) and is_accelerator(key) and value is not None:
                number = _number(value) if not isinstance(value, Mapping | list) else None
                if number is None or number.is_nan() or number != 0:
                    return (*parts, key)
            found = accelerator_request(value, (*parts, str(key)), depth + 1)
            if found is not None:
                return found
    elif isinstance(node, list):
        for index, item in enumerate(node):
            found = accelerator_request(item, (*parts, index), depth + 1)
            if found is not None:
                return found
    return None


def unread_request(path: str, document: Document, obj: Mapping[str, Any], at: Path) -> InputError:
    """The error for an object that asks for accelerators where its reader does not look
    (a pod template given as a list, a request outside ``resources``): never a silent $0."""
    where = accelerator_request(obj) or ()
    kind = text(obj.get("kind")) or "object"
    return InputError(
        f"{_field(where)}: this {kind} asks for accelerators in a place aicost does not read "
        "them from (a pod template's containers[].resources); check the structure "
        "(a list where a mapping belongs?)",
        path=path,
        line=document.line_of(*at, *where),
    )


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
    number = _number(value) if not isinstance(value, Mapping | list) else None
    if number is None or not number.is_finite():
        return None
    return int(number)


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
        replicas = _count(node.get("replicas"))
        low = _count(node.get("minReplicas"))
        high = _count(node.get("maxReplicas"))
        factor, factor_min, factor_max = 1, None, None
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
        hosts = _count(node.get("numOfHosts"))
        if hosts is not None and hosts > 1:
            factor *= hosts
            factor_min *= hosts
            factor_max *= hosts
            factors.append(f"numOfHosts {hosts}")
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
