"""Google Cloud resources as AI workloads.

=============================================  ==========================================
Resource                                         What aicost reads
=============================================  ==========================================
``google_compute_instance``                      ``machine_type`` (a2/a3/a4/g2 come with
                                                 their GPUs), ``guest_accelerator`` (N1),
                                                 ``scheduling`` (``preemptible``,
                                                 ``provisioning_model = "SPOT"``),
                                                 ``reservation_affinity``, ``zone``
``google_compute_instance_group_manager``,       ``target_size`` × the instance template of
``google_compute_region_instance_group_manager`` its first ``version``
``google_container_node_pool``                   ``node_config`` (machine type, guest
                                                 accelerators, ``spot``/``preemptible``),
                                                 ``node_count`` per zone × zones
                                                 (``node_locations``, else the cluster's, else
                                                 1 for a zonal and 3 for a regional pool),
                                                 ``autoscaling``
``google_container_cluster``                     each ``node_pool`` block, or the default pool
                                                 (``initial_node_count`` × ``node_config``)
``google_tpu_v2_vm``, ``google_tpu_node``        chips from ``accelerator_type`` (``v5p-8`` =
                                                 4 chips) or ``accelerator_config`` topology;
                                                 preemptible/spot scheduling
``google_vertex_ai_deployment_resource_pool``    ``dedicated_resources.machine_spec`` ×
                                                 ``min_replica_count``
``google_workbench_instance``,                   ``gce_setup`` machine type and accelerators
``google_notebooks_instance``                    (a notebook)
=============================================  ==========================================

Vertex AI and Workbench add a management fee on top of the Compute Engine price of their
machines; aicost prices the machines and says the fee is not included.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

from aicost.core.errors import InputError
from aicost.core.model import (
    Accelerator,
    Capacity,
    Deployment,
    PurchaseOption,
    WorkloadClass,
)
from aicost.mappers.base import (
    SUPPORTING,
    Handler,
    MapContext,
    Side,
    build_deployment,
    capacity_for,
)
from aicost.mappers.failclosed import set_but_unknown

CLOUD = "gcp"
Result = Iterable[tuple[str | None, Deployment]]

#: Accelerator types that can be attached to a VM: display name and memory (GiB).
GPU_TYPES: dict[str, tuple[str, int]] = {
    "nvidia-tesla-k80": ("K80", 12),
    "nvidia-tesla-p4": ("P4", 8),
    "nvidia-tesla-p100": ("P100", 16),
    "nvidia-tesla-v100": ("V100", 16),
    "nvidia-tesla-t4": ("T4", 16),
    "nvidia-l4": ("L4", 24),
    "nvidia-tesla-a100": ("A100", 40),
    "nvidia-a100-80gb": ("A100-80GB", 80),
    "nvidia-h100-80gb": ("H100", 80),
    "nvidia-h100-mega-80gb": ("H100", 80),
    "nvidia-h200-141gb": ("H200", 141),
    "nvidia-b200": ("B200", 180),
    "nvidia-gb200": ("GB200", 186),
}
#: Vertex AI / Workbench accelerator enums -> Compute Engine accelerator types.
VERTEX_ACCELERATORS: dict[str, str] = {
    "NVIDIA_TESLA_K80": "nvidia-tesla-k80",
    "NVIDIA_TESLA_P4": "nvidia-tesla-p4",
    "NVIDIA_TESLA_P100": "nvidia-tesla-p100",
    "NVIDIA_TESLA_V100": "nvidia-tesla-v100",
    "NVIDIA_TESLA_T4": "nvidia-tesla-t4",
    "NVIDIA_L4": "nvidia-l4",
    "NVIDIA_TESLA_A100": "nvidia-tesla-a100",
    "NVIDIA_A100_80GB": "nvidia-a100-80gb",
    "NVIDIA_H100_80GB": "nvidia-h100-80gb",
    "NVIDIA_H100_MEGA_80GB": "nvidia-h100-mega-80gb",
    "NVIDIA_H200_141GB": "nvidia-h200-141gb",
    "NVIDIA_B200": "nvidia-b200",
    "NVIDIA_GB200": "nvidia-gb200",
}
#: Machine families that carry accelerators (including ones newer than the price table).
_ACCELERATED = re.compile(r"^(a\d+[a-z]*|g\d+|ct\d+[a-z]*|tpu)-")
_ZONE = re.compile(r"^([a-z]+-[a-z]+\d+)-[a-z]$")
#: TPU generations whose accelerator-type suffix counts TensorCores (2 per chip).
_TPU_CORES_PER_CHIP = {"v2": 2, "v3": 2, "v4": 2, "v5p": 2}
_TPU_CONFIG_TYPES = {
    "V2": "v2",
    "V3": "v3",
    "V4": "v4",
    "V5P": "v5p",
    "V5LITE_POD": "v5litepod",
    "V6E": "v6e",
}


# --------------------------------------------------------------------------- helpers


def region_of(side: Side, *keys: str) -> str | None:
    """The region from ``region``, a zone (``us-central1-a``), ``location``, or the provider."""
    for key in (*keys, "region", "zone", "location"):
        value = side.text(key)
        if value and not side.unknown(key):
            zone = _ZONE.match(value)
            return zone.group(1) if zone else value
    return side.change.region


def zone_to_region(value: str) -> str:
    zone = _ZONE.match(value)
    return zone.group(1) if zone else value


def labels(side: Side, *keys: str) -> tuple[dict[str, str], frozenset[str]]:
    """Effective labels (provider ``default_labels`` included) and their sensitive keys."""
    tags, sensitive = side.tags(*(keys or ("effective_labels", "labels")))
    for key, value in side.change.default_tags.items():
        tags.setdefault(key, value)
    tags.pop("goog-terraform-provisioned", None)
    return tags, sensitive


def gpu(accelerator_type: str, count: float) -> Accelerator:
    name, memory = GPU_TYPES.get(accelerator_type, (accelerator_type, None))
    return Accelerator(name=name, count=count, kind="gpu", vendor="nvidia", memory_gib=memory)


def _guest(blocks: Any) -> Accelerator | None:
    """The first guest accelerator block with a count, as an Accelerator."""
    if not isinstance(blocks, list):
        return None
    for block in blocks:
        if isinstance(block, dict) and block.get("type") and _number(block.get("count")):
            return gpu(str(block["type"]), _number(block.get("count")))
    return None


def _guest_unknown(blocks: Any, field: str = "guest_accelerator") -> tuple[str, ...]:
    """*field* when one of its blocks asks for accelerators whose type or count is known only
    after apply (a variable without a value): there are accelerators, of a kind not known."""
    if not isinstance(blocks, list):
        return ()
    for block in blocks:
        if not isinstance(block, dict):
            continue
        count = block.get("count", block.get("core_count"))
        if (not block.get("type") and count != 0) or (block.get("type") and count is None):
            return (field,)
    return ()


def _number(value: Any) -> float:
    if value is None or isinstance(value, bool):
        return 0
    try:
        return float(str(value))
    except ValueError:
        return 0


def _int(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(float(str(value)))
    except ValueError:
        return None


#: GKE TPU machine types (``ct6e-standard-4t``: 4 chips per node) -> the Cloud TPU
#: accelerator type one node is billed as, in the TPU table's naming (chips, or TensorCores
#: for v4/v5p where the suffix counts 2 cores per chip).
_TPU_MACHINE = re.compile(r"^(ct4p|ct5lp|ct5p|ct6e|tpu7x)-[a-z]+-(\d+)t$")
_TPU_GENERATION = {
    "ct4p": ("v4", 2),
    "ct5lp": ("v5litepod", 1),
    "ct5p": ("v5p", 2),
    "ct6e": ("v6e", 1),
    "tpu7x": ("tpu7x", 2),
}


def tpu_node_type(machine_type: str) -> str | None:
    """``ct6e-standard-4t`` -> ``v6e-4``; ``ct5p-hightpu-4t`` -> ``v5p-8``; else None."""
    found = _TPU_MACHINE.match(machine_type)
    if found is None:
        return None
    generation, cores = _TPU_GENERATION[found.group(1)]
    return f"{generation}-{int(found.group(2)) * cores}"


def hardware(
    ctx: MapContext,
    machine_type: str | None,
    guest: Accelerator | None,
    notes: list[str],
    *,
    unknown: bool = False,
) -> tuple[Accelerator | None, bool | None]:
    """The node's accelerator (machine type first, so GPUs are never counted twice)."""
    if machine_type is None:
        return guest, (True if guest else (None if unknown else False))
    spec = ctx.catalog.describe(CLOUD, "compute", machine_type)
    builtin = spec.accelerator if spec is not None else None
    if builtin is not None:
        if guest is not None and (guest.name, guest.count) != (builtin.name, builtin.count):
            notes.append(
                f"guest_accelerator {guest.count:g}× {guest.name} ignored: {machine_type} comes "
                f"with {builtin.count:g}× {builtin.name}"
            )
        return builtin, True
    if guest is not None:
        return guest, True
    if _ACCELERATED.match(machine_type):
        return None, True
    return None, False


def deployment(
    side: Side,
    ctx: MapContext,
    *,
    service: str,
    instance_type: str | None,
    accelerator: Accelerator | None,
    ai: bool | None,
    capacity: tuple[Capacity, ...],
    purchase_reason: str,
    tags: Mapping[str, str],
    sensitive: frozenset[str] = frozenset(),
    labels_: Mapping[str, str] | None = None,
    region: str | None = None,
    kind: WorkloadClass | None = None,
    kind_reason: str = "",
    unknown: tuple[str, ...] = (),
    notes: Iterable[str] = (),
    min_nodes: int | None = None,
    max_nodes: int | None = None,
    name: str | None = None,
) -> Deployment:
    return build_deployment(
        side,
        ctx,
        cloud=CLOUD,
        service=service,
        region=region if region is not None else region_of(side),
        instance_type=instance_type,
        accelerator=accelerator,
        ai=ai,
        capacity=capacity,
        purchase_reason=purchase_reason,
        tags=tags,
        sensitive=sensitive,
        labels=labels_,
        kind=kind,
        kind_reason=kind_reason,
        name=name,
        unknown=unknown,
        notes=tuple(dict.fromkeys(notes)),
        min_nodes=min_nodes,
        max_nodes=max_nodes,
    )


def _scheduling_purchase(
    scheduling: Any, tags: Mapping[str, str], ctx: MapContext, nodes: int, *, where: str
) -> tuple[tuple[Capacity, ...], str]:
    block = scheduling[0] if isinstance(scheduling, list) and scheduling else scheduling
    block = block if isinstance(block, dict) else {}
    model = str(block.get("provisioning_model") or "").upper()
    explicit: tuple[PurchaseOption, str] | None = None
    if model == "SPOT" or block.get("spot") is True:
        explicit = PurchaseOption.SPOT, f'{where}.provisioning_model = "SPOT"'
    elif block.get("preemptible") is True:
        explicit = PurchaseOption.SPOT, f"{where}.preemptible = true (billed at spot prices)"
    elif model == "FLEX_START":
        explicit = (
            PurchaseOption.CAPACITY_BLOCK,
            f'{where}.provisioning_model = "FLEX_START" (Dynamic Workload Scheduler)',
        )
    return capacity_for(nodes, tags, ctx.settings, explicit=explicit, label="label")


def _reservation(affinity: Any) -> bool:
    block = affinity[0] if isinstance(affinity, list) and affinity else affinity
    if not isinstance(block, dict):
        return False
    kind = str(block.get("type") or block.get("consume_reservation_type") or "")
    return kind.upper() == "SPECIFIC_RESERVATION"


# --------------------------------------------------------------------------- Compute Engine


def _vm(
    side: Side,
    ctx: MapContext,
    *,
    config: Side,
    nodes: int,
    notes: list[str],
    min_nodes: int | None = None,
    max_nodes: int | None = None,
    region: str | None = None,
    count_unknown: tuple[str, ...] = (),
) -> Deployment:
    """One instance shape (an instance, or a template used by a group) × nodes."""
    machine_type = config.text("machine_type")
    unknown_type = machine_type is None and config.unknown("machine_type")
    if config.unknown("machine_type"):
        machine_type = None
    guest = _guest(config.get("guest_accelerator"))
    accelerator, ai = hardware(ctx, machine_type, guest, notes, unknown=unknown_type)
    guest_unknown = () if accelerator else _guest_unknown(config.get("guest_accelerator"))
    if guest_unknown:
        ai = True
    tags, sensitive = labels(side)
    if config is not side:
        template_tags, _ = labels(config)
        for key, value in template_tags.items():
            tags.setdefault(key, value)
    capacity, reason = _scheduling_purchase(
        config.get("scheduling"), tags, ctx, nodes, where="scheduling"
    )
    if capacity[0].purchase is PurchaseOption.ON_DEMAND and _reservation(
        config.get("reservation_affinity")
    ):
        capacity = (Capacity(PurchaseOption.CAPACITY_RESERVATION, nodes),)
        reason = "reservation_affinity consumes a specific reservation"
    return deployment(
        side,
        ctx,
        service="compute",
        instance_type=machine_type,
        accelerator=accelerator,
        ai=ai,
        capacity=capacity,
        purchase_reason=reason,
        tags=tags,
        sensitive=sensitive
        | (frozenset({"instance_type"}) if config.sensitive("machine_type") else frozenset()),
        region=region,
        unknown=(
            *(("machine_type",) if machine_type is None else ()),
            *guest_unknown,
            *count_unknown,
        ),
        notes=notes,
        min_nodes=min_nodes,
        max_nodes=max_nodes,
    )


def instance(side: Side, ctx: MapContext) -> Result:
    """``google_compute_instance``."""
    yield None, _vm(side, ctx, config=side, nodes=1, notes=[])


def _template(side: Side, ctx: MapContext) -> Side | None:
    for path in (("version", 0, "instance_template"), ("instance_template",)):
        value = side.get(*path)
        if isinstance(value, str) and value and not side.unknown(*path):
            for attribute in ("self_link", "id", "self_link_unique", "name"):
                for rtype in (
                    "google_compute_instance_template",
                    "google_compute_region_instance_template",
                ):
                    found = ctx.inventory.find(rtype, attribute, value, planned=side.planned)
                    if found is not None:
                        return side.of(found)
        for rtype in (
            "google_compute_instance_template",
            "google_compute_region_instance_template",
        ):
            ref = ctx.inventory.resolve(side.change, list(path), rtype)
            if ref is not None:
                return side.of(ref)
    return None


def instance_group_manager(side: Side, ctx: MapContext) -> Result:
    """``google_compute_(region_)instance_group_manager``: target_size × the template."""
    notes: list[str] = []
    size = side.integer("target_size")
    # Set from a value known only after apply: how many instances run is not known.
    count_unknown = (
        ("target_size",)
        if side.unknown("target_size")
        and set_but_unknown(ctx.inventory, side.change, "target_size")
        else ()
    )
    if size is None and count_unknown:
        size = 0
    elif size is None:
        size = 0
        notes.append(
            "target_size is not set (an autoscaler manages it, or it is known only after "
            "apply): priced at 0 instances"
        )
    versions = side.get("version")
    if isinstance(versions, list) and len(versions) > 1:
        notes.append(f"priced with the template of the first of {len(versions)} versions")
    template = _template(side, ctx)
    if template is None:
        tags, sensitive = labels(side)
        yield (
            None,
            deployment(
                side,
                ctx,
                service="compute",
                instance_type=None,
                accelerator=None,
                ai=None,
                capacity=(Capacity(PurchaseOption.ON_DEMAND, size),),
                purchase_reason="default: on-demand",
                tags=tags,
                sensitive=sensitive,
                unknown=("instance_template", *count_unknown),
                notes=[*notes, "the instance template it uses is not in this plan"],
            ),
        )
        return
    region = region_of(side) if side.text("zone") or side.text("region") else None
    yield (
        None,
        _vm(
            side,
            ctx,
            config=template,
            nodes=size,
            notes=notes,
            region=region,
            count_unknown=count_unknown,
        ),
    )


# --------------------------------------------------------------------------- GKE


def _cluster(side: Side, ctx: MapContext) -> Side | None:
    value = side.get("cluster")
    if isinstance(value, str) and value and not side.unknown("cluster"):
        for attribute in ("id", "name", "self_link"):
            found = ctx.inventory.find(
                "google_container_cluster", attribute, value, planned=side.planned
            )
            if found is not None:
                return side.of(found)
    ref = ctx.inventory.resolve(side.change, ["cluster"], "google_container_cluster")
    return side.of(ref) if ref is not None else None


def _zones(
    pool: Mapping[str, Any], pool_unknown: bool, cluster: Side | None, location: str | None
) -> tuple[int, str]:
    """How many zones a pool's node_count applies to, and why."""
    own = pool.get("node_locations")
    if isinstance(own, list) and own and not pool_unknown:
        return len(own), f"{len(own)} node_locations"
    if cluster is not None:
        theirs = cluster.get("node_locations")
        if isinstance(theirs, list) and theirs and not cluster.unknown("node_locations"):
            return len(theirs), f"the cluster's {len(theirs)} node_locations"
        location = location or cluster.text("location")
    if location and _ZONE.match(location):
        return 1, "a zonal pool"
    if location:
        return 3, "a regional pool (GKE's default of 3 zones)"
    return 1, "location unknown: 1 zone assumed"


def _pool_machine(
    side: Side, ctx: MapContext, config_path: tuple[str | int, ...], notes: list[str]
) -> tuple[str | None, tuple[str, ...]]:
    """(machine type, unknown fields): GKE's default e2-medium when it is not set."""
    machine_type = side.text(*config_path, "machine_type")
    type_unknown = side.unknown(*config_path, "machine_type")
    unknown: tuple[str, ...] = ()
    if type_unknown and set_but_unknown(ctx.inventory, side.change, *config_path, "machine_type"):
        machine_type = None  # set from a value known only after apply: not the default
        unknown = ("node_config.machine_type",)
    elif machine_type is None or type_unknown:
        machine_type = "e2-medium"
        notes.append("node_config.machine_type not set: GKE defaults to e2-medium")
    return machine_type, unknown


def _pool_hardware(
    side: Side,
    ctx: MapContext,
    config_path: tuple[str | int, ...],
    machine_type: str | None,
    unknown: tuple[str, ...],
    notes: list[str],
) -> tuple[str, str | None, Accelerator | None, bool | None]:
    """(service, type priced, accelerator, AI?): a TPU node is billed as Cloud TPU chips,
    from the TPU table; any other from the machine type and its guest accelerators."""
    guest = _guest(side.get(*config_path, "guest_accelerator"))
    service, priced_type = "compute", machine_type
    ai: bool | None
    tpu_type = tpu_node_type(machine_type) if machine_type is not None else None
    if tpu_type is not None:
        # A GKE TPU node is billed as Cloud TPU chips, from the TPU table.
        service, priced_type = "tpu", tpu_type
        spec = ctx.catalog.describe(CLOUD, "tpu", tpu_type)
        accelerator, ai = (spec.accelerator if spec else None), True
        notes.append(f"{machine_type}: a TPU node, priced as Cloud TPU {tpu_type}")
    else:
        accelerator, ai = hardware(ctx, machine_type, guest, notes, unknown=bool(unknown))
    return service, priced_type, accelerator, ai


def _pool_nodes(
    side: Side,
    pool: Mapping[str, Any],
    prefix: tuple[str | int, ...],
    cluster: Side | None,
    location: str | None,
    default_pool: bool,
    notes: list[str],
) -> tuple[int, int | None, int | None]:
    """(nodes, min, max) across the pool's zones, from its node count or autoscaling."""
    zones, zone_reason = _zones(pool, side.unknown(*prefix, "node_locations"), cluster, location)
    autoscaling = side.get(*prefix, "autoscaling", 0)
    per_zone: int | None
    if default_pool:
        per_zone = side.integer("initial_node_count")
        count_reason = "initial_node_count"
    else:
        per_zone = side.integer(*prefix, "node_count")
        count_reason = "node_count"
        if per_zone is None or side.unknown(*prefix, "node_count"):
            per_zone = side.integer(*prefix, "initial_node_count")
            count_reason = "initial_node_count"
    minimum = maximum = None
    total: int | None = None
    if isinstance(autoscaling, dict) and autoscaling:
        low, high = _int(autoscaling.get("min_node_count")), _int(autoscaling.get("max_node_count"))
        total_low = _int(autoscaling.get("total_min_node_count"))
        total_high = _int(autoscaling.get("total_max_node_count"))
        if total_low is not None or total_high is not None:
            minimum, maximum = total_low, total_high
        else:
            minimum = low * zones if low is not None else None
            maximum = high * zones if high is not None else None
        if per_zone is None:
            if total_low is not None:
                total, count_reason = total_low, "autoscaling total_min_node_count"
            else:
                per_zone, count_reason = low or 0, "autoscaling min_node_count"
    if total is None:
        if per_zone is None:
            per_zone = 1
            notes.append("node_count not set: 1 node per zone assumed")
        total = per_zone * zones
        notes.append(f"{count_reason} {per_zone} per zone × {zones} zones ({zone_reason})")
    return total, minimum, maximum


def _count_unknown(
    side: Side, ctx: MapContext, prefix: tuple[str | int, ...], default_pool: bool
) -> tuple[str, ...]:
    """The node count field set from a value known only after apply (a variable without a
    value, a data source): how many nodes run is then not known, never guessed as one."""
    fields = ("initial_node_count",) if default_pool else ("node_count", "initial_node_count")
    for field in fields:
        path = (field,) if default_pool else (*prefix, field)
        if side.unknown(*path) and set_but_unknown(ctx.inventory, side.change, *path):
            return (".".join(str(step) for step in path),)
    return ()


def _pool_labels(
    side: Side, config_path: tuple[str | int, ...]
) -> tuple[dict[str, str], frozenset[str], dict[str, str]]:
    """(tags with the node resource labels, sensitive, Kubernetes node labels)."""
    # A cluster's own resource_labels reach its nodes (a plan has them in effective_labels).
    tags, sensitive = labels(side, "effective_labels", "labels", "resource_labels")
    resource_labels = side.get(*config_path, "resource_labels")
    if isinstance(resource_labels, dict):
        for key, value in resource_labels.items():
            if value is not None:
                tags.setdefault(str(key), str(value))
    k8s_labels = side.get(*config_path, "labels")
    node_labels = (
        {str(k): str(v) for k, v in k8s_labels.items() if v is not None}
        if isinstance(k8s_labels, dict)
        else {}
    )
    return tags, sensitive, node_labels


def _pool(
    side: Side,
    ctx: MapContext,
    pool: Mapping[str, Any],
    *,
    prefix: tuple[str | int, ...],
    cluster: Side | None,
    location: str | None,
    default_pool: bool = False,
) -> Deployment:
    notes: list[str] = []
    config_path = (*prefix, "node_config", 0)
    machine_type, unknown = _pool_machine(side, ctx, config_path, notes)
    service, priced_type, accelerator, ai = _pool_hardware(
        side, ctx, config_path, machine_type, unknown, notes
    )
    if accelerator is None and _guest_unknown(side.get(*config_path, "guest_accelerator")):
        ai, unknown = True, (*unknown, "node_config.guest_accelerator")
    total, minimum, maximum = _pool_nodes(
        side, pool, prefix, cluster, location, default_pool, notes
    )
    count_unknown = _count_unknown(side, ctx, prefix, default_pool)
    if count_unknown:
        unknown = (*unknown, *count_unknown)
        notes[:] = [n for n in notes if not n.startswith(("node_count not set", "initial_node"))]
    tags, sensitive, node_labels = _pool_labels(side, config_path)
    config = side.get(*config_path) or {}
    capacity, reason = _scheduling_purchase(config, tags, ctx, total, where="node_config")
    if capacity[0].purchase is PurchaseOption.ON_DEMAND and _reservation(
        config.get("reservation_affinity") if isinstance(config, dict) else None
    ):
        capacity = (Capacity(PurchaseOption.CAPACITY_RESERVATION, total),)
        reason = "node_config.reservation_affinity consumes a specific reservation"
    region = zone_to_region(location) if location else None
    name = str(pool.get("name") or side.change.name)
    return deployment(
        side,
        ctx,
        service=service,
        instance_type=priced_type,
        accelerator=accelerator,
        ai=ai,
        capacity=capacity,
        purchase_reason=reason,
        tags=tags,
        sensitive=sensitive,
        labels_=node_labels,
        region=region,
        unknown=unknown,
        notes=notes,
        min_nodes=minimum,
        max_nodes=maximum,
        name=f"{side.change.name} {name}",
    )


def node_pool(side: Side, ctx: MapContext) -> Result:
    """``google_container_node_pool``."""
    cluster = _cluster(side, ctx)
    location = side.text("location") if not side.unknown("location") else None
    if location is None and cluster is not None:
        location = cluster.text("location")
    yield (
        None,
        _pool(side, ctx, side.values, prefix=(), cluster=cluster, location=location),
    )


def container_cluster(side: Side, ctx: MapContext) -> Result:
    """``google_container_cluster``: its inline node pools, or its default pool."""
    if side.get("enable_autopilot") is True:
        return  # Autopilot bills pods, not nodes; nothing here to price per node.
    location = side.text("location") or side.change.region
    pools = side.get("node_pool")
    if isinstance(pools, list) and pools and not side.unknown("node_pool"):
        for index, pool in enumerate(pools):
            if not isinstance(pool, dict):
                continue
            label = str(pool.get("name") or pool.get("name_prefix") or index)
            yield (
                f"node_pool {label}",
                _pool(
                    side, ctx, pool, prefix=("node_pool", index), cluster=side, location=location
                ),
            )
        return
    if side.get("remove_default_node_pool") is True:
        return
    if side.integer("initial_node_count") is None and not (
        side.unknown("initial_node_count")
        and set_but_unknown(ctx.inventory, side.change, "initial_node_count")
    ):
        return
    yield (
        "default pool",
        _pool(
            side, ctx, side.values, prefix=(), cluster=side, location=location, default_pool=True
        ),
    )


# --------------------------------------------------------------------------- TPU


#: More chips than any TPU slice has (the largest, v5p-17920, has 8,960).
_MAX_TPU_CHIPS = 100_000


def _tpu_type(side: Side) -> tuple[str | None, list[str]]:
    notes: list[str] = []
    accel_type = side.text("accelerator_type")
    if accel_type and not side.unknown("accelerator_type"):
        return accel_type.lower(), notes
    config = side.get("accelerator_config", 0)
    if isinstance(config, dict) and config.get("type") and config.get("topology"):
        generation = _TPU_CONFIG_TYPES.get(str(config["type"]).upper())
        dims = [_int(d) for d in str(config["topology"]).lower().split("x")]
        if generation and dims and all(d for d in dims):
            chips = math.prod(d for d in dims if d)
            if chips > _MAX_TPU_CHIPS:
                raise InputError(
                    f"{side.change.address}: accelerator_config.topology "
                    f"{config['topology']!r} is not a TPU slice (more than "
                    f"{_MAX_TPU_CHIPS:,} chips)",
                    path=side.change.source.path,
                )
            size = chips * _TPU_CORES_PER_CHIP.get(generation, 1)
            notes.append(
                f"accelerator_config {config['type']} {config['topology']} = {chips} chips"
            )
            return f"{generation}-{size}", notes
    if side.change.type == "google_tpu_v2_vm" and not side.unknown("accelerator_type"):
        notes.append("accelerator_type not set: the provider defaults to v2-8")
        return "v2-8", notes
    return None, notes


def tpu(side: Side, ctx: MapContext) -> Result:
    """``google_tpu_v2_vm`` and ``google_tpu_node``: chips × the per-chip price."""
    accel_type, notes = _tpu_type(side)
    spec = ctx.catalog.describe(CLOUD, "tpu", accel_type) if accel_type else None
    accelerator = spec.accelerator if spec is not None else None
    tags, sensitive = labels(side, "effective_labels", "labels")
    scheduling = side.get("scheduling_config", 0)
    block = scheduling if isinstance(scheduling, dict) else {}
    explicit: tuple[PurchaseOption, str] | None = None
    if block.get("spot") is True:
        explicit = PurchaseOption.SPOT, "scheduling_config.spot = true"
    elif block.get("preemptible") is True:
        explicit = (
            PurchaseOption.SPOT,
            "scheduling_config.preemptible = true (billed at spot prices)",
        )
    elif block.get("reserved") is True:
        explicit = PurchaseOption.CAPACITY_RESERVATION, "scheduling_config.reserved = true"
    capacity, reason = capacity_for(1, tags, ctx.settings, explicit=explicit)
    yield (
        None,
        deployment(
            side,
            ctx,
            service="tpu",
            instance_type=accel_type,
            accelerator=accelerator,
            ai=True,
            capacity=capacity,
            purchase_reason=reason,
            tags=tags,
            sensitive=sensitive,
            unknown=() if accel_type else ("accelerator_type",),
            notes=notes,
        ),
    )


# --------------------------------------------------------------------------- Vertex AI


def _vertex_gpu(accel_enum: Any, count: Any) -> Accelerator | None:
    if not accel_enum or not _number(count):
        return None
    enum = str(accel_enum).upper()
    if enum in ("ACCELERATOR_TYPE_UNSPECIFIED", ""):
        return None
    return gpu(VERTEX_ACCELERATORS.get(enum, enum.lower()), _number(count))


_VERTEX_FEE = (
    "priced at the Compute Engine rate of its machines; the Vertex AI management fee is "
    "not included"
)


def deployment_resource_pool(side: Side, ctx: MapContext) -> Result:
    """``google_vertex_ai_deployment_resource_pool``: replicas × the machine spec."""
    base = ("dedicated_resources", 0)
    spec_path = (*base, "machine_spec", 0)
    machine_type = side.text(*spec_path, "machine_type")
    notes = [_VERTEX_FEE]
    guest = _vertex_gpu(
        side.get(*spec_path, "accelerator_type"), side.get(*spec_path, "accelerator_count")
    )
    accelerator, ai = hardware(ctx, machine_type, guest, notes)
    low = side.integer(*base, "min_replica_count")
    high = side.integer(*base, "max_replica_count")
    replicas = low if low is not None else 1
    tags, sensitive = labels(side)
    yield (
        None,
        deployment(
            side,
            ctx,
            service="compute",
            instance_type=machine_type,
            accelerator=accelerator,
            ai=ai,
            capacity=(Capacity(PurchaseOption.ON_DEMAND, replicas),),
            purchase_reason="Vertex AI prediction nodes are billed on-demand",
            tags=tags,
            sensitive=sensitive,
            kind=WorkloadClass.INFERENCE,
            kind_reason="resource kind: a Vertex AI deployment resource pool serves models",
            unknown=() if machine_type else ("machine_spec.machine_type",),
            notes=[*notes, f"priced at min_replica_count ({replicas})"],
            min_nodes=low,
            max_nodes=high,
        ),
    )


def workbench_instance(side: Side, ctx: MapContext) -> Result:
    """``google_workbench_instance`` and the older ``google_notebooks_instance``."""
    if side.change.type == "google_workbench_instance":
        prefix: tuple[str | int, ...] = ("gce_setup", 0)
        accel_blocks = side.get(*prefix, "accelerator_configs")
    else:
        prefix = ()
        accel_blocks = side.get("accelerator_config")
    machine_type = side.text(*prefix, "machine_type")
    guest = None
    blocks = accel_blocks if isinstance(accel_blocks, list) else [accel_blocks]
    for block in blocks:
        if isinstance(block, dict):
            guest = _vertex_gpu(block.get("type"), block.get("core_count"))
            if guest is not None:
                break
    notes = [
        "priced at the Compute Engine rate of its machine; the Workbench management fee is "
        "not included"
    ]
    type_unknown = side.unknown(*prefix, "machine_type") and set_but_unknown(
        ctx.inventory, side.change, *prefix, "machine_type"
    )
    accelerator, ai = hardware(ctx, machine_type, guest, notes, unknown=type_unknown)
    guest_unknown = () if accelerator else _guest_unknown(blocks, "accelerator_config")
    if guest_unknown:
        ai = True
    tags, sensitive = labels(side)
    yield (
        None,
        deployment(
            side,
            ctx,
            service="compute",
            instance_type=machine_type,
            accelerator=accelerator,
            ai=ai,
            capacity=(Capacity(PurchaseOption.ON_DEMAND, 1),),
            purchase_reason="default: on-demand",
            tags=tags,
            sensitive=sensitive,
            kind=WorkloadClass.NOTEBOOK,
            kind_reason="resource kind: a Vertex AI Workbench notebook",
            unknown=(*(() if machine_type else ("machine_type",)), *guest_unknown),
            notes=notes,
        ),
    )


HANDLERS: dict[str, Handler] = {
    "google_compute_instance": instance,
    "google_compute_instance_from_template": instance,
    "google_compute_instance_group_manager": instance_group_manager,
    "google_compute_region_instance_group_manager": instance_group_manager,
    "google_container_node_pool": node_pool,
    "google_container_cluster": container_cluster,
    "google_tpu_v2_vm": tpu,
    "google_tpu_node": tpu,
    "google_vertex_ai_deployment_resource_pool": deployment_resource_pool,
    "google_workbench_instance": workbench_instance,
    "google_notebooks_instance": workbench_instance,
    "google_compute_instance_template": SUPPORTING,
    "google_compute_region_instance_template": SUPPORTING,
}
