"""KEDA ``ScaledObject``: what scales a Deployment or StatefulSet, and by which clock.

A ScaledObject names its target (``spec.scaleTargetRef``: ``name``, ``kind`` default
``Deployment``), the replica bounds (``minReplicaCount`` default 0, ``maxReplicaCount``
default 100, ``idleReplicaCount``) and its triggers. ``cron`` triggers
(``metadata: {timezone, start, end, desiredReplicas}``) ask for ``desiredReplicas`` between
each ``start`` and the next ``end``; any other trigger (cpu, prometheus, a queue) scales by
load, which no manifest tells.

This reader runs no pods: it records the scaling as a :class:`ScaledSpec` (a
:class:`~aicost.sources.manifest.Spec` without groups), and
:mod:`aicost.mappers.keda` applies it to the object it targets in the same file. A value it
cannot read (a missing time zone, a ``desiredReplicas`` that is not a count, the
``autoscaling.keda.sh/paused-replicas`` annotation) is kept as the reason the scaling is not
evaluated, never as a smaller count.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aicost.sources.manifest import Spec, get, mapping, text
from aicost.sources.yamldocs import Document

if TYPE_CHECKING:
    from aicost.core.schedules import Window

#: KEDA's defaults for the replica bounds.
DEFAULT_MIN = 0
DEFAULT_MAX = 100
PAUSED = "autoscaling.keda.sh/paused-replicas"


@dataclass(frozen=True, slots=True)
class Scaling:
    """What a ScaledObject says about its target's replicas."""

    name: str
    target_kind: str
    target_name: str
    minimum: int
    maximum: int
    idle: int | None
    windows: tuple[Window, ...]
    #: Trigger types that scale by load (``cpu``, ``prometheus``...).
    by_load: tuple[str, ...]
    #: Why the scaling cannot be evaluated, when a value could not be read.
    problem: str | None = None
    #: The kind of object that scales (a HorizontalPodAutoscaler reads as one too:
    #: :mod:`aicost.sources.hpa`).
    source: str = "ScaledObject"


@dataclass(frozen=True, slots=True)
class ScaledSpec(Spec):
    """A ScaledObject: a Spec that runs nothing, carrying its :class:`Scaling`."""

    scaling: Scaling | None = None


def _count(value: Any, default: int | None) -> int | None:
    """A non-negative integer count (KEDA writes ``desiredReplicas`` as a string)."""
    if value is None:
        return default
    if isinstance(value, bool):
        raise ValueError(value)
    number = int(str(value).strip())
    if number < 0:
        raise ValueError(value)
    return number


def _window(index: int, trigger: Mapping[str, Any]) -> Window:
    meta = mapping(trigger.get("metadata"))
    where = f"trigger {index} (cron)"
    zone = text(meta.get("timezone"))
    start, end = text(meta.get("start")), text(meta.get("end"))
    if not zone or not start or not end:
        raise ValueError(f"{where} needs timezone, start and end")
    try:
        desired = _count(meta.get("desiredReplicas"), None)
    except ValueError:
        raise ValueError(
            f"{where}: desiredReplicas {meta.get('desiredReplicas')!r} is not a count"
        ) from None
    if desired is None:
        raise ValueError(f"{where} has no desiredReplicas")
    from aicost.core.schedules import Window  # here: most checks read no ScaledObject

    return Window(start=start, end=end, zone=zone, desired=desired)


def scaling(obj: Mapping[str, Any]) -> Scaling:
    spec = mapping(obj.get("spec"))
    target = mapping(spec.get("scaleTargetRef"))
    name = text(get(obj, "metadata", "name")) or "(unnamed)"
    windows: list[Window] = []
    by_load: list[str] = []
    problem: str | None = None
    minimum, maximum, idle = DEFAULT_MIN, DEFAULT_MAX, None
    try:
        minimum = _count(spec.get("minReplicaCount"), DEFAULT_MIN) or 0
        maximum = _count(spec.get("maxReplicaCount"), DEFAULT_MAX) or 0
        idle = _count(spec.get("idleReplicaCount"), None)
    except ValueError:
        problem = "a replica count (min, max or idle) is not a count"
    triggers = spec.get("triggers")
    for index, trigger in enumerate(triggers if isinstance(triggers, list) else []):
        kind = text(mapping(trigger).get("type")) or "(no type)"
        if kind != "cron":
            by_load.append(kind)
            continue
        try:
            windows.append(_window(index, mapping(trigger)))
        except ValueError as exc:
            problem = problem or str(exc)
    paused = text(get(obj, "metadata", "annotations", PAUSED))
    if paused is not None:
        problem = problem or f"it is paused ({PAUSED}: {paused})"
    return Scaling(
        name=name,
        target_kind=text(target.get("kind")) or "Deployment",
        target_name=text(target.get("name")) or "",
        minimum=minimum,
        maximum=maximum,
        idle=idle,
        windows=tuple(windows),
        by_load=tuple(by_load),
        problem=problem,
    )


def scaled_spec(
    kind: str, found: Scaling, resource_type: str, document: Document, at: tuple[str | int, ...]
) -> ScaledSpec:
    """The Spec of an object that scales another (a ScaledObject, a HorizontalPodAutoscaler):
    it runs nothing, and carries *found*."""
    return ScaledSpec(
        kind=kind,
        name=found.name,
        resource_type=resource_type,
        groups=(),
        line=document.line_of(*at),
        scaling=found,
    )


def read_object(
    kind: str, obj: Mapping[str, Any], document: Document, at: tuple[str | int, ...]
) -> Iterator[Spec]:
    yield scaled_spec(kind, scaling(obj), "keda.sh/ScaledObject", document, at)
