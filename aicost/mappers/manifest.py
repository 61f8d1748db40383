"""ML manifests as AI workloads: from pods (or tasks, or jobs) to machines and money.

A manifest names accelerators, not always machines. Each group of a manifest object
(:class:`aicost.sources.manifest.Group`) becomes a :class:`~aicost.core.model.Deployment` whose
units are the group's pods or machines. The machine is found, in order, from:

1. an instance type the manifest names (``node.kubernetes.io/instance-type``, SkyPilot
   ``instance_type``, SageMaker ``InstanceType``, Azure ML ``instance_type``);
2. the cluster profile's node type for the group's node pool or accelerator;
3. the smallest machine on the cloud that carries the accelerator and fits the pod
   (:data:`aicost.core.hardware.NODES`), or for "any GPU with >= N GB" the cheapest
   such accelerator.

A pod that uses some of a machine's accelerators is priced as that share of the machine
(``node_share``): the accelerator-hour is the machine's price over its accelerators. Every
assumption (cloud, region, machine, share, capacity type) is recorded in the workload's
notes, and a group whose accelerator type cannot be told is unpriced with the reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from aicost.core import hardware as acc
from aicost.core.clusters import ClusterProfile, choose
from aicost.core.model import (
    Accelerator,
    Capacity,
    Deployment,
    PurchaseOption,
    ResourceChange,
    WorkloadClass,
)
from aicost.mappers.base import Handler, MapContext, Side, classify, purchase_from_tags
from aicost.sources.manifest import Group, Spec

#: Notes of objects read by the generic reader start with this.
GENERIC_PREFIX = "read generically"

Result = Iterator[tuple[str | None, Deployment]]

_CLOUD_OF_ACCELERATOR = {
    "Inferentia": "aws",
    "Inferentia2": "aws",
    "Trainium": "aws",
    "Trainium2": "aws",
    "A10G": "aws",
    "T4G": "aws",
    "L40S": "aws",
    "A10": "azure",
    "MI300X": "azure",
}


def workload(side: Side, ctx: MapContext) -> Result:
    spec = side.values.get("spec")
    if not isinstance(spec, Spec):
        return
    emitted = False
    for group in spec.groups:
        if (
            group.accel_count <= 0
            and not group.instance_types
            and not group.node_pool
            and not group.accel_unknown
        ):
            continue  # a CPU-only pod (a Ray head, an MPI launcher): not an AI workload
        deployment = _deployment(spec, group, ctx)
        if deployment.ai is False and len(spec.groups) > 1:
            continue
        emitted = True
        yield (group.name if len(spec.groups) > 1 else None), deployment
    if not emitted:
        yield None, _cpu_only(spec)


def _cpu_only(spec: Spec) -> Deployment:
    return Deployment(
        cloud=spec.cloud or "unknown",
        service="kubernetes",
        region=spec.region,
        instance_type=None,
        accelerator=None,
        capacity=(),
        workload_class=spec.kind_class or spec.default_class,
        class_reason=spec.kind_reason,
        tags=dict(spec.labels),
        ai=False,
        notes=("requests no accelerators",),
    )


def _classify(
    spec: Spec, group: Group, tags: dict[str, str], ctx: MapContext
) -> tuple[WorkloadClass, str]:
    found, reason = classify(tags, {}, ctx.settings)
    if found is not WorkloadClass.UNKNOWN:
        return found, reason
    if spec.kind_class is not None:
        return spec.kind_class, spec.kind_reason
    if ctx.settings.name_heuristics:
        found, reason = classify({}, {}, ctx.settings, name=spec.name)
        if found is not WorkloadClass.UNKNOWN:
            return found, reason
        if spec.hint_class is not None:
            return spec.hint_class, spec.hint_reason
    if spec.default_class is not WorkloadClass.UNKNOWN:
        return spec.default_class, spec.kind_reason
    return WorkloadClass.UNKNOWN, spec.kind_reason or "the manifest does not say what it is for"


def _cloud(
    spec: Spec, group: Group, ctx: MapContext, notes: list[str]
) -> tuple[str, str, ClusterProfile | None, str]:
    """(cloud, why, cluster profile, why that profile): named, else implied by the
    accelerator, else the profile's, else AWS (noted)."""
    cloud = group.cloud or spec.cloud
    cloud_reason = group.cloud_reason or spec.cloud_reason
    if cloud is None and group.accel_name:
        if group.accel_name.startswith("TPU"):
            cloud, cloud_reason = "gcp", "TPUs run on Google Cloud"
        elif group.accel_name in _CLOUD_OF_ACCELERATOR:
            cloud = _CLOUD_OF_ACCELERATOR[group.accel_name]
            cloud_reason = f"{group.accel_name} is offered on {cloud}"
    profile, profile_reason = choose(ctx.settings.clusters, spec.cluster, cloud)
    if profile_reason and profile is None:
        notes.append(profile_reason)
    if cloud is None:
        if profile is not None:
            cloud, cloud_reason = profile.cloud, profile_reason
        else:
            cloud = "aws"
            notes.append(
                "cloud not named in the manifest: assumed AWS (set a cluster profile in the "
                "policy to say where it runs)"
            )
    return cloud, cloud_reason, profile, profile_reason


def _region(
    spec: Spec, group: Group, cloud: str, profile: ClusterProfile | None, notes: list[str]
) -> str | None:
    """The region named, else the profile's (same cloud), else the cloud's default (noted)."""
    region = group.region or spec.region
    if region is None and profile is not None and profile.cloud == cloud:
        region = profile.region
    if region is None:
        region = acc.DEFAULT_REGIONS.get(cloud)
        notes.append(f"region not named in the manifest: priced in {region} (the default)")
    return region


def _explain(
    notes: list[str],
    spec: Spec,
    group: Group,
    instance_type: str | None,
    reason: str,
    accelerator: Accelerator | None,
    cloud: tuple[str, str],
) -> None:
    """The deployment's notes: the machine choice first; only that (and how a generic
    object was read) when it is unpriced."""
    if instance_type is None:
        # Unpriced: the reason is the whole story (the pricer shows the notes as the reason),
        # with how the object was read when that was generic.
        notes[:] = [reason, *(n for n in spec.notes if n.startswith(GENERIC_PREFIX))]
    elif reason:
        notes.insert(0, reason)
    if group.count_reason and group.accel_count:
        kind = accelerator.kind if accelerator else "gpu"
        notes.append(f"{group.accel_count:g} {kind} per unit from {group.count_reason}")
    if instance_type is not None:
        if cloud[1] and not any("cloud" in n for n in notes):
            notes.append(f"cloud {cloud[0]}: {cloud[1]}")
        notes.extend(group.notes)
        notes.extend(spec.notes)
        if spec.run_hours is not None:
            notes.append(f"a run takes at most {_hours(spec.run_hours)} h ({spec.run_reason})")


def _deployment(spec: Spec, group: Group, ctx: MapContext) -> Deployment:
    tags = {**spec.labels, **group.labels}
    (
        (cloud, cloud_reason, profile, profile_reason),
        service,
        region,
        (instance_type, _, reason),
        (accelerator, share, ai),
        found_notes,
    ) = _hardware(spec, group, ctx)
    notes = list(found_notes)
    capacity, purchase_reason = _purchase(group, tags, profile, profile_reason, ctx)
    workload_class, class_reason = _classify(spec, group, tags, ctx)
    _explain(notes, spec, group, instance_type, reason, accelerator, (cloud, cloud_reason))
    return Deployment(
        cloud=cloud,
        service=service,
        region=region,
        instance_type=instance_type,
        accelerator=accelerator,
        capacity=capacity,
        workload_class=workload_class,
        class_reason=class_reason,
        purchase_reason=purchase_reason,
        tags=tags,
        ai=ai,
        min_nodes=group.min_units,
        max_nodes=group.max_units,
        notes=tuple(dict.fromkeys(n for n in notes if n)),
        run_hours=spec.run_hours,
        run_hours_reason=spec.run_reason if spec.run_hours is not None else "",
        runs_per_month=spec.runs_per_month,
        retries=spec.retries,
        retries_reason=spec.retries_reason,
        node_share=share,
    )


_Cloud = tuple[str, str, ClusterProfile | None, str]
_Hardware = tuple[
    _Cloud,
    str,
    str | None,
    "_Machine",
    tuple[Accelerator | None, Decimal | None, bool | None],
    tuple[str, ...],
]


#: The first item of this module's keys in :attr:`MapContext.memo`.
_HARDWARE = "manifest-hardware"


def _hardware(spec: Spec, group: Group, ctx: MapContext) -> _Hardware:
    """Where *group* runs and on what: its cloud, service, region, machine and accelerators,
    and the notes saying how they were chosen. Worked out once per run for each group
    object and placement (readers share one frozen group among the objects of one spec:
    a directory of Jobs made from one template); it reads nothing else of *spec*."""
    key = (
        _HARDWARE,
        id(group),
        spec.cloud,
        spec.cloud_reason,
        spec.region,
        spec.service,
        spec.cluster,
    )
    found = ctx.memo.get(key)
    if found is not None and found[0] is group:  # the group itself is kept: its id is its own
        hardware: _Hardware = found[1]
        return hardware
    notes: list[str] = []
    cloud = _cloud(spec, group, ctx, notes)
    service = spec.service or acc.SERVICES.get(cloud[0], "compute")
    region = _region(spec, group, cloud[0], cloud[2], notes)
    machine = _machine(spec, group, cloud[0], service, cloud[2], ctx, notes)
    instance_type, node, _ = machine
    node_name = _node_name(ctx, cloud[0], service, instance_type) if instance_type else None
    accelerators = _accelerator(group, instance_type, node, node_name, notes, cloud[0])
    hardware = (cloud, service, region, machine, accelerators, tuple(notes))
    ctx.memo[key] = (group, hardware)
    return hardware


def _hours(value: Decimal) -> str:
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:.2f}"


def _describe(ctx: MapContext, cloud: str, service: str, instance_type: str) -> acc.Node | None:
    """Accelerators of a machine type: from the price tables, else from the built-in list."""
    spec = ctx.catalog.describe(cloud, service, instance_type)
    if spec is not None:
        if spec.accelerator is None:
            return acc.Node(instance_type, 0)
        return acc.Node(instance_type, spec.accelerator.count, spec.accelerator.memory_gib)
    found = acc.find_node(cloud, instance_type.removeprefix("ml."))
    return found[1] if found else None


def _node_name(ctx: MapContext, cloud: str, service: str, instance_type: str) -> str | None:
    spec = ctx.catalog.describe(cloud, service, instance_type)
    if spec is not None and spec.accelerator is not None:
        return acc.canonical(spec.accelerator.name)
    found = acc.find_node(cloud, instance_type.removeprefix("ml."))
    return found[0] if found else None


_Machine = tuple[str | None, acc.Node | None, str]


def _machine(
    spec: Spec,
    group: Group,
    cloud: str,
    service: str,
    profile: ClusterProfile | None,
    ctx: MapContext,
    notes: list[str],
) -> _Machine:
    """The machine a group runs on, its accelerators, and how it was chosen: named by the
    manifest or a cluster profile, else the smallest machine that carries the accelerator,
    else the cheapest GPU with the memory asked for; else why it cannot be told."""
    usable = profile if profile is not None and profile.cloud == cloud else None
    return (
        _named_machine(group, cloud, service, usable, ctx, notes)
        or _smallest_machine(group, cloud, service, ctx)
        or _cheapest_machine(group, cloud, service, ctx)
        or (None, None, _why_no_machine(group))
    )


def _named_machine(
    group: Group,
    cloud: str,
    service: str,
    profile: ClusterProfile | None,
    ctx: MapContext,
    notes: list[str],
) -> _Machine | None:
    """The instance type the manifest names, or the node type a cluster profile gives."""
    if group.instance_types:
        chosen = group.instance_types[0]
        if len(group.instance_types) > 1:
            notes.append(f"priced as {chosen}, the first of {', '.join(group.instance_types)}")
        return (
            chosen,
            _describe(ctx, cloud, service, chosen),
            f"instance type {chosen} named in the manifest",
        )
    if profile is not None and group.node_pool and group.node_pool in profile.node_pools:
        chosen = profile.node_pools[group.node_pool]
        return (
            chosen,
            _describe(ctx, cloud, service, chosen),
            f"node pool {group.node_pool} is {chosen} in cluster profile {profile.name}",
        )
    if profile is not None:
        for selector in group.selectors:
            labelled = profile.node_labels.get(selector) or profile.node_labels.get(
                selector.split("=", 1)[0]
            )
            if labelled:
                return (
                    labelled,
                    _describe(ctx, cloud, service, labelled),
                    f"node label {selector} is {labelled} in cluster profile {profile.name}",
                )
    if profile is not None and (group.accel_name or group.accel_count):
        chosen_type = profile.node_for(group.accel_name)
        if chosen_type:
            what = group.accel_name or "GPUs of an unnamed type"
            return (
                chosen_type,
                _describe(ctx, cloud, service, chosen_type),
                f"cluster profile {profile.name} runs {what} on {chosen_type}",
            )
    return None


def _smallest_machine(group: Group, cloud: str, service: str, ctx: MapContext) -> _Machine | None:
    """The smallest machine on *cloud* that carries the named accelerator and fits."""
    if not group.accel_name:
        return None
    count = group.accel_count or 1
    candidates = acc.nodes_for(cloud, group.accel_name)
    if not candidates:
        where = f"no {cloud} machine type carries {group.accel_name} in aicost's list"
        if cloud == "gcp" and group.accel_name in ("T4", "V100", "P100", "P4"):
            where = f"GKE attaches {group.accel_name} GPUs to N1 machine types"
        return (
            None,
            None,
            (
                f"{where}: name the node type for {group.accel_name} in a cluster profile "
                "(settings.clusters[].nodes)"
            ),
        )
    node = _fit(candidates, count, exact=group.whole_node)
    how = "with exactly" if group.whole_node and node.count == count else "that fits"
    return (
        node.instance_type,
        _describe(ctx, cloud, service, node.instance_type) or node,
        f"{node.instance_type}: the smallest {cloud} machine {how} {count:g}× "
        f"{group.accel_name} (no instance type or cluster profile names the node type)",
    )


def _cheapest_machine(group: Group, cloud: str, service: str, ctx: MapContext) -> _Machine | None:
    """For "any GPU" or "a GPU with at least N GB": the cheapest such GPU's machine."""
    if group.accel_memory_gib is None and not group.any_accelerator:
        return None
    count = group.accel_count or 1
    memory = group.accel_memory_gib or 0
    for name in acc.CHEAPEST_FIRST:
        fitting = [n for n in acc.nodes_for(cloud, name) if (n.memory_gib or 0) >= memory]
        if fitting:
            node = _fit(fitting, count, exact=group.whole_node)
            what = f"a GPU with at least {memory:g} GB" if memory else "any GPU"
            return (
                node.instance_type,
                _describe(ctx, cloud, service, node.instance_type) or node,
                f"the manifest asks for {what}: priced as {node.instance_type} "
                f"({name}, the cheapest such GPU on {cloud}; an assumption)",
            )
    return None


def _why_no_machine(group: Group) -> str:
    if group.accel_unknown:
        return (
            "the manifest states no accelerators for its machines (they come from elsewhere, "
            "e.g. the fleet it runs on): priced once that says which"
        )
    if group.node_pool:
        return (
            f"node pool or compute {group.node_pool!r}: its machine type is not in the "
            "manifest; map it in a cluster profile (settings.clusters[].node_pools)"
        )
    what = group.device or "accelerator"
    return (
        f"{what}: type not named in the manifest (no instance type, accelerator node "
        "selector or GPU product label): add one, or set a cluster profile node type "
        '(settings.clusters[].nodes, "*" for any GPU, or node_labels for your own '
        "node labels)"
    )


def _fit(
    candidates: tuple[acc.Node, ...] | list[acc.Node], count: float, *, exact: bool
) -> acc.Node:
    if exact:
        for node in candidates:
            if node.count == count:
                return node
    for node in candidates:
        if node.count >= count:
            return node
    return candidates[-1]


def _accelerator(
    group: Group,
    instance_type: str | None,
    node: acc.Node | None,
    node_name: str | None,
    notes: list[str],
    cloud: str,
) -> tuple[Accelerator | None, Decimal | None, bool | None]:
    """The accelerators of one unit, the unit's share of its machine, and whether it is AI."""
    if group.accel_count > 0:
        return _requested(group, instance_type, node, node_name, notes)
    if node is None:
        if instance_type is not None and not acc.accelerated_shape(cloud, instance_type):
            return None, None, False
        if group.accel_unknown and instance_type is None:
            # Machines whose accelerators come from elsewhere (a dstack run on a fleet):
            # an AI workload that cannot be priced, never "not AI".
            return None, None, True
        return None, None, None
    if node.count:
        name = node_name or "accelerator"
        return (
            Accelerator(
                name=name,
                count=node.count,
                kind=acc.kind_of(name),
                vendor=acc.vendor_of(name),
                memory_gib=int(node.memory_gib) if node.memory_gib else None,
            ),
            None,
            True,
        )
    return None, None, False


def _requested(
    group: Group,
    instance_type: str | None,
    node: acc.Node | None,
    node_name: str | None,
    notes: list[str],
) -> tuple[Accelerator | None, Decimal | None, bool | None]:
    """A unit that requests accelerators: them, and its share of the node's."""
    name = group.accel_name or node_name or group.device or "GPU (type not named)"
    kind = (
        acc.kind_of(group.accel_name or node_name)
        if (group.accel_name or node_name)
        else group.accel_kind
    )
    accelerator = Accelerator(
        name=name,
        count=group.accel_count,
        kind=kind,
        vendor=acc.vendor_of(group.accel_name or node_name),
        memory_gib=int(node.memory_gib) if node and node.memory_gib else None,
    )
    share: Decimal | None = None
    if node is not None and node.count and not group.whole_node:
        ratio = Decimal(str(group.accel_count)) / Decimal(str(node.count))
        if ratio != 1:
            share = ratio
            notes.append(
                f"each unit uses {group.accel_count:g} of the {node.count:g} accelerators of "
                f"a {instance_type}: priced as {_fraction(ratio)} of one (the node price "
                "over its accelerators)"
            )
    return accelerator, share, True


def _fraction(ratio: Decimal) -> str:
    text = f"{ratio.normalize():f}"
    for denominator in (2, 4, 8, 16, 3, 6, 12):
        numerator = ratio * denominator
        if numerator == numerator.to_integral():
            return f"{int(numerator)}/{denominator}"
    return text


def _purchase(
    group: Group,
    tags: dict[str, str],
    profile: ClusterProfile | None,
    profile_reason: str,
    ctx: MapContext,
) -> tuple[tuple[Capacity, ...], str]:
    units = group.units
    if group.spot is True:
        return (Capacity(PurchaseOption.SPOT, units),), group.spot_reason
    tagged = purchase_from_tags(tags, ctx.settings)
    if group.spot is False:
        if tagged is not None and tagged[0] is not PurchaseOption.SPOT:
            return (Capacity(tagged[0], units, tagged[1], tagged[3]),), tagged[2]
        return (Capacity(PurchaseOption.ON_DEMAND, units),), group.spot_reason
    if tagged is not None:
        return (Capacity(tagged[0], units, tagged[1], tagged[3]),), tagged[2]
    if profile is not None:
        return (
            (Capacity(profile.purchase, units, 1 if profile.purchase in _TERMED else None),),
            f"{profile_reason} buys nodes {profile.purchase.value}",
        )
    return (
        (Capacity(PurchaseOption.ON_DEMAND, units),),
        "the manifest selects no spot capacity: on-demand assumed",
    )


_TERMED = frozenset(
    {PurchaseOption.RESERVED, PurchaseOption.SAVINGS_PLAN, PurchaseOption.COMMITTED}
)


HANDLERS: dict[str, Handler] = {}


def default_handler(change: ResourceChange) -> Handler | None:
    """Every object a manifest reader understood carries its :class:`Spec`, whatever its
    type: one handler maps them all, so a new manifest reader needs no list of its resource
    types here. Objects no reader understood (no Spec) are left to count as other resources."""
    after = change.after if isinstance(change.after, dict) else {}
    return workload if isinstance(after.get("spec"), Spec) else None
