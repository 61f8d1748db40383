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

The model is ``model.name`` with its dated ``model.version`` (``gpt-4o`` version
``2024-05-13`` is ``gpt-4o-2024-05-13``, priced as that version, never as the newest ``gpt-4o``);
its region is the cognitive account's when the plan has it. ``Standard`` is a
Regional deployment, ``DataZone…`` a Data Zone one and ``Global…`` a Global one: each is
priced at its own rate (see :mod:`aicost.pricing.tokens`). A deployment has no ``tags``
argument: its tags are its cognitive account's (from the plan, or the configuration in static
mode), or for a shared account managed elsewhere the policy's ``settings.account_tags``; its
``model`` tag is the model it serves unless the account sets one.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator
from decimal import Decimal

from aicost.core.model import Deployment, LlmUsage, WorkloadClass
from aicost.mappers.base import SUPPORTING, Handler, MapContext, Side, classify

#: Model versions that name a dated snapshot: 2024-05-13, 0613, 1106-preview.
_DATED = re.compile(r"^(\d{4}-\d{2}-\d{2}|\d{4})(-[a-z]+)?$")


def versioned(model: str, version: str | None) -> str:
    """``gpt-4o`` + ``2024-05-13`` -> ``gpt-4o-2024-05-13``; other versions (``1``, ``2``) are
    not part of the price list's model names."""
    if version and _DATED.match(version.strip().lower()):
        return f"{model}-{version.strip().lower()}"
    return model


def _account(side: Side, ctx: MapContext) -> tuple[dict[str, str], str | None, str]:
    """(tags, region, where the tags come from): its cognitive account's when this plan
    has it, else the policy's tags for a shared account."""
    account = ctx.inventory.resolve(
        side.change, ["cognitive_account_id"], "azurerm_cognitive_account"
    )
    tags: dict[str, str] = {}
    region = None
    if account is not None:
        account_side = side.of(account)
        tags, _ = account_side.tags("tags")
        region = account_side.text("location")
        tags_from = f"its cognitive account {account.address} (add the tags there)"
    else:
        tags, tags_from = _shared_account(side, ctx)
    return tags, region, tags_from


def _unknowns(side: Side) -> tuple[str, ...]:
    """What the price depends on but is known only after apply (or comes from a variable
    without a value): the model, or the SKU (a ``ProvisionedManaged`` one is billed per
    PTU-hour, not per token). Never guessed, never dropped."""
    unknown: list[str] = []
    if side.text("model", 0, "name") is None:
        unknown.append("model.name")
    sku_known = side.text("sku", 0, "name") or side.text("scale", 0, "type")
    if sku_known is None and any(
        side.unknown(*path) for path in (("sku", 0, "name"), ("scale", 0, "type"))
    ):
        unknown.append("sku.name")
    return tuple(unknown)


def cognitive_deployment(side: Side, ctx: MapContext) -> Iterator[tuple[str | None, Deployment]]:
    unknown = _unknowns(side)
    model = side.text("model", 0, "name") or "(model known after apply)"
    sku = side.text("sku", 0, "name") or side.text("scale", 0, "type") or "Standard"
    capacity = side.integer("sku", 0, "capacity") or side.integer("scale", 0, "capacity")
    tags, region, tags_from = _account(side, ctx)
    # An account serves several models, so the model a deployment serves is its own.
    tags = {**tags}
    if "model.name" not in unknown:
        tags.setdefault("model", model)
    version = side.text("model", 0, "version")
    notes = [
        f"Azure OpenAI {sku} deployment of {model}" + (f" version {version}" if version else "")
    ]
    if "model.name" not in unknown:
        model = versioned(model, version)
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
            tags_from=tags_from,
            unknown=unknown,
        ),
    )


def _shared_account(side: Side, ctx: MapContext) -> tuple[dict[str, str], str]:
    """Tags of an account this configuration does not manage (a shared one, another
    workspace's), from the policy's ``settings.account_tags``; and where they come from."""
    account_id = side.text("cognitive_account_id") or ""
    refs = list(ctx.inventory.references(side.change, ["cognitive_account_id"]))
    bare = [ref.removesuffix(".id") for ref in refs]
    names = [n for n in (account_id, account_id.rsplit("/", 1)[-1], *refs, *bare) if n]
    for pattern, pairs in ctx.settings.account_tags:
        if any(fnmatch.fnmatchcase(name, pattern) for name in names):
            return dict(pairs), f"the policy's settings.account_tags[{pattern!r}]"
    shown = (
        refs[0].removesuffix(".id")
        if refs
        else (account_id or "an account outside this configuration")
    )
    return {}, (
        f"its cognitive account {shown}, which is not in this configuration: tag the account "
        "where it is managed and declare its tags in the policy's settings.account_tags"
    )


HANDLERS: dict[str, Handler] = {
    "azurerm_cognitive_deployment": cognitive_deployment,
    "azurerm_cognitive_account": SUPPORTING,
}
