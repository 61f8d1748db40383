"""Evaluating the scheduled actions that name an Auto Scaling group or an EKS node group
(:mod:`aicost.mappers.aws_schedules` finds them): imported only when a plan has any, as
it brings croniter and the reference year's sweep (:mod:`aicost.core.schedules`)."""

from __future__ import annotations

import dataclasses

from aicost.core.model import Capacity, Deployment
from aicost.core.schedules import (
    REFERENCE_YEAR,
    Action,
    NotEvaluable,
    Outcome,
    describe_hours,
    scheduled_actions,
)
from aicost.mappers.base import Side
from aicost.mappers.failclosed import set_but_unknown
from aicost.sources.base import Inventory


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


def scheduled(deployment: Deployment, schedules: list[Side], inventory: Inventory) -> Deployment:
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
