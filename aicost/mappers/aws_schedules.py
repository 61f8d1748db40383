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

from collections.abc import Iterable

from aicost.core.model import Deployment, ResourceChange
from aicost.mappers import aws
from aicost.mappers.base import SUPPORTING, Handler, MapContext, Side
from aicost.sources.base import Inventory

SCHEDULE = "aws_autoscaling_schedule"
GROUP = "aws_autoscaling_group"
NODE_GROUP = "aws_eks_node_group"

Result = Iterable[tuple[str | None, Deployment]]


def autoscaling_group(side: Side, ctx: MapContext) -> Result:
    """The group as :mod:`aicost.mappers.aws` maps it, under the schedules that name it."""
    schedules = _schedules(side, ctx.inventory, GROUP)
    return _under(aws.autoscaling_group(side, ctx), schedules, ctx, "desired_capacity")


def eks_node_group(side: Side, ctx: MapContext) -> Result:
    """An EKS managed node group, under the schedules that name its Auto Scaling group
    (``aws_eks_node_group.x.resources[0].autoscaling_groups[0].name``)."""
    schedules = _schedules(side, ctx.inventory, NODE_GROUP)
    return _under(aws.eks_node_group(side, ctx), schedules, ctx, "scaling_config.desired_size")


def _under(mapped: Result, schedules: list[Side], ctx: MapContext, count: str) -> Result:
    """*mapped* under *schedules*; a deployment whose *count* is not known keeps it."""
    if not schedules:  # most groups: as mapped
        return mapped
    from aicost.mappers.aws_scheduled import scheduled  # croniter and the year's sweep

    return [
        (
            component,
            deployment
            if count in deployment.unknown
            else scheduled(deployment, schedules, ctx.inventory),
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


HANDLERS: dict[str, Handler] = {
    GROUP: autoscaling_group,
    NODE_GROUP: eks_node_group,
    SCHEDULE: SUPPORTING,
}
