"""Azure OpenAI deployments (``azurerm_cognitive_deployment``) as token workloads.

==========================================  ============================================
SKU (``sku.name``, or the older ``scale``)   priced
==========================================  ============================================
``Standard``, ``GlobalStandard``,            per token, from the ``llm-tokens`` table
``DataZoneStandard``                         (provider ``azure``): the token volume comes
                                             from the usage file (requests and average
                                             tokens, or monthly tokens)
``GlobalBatch``, ``DataZoneBatch``           the same, all at batch prices
``ProvisionedManaged``, ``Global…``,         per PTU-hour (``sku.capacity`` PTUs): no
``DataZoneProvisionedManaged``               dated public PTU price is shipped, so these
                                             are unpriced with that reason
==========================================  ============================================

The model is ``model.name``; its tags are the cognitive account's when the plan has it.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from aicost.core.model import Deployment, LlmUsage, WorkloadClass
from aicost.mappers.base import SUPPORTING, Handler, MapContext, Side, classify


def cognitive_deployment(side: Side, ctx: MapContext) -> Iterator[tuple[str | None, Deployment]]:
    model = side.text("model", 0, "name")
    if model is None:
        return
    sku = side.text("sku", 0, "name") or side.text("scale", 0, "type") or "Standard"
    capacity = side.integer("sku", 0, "capacity") or side.integer("scale", 0, "capacity")
    account = ctx.inventory.resolve(
        side.change, ["cognitive_account_id"], "azurerm_cognitive_account"
    )
    tags: dict[str, str] = {}
    region = None
    if account is not None:
        account_side = side.of(account)
        tags, _ = account_side.tags("tags")
        region = account_side.text("location")
    notes = [f"Azure OpenAI {sku} deployment of {model}"]
    provisioned = "provisioned" in sku.lower()
    llm = LlmUsage(
        provider="azure",
        model=model,
        batch_share=Decimal(1) if "batch" in sku.lower() else Decimal(0),
        deployment_type=sku,
        provisioned_units=Decimal(capacity or 0) if provisioned else None,
        provisioned_unit="PTU" if provisioned else None,
    )
    if not provisioned and capacity:
        notes.append(f"rate limit {capacity}k tokens per minute (sku.capacity)")
    workload_class, reason = classify(
        tags,
        {},
        ctx.settings,
        kind=WorkloadClass.INFERENCE,
        kind_reason="resource kind: an Azure OpenAI deployment serves model calls",
    )
    yield (
        None,
        Deployment(
            cloud="azure",
            service="openai",
            region=region or side.region(),
            instance_type=None,
            accelerator=None,
            capacity=(),
            workload_class=workload_class,
            class_reason=reason,
            purchase_reason="billed per PTU-hour" if provisioned else "billed per token",
            tags=tags,
            notes=tuple(notes),
            llm=llm,
        ),
    )


HANDLERS: dict[str, Handler] = {
    "azurerm_cognitive_deployment": cognitive_deployment,
    "azurerm_cognitive_account": SUPPORTING,
}
