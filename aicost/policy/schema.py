"""Policy file schema (version 1), validated with pydantic.

The models are :class:`aicost.core.declared.Model` classes: declared as pydantic models, but
plain classes at run time, so a check with a cached policy never imports pydantic.

Each rule type adds its own options by subclassing :class:`RuleConfig` in its module;
unknown keys are errors everywhere, so a typo is reported with its line, never ignored.

Everything added after the first release (enforcement, extends, waivers, budget
thresholds, commitments, path and workspace scoping) is optional, so a policy written for
the first release loads and behaves exactly as before.
"""

from __future__ import annotations

import datetime
import fnmatch
from collections.abc import Sequence
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from aicost.core.clusters import ClusterProfile
from aicost.core.declared import (
    BeforeValidator,
    ConfigDict,
    Field,
    Model,
    WithJsonSchema,
    model_validator,
)
from aicost.core.model import Deployment, Workload, WorkloadClass
from aicost.policy.globs import any_address

_SEVERITY_RANKS = {"error": 0, "warning": 1, "info": 2}


class Severity(StrEnum):
    """How serious a finding is. ``error`` fails the gate; the others report."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANKS[self]  # a StrEnum member hashes as its value


class Enforcement(StrEnum):
    """What a finding does to the gate, as HCP Terraform's enforcement levels.

    * ``advisory``: reported, never fails the gate;
    * ``soft``: fails the gate unless a valid waiver covers it;
    * ``hard``: fails the gate; only a waiver written in the policy itself (not an inline
      comment or a ``--waivers`` file) can cover it.

    A rule without ``enforcement`` (and a policy without a default) gets it from its
    severity: ``error`` is ``soft``, ``warning`` and ``info`` are ``advisory``. That is
    exactly how a first-release policy behaved: errors fail, the rest report.
    """

    ADVISORY = "advisory"
    SOFT = "soft"
    HARD = "hard"

    @classmethod
    def for_severity(cls, severity: Severity) -> Enforcement:
        return cls.SOFT if severity is Severity.ERROR else cls.ADVISORY


def _as_list(value: Any) -> Any:
    if value is None:
        return []
    if isinstance(value, str | int | float):
        return [value]
    return value


def _tag_value(value: Any) -> Any:
    """A tag value as written: YAML reads ``2026-01-01`` as a date and ``true`` as a bool,
    but tag values are strings, so they are matched as the text the author wrote."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str | int | float):
        return str(value)
    return value  # a mapping or list in a list: pydantic names it


def _tag_values(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            key: [
                _tag_value(v)
                for v in (item if isinstance(item, list) else _as_list(_tag_value(item)))
            ]
            for key, item in value.items()
        }
    return value


#: A list of strings; a single string is accepted as a list of one.
StrList = Annotated[
    list[str],
    BeforeValidator(_as_list),
    WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}),
]


class Strict(Model):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False, defer_build=True)


class Match(Strict):
    """Which workloads a rule or budget applies to. Every given condition must hold.

    ``tags`` maps a tag key to accepted values (``"*"`` or an empty list: any value, but
    the tag must be present). ``regions``, ``addresses`` and ``resource_types`` accept
    shell-style globs. ``paths`` are globs over the file a workload comes from (the plan, or
    the ``.tf`` file or manifest that declares it; ``*`` also matches ``/``), relative to the
    current directory. ``workspaces`` are globs over the Terraform workspace
    (``--workspace``, else ``TF_WORKSPACE``, else ``default``).
    """

    tags: Annotated[
        dict[str, list[str]],
        BeforeValidator(_tag_values),
        WithJsonSchema(
            {
                "type": "object",
                "additionalProperties": {
                    "anyOf": [
                        {"type": ["string", "number", "boolean"]},
                        {"type": "array", "items": {"type": ["string", "number", "boolean"]}},
                    ]
                },
            }
        ),
    ] = Field(default_factory=dict)
    classes: Annotated[
        list[WorkloadClass],
        BeforeValidator(_as_list),
        WithJsonSchema(
            {
                "anyOf": [
                    {"enum": [c.value for c in WorkloadClass]},
                    {"type": "array", "items": {"enum": [c.value for c in WorkloadClass]}},
                ]
            }
        ),
    ] = Field(default_factory=list)
    clouds: StrList = Field(default_factory=list)
    regions: StrList = Field(default_factory=list)
    resource_types: StrList = Field(default_factory=list)
    addresses: StrList = Field(default_factory=list)
    paths: StrList = Field(default_factory=list)
    workspaces: StrList = Field(default_factory=list)

    def matches(
        self,
        workload: Workload,
        deployment: Deployment,
        *,
        workspace: str | None = None,
        paths: Sequence[str] = (),
    ) -> bool:
        """Whether every condition holds. *paths* are the workload's file paths as the user
        sees them (default: its source path); *workspace* the current workspace."""
        return self.deployment_matches(deployment) and self._source_matches(
            workload, workspace, paths
        )

    @property
    def source_conditions(self) -> bool:
        """Whether a resource type, address, workspace or path condition is given (else
        only the deployment decides: :meth:`deployment_matches`)."""
        return bool(self.resource_types or self.addresses or self.workspaces or self.paths)

    def deployment_matches(self, deployment: Deployment) -> bool:
        """The tags, class, cloud and region conditions."""
        for key, values in self.tags.items():
            value = deployment.tags.get(key)
            if value is None:
                return False
            if values and "*" not in values and value not in values:
                return False
        if self.classes and deployment.workload_class not in self.classes:
            return False
        if self.clouds and deployment.cloud not in self.clouds:
            return False
        return not (self.regions and not _glob_any(deployment.region, self.regions))

    def _source_matches(
        self, workload: Workload, workspace: str | None, paths: Sequence[str]
    ) -> bool:
        """The resource type, address, workspace and path conditions."""
        if self.resource_types and not _glob_any(workload.resource_type, self.resource_types):
            return False
        if self.addresses and not any_address(workload.address, self.addresses):
            return False
        if self.workspaces and not _glob_any(workspace or "default", self.workspaces):
            return False
        if self.paths:
            candidates = list(paths) or [workload.source.path]
            if not any(_glob_any(path, self.paths) for path in candidates):
                return False
        return True

    @property
    def empty(self) -> bool:
        return not any(getattr(self, name) for name in type(self).__field_names__)


def _glob_any(value: str | None, patterns: list[str]) -> bool:
    return value is not None and any(value == p or fnmatch.fnmatchcase(value, p) for p in patterns)


class RuleConfig(Strict):
    """Options every rule accepts."""

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:/-]*$", max_length=128)
    type: str
    severity: Severity = Severity.ERROR
    description: str | None = None
    match: Match = Field(default_factory=Match)
    remediation: str | None = None
    link: str | None = None
    #: advisory | soft | hard; default: the policy's ``enforcement``, else from severity.
    enforcement: Enforcement | None = None
    #: ``false`` turns off a rule inherited through ``extends``.
    enabled: bool = True


class Settings(Strict):
    """How aicost reads workloads under this policy."""

    hours_per_month: Decimal = Field(default=Decimal(730), gt=0, le=744)
    workload_tags: StrList = Field(
        default_factory=lambda: ["workload", "workload-class", "workload_class", "aicost:workload"]
    )
    purchase_tags: StrList = Field(
        default_factory=lambda: ["purchase-option", "purchase_option", "aicost:purchase-option"]
    )
    name_heuristics: bool = True
    #: ``check`` warns when a price table it used is older than this many days.
    price_max_age_days: int = Field(default=90, ge=0, le=3650)
    #: Where manifests run: cloud, region and node type per accelerator (see
    #: :mod:`aicost.core.clusters`).
    clusters: list[ClusterProfile] = Field(default_factory=list)
    #: Tags of shared Azure OpenAI (cognitive) accounts that are not in this configuration
    #: (another workspace owns them), keyed by account resource ID or name (globs): their
    #: deployments, which cannot carry tags, take these.
    account_tags: dict[str, dict[str, str]] = Field(default_factory=dict)
    #: Tags of resources that cannot carry tags or labels themselves (a Vertex AI Model
    #: Garden deployment), keyed by address glob.
    resource_tags: dict[str, dict[str, str]] = Field(default_factory=dict)


class WaiverSettings(Strict):
    """How waivers are accepted under this policy."""

    #: A waiver may not expire more than this many days after today (None: no limit).
    max_days: int | None = Field(default=None, ge=1, le=3650)
    #: Honour ``# aicost:ignore=...`` comments in ``.tf`` files and manifests.
    inline: bool = True
    #: Inline waivers must name an owner (``owner:NAME``); file waivers always must.
    inline_owner_required: bool = False
    #: Warn about waivers that expire within this many days.
    expiring_soon_days: int = Field(default=14, ge=0, le=365)


class BudgetDefaults(Strict):
    """Thresholds for every budget that does not set its own."""

    warn_at: Decimal | None = Field(default=None, gt=0, le=10, allow_inf_nan=False)
    fail_at: Decimal | None = Field(default=None, gt=0, le=10, allow_inf_nan=False)


class Commitment(Strict):
    """A reserved instance, savings plan or committed-use discount the organisation owns.

    ``gpus`` is the number of accelerators it covers around the clock; give either it, or
    ``instances`` with ``instance_type`` (the GPUs per instance come from the price table).
    """

    id: str = Field(min_length=1, max_length=128)
    kind: Literal["reserved", "savings-plan", "committed"] = "reserved"
    cloud: str = "aws"
    #: The service it applies to (a glob: ``ec2``, ``sagemaker``); any when not given.
    service: str | None = None
    family: str | None = None
    instance_type: str | None = None
    region: str = "*"
    gpus: Decimal | None = Field(default=None, gt=0, allow_inf_nan=False)
    instances: int | None = Field(default=None, gt=0)
    term_years: Literal[1, 3] = 1
    #: The last day the commitment runs (YYYY-MM-DD); expired ones cover nothing.
    expires: Annotated[str | None, BeforeValidator(lambda v: str(v) if v is not None else v)] = None
    description: str | None = None

    @model_validator(mode="after")
    def _sized(self) -> Commitment:
        if self.family is None and self.instance_type is None:
            raise ValueError("give the family (g5) or the instance_type it covers")
        if self.gpus is None and self.instances is None:
            raise ValueError("give gpus (accelerators covered) or instances")
        if self.instances is not None and self.instance_type is None:
            raise ValueError("instances needs instance_type (to know the GPUs per instance)")
        return self


class PolicyFile(Strict):
    """The top level of a policy file. ``rules`` and ``budgets`` are validated per type."""

    version: Literal[1]
    name: str = Field(min_length=1, max_length=200)
    description: str | None = None
    #: Presets (``builtin:baseline``) or files this policy builds on, merged in order.
    extends: StrList = Field(default_factory=list)
    #: Default enforcement for rules that do not set one (else it follows severity).
    enforcement: Enforcement | None = None
    rules: list[dict[str, Any]] = Field(default_factory=list)
    budgets: list[dict[str, Any]] = Field(default_factory=list)
    budget_defaults: BudgetDefaults = Field(default_factory=BudgetDefaults)
    unpriced: Literal["error", "warning", "info", "ignore"] = "warning"
    #: How serious a price taken from another purchase option is (``spot→on-demand``).
    fallback: Literal["error", "warning", "info", "ignore"] = "warning"
    settings: Settings = Field(default_factory=Settings)
    waivers: list[dict[str, Any]] = Field(default_factory=list)
    waiver_files: StrList = Field(default_factory=list)
    waiver_settings: WaiverSettings = Field(default_factory=WaiverSettings)
    commitments: list[Commitment] = Field(default_factory=list)
