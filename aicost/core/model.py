"""The domain model shared by every stage: read → normalise → price → check → report.

* A *source* reads an input file into :class:`ResourceChange` records (one per
  Terraform resource instance, or per object in a manifest).
* A *mapper* turns a change into zero or more :class:`Workload` objects: what the
  change deploys before (``prior``) and after (``planned``) as :class:`Deployment`.
* The *pricer* attaches a :class:`Costing` to each side.
* *Policy* rules read priced workloads and yield findings.

Everything here is immutable; money is :class:`decimal.Decimal`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal

from aicost.core.calendar import HOURS_PER_MONTH


class Action(StrEnum):
    """What a change does to a resource."""

    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    REPLACE = "replace"
    NO_OP = "no-op"
    READ = "read"
    FORGET = "forget"


class PurchaseOption(StrEnum):
    """How capacity is bought. Prices differ by option."""

    ON_DEMAND = "on-demand"
    SPOT = "spot"
    RESERVED = "reserved"
    SAVINGS_PLAN = "savings-plan"
    COMMITTED = "committed"
    CAPACITY_RESERVATION = "capacity-reservation"
    CAPACITY_BLOCK = "capacity-block"


#: Purchase options that count as "reserved capacity" when a policy asks for ``reserved``.
RESERVED_LIKE = frozenset(
    {
        PurchaseOption.RESERVED,
        PurchaseOption.COMMITTED,
        PurchaseOption.CAPACITY_RESERVATION,
    }
)


class WorkloadClass(StrEnum):
    """What a workload is for; rules are often scoped by class."""

    TRAINING = "training"
    INFERENCE = "inference"
    NOTEBOOK = "notebook"
    BATCH = "batch"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where a resource came from: the input file, and the line when known."""

    path: str
    kind: str
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Accelerator:
    """The accelerators on one node (instance, VM or pod)."""

    name: str
    #: Per node; fractional for GPU slices (an AWS g6f.large has 1/8 of an L4).
    count: float
    kind: str = "gpu"
    vendor: str | None = None
    memory_gib: int | None = None


@dataclass(frozen=True, slots=True)
class Capacity:
    """A number of nodes bought one way. A workload may mix several."""

    purchase: PurchaseOption
    nodes: int
    term_years: int | None = None
    #: How a reservation or savings plan is paid (:data:`PAYMENTS`); None is no upfront.
    payment: str | None = None


#: Payment options of AWS reserved instances and savings plans, as tags spell them. The
#: upfront fee is amortised over the term: a price table's ``reserved_3y_all_upfront`` is
#: the effective hourly rate.
PAYMENTS = ("partial-upfront", "all-upfront")


#: Azure OpenAI deployment types (``sku.name``), as Azure spells them: the usage file's
#: accepted values and the token table's deployment kinds.
AzureDeploymentType = Literal[
    "Standard",
    "GlobalStandard",
    "DataZoneStandard",
    "GlobalBatch",
    "DataZoneBatch",
    "ProvisionedManaged",
    "GlobalProvisionedManaged",
    "DataZoneProvisionedManaged",
    "DeveloperTier",
]


@dataclass(frozen=True, slots=True)
class LlmUsage:
    """A token workload: calls to an LLM API (or a Terraform LLM deployment) and their volume.

    Token counts are averages per request; ``monthly_*_tokens`` give totals directly (a usage
    file for a Terraform deployment). Shares are fractions of the input tokens (cached reads,
    cache writes) or of the requests (sent through a batch API).
    """

    provider: str
    model: str
    requests_per_month: Decimal | None = None
    input_tokens: Decimal | None = None
    output_tokens: Decimal | None = None
    monthly_input_tokens: Decimal | None = None
    monthly_output_tokens: Decimal | None = None
    cached_input_share: Decimal = Decimal(0)
    cache_write_share: Decimal = Decimal(0)
    batch_share: Decimal = Decimal(0)
    max_tokens: int | None = None
    #: Whether prompt caching is used (None: not said; a cached share > 0 implies it).
    caching: bool | None = None
    #: The use-case tier rules scope model choices by (``standard``, ``premium``...).
    tier: str | None = None
    use_case: str | None = None
    #: Azure OpenAI deployment type (``Standard``, ``GlobalStandard``, ``ProvisionedManaged``...).
    deployment_type: str | None = None
    #: Service tier of the calls: ``standard`` (default), ``priority`` or ``flex``.
    service_tier: str | None = None
    #: How long written cache entries live: ``5m`` (default) or ``1h`` (a dearer write).
    cache_ttl: str | None = None
    #: Reserved capacity billed per unit-hour instead of per token: Azure OpenAI PTUs,
    #: Bedrock provisioned-throughput model units.
    provisioned_units: Decimal | None = None
    provisioned_unit: str | None = None

    @property
    def input_per_month(self) -> Decimal | None:
        if self.monthly_input_tokens is not None:
            return self.monthly_input_tokens
        if self.requests_per_month is None or self.input_tokens is None:
            return None
        return self.requests_per_month * self.input_tokens

    @property
    def output_per_month(self) -> Decimal | None:
        if self.monthly_output_tokens is not None:
            return self.monthly_output_tokens
        if self.requests_per_month is None or self.output_tokens is None:
            return None
        return self.requests_per_month * self.output_tokens


@dataclass(frozen=True, slots=True)
class Deployment:
    """What one side of a change (prior or planned) runs."""

    cloud: str
    service: str
    region: str | None
    instance_type: str | None
    accelerator: Accelerator | None
    capacity: tuple[Capacity, ...]
    workload_class: WorkloadClass = WorkloadClass.UNKNOWN
    class_reason: str = "no workload tag and the resource kind does not say"
    purchase_reason: str = "default"
    tags: Mapping[str, str] = field(default_factory=dict)
    #: The deployment runs AI hardware or an AI service, so AI rules apply to it.
    #: None when it cannot be told (an instance type known only after apply).
    ai: bool | None = True
    min_nodes: int | None = None
    max_nodes: int | None = None
    #: Under a clock schedule (``aws_autoscaling_schedule``, KEDA cron triggers): the nodes
    #: that run every hour of the month (the scheduled floor); None without a schedule.
    steady_nodes: int | None = None
    #: Attributes that are known only after apply and could not be resolved.
    unknown: tuple[str, ...] = ()
    #: Attributes whose values are marked sensitive in the input; reports never print them.
    sensitive: frozenset[str] = frozenset()
    notes: tuple[str, ...] = ()
    #: Hours per month this deployment runs, when a usage file or manifest says so.
    hours_per_month: Decimal | None = None
    #: For training and batch jobs: hours one run takes (from a tag, a manifest's max
    #: runtime, or a usage file) and runs per month, when known.
    run_hours: Decimal | None = None
    runs_per_month: Decimal | None = None
    #: Where run_hours came from ("activeDeadlineSeconds", "tag run-hours=72", ...).
    run_hours_reason: str = ""
    #: Retries a job declares for a failed run, and where from (``runPolicy.backoffLimit``).
    retries: int | None = None
    retries_reason: str = ""
    #: The fraction of one instance a unit uses, for pods that take some of a node's GPUs
    #: (1 GPU of a 4-GPU node: 0.25); None means whole instances. Rates are scaled by it.
    node_share: Decimal | None = None
    #: A token workload (LLM API calls); priced per token, not per instance-hour.
    llm: LlmUsage | None = None
    #: Traffic of a self-hosted serving workload (a usage file's requests and tokens), for
    #: its cost per 1,000 requests and per 1,000 tokens.
    requests_per_month: Decimal | None = None
    tokens_per_month: Decimal | None = None
    #: For a resource that cannot carry tags itself (an Azure OpenAI deployment): where its
    #: tags come from, and so where a missing tag goes.
    tags_from: str | None = None

    @property
    def node_count(self) -> int:
        return sum(c.nodes for c in self.capacity)

    @property
    def purchase_option(self) -> str:
        """One purchase option, or ``mixed`` when the nodes are bought several ways."""
        options = {c.purchase for c in self.capacity if c.nodes}
        if not options:
            options = {c.purchase for c in self.capacity}
        if len(options) == 1:
            return next(iter(options)).value
        return "mixed" if options else "none"

    @property
    def accelerators_total(self) -> float:
        if self.accelerator is None:
            return 0
        return self.accelerator.count * self.node_count

    @property
    def family(self) -> str | None:
        return instance_family(self.instance_type)

    def public(self, attribute: str, value: str | None) -> str | None:
        """Return *value* for display, or a mask when the input marks it sensitive."""
        if value is not None and attribute in self.sensitive:
            return "(sensitive)"
        return value

    @property
    def accelerator_name(self) -> str | None:
        """The accelerator for display; masked with a sensitive instance type, which it reveals."""
        if self.accelerator is None:
            return None
        return self.public("instance_type", self.accelerator.name)


@functools.lru_cache(maxsize=4096)  # asked per rule and workload, for a few dozen types
def instance_family(instance_type: str | None) -> str | None:
    """The family of an instance type: ``p5`` for ``p5.48xlarge`` or ``ml.p5.48xlarge``."""
    if not instance_type:
        return None
    name = instance_type.removeprefix("ml.")
    if "." in name:
        return name.split(".", 1)[0]
    if "-" in name:  # GCP machine types: a3-highgpu-8g -> a3
        return name.split("-", 1)[0]
    return name


@dataclass(frozen=True, slots=True)
class Workload:
    """An AI workload derived from one resource change (or one part of it)."""

    address: str
    resource_type: str
    source: SourceRef
    action: Action
    prior: Deployment | None
    planned: Deployment | None
    #: A part of the resource, e.g. one production variant of a SageMaker endpoint.
    component: str | None = None
    #: Project key (the input path); reports and baselines group by it.
    project: str = ""
    #: For replacements: True when the new resource is created before the old is destroyed.
    create_before_destroy: bool = False

    @property
    def key(self) -> str:
        return f"{self.address}#{self.component}" if self.component else self.address

    @property
    def label(self) -> str:
        return f"{self.address} ({self.component})" if self.component else self.address

    @property
    def current(self) -> Deployment:
        """The planned deployment, or the prior one for a deletion."""
        side = self.planned if self.planned is not None else self.prior
        assert side is not None, "a workload has at least one side"
        return side

    @property
    def deleted(self) -> bool:
        return self.planned is None

    @property
    def ai(self) -> bool | None:
        """True if either side runs AI hardware, None if that cannot be told, else False."""
        sides = [d.ai for d in (self.prior, self.planned) if d is not None]
        if any(a is True for a in sides):
            return True
        if any(a is None for a in sides):
            return None
        return False


@dataclass(frozen=True, slots=True)
class CostLine:
    """The cost of one capacity slice of a deployment."""

    purchase: PurchaseOption
    nodes: int
    hourly_rate: Decimal
    monthly: Decimal
    basis: str
    table: str
    #: What was priced instead when the table lacks the line's purchase option
    #: (``on-demand`` for a spot line without a spot price); None when priced as bought.
    priced_as: str | None = None
    #: What the line prices when it is not instance-hours (``input tokens``), its quantity
    #: per month, the unit and the price per unit.
    component: str | None = None
    quantity: Decimal | None = None
    unit: str | None = None
    unit_price: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Costing:
    """The priced cost of one side of a workload. ``monthly`` is None when unpriced."""

    monthly: Decimal | None
    lines: tuple[CostLine, ...] = ()
    reason: str | None = None
    notes: tuple[str, ...] = ()
    hours_per_month: Decimal = HOURS_PER_MONTH

    @property
    def priced(self) -> bool:
        return self.monthly is not None

    @property
    def fallbacks(self) -> tuple[str, ...]:
        """``spot→on-demand`` for each line priced at another option's rate."""
        found = [f"{line.purchase.value}→{line.priced_as}" for line in self.lines if line.priced_as]
        return tuple(dict.fromkeys(found))

    @property
    def estimated(self) -> bool:
        """Priced, but not at the bought option's observed rate (a fallback or an estimate)."""
        return bool(self.fallbacks) or any(
            "estimate" in line.basis for line in self.lines if line.basis
        )

    @property
    def hourly(self) -> Decimal | None:
        if self.monthly is None:
            return None
        return sum((line.hourly_rate * line.nodes for line in self.lines), Decimal(0))


@dataclass(frozen=True, slots=True)
class UnitCosts:
    """Unit costs of a priced workload, computed once by :mod:`aicost.cost.unit_costs`."""

    #: Cost of one training run (run hours × hourly rate).
    per_run: Decimal | None = None
    #: LLM workloads: per 1,000 requests and per 1,000 tokens, and tokens a month.
    per_1k_requests: Decimal | None = None
    per_1k_tokens: Decimal | None = None
    tokens_per_month: Decimal | None = None
    #: Monthly cost if an autoscaled deployment ran at its maximum replicas.
    monthly_at_max: Decimal | None = None


@dataclass(frozen=True, slots=True)
class PricedWorkload:
    """A workload with both sides priced."""

    workload: Workload
    prior_cost: Costing | None
    planned_cost: Costing | None
    unit_costs: UnitCosts = field(default_factory=UnitCosts, compare=False)

    @property
    def monthly_cost(self) -> Decimal | None:
        """Projected monthly cost after the change (0 for a deletion, None if unpriced)."""
        if self.workload.planned is None:
            return Decimal(0)
        return self.planned_cost.monthly if self.planned_cost else None

    @property
    def prior_monthly_cost(self) -> Decimal | None:
        if self.workload.prior is None:
            return Decimal(0)
        return self.prior_cost.monthly if self.prior_cost else None

    @property
    def delta_monthly_cost(self) -> Decimal | None:
        now, before = self.monthly_cost, self.prior_monthly_cost
        if now is None or before is None:
            return None
        return now - before

    @property
    def priced(self) -> bool:
        return self.monthly_cost is not None and self.prior_monthly_cost is not None

    @property
    def purchase_label(self) -> str:
        """The purchase column: the option bought, with any fallback (``spot→on-demand``)."""
        costing = self.planned_cost or self.prior_cost
        fallbacks = costing.fallbacks if costing is not None else ()
        return ", ".join(fallbacks) if fallbacks else self.workload.current.purchase_option

    @property
    def estimate_reasons(self) -> tuple[str, ...]:
        """Why the cost is an estimate: each fallback with the table's note, each estimated
        basis. Empty when every line is priced at its own option's sourced rate."""
        costing = self.planned_cost or self.prior_cost
        if costing is None or costing.monthly is None:
            return ()
        reasons: list[str] = []
        for line in costing.lines:
            if line.priced_as:
                reasons.append(
                    f"bought as {line.purchase.value}, priced at the {line.priced_as} rate: the "
                    f"{line.table} price table has no {line.purchase.value} price for it"
                )
            if line.basis and "estimate:" in line.basis:
                reasons.append(f"estimated price ({line.basis.split('estimate:', 1)[1]})")
        return tuple(dict.fromkeys(reasons))

    @property
    def unpriced_reason(self) -> str | None:
        for cost in (self.planned_cost, self.prior_cost):
            if cost is not None and cost.monthly is None:
                return cost.reason
        return None


@dataclass(frozen=True, slots=True)
class ResourceChange:
    """One resource instance as read from an input, before it is mapped to workloads.

    ``before``/``after`` are attribute trees as in Terraform's plan JSON;
    ``after_unknown`` marks values known only after apply, and the ``*_sensitive``
    trees mark sensitive values.
    """

    address: str
    type: str
    name: str
    provider: str
    action: Action
    source: SourceRef
    mode: str = "managed"
    module_address: str | None = None
    index: int | str | None = None
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None
    after_unknown: Mapping[str, Any] = field(default_factory=dict)
    before_sensitive: Any = None
    after_sensitive: Any = None
    region: str | None = None
    default_tags: Mapping[str, str] = field(default_factory=dict)
    create_before_destroy: bool = False
    project: str = ""
