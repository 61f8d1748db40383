"""Vertex AI model deployments: ``google_vertex_ai_endpoint_with_model_garden_deployment``.

A Model Garden deployment runs the model on dedicated machines:
``deploy_config.dedicated_resources.machine_spec`` (``machine_type``, ``accelerator_type`` ×
``accelerator_count``) × ``min_replica_count`` (up to ``max_replica_count``). It is priced as
Vertex AI prediction nodes (cloud ``gcp``, service ``vertex``) when such a table is
installed, and listed as unpriced with that reason otherwise. The published model
(``publisher_model_name`` or ``hugging_face_model_id``) is recorded in the notes.
"""

from __future__ import annotations

from collections.abc import Iterator

from aicost.core.hardware import canonical, kind_of, vendor_of
from aicost.core.model import Accelerator, Capacity, Deployment, PurchaseOption, WorkloadClass
from aicost.mappers.base import Handler, MapContext, Side, classify, declared_tags
from aicost.mappers.failclosed import set_but_unknown


def _labels(side: Side, ctx: MapContext) -> tuple[dict[str, str], frozenset[str], str]:
    """(labels, sensitive, where they come from): the policy's declared tags for it."""
    labels, sensitive = side.tags("labels")
    declared = declared_tags(side.change.address, ctx.settings)
    if declared is not None:
        labels = {**declared[0], **labels}
        tags_from = declared[1]
    else:
        tags_from = (
            "the policy's settings.resource_tags, by address glob (a Model Garden deployment "
            "has no labels argument, and no tags are declared for it there)"
        )
    return labels, sensitive, tags_from


def _accelerator(accelerator_type: str | None, count: int) -> Accelerator | None:
    """The machine spec's accelerator (``NVIDIA_L4`` -> L4), if any."""
    if not accelerator_type:
        return None
    name = (
        canonical(accelerator_type.replace("NVIDIA_", "").replace("TESLA_", "")) or accelerator_type
    )
    return Accelerator(name=name, count=count, kind=kind_of(name), vendor=vendor_of(name))


def _count_unknown(side: Side, ctx: MapContext, base: tuple[str | int, ...]) -> tuple[str, ...]:
    """``min_replica_count`` set from a value known only after apply: never a guess."""
    if side.unknown(*base, "min_replica_count") and set_but_unknown(
        ctx.inventory, side.change, *base, "min_replica_count"
    ):
        return ("deploy_config.dedicated_resources.min_replica_count",)
    return ()


def model_garden(side: Side, ctx: MapContext) -> Iterator[tuple[str | None, Deployment]]:
    base = ("deploy_config", 0, "dedicated_resources", 0)
    machine = side.text(*base, "machine_spec", 0, "machine_type")
    accelerator_type = side.text(*base, "machine_spec", 0, "accelerator_type")
    count = side.integer(*base, "machine_spec", 0, "accelerator_count") or (
        1 if accelerator_type else 0
    )
    minimum = side.integer(*base, "min_replica_count") or 1
    count_unknown = _count_unknown(side, ctx, base)
    maximum = side.integer(*base, "max_replica_count")
    spot = bool(side.get(*base, "spot"))
    model = side.text("publisher_model_name") or side.text("hugging_face_model_id") or "a model"
    # The resource has no labels argument (only its endpoint, which it creates, could carry
    # them): its tags are what the policy declares for it.
    labels, sensitive, tags_from = _labels(side, ctx)
    labels.setdefault("model", model)
    accelerator = _accelerator(accelerator_type, count)
    workload_class, reason = classify(
        labels,
        {},
        ctx.settings,
        kind=WorkloadClass.INFERENCE,
        kind_reason="resource kind: a Vertex AI endpoint serves a model",
    )
    yield (
        None,
        Deployment(
            cloud="gcp",
            # Vertex AI bills prediction nodes at Compute Engine machine rates plus a
            # management fee that no price table here carries (see the note).
            service="compute",
            region=side.text("location") or side.region(),
            instance_type=machine,
            accelerator=accelerator,
            capacity=(
                Capacity(PurchaseOption.SPOT if spot else PurchaseOption.ON_DEMAND, minimum),
            ),
            workload_class=workload_class,
            class_reason=reason,
            purchase_reason="dedicated_resources.spot"
            if spot
            else "Vertex AI prediction nodes, on-demand",
            tags=labels,
            tags_from=tags_from,
            sensitive=sensitive,
            ai=True if accelerator or machine else None,
            min_nodes=minimum,
            max_nodes=maximum,
            unknown=(
                *(() if machine else ("deploy_config.dedicated_resources.machine_spec",)),
                *count_unknown,
            ),
            notes=(
                f"Model Garden deployment of {model}",
                "priced at the Compute Engine rate of its machines; the Vertex AI management "
                "fee is not included",
            ),
        ),
    )


HANDLERS: dict[str, Handler] = {
    "google_vertex_ai_endpoint_with_model_garden_deployment": model_garden,
}
