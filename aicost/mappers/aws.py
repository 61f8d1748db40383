"""AWS resources as AI workloads.

=====================================  ==============================================
Resource                                 What aicost reads
=====================================  ==============================================
``aws_instance``                         ``instance_type`` (or its launch template's),
                                         ``instance_market_options`` (spot, capacity
                                         block), ``capacity_reservation_specification``
``aws_spot_instance_request``            ``instance_type``; always spot
``aws_autoscaling_group``                ``desired_capacity`` (else ``min_size``), the
                                         launch template or configuration it uses (by
                                         id, name or configuration reference), and
                                         ``mixed_instances_policy`` (on-demand base and
                                         percentage above base; the rest is spot)
``aws_eks_node_group``                   ``instance_types`` (or the launch template's),
                                         ``capacity_type``, ``scaling_config``
``aws_sagemaker_endpoint``               each production variant of its endpoint
                                         configuration: ``instance_type`` ×
                                         ``initial_instance_count`` (the configuration
                                         itself is not counted again)
``aws_sagemaker_notebook_instance``      ``instance_type``
=====================================  ==============================================

Purchase options the plan cannot show (reserved instances, savings plans) come from a
``purchase-option`` tag; see :mod:`aicost.mappers.base`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

from aicost.core.model import (
    Accelerator,
    Capacity,
    Deployment,
    PurchaseOption,
    WorkloadClass,
    instance_family,
)
from aicost.mappers.base import (
    SUPPORTING,
    Handler,
    MapContext,
    Side,
    capacity_for,
    classify,
    new_deployment,
    purchase_from_tags,
)
from aicost.mappers.failclosed import set_but_unknown

CLOUD = "aws"
_NO_LABELS: Mapping[str, str] = {}

#: Instance families that carry accelerators, including ones newer than the price table.
_ACCELERATED = re.compile(
    r"^(p\d+[a-z]*|g\d+[a-z]*|gr\d+|inf\d+|trn\d+[a-z]*|dl\d+[a-z]*|f\d+|vt\d+)(-|$)"
)


def is_accelerated_family(family: str | None) -> bool:
    return bool(family) and _ACCELERATED.match(family or "") is not None


Result = Iterable[tuple[str | None, Deployment]]


def _hardware(
    ctx: MapContext, service: str, instance_type: str | None, unknown: bool
) -> tuple[Accelerator | None, bool | None]:
    """The accelerator of *instance_type* and whether it is AI hardware.

    None means it cannot be told: the instance type is known only after apply.
    """
    if instance_type is None:
        return None, None if unknown else False
    key = (CLOUD, service, instance_type)
    found = ctx.hardware.get(key)
    if found is None:
        spec = ctx.catalog.describe(CLOUD, service, instance_type)
        if spec is not None and spec.accelerator is not None:
            found = spec.accelerator, True
        else:
            found = None, is_accelerated_family(instance_family(instance_type))
        ctx.hardware[key] = found
    return found


def _deployment(
    side: Side,
    ctx: MapContext,
    *,
    service: str,
    instance_type: str | None,
    type_sensitive: bool,
    capacity: tuple[Capacity, ...],
    purchase_reason: str,
    tags: Mapping[str, str],
    sensitive_tags: frozenset[str],
    labels: Mapping[str, str] | None = None,
    kind: WorkloadClass | None = None,
    kind_reason: str = "",
    unknown: tuple[str, ...] = (),
    notes: tuple[str, ...] = (),
    min_nodes: int | None = None,
    max_nodes: int | None = None,
) -> Deployment:
    known = ctx.hardware.get((CLOUD, service, instance_type)) if instance_type else None
    accelerator, ai = known or _hardware(ctx, service, instance_type, bool(unknown))
    if ai is None and service == "sagemaker":
        # A SageMaker endpoint or notebook is an AI service whatever runs it: with its
        # instance type unknown it is an unpriced AI workload (flagged), not "cannot tell".
        ai = True
    sensitive = sensitive_tags | {"instance_type"} if type_sensitive else sensitive_tags
    # build_deployment's work, without a second call with every field (once per resource)
    workload_class, class_reason = classify(
        tags,
        labels or _NO_LABELS,
        ctx.settings,
        kind=kind,
        kind_reason=kind_reason,
        name=side.change.name,
    )
    return new_deployment(
        cloud=CLOUD,
        service=service,
        region=side.region(),
        instance_type=instance_type,
        accelerator=accelerator,
        capacity=capacity,
        workload_class=workload_class,
        class_reason=class_reason,
        purchase_reason=purchase_reason,
        tags=tags,
        ai=ai,
        min_nodes=min_nodes,
        max_nodes=max_nodes,
        unknown=unknown,
        sensitive=frozenset(sensitive),
        notes=notes,
    )


def _tagged_purchase(
    tags: Mapping[str, str], ctx: MapContext, nodes: int
) -> tuple[tuple[Capacity, ...], str] | None:
    if purchase_from_tags(tags, ctx.settings) is None:
        return None
    return capacity_for(nodes, tags, ctx.settings)


# --------------------------------------------------------------------------- launch templates


#: The fields that name a launch template, and the template attribute each one matches.
_TEMPLATE_FIELDS = (
    ("id", "id"),
    ("launch_template_id", "id"),
    ("name", "name"),
    ("launch_template_name", "name"),
)


def _template(side: Side, ctx: MapContext, *paths: tuple[str | int, ...]) -> Side | None:
    """The launch template (or configuration) a resource uses, on the same side."""
    inventory = ctx.inventory
    kind = "aws_launch_template"
    for path in paths:
        block = side.get(*path)  # read once; each field is one step below it (as dig steps)
        if isinstance(block, list):
            block = block[0] if block and isinstance(block[0], dict) else None
        for field_name, by in _TEMPLATE_FIELDS:
            value = block.get(field_name) if isinstance(block, dict) else None
            if value is not None and not side.unknown(*path, field_name):
                match = _find(ctx, kind, by, value, side)
                if match is not None:
                    return match
            ref = inventory.resolve(side.change, [*path, field_name], kind)
            if ref is not None:
                return side.of(ref)
    config = side.get("launch_configuration")
    ref = inventory.resolve(side.change, ["launch_configuration"], "aws_launch_configuration")
    if ref is not None:
        return side.of(ref)
    if isinstance(config, str):
        match = _find(ctx, "aws_launch_configuration", "name", config, side)
        if match is not None:
            return match
    return None


def _find(ctx: MapContext, rtype: str, attribute: str, value: Any, side: Side) -> Side | None:
    found = ctx.inventory.find(rtype, attribute, value, planned=side.planned)
    return side.of(found) if found is not None else None


def _template_market(template: Side | None) -> tuple[PurchaseOption, str] | None:
    if template is None:
        return None
    market = template.text("instance_market_options", 0, "market_type")
    if market == "spot":
        return PurchaseOption.SPOT, "launch template instance_market_options.market_type = spot"
    if market == "capacity-block":
        return (
            PurchaseOption.CAPACITY_BLOCK,
            "launch template instance_market_options.market_type = capacity-block",
        )
    return None


# --------------------------------------------------------------------------- handlers


def windows_hint(side: Side, ctx: MapContext) -> str | None:
    """Why an instance runs licence-included Windows, when the plan says so: it asks for
    its Windows password (``get_password_data``), or its AMI comes from a data source or
    variable named for Windows (``data.aws_ami.windows_2022``)."""
    values = side.values
    if values.get("get_password_data") is True:
        return "get_password_data = true (a Windows AMI)"
    for ref in ctx.inventory.references(side.change, _AMI):
        if "windows" in ref.lower():
            return f"ami = {ref} (a Windows AMI)"
    raw = values.get("ami")  # side.text("ami"), inline
    ami = raw if type(raw) is str else side.text("ami") or ""
    if "windows" in ami.lower():
        return f'ami = "{ami}" (a Windows AMI)'
    return None


_AMI = ("ami",)


#: One instance bought one way (Capacity is frozen: one tuple serves every instance).
_ONE = {option: (Capacity(option, 1),) for option in PurchaseOption}


def _instance_capacity(
    side: Side, ctx: MapContext, template: Side | None, tags: Mapping[str, str]
) -> tuple[tuple[Capacity, ...], str]:
    """How one instance is bought: a spot request, its market options (or its launch
    template's), a capacity reservation it targets, a purchase tag, else on-demand."""
    if side.change.type == "aws_spot_instance_request":
        return _ONE[PurchaseOption.SPOT], "aws_spot_instance_request"
    market = side.text("instance_market_options", 0, "market_type")
    if market == "spot":
        return _ONE[PurchaseOption.SPOT], "instance_market_options.market_type = spot"
    if market == "capacity-block":
        return (
            _ONE[PurchaseOption.CAPACITY_BLOCK],
            "instance_market_options.market_type = capacity-block",
        )
    found = _template_market(template)
    if found is not None:
        return _ONE[found[0]], found[1]
    reservation = side.get(
        "capacity_reservation_specification", 0, "capacity_reservation_target", 0
    )
    tagged = _tagged_purchase(tags, ctx, 1)
    if tagged is not None:
        return tagged
    if isinstance(reservation, dict) and any(
        reservation.get(k)
        for k in ("capacity_reservation_id", "capacity_reservation_resource_group_arn")
    ):
        return (
            _ONE[PurchaseOption.CAPACITY_RESERVATION],
            "capacity_reservation_specification targets a capacity reservation",
        )
    return _ONE[PurchaseOption.ON_DEMAND], "default: on-demand"


def instance(side: Side, ctx: MapContext) -> Result:
    """``aws_instance`` and ``aws_spot_instance_request``."""
    template = None
    instance_type, type_unknown = side.known_text("instance_type")
    type_sensitive = side.sensitive("instance_type")
    unknown: tuple[str, ...] = ()
    if instance_type is None or type_unknown:
        template = _template(side, ctx, ("launch_template", 0))
        instance_type = template.text("instance_type") if template else None
        type_sensitive = bool(template and template.sensitive("instance_type"))
        if instance_type is None:
            unknown = ("instance_type",)
    tags, sensitive_tags = side.tags("tags_all", "tags")
    capacity, reason = _instance_capacity(side, ctx, template, tags)
    windows = windows_hint(side, ctx)
    deployment = _deployment(
        side,
        ctx,
        service="ec2-windows" if windows else "ec2",
        notes=(f"Windows, priced with the licence: {windows}",) if windows else (),
        instance_type=instance_type,
        type_sensitive=type_sensitive,
        capacity=capacity,
        purchase_reason=reason,
        tags=tags,
        sensitive_tags=sensitive_tags,
        unknown=unknown,
    )
    return ((None, deployment),)


def _why_no_type(side: Side, template: Side | None, notes: list[str]) -> None:
    """Say why an autoscaling group's instance type is not known."""
    if _requirements(side):
        notes.append(
            "instance types are chosen at launch by instance_requirements "
            "(attribute-based selection)"
        )
    elif template is not None:
        notes.append(f"the instance_type of {template.change.address} is not known")
    elif not any(side.unknown(k) for k in ("launch_template", "launch_configuration")):
        notes.append("the launch template or configuration it uses is not in this plan")


def _requirements(side: Side) -> bool:
    """Whether a mixed instances policy picks instances by attributes, not by type."""
    overrides = side.get("mixed_instances_policy", 0, "launch_template", 0, "override")
    return isinstance(overrides, list) and any(
        isinstance(o, dict) and o.get("instance_requirements") for o in overrides
    )


def _override_type(side: Side, notes: list[str]) -> str | None:
    """The first instance type of a mixed instances policy's overrides."""
    overrides = side.get("mixed_instances_policy", 0, "launch_template", 0, "override")
    if not isinstance(overrides, list):
        return None
    types = [
        str(o["instance_type"]) for o in overrides if isinstance(o, dict) and o.get("instance_type")
    ]
    if not types:
        return None
    if len(set(types)) > 1:
        notes.append(f"priced as {types[0]}, the first of the overrides ({', '.join(types)})")
    return types[0]


def _mixed_capacity(side: Side, desired: int) -> tuple[tuple[Capacity, ...], str]:
    """A mixed instances policy's split: on-demand base, a share above it, the rest spot."""
    dist = side.get("mixed_instances_policy", 0, "instances_distribution", 0)
    if not isinstance(dist, dict):  # absent (or a shape the provider never writes): the
        dist = {}  # defaults, all on-demand above a base of 0 (the dearest reading)
    base = _int(dist.get("on_demand_base_capacity"), 0)
    pct = _int(dist.get("on_demand_percentage_above_base_capacity"), 100)
    on_demand = min(desired, base) + math.ceil(max(desired - base, 0) * pct / 100)
    spot = desired - on_demand
    capacity = tuple(
        c
        for c in (
            Capacity(PurchaseOption.ON_DEMAND, on_demand),
            Capacity(PurchaseOption.SPOT, spot),
        )
        if c.nodes
    ) or (Capacity(PurchaseOption.ON_DEMAND, 0),)
    reason = (
        f"mixed_instances_policy: on-demand base {base}, {pct}% on-demand above base, the rest spot"
    )
    return capacity, reason


def _desired(
    side: Side, ctx: MapContext, desired: int | None, minimum: int | None, notes: list[str]
) -> tuple[int, tuple[str, ...]]:
    """(instances priced, unknown fields): desired_capacity, else min_size (noted); min_size
    or 1 when it is set from a value known only after apply."""
    count_unknown: tuple[str, ...] = ()
    if side.unknown("desired_capacity") and set_but_unknown(
        ctx.inventory, side.change, "desired_capacity"
    ):
        count_unknown = ("desired_capacity",)
        desired = minimum or 1
    elif desired is None:
        desired = minimum or 0
        notes.append(f"desired_capacity not set: min_size ({desired}) used")
    return desired, count_unknown


def _add_instance_tags(tags: dict[str, str], template: Side) -> None:
    """The launch template's instance tag specifications, under the group's own tags."""
    for spec in template.get("tag_specifications") or ():
        if isinstance(spec, dict) and spec.get("resource_type") == "instance":
            for key, value in (spec.get("tags") or {}).items():
                tags.setdefault(str(key), str(value))


def autoscaling_group(side: Side, ctx: MapContext) -> Result:
    desired = side.integer("desired_capacity")
    minimum = side.integer("min_size")
    maximum = side.integer("max_size")
    notes: list[str] = []
    desired, count_unknown = _desired(side, ctx, desired, minimum, notes)
    mixed = side.get("mixed_instances_policy", 0)
    spec_path: tuple[str | int, ...] = (
        "mixed_instances_policy",
        0,
        "launch_template",
        0,
        "launch_template_specification",
        0,
    )
    template = _template(side, ctx, ("launch_template", 0), spec_path)
    instance_type = _override_type(side, notes) if isinstance(mixed, dict) else None
    type_sensitive = False
    if instance_type is None and template is not None:
        instance_type = template.text("instance_type")
        type_sensitive = template.sensitive("instance_type")
    tags, sensitive_tags = side.tags("tag", "tags")
    if template is not None:
        _add_instance_tags(tags, template)
    if isinstance(mixed, dict):
        capacity, reason = _mixed_capacity(side, desired)
    else:
        found = _template_market(template)
        capacity, reason = capacity_for(
            desired, tags, ctx.settings, explicit=(found[0], found[1]) if found else None
        )
    refers = template is not None or any(
        side.get(key) or side.unknown(key)
        for key in ("launch_template", "launch_configuration", "mixed_instances_policy")
    )
    unknown: tuple[str, ...] = count_unknown
    if instance_type is None and refers:
        unknown = ("instance_type", *count_unknown)
        _why_no_type(side, template, notes)
    deployment = _deployment(
        side,
        ctx,
        service="ec2",
        instance_type=instance_type,
        type_sensitive=type_sensitive,
        capacity=capacity,
        purchase_reason=reason,
        tags=tags,
        sensitive_tags=sensitive_tags,
        unknown=unknown,
        notes=tuple(notes),
        min_nodes=minimum,
        max_nodes=maximum,
    )
    return ((None, deployment),)


def _node_group_type(
    side: Side, ctx: MapContext, notes: list[str]
) -> tuple[str | None, bool, tuple[str, ...]]:
    """(instance type, sensitive?, unknown fields): the first of instance_types, else the
    launch template's, else EKS's default t3.medium."""
    unknown: tuple[str, ...] = ()
    types = side.get("instance_types")
    instance_type: str | None = None
    type_sensitive = side.sensitive("instance_types")
    if isinstance(types, list) and types and not side.unknown("instance_types"):
        instance_type = str(types[0])
        if len(types) > 1:
            notes.append(
                f"priced as {types[0]}, the first of instance_types ({', '.join(map(str, types))})"
            )
    else:
        template = _template(side, ctx, ("launch_template", 0))
        if template is not None and template.text("instance_type"):
            instance_type = template.text("instance_type")
            type_sensitive = template.sensitive("instance_type")
        elif (
            side.unknown("instance_types")
            and template is None
            and not set_but_unknown(ctx.inventory, side.change, "instance_types")
        ):
            instance_type = "t3.medium"
            notes.append("instance_types not set: EKS defaults to t3.medium")
        else:
            unknown = ("instance_types",)
    return instance_type, type_sensitive, unknown


#: A node group's ``capacity_type`` that says how its nodes are bought (else tags, on-demand).
_NODE_GROUP_CAPACITY = {
    "SPOT": (PurchaseOption.SPOT, "capacity_type = SPOT"),
    "CAPACITY_BLOCK": (PurchaseOption.CAPACITY_BLOCK, "capacity_type = CAPACITY_BLOCK"),
}


def eks_node_group(side: Side, ctx: MapContext) -> Result:
    notes: list[str] = []
    instance_type, type_sensitive, unknown = _node_group_type(side, ctx, notes)
    desired = side.integer("scaling_config", 0, "desired_size")
    minimum = side.integer("scaling_config", 0, "min_size")
    maximum = side.integer("scaling_config", 0, "max_size")
    if desired is None or side.unknown("scaling_config", 0, "desired_size"):
        # Required by the provider: absent or not a count, it is not known (never 0 nodes).
        unknown = (*unknown, "scaling_config.desired_size")
        desired = minimum or 1
    capacity_type = (side.text("capacity_type") or "ON_DEMAND").upper()
    tags, sensitive_tags = side.tags("tags_all", "tags")
    labels = {str(k): str(v) for k, v in (side.get("labels") or {}).items() if v is not None}
    explicit = _NODE_GROUP_CAPACITY.get(capacity_type)
    capacity, reason = capacity_for(
        desired,
        tags,
        ctx.settings,
        explicit=explicit,
        default_reason="capacity_type = ON_DEMAND",
    )
    deployment = _deployment(
        side,
        ctx,
        service="ec2",
        instance_type=instance_type,
        type_sensitive=type_sensitive,
        capacity=capacity,
        purchase_reason=reason,
        tags=tags,
        sensitive_tags=sensitive_tags,
        labels=labels,
        unknown=unknown,
        notes=tuple(notes),
        min_nodes=minimum,
        max_nodes=maximum,
    )
    return ((None, deployment),)


def _endpoint_configuration(side: Side, ctx: MapContext) -> Side | None:
    inventory = ctx.inventory
    name = side.get("endpoint_config_name")
    if name is not None and not side.unknown("endpoint_config_name"):
        found = _find(ctx, "aws_sagemaker_endpoint_configuration", "name", name, side)
        if found is not None:
            return found
    ref = inventory.resolve(
        side.change, ["endpoint_config_name"], "aws_sagemaker_endpoint_configuration"
    )
    return side.of(ref) if ref is not None else None


def _unconfigured_endpoint(
    side: Side,
    ctx: MapContext,
    tags: dict[str, str],
    sensitive_tags: frozenset[str],
    kind_reason: str,
) -> Deployment:
    """An endpoint whose configuration is not in the plan: unknown instance type."""
    return _deployment(
        side,
        ctx,
        service="sagemaker",
        instance_type=None,
        type_sensitive=False,
        capacity=(Capacity(PurchaseOption.ON_DEMAND, 0),),
        purchase_reason="default: on-demand",
        tags=tags,
        sensitive_tags=sensitive_tags,
        kind=WorkloadClass.INFERENCE,
        kind_reason=kind_reason,
        unknown=("endpoint_config_name",),
        notes=("the endpoint configuration is not in this plan",),
    )


def _variant_scaling(variant: dict[str, Any], count: int) -> tuple[int | None, int | None]:
    """(min, max) instances of a variant's managed instance scaling, if any."""
    scaling = variant.get("managed_instance_scaling")
    minimum = maximum = None
    if isinstance(scaling, list) and scaling and isinstance(scaling[0], dict):
        minimum = _int(scaling[0].get("min_instance_count"), count)
        maximum = _int(scaling[0].get("max_instance_count"), count)
    return minimum, maximum


def _variant_count_unknown(config: Side, ctx: MapContext, position: int) -> tuple[str, ...]:
    """``initial_instance_count`` set from a value known only after apply: never a guess."""
    path = ("production_variants", position, "initial_instance_count")
    if config.unknown(*path) and set_but_unknown(ctx.inventory, config.change, *path):
        return ("production_variants.initial_instance_count",)
    return ()


def sagemaker_endpoint(side: Side, ctx: MapContext) -> Result:
    config = _endpoint_configuration(side, ctx)
    tags, sensitive_tags = side.tags("tags_all", "tags")
    kind_reason = "resource kind: a SageMaker endpoint serves inference"
    if config is None or not config.values:
        yield None, _unconfigured_endpoint(side, ctx, tags, sensitive_tags, kind_reason)
        return
    variants = config.get("production_variants") or []
    for position, variant in enumerate(variants):
        if not isinstance(variant, dict):
            continue
        label = str(variant.get("variant_name") or f"variant {position}")
        component = f"variant {label}"
        instance_type = variant.get("instance_type")
        count = _int(variant.get("initial_instance_count"), 1)
        notes: tuple[str, ...] = ()
        unknown: tuple[str, ...] = _variant_count_unknown(config, ctx, position)
        if not instance_type:
            if variant.get("serverless_config"):
                notes = ("serverless inference is billed per request, not per instance",)
            unknown = ("instance_type", *unknown)
            instance_type = None
        minimum, maximum = _variant_scaling(variant, count)
        yield (
            component,
            _deployment(
                side,
                ctx,
                service="sagemaker",
                instance_type=str(instance_type) if instance_type else None,
                type_sensitive=config.sensitive("production_variants", position, "instance_type"),
                capacity=(Capacity(PurchaseOption.ON_DEMAND, count),),
                purchase_reason="SageMaker hosting is billed on-demand (or by a savings plan tag)",
                tags=tags,
                sensitive_tags=sensitive_tags,
                kind=WorkloadClass.INFERENCE,
                kind_reason=kind_reason,
                unknown=unknown,
                notes=notes,
                min_nodes=minimum,
                max_nodes=maximum,
            ),
        )


def sagemaker_notebook(side: Side, ctx: MapContext) -> Result:
    tags, sensitive_tags = side.tags("tags_all", "tags")
    instance_type = side.text("instance_type")
    yield (
        None,
        _deployment(
            side,
            ctx,
            service="sagemaker",
            instance_type=instance_type,
            type_sensitive=side.sensitive("instance_type"),
            capacity=(Capacity(PurchaseOption.ON_DEMAND, 1),),
            purchase_reason="default: on-demand",
            tags=tags,
            sensitive_tags=sensitive_tags,
            kind=WorkloadClass.NOTEBOOK,
            kind_reason="resource kind: a SageMaker notebook instance",
            unknown=() if instance_type else ("instance_type",),
        ),
    )


def _int(value: Any, default: int) -> int:
    if value is None or isinstance(value, bool):
        return default
    try:
        return int(str(value))
    except ValueError:
        return default


HANDLERS: dict[str, Handler] = {
    "aws_instance": instance,
    "aws_spot_instance_request": instance,
    "aws_autoscaling_group": autoscaling_group,
    "aws_eks_node_group": eks_node_group,
    "aws_sagemaker_endpoint": sagemaker_endpoint,
    "aws_sagemaker_notebook_instance": sagemaker_notebook,
    "aws_launch_template": SUPPORTING,
    "aws_launch_configuration": SUPPORTING,
    "aws_sagemaker_endpoint_configuration": SUPPORTING,
    "aws_sagemaker_model": SUPPORTING,
}
