"""KEDA ScaledObjects applied to the Deployments and StatefulSets they scale.

:mod:`aicost.sources.keda` reads a ScaledObject's bounds and triggers; this module wraps the
manifest mapper for the kinds a ScaledObject scales (it is registered after
:mod:`aicost.mappers.manifest`, and a handler by resource type wins over its default): the
object is mapped as before, then a ScaledObject in the same file that targets it by kind and
name (else one in another input of the same directory) sets its replicas.

* **cron triggers only**: the replicas over the reference year
  (:func:`aicost.core.schedules.cron_windows`): the workload runs its scheduled peak for the
  average hours, its ``steady_nodes`` are the replicas that run all month (what commitment
  advice may reserve), and the notes say so;
* **any trigger that scales by load** (cpu, prometheus, a queue), or a value that could not
  be read: the replicas are not lowered (fail closed): the object keeps its own replicas for
  the whole month, its range becomes the ScaledObject's (``minReplicaCount: 0`` means no
  steady floor to commit), and a note says why.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aicost.core.model import Deployment
from aicost.mappers import manifest
from aicost.mappers.base import SUPPORTING, Handler, MapContext, Side
from aicost.sources.base import Inventory

if TYPE_CHECKING:
    from aicost.core.schedules import Outcome
    from aicost.sources.keda import Scaling

Result = Iterator[tuple[str | None, Deployment]]

#: Resource types (API group/kind) a ScaledObject scales, as :mod:`aicost.sources.k8s` names them.
TARGETS = ("apps/Deployment", "apps/StatefulSet", "apps/ReplicaSet")

SCALED_OBJECT = "keda.sh/ScaledObject"
#: A HorizontalPodAutoscaler: read as a ScaledObject scaling by load (:mod:`aicost.sources.hpa`).
HPA = "autoscaling/HorizontalPodAutoscaler"


def _scalings(inventory: Inventory) -> list[Scaling]:
    """The ScaledObjects of *inventory* (one scan per inventory)."""
    return inventory.memo(SCALED_OBJECT, _scan)


def _scan(inventory: Inventory) -> list[Scaling]:
    # Imported when a Deployment is mapped, not with the manifest mappers (a directory of
    # Jobs does not need the ScaledObject reader).
    from aicost.sources.keda import ScaledSpec

    found: list[Scaling] = []
    for kind in (SCALED_OBJECT, HPA):
        for change in inventory.of_type(kind):
            spec = (change.after or {}).get("spec")
            if isinstance(spec, ScaledSpec) and spec.scaling is not None:
                found.append(spec.scaling)
    return found


def _matches(spec: Any, ctx: MapContext) -> tuple[list[Scaling], str]:
    """The ScaledObjects that target *spec*: in its own file, else in the other inputs of
    the same directory (a kustomize base, a chart's rendered files); and where they are."""

    def targeting(inventory: Inventory) -> list[Scaling]:
        return [
            s
            for s in _scalings(inventory)
            if s.target_kind == spec.kind and s.target_name == spec.name
        ]

    if spec is None:
        return [], ""
    found = targeting(ctx.inventory)
    if found:
        return found, ""
    for path, scalings in _by_folder(ctx).get(str(Path(ctx.inventory.path).parent), []):
        near = [s for s in scalings if s.target_kind == spec.kind and s.target_name == spec.name]
        if near and path != ctx.inventory.path:
            return near, f" in {path}"
    return [], ""


#: The key of :func:`_by_folder`'s table in :attr:`MapContext.memo` (one per check).
_FOLDERS = ("keda", "folders")


def _by_folder(ctx: MapContext) -> dict[str, list[tuple[str, list[Scaling]]]]:
    """Directory -> (input, its ScaledObjects) of every input with some: worked out once a
    check, in the memo every input's context shares."""
    folders: dict[str, list[tuple[str, list[Scaling]]]] | None = ctx.memo.get(_FOLDERS)
    if folders is not None:
        return folders
    folders = ctx.memo[_FOLDERS] = {}
    for inventory in ctx.siblings:
        if inventory.kind != "kubernetes":
            continue
        found = _scalings(inventory)
        if found:
            folder = str(Path(inventory.path).parent)
            folders.setdefault(folder, []).append((inventory.path, found))
    return folders


def scaled(side: Side, ctx: MapContext) -> Result:
    matches, where = _matches(side.values.get("spec"), ctx)
    for component, deployment in manifest.workload(side, ctx):
        if matches and deployment.ai is not False and component is None:
            deployment = _apply(deployment, matches, where)
        yield component, deployment


def _apply(deployment: Deployment, matches: list[Scaling], where: str) -> Deployment:
    # Here, not at the top: most manifest checks have no ScaledObject (about 2 ms of imports).
    from aicost.core.schedules import REFERENCE_YEAR, NotEvaluable, describe_hours

    found = matches[0]
    try:
        if len(matches) > 1:
            names = ", ".join(f"{s.source} {s.name}" for s in matches)
            raise NotEvaluable(f"{names} all target it (one autoscaler may scale an object)")
        outcome = _evaluate(found)
        capacity = deployment.capacity
        if len(capacity) != 1:
            raise NotEvaluable("its capacity is split between purchase options")
    except NotEvaluable as exc:
        return _not_evaluated(deployment, found, where, str(exc))
    windows = "; ".join(f"{w.desired} from {w.start} to {w.end} {w.zone}" for w in found.windows)
    note = (
        f"scaled by {found.source} {found.name}{where} (cron: {windows}; otherwise "
        f"{found.idle if found.idle is not None else found.minimum}): "
        f"{describe_hours(outcome, 'replica')}, over {REFERENCE_YEAR}"
    )
    return dataclasses.replace(
        deployment,
        capacity=(dataclasses.replace(capacity[0], nodes=outcome.peak),),
        hours_per_month=outcome.hours_per_node,
        min_nodes=outcome.floor,
        max_nodes=outcome.peak,
        steady_nodes=outcome.floor,
        notes=(*deployment.notes, note),
    )


def _not_evaluated(deployment: Deployment, found: Scaling, where: str, why: str) -> Deployment:
    """The object's own replicas for the whole month (fail closed), never fewer than the
    autoscaler's minimum: it starts that many whatever the object says."""
    nodes = deployment.node_count
    capacity = deployment.capacity
    raised = ""
    if nodes < found.minimum and len(capacity) == 1:
        nodes = found.minimum
        capacity = (dataclasses.replace(capacity[0], nodes=nodes),)
        raised = f", its minimum (the object asks for {deployment.node_count})"
    note = (
        f"replicas set by {found.source} {found.name}{where} "
        f"({found.minimum}-{found.maximum}), not evaluated ({why}): priced at "
        f"{nodes}{raised} for the whole month"
    )
    return dataclasses.replace(
        deployment,
        capacity=capacity,
        min_nodes=found.minimum,
        max_nodes=max(found.maximum, nodes),
        notes=(*deployment.notes, note),
    )


def _evaluate(found: Scaling) -> Outcome:
    from aicost.core.schedules import NotEvaluable, cron_windows

    if found.problem:
        raise NotEvaluable(found.problem)
    if found.by_load:
        many = len(found.by_load) > 1
        word = "metric" if found.source == "HorizontalPodAutoscaler" else "trigger"
        raise NotEvaluable(
            f"its {', '.join(found.by_load)} {word}{'s scale' if many else ' scales'} by load, "
            "which no manifest tells"
        )
    if not found.windows:
        raise NotEvaluable("it has no triggers")
    outcome = cron_windows(
        found.windows, minimum=found.minimum, maximum=found.maximum, idle=found.idle
    )
    if outcome.peak <= 0:
        raise NotEvaluable("its cron triggers never ask for a replica")
    return outcome


HANDLERS: dict[str, Handler] = {
    SCALED_OBJECT: SUPPORTING,
    HPA: SUPPORTING,
    **dict.fromkeys(TARGETS, scaled),
}
