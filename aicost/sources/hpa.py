"""Kubernetes ``HorizontalPodAutoscaler`` (``autoscaling/v1``, ``v2``, ``v2beta2``): what
scales a Deployment or StatefulSet by load.

An HPA names its target (``spec.scaleTargetRef``: ``kind``, ``name``) and the replica bounds
(``minReplicas``, default 1; ``maxReplicas``, required). It scales by load (CPU by default,
or the ``metrics`` it lists), which no manifest tells: it is read as a KEDA
:class:`~aicost.sources.keda.Scaling` whose triggers all scale by load, so
:mod:`aicost.mappers.keda` applies it as it applies such a ScaledObject (the target keeps
its replicas, never fewer than ``minReplicas``, and its range becomes the HPA's). A bound it
cannot read is kept as the reason, never as a smaller count.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from aicost.sources.keda import Scaling, scaled_spec
from aicost.sources.manifest import Spec, get, mapping, text
from aicost.sources.yamldocs import Document

RESOURCE_TYPE = "autoscaling/HorizontalPodAutoscaler"
#: Kubernetes' default for ``minReplicas``.
DEFAULT_MIN = 1


def _bound(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} {value!r} is not a count")
    return value


def _metrics(spec: Mapping[str, Any]) -> tuple[str, ...]:
    """What it scales by: each metric's resource or metric name (v2), else CPU (v1's
    ``targetCPUUtilizationPercentage``, and the default of both)."""
    found: list[str] = []
    metrics = spec.get("metrics")
    for metric in metrics if isinstance(metrics, list) else []:
        kind = text(mapping(metric).get("type")) or "(no type)"
        source = mapping(mapping(metric).get(kind[:1].lower() + kind[1:]))
        name = text(source.get("name")) or text(get(source, "metric", "name"))
        found.append(name or kind.lower())
    return tuple(dict.fromkeys(found)) or ("cpu",)


def scaling(obj: Mapping[str, Any]) -> Scaling:
    spec = mapping(obj.get("spec"))
    target = mapping(spec.get("scaleTargetRef"))
    problem: str | None = None
    minimum, maximum = DEFAULT_MIN, DEFAULT_MIN
    try:
        raw_min = spec.get("minReplicas")
        minimum = DEFAULT_MIN if raw_min is None else _bound(raw_min, "minReplicas")
        if spec.get("maxReplicas") is None:
            raise ValueError("maxReplicas is missing")
        maximum = _bound(spec.get("maxReplicas"), "maxReplicas")
    except ValueError as exc:
        problem = str(exc)
    return Scaling(
        name=text(get(obj, "metadata", "name")) or "(unnamed)",
        target_kind=text(target.get("kind")) or "Deployment",
        target_name=text(target.get("name")) or "",
        minimum=minimum,
        maximum=max(maximum, minimum),
        idle=None,
        windows=(),
        by_load=_metrics(spec),
        problem=problem,
        source="HorizontalPodAutoscaler",
    )


def read_object(
    kind: str, obj: Mapping[str, Any], document: Document, at: tuple[str | int, ...]
) -> Iterator[Spec]:
    yield scaled_spec(kind, scaling(obj), RESOURCE_TYPE, document, at)
