"""AWS resources that reserve, launch or run accelerators beyond instances and node groups.

=========================================  ================================================
Resource                                     What aicost reads
=========================================  ================================================
``aws_ec2_capacity_reservation``             ``instance_type`` × ``instance_count``: billed
                                             at the on-demand rate from creation, used or not
``aws_ec2_capacity_block_reservation``       ``instance_type`` × ``instance_count`` (a
                                             capacity block)
``aws_ec2_fleet``                            the first override's (or the launch template's)
                                             instance type × ``total_target_capacity``, split
                                             into on-demand and spot
``aws_spot_fleet_request``                   the first launch specification's (or override's,
                                             or launch template's) instance type ×
                                             ``target_capacity``, spot
``aws_batch_compute_environment``            ``compute_resources``: ``instance_type`` (types
                                             or families such as ``p4d``), ``type`` (EC2 or
                                             SPOT), ``min_vcpus``/``desired_vcpus``/``max_vcpus``
``aws_emr_cluster``                          master and core instance groups and fleets
``aws_emr_instance_group``                   ``instance_type`` × ``instance_count``
``aws_emr_instance_fleet``                   instance type configs × target capacities
``aws_sagemaker_app``                        ``resource_spec.instance_type`` (a notebook app)
``aws_sagemaker_space``                      the space's default app instance type
``aws_sagemaker_domain``,                    default app instance types: billed only while an
``aws_sagemaker_user_profile``               app runs, so GPU defaults are listed unpriced
``awscc_sagemaker_cluster``                  HyperPod: ``instance_groups`` × ``instance_count``
=========================================  ================================================
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from aicost.core.model import Capacity, Deployment, PurchaseOption, WorkloadClass
from aicost.mappers.aws import _deployment, _int, _template
from aicost.mappers.base import Handler, MapContext, Side

Result = Iterable[tuple[str | None, Deployment]]

_EMR_NOTE = "EC2 instances only: the EMR service fee is not included"


def _type_of(side: Side, *path: str | int) -> tuple[str | None, tuple[str, ...]]:
    """The instance type at *path*, and ``("instance_type",)`` when it is not known."""
    value = side.text(*path)
    if value is None or side.unknown(*path):
        return None, (".".join(str(p) for p in path if isinstance(p, str)),)
    return value, ()


def _nodes(
    side: Side, *path: str | int, default: int = 0, required: bool = False
) -> tuple[int, tuple[str, ...]]:
    """A node count, and the attribute when it is known only after apply (or, *required*
    by the provider, absent or not a count: not known either, never the default)."""
    value = side.integer(*path)
    if side.unknown(*path) or (required and value is None):
        return 1, (".".join(str(p) for p in path if isinstance(p, str)),)
    return (default if value is None else value), ()


def capacity_reservation(side: Side, ctx: MapContext) -> Result:
    instance_type, unknown = _type_of(side, "instance_type")
    count, count_unknown = _nodes(side, "instance_count", default=1)
    tags, sensitive_tags = side.tags("tags_all", "tags")
    notes = ["a capacity reservation is billed at the on-demand rate from creation, used or not"]
    platform = side.text("instance_platform")
    if platform and platform != "Linux/UNIX":
        notes.append(f"instance_platform {platform}: priced at Linux rates")
    end = side.text("end_date_type")
    if end == "limited" and side.text("end_date"):
        notes.append(f"ends {side.text('end_date')}: priced for the whole month")
    yield (
        None,
        _deployment(
            side,
            ctx,
            service="ec2",
            instance_type=instance_type,
            type_sensitive=side.sensitive("instance_type"),
            capacity=(Capacity(PurchaseOption.CAPACITY_RESERVATION, count),),
            purchase_reason="an On-Demand Capacity Reservation",
            tags=tags,
            sensitive_tags=sensitive_tags,
            unknown=unknown + count_unknown,
            notes=tuple(notes),
        ),
    )


def capacity_block(side: Side, ctx: MapContext) -> Result:
    instance_type, unknown = _type_of(side, "instance_type")
    count, count_unknown = _nodes(side, "instance_count", default=1)
    tags, sensitive_tags = side.tags("tags_all", "tags")
    notes = (
        ["a capacity block is paid up front for its duration; priced per month of use"]
        if instance_type
        else ["instance_type comes from the capacity block offering, known only after apply"]
    )
    yield (
        None,
        _deployment(
            side,
            ctx,
            service="ec2",
            instance_type=instance_type,
            type_sensitive=side.sensitive("instance_type"),
            capacity=(Capacity(PurchaseOption.CAPACITY_BLOCK, count),),
            purchase_reason="an EC2 Capacity Block for ML",
            tags=tags,
            sensitive_tags=sensitive_tags,
            unknown=unknown + count_unknown,
            notes=tuple(notes),
        ),
    )


def _overrides(config: dict[str, Any]) -> list[Any]:
    """A launch template config's overrides (``override``, or awscc's ``overrides``); none
    when they are not a list (a shape the provider never writes)."""
    found = config.get("override") or config.get("overrides")
    return found if isinstance(found, list) else []


def _launch_template_type(
    side: Side, ctx: MapContext, configs_key: str
) -> tuple[str | None, list[str], bool]:
    """(instance type, notes, unknown) from ``launch_template_config`` blocks."""
    configs = side.get(configs_key)
    notes: list[str] = []
    types: list[str] = []
    if isinstance(configs, list):
        for position, config in enumerate(configs):
            if not isinstance(config, dict):
                continue
            types.extend(
                str(o["instance_type"])
                for o in _overrides(config)
                if isinstance(o, dict) and isinstance(o.get("instance_type"), str)
            )
            if not types:
                template = _template(
                    side, ctx, (configs_key, position, "launch_template_specification", 0)
                )
                if template is not None and template.text("instance_type"):
                    types.append(str(template.text("instance_type")))
    if len(set(types)) > 1:
        notes.append(f"priced as {types[0]}, the first of the overrides ({', '.join(types)})")
    return (types[0] if types else None), notes, side.unknown(configs_key)


def _why_no_type(side: Side, configs_key: str) -> str:
    """Why a fleet's instance type is not known: attribute-based selection, or no template."""
    configs = side.get(configs_key)
    for config in configs if isinstance(configs, list) else ():
        overrides = _overrides(config) if isinstance(config, dict) else []
        if any(isinstance(o, dict) and o.get("instance_requirements") for o in overrides):
            return (
                "instance types are chosen at launch by instance_requirements "
                "(attribute-based selection)"
            )
    return "the launch template it uses is not in this plan"


def ec2_fleet(side: Side, ctx: MapContext) -> Result:
    instance_type, notes, unknown_configs = _launch_template_type(
        side, ctx, "launch_template_config"
    )
    spec = ("target_capacity_specification", 0)
    total, total_unknown = _nodes(side, *spec, "total_target_capacity", required=True)
    on_demand = side.integer(*spec, "on_demand_target_capacity")
    spot = side.integer(*spec, "spot_target_capacity")
    default = (side.text(*spec, "default_target_capacity_type") or "on-demand").lower()
    if on_demand is None and spot is None:
        on_demand, spot = (0, total) if default == "spot" else (total, 0)
    elif on_demand is None:
        on_demand = max(total - (spot or 0), 0)
    else:
        spot = max(total - on_demand, 0) if spot is None else spot
    unit = side.text(*spec, "target_capacity_unit_type")
    if unit and unit != "units":
        notes.append(f"target capacity is in {unit}: priced as that many instances")
    tags, sensitive_tags = side.tags("tags_all", "tags")
    capacity = tuple(
        c
        for c in (
            Capacity(PurchaseOption.ON_DEMAND, on_demand),
            Capacity(PurchaseOption.SPOT, spot or 0),
        )
        if c.nodes
    ) or (Capacity(PurchaseOption.ON_DEMAND, 0),)
    unknown = total_unknown
    if instance_type is None:
        unknown = ("launch_template_config.override.instance_type", *unknown)
        if not unknown_configs:
            notes.append(_why_no_type(side, "launch_template_config"))
    yield (
        None,
        _deployment(
            side,
            ctx,
            service="ec2",
            instance_type=instance_type,
            type_sensitive=False,
            capacity=capacity,
            purchase_reason=f"target capacity: {on_demand} on-demand, {spot or 0} spot",
            tags=tags,
            sensitive_tags=sensitive_tags,
            unknown=unknown,
            notes=tuple(notes),
        ),
    )


def spot_fleet(side: Side, ctx: MapContext) -> Result:
    notes: list[str] = []
    types = [
        str(spec["instance_type"])
        for spec in side.get("launch_specification") or ()
        if isinstance(spec, dict) and isinstance(spec.get("instance_type"), str)
    ]
    instance_type = types[0] if types else None
    if len(set(types)) > 1:
        notes.append(f"priced as {types[0]}, the first of the launch specifications")
    if instance_type is None:
        instance_type, more, _ = _launch_template_type(side, ctx, "launch_template_config")
        notes.extend(more)
    total, unknown = _nodes(side, "target_capacity")
    on_demand = _int(side.get("on_demand_target_capacity"), 0)
    on_demand = min(max(on_demand, 0), total)
    tags, sensitive_tags = side.tags("tags_all", "tags")
    capacity = tuple(
        c
        for c in (
            Capacity(PurchaseOption.ON_DEMAND, on_demand),
            Capacity(PurchaseOption.SPOT, total - on_demand),
        )
        if c.nodes
    ) or (Capacity(PurchaseOption.SPOT, 0),)
    if instance_type is None:
        unknown = ("launch_specification.instance_type", *unknown)
    yield (
        None,
        _deployment(
            side,
            ctx,
            service="ec2",
            instance_type=instance_type,
            type_sensitive=False,
            capacity=capacity,
            purchase_reason="a spot fleet request",
            tags=tags,
            sensitive_tags=sensitive_tags,
            unknown=unknown,
            notes=tuple(notes),
        ),
    )


def _largest_of_family(ctx: MapContext, family: str) -> str | None:
    """The largest priced size of an instance family (Batch picks sizes within a family)."""
    for size in ("48xlarge", "24xlarge", "16xlarge", "12xlarge", "8xlarge", "2xlarge", "xlarge"):
        candidate = f"{family}.{size}"
        if ctx.catalog.describe("aws", "ec2", candidate) is not None:
            return candidate
    return None


def _batch_instance_type(
    side: Side, ctx: MapContext, prefix: tuple[str | int, ...], notes: list[str]
) -> tuple[str | None, tuple[str, ...]]:
    """(the type priced, unknown fields): the first listed (a family at the size Batch
    may pick), else the launch template's."""
    unknown: tuple[str, ...] = ()
    raw = side.get(*prefix, "instance_type")
    types = [str(t) for t in raw] if isinstance(raw, list) else []
    instance_type: str | None = None
    if side.unknown(*prefix, "instance_type"):
        unknown = ("compute_resources.instance_type",)
    elif types:
        first = types[0]
        if "." in first:
            instance_type = first
        elif first in {"optimal", "default_x86_64", "default_arm64"}:
            instance_type = None
            notes.append(f"instance_type {first}: Batch picks general-purpose instances")
        else:
            instance_type = _largest_of_family(ctx, first)
            if instance_type is None:
                instance_type = f"{first}.24xlarge" if first.startswith(("p", "trn")) else first
            notes.append(f"family {first}: priced as {instance_type}, the size Batch may pick")
        if len(types) > 1:
            notes.append(f"priced from {first}, the first of {', '.join(types)}")
    else:
        template = _template(side, ctx, (*prefix, "launch_template", 0))
        instance_type = template.text("instance_type") if template else None
        if instance_type is None:
            unknown = ("compute_resources.instance_type",)
    return instance_type, unknown


def batch_compute_environment(side: Side, ctx: MapContext) -> Result:
    prefix = ("compute_resources", 0)
    if side.get(*prefix) is None and not side.unknown("compute_resources"):
        return  # an unmanaged environment runs on instances defined elsewhere
    kind = (side.text(*prefix, "type") or "EC2").upper()
    if kind.startswith("FARGATE"):
        return  # Fargate has no accelerators
    notes: list[str] = []
    instance_type, unknown = _batch_instance_type(side, ctx, prefix, notes)
    minimum = side.integer(*prefix, "min_vcpus") or 0
    desired = side.integer(*prefix, "desired_vcpus")
    maximum = side.integer(*prefix, "max_vcpus")
    vcpus = max(minimum, desired or 0)
    spec = ctx.catalog.describe("aws", "ec2", instance_type) if instance_type else None
    per_node = getattr(spec, "vcpu", None)
    nodes = 0
    if vcpus and per_node:
        nodes = math.ceil(vcpus / per_node)
    purchase = PurchaseOption.SPOT if kind == "SPOT" else PurchaseOption.ON_DEMAND
    if not unknown and nodes == 0 and instance_type is not None:
        unknown = ("compute_resources.desired_vcpus",)
        notes.insert(
            0,
            f"compute_resources.desired_vcpus: Batch scales from {minimum} to "
            f"{maximum if maximum is not None else '?'} vCPUs with the job queue, so the "
            "cost depends on the jobs (give hours in the usage file or waive it)",
        )
    tags, sensitive_tags = side.tags("tags_all", "tags")
    yield (
        None,
        _deployment(
            side,
            ctx,
            service="ec2",
            instance_type=instance_type,
            type_sensitive=side.sensitive(*prefix, "instance_type"),
            capacity=(Capacity(purchase, nodes),),
            purchase_reason=f"compute_resources.type = {kind}",
            tags=tags,
            sensitive_tags=sensitive_tags,
            kind=WorkloadClass.BATCH,
            kind_reason="resource kind: an AWS Batch compute environment runs batch jobs",
            unknown=unknown,
            notes=tuple(notes),
            min_nodes=math.ceil(minimum / per_node) if per_node else None,
            max_nodes=math.ceil(maximum / per_node) if per_node and maximum else None,
        ),
    )


# --------------------------------------------------------------------------- EMR


def _emr_group(
    side: Side,
    ctx: MapContext,
    prefix: tuple[str | int, ...],
    *,
    count_key: str = "instance_count",
    default_count: int = 1,
    tags: Mapping[str, str],
    sensitive_tags: frozenset[str],
) -> Deployment:
    instance_type, unknown = _type_of(side, *prefix, "instance_type")
    count, count_unknown = _nodes(side, *prefix, count_key, default=default_count)
    bid = side.get(*prefix, "bid_price")
    spot = bid is not None and bid != ""
    return _deployment(
        side,
        ctx,
        service="ec2",
        instance_type=instance_type,
        type_sensitive=side.sensitive(*prefix, "instance_type"),
        capacity=(Capacity(PurchaseOption.SPOT if spot else PurchaseOption.ON_DEMAND, count),),
        purchase_reason="bid_price set: spot" if spot else "default: on-demand",
        tags=tags,
        sensitive_tags=sensitive_tags,
        unknown=unknown + count_unknown,
        notes=(_EMR_NOTE,),
    )


def _emr_fleet(
    side: Side,
    ctx: MapContext,
    prefix: tuple[str | int, ...],
    *,
    tags: Mapping[str, str],
    sensitive_tags: frozenset[str],
) -> Deployment:
    configs = side.get(*prefix, "instance_type_configs")
    types: list[tuple[str, int]] = []
    if isinstance(configs, list):
        types.extend(
            (str(c["instance_type"]), _int(c.get("weighted_capacity"), 1) or 1)
            for c in configs
            if isinstance(c, dict) and isinstance(c.get("instance_type"), str)
        )
    types.sort()
    notes = [_EMR_NOTE]
    instance_type = types[0][0] if types else None
    weight = types[0][1] if types else 1
    if len(types) > 1:
        notes.append(f"priced as {types[0][0]}, one of {', '.join(t for t, _ in types)}")
    on_demand, od_unknown = _nodes(side, *prefix, "target_on_demand_capacity")
    spot, spot_unknown = _nodes(side, *prefix, "target_spot_capacity")
    unknown = od_unknown + spot_unknown
    if instance_type is None:
        unknown = ("instance_type_configs.instance_type", *unknown)
    capacity = tuple(
        c
        for c in (
            Capacity(PurchaseOption.ON_DEMAND, math.ceil(on_demand / weight)),
            Capacity(PurchaseOption.SPOT, math.ceil(spot / weight)),
        )
        if c.nodes
    ) or (Capacity(PurchaseOption.ON_DEMAND, 0),)
    return _deployment(
        side,
        ctx,
        service="ec2",
        instance_type=instance_type,
        type_sensitive=False,
        capacity=capacity,
        purchase_reason="instance fleet target capacities",
        tags=tags,
        sensitive_tags=sensitive_tags,
        unknown=unknown,
        notes=tuple(notes),
    )


def emr_cluster(side: Side, ctx: MapContext) -> Result:
    tags, sensitive_tags = side.tags("tags_all", "tags")
    for role in ("master", "core"):
        group = f"{role}_instance_group"
        fleet = f"{role}_instance_fleet"
        if side.get(group) or side.unknown(group):
            yield (
                role,
                _emr_group(
                    side,
                    ctx,
                    (group, 0),
                    default_count=1,
                    tags=tags,
                    sensitive_tags=sensitive_tags,
                ),
            )
        elif side.get(fleet) or side.unknown(fleet):
            yield role, _emr_fleet(side, ctx, (fleet, 0), tags=tags, sensitive_tags=sensitive_tags)


def emr_instance_group(side: Side, ctx: MapContext) -> Result:
    tags, sensitive_tags = side.tags("tags_all", "tags")
    yield None, _emr_group(side, ctx, (), tags=tags, sensitive_tags=sensitive_tags)


def emr_instance_fleet(side: Side, ctx: MapContext) -> Result:
    tags, sensitive_tags = side.tags("tags_all", "tags")
    yield None, _emr_fleet(side, ctx, (), tags=tags, sensitive_tags=sensitive_tags)


# --------------------------------------------------------------------------- SageMaker


_APP_SETTINGS = (
    "jupyter_lab_app_settings",
    "code_editor_app_settings",
    "kernel_gateway_app_settings",
    "jupyter_server_app_settings",
    "r_studio_server_pro_app_settings",
    "tensor_board_app_settings",
    "canvas_app_settings",
)


def _notebook(
    side: Side,
    ctx: MapContext,
    instance_type: str | None,
    *,
    sensitive: bool,
    unknown: tuple[str, ...] = (),
    notes: tuple[str, ...] = (),
) -> Deployment:
    tags, sensitive_tags = side.tags("tags_all", "tags")
    return _deployment(
        side,
        ctx,
        service="sagemaker",
        instance_type=instance_type,
        type_sensitive=sensitive,
        capacity=(Capacity(PurchaseOption.ON_DEMAND, 1),),
        purchase_reason="default: on-demand",
        tags=tags,
        sensitive_tags=sensitive_tags,
        kind=WorkloadClass.NOTEBOOK,
        kind_reason="resource kind: a SageMaker Studio app or space",
        unknown=unknown,
        notes=notes,
    )


def sagemaker_app(side: Side, ctx: MapContext) -> Result:
    path = ("resource_spec", 0, "instance_type")
    app_type = side.text("app_type") or "app"
    instance_type = side.text(*path)
    if side.unknown(*path):
        yield None, _notebook(side, ctx, None, sensitive=False, unknown=("resource_spec",))
        return
    if instance_type is None or instance_type == "system":
        return  # the JupyterServer "system" instance is free
    yield (
        None,
        _notebook(
            side,
            ctx,
            instance_type,
            sensitive=side.sensitive(*path),
            notes=(f"a {app_type} app: priced while it runs, the whole month by default",),
        ),
    )


def _default_types(side: Side, prefix: tuple[str | int, ...]) -> list[tuple[str, str | None]]:
    """(settings block, default instance type) for each app settings block under *prefix*."""
    found: list[tuple[str, str | None]] = []
    for settings in _APP_SETTINGS:
        path = (*prefix, settings, 0, "default_resource_spec", 0, "instance_type")
        if side.unknown(*path):
            found.append((settings, None))
        elif (value := side.text(*path)) is not None:
            found.append((settings, value))
    return found


def sagemaker_space(side: Side, ctx: MapContext) -> Result:
    for settings, instance_type in _default_types(side, ("space_settings", 0)):
        component = settings.removesuffix("_app_settings")
        yield (
            component,
            _notebook(
                side,
                ctx,
                instance_type,
                sensitive=False,
                unknown=() if instance_type else (f"space_settings.{settings}",),
                notes=("the space's app: priced while it runs, the whole month by default",),
            ),
        )


def _defaults(side: Side, ctx: MapContext, prefix: tuple[str | int, ...]) -> Result:
    """Domain and user-profile defaults: no cost until an app runs, so GPU defaults are
    listed as unpriced AI workloads (the apps they start are not in the plan)."""
    where = ".".join(str(p) for p in prefix if isinstance(p, str))
    for settings, instance_type in _default_types(side, prefix):
        note = (
            f"app hours: {where}.{settings} is a default instance type for apps users "
            "start, billed per app-hour, which the plan does not say"
        )
        yield (
            f"default {settings.removesuffix('_app_settings')}",
            _notebook(
                side, ctx, instance_type, sensitive=False, unknown=("app hours",), notes=(note,)
            ),
        )


def sagemaker_domain(side: Side, ctx: MapContext) -> Result:
    yield from _defaults(side, ctx, ("default_user_settings", 0))
    yield from _defaults(side, ctx, ("default_space_settings", 0))


def sagemaker_user_profile(side: Side, ctx: MapContext) -> Result:
    yield from _defaults(side, ctx, ("user_settings", 0))


def hyperpod_cluster(side: Side, ctx: MapContext) -> Result:
    """``awscc_sagemaker_cluster``: each instance group (awscc writes objects, not blocks)."""
    groups = side.get("instance_groups")
    tags = _awscc_tags(side.get("tags"))
    if side.unknown("instance_groups") or not isinstance(groups, list):
        yield (
            None,
            _deployment(
                side,
                ctx,
                service="sagemaker",
                instance_type=None,
                type_sensitive=False,
                capacity=(Capacity(PurchaseOption.ON_DEMAND, 1),),
                purchase_reason="default: on-demand",
                tags=tags,
                sensitive_tags=frozenset(),
                kind=WorkloadClass.TRAINING,
                kind_reason="resource kind: a SageMaker HyperPod cluster",
                unknown=("instance_groups",),
            ),
        )
        return
    for position, group in enumerate(groups):
        if not isinstance(group, dict):
            continue
        name = str(group.get("instance_group_name") or f"group {position}")
        instance_type, unknown = _type_of(side, "instance_groups", position, "instance_type")
        count, count_unknown = _nodes(side, "instance_groups", position, "instance_count")
        yield (
            f"instance group {name}",
            _deployment(
                side,
                ctx,
                service="sagemaker",
                instance_type=instance_type,
                type_sensitive=side.sensitive("instance_groups", position, "instance_type"),
                capacity=(Capacity(PurchaseOption.ON_DEMAND, count),),
                purchase_reason="HyperPod instances are billed on-demand (or by a plan)",
                tags=tags,
                sensitive_tags=frozenset(),
                kind=WorkloadClass.TRAINING,
                kind_reason="resource kind: a SageMaker HyperPod cluster",
                unknown=unknown + count_unknown,
            ),
        )


def _awscc_tags(value: Any) -> dict[str, str]:
    """awscc tags: a list of ``{key, value}`` objects."""
    if isinstance(value, list):
        return {
            str(t.get("key")): str(t.get("value"))
            for t in value
            if isinstance(t, dict) and t.get("key") is not None
        }
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items() if v is not None}
    return {}


HANDLERS: dict[str, Handler] = {
    "aws_ec2_capacity_reservation": capacity_reservation,
    "aws_ec2_capacity_block_reservation": capacity_block,
    "aws_ec2_fleet": ec2_fleet,
    "aws_spot_fleet_request": spot_fleet,
    "aws_batch_compute_environment": batch_compute_environment,
    "aws_emr_cluster": emr_cluster,
    "aws_emr_instance_group": emr_instance_group,
    "aws_emr_instance_fleet": emr_instance_fleet,
    "aws_sagemaker_app": sagemaker_app,
    "aws_sagemaker_space": sagemaker_space,
    "aws_sagemaker_domain": sagemaker_domain,
    "aws_sagemaker_user_profile": sagemaker_user_profile,
}
