"""Other AWS resources that take an instance type which may carry accelerators.

These services run EC2 hardware but are billed their own way (a dedicated host per host-hour,
AppStream per streaming hour, GameLift per fleet instance-hour...). aicost has no price
table for them, so an accelerated instance type makes the resource an **unpriced** AI
workload (the ``unpriced`` rule decides how serious that is); a known CPU-only type makes
it non-AI. Cloud9 and OpsWorks instances are plain EC2 instances and are priced as such.

=============================================  =============================================
Resource                                         What aicost reads
=============================================  =============================================
``aws_cloud9_environment_ec2``,                  ``instance_type``, priced as an EC2 instance
``aws_opsworks_instance``
``aws_ec2_host``                                 ``instance_type`` (or ``instance_family``)
``aws_appstream_fleet``,                         ``instance_type``: ``stream.graphics.*`` has
``aws_appstream_image_builder``                  GPUs
``aws_gamelift_fleet``                           ``ec2_instance_type``
``aws_gamelift_game_server_group``               ``instance_definition[].instance_type``
``aws_imagebuilder_infrastructure_configuration`` ``instance_types``
``aws_drs_replication_configuration_template``   ``replication_server_instance_type``
``aws_sagemaker_data_quality_job_definition``    ``job_resources.cluster_config``
``aws_codebuild_fleet``                          ``environment_type`` (``*GPU*``)
=============================================  =============================================
"""

from __future__ import annotations

from collections.abc import Iterable

from aicost.core.model import Capacity, Deployment, PurchaseOption, WorkloadClass
from aicost.mappers.aws import _deployment, instance
from aicost.mappers.base import Handler, MapContext, Side
from aicost.mappers.failclosed import aws_accelerated_name, known_without_accelerators

Result = Iterable[tuple[str | None, Deployment]]


def _unpriced(
    side: Side,
    ctx: MapContext,
    *,
    instance_type: str | None,
    accelerated: bool,
    reason: str,
    nodes: int = 1,
    kind: WorkloadClass | None = None,
    unknown_attribute: str = "instance_type",
    service: str = "ec2",
) -> Result:
    """One deployment: unpriced AI when *accelerated* (or unknown), else non-AI."""
    tags, sensitive_tags = side.tags("tags_all", "tags")
    unknown: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    if instance_type is None:
        unknown = (unknown_attribute,)
    elif accelerated:
        unknown = ("price",)
        notes = (f"price: {reason}",)
    deployment = _deployment(
        side,
        ctx,
        service=service,
        instance_type=instance_type,
        type_sensitive=False,
        capacity=(Capacity(PurchaseOption.ON_DEMAND, nodes),),
        purchase_reason="default: on-demand",
        tags=tags,
        sensitive_tags=sensitive_tags,
        kind=kind,
        kind_reason="resource kind" if kind else "",
        unknown=unknown,
        notes=notes,
    )
    if instance_type is not None and not accelerated:
        deployment = _non_ai(deployment)
    elif accelerated:
        from dataclasses import replace

        deployment = replace(deployment, ai=True)
    yield None, deployment


def _non_ai(deployment: Deployment) -> Deployment:
    from dataclasses import replace

    return replace(deployment, ai=False, unknown=(), notes=())


def _type(side: Side, *path: str | int) -> str | None:
    if side.unknown(*path):
        return None
    return side.text(*path)


def dedicated_host(side: Side, ctx: MapContext) -> Result:
    instance_type = _type(side, "instance_type")
    family = _type(side, "instance_family")
    name = instance_type or (f"{family}.metal" if family else None)
    accelerated = bool(name) and (
        aws_accelerated_name(name or "") or not known_without_accelerators("aws", name or "")
    )
    yield from _unpriced(
        side,
        ctx,
        instance_type=name,
        accelerated=accelerated,
        reason="a dedicated host is billed per host-hour, which aicost's tables do not have",
    )


def appstream(side: Side, ctx: MapContext) -> Result:
    instance_type = _type(side, "instance_type")
    count = side.integer("compute_capacity", 0, "desired_instances") or 1
    yield from _unpriced(
        side,
        ctx,
        instance_type=instance_type,
        accelerated=bool(instance_type) and ".graphics" in (instance_type or ""),
        reason="AppStream graphics instances are billed per streaming hour (no table)",
        nodes=count,
        service="appstream",
    )


def _ec2_family(side: Side, ctx: MapContext, *path: str | int, reason: str) -> Result:
    instance_type = _type(side, *path)
    accelerated = bool(instance_type) and (
        aws_accelerated_name(instance_type or "")
        or not known_without_accelerators("aws", instance_type or "")
    )
    yield from _unpriced(
        side,
        ctx,
        instance_type=instance_type,
        accelerated=accelerated,
        reason=reason,
        unknown_attribute=".".join(str(p) for p in path if isinstance(p, str)),
    )


def gamelift_fleet(side: Side, ctx: MapContext) -> Result:
    yield from _ec2_family(
        side, ctx, "ec2_instance_type", reason="GameLift bills fleet instances its own way"
    )


def gamelift_server_group(side: Side, ctx: MapContext) -> Result:
    yield from _ec2_family(
        side,
        ctx,
        "instance_definition",
        0,
        "instance_type",
        reason="GameLift FleetIQ game server groups are not in aicost's tables",
    )


def imagebuilder(side: Side, ctx: MapContext) -> Result:
    types = side.get("instance_types")
    first = types[0] if isinstance(types, list) and types else None
    accelerated = isinstance(first, str) and (
        aws_accelerated_name(first) or not known_without_accelerators("aws", first)
    )
    if first is None and not side.unknown("instance_types"):
        return  # Image Builder picks a default general-purpose type
    yield from _unpriced(
        side,
        ctx,
        instance_type=str(first) if first is not None else None,
        accelerated=bool(accelerated),
        reason="Image Builder runs build instances only while a pipeline builds",
        kind=WorkloadClass.BATCH,
        unknown_attribute="instance_types",
    )


def drs_template(side: Side, ctx: MapContext) -> Result:
    yield from _ec2_family(
        side,
        ctx,
        "replication_server_instance_type",
        reason="DRS replication servers are not in aicost's tables",
    )


def sagemaker_job_definition(side: Side, ctx: MapContext) -> Result:
    path = ("job_resources", 0, "cluster_config", 0, "instance_type")
    instance_type = _type(side, *path)
    count = side.integer("job_resources", 0, "cluster_config", 0, "instance_count") or 1
    accelerated = bool(instance_type) and (
        aws_accelerated_name(instance_type or "")
        or not known_without_accelerators("aws", instance_type or "")
    )
    yield from _unpriced(
        side,
        ctx,
        instance_type=instance_type,
        accelerated=accelerated,
        reason="a monitoring job runs on its schedule; its hours are not in the plan",
        nodes=count,
        kind=WorkloadClass.BATCH,
        unknown_attribute="job_resources.cluster_config.instance_type",
    )


def codebuild_fleet(side: Side, ctx: MapContext) -> Result:
    environment = side.text("environment_type") or ""
    if "GPU" not in environment.upper() and not side.unknown("environment_type"):
        return  # CPU build hosts
    compute = side.text("compute_type") or environment or None
    count = side.integer("base_capacity") or 1
    tags, sensitive_tags = side.tags("tags_all", "tags")
    yield (
        None,
        _deployment(
            side,
            ctx,
            service="codebuild",
            instance_type=None,
            type_sensitive=False,
            capacity=(Capacity(PurchaseOption.ON_DEMAND, count),),
            purchase_reason="a reserved CodeBuild fleet",
            tags=tags,
            sensitive_tags=sensitive_tags,
            kind=WorkloadClass.BATCH,
            kind_reason="resource kind: a CodeBuild fleet",
            unknown=("price",),
            notes=(
                f"price: a CodeBuild GPU fleet ({compute}) is billed per build minute, "
                "which aicost's tables do not have",
            ),
        ),
    )


HANDLERS: dict[str, Handler] = {
    "aws_cloud9_environment_ec2": instance,
    "aws_opsworks_instance": instance,
    "aws_ec2_host": dedicated_host,
    "aws_appstream_fleet": appstream,
    "aws_appstream_image_builder": appstream,
    "aws_gamelift_fleet": gamelift_fleet,
    "aws_gamelift_game_server_group": gamelift_server_group,
    "aws_imagebuilder_infrastructure_configuration": imagebuilder,
    "aws_drs_replication_configuration_template": drs_template,
    "aws_sagemaker_data_quality_job_definition": sagemaker_job_definition,
    "aws_codebuild_fleet": codebuild_fleet,
}
