"""Azure resources as AI workloads.

==============================================  =========================================
Resource                                          What aicost reads
==============================================  =========================================
``azurerm_linux_virtual_machine``,                ``size``, ``priority = "Spot"``
``azurerm_windows_virtual_machine``               (Windows priced at Windows rates)
``azurerm_virtual_machine``                       ``vm_size``; Windows from
                                                  ``storage_os_disk.os_type`` or
                                                  ``os_profile_windows_config``
``azurerm_linux_virtual_machine_scale_set``,      ``sku`` × ``instances``, ``priority``
``azurerm_windows_virtual_machine_scale_set``,
``azurerm_orchestrated_virtual_machine_scale_set``
``azurerm_virtual_machine_scale_set``             ``sku.name`` × ``sku.capacity``,
                                                  ``priority = "Low"`` (spot)
``azurerm_kubernetes_cluster``                    ``default_node_pool``: ``vm_size`` ×
                                                  ``node_count`` (or ``min_count`` with
                                                  autoscaling)
``azurerm_kubernetes_cluster_node_pool``          the same, plus ``priority = "Spot"`` and
                                                  ``os_type``
``azurerm_machine_learning_compute_cluster``      ``vm_size`` × ``scale_settings
                                                  .min_node_count``; ``vm_priority =
                                                  "LowPriority"`` priced at spot rates
``azurerm_machine_learning_compute_instance``     ``virtual_machine_size`` (a notebook)
==============================================  =========================================

Azure ML compute is billed at the price of its VMs. Reservations and savings plans are
billing-level commitments; they come from a ``purchase-option`` tag, as on AWS.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from aicost.core.model import Deployment, PurchaseOption, WorkloadClass
from aicost.mappers.base import (
    Handler,
    MapContext,
    Side,
    build_deployment,
    capacity_for,
)
from aicost.mappers.failclosed import set_but_unknown

CLOUD = "azure"
Result = Iterable[tuple[str | None, Deployment]]

#: GPU, FPGA and media VM series (NC, ND, NG, NV, NP, NM, NCC).
_ACCELERATED = re.compile(r"^standard_n(c|d|g|v|p|m|cc)\d", re.IGNORECASE)


def normalise_location(value: str | None) -> str | None:
    """``West Europe`` -> ``westeurope`` (Azure accepts both; prices are keyed by the second)."""
    if not value:
        return None
    return value.replace(" ", "").lower()


def location_of(side: Side, ctx: MapContext, *references: tuple[str, str]) -> str | None:
    """``location``, else the location of a referenced resource (a cluster, a workspace)."""
    value = side.text("location")
    if value and not side.unknown("location"):
        return normalise_location(value)
    for attribute, rtype in references:
        other = _referenced(side, ctx, attribute, rtype)
        if other is not None:
            found = location_of(other, ctx)
            if found:
                return found
    return normalise_location(side.change.region)


def _referenced(side: Side, ctx: MapContext, attribute: str, rtype: str) -> Side | None:
    value = side.get(attribute)
    if isinstance(value, str) and value and not side.unknown(attribute):
        for key in ("id", "name"):
            found = ctx.inventory.find(rtype, key, value, planned=side.planned)
            if found is not None:
                return side.of(found)
    ref = ctx.inventory.resolve(side.change, [attribute], rtype)
    return side.of(ref) if ref is not None else None


def _missing(side: Side, size: str | None) -> bool:
    """Whether a required size is absent: every size these resources take is required (an
    orchestrated scale set's ``sku_name`` aside, which may run no instances), so an absent
    one is not known, never "no accelerator"."""
    return size is None and side.change.type != "azurerm_orchestrated_virtual_machine_scale_set"


def _spec_ai(ctx: MapContext, size: str | None, unknown: bool) -> tuple[Any, bool | None]:
    if size is None:
        return None, None if unknown else False
    spec = ctx.catalog.describe(CLOUD, "vm", size)
    if spec is not None and spec.accelerator is not None:
        return spec.accelerator, True
    return None, bool(_ACCELERATED.match(size))


def _deployment(
    side: Side,
    ctx: MapContext,
    *,
    size: str | None,
    size_key: tuple[str | int, ...],
    nodes: int,
    spot: tuple[bool, str] | None,
    windows: bool,
    location: str | None,
    kind: WorkloadClass | None = None,
    kind_reason: str = "",
    notes: Iterable[str] = (),
    min_nodes: int | None = None,
    max_nodes: int | None = None,
    labels: Mapping[str, str] | None = None,
    name: str | None = None,
    count_key: tuple[str | int, ...] | None = None,
    count_missing: bool = False,
) -> Deployment:
    unknown_size = side.unknown(*size_key)
    unknown = (".".join(str(p) for p in size_key),) if unknown_size or size is None else ()
    if count_key is not None and (count_missing or _set_but_unknown(side, ctx, count_key)):
        # The node count comes from a value known only after apply: never a guess.
        unknown = (*unknown, ".".join(str(p) for p in count_key))
    if unknown_size:
        size = None
    accelerator, ai = _spec_ai(ctx, size, unknown_size or _missing(side, size))
    tags, sensitive = side.tags("tags")
    capacity, reason = capacity_for(
        nodes,
        tags,
        ctx.settings,
        explicit=(PurchaseOption.SPOT, spot[1]) if spot is not None and spot[0] else None,
        default_reason=spot[1] if spot is not None else "default: pay-as-you-go",
    )
    if side.sensitive(*size_key):
        sensitive = sensitive | {"instance_type"}
    return build_deployment(
        side,
        ctx,
        cloud=CLOUD,
        service="vm-windows" if windows else "vm",
        region=location,
        instance_type=size,
        accelerator=accelerator,
        ai=ai,
        capacity=capacity,
        purchase_reason=reason,
        tags=tags,
        sensitive=frozenset(sensitive),
        labels=labels,
        kind=kind,
        kind_reason=kind_reason,
        name=name,
        unknown=unknown,
        notes=tuple(dict.fromkeys(notes)),
        min_nodes=min_nodes,
        max_nodes=max_nodes,
    )


def _set_but_unknown(side: Side, ctx: MapContext, path: tuple[str | int, ...]) -> bool:
    return side.unknown(*path) and set_but_unknown(ctx.inventory, side.change, *path)


def _priority(side: Side, *path: str | int, key: str = "priority") -> tuple[bool, str] | None:
    value = side.text(*path, key)
    if value is None:
        return None
    if value.lower() in ("spot", "low"):
        return True, f'{key} = "{value}"'
    return False, f'{key} = "{value}" (pay-as-you-go)'


# --------------------------------------------------------------------------- VMs


#: Image blocks that name the operating system, per resource type family.
_IMAGE_BLOCKS = (
    "storage_image_reference",
    "source_image_reference",
    "storage_profile_image_reference",
)


def windows_image(side: Side) -> bool:
    """A Windows marketplace image: publisher ``MicrosoftWindowsServer`` /
    ``MicrosoftWindowsDesktop``, or an offer or SKU naming Windows."""
    for block in _IMAGE_BLOCKS:
        for field in ("publisher", "offer", "sku"):
            value = (side.text(block, 0, field) or "").lower()
            if "windows" in value:
                return True
    return False


def virtual_machine(side: Side, ctx: MapContext) -> Result:
    """``azurerm_linux_virtual_machine``, ``_windows_virtual_machine``, ``_virtual_machine``."""
    rtype = side.change.type
    key = "vm_size" if rtype == "azurerm_virtual_machine" else "size"
    windows = rtype == "azurerm_windows_virtual_machine"
    if rtype == "azurerm_virtual_machine":
        os_type = side.text("storage_os_disk", 0, "os_type")
        windows = (os_type or "").lower() == "windows" or bool(
            side.get("os_profile_windows_config")
        )
    windows = windows or windows_image(side)
    yield (
        None,
        _deployment(
            side,
            ctx,
            size=side.text(key),
            size_key=(key,),
            nodes=1,
            spot=_priority(side),
            windows=windows,
            location=location_of(side, ctx),
        ),
    )


def scale_set(side: Side, ctx: MapContext) -> Result:
    """Scale sets: ``sku`` (or ``sku_name``, or the legacy ``sku`` block) × ``instances``."""
    rtype = side.change.type
    notes: list[str] = []
    if rtype == "azurerm_virtual_machine_scale_set":
        size, key = side.text("sku", 0, "name"), "sku"
        count = side.integer("sku", 0, "capacity")
        count_key: tuple[str | int, ...] = ("sku", 0, "capacity")
        windows = bool(side.get("os_profile_windows_config"))
    else:
        key = "sku_name" if rtype == "azurerm_orchestrated_virtual_machine_scale_set" else "sku"
        size = side.text(key)
        count = side.integer("instances")
        count_key = ("instances",)
        windows = rtype == "azurerm_windows_virtual_machine_scale_set" or bool(
            side.get("os_profile", 0, "windows_configuration")
        )
    windows = windows or windows_image(side)
    if count is None and not _set_but_unknown(side, ctx, count_key):
        notes.append("instances not set (an autoscale setting manages it): priced at 0")
    yield (
        None,
        _deployment(
            side,
            ctx,
            size=size,
            size_key=(key,),
            nodes=count or 0,
            spot=_priority(side),
            windows=windows,
            location=location_of(side, ctx),
            notes=notes,
            count_key=count_key,
        ),
    )


# --------------------------------------------------------------------------- AKS


def _aks_pool(
    side: Side,
    ctx: MapContext,
    *path: str | int,
    location: str | None,
    default_pool: bool,
) -> Deployment:
    notes: list[str] = []
    size = side.text(*path, "vm_size")
    autoscale = side.get(*path, "auto_scaling_enabled")
    if autoscale is None:
        autoscale = side.get(*path, "enable_auto_scaling")
    minimum = side.integer(*path, "min_count")
    maximum = side.integer(*path, "max_count")
    count = side.integer(*path, "node_count")
    if side.unknown(*path, "node_count"):
        count = None
    count_key: tuple[str | int, ...] | None = None
    for field in ("node_count", "min_count"):
        if _set_but_unknown(side, ctx, (*path, field)):
            count_key = (*path, field)
    if autoscale is True or (count is None and minimum is not None):
        if count is None:
            count = minimum if minimum is not None else 1
            notes.append(f"autoscaling between {minimum} and {maximum}: priced at min_count")
    elif count is None:
        count = 1
        if count_key is None:
            notes.append("node_count not set: 1 node assumed")
    labels_value = side.get(*path, "node_labels")
    labels = (
        {str(k): str(v) for k, v in labels_value.items() if v is not None}
        if isinstance(labels_value, dict)
        else {}
    )
    windows = (side.text(*path, "os_type") or "").lower() == "windows" or (
        side.text(*path, "os_sku") or ""
    ).lower().startswith("windows")
    spot = None if default_pool else _priority(side, *path)
    pool_name = side.text(*path, "name") or side.change.name
    return _deployment(
        side,
        ctx,
        size=size,
        size_key=(*path, "vm_size"),
        nodes=count,
        spot=spot,
        windows=windows,
        location=location,
        notes=notes,
        min_nodes=minimum,
        max_nodes=maximum,
        labels=labels,
        name=f"{side.change.name} {pool_name}",
        count_key=count_key,
    )


def kubernetes_cluster(side: Side, ctx: MapContext) -> Result:
    """``azurerm_kubernetes_cluster``: the default node pool (other pools are resources)."""
    if not side.get("default_node_pool"):
        return
    yield (
        "default_node_pool",
        _aks_pool(
            side, ctx, "default_node_pool", 0, location=location_of(side, ctx), default_pool=True
        ),
    )


def kubernetes_node_pool(side: Side, ctx: MapContext) -> Result:
    """``azurerm_kubernetes_cluster_node_pool``; its location is its cluster's."""
    location = location_of(side, ctx, ("kubernetes_cluster_id", "azurerm_kubernetes_cluster"))
    yield None, _aks_pool(side, ctx, location=location, default_pool=False)


# --------------------------------------------------------------------------- Azure ML

_WORKSPACE = ("machine_learning_workspace_id", "azurerm_machine_learning_workspace")


def ml_compute_cluster(side: Side, ctx: MapContext) -> Result:
    """``azurerm_machine_learning_compute_cluster``: min_node_count nodes at VM prices."""
    minimum = side.integer("scale_settings", 0, "min_node_count")
    maximum = side.integer("scale_settings", 0, "max_node_count")
    # scale_settings and its counts are required: absent or not counts, how many nodes run
    # is not known (never 0 nodes at $0).
    missing = minimum is None and not side.unknown("scale_settings", 0, "min_node_count")
    nodes = minimum or (1 if missing else 0)
    notes = (
        [
            f"scales between {minimum} and {maximum} nodes: priced at min_node_count ({nodes}); "
            "jobs run on up to max_node_count nodes while busy"
        ]
        if minimum is not None
        else []
    )
    priority = side.text("vm_priority")
    spot: tuple[bool, str] | None = None
    if priority is not None:
        low = priority.lower() == "lowpriority"
        spot = (
            low,
            f'vm_priority = "{priority}"'
            + (" (Azure ML low-priority VMs; priced at the spot rate)" if low else ""),
        )
    yield (
        None,
        _deployment(
            side,
            ctx,
            size=side.text("vm_size"),
            size_key=("vm_size",),
            nodes=nodes,
            spot=spot,
            windows=False,
            location=location_of(side, ctx, _WORKSPACE),
            notes=notes,
            min_nodes=minimum,
            max_nodes=maximum,
            count_key=("scale_settings", 0, "min_node_count"),
            count_missing=missing,
        ),
    )


def ml_compute_instance(side: Side, ctx: MapContext) -> Result:
    """``azurerm_machine_learning_compute_instance``: one VM, a notebook."""
    yield (
        None,
        _deployment(
            side,
            ctx,
            size=side.text("virtual_machine_size"),
            size_key=("virtual_machine_size",),
            nodes=1,
            spot=None,
            windows=False,
            location=location_of(side, ctx, _WORKSPACE),
            kind=WorkloadClass.NOTEBOOK,
            kind_reason="resource kind: an Azure ML compute instance (a notebook VM)",
        ),
    )


HANDLERS: dict[str, Handler] = {
    "azurerm_linux_virtual_machine": virtual_machine,
    "azurerm_windows_virtual_machine": virtual_machine,
    "azurerm_virtual_machine": virtual_machine,
    "azurerm_linux_virtual_machine_scale_set": scale_set,
    "azurerm_windows_virtual_machine_scale_set": scale_set,
    "azurerm_orchestrated_virtual_machine_scale_set": scale_set,
    "azurerm_virtual_machine_scale_set": scale_set,
    "azurerm_kubernetes_cluster": kubernetes_cluster,
    "azurerm_kubernetes_cluster_node_pool": kubernetes_node_pool,
    "azurerm_machine_learning_compute_cluster": ml_compute_cluster,
    "azurerm_machine_learning_compute_instance": ml_compute_instance,
}
