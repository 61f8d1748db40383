"""GCP and Azure capacity reservations: accelerators billed from creation, used or not.

==================================  =========================================================
Resource                              What aicost reads
==================================  =========================================================
``google_compute_reservation``        ``specific_reservation``: ``count`` ×
                                      ``instance_properties`` (``machine_type``,
                                      ``guest_accelerators``), ``zone``
``azurerm_capacity_reservation``      ``sku.name`` × ``sku.capacity``; the location of its
                                      ``azurerm_capacity_reservation_group``
==================================  =========================================================

A reservation is charged at the on-demand (pay-as-you-go) rate of what it reserves whether
instances use it or not; instances that consume it are not charged again, which aicost
cannot see, so the report notes it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from aicost.core.errors import InputError
from aicost.core.model import Capacity, Deployment, PurchaseOption
from aicost.mappers import azure, gcp
from aicost.mappers.base import SUPPORTING, Handler, MapContext, Side

Result = Iterable[tuple[str | None, Deployment]]

_NOTE = (
    "a reservation is billed at the on-demand rate from creation, used or not; "
    "instances that consume it are not billed again"
)


def _reserved(deployment: Deployment, nodes: int) -> Deployment:
    capacity: tuple[Capacity, ...] = (Capacity(PurchaseOption.CAPACITY_RESERVATION, nodes),)
    if deployment.capacity and deployment.capacity[0].purchase in {
        PurchaseOption.COMMITTED,
        PurchaseOption.RESERVED,
        PurchaseOption.SAVINGS_PLAN,
    }:
        capacity = deployment.capacity  # a tag says a commitment pays for it
    return dataclasses.replace(
        deployment,
        capacity=capacity,
        purchase_reason=(
            deployment.purchase_reason
            if capacity is deployment.capacity
            else "a capacity reservation (billed at the on-demand rate)"
        ),
        notes=(*deployment.notes, _NOTE),
    )


def google_reservation(side: Side, ctx: MapContext) -> Result:
    prefix = ("specific_reservation", 0)
    props = (*prefix, "instance_properties", 0)
    notes: list[str] = []
    machine_type = side.text(*props, "machine_type")
    # (machine_type is required: absent, or in a block of another shape, it is not known)
    type_unknown = (
        side.unknown(*props, "machine_type")
        or side.unknown("specific_reservation")
        or machine_type is None
    )
    if type_unknown:
        machine_type = None
    guest = None
    blocks = side.get(*props, "guest_accelerators")
    if isinstance(blocks, list):
        for block in blocks:
            if isinstance(block, dict) and block.get("accelerator_type"):
                count = block.get("accelerator_count")
                if count is not None and (
                    isinstance(count, bool) or not isinstance(count, int | float) or count < 0
                ):
                    raise InputError(
                        f"{side.change.address}: guest_accelerators.accelerator_count is "
                        f"{count!r}, not a count",
                        path=side.change.source.path,
                    )
                guest = gcp.gpu(str(block["accelerator_type"]), float(count or 0) or 1)
                break
    accelerator, ai = gcp.hardware(ctx, machine_type, guest, notes, unknown=type_unknown)
    count_unknown = side.unknown(*prefix, "count")
    nodes = side.integer(*prefix, "count")
    tags, sensitive = gcp.labels(side)
    unknown: tuple[str, ...] = ()
    if machine_type is None:
        unknown += ("specific_reservation.instance_properties.machine_type",)
    if count_unknown or nodes is None:
        unknown += ("specific_reservation.count",)
    deployment = gcp.deployment(
        side,
        ctx,
        service="compute",
        instance_type=machine_type,
        accelerator=accelerator,
        ai=ai,
        capacity=(Capacity(PurchaseOption.ON_DEMAND, nodes or 0),),
        purchase_reason="default: on-demand",
        tags=tags,
        sensitive=sensitive,
        unknown=unknown,
        notes=notes,
    )
    yield None, _reserved(deployment, nodes or 0)


def azure_reservation(side: Side, ctx: MapContext) -> Result:
    nodes = side.integer("sku", 0, "capacity")
    location = azure.location_of(
        side, ctx, ("capacity_reservation_group_id", "azurerm_capacity_reservation_group")
    )
    deployment = azure._deployment(
        side,
        ctx,
        size=side.text("sku", 0, "name"),
        size_key=("sku", 0, "name"),
        nodes=nodes or 0,
        spot=None,
        windows=False,
        location=location,
    )
    if nodes is None or side.unknown("sku", 0, "capacity"):
        deployment = dataclasses.replace(deployment, unknown=(*deployment.unknown, "sku.capacity"))
    yield None, _reserved(deployment, nodes or 0)


HANDLERS: dict[str, Handler] = {
    "google_compute_reservation": google_reservation,
    "azurerm_capacity_reservation": azure_reservation,
    "azurerm_capacity_reservation_group": SUPPORTING,
}
