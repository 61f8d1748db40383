"""Shared machinery for cloud resource mappers.

A mapper module (one per cloud) exposes ``HANDLERS: dict[resource_type, Handler]``. A
handler reads one side of a change (the prior or the planned values) through a
:class:`Side` and returns the :class:`~aicost.core.model.Deployment` objects it runs, keyed by
component (``None`` for the whole resource). :func:`map_change` calls the handler on both
sides and pairs them into :class:`~aicost.core.model.Workload` objects, so every handler is
written once for "what does this configuration deploy".

Resource types a mapper knows deploy nothing by themselves (a launch template, an
endpoint configuration) map to :data:`SUPPORTING`, a handler that returns nothing.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from aicost.core.clusters import ClusterProfile
from aicost.core.model import (
    PAYMENTS,
    Accelerator,
    Capacity,
    Deployment,
    PurchaseOption,
    ResourceChange,
    Workload,
    WorkloadClass,
)
from aicost.core.records import fast_constructor
from aicost.core.sensitive import MASK, marked_strings, redact
from aicost.sources.base import Inventory, flatten_tags


class InstanceSpecLike(Protocol):
    @property
    def family(self) -> str: ...

    @property
    def accelerator(self) -> Accelerator | None: ...


class InstanceCatalog(Protocol):
    """Hardware facts about instance types; implemented by the price book."""

    def describe(self, cloud: str, service: str, instance_type: str) -> InstanceSpecLike | None: ...


#: Tag (or label) keys that say what a workload is for, in priority order.
DEFAULT_CLASS_KEYS: tuple[str, ...] = (
    "workload",
    "workload-class",
    "workload_class",
    "aicost:workload",
    "aicost/workload",
)
#: Tag keys that declare how capacity is bought (billing-level facts a plan cannot show).
DEFAULT_PURCHASE_KEYS: tuple[str, ...] = (
    "purchase-option",
    "purchase_option",
    "aicost:purchase-option",
    "aicost/purchase-option",
)

CLASS_WORDS: dict[str, WorkloadClass] = {
    "training": WorkloadClass.TRAINING,
    "train": WorkloadClass.TRAINING,
    "trainer": WorkloadClass.TRAINING,
    "pretraining": WorkloadClass.TRAINING,
    "pretrain": WorkloadClass.TRAINING,
    "fine-tuning": WorkloadClass.TRAINING,
    "finetuning": WorkloadClass.TRAINING,
    "finetune": WorkloadClass.TRAINING,
    "fine-tune": WorkloadClass.TRAINING,
    "inference": WorkloadClass.INFERENCE,
    "infer": WorkloadClass.INFERENCE,
    "serving": WorkloadClass.INFERENCE,
    "serve": WorkloadClass.INFERENCE,
    "online": WorkloadClass.INFERENCE,
    "realtime": WorkloadClass.INFERENCE,
    "notebook": WorkloadClass.NOTEBOOK,
    "notebooks": WorkloadClass.NOTEBOOK,
    "jupyter": WorkloadClass.NOTEBOOK,
    "interactive": WorkloadClass.NOTEBOOK,
    "batch": WorkloadClass.BATCH,
    "offline": WorkloadClass.BATCH,
    "batch-inference": WorkloadClass.BATCH,
}

PURCHASE_WORDS: dict[str, tuple[PurchaseOption, int | None]] = {
    "on-demand": (PurchaseOption.ON_DEMAND, None),
    "ondemand": (PurchaseOption.ON_DEMAND, None),
    "spot": (PurchaseOption.SPOT, None),
    "preemptible": (PurchaseOption.SPOT, None),
    "reserved": (PurchaseOption.RESERVED, 1),
    "reserved-1y": (PurchaseOption.RESERVED, 1),
    "reserved-3y": (PurchaseOption.RESERVED, 3),
    "ri": (PurchaseOption.RESERVED, 1),
    "savings-plan": (PurchaseOption.SAVINGS_PLAN, 1),
    "savings-plan-1y": (PurchaseOption.SAVINGS_PLAN, 1),
    "savings-plan-3y": (PurchaseOption.SAVINGS_PLAN, 3),
    "savingsplan": (PurchaseOption.SAVINGS_PLAN, 1),
    "committed": (PurchaseOption.COMMITTED, 1),
    "committed-1y": (PurchaseOption.COMMITTED, 1),
    "committed-3y": (PurchaseOption.COMMITTED, 3),
    "cud": (PurchaseOption.COMMITTED, 1),
    "capacity-reservation": (PurchaseOption.CAPACITY_RESERVATION, None),
    "odcr": (PurchaseOption.CAPACITY_RESERVATION, None),
    "capacity-block": (PurchaseOption.CAPACITY_BLOCK, None),
}


_TOKEN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class MapSettings:
    """How workloads are classified; set from the policy's ``settings`` section."""

    class_keys: tuple[str, ...] = DEFAULT_CLASS_KEYS
    purchase_keys: tuple[str, ...] = DEFAULT_PURCHASE_KEYS
    name_heuristics: bool = True
    #: Cluster profiles (policy ``settings.clusters``) for pricing manifests' pods.
    clusters: tuple[ClusterProfile, ...] = ()
    #: Policy ``settings.account_tags``: tags of shared accounts outside the configuration.
    account_tags: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    #: Policy ``settings.resource_tags``: tags of resources that cannot carry any.
    resource_tags: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()


@dataclass
class MapContext:
    inventory: Inventory
    catalog: InstanceCatalog
    settings: MapSettings = field(default_factory=MapSettings)
    #: Every input of the check (this one included), for objects that act on another
    #: file's (a KEDA ScaledObject beside the Deployment it scales).
    siblings: Sequence[Inventory] = ()
    #: (cloud, service, instance type) -> (accelerator, AI hardware?): a mapper's judgement
    #: of the hardware, worked out once per type, not once per resource (one dict per
    #: :func:`~aicost.mappers.normalise` call, like :attr:`memo`).
    hardware: dict[tuple[str, str, str], tuple[Accelerator | None, bool]] = field(
        default_factory=dict, repr=False
    )
    #: One dict per :func:`~aicost.mappers.normalise` call, shared by every input's
    #: context: memos of work that repeats across inputs (a directory of Jobs).
    memo: dict[Any, Any] = field(default_factory=dict)


#: ``Deployment(...)`` and ``Workload(...)``, made faster (the mappers build one of each per
#: resource; see :func:`aicost.core.records.fast_constructor`); type checkers see the classes
#: themselves, so every call is checked against their fields.
if TYPE_CHECKING:
    new_deployment = Deployment
    new_workload = Workload
else:
    new_deployment = fast_constructor(Deployment)
    new_workload = fast_constructor(Workload)


class Side:
    """One side (prior or planned) of a resource change, with unknown/sensitive lookups."""

    __slots__ = ("change", "planned", "sensitive_tree", "unknown_tree", "values")

    def __init__(self, change: ResourceChange, planned: bool) -> None:
        self.change = change
        self.planned = planned
        values = change.after if planned else change.before
        self.values: Mapping[str, Any] = values or {}
        self.unknown_tree: Any = change.after_unknown if planned else None
        self.sensitive_tree: Any = change.after_sensitive if planned else change.before_sensitive

    def of(self, other: ResourceChange) -> Side:
        """The same side of another resource."""
        return Side(other, self.planned)

    def get(self, *path: str | int) -> Any:
        if len(path) == 1 and isinstance(path[0], str):  # most lookups: one top-level key
            return self.values.get(path[0])
        return dig(self.values, path)

    def unknown(self, *path: str | int) -> bool:
        if len(path) == 1 and isinstance(path[0], str):  # most lookups: one top-level key
            return _top_marked(self.unknown_tree, path[0])
        return _marked(self.unknown_tree, path)

    def sensitive(self, *path: str | int) -> bool:
        if len(path) == 1 and isinstance(path[0], str):
            return _top_marked(self.sensitive_tree, path[0])
        return _marked(self.sensitive_tree, path)

    def known_text(self, key: str) -> tuple[str | None, bool]:
        """``(text(key), unknown(key))`` of a top-level field, read once."""
        value = self.values.get(key)
        if value is not None and not isinstance(value, dict | list):
            value = value if type(value) is str else str(value)
        else:
            value = None
        return value, _top_marked(self.unknown_tree, key)

    def text(self, *path: str | int) -> str | None:
        if len(path) == 1 and isinstance(path[0], str):
            value = self.values.get(path[0])
        else:
            value = dig(self.values, path)
        if value is None or isinstance(value, dict | list):
            return None
        return value if type(value) is str else str(value)

    def integer(self, *path: str | int) -> int | None:
        value = self.get(*path)
        if type(value) is int:  # the usual whole number, as it is
            return value
        if isinstance(value, bool) or value is None:
            return None
        try:
            return int(Decimal(str(value)))
        except (ArithmeticError, ValueError):
            return None

    def tags(self, *keys: str) -> tuple[dict[str, str], frozenset[str]]:
        """The first known tag map among *keys* (e.g. ``tags_all``, ``tags``) and sensitive keys.

        Falls back to ``tags`` merged over the provider's default tags when ``tags_all`` is
        known only after apply. Sensitive tag values are masked.
        """
        chosen, source_key = self._first_tags(keys)
        if chosen is None or (source_key == "tags" and self.change.default_tags):
            merged = dict(self.change.default_tags)
            merged.update(chosen or {})
            chosen = merged
        # Terraform marks sensitive values in `tags` but not in the provider-computed
        # `tags_all`, so a key that is sensitive in either is masked.
        sensitive: set[str] = set()
        tree = self.sensitive_tree
        if tree is True:
            sensitive = set(chosen)
        elif isinstance(tree, dict) and (tree.get(source_key) or tree.get("tags")):
            sensitive = {
                k for k in chosen if self.sensitive(source_key, k) or self.sensitive("tags", k)
            }
        if not sensitive:
            return chosen, _NONE
        for key in sensitive:
            chosen[key] = "(sensitive)"
        return chosen, frozenset(f"tags.{k}" for k in sensitive)

    def _first_tags(self, keys: tuple[str, ...]) -> tuple[dict[str, str] | None, str]:
        """The first known tag map among *keys*, flattened, and its key."""
        for key in keys:
            if _top_marked(self.unknown_tree, key):
                continue
            value = self.values.get(key)
            if value is not None:
                # The usual map of strings is copied as it is (what flatten_tags does).
                plain = type(value) is dict and _STRINGS.issuperset(map(type, value.values()))
                return (dict(value) if plain else flatten_tags(value)), key
        return None, keys[0] if keys else "tags"

    def region(self) -> str | None:
        values = self.values
        for key in ("region", "location"):
            raw = values.get(key)  # what text(key) reads, inline: once per resource
            if raw is None or isinstance(raw, dict | list):
                continue
            value = raw if type(raw) is str else str(raw)
            if value and not _top_marked(self.unknown_tree, key):
                return value
        if self.change.region:
            return self.change.region
        zone = self.text("availability_zone")
        if zone and zone[-1].isalpha() and zone[-2:-1].isdigit():
            return zone[:-1]
        return None


def dig(tree: Any, path: Sequence[str | int]) -> Any:
    node = tree
    for step in path:
        if isinstance(step, int):
            if isinstance(node, list) and -len(node) <= step < len(node):
                node = node[step]
            elif isinstance(node, dict) and step == 0:
                continue
            else:
                return None
        elif isinstance(node, dict):
            node = node.get(step)
        elif isinstance(node, list) and node and isinstance(node[0], dict):
            node = node[0].get(step)
        else:
            return None
        if node is None:
            return None
    return node


_STRINGS = frozenset({str})
_NO_LABELS: Mapping[str, str] = {}
_NONE: frozenset[str] = frozenset()


def _top_marked(tree: Any, key: str) -> bool:
    """``_marked(tree, (key,))``, for the usual one top-level key."""
    if tree is True:
        return True
    if isinstance(tree, dict):
        return tree.get(key) is True
    if isinstance(tree, list) and tree and isinstance(tree[0], dict):
        return tree[0].get(key) is True
    return False


def _marked(tree: Any, path: Sequence[str | int]) -> bool:
    """True when *path* (or one of its parents) is marked ``true`` in an unknown/sensitive tree."""
    node = tree
    if node is True:
        return True
    for step in path:
        if isinstance(step, int):
            if isinstance(node, list) and -len(node) <= step < len(node):
                node = node[step]
            else:
                return False
        elif isinstance(node, dict):
            node = node.get(step)
        elif isinstance(node, list) and node and isinstance(node[0], dict):
            node = node[0].get(step)
        else:
            return False
        if node is True:
            return True
        if node is None or node is False:
            return False
    return False


def classify(
    tags: Mapping[str, str],
    labels: Mapping[str, str],
    settings: MapSettings,
    *,
    kind: WorkloadClass | None = None,
    kind_reason: str = "",
    name: str = "",
) -> tuple[WorkloadClass, str]:
    """Decide the workload class and say how: a tag, the resource kind, or the name."""
    for source, mapping in (("tag", tags), ("label", labels)):
        for key in settings.class_keys:
            value = mapping.get(key)
            if value is None:
                continue
            found = CLASS_WORDS.get(value.strip().lower())
            if found is not None:
                return found, f"{source} {key}={value}"
    if kind is not None:
        return kind, kind_reason
    if settings.name_heuristics and name:
        for token in _TOKEN.findall(name.lower().replace("_", "-")):
            for word in token.split("-"):
                found = CLASS_WORDS.get(word)
                if found is not None and word not in {"online", "offline", "interactive", "serve"}:
                    return found, f"name contains '{word}'"
    return WorkloadClass.UNKNOWN, "no workload tag, and the resource kind and name do not say"


def purchase_word(value: str) -> tuple[PurchaseOption, int | None, str | None] | None:
    """``reserved-3y-all-upfront`` -> (reserved, 3, ``all-upfront``); None if not one."""
    word = value.strip().lower().replace("_", "-")
    payment: str | None = None
    for suffix in (*PAYMENTS, "no-upfront"):
        if word.endswith("-" + suffix):
            word = word.removesuffix("-" + suffix)
            payment = suffix if suffix in PAYMENTS else None
            break
    found = PURCHASE_WORDS.get(word)
    if found is None:
        return None
    if payment is not None and found[0] not in {
        PurchaseOption.RESERVED,
        PurchaseOption.SAVINGS_PLAN,
    }:
        return None
    return found[0], found[1], payment


def purchase_from_tags(
    tags: Mapping[str, str], settings: MapSettings
) -> tuple[PurchaseOption, int | None, str, str | None] | None:
    """(option, term, why, payment) from the first purchase tag that names one."""
    for key in settings.purchase_keys:
        value = tags.get(key)
        if value is None:
            continue
        found = purchase_word(value)
        if found is not None:
            return found[0], found[1], f"tag {key}={value}", found[2]
    return None


def capacity_for(
    nodes: int,
    tags: Mapping[str, str],
    settings: MapSettings,
    *,
    explicit: tuple[PurchaseOption, str] | None = None,
    default_reason: str = "default: on-demand",
    label: str = "tag",
) -> tuple[tuple[Capacity, ...], str]:
    """How *nodes* are bought, and why: what the resource itself says (*explicit*: spot,
    preemptible, a capacity block...), else a purchase tag (a GCP ``label``), else on-demand.
    The one spot / tagged / on-demand decision of the cloud mappers."""
    if explicit is not None:
        return (Capacity(explicit[0], nodes),), explicit[1]
    tagged = purchase_from_tags(tags, settings)
    if tagged is not None:
        option, term, reason, payment = tagged
        if label != "tag":
            reason = reason.replace("tag ", f"{label} ", 1)
        return (Capacity(option, nodes, term, payment),), reason
    return (Capacity(PurchaseOption.ON_DEMAND, nodes),), default_reason


def build_deployment(
    side: Side,
    ctx: MapContext,
    *,
    cloud: str,
    service: str,
    region: str | None,
    instance_type: str | None,
    accelerator: Accelerator | None,
    ai: bool | None,
    capacity: tuple[Capacity, ...],
    purchase_reason: str,
    tags: Mapping[str, str],
    sensitive: frozenset[str] = frozenset(),
    labels: Mapping[str, str] | None = None,
    kind: WorkloadClass | None = None,
    kind_reason: str = "",
    name: str | None = None,
    unknown: tuple[str, ...] = (),
    notes: tuple[str, ...] = (),
    min_nodes: int | None = None,
    max_nodes: int | None = None,
) -> Deployment:
    """A cloud resource's :class:`Deployment`, classified by its tags, labels, kind and name
    (the builder the GCP and Azure mappers share; ``aws._deployment`` does the same work
    inline, once per resource of a large plan: calling this with every field again costs
    about 8 ms on 5,000 resources. A change here belongs there too)."""
    workload_class, class_reason = classify(
        tags,
        labels or _NO_LABELS,
        ctx.settings,
        kind=kind,
        kind_reason=kind_reason,
        name=name or side.change.name,
    )
    return new_deployment(
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
        min_nodes=min_nodes,
        max_nodes=max_nodes,
        unknown=unknown,
        sensitive=sensitive,
        notes=notes,
    )


Handler = Callable[[Side, MapContext], Iterable[tuple[str | None, Deployment]]]


def supporting(side: Side, ctx: MapContext) -> Iterable[tuple[str | None, Deployment]]:
    """Resources that deploy nothing by themselves (templates, configurations)."""
    return ()


SUPPORTING: Handler = supporting


def map_change(
    change: ResourceChange,
    handler: Handler,
    ctx: MapContext,
    secrets: frozenset[str] | None = None,
) -> list[Workload]:
    """Run *handler* on both sides of *change* and pair the results by component.

    *secrets* is :func:`change_secrets` of *change*, when the caller has it already."""
    prior: dict[str | None, Deployment] = (
        {} if change.before is None else dict(handler(Side(change, False), ctx))
    )
    planned: dict[str | None, Deployment] = (
        {} if change.after is None else dict(handler(Side(change, True), ctx))
    )
    if secrets is None:
        secrets = change_secrets(change)
    if not prior and not secrets:  # a create: one side, nothing to pair or mask
        return [
            new_workload(
                address=change.address,
                resource_type=change.type,
                source=change.source,
                action=change.action,
                prior=None,
                planned=deployment,
                component=component,
                project=change.project,
                create_before_destroy=change.create_before_destroy,
            )
            for component, deployment in planned.items()
        ]
    components = list(dict.fromkeys([*prior, *planned]))
    if secrets:
        return [
            _masked(workload, secrets)
            for workload in _workloads(change, prior, planned, components)
        ]
    return _workloads(change, prior, planned, components)


def change_secrets(change: ResourceChange) -> frozenset[str]:
    """Every string the change's ``after_sensitive``/``before_sensitive`` trees mark."""
    if not change.after_sensitive and not change.before_sensitive:
        return frozenset()
    found = marked_strings(change.after, change.after_sensitive)
    marked_strings(change.before, change.before_sensitive, found)
    return frozenset(found)


def _masked(workload: Workload, secrets: frozenset[str]) -> Workload:
    """*workload* with every sensitive value masked, wherever a mapper put it."""

    def side(deployment: Deployment | None) -> Deployment | None:
        if deployment is None:
            return None
        hidden = set(deployment.sensitive)
        if deployment.instance_type is not None and any(
            secret in deployment.instance_type for secret in secrets
        ):
            hidden.add("instance_type")
        tags = dict(deployment.tags)
        for key, value in deployment.tags.items():
            if redact(value, secrets) != value:
                tags[key] = MASK
                hidden.add(f"tags.{key}")
        return dataclasses.replace(
            deployment,
            tags=tags,
            sensitive=frozenset(hidden),
            notes=tuple(redact(note, secrets) for note in deployment.notes),
            class_reason=redact(deployment.class_reason, secrets),
            purchase_reason=redact(deployment.purchase_reason, secrets),
        )

    return dataclasses.replace(
        workload,
        component=redact(workload.component, secrets) if workload.component else None,
        prior=side(workload.prior),
        planned=side(workload.planned),
    )


def _workloads(
    change: ResourceChange,
    prior: dict[str | None, Deployment],
    planned: dict[str | None, Deployment],
    components: list[str | None],
) -> list[Workload]:
    return [
        new_workload(
            address=change.address,
            resource_type=change.type,
            source=change.source,
            action=change.action,
            prior=prior.get(component),
            planned=planned.get(component),
            component=component,
            project=change.project,
            create_before_destroy=change.create_before_destroy,
        )
        for component in components
    ]


def declared_tags(address: str, settings: MapSettings) -> tuple[dict[str, str], str] | None:
    """Tags the policy declares for a resource that cannot carry any (``settings.resource_tags``,
    by address glob), and where they come from; None when it declares none."""
    import fnmatch

    for pattern, pairs in settings.resource_tags:
        if fnmatch.fnmatchcase(address, pattern):
            return dict(pairs), f"the policy's settings.resource_tags[{pattern!r}]"
    return None
