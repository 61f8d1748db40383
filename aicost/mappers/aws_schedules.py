"""``aws_autoscaling_schedule``: autoscaling groups that scheduled actions scale by the clock.

A scheduled action sets a group's ``min_size``, ``max_size`` and ``desired_capacity`` each time
its cron ``recurrence`` fires in its ``time_zone`` (UTC by default): down to 0 at night and at
weekends, say. This module wraps :func:`aicost.mappers.aws.autoscaling_group` and
:func:`~aicost.mappers.aws.eks_node_group` (it is registered after :mod:`aicost.mappers.aws`,
so its handlers are the ones used; a node group's schedule names its Auto Scaling group
through ``resources[0].autoscaling_groups[0].name``): the group is
mapped as before, then the schedules that name it (by ``autoscaling_group_name``, or through
the configuration's reference when the name is known only after apply) are evaluated over
the reference year (:mod:`aicost.core.schedules`), and the deployment runs its scheduled
peak for the average hours, with the nodes that run all month as its ``steady_nodes`` (what
commitment advice may reserve). The workload's notes say so.

**Fail closed**: a schedule aicost cannot evaluate (a recurrence or size from a variable
without a value, a one-time action, an ``end_time``, a recurrence that is not 5-field cron,
an unknown time zone) never lowers the price: the group keeps its full hours and a note says
why.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from aicost.core.model import Capacity, Deployment, ResourceChange
from aicost.core.schedules import (
    REFERENCE_YEAR,
    Action,
    NotEvaluable,
    Outcome,
    describe_hours,
    scheduled_actions,
)
from aicost.mappers import aws
from aicost.mappers.base import SUPPORTING, Handler, MapContext, Side
from aicost.mappers.failclosed import set_but_unknown
from aicost.sources.base import Inventory

SCHEDULE = "aws_autoscaling_schedule"
GROUP = "aws_autoscaling_group"
NODE_GROUP = "aws_eks_node_group"

Result = Iterable[tuple[str | None, Deployment]]


def autoscaling_group(side: Side, ctx: MapContext) -> Result:
    """The group as :mod:`aicost.mappers.aws` maps it, under the schedules that name it."""
    schedules = _schedules(side, ctx.inventory, GROUP)
    mapped = aws.autoscaling_group(side, ctx)
    if not schedules:  # most groups: as mapped
        return mapped
    return [
        (
            component,
            deployment
            if "desired_capacity" in deployment.unknown
            else _scheduled(deployment, schedules, ctx.inventory),
        )
        for component, deployment in mapped
    ]


def eks_node_group(side: Side, ctx: MapContext) -> Result:
    """An EKS managed node group, under the schedules that name its Auto Scaling group
    (``aws_eks_node_group.x.resources[0].autoscaling_groups[0].name``)."""
    schedules = _schedules(side, ctx.inventory, NODE_GROUP)
    mapped = aws.eks_node_group(side, ctx)
    if not schedules:
        return mapped
    return [
        (
            component,
            deployment
            if "scaling_config.desired_size" in deployment.unknown
            else _scheduled(deployment, schedules, ctx.inventory),
        )
        for component, deployment in mapped
    ]


def _all_schedules(inventory: Inventory) -> list[ResourceChange]:
    """The inventory's scheduled actions (one scan each, not one per group)."""
    return inventory.memo(SCHEDULE, lambda found: list(found.of_type(SCHEDULE)))


def _schedules(group: Side, inventory: Inventory, kind: str) -> list[Side]:
    """The same side of every scheduled action that targets *group* (of type *kind*), by
    the configuration's reference or, for an Auto Scaling group, by its name."""
    found: list[Side] = []
    name = None if group.unknown("name") or kind != GROUP else group.text("name")
    for change in _all_schedules(inventory):
        schedule = group.of(change)
        if not schedule.values:
            continue
        target = inventory.resolve(change, ["autoscaling_group_name"], kind)
        if target is group.change or (
            target is None
            and name is not None
            and not schedule.unknown("autoscaling_group_name")
            and schedule.text("autoscaling_group_name") == name
        ):
            found.append(schedule)
    return sorted(found, key=lambda s: s.change.address)


def _size(schedule: Side, inventory: Inventory, field: str) -> int | None:
    if schedule.unknown(field):
        if set_but_unknown(inventory, schedule.change, field):
            raise NotEvaluable(f"{field} is known only after apply")
        return None
    value = schedule.integer(field)
    return value if value is None or value >= 0 else None


def _action(schedule: Side, inventory: Inventory) -> Action:
    """A schedule as an :class:`Action`, or :class:`NotEvaluable` naming what is missing."""
    for field in ("recurrence", "time_zone", "end_time"):
        if schedule.unknown(field) and set_but_unknown(inventory, schedule.change, field):
            refs = ", ".join(inventory.references(schedule.change, [field]))
            raise NotEvaluable(f"{field} comes from {refs}, known only after apply")
    recurrence = None if schedule.unknown("recurrence") else schedule.text("recurrence")
    if not recurrence:
        raise NotEvaluable("a one-time action (no recurrence) is not a monthly pattern")
    end = None if schedule.unknown("end_time") else schedule.text("end_time")
    if end:
        raise NotEvaluable(f"the recurrence stops at end_time {end}")
    zone = (None if schedule.unknown("time_zone") else schedule.text("time_zone")) or "UTC"
    return Action(
        recurrence=recurrence,
        zone=zone,
        min_size=_size(schedule, inventory, "min_size"),
        max_size=_size(schedule, inventory, "max_size"),
        desired=_size(schedule, inventory, "desired_capacity"),
    )


def _label(schedule: Side, action: Action) -> str:
    sizes = ", ".join(
        f"{name} {value}"
        for name, value in (
            ("min", action.min_size),
            ("max", action.max_size),
            ("desired", action.desired),
        )
        if value is not None
    )
    return f"{schedule.change.address} ({action.recurrence} {action.zone}: {sizes or 'no sizes'})"


def _scheduled(deployment: Deployment, schedules: list[Side], inventory: Inventory) -> Deployment:
    nodes = deployment.node_count
    labels: list[str] = []
    actions: list[Action] = []
    try:
        for schedule in schedules:
            try:
                action = _action(schedule, inventory)
            except NotEvaluable as exc:
                raise NotEvaluable(f"{schedule.change.address}: {exc}") from None
            actions.append(action)
            labels.append(_label(schedule, action))
        outcome = scheduled_actions(
            actions,
            min_size=deployment.min_nodes if deployment.min_nodes is not None else 0,
            max_size=deployment.max_nodes if deployment.max_nodes is not None else nodes,
            desired=nodes,
        )
        capacity = _capacity(deployment.capacity, outcome)
    except NotEvaluable as exc:
        names = ", ".join(s.change.address for s in schedules)
        note = f"schedule not evaluated ({exc}): priced at full hours, as if {names} did not apply"
        return dataclasses.replace(deployment, notes=(*deployment.notes, note))
    note = f"scaled by {', '.join(labels)}: {describe_hours(outcome)}, over {REFERENCE_YEAR}"
    return dataclasses.replace(
        deployment,
        capacity=capacity,
        hours_per_month=outcome.hours_per_node,
        min_nodes=min(outcome.low, outcome.floor),
        max_nodes=max(outcome.high, outcome.peak),
        steady_nodes=outcome.floor,
        notes=(*deployment.notes, note),
    )


def _capacity(capacity: tuple[Capacity, ...], outcome: Outcome) -> tuple[Capacity, ...]:
    """The capacity at the scheduled peak: one line takes the peak's node count; a split
    (a mixed instances policy) is kept only when the peak is its size."""
    lines = [c for c in capacity if c.nodes]
    total = sum(c.nodes for c in capacity)
    if total == outcome.peak:
        return capacity
    if len(lines) <= 1:
        line = lines[0] if lines else capacity[0]
        return (dataclasses.replace(line, nodes=outcome.peak),)
    raise NotEvaluable(
        f"the peak of {outcome.peak} nodes differs from the {total} its on-demand/spot split "
        "is made for"
    )


HANDLERS: dict[str, Handler] = {
    GROUP: autoscaling_group,
    NODE_GROUP: eks_node_group,
    SCHEDULE: SUPPORTING,
}
