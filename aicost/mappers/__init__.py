"""Resource mappers: the *normalise* stage, from resource changes to AI workloads.

One module per cloud (and per family of AI services within it), each with a
``HANDLERS`` dict from resource type to handler. Register a module here with one line;
it is imported only when an input contains that provider's resources.
"""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from aicost.core.model import Accelerator, ResourceChange, Workload
from aicost.mappers import counts, failclosed, inputcheck
from aicost.mappers.base import (
    Handler,
    InstanceCatalog,
    MapContext,
    MapSettings,
    change_secrets,
    map_change,
)
from aicost.sources.base import Inventory

#: Terraform provider type -> mapper modules (their HANDLERS are merged).
MAPPERS: dict[str, tuple[str, ...]] = {
    "aws": (
        "aicost.mappers.aws",
        "aicost.mappers.aws_bedrock",
        "aicost.mappers.aws_capacity",
        "aicost.mappers.aws_other",
        "aicost.mappers.aws_schedules",
    ),
    "awscc": ("aicost.mappers.awscc",),
    "google": (
        "aicost.mappers.gcp",
        "aicost.mappers.gcp_vertex_llm",
        "aicost.mappers.reservations",
        "aicost.mappers.accelerator_kinds",
    ),
    "google-beta": (
        "aicost.mappers.gcp",
        "aicost.mappers.gcp_vertex_llm",
        "aicost.mappers.reservations",
        "aicost.mappers.accelerator_kinds",
    ),
    "azurerm": (
        "aicost.mappers.azure",
        "aicost.mappers.azure_openai",
        "aicost.mappers.reservations",
        "aicost.mappers.accelerator_kinds",
    ),
    "manifest": ("aicost.mappers.manifest", "aicost.mappers.keda"),
    "llm": ("aicost.mappers.llm",),
    "module": ("aicost.mappers.modules",),
}


@dataclass
class Normalised:
    """Workloads from the inputs, and what was left out and why."""

    workloads: list[Workload] = field(default_factory=list)
    #: AI-capable resource types whose instance is not AI hardware (t3.micro, say).
    non_ai: Counter[str] = field(default_factory=Counter)
    #: Managed resources of types aicost does not map (S3 buckets, IAM roles...).
    other: Counter[str] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    #: Every string the inputs mark sensitive: reports mask them wherever they appear.
    secrets: set[str] = field(default_factory=set)


class Handlers(dict[str, Handler]):
    """Resource type -> handler for one provider; ``defaults`` (a module's optional
    ``default_handler(change)``) claim changes of other types by what they carry (manifest
    objects carry their Spec, whatever reader made them)."""

    defaults: list[Callable[[ResourceChange], Handler | None]]

    def __init__(self) -> None:
        super().__init__()
        self.defaults = []

    def find(self, change: ResourceChange) -> Handler | None:
        found = self.get(change.type)
        for default in self.defaults:
            if found is not None:
                break
            found = default(change)
        return found


def handlers(provider: str) -> Handlers:
    merged = Handlers()
    for module_name in MAPPERS.get(provider, ()):
        module = importlib.import_module(module_name)
        merged.update(cast(Mapping[str, Handler], module.HANDLERS))
        default = getattr(module, "default_handler", None)
        if default is not None:
            merged.defaults.append(default)
    return merged


def normalise(
    inventories: Iterable[Inventory], catalog: InstanceCatalog, settings: MapSettings
) -> Normalised:
    result = Normalised()
    loaded: dict[str, Handlers] = {}
    every = inventories if isinstance(inventories, list) else list(inventories)
    # Shared by every input's context: work that repeats across inputs (a directory of Jobs).
    memo: dict[Any, Any] = {}
    hardware: dict[tuple[str, str, str], tuple[Accelerator | None, bool]] = {}
    for inventory in every:
        result.warnings.extend(inventory.warnings)
        ctx = MapContext(
            inventory=inventory,
            catalog=catalog,
            settings=settings,
            siblings=every,
            memo=memo,
            hardware=hardware,
        )
        _normalise(inventory, ctx, loaded, result)
    return result


def _normalise(
    inventory: Inventory, ctx: MapContext, loaded: dict[str, Handlers], result: Normalised
) -> None:
    """Map one inventory's changes into *result* (the functions it calls once per change
    are bound here once)."""
    check_input, check_counts, close = inputcheck.check, counts.check, failclosed.close
    workloads, non_ai = result.workloads, result.non_ai
    for change in inventory.changes:
        if change.mode != "managed":
            continue
        table = loaded.get(change.provider)
        if table is None:
            table = loaded[change.provider] = handlers(change.provider)
        handler = table.get(change.type) or table.find(change)
        if handler is None:
            result.other[change.type] += 1
            continue
        check_input(change)
        secrets = change_secrets(change)
        if secrets:
            result.secrets |= secrets
        for mapped in map_change(change, handler, ctx, secrets):
            check_counts(change, mapped)
            workload = close(mapped, change, inventory)
            if _non_ai(workload):
                non_ai[change.type] += 1
            else:
                workloads.append(workload)


def _non_ai(workload: Workload) -> bool:
    """``workload.ai is False``: every side it has runs no AI hardware."""
    for side in (workload.prior, workload.planned):
        if side is not None and side.ai is not False:
            return False
    return True


__all__ = ["MAPPERS", "MapSettings", "Normalised", "normalise"]
