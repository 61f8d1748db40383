"""Resource kinds that can carry accelerators but that aicost cannot price (yet).

Each entry says where the kind names its machine and its accelerators. A resource whose
machine is accelerated (by the cloud's naming: ``a2-``/``g2-`` on GCP, the N series on Azure,
``p``/``g``/``trn``/``inf`` on AWS), that names an accelerator, or whose machine aicost does
not know, is an **unpriced** AI workload with the reason; one with a known CPU machine and no
accelerator is non-AI; one whose machine is known only after apply is unpriced too. So a
Dataproc cluster with T4s, a GPU sole-tenant node group, a TPU queued resource, an Azure
Batch pool of NC VMs or a GPU Synapse Spark pool is never a silent $0.

Azure Batch pools and DevTest Labs VMs are priced: they are VMs at VM rates.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from aicost.core.model import Capacity, Deployment, PurchaseOption, WorkloadClass
from aicost.mappers import azure, gcp
from aicost.mappers.base import SUPPORTING, Handler, MapContext, Side, classify, dig
from aicost.mappers.failclosed import aws_accelerated_name, known_without_accelerators

Result = Iterable[tuple[str | None, Deployment]]

_GCP_ACCELERATED = re.compile(r"^(a\d+[a-z]*|g\d+|ct\d+[a-z]*|tpu|v\d+[a-z]*)-")
_AZURE_ACCELERATED = re.compile(r"^standard_n(c|d|g|v|p|m|cc)\d", re.IGNORECASE)


@dataclass(frozen=True)
class Kind:
    cloud: str
    #: Paths to the machine type (``*`` steps over every item of a list).
    machine: Sequence[tuple[str | int, ...]] = ()
    #: Paths whose non-empty value means accelerators are attached.
    accelerators: Sequence[tuple[str | int, ...]] = ()
    #: Paths to a text that names an accelerator when it contains one of *words*.
    named: Sequence[tuple[str | int, ...]] = ()
    words: tuple[str, ...] = ("gpu", "tpu", "nvidia", "accelerat")
    reason: str = "aicost has no price table for this kind"
    kind: WorkloadClass | None = None


def _values(tree: Any, path: tuple[str | int, ...]) -> list[Any]:
    nodes = [tree]
    for step in path:
        nxt: list[Any] = []
        for node in nodes:
            if step == "*":
                if isinstance(node, list):
                    nxt.extend(node)
            else:
                found = dig(node, [step])
                if found is not None:
                    nxt.append(found)
        nodes = nxt
    return nodes


def _unknown(side: Side, path: tuple[str | int, ...]) -> bool:
    prefix: list[str | int] = []
    for step in path:
        if step == "*":
            return side.unknown(*prefix)
        prefix.append(step)
    return side.unknown(*prefix)


def _accelerated_machine(cloud: str, machine: str) -> bool:
    if cloud == "gcp":
        return bool(_GCP_ACCELERATED.match(machine))
    if cloud == "azure":
        return bool(_AZURE_ACCELERATED.match(machine))
    return aws_accelerated_name(machine)


def handler(spec: Kind) -> Handler:
    def run(side: Side, ctx: MapContext) -> Result:
        machines = [
            str(v) for path in spec.machine for v in _values(side.values, path) if v is not None
        ]
        unknown = [
            ".".join(str(p) for p in path if p != "*")
            for path in (*spec.machine, *spec.accelerators)
            if _unknown(side, path)
        ]
        attached = any(
            v not in (None, [], {}, "", 0) and v != [{}]
            for path in spec.accelerators
            for v in _values(side.values, path)
        )
        named = any(
            any(word in str(v).lower() for word in spec.words)
            for path in spec.named
            for v in _values(side.values, path)
        )
        odd = [
            m
            for m in machines
            if _accelerated_machine(spec.cloud, m) or not known_without_accelerators(spec.cloud, m)
        ]
        machine = machines[0] if machines else None
        ai: bool | None
        notes: tuple[str, ...] = ()
        if attached or named or odd:
            ai = True
            machine = odd[0] if odd else machine
            notes = (f"price: {spec.reason}",)
            unknown = ["price", *unknown]
        elif unknown:
            ai = None
        else:
            ai = False
        tags, sensitive = side.tags("tags_all", "tags", "labels")
        workload_class, class_reason = classify(
            tags,
            {},
            ctx.settings,
            kind=spec.kind,
            kind_reason="resource kind",
            name=side.change.name,
        )
        yield (
            None,
            Deployment(
                cloud=spec.cloud,
                service="other",
                region=gcp.region_of(side) if spec.cloud == "gcp" else side.region(),
                instance_type=machine,
                accelerator=None,
                capacity=(Capacity(PurchaseOption.ON_DEMAND, 1),),
                workload_class=workload_class,
                class_reason=class_reason,
                tags=tags,
                ai=ai,
                unknown=tuple(unknown),
                sensitive=sensitive,
                notes=notes,
            ),
        )

    return run


def azure_batch_pool(side: Side, ctx: MapContext) -> Result:
    """``azurerm_batch_pool``: ``vm_size`` × the fixed scale's dedicated and low-priority nodes."""
    dedicated = side.integer("fixed_scale", 0, "target_dedicated_nodes")
    low = side.integer("fixed_scale", 0, "target_low_priority_nodes") or 0
    notes: list[str] = []
    if side.get("auto_scale") and dedicated is None:
        notes.append("auto_scale: priced at one node (the formula is evaluated by Azure)")
        dedicated = 1
    deployment = azure._deployment(
        side,
        ctx,
        size=side.text("vm_size"),
        size_key=("vm_size",),
        nodes=(dedicated or 0),
        spot=None,
        windows=False,
        location=azure.location_of(side, ctx, ("account_name", "azurerm_batch_account")),
        kind=WorkloadClass.BATCH,
        kind_reason="resource kind: an Azure Batch pool",
        notes=notes,
    )
    if low:
        deployment = dataclasses.replace(
            deployment,
            capacity=(*deployment.capacity, Capacity(PurchaseOption.SPOT, low)),
        )
    yield None, deployment


def node_group(side: Side, ctx: MapContext) -> Result:
    """``google_compute_node_group``: accelerated when its node template has accelerators."""
    template = ctx.inventory.resolve(side.change, ["node_template"], "google_compute_node_template")
    if template is None:
        name = side.get("node_template")
        if isinstance(name, str) and not side.unknown("node_template"):
            for key in ("self_link", "name", "id"):
                template = ctx.inventory.find(
                    "google_compute_node_template", key, name, planned=side.planned
                )
                if template is not None:
                    break
    spec = Kind(
        "gcp",
        reason="sole-tenant nodes with accelerators are billed per node-hour (no table)",
    )
    for _, deployment in handler(spec)(side, ctx):
        if template is None:
            deployment = dataclasses.replace(
                deployment, ai=None, unknown=("node_template",), notes=()
            )
        else:
            accelerators = dig(side.of(template).values, ["accelerators"])
            if accelerators:
                deployment = dataclasses.replace(
                    deployment,
                    ai=True,
                    unknown=("price",),
                    notes=(f"price: {spec.reason}",),
                )
        yield None, deployment


GCP: dict[str, Kind] = {
    "google_compute_node_template": Kind(
        "gcp",
        accelerators=(("accelerators",),),
        reason="a sole-tenant node template with accelerators: its node groups are billed",
    ),
    "google_compute_region_commitment": Kind(
        "gcp",
        named=(("resources", "*", "type"), ("resources", "*", "accelerator_type")),
        words=("accelerator",),
        reason="a committed-use commitment for accelerators is paid whether used or not",
    ),
    "google_tpu_v2_queued_resource": Kind(
        "gcp",
        machine=(("tpu", 0, "node_spec", "*", "node", 0, "accelerator_type"),),
        accelerators=(("tpu", 0, "node_spec", "*", "node", 0, "accelerator_config"),),
        named=(("tpu", 0, "node_spec", "*", "node", 0, "accelerator_type"),),
        words=("v",),
        reason="a queued TPU resource: priced when its nodes exist (google_tpu_v2_vm)",
        kind=WorkloadClass.TRAINING,
    ),
    "google_notebooks_runtime": Kind(
        "gcp",
        machine=(("virtual_machine", 0, "virtual_machine_config", 0, "machine_type"),),
        accelerators=(
            ("virtual_machine", 0, "virtual_machine_config", 0, "accelerator_config", 0, "type"),
        ),
        reason="a managed notebook runtime: Vertex AI bills it with a management fee",
        kind=WorkloadClass.NOTEBOOK,
    ),
    "google_dataproc_cluster": Kind(
        "gcp",
        machine=(
            ("cluster_config", 0, "master_config", 0, "machine_type"),
            ("cluster_config", 0, "worker_config", 0, "machine_type"),
            ("cluster_config", 0, "preemptible_worker_config", 0, "machine_type"),
        ),
        accelerators=(
            ("cluster_config", 0, "master_config", 0, "accelerators"),
            ("cluster_config", 0, "worker_config", 0, "accelerators"),
            ("cluster_config", 0, "preemptible_worker_config", 0, "accelerators"),
        ),
        reason="Dataproc clusters with GPUs are not priced by aicost (VMs plus Dataproc fee)",
        kind=WorkloadClass.BATCH,
    ),
    "google_dataproc_workflow_template": Kind(
        "gcp",
        accelerators=(
            ("placement", 0, "managed_cluster", 0, "config", 0, "worker_config", 0, "accelerators"),
            ("placement", 0, "managed_cluster", 0, "config", 0, "master_config", 0, "accelerators"),
        ),
        reason="a Dataproc workflow's managed cluster with GPUs runs per workflow run",
        kind=WorkloadClass.BATCH,
    ),
    "google_workstations_workstation_config": Kind(
        "gcp",
        machine=(("host", 0, "gce_instance", 0, "machine_type"),),
        accelerators=(("host", 0, "gce_instance", 0, "accelerators"),),
        reason="Cloud Workstations are billed per workstation-hour plus a management fee",
        kind=WorkloadClass.NOTEBOOK,
    ),
    "google_container_aws_node_pool": Kind(
        "aws",
        machine=(("config", 0, "instance_type"),),
        reason="GKE on AWS node pools: EC2 capacity billed by AWS, fee by Google",
    ),
    "google_container_azure_node_pool": Kind(
        "azure",
        machine=(("config", 0, "vm_size"),),
        reason="GKE on Azure node pools: VMs billed by Azure, fee by Google",
    ),
}

AZURE: dict[str, Kind] = {
    "azurerm_container_group": Kind(
        "azure",
        accelerators=(("container", "*", "gpu"), ("container", "*", "gpu_limit")),
        reason="Container Instances GPUs are billed per second of the group's life",
    ),
    "azurerm_synapse_spark_pool": Kind(
        "azure",
        named=(("node_size_family",),),
        words=("gpu", "hardwareaccelerated"),
        reason="Synapse GPU Spark pools are billed per vCore-hour by Synapse",
        kind=WorkloadClass.BATCH,
    ),
    "azurerm_container_app_environment": Kind(
        "azure",
        named=(("workload_profile", "*", "workload_profile_type"),),
        words=("nc", "gpu", "a100", "t4"),
        reason="Container Apps GPU workload profiles are billed per profile instance",
    ),
    "azurerm_dedicated_host": Kind(
        "azure",
        named=(("sku_name",),),
        words=("nv", "nc", "nd"),
        reason="a dedicated host is billed per host-hour; aicost has no table for hosts",
    ),
}

HANDLERS: dict[str, Handler] = {
    **{name: handler(spec) for name, spec in {**GCP, **AZURE}.items()},
    "google_compute_node_group": node_group,
    "google_compute_instance_from_machine_image": gcp.instance,
    "azurerm_batch_pool": azure_batch_pool,
    "azurerm_dev_test_linux_virtual_machine": azure.virtual_machine,
    "azurerm_dev_test_windows_virtual_machine": azure.virtual_machine,
    "azurerm_batch_account": SUPPORTING,
}
